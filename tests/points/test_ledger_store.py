"""The points ledger in the store, on SQLite and PostgreSQL: credits count after review, an
award repeated is one credit, redemptions at once never go below zero, expiry by date,
transfers within a household, adjustments, and balances always the sum of the entries."""

from __future__ import annotations

from datetime import date

import pytest

from points_samples import credited, ledger_total, residents
from stores import in_threads, store_on_both_databases  # noqa: F401 (fixture)
from workbench.points.ledger import PointsRefused


def test_a_credit_counts_only_after_review(store, community):
    (code,) = residents(store, community.id, 1)
    credit_id, new = store.award_points(community.id, code, "need:1", "elderly_care", 15, 90,
                                        "steward")
    assert new and store.points_balance(code) == 0
    assert [c["id"] for c in store.points_credits(community.id)] == [credit_id]
    outcome = store.review_credit(credit_id, "王管家", approve=True)
    assert outcome["status"] == "approved" and outcome["new"]
    assert store.points_balance(code) == 15 and store.points_credits(community.id) == []
    assert store.service_minutes(code) == 90   # hours kept apart from points
    # a second review changes nothing
    again = store.review_credit(credit_id, "李书记", approve=False)
    assert again == {"status": "approved", "entry_id": outcome["entry_id"], "new": False}
    assert store.points_balance(code) == 15


def test_a_rejected_credit_never_counts(store, community):
    (code,) = residents(store, community.id, 1)
    credit_id, _ = store.award_points(community.id, code, "survey:1:x", "survey_completed", 2,
                                      0, "committee")
    store.review_credit(credit_id, "王管家", approve=False, note="duplicate answer")
    assert store.points_balance(code) == 0 and store.points_history(code) == []
    assert store.points_credits(community.id, "rejected")[0]["review_note"] == "duplicate answer"


def test_an_award_retried_ten_times_is_credited_once(store, community):
    (code,) = residents(store, community.id, 1)
    answers = [store.award_points(community.id, code, "need:7", "elderly_care", 10, 60,
                                  "steward") for _ in range(10)]
    assert len({credit_id for credit_id, _ in answers}) == 1
    assert [new for _, new in answers] == [True] + [False] * 9
    for _ in range(10):
        store.review_credit(answers[0][0], "王管家", approve=True)
    assert store.points_balance(code) == 10 and len(store.points_history(code)) == 1


def test_an_award_and_its_approval_raced_by_ten_at_once_are_credited_once(store, community):
    (code,) = residents(store, community.id, 1)

    def award(s, n):
        credit_id, _ = s.award_points(community.id, code, "workshop:3", "workshop_attended", 5,
                                      0, f"steward {n}")
        s.review_credit(credit_id, f"steward {n}", approve=True)

    assert in_threads(store.url, award, 10) == []
    assert store.points_balance(code) == 5 and len(store.points_credits(community.id, None)) == 1


def test_twenty_redemptions_at_once_against_five_prices_give_five(store, community):
    (code,) = residents(store, community.id, 1)
    credited(store, community.id, code, 50, "need:1")
    outcomes = []

    def redeem(s, n):
        try:
            outcomes.append(s.redeem_points(code, community.id, "tool_lending", 10)
                            ["receipt_code"])
        except PointsRefused as refused:
            outcomes.append(refused.key)

    assert in_threads(store.url, redeem, 20) == []
    receipts = [o for o in outcomes if o != "points.refused.balance"]
    assert len(receipts) == 5 and len(set(receipts)) == 5
    assert outcomes.count("points.refused.balance") == 15
    assert store.points_balance(code) == 0
    assert ledger_total(store) == sum(store.points_balances(community.id).values()) == 0


def test_limited_stock_is_never_oversold(store, community):
    codes = residents(store, community.id, 6)
    for n, code in enumerate(codes):
        credited(store, community.id, code, 40, f"need:{n}")
    refused = []

    def redeem(s, n):
        try:
            s.redeem_points(codes[n], community.id, "haircut", 40, stock=4)
        except PointsRefused as exc:
            refused.append(exc.key)

    assert in_threads(store.url, redeem, 6) == []
    assert refused == ["points.refused.sold_out"] * 2
    assert sorted(store.points_balances(community.id).values()) == [0, 0, 0, 0, 40, 40]


def test_a_redemption_repeated_by_its_click_is_made_once(store, community):
    (code,) = residents(store, community.id, 1)
    credited(store, community.id, code, 30, "need:1")
    first = store.redeem_points(code, community.id, "tool_lending", 10, request_key="click-1")
    again = store.redeem_points(code, community.id, "tool_lending", 10, request_key="click-1")
    assert again["receipt_code"] == first["receipt_code"] and not again["new"]
    assert store.points_balance(code) == 20


def test_a_redemption_beyond_the_balance_writes_nothing(store, community):
    (code,) = residents(store, community.id, 1)
    credited(store, community.id, code, 5, "need:1")
    with pytest.raises(PointsRefused) as refused:
        store.redeem_points(code, community.id, "room_two_hours", 50)
    assert refused.value.params == {"balance": 5, "needed": 50}
    assert len(store.points_history(code)) == 1


def test_points_expire_by_date_spending_the_oldest_first(store, community):
    (code,) = residents(store, community.id, 1)
    credited(store, community.id, code, 30, "need:1", expires_on=date(2026, 6, 30))
    credited(store, community.id, code, 20, "need:2", expires_on=date(2027, 6, 30))
    store.redeem_points(code, community.id, "tool_lending", 10)   # spends the older 30 first
    assert store.expire_points(community.id, date(2026, 6, 29)) == {}
    assert store.expire_points(community.id, date(2026, 6, 30)) == {code: 20}
    assert store.expire_points(community.id, date(2026, 6, 30)) == {}   # once a day
    assert store.expire_points(community.id, date(2026, 12, 31)) == {}  # nothing more due
    assert store.points_balance(code) == 20
    assert store.expire_points(community.id, date(2027, 7, 1)) == {code: 20}
    assert store.points_balance(code) == 0
    assert [e["kind"] for e in store.points_history(code)] == ["earn", "earn", "redeem",
                                                               "expire", "expire"]


def test_transfers_only_within_a_household(store, community):
    parent, child = residents(store, community.id, 2, household="3-2-501")
    (neighbour,) = residents(store, community.id, 1, household="3-2-502")
    credited(store, community.id, parent, 40, "need:1")
    assert store.transfer_points(parent, child, 15, "t1")
    assert not store.transfer_points(parent, child, 15, "t1")   # the same request again
    with pytest.raises(PointsRefused, match="household"):
        store.transfer_points(parent, neighbour, 5, "t2")
    with pytest.raises(PointsRefused, match="balance"):
        store.transfer_points(parent, child, 26, "t3")
    assert (store.points_balance(parent), store.points_balance(child)) == (25, 15)
    assert ledger_total(store) == 40


def test_an_adjustment_is_a_new_entry_with_reason_and_steward(store, community):
    (code,) = residents(store, community.id, 1)
    credited(store, community.id, code, 10, "need:1")
    assert store.adjust_points(code, -4, "hours counted twice", "王管家", "a1")
    with pytest.raises(PointsRefused):
        store.adjust_points(code, -7, "too much", "王管家", "a2")
    entry = store.points_history(code)[-1]
    assert (entry["kind"], entry["points"], entry["reason"], entry["steward"]) == \
        ("adjust", -4, "hours counted twice", "王管家")
    assert store.points_balance(code) == 6


def test_each_community_sees_only_its_own_residents(store, community):
    (code,) = residents(store, community.id, 1)
    credited(store, community.id, code, 10, "need:1")
    assert store.points_balances(community.id) == {code: 10}
    assert store.points_balances("another") == {}


def test_a_resident_of_another_community_is_not_credited_here(store, community):
    (code,) = residents(store, community.id, 1)
    with pytest.raises(PointsRefused, match="no_code"):
        store.award_points("elsewhere", code, "need:1", "elderly_care", 5, 30, "steward")
    with pytest.raises(PointsRefused, match="no_code"):
        store.award_points(community.id, 99999, "need:2", "elderly_care", 5, 30, "steward")
    assert store.points_credits(community.id, None) == []


def test_a_revoked_code_earns_nothing(store, community):
    kept, lost = residents(store, community.id, 2)
    assert store.revoke_code(lost)
    with pytest.raises(PointsRefused, match="code_revoked"):
        store.award_points(community.id, lost, "need:1", "elderly_care", 5, 30, "steward")
    store.award_points(community.id, kept, "need:1", "elderly_care", 5, 30, "steward")
    assert [c["code_id"] for c in store.points_credits(community.id, None)] == [kept]


def test_transfers_both_ways_at_once_neither_deadlock_nor_go_below_zero(store, community):
    one, other = residents(store, community.id, 2, household="5-1-301")
    credited(store, community.id, one, 30, "need:1")
    credited(store, community.id, other, 30, "need:2")
    refused = []

    def transfer(s, n):
        giver, taker = (one, other) if n % 2 else (other, one)
        try:
            s.transfer_points(giver, taker, 7, f"t{n}")
        except PointsRefused as exc:
            refused.append(exc.key)

    assert in_threads(store.url, transfer, 16) == []   # a deadlock would be an error here
    balances = store.points_balances(community.id)
    assert sum(balances.values()) == ledger_total(store) == 60
    assert min(balances.values()) >= 0
    assert set(refused) <= {"points.refused.balance"}
