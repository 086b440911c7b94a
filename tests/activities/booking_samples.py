"""Residents with points to book rooms with, for the booking tests."""

from __future__ import annotations

from sqlalchemy import func, select

from workbench.points.tables import points_entries


def with_points(store, community_id: str, code_id: int, points: int, key: str = "start") -> None:
    """``code_id`` credited ``points`` (awarded for event ``key`` and approved at once)."""
    store.open_points_account(code_id)
    credit_id, _ = store.award_points(community_id, code_id, f"booking-test:{key}:{code_id}",
                                      "elderly_care", points, 0, "steward")
    store.review_credit(credit_id, "王管家", approve=True)


def balance(store, code_id: int) -> int:
    """A resident's balance: the sum of their entries, read straight from the ledger."""
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.coalesce(func.sum(points_entries.c.points), 0))
                                .where(points_entries.c.code_id == code_id)).scalar())


def entries(store, code_id: int) -> list[dict]:
    """A resident's ledger entries, oldest first."""
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(
            select(points_entries).where(points_entries.c.code_id == code_id)
            .order_by(points_entries.c.id))]
