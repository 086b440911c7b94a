"""Residents with points accounts, for the points tests."""

from __future__ import annotations

from sqlalchemy import func, select

from workbench.participation.tables import participation_codes
from workbench.points.tables import points_entries


def residents(store, community_id: str, count: int, household: str | None = None) -> list[int]:
    """``count`` new participation codes with points accounts; their code ids."""
    ids = store.add_codes(community_id, [f"hash-{community_id}-{n}-{household}-"
                                         f"{_issued(store)}" for n in range(count)])
    for code_id in ids:
        store.open_points_account(code_id, household=household)
    return ids


def _issued(store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(participation_codes)).scalar()


def credited(store, community_id: str, code_id: int, points: int, key: str, **review) -> int:
    """``points`` awarded for event ``key`` and approved at once; the credit's id."""
    credit_id, _ = store.award_points(community_id, code_id, key, "elderly_care", points, 60,
                                      "steward")
    store.review_credit(credit_id, "王管家", approve=True, **review)
    return credit_id


def ledger_total(store) -> int:
    """The sum of every entry in the ledger."""
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.coalesce(func.sum(points_entries.c.points), 0)))
                   .scalar())
