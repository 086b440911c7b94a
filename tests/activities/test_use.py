"""The use of each space, counted from the store on SQLite and PostgreSQL: hours booked,
activities held, places taken and attendance, by scenario and by month; a public holiday
left out of a weekly activity's hours; and what it says to the agenda (people refused are a
need, a space little used a question)."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest
from activity_samples import load_spaces
from stores import store_on_both_databases  # noqa: F401 (fixture)
from use_samples import FIRST, LAST, fill_use

from workbench.activities import use

SPACES = ["P1", "P2", "P3", "P4"]
NONE = frozenset()


@pytest.fixture
def filled(store, community):
    load_spaces(store, community)
    return fill_use(store, community)


def counted(store, community, skipped=NONE, first=FIRST, last=LAST):
    records = store.space_use_records(community.id)
    events = use.use_events(records, first, last, community.time_zone, skipped)
    return events, use.space_use(events, SPACES, first, last,
                                 use.open_hours(records["rooms"], first, last))


def test_the_use_of_each_space_is_counted_from_what_was_stored(store, community, filled):
    events, spaces = counted(store, community)
    by_space = spaces.set_index("public_space_id")
    weeks = 61 / 7
    p1, p3 = by_space.loc["P1"], by_space.loc["P3"]
    # P1: five Mondays of tai chi, 1.5 h each; two places a meeting; on 9 March 2 + 1 waiting
    assert (p1["meetings"], p1["activity_hours"], p1["places"]) == (5, 7.5, 10)
    assert (p1["accepted"], p1["attended"], p1["waiting"], p1["refused"]) == (2, 1, 1, 0)
    assert p1["fill"] == pytest.approx(2 / 10) and p1["turnout"] == pytest.approx(1 / 2)
    assert p1["hours_booked"] == 0 and p1["open_hours"] == 0 and math.isnan(p1["use_share"])
    assert p1["hours_a_week"] == pytest.approx(7.5 / weeks) and p1["level"] == "low"
    # P3: the talk (2 h, 4 of 10 places, 3 came), one booking approved (2 h), one refused;
    # the cancelled and the still requested ones count for nothing
    assert (p3["meetings"], p3["activity_hours"], p3["hours_booked"]) == (1, 2.0, 2.0)
    assert (p3["accepted"], p3["attended"], p3["refused"], p3["waiting"]) == (4, 3, 1, 0)
    assert p3["open_hours"] == 13 * 61
    assert p3["use_share"] == pytest.approx(4 / (13 * 61))
    assert by_space.loc["P2", "level"] == by_space.loc["P4", "level"] == "none"
    assert by_space.loc["P2", "meetings"] == 0 and math.isnan(by_space.loc["P2", "fill"])
    assert len(events) == 5 + 1 + 2                      # meetings, and two decided bookings


def test_by_scenario_and_by_month_share_each_space_s_hours(store, community, filled):
    events, _ = counted(store, community)
    scenarios = use.use_by(events, "scenario").set_index(["public_space_id", "scenario"])
    assert scenarios.loc[("P3", "education"), "activity_hours"] == 2.0
    assert scenarios.loc[("P3", use.BOOKING), "hours_booked"] == 2.0
    assert scenarios.loc[("P3", "education"), "share"] == pytest.approx(0.5)
    assert scenarios.loc[("P1", "neighbourhood"), "attended"] == 1
    assert scenarios.loc[("P1", "neighbourhood"), "share"] == pytest.approx(1.0)
    months = use.use_by(events, "month")
    assert months[months["public_space_id"] == "P1"]["month"].tolist() == ["2026-03"]
    assert months[months["public_space_id"] == "P3"]["month"].tolist() == ["2026-04"]
    with pytest.raises(ValueError):
        use.use_by(events, "weekday")


def test_a_month_without_use_between_two_is_listed_at_nought():
    events = pd.DataFrame([
        {"public_space_id": "P1", "month": m, "scenario": "health", "kind": "activity",
         "hours": 2.0, "meetings": 1, "places": 5, "accepted": 1, "attended": 1,
         "waiting": 0, "refused": 0} for m in ("2026-01", "2026-03")], columns=use.EVENT_COLUMNS)
    months = use.use_by(events, "month")
    assert months["month"].tolist() == ["2026-01", "2026-02", "2026-03"]
    assert months["meetings"].tolist() == [1, 0, 1]
    assert months["share"].tolist() == [0.5, 0.0, 0.5]


def test_a_public_holiday_is_not_counted_as_held(store, community, filled):
    _, spaces = counted(store, community, skipped=frozenset({date(2026, 3, 16)}))
    p1 = spaces.set_index("public_space_id").loc["P1"]
    assert (p1["meetings"], p1["activity_hours"], p1["places"]) == (4, 6.0, 8)
    # a period of March only: the April talk and bookings are outside it
    _, march = counted(store, community, first=date(2026, 3, 1), last=date(2026, 3, 31))
    p3 = march.set_index("public_space_id").loc["P3"]
    assert (p3["meetings"], p3["hours_booked"], p3["refused"]) == (0, 0.0, 0)


def test_refused_people_are_a_need_and_a_little_used_space_a_question(store, community,
                                                                        filled):
    _, spaces = counted(store, community)
    evidence = use.space_evidence(spaces, {"P4": "planned"})
    assert {"public_space_id": "P1", "kind": "need", "count": 1} in evidence      # waiting
    assert {"public_space_id": "P3", "kind": "need", "count": 1} in evidence      # refused
    questions = {e["public_space_id"]: e["count"] for e in evidence if e["kind"] == "question"}
    # all spaces were used under 2 h a week, but only P3 has rooms whose open hours its use
    # is measured against (P1's tai chi in a park says nothing of the park's daily use)
    assert questions == {"P3": 4}
    # P4 has rooms too, but is only planned: not asked about
    rooms_everywhere = spaces.assign(open_hours=100.0)
    asked = {e["public_space_id"] for e in use.space_evidence(rooms_everywhere, {"P4": "planned"})
             if e["kind"] == "question"}
    assert asked == {"P1", "P2", "P3"}


def test_a_space_used_often_is_no_question():
    busy = pd.DataFrame([{"public_space_id": "P1", "month": "2026-03", "scenario": "health",
                          "kind": "activity", "hours": 3.0, "meetings": 1, "places": 5,
                          "accepted": 5, "attended": 5, "waiting": 0, "refused": 0}] * 4,
                        columns=use.EVENT_COLUMNS)
    week = use.space_use(busy, ["P1"], date(2026, 3, 1), date(2026, 3, 7))
    assert week.loc[0, "hours_a_week"] == 12.0 and week.loc[0, "level"] == "high"
    assert use.space_evidence(week) == []
    assert [use.level_of(h) for h in (0, 0.5, 2, 7.9, 8)] == ["none", "low", "medium",
                                                              "medium", "high"]
