"""The needs pool, on SQLite and PostgreSQL: a need's whole life from posting to points
credited for review, every move recorded, who may make which move, two claims at once."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from points_samples import residents
from stores import in_threads, store_on_both_databases  # noqa: F401 (fixture)
from workbench import settings
from workbench.points import workflow
from workbench.points.ledger import PointsRefused
from workbench.points.needs import NeedInvalid, for_the_steward, skills_of, validate_need
from workbench.points.rule_file import load_rules

NOW = datetime(2026, 12, 1, 9, tzinfo=timezone.utc)


@pytest.fixture
def rules():
    return load_rules(settings.get("points_rules"))


def a_need(rules, **kw):
    values = dict(title="帮忙修理楼道灯", description="3 号楼二单元", skill="skills_help",
                  public_space_id="P1", window_start=NOW + timedelta(hours=2),
                  window_end=NOW + timedelta(days=2)) | kw
    return validate_need(values, skills_of(rules), ["P1"], NOW)


def test_a_need_from_posting_to_points_for_review(store, community, rules):
    poster, volunteer = residents(store, community.id, 2)
    store.register_volunteer(volunteer, community.id, ["skills_help", "elderly_care"], "周末")
    need_id = store.post_need(community.id, a_need(rules), poster, "resident")
    assert store.move_need(need_id, "claim", by_code_id=volunteer) == "claimed"
    assert store.move_need(need_id, "release", by_code_id=volunteer) == "open"
    assert store.move_need(need_id, "claim", by_code_id=volunteer) == "claimed"
    assert workflow.need_done(store, rules, need_id, volunteer, 90) == "done"
    assert workflow.confirm_need(store, rules, need_id, by_code_id=poster) == "confirmed"
    (credit,) = store.points_credits(community.id)
    assert (credit["code_id"], credit["points"], credit["minutes"], credit["event_key"]) == \
        (volunteer, 23, 90, f"need:{need_id}")   # 1.5 h x 15, rounded half up
    assert store.points_balance(volunteer) == 0   # not before review
    workflow.review(store, rules, credit["id"], "王管家", approve=True)
    assert store.points_balance(volunteer) == 23
    history = store.need_history(need_id)
    assert [(e["action"], e["status_from"], e["status_to"]) for e in history] == [
        ("post", None, "open"), ("claim", "open", "claimed"), ("release", "claimed", "open"),
        ("claim", "open", "claimed"), ("done", "claimed", "done"),
        ("confirm", "done", "confirmed")]
    assert history[-1]["by_code_id"] == poster and history[4]["minutes"] == 90


@pytest.mark.parametrize("who, action, key", [
    ("poster", "claim", "needs.refused.who"),         # not one's own need
    ("stranger", "claim", "needs.refused.skill"),     # not a volunteer with the skill
    ("volunteer", "done", "needs.refused.state"),     # not claimed yet
    ("volunteer", "confirm", "needs.refused.state"),
    ("volunteer", "cancel", "needs.refused.who"),
    ("volunteer", "delete", "needs.refused.action"),
])
def test_who_may_move_a_need(store, community, rules, who, action, key):
    poster, volunteer, stranger = residents(store, community.id, 3)
    store.register_volunteer(volunteer, community.id, ["skills_help"])
    need_id = store.post_need(community.id, a_need(rules), poster, "resident")
    code = {"poster": poster, "volunteer": volunteer, "stranger": stranger}[who]
    with pytest.raises(PointsRefused) as refused:
        store.move_need(need_id, action, by_code_id=code)
    assert refused.value.key == key
    assert store.need(need_id)["status"] == "open" and len(store.need_history(need_id)) == 1


def test_a_steward_confirms_and_cancels(store, community, rules):
    (volunteer,) = residents(store, community.id, 1)
    store.register_volunteer(volunteer, community.id, ["elderly_care"])
    need_id = store.post_need(community.id, a_need(rules, skill="elderly_care"), None, "王管家")
    other = store.post_need(community.id, a_need(rules), None, "王管家")
    assert store.move_need(other, "cancel", by_steward="王管家") == "cancelled"
    store.move_need(need_id, "claim", by_code_id=volunteer)
    workflow.need_done(store, rules, need_id, volunteer, 60)
    workflow.confirm_need(store, rules, need_id, by_steward="王管家")
    assert store.points_credits(community.id)[0]["points"] == 10


def test_two_volunteers_claiming_at_once_one_gets_it(store, community, rules):
    poster, *helpers = residents(store, community.id, 9)
    for code in helpers:
        store.register_volunteer(code, community.id, ["skills_help"])
    need_id = store.post_need(community.id, a_need(rules), poster, "resident")
    refused = []

    def claim(s, n):
        try:
            s.move_need(need_id, "claim", by_code_id=helpers[n])
        except PointsRefused as exc:
            refused.append(exc.key)

    assert in_threads(store.url, claim, 8) == []
    assert refused == ["needs.refused.state"] * 7
    assert [e["action"] for e in store.need_history(need_id)] == ["post", "claim"]


def test_what_the_steward_is_shown(store, community, rules):
    (poster,) = residents(store, community.id, 1)
    need_id = store.post_need(community.id, a_need(rules), poster, "resident")
    needs = store.needs_of(community.id)
    assert for_the_steward(needs, NOW) == []
    assert [n["id"] for n in for_the_steward(needs, datetime.now(timezone.utc)
                                             + timedelta(days=3))] == [need_id]


@pytest.mark.parametrize("kw, field", [
    (dict(title=" "), "title"), (dict(title="<b>" * 100), "title"),
    (dict(skill="flying"), "skill"), (dict(skill=["skills_help"]), "skill"),
    (dict(public_space_id="P9"), "public_space_id"),
    (dict(window_end=NOW), "window"), (dict(window_start="tomorrow"), "window"),
    (dict(window_end=NOW + timedelta(days=200)), "window"),
    (dict(window_start=NOW - timedelta(days=3)), "window"),
])
def test_a_need_the_rules_refuse(rules, kw, field):
    with pytest.raises(NeedInvalid) as invalid:
        a_need(rules, **kw)
    assert field in invalid.value.errors


def test_a_reissued_code_carries_its_points(store, community, rules):
    (code,) = residents(store, community.id, 1, household="1-1-101")
    credit_id, _ = store.award_points(community.id, code, "need:1", "elderly_care", 30, 60,
                                      "steward")
    store.review_credit(credit_id, "王管家", approve=True)
    store.award_points(community.id, code, "need:2", "elderly_care", 5, 30, "steward")
    (new,) = store.add_codes(community.id, ["reissued-hash"], replaces_id=code)
    assert (store.points_balance(code), store.points_balance(new)) == (0, 30)
    assert store.points_account(new)["household"] == "1-1-101"
    assert store.points_credits(community.id)[0]["code_id"] == new


def test_the_planners_tables(store, community, rules):
    from workbench.points.team import hours_by_month, open_by_skill, team_table, \
        time_to_fulfilment

    poster, volunteer, idle = residents(store, community.id, 3)
    store.register_volunteer(volunteer, community.id, ["skills_help"], "周末")
    store.register_volunteer(idle, community.id, ["elderly_care"])
    need_id = store.post_need(community.id, a_need(rules), poster, "resident")
    store.post_need(community.id, a_need(rules), poster, "resident")
    store.post_need(community.id, a_need(rules, skill="elderly_care"), poster, "resident")
    store.move_need(need_id, "claim", by_code_id=volunteer)
    workflow.need_done(store, rules, need_id, volunteer, 150)
    workflow.confirm_need(store, rules, need_id, by_code_id=poster)
    workflow.review(store, rules, store.points_credits(community.id)[0]["id"], "王", True)
    credits = store.points_credits(community.id, None)
    team = team_table(store.volunteers(community.id), credits).set_index("code_id")
    assert team.loc[volunteer, ["hours", "tasks"]].tolist() == [2.5, 1]
    assert team.loc[idle, ["hours", "tasks"]].tolist() == [0.0, 0]
    assert open_by_skill(store.needs_of(community.id)).to_dict() == {"skills_help": 1,
                                                                     "elderly_care": 1}
    waited = time_to_fulfilment(store.need_events_of(community.id))
    assert list(waited.index) == [need_id] and 0 <= waited[need_id] < 1
    assert hours_by_month(credits).sum() == 2.5
    assert hours_by_month([]).empty


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from hostile import json_values  # noqa: E402
from workbench.points.needs import Need  # noqa: E402

FIELDS = ["title", "description", "skill", "public_space_id", "window_start", "window_end"]


@given(field=st.sampled_from(FIELDS), value=json_values)
def test_any_value_in_a_need_is_taken_or_refused_beside_its_field(rules, field, value):
    try:
        need = a_need(rules, **{field: value})
    except NeedInvalid as invalid:
        assert set(invalid.errors) <= set(FIELDS) | {"window"}
        return
    assert isinstance(need, Need) and need.title and need.skill in skills_of(rules)


@given(minutes=json_values)
def test_any_minutes_are_taken_or_refused(rules, minutes):
    from workbench.points.workflow import check_minutes

    try:
        assert 1 <= check_minutes(minutes, 8) <= 480
    except PointsRefused as refused:
        assert refused.key == "points.error.minutes"
