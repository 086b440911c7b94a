"""A space's iCalendar export: RFC 5545 text a phone's calendar subscribes to; weekly
meetings expanded without the holidays, bookings shown as booked only, resident text escaped
and lines folded; and attendance confirmed by the organiser earning points once per activity
and person."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from activity_samples import codes, form, load_spaces, next_week, without_holidays

from workbench import settings
from workbench.activities import workflow
from workbench.activities.calendar_file import escape, fold
from workbench.activities.rules import SignupRefused
from workbench.points.rule_file import load_rules


def unfolded(text: str) -> list[str]:
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def events(lines: list[str]) -> list[dict]:
    found, current = [], None
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif current is not None:
            name, _, value = line.partition(":")
            current[name] = value
    return found


def test_a_space_calendar_as_ics(store, community):
    load_spaces(store, community)
    title = "合唱, 排练; 第一季 " + "很长的标题" * 12
    weekly = workflow.post_activity(store, community, form(
        title=title, description="带水杯\n穿舒适的鞋", starts_at=datetime(2026, 9, 17, 19),
        ends_at=datetime(2026, 9, 17, 21), repeat="weekly", repeat_until="2026-10-15"), "王管家")
    workflow.post_activity(store, community, form(public_space_id="P2"), "王管家")
    room_id = workflow.add_room(store, community, "P1", {"name": "乒乓球室", "opens": "08:00",
                                                         "closes": "21:00"})
    day = next_week().date()
    workflow.request_booking(store, community, room_id, None, {
        "purpose": "张三的私事", "starts_at": datetime(day.year, day.month, day.day, 9),
        "ends_at": datetime(day.year, day.month, day.day, 10)})

    text = workflow.space_ics(store, community, "P1", "zh")
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    lines = unfolded(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(x.startswith("PRODID:") for x in lines)
    found = events(lines)
    meetings = [e for e in found if e["UID"].startswith(f"activity-{weekly}-")]
    # 1 October (National Day) is not there; 19:00 in Shanghai is 11:00 UTC
    assert [e["DTSTART"] for e in meetings] == ["20260917T110000Z", "20260924T110000Z",
                                                "20261008T110000Z", "20261015T110000Z"]
    assert meetings[0]["SUMMARY"] == escape(title) and "\\, " in meetings[0]["SUMMARY"]
    assert meetings[0]["DESCRIPTION"] == "带水杯\\n穿舒适的鞋"
    assert len(found) == 5  # the other space's activity is not in this calendar
    booked = [e for e in found if e["UID"].startswith("booking-")]
    assert booked[0]["SUMMARY"] == "已预约: 乒乓球室" and "张三" not in text
    assert "Booked: " in workflow.space_ics(store, community, "P1", "en")


def test_folding_never_splits_a_character():
    line = "SUMMARY:" + "文" * 100
    folded = fold(line)
    assert folded.replace("\r\n ", "") == line
    assert all(len(part.encode("utf-8")) <= 75 for part in folded.split("\r\n"))


def test_attendance_earns_points_once_per_activity_and_person(store, community, tmp_path,
                                                              monkeypatch):
    without_holidays(tmp_path, monkeypatch)
    load_spaces(store, community)
    start = next_week()
    activity_id = workflow.post_activity(store, community, form(
        capacity=1, starts_at=start, ends_at=start + timedelta(hours=1), repeat="weekly",
        repeat_until=(start + timedelta(days=7)).date().isoformat()), "李阿姨")
    came, waited = codes(store, community.id, 2)
    rules = load_rules(settings.get("points_rules"))
    first, second = start.date(), start.date() + timedelta(days=7)
    for on in (first, second):
        store.sign_up(activity_id, on, came)
    store.sign_up(activity_id, first, waited)

    credit, new = workflow.confirm_attendance(store, rules, activity_id, first, came,
                                              "李阿姨", "steward")
    assert new
    again = workflow.confirm_attendance(store, rules, activity_id, second, came, "李阿姨",
                                        "steward")
    assert again == (credit, False)
    assert [c["code_id"] for c in store.points_credits(community.id)] == [came]
    assert [r["attended_at"] is not None for r in store.signups(activity_id, second)] == [True]
    with pytest.raises(SignupRefused) as refused:  # on the waiting list: did not have a place
        workflow.confirm_attendance(store, rules, activity_id, first, waited, "李阿姨",
                                    "steward")
    assert refused.value.key == "activities.refused.not_accepted"
    assert len(store.points_credits(community.id)) == 1
