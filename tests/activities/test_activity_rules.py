"""The activities rules: bad input refused field by field (with a message in zh and en),
weekly meetings across a month boundary and a public holiday, the same wall-clock time across
a daylight-saving change, booking slots within opening hours, free slots."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from activity_samples import form

from workbench import i18n
from workbench.activities.rules import (
    ActivityInvalid,
    Room,
    SignupRefused,
    free_slots,
    holidays,
    moving_up,
    occurrence_on,
    occurrences,
    place_for,
    validate_activity,
    validate_booking,
    validate_room,
)

SPACES = ["P1", "P2"]


def problems(**changes) -> dict:
    with pytest.raises(ActivityInvalid) as refused:
        validate_activity(form(**changes), SPACES, {"P1": [7]})
    return refused.value.errors


def test_a_good_form_makes_an_activity_in_the_community_time_zone():
    activity = validate_activity(form(title="  合唱  "), SPACES)
    assert activity.title == "合唱" and activity.capacity == 10
    assert activity.starts_at.utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize("changes, field, key", [
    (dict(ends_at=datetime(2026, 12, 20, 9), starts_at=datetime(2026, 12, 20, 10)),
     "ends_at", "activities.error.end_before_start"),
    (dict(ends_at=datetime(2026, 12, 20, 10), starts_at=datetime(2026, 12, 20, 10)),
     "ends_at", "activities.error.end_before_start"),
    (dict(public_space_id="P404"), "public_space_id", "activities.error.space"),
    (dict(public_space_id=["P1"]), "public_space_id", "activities.error.space"),
    (dict(capacity=0), "capacity", "activities.error.capacity"),
    (dict(capacity=10 ** 9), "capacity", "activities.error.capacity"),
    (dict(capacity=501), "capacity", "activities.error.capacity"),
    (dict(capacity=True), "capacity", "activities.error.capacity"),
    (dict(capacity="10"), "capacity", "activities.error.capacity"),
    (dict(capacity=2.5), "capacity", "activities.error.capacity"),
    (dict(title="<b>合唱</b>"), "title", "error.markup"),
    (dict(title="<img src=x onerror=alert(1)>"), "title", "error.markup"),
    (dict(title=""), "title", "error.required"),
    (dict(title="合" * 121), "title", "error.too_long"),
    (dict(organiser="<script>x</script>"), "organiser", "error.markup"),
    (dict(scenario="party"), "scenario", "error.scenario_required"),
    (dict(starts_at="tomorrow"), "starts_at", "activities.error.when"),
    (dict(ends_at=12), "ends_at", "activities.error.when"),
    (dict(room_id=8), "room_id", "activities.error.room"),
    (dict(room_id="7"), "room_id", "activities.error.room"),
    (dict(repeat="daily"), "repeat", "activities.error.repeat"),
    (dict(repeat="weekly"), "repeat_until", "activities.error.until"),
    (dict(repeat="weekly", repeat_until="2020-01-01"), "repeat_until",
     "activities.error.until_range"),
    (dict(repeat="weekly", repeat_until="2099-01-01"), "repeat_until",
     "activities.error.until_range"),
])
def test_bad_input_is_refused_beside_its_field_in_both_languages(changes, field, key):
    errors = problems(**changes)
    assert errors[field][0] == key
    for lang in ("zh", "en"):
        text = i18n.t(lang, key, **errors[field][1])
        assert text != key and "{" not in text


def test_every_problem_is_reported_at_once():
    errors = problems(title="<i>x</i>", capacity=0, public_space_id="nowhere",
                      ends_at=datetime(2000, 1, 1))
    assert {"title", "capacity", "public_space_id", "ends_at"} <= set(errors)


def test_a_weekly_activity_crosses_a_month_boundary_and_skips_the_national_day():
    # Thursdays from 17 September 2026 to 15 October: 1 October is a public holiday
    activity = validate_activity(form(starts_at=datetime(2026, 9, 17, 19),
                                      ends_at=datetime(2026, 9, 17, 21), repeat="weekly",
                                      repeat_until="2026-10-15", skip_dates=["2026-10-08"]),
                                 SPACES)
    assert date(2026, 10, 1) in holidays()
    meetings = occurrences(activity)
    assert [m.on for m in meetings] == [date(2026, 9, 17), date(2026, 9, 24),
                                        date(2026, 10, 15)]
    assert all(m.starts_at.hour == 19 and m.ends_at.hour == 21 for m in meetings)
    # a window of the calendar: October only
    assert [m.on for m in occurrences(activity, date(2026, 10, 1), date(2026, 10, 31))] == \
        [date(2026, 10, 15)]
    with pytest.raises(SignupRefused):
        occurrence_on(activity, "2026-10-01")
    assert occurrence_on(activity, date(2026, 9, 24)).on == date(2026, 9, 24)


def test_a_weekly_activity_crosses_the_year_end_and_a_one_off_meets_on_a_holiday():
    weekly = validate_activity(form(starts_at=datetime(2026, 12, 17, 9),
                                    ends_at=datetime(2026, 12, 17, 10), repeat="weekly",
                                    repeat_until="2027-01-14"), SPACES)
    assert [m.on.isoformat() for m in occurrences(weekly, skipped=frozenset())] == [
        "2026-12-17", "2026-12-24", "2026-12-31", "2027-01-07", "2027-01-14"]
    once = validate_activity(form(starts_at=datetime(2026, 10, 1, 9),
                                  ends_at=datetime(2026, 10, 1, 11)), SPACES)
    assert [m.on for m in occurrences(once)] == [date(2026, 10, 1)]


def test_the_same_wall_clock_time_across_a_daylight_saving_change():
    activity = validate_activity(form(starts_at=datetime(2026, 10, 19, 18),
                                      ends_at=datetime(2026, 10, 19, 19), repeat="weekly",
                                      repeat_until="2026-11-02"), SPACES,
                                 time_zone="Europe/Berlin")
    meetings = occurrences(activity, skipped=frozenset())
    assert [m.starts_at.hour for m in meetings] == [18, 18, 18]
    assert [m.starts_at.utcoffset() for m in meetings] == [timedelta(hours=2),
                                                           timedelta(hours=1),
                                                           timedelta(hours=1)]


def test_places_then_the_waiting_list_in_order():
    assert [place_for(n, 3) for n in range(5)] == ["accepted"] * 3 + ["waiting"] * 2
    assert moving_up(2, 3, ["a", "b"]) == ["a"]
    assert moving_up(3, 3, ["a"]) == []


ROOM = Room("乒乓球室", "08:00", "21:00")
NOW = datetime(2026, 12, 1, 8, tzinfo=timezone.utc)


def booking(start, end, **kw):
    return validate_booking({"purpose": "练球", "starts_at": start, "ends_at": end, **kw},
                            ROOM, "Asia/Shanghai", NOW)


def test_a_booking_within_opening_hours():
    purpose, start, end = booking("2026-12-05T09:00", "2026-12-05T10:30")
    assert purpose == "练球" and (end - start) == timedelta(minutes=90)


@pytest.mark.parametrize("start, end, field, key", [
    ("2026-12-05T07:30", "2026-12-05T09:00", "starts_at", "activities.error.closed"),
    ("2026-12-05T20:00", "2026-12-05T21:30", "starts_at", "activities.error.closed"),
    ("2026-12-05T20:00", "2026-12-06T09:00", "starts_at", "activities.error.closed"),
    ("2026-12-05T10:00", "2026-12-05T09:00", "ends_at", "activities.error.end_before_start"),
    ("2026-12-05T10:00", "2026-12-05T10:10", "ends_at", "activities.error.too_short"),
    ("2026-11-30T10:00", "2026-11-30T11:00", "starts_at", "activities.error.past"),
    ("2027-06-01T10:00", "2027-06-01T11:00", "starts_at", "activities.error.too_far"),
    ("soon", "2026-12-05T11:00", "starts_at", "activities.error.when"),
])
def test_bad_booking_requests(start, end, field, key):
    with pytest.raises(ActivityInvalid) as refused:
        booking(start, end)
    assert refused.value.errors[field][0] == key


def test_html_in_a_booking_purpose_and_bad_rooms():
    with pytest.raises(ActivityInvalid) as refused:
        booking("2026-12-05T09:00", "2026-12-05T10:00", purpose="<a href=x>球</a>")
    assert refused.value.errors["purpose"][0] == "error.markup"
    with pytest.raises(ActivityInvalid) as refused:
        validate_room({"name": "会议室", "opens": "21:00", "closes": "08:00"})
    assert refused.value.errors["closes"][0] == "activities.error.closes_before_opens"
    with pytest.raises(ActivityInvalid) as refused:
        validate_room({"name": "", "opens": "8am", "closes": "25:00", "points_cost": -1})
    assert set(refused.value.errors) == {"name", "opens", "closes", "points_cost"}


def test_free_slots_are_the_gaps_of_the_opening_hours():
    zone = ZoneInfo("Asia/Shanghai")
    day = date(2026, 12, 5)
    taken = [(datetime(2026, 12, 5, 9, tzinfo=zone), datetime(2026, 12, 5, 10, tzinfo=zone)),
             (datetime(2026, 12, 5, 12, tzinfo=zone), datetime(2026, 12, 5, 13, tzinfo=zone))]
    gaps = [(a.strftime("%H:%M"), b.strftime("%H:%M"))
            for a, b in free_slots(ROOM, day, taken, "Asia/Shanghai")]
    assert gaps == [("08:00", "09:00"), ("10:00", "12:00"), ("13:00", "21:00")]
