"""The rule file applied: who may award, earn rules by the hour or by the event, the
catalogue's prices and stock, spending across a street's communities, expiry dates."""

from __future__ import annotations

from datetime import date

import pytest

from points_samples import residents
from workbench import settings
from workbench.points import workflow
from workbench.points.ledger import PointsRefused, expires_on, may_spend_in
from workbench.points.rule_file import load_rules


@pytest.fixture
def rules():
    return load_rules(settings.get("points_rules"))


def test_volunteer_hours_earn_by_the_coefficient_after_review(store, community, rules):
    (code,) = residents(store, community.id, 1)
    credit_id, new = workflow.award(store, rules, community.id, code, "elderly_care",
                                    "need:1", "王管家", "steward", minutes=150)
    assert new and store.points_credits(community.id)[0]["points"] == 25  # 2.5 h x 10
    workflow.review(store, rules, credit_id, "李书记", approve=True, today=date(2026, 3, 31))
    (entry,) = store.points_history(code)
    assert entry["points"] == 25 and entry["expires_on"] == date(2028, 3, 31)
    assert store.service_minutes(code) == 150


@pytest.mark.parametrize("kw, key", [
    (dict(role="volunteer"), "points.refused.awarder"),
    (dict(rule_id="good_deed"), "points.refused.no_rule"),
    (dict(minutes=0), "points.error.minutes"),
    (dict(minutes=9 * 60), "points.error.minutes"),   # elderly_care: at most 8 h a task
    (dict(minutes="90"), "points.error.minutes"),
    (dict(minutes=True), "points.error.minutes"),
])
def test_an_award_the_rules_refuse_writes_nothing(store, community, rules, kw, key):
    (code,) = residents(store, community.id, 1)
    args = dict(rule_id="elderly_care", role="steward", minutes=60) | kw
    with pytest.raises(PointsRefused) as refused:
        workflow.award(store, rules, community.id, code, args["rule_id"], "need:1", "王管家",
                       args["role"], minutes=args["minutes"])
    assert refused.value.key == key and store.points_credits(community.id, None) == []


def test_fixed_points_per_event(store, community, rules):
    (code,) = residents(store, community.id, 1)
    workflow.award(store, rules, community.id, code, "proposal_adopted", "agenda:item:4",
                   "committee", "committee", minutes=600)
    (credit,) = store.points_credits(community.id)
    assert (credit["points"], credit["minutes"]) == (20, 0)


def test_redeeming_from_the_catalogue(store, community, rules):
    (code,) = residents(store, community.id, 1)
    credit_id, _ = workflow.award(store, rules, community.id, code, "skills_help", "need:1",
                                  "王管家", "steward", minutes=240)
    workflow.review(store, rules, credit_id, "李书记", approve=True)
    receipt = workflow.redeem(store, rules, code, community.id, community.id, "haircut",
                              across=False)
    assert receipt["balance"] == 20 and receipt["receipt_code"]
    with pytest.raises(PointsRefused, match="no_item"):
        workflow.redeem(store, rules, code, community.id, community.id, "car", across=False)
    with pytest.raises(PointsRefused, match="elsewhere"):
        workflow.redeem(store, rules, code, community.id, "other", "haircut", across=True)


def test_spending_across_the_street_is_a_setting():
    shared = ["a", "b"]
    assert may_spend_in("a", "a", [], across=False)
    assert not may_spend_in("a", "b", shared, across=False)
    assert may_spend_in("a", "b", shared, across=True)
    assert not may_spend_in("a", "c", shared, across=True)


@pytest.mark.parametrize("credited, months, until", [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2026, 11, 15), 2, date(2027, 1, 15)),
    (date(2026, 5, 1), 24, date(2028, 5, 1)),
    (date(2026, 5, 1), None, None),
])
def test_expiry_dates(credited, months, until):
    assert expires_on(months, credited) == until


def test_adjustments_need_a_reason_and_a_steward(store, community, rules):
    (code,) = residents(store, community.id, 1)
    for points, reason, steward in [(5, " ", "王"), (5, "ok", ""), (0, "ok", "王"),
                                    (2.5, "ok", "王"), (True, "ok", "王")]:
        with pytest.raises(PointsRefused):
            workflow.adjust(store, rules, code, points, reason, steward, "a1")
    assert workflow.adjust(store, rules, code, 5, "paper slip counted", "王管家", "a1")
    assert store.points_balance(code) == 5


def test_taking_part_earns_once_per_event(store, community, rules):
    (code,) = residents(store, community.id, 1)
    first = workflow.award_event(store, rules, community.id, code, "survey_completed", 3,
                                 "committee", "committee")
    again = workflow.award_event(store, rules, community.id, code, "survey_completed", 3,
                                 "committee", "committee")
    assert first[1] and again == (first[0], False)
    assert store.points_credits(community.id)[0]["event_key"] == f"survey_completed:3:{code}"
    assert workflow.award_event(store, rules, community.id, code, "volunteer_hours", 1,
                                "committee", "committee") is None
