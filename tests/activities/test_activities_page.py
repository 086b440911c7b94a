"""The activities and room-booking sections of the resident page, driven through their widgets
as any client of the kernel can (set values, press buttons): the calendar for the coming weeks
(by space), signing up with the participation code, a full meeting's waiting list, a
cancelled place going to the first waiting, a booking refused on overlap, bad input answered
beside its field in zh and en with nothing stored, resident text escaped, and checking in at
the door with the organiser's QR link (a valid token and forged ones)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from activity_samples import ZONE, form, load_spaces, next_week
from booking_samples import balance, with_points
from sqlalchemy import func, select

from workbench.activities import checkin, page, workflow
from workbench.activities.rules import Activity
from workbench.activities.tables import room_bookings
from workbench.page.resident import ResidentApp
from workbench.participation.codes import issue_codes


@pytest.fixture
def spaces(store, community):
    return load_spaces(store, community)


def resident(community, store, lang="en", code=None):
    """A resident's page with the activities section open (and their code in use)."""
    app = ResidentApp(community, store, lang=lang)
    if code is not None:
        assert app.use_code(code)
    return app, app.open_section("activities")


def card(section, n=0) -> tuple[str, str]:
    """The text and the button's label of the ``n``-th card."""
    text, button, _box = section._cards[n]
    return text.value, button.description


def bookings(store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(room_bookings)).scalar()


def test_the_calendar_shows_the_coming_meetings_by_space(store, community, spaces):
    start = next_week(19)
    workflow.post_activity(store, community, form(title="Choir practice", capacity=12,
                                                  starts_at=start,
                                                  ends_at=start + timedelta(hours=2)), "王管家")
    workflow.post_activity(store, community, form(title="Square dance", public_space_id="P2",
                                                  scenario="health"), "王管家")
    far = next_week() + timedelta(weeks=6)  # beyond the coming weeks
    workflow.post_activity(store, community, form(title="Autumn fair", starts_at=far,
                                                  ends_at=far + timedelta(hours=1)), "王管家")
    app, section = resident(community, store)
    assert [m["title"] for m in section.meetings] == ["Choir practice", "Square dance"]
    text, button = card(section)
    day = start.date()
    assert f"{day:%a} {day.day} {day:%b} 19:00–21:00" in text  # local time, English date
    assert "Little Bridge Pocket Park" in text and "Neighbourhood" in text
    assert "12 places left of 12" in text and button == "Sign up"
    assert section.space_input.description == "Public space"

    section.space_input.value = "P2"
    assert [m["title"] for m in section.meetings] == ["Square dance"]
    assert "Central Square" in card(section)[0] and "Health" in card(section)[0]

    app.set_language("zh")
    assert section.space_input.description == "公共空间" and section.space_input.value == "P2"
    weekday = "周一 周二 周三 周四 周五 周六 周日".split()[day.weekday()]
    section.space_input.value = ""
    assert f"{day.month}月{day.day}日 {weekday} 19:00–21:00" in card(section)[0]
    assert "还剩 12 个名额" in card(section)[0] and card(section)[1] == "报名"


def test_signing_up_needs_the_code_then_gives_a_receipt(store, community, spaces):
    workflow.post_activity(store, community, form(title="Choir practice", capacity=2),
                           "王管家")
    app, section = resident(community, store)
    assert section.act_on(0) == ("activities.needs_code", {})
    assert store.signups(section.meetings[0]["activity_id"], section.meetings[0]["on"]) == []
    assert "participation code" in section.answer_html.value

    code = issue_codes(store, community.id, 1)[0]
    assert app.use_code(code)
    section._cards[0][1].click()
    assert section.answer[0] == "activities.signed_up"
    receipt = section.answer_html.value
    assert "wb-receipt" in receipt and "Signed up: Choir practice" in receipt
    # below the card tapped, brought into view
    children = list(section.cards.children)
    assert children[children.index(section._cards[0][2]) + 1] is section.answer_html
    assert any(c.startswith("wb-scroll-") for c in section.answer_html._dom_classes)
    text, button = card(section)
    assert "You have a place." in text and "1 place left of 2" in text
    assert button == "Cancel my sign-up"


def test_a_full_meeting_puts_the_next_on_the_waiting_list_and_a_cancel_moves_them_up(
        store, community, spaces):
    workflow.post_activity(store, community, form(title="Paper cutting", capacity=1), "李阿姨")
    first, second = issue_codes(store, community.id, 2)
    _, a = resident(community, store, code=first)
    a.act_on(0)
    _, b = resident(community, store, "zh", code=second)
    text, button = card(b)
    assert "已满 · 候补 0 人" in text and button == "加入候补名单"
    b.act_on(0)
    assert b.answer == ("activities.on_waiting_list", {
        "title": "Paper cutting", "when": b.answer[1]["when"], "position": 1})
    assert "候补名单第 1 位" in b.answer_html.value and "您在候补名单第 1 位" in card(b)[0]

    a.act_on(0)  # cancels: the place goes to the first waiting
    assert a.answer[0] == "activities.cancelled_moved"
    assert "first on the waiting list" in a.answer_html.value
    assert card(a)[1] == "Join the waiting list"  # full again: the place was given on
    meeting = a.meetings[0]
    statuses = [s["status"] for s in store.signups(meeting["activity_id"], meeting["on"])]
    assert statuses == ["cancelled", "accepted"]
    b.refresh()
    assert "您已报名，有名额。" in card(b)[0] and card(b)[1] == "取消报名"


def test_a_double_tap_signs_up_once_and_does_not_cancel(store, community, spaces,
                                                        monkeypatch):
    monkeypatch.setattr(page, "SAME_CARD_SECONDS", 60)
    workflow.post_activity(store, community, form(title="Choir practice"), "王管家")
    workflow.post_activity(store, community, form(title="Chess club", public_space_id="P2"),
                           "王管家")
    code = issue_codes(store, community.id, 1)[0]
    _, section = resident(community, store, code=code)
    section._cards[0][1].click()
    section._cards[0][1].click()  # the second tap of a double tap: now a "Cancel" button
    meeting = section.meetings[0]
    assert [s["status"] for s in store.signups(meeting["activity_id"], meeting["on"])] == \
        ["accepted"]
    assert card(section)[1] == "Cancel my sign-up"
    section._cards[1][1].click()  # another card at once: its own sign-up
    assert section.answer[0] == "activities.signed_up" and "Chess club" in card(section, 1)[0]


def test_html_in_titles_is_shown_as_text(store, community, spaces):
    # stored by another way than the form (which refuses markup): shown, never run
    start = next_week().replace(tzinfo=ZONE)
    store.add_activity(community.id, Activity(
        title="<img src=x onerror=alert(1)>", description="", public_space_id="P1",
        room_id=None, scenario="health", organiser="<script>alert(2)</script>", capacity=5,
        starts_at=start, ends_at=start + timedelta(hours=1), time_zone="Asia/Shanghai"),
        "import")
    code = issue_codes(store, community.id, 1)[0]
    app, section = resident(community, store, code=code)
    text = card(section)[0]
    assert "&lt;img src=x" in text and "<img" not in text
    assert "&lt;script&gt;" in text and "<script" not in text
    section.act_on(0)
    assert "&lt;img" in section.answer_html.value and "<img" not in section.answer_html.value


def test_sign_up_buttons_a_client_makes_up_are_ignored(store, community, spaces):
    workflow.post_activity(store, community, form(), "王管家")
    code = issue_codes(store, community.id, 1)[0]
    app, section = resident(community, store, code=code)
    for index in (-1, 1, 10 ** 9, "0", None, 0.0, True, False):
        assert section.act_on(index) is None
    meeting = section.meetings[0]
    assert store.signups(meeting["activity_id"], meeting["on"]) == []


# -- booking a room -----------------------------------------------------------------------------
@pytest.fixture
def room(store, community, spaces):
    return workflow.add_room(store, community, "P1", {"name": "Table-tennis room",
                                                      "opens": "08:00", "closes": "21:00",
                                                      "points_cost": 20})


def booking(community, store, lang="en", code=None, points=1000):
    """The booking section of a new page, with ``code`` in use holding ``points`` (the
    room costs points)."""
    app = ResidentApp(community, store, lang=lang)
    if code is not None:
        assert app.use_code(code)
        if points:
            with_points(store, community.id, app.session.code_id, points)
    return app, app.open_section("room_booking")


def fill(section, room, day, start="09:00", end="10:00", purpose="Table tennis"):
    section.room_input.value = room
    section.day_input.value = day.isoformat()
    section.from_input.value = start
    section.to_input.value = end
    section.purpose_input.value = purpose


def test_free_slots_a_price_and_a_request_with_a_receipt(store, community, room):
    day = next_week().date()
    code = issue_codes(store, community.id, 1)[0]
    app, section = booking(community, store, code=code, points=25)
    resident = app.session.code_id
    assert section.room_input.description == "Room" and section.day_input.description == "Day"
    section.room_input.value = room
    assert "20 points an hour" in section.price.value
    assert "Open 08:00–21:00" in section.price.value
    section.day_input.value = day.isoformat()
    assert [b.description for b in section.slot_buttons.children] == ["08:00–21:00"]
    section.slot_buttons.children[0].click()
    assert (section.from_input.value, section.to_input.value) == ("08:00", "09:00")
    section.purpose_input.value = "Table tennis with neighbours"
    section.request_button.click()
    assert bookings(store) == 1
    assert "Request sent" in section.booking_message.value
    assert "Table-tennis room" in section.booking_message.value
    assert "20 points taken from your balance" in section.booking_message.value
    assert balance(store, resident) == 5
    # the slot taken is no longer offered
    assert [b.description for b in section.slot_buttons.children] == ["09:00–21:00"]
    app.set_language("zh")
    assert "预约申请已提交" in section.booking_message.value
    assert "小桥口袋公园" in section.booking_message.value  # the space's name in zh now
    assert "每小时 20 积分" in section.price.value


def test_an_overlapping_request_is_refused_beside_the_time(store, community, room):
    day = next_week().date()
    first, second = issue_codes(store, community.id, 2)
    _, a = booking(community, store, code=first)
    _, b = booking(community, store, "zh", code=second)
    fill(a, room, day, "09:00", "11:00")
    fill(b, room, day, "10:30", "12:00")  # chosen before the first was sent
    assert a.request() is not None
    assert b.request() is None
    assert b.field_errors["starts_at"].value == "该时段已被他人预约，请选择空闲时段。"
    assert bookings(store) == 1
    assert [s.description for s in b.slot_buttons.children] == ["08:00–09:00", "11:00–21:00"]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("changes, field, message", [
    ({"start": "9 am"}, "starts_at", {"en": "Please give a time as HH:MM",
                                      "zh": "请按 时:分 填写时间"}),
    ({"end": "25:00"}, "ends_at", {"en": "Please give a time as HH:MM", "zh": "请按 时:分"}),
    ({"start": "11:00", "end": "10:00"}, "ends_at", {"en": "The end must be after the start.",
                                                     "zh": "结束时间必须晚于开始时间。"}),
    ({"start": "06:30", "end": "08:30"}, "starts_at", {"en": "The room is open from 08:00",
                                                       "zh": "该房间开放时间为 08:00 至 21:00"}),
    ({"start": "09:00", "end": "09:05"}, "ends_at", {"en": "at least 15 minutes",
                                                     "zh": "预约至少 15 分钟"}),
    ({"purpose": ""}, "purpose", {"en": "Please fill this in.", "zh": "请填写这一项。"}),
    ({"purpose": "<img src=x onerror=alert(1)>"}, "purpose", {"en": "HTML", "zh": "网页代码"}),
    ({"room": ""}, "room", {"en": "Please choose a room.", "zh": "请选择活动室。"}),
])
def test_bad_input_is_answered_beside_its_field_and_nothing_is_stored(
        store, community, room, lang, changes, field, message):
    code = issue_codes(store, community.id, 1)[0]
    _, section = booking(community, store, lang, code=code)
    values = dict(room=room, day=next_week().date(), start="09:00", end="10:00",
                  purpose="Table tennis")
    values.update(changes)
    fill(section, **values)
    assert section.request() is None
    shown = section.field_errors[field].value
    assert message[lang] in shown.replace("&#x27;", "'")
    assert "<img" not in shown
    assert bookings(store) == 0


def test_bad_times_are_answered_before_the_code_is_asked_for(store, community, room):
    _, section = booking(community, store, "zh")
    fill(section, room, next_week().date(), start="九点")
    assert section.request() is None
    assert "请按 时:分" in section.field_errors["starts_at"].value
    assert section.booking_message.value == ""
    fill(section, room, next_week().date())  # right: now the code is asked for
    assert section.request() is None
    assert "参与码" in section.booking_message.value and bookings(store) == 0


def test_a_phone_keyboards_times_are_read_as_meant(store, community, room):
    code = issue_codes(store, community.id, 1)[0]
    _, section = booking(community, store, "zh", code=code)
    fill(section, room, next_week().date(), start="9：30", end="10：30")
    assert section.request() is not None
    made = store.bookings(room)[0]
    assert made["starts_at"].astimezone(ZONE).strftime("%H:%M") == "09:30"


# -- checking in at the door --------------------------------------------------------------------
@pytest.fixture
def meeting_now(store, community, spaces):
    """An activity starting in half an hour, with a resident signed up; (activity id, local
    date, the resident's code)."""
    start = datetime.now(ZONE).replace(tzinfo=None, second=0, microsecond=0) + \
        timedelta(minutes=30)
    activity_id = workflow.post_activity(store, community, form(
        title="Tea and talk", starts_at=start, ends_at=start + timedelta(hours=1)), "李阿姨")
    code = issue_codes(store, community.id, 1)[0]
    app, section = resident(community, store, code=code)
    section.act_on(0)
    assert section.answer[0] == "activities.signed_up"
    return activity_id, start.date(), code


def test_checking_in_with_the_organisers_qr_link(store, community, meeting_now):
    activity_id, on, code = meeting_now
    key = checkin.checkin_key(store, community.id)
    link = checkin.checkin_url(key, activity_id, on, base_url="https://example.org/",
                               lang="en")
    query = link.split("?", 1)[1]
    app = ResidentApp(community, store, lang="zh")
    app.start(query)
    section = app.section("activities")
    assert app.folds["activities"].is_open and app.lang == "en"
    assert section.checkin_box.layout.display is None
    assert "Tea and talk" in section.checkin_text.value
    assert section.here_button.description == "I am here"
    assert section.check_in() == ("activities.needs_code", {})  # the code first
    assert app.use_code(code)
    section.here_button.click()
    assert section.checkin_said == ("activities.checkin.done", {})
    assert "checked in" in section.checkin_message.value
    assert section.here_button.layout.display == "none"
    signup = store.signups(activity_id, on)[0]
    assert signup["attended_at"] is not None and signup["confirmed_by"] == checkin.CHECKED_BY
    credits = store.points_credits(community.id)
    assert [c["code_id"] for c in credits] == [signup["code_id"]]

    again = ResidentApp(community, store, lang="en")  # scanned twice: points once
    again.start(query)
    assert again.use_code(code)
    assert again.section("activities").check_in() == ("activities.checkin.done_before", {})
    assert len(store.points_credits(community.id)) == 1


def test_a_forged_check_in_link_checks_nobody_in(store, community, meeting_now):
    activity_id, on, code = meeting_now
    key = checkin.checkin_key(store, community.id)
    right = checkin.checkin_value(key, activity_id, on)
    forged = [right[:-1] + ("A" if right[-1] != "A" else "B"),  # one character changed
              checkin.checkin_value(b"not the key", activity_id, on),
              f"{activity_id}.{on:%Y%m%d}." + "A" * 22,
              f"{activity_id + 1}.{on:%Y%m%d}.{right.rsplit('.', 1)[1]}",  # another activity
              "<script>alert(1)</script>", "1" * 1000, ""]
    for value in forged:
        app = ResidentApp(community, store, lang="zh")
        assert app.use_code(code)
        section = app.section("activities")
        assert section.open_checkin(value) is False
        assert section.checkin_said == ("activities.checkin.invalid", {})
        assert section.checkin_message.value == \
            "<p class='wb-error'>这个签到链接无效，请重新扫描门口的二维码。</p>"
        assert section.here_button.layout.display == "none"
        section.check_in()  # a client pressing the hidden button anyway
        assert section.checkin_said == ("activities.checkin.invalid", {})
    assert store.signups(activity_id, on)[0]["attended_at"] is None
    assert store.points_credits(community.id) == []


def test_check_in_without_a_place_is_refused(store, community, meeting_now):
    activity_id, on, _code = meeting_now
    other = issue_codes(store, community.id, 1)[0]
    app = ResidentApp(community, store, lang="en")
    assert app.use_code(other)
    section = app.section("activities")
    section.open_checkin(checkin.checkin_value(checkin.checkin_key(store, community.id),
                                               activity_id, on))
    assert section.check_in() == ("activities.checkin.no_place", {})
    assert "ask the organiser" in section.checkin_message.value
    assert store.points_credits(community.id) == []
