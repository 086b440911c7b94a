"""Property-based: any sequence of awards (some repeated), reviews, redemptions, transfers,
adjustments and expiries keeps the ledger's invariants, on SQLite and PostgreSQL: no balance
below zero, each balance the sum of its entries and the ledger's total the sum of the
balances shown, an award counted once, a refused operation writing nothing."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

import hostile  # noqa: F401 (the project's hypothesis profile)
from points_samples import ledger_total, residents
from stores import store_on_both_databases  # noqa: F401 (fixture)
from workbench.points.ledger import PointsRefused

START = date(2026, 1, 1)
#: residents 0 and 1 share a household, 2 lives elsewhere
WHO = st.integers(min_value=0, max_value=2)
DAY = st.integers(min_value=0, max_value=800)
operations = st.lists(st.one_of(
    st.tuples(st.just("award"), WHO, st.integers(1, 60), DAY, st.booleans(), st.booleans()),
    st.tuples(st.just("redeem"), WHO, st.integers(1, 80)),
    st.tuples(st.just("transfer"), WHO, WHO, st.integers(1, 50)),
    st.tuples(st.just("adjust"), WHO, st.integers(-40, 40).filter(bool)),
    st.tuples(st.just("expire"), DAY),
), max_size=12)


def test_any_sequence_keeps_the_ledger_invariants(store, community):
    keys = itertools.count()
    codes = residents(store, community.id, 2, household="1-1-101") + \
        residents(store, community.id, 1, household="2-1-202")

    @given(operations)
    def run(ops):
        model = store.points_balances(community.id)
        for op in ops:
            before = store.points_balances(community.id)
            try:
                changed = apply(store, community.id, codes, op, next(keys))
            except PointsRefused:
                assert store.points_balances(community.id) == before  # nothing half-written
                continue
            for code_id, points in changed.items():
                model[code_id] += points
            balances = store.points_balances(community.id)
            assert balances == model
            assert min(balances.values()) >= 0
            assert ledger_total(store) == sum(balances.values())
            for code_id in codes:
                history = store.points_history(code_id)
                assert sum(e["points"] for e in history) == balances[code_id]
                earned = [e["event_key"] for e in history if e["kind"] == "earn"]
                assert len(earned) == len(set(earned))

    run()


def apply(store, community_id, codes, op, n) -> dict[int, int]:
    """Run one operation; the change it made to each balance."""
    kind = op[0]
    if kind == "award":
        _, who, points, day, repeat, approve = op
        key = f"event:{n}"
        credit_id, _ = store.award_points(community_id, codes[who], key, "elderly_care",
                                          points, 30, "steward")
        if repeat:  # the same event again: the same credit
            assert store.award_points(community_id, codes[who], key, "elderly_care", points,
                                      30, "steward") == (credit_id, False)
        outcome = store.review_credit(credit_id, "steward", approve,
                                      expires_on=START + timedelta(days=day))
        if repeat:
            store.review_credit(credit_id, "steward", approve)
        return {codes[who]: points} if outcome["status"] == "approved" else {}
    if kind == "redeem":
        _, who, price = op
        store.redeem_points(codes[who], community_id, "tool_lending", price)
        return {codes[who]: -price}
    if kind == "transfer":
        _, giver, taker, points = op
        store.transfer_points(codes[giver], codes[taker], points, f"t{n}")
        return {codes[giver]: -points, codes[taker]: points}
    if kind == "adjust":
        _, who, points = op
        store.adjust_points(codes[who], points, "correction", "steward", f"a{n}")
        return {codes[who]: points}
    _, day = op
    return {code_id: -points for code_id, points
            in store.expire_points(community_id, START + timedelta(days=day)).items()}
