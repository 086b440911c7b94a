"""The booking section with a price: what a time costs, a short balance refused beside the
time in zh and en with nothing booked, a double tap booked and charged once. Requests the
room could not meet (taken, closed) kept without who asked, a flood of them from one page
bounded, and counted as asked for and not given in the use of spaces and the evidence."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from activity_samples import ZONE, load_spaces, next_week
from booking_samples import balance, with_points
from sqlalchemy import func, inspect, select

from workbench import i18n
from workbench.activities import booking_page, workflow
from workbench.activities.tables import room_bookings, room_requests_unmet
from workbench.page.resident import ResidentApp
from workbench.participation.codes import issue_codes


@pytest.fixture
def room(store, community):
    load_spaces(store, community)
    return workflow.add_room(store, community, "P1", {
        "name": "Table-tennis room", "opens": "08:00", "closes": "21:00", "points_cost": 20})


def page(store, community, lang="en", points=0):
    """A booking section with a new participation code holding ``points``."""
    app = ResidentApp(community, store, lang=lang)
    assert app.use_code(issue_codes(store, community.id, 1)[0])
    if points:
        with_points(store, community.id, app.session.code_id, points)
    return app, app.open_section("room_booking")


def fill(section, room, start, end, purpose="Table tennis"):
    section.room_input.value = room
    section.day_input.value = next_week().date().isoformat()
    section.from_input.value = start
    section.to_input.value = end
    section.purpose_input.value = purpose


def count(store, table) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_short_balance_is_refused_beside_the_time(store, community, room, lang):
    app, section = page(store, community, lang, points=30)
    fill(section, room, "09:00", "11:00")
    cost = i18n.t(lang, "activities.booking.cost", points=40)
    assert cost in text(section.price.value)  # what the time costs, before asking
    assert section.request() is None
    expected = {"en": "This booking costs 40 points and you have 30: nothing was booked. "
                      "Choose a shorter time, or earn points first.",
                "zh": "这次预约需 40 积分，您现有 30 积分，未能预约。请选短一些的时段，或先去挣积分。"}
    assert section.field_errors["starts_at"].value == expected[lang]
    assert count(store, room_bookings) == 0 and balance(store, app.session.code_id) == 30
    assert count(store, room_requests_unmet) == 0  # not the room's doing: no unmet demand
    # a shorter time fits, and the receipt says what was taken
    section.to_input.value = "10:30"
    assert i18n.t(lang, "activities.booking.cost", points=30) in text(section.price.value)
    assert section.request() is not None
    assert i18n.t(lang, "activities.booking.charged", points=30) in text(
        section.booking_message.value)
    assert balance(store, app.session.code_id) == 0


def test_a_double_tap_books_and_charges_once(store, community, room, monkeypatch):
    # the page's pause between two requests, which the other tests leave out (conftest.py)
    monkeypatch.setattr(booking_page, "SECONDS_BETWEEN_BOOKINGS", 2.0)
    app, section = page(store, community, points=100)
    fill(section, room, "09:00", "10:00")
    first = section.request()
    assert first is not None
    assert section.request() == first  # the same form again
    section.request_button.click()
    assert count(store, room_bookings) == 1 and balance(store, app.session.code_id) == 80
    assert "Request sent" in section.booking_message.value
    assert section.field_errors["starts_at"].value == ""
    section.from_input.value, section.to_input.value = "10:00", "11:00"  # another request
    assert section.request() is None  # two seconds between requests of a page
    assert "error" in section.booking_message.value
    later = section.limiter.clock() + 3
    section.limiter.clock = lambda: later
    assert section.request() not in (None, first)
    assert count(store, room_bookings) == 2 and balance(store, app.session.code_id) == 60


def test_requests_refused_as_taken_or_closed_are_demand_counted_once(store, community, room):
    _, first = page(store, community, points=100)
    fill(first, room, "09:00", "11:00")
    assert first.request() is not None
    app, other = page(store, community, "zh", points=100)
    fill(other, room, "10:00", "11:00")  # taken
    assert other.request() is None
    assert other.field_errors["starts_at"].value == i18n.t("zh", "activities.refused.taken")
    fill(other, room, "20:30", "21:30")  # the room closes at 21:00
    assert other.request() is None
    with store.engine.connect() as conn:
        kept = [dict(r._mapping) for r in conn.execute(select(room_requests_unmet))]
    assert [k["why"] for k in kept] == ["taken", "closed"]
    day = next_week().date()
    assert kept[0]["room_id"] == room
    assert kept[0]["starts_at"].replace(tzinfo=timezone.utc).astimezone(ZONE) == datetime(
        day.year, day.month, day.day, 10, tzinfo=ZONE)
    # the moment asked only to the hour, and nothing of who asked or why
    assert all(k["asked_at"].minute == 0 and k["asked_at"].second == 0 for k in kept)
    columns = {c["name"] for c in inspect(store.engine).get_columns("room_requests_unmet")}
    assert columns == {"id", "room_id", "starts_at", "ends_at", "why", "asked_at"}
    # too few points or a bad time are not the room's doing
    fill(other, room, "25:00", "26:00")
    assert other.request() is None
    assert count(store, room_requests_unmet) == 2
    evidence = workflow.space_use_evidence(store, community, "en")
    need = i18n.t("en", "activities.evidence.need")
    assert evidence["P1"][need] == 2
    _events, spaces = workflow.space_use(store, community, day - timedelta(days=30), day)
    assert spaces.set_index("public_space_id").loc["P1", "unmet"] == 2
    assert spaces.set_index("public_space_id").loc["P1", "refused"] == 0


def test_a_flood_of_refused_requests_counts_a_bounded_number(store, community, room):
    _, first = page(store, community, points=1000)
    fill(first, room, "08:00", "21:00")  # the whole day taken
    assert first.request() is not None
    _, flood = page(store, community)
    for n in range(40):  # forty refused requests from one page, every one different
        start = datetime(2026, 1, 1, 8) + timedelta(minutes=15 * n)
        fill(flood, room, start.strftime("%H:%M"),
             (start + timedelta(minutes=30)).strftime("%H:%M"))
        assert flood.request() is None
    assert count(store, room_requests_unmet) == booking_page.UNMET_PER_PAGE
    # fresh pages asking for the same slot again and again: one slot of demand
    for _ in range(6):
        _, again = page(store, community)
        fill(again, room, "08:00", "09:00")
        assert again.request() is None
    need = i18n.t("en", "activities.evidence.need")
    # the 5 noted first (08:00-09:15 starts: 08 and 09 o'clock) and the repeated 08:00
    assert workflow.space_use_evidence(store, community, "en")["P1"][need] == 2
    # 08:00-09:00 kept once, however many pages asked within the hour
    assert count(store, room_requests_unmet) == booking_page.UNMET_PER_PAGE + 1


def test_the_use_table_shows_the_requests_unmet(store, community, room):
    from workbench import settings
    from workbench.activities.activities_panel import ActivitiesPanel
    from workbench.points.rule_file import load_rules

    workflow.note_unmet(store, community, room, next_week(10).replace(tzinfo=ZONE),
                        next_week(11).replace(tzinfo=ZONE), "activities.refused.taken")
    assert not workflow.note_unmet(store, community, room, next_week(10).replace(tzinfo=ZONE),
                                   next_week(11).replace(tzinfo=ZONE),
                                   "activities.refused.points")
    use = ActivitiesPanel(store, load_rules(settings.get("points_rules")), community, "en",
                          "王管家").use
    table = text(use.table_html.value)
    assert "Times asked, taken or closed" in table
    assert "Asked for and not given" in text(use.evidence_html.value)
