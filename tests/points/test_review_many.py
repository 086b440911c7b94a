"""Several credits reviewed at once are one transaction: all approved or none, on SQLite and
PostgreSQL; the planner's panel and ``workbench points review`` use it."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from points_samples import ledger_total, residents
from stores import store_on_both_databases  # noqa: F401 (fixture)
from workbench import settings
from workbench.points import workflow
from workbench.points.ledger import PointsRefused
from workbench.points.rule_file import load_rules
from workbench.points.tables import points_entries


@pytest.fixture
def rules():
    return load_rules(settings.get("points_rules"))


def pending(store, community_id: str, n: int) -> tuple[list[int], list[int]]:
    """``n`` residents with a credit of 10 points each waiting; (codes, credit ids)."""
    codes = residents(store, community_id, n)
    ids = [store.award_points(community_id, c, f"need:{c}", "elderly_care", 10, 60, "王管家")[0]
           for c in codes]
    return codes, ids


def plant_entry_for(store, community_id: str, code_id: int, credit_id: int) -> None:
    """An entry (1 point to ``code_id``) holding the key the approval of ``credit_id`` would
    write, so that approving it fails."""
    with store.engine.begin() as conn:
        conn.execute(insert(points_entries).values(
            community_id=community_id, code_id=code_id, kind="adjust", points=1,
            event_key=f"credit:{credit_id}", reason="planted", steward="test",
            created_at=datetime(2026, 1, 1, tzinfo=timezone.utc)))


def test_many_credits_approved_together(store, community, rules):
    codes, ids = pending(store, community.id, 3)
    outcomes = workflow.review_many(store, rules, ids, "李书记", approve=True,
                                    today=date(2026, 3, 31), community_id=community.id)
    assert [outcomes[i]["status"] for i in ids] == ["approved"] * 3
    assert all(o["new"] for o in outcomes.values())
    assert [store.points_balance(c) for c in codes] == [10, 10, 10]
    assert {e["expires_on"] for c in codes for e in store.points_history(c)} == {date(2028, 3, 31)}
    again = workflow.review_many(store, rules, ids, "李书记", approve=False)  # a repeat
    assert not any(o["new"] for o in again.values()) and ledger_total(store) == 30


def test_one_failure_approves_none(store, community, rules):
    codes, ids = pending(store, community.id, 3)
    # the third credit's ledger entry cannot be written (its key taken): the first two,
    # approved earlier in the same transaction, are undone with it
    plant_entry_for(store, community.id, codes[0], ids[2])
    with pytest.raises(IntegrityError):
        workflow.review_many(store, rules, ids, "李书记", approve=True)
    assert [c["status"] for c in store.points_credits(community.id, None)] == ["pending"] * 3
    assert [store.points_balance(c) for c in codes] == [1, 0, 0]


def test_an_unknown_credit_or_another_communitys_refuses_them_all(store, community, rules):
    codes, ids = pending(store, community.id, 2)
    with pytest.raises(PointsRefused) as refused:
        workflow.review_many(store, rules, [ids[0], 10_000], "李书记", approve=True)
    assert refused.value.key == "points.refused.no_credit"
    with pytest.raises(PointsRefused):
        workflow.review_many(store, rules, ids, "李书记", approve=True, community_id="elsewhere")
    assert len(store.points_credits(community.id)) == 2 and ledger_total(store) == 0


def test_one_reviewed_meanwhile_is_left_as_it_was(store, community, rules):
    codes, ids = pending(store, community.id, 2)
    workflow.review(store, rules, ids[1], "另一位管家", approve=False, note="重复")
    outcomes = workflow.review_many(store, rules, ids, "李书记", approve=True)
    assert outcomes[ids[0]] == {"status": "approved", "entry_id": outcomes[ids[0]]["entry_id"],
                                "new": True}
    assert outcomes[ids[1]] == {"status": "rejected", "entry_id": None, "new": False}
    assert [store.points_balance(c) for c in codes] == [10, 0]


def test_the_cli_reviews_several_credits_at_once(capsys, community):
    from workbench.cli import main
    from workbench.demo import init
    from workbench.layers.community import load_community
    from workbench.store import Store

    init()
    store = Store()
    demo = load_community(settings.get("layers_dir"))
    codes, ids = pending(store, demo.id, 2)
    assert main(["points", "review", str(ids[0]), "999", "--approve", "--by", "李书记"]) == 1
    assert ledger_total(store) == 0  # one unknown: none approved
    capsys.readouterr()
    assert main(["points", "review", *map(str, ids), "--approve", "--by", "李书记"]) == 0
    out = capsys.readouterr().out
    assert f"credit {ids[0]}: approved" in out and f"credit {ids[1]}: approved" in out
    assert [store.points_balance(c) for c in codes] == [10, 10]


def test_the_panel_approves_all_chosen_or_none(store, community, rules):
    from workbench.points.points_panel import PointsPanel

    codes, ids = pending(store, community.id, 3)
    plant_entry_for(store, community.id, codes[0], ids[2])
    p = PointsPanel(store, rules, community.id, "en", "Asia/Shanghai", "王管家")
    p.choose_all.click()
    p.approve_button.click()  # the third cannot be written: the first two are undone
    assert "wb-error" in p.message.value
    assert [c["status"] for c in store.points_credits(community.id, None)] == ["pending"] * 3
    assert [store.points_balance(c) for c in codes] == [1, 0, 0]
