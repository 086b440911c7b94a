"""A resident's own bookings under "Book a room", driven through the widgets as any client of
the kernel can: the list shows the page's code's bookings (not another's), in zh and en; a
cancellation asks to confirm and gives the points back once (a double tap, a second
cancellation); a booking under way has no "Cancel" button and a made-up cancellation of it,
or of another code's booking, is refused with a message and changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from activity_samples import load_spaces, next_week
from booking_samples import balance, with_points
from sqlalchemy import select, update

from workbench.activities import workflow
from workbench.activities.tables import room_bookings
from workbench.page.resident import ResidentApp
from workbench.participation.codes import issue_codes


@pytest.fixture
def room(store, community):
    load_spaces(store, community)
    return workflow.add_room(store, community, "P1", {"name": "Table-tennis room",
                                                      "opens": "08:00", "closes": "21:00",
                                                      "points_cost": 20})


def page(community, store, code, lang="en", points=100):
    """A page with ``code`` in use holding ``points``, its booking section open."""
    app = ResidentApp(community, store, lang=lang)
    assert app.use_code(code)
    if points:
        with_points(store, community.id, app.session.code_id, points)
    return app, app.open_section("room_booking")


def book(store, community, room, code_id, hour, days=7, purpose="Table tennis") -> int:
    day = next_week().date() + timedelta(days=days - 7)
    return workflow.request_booking(store, community, room, code_id, {
        "purpose": purpose, "starts_at": datetime.combine(day, datetime.min.time()).replace(
            hour=hour), "ends_at": datetime.combine(day, datetime.min.time()).replace(
            hour=hour + 1)})


def status(store, booking_id) -> str:
    with store.engine.connect() as conn:
        return conn.execute(select(room_bookings.c.status).where(
            room_bookings.c.id == booking_id)).scalar()


def listed(section) -> list[int]:
    return [b["id"] for b in section.mine.shown]


def cards_text(section) -> str:
    return " ".join(box.children[0].value for box in section.mine.cards_box.children
                    if box is not section.mine.confirm_box)


def test_the_list_shows_my_bookings_and_not_anothers(store, community, room):
    mine_code, other_code = issue_codes(store, community.id, 2)
    other_app, _ = page(community, store, other_code)
    theirs = book(store, community, room, other_app.session.code_id, 9,
                  purpose="Their party")
    app, section = page(community, store, mine_code)
    assert listed(section) == [] and "no bookings ahead" in section.mine.heading.value
    # a request made on the page shows on the list at once
    day = next_week().date()
    section.room_input.value = room
    section.day_input.value = day.isoformat()
    section.from_input.value, section.to_input.value = "10:00", "11:00"
    section.purpose_input.value = "Table tennis"
    mine = section.request()
    assert mine is not None and listed(section) == [mine] and theirs not in listed(section)
    text = cards_text(section)
    assert "My bookings" in section.mine.heading.value
    assert f"{day:%a} {day.day} {day:%b} 10:00–11:00" in text  # local day and time
    assert "Little Bridge Pocket Park · Table-tennis room" in text
    assert "Waiting for the steward" in text and "20 points charged" in text
    assert f"Booking no. {theirs}" not in text
    [button] = [box.children[1] for box in section.mine.cards_box.children]
    assert button.description == f"Cancel booking {mine}"

    # a refusal shows with the steward's reason (escaped), the points given back
    store.decide_booking(mine, "王管家", approve=False, reason="Closed for <repairs>")
    section.refresh()
    text = cards_text(section)
    assert "Refused" in text and "Closed for &lt;repairs&gt;" in text
    assert "20 points given back" in text
    assert [len(box.children) for box in section.mine.cards_box.children] == [1]  # no Cancel

    app.set_language("zh")
    text = cards_text(section)
    weekday = "周一 周二 周三 周四 周五 周六 周日".split()[day.weekday()]
    assert f"{day.month}月{day.day}日 {weekday} 10:00–11:00" in text
    assert "小桥口袋公园" in text and "未获批准" in text and "原因：Closed for &lt;repairs&gt;" in text
    assert "我的预约" in section.mine.heading.value


def test_without_a_code_the_list_asks_for_it(store, community, room):
    code = issue_codes(store, community.id, 1)[0]
    elsewhere, _ = page(community, store, code)  # the same code on another page booked
    booking = book(store, community, room, elsewhere.session.code_id, 9)
    app = ResidentApp(community, store, lang="zh")
    section = app.open_section("room_booking")
    assert listed(section) == [] and "参与码" in section.mine.heading.value
    assert app.use_code(code)  # the code typed in: its bookings shown
    assert listed(section) == [booking]


@pytest.mark.parametrize("lang, receipt", [
    ("en", "Booking {n} cancelled: 20 points given back to you."),
    ("zh", "预约 {n} 已取消，20 积分已退还给您。")])
def test_cancel_asks_to_confirm_and_gives_the_points_back_once(store, community, room, lang,
                                                               receipt):
    code = issue_codes(store, community.id, 1)[0]
    app, section = page(community, store, code, lang, points=100)
    resident = app.session.code_id
    booking = book(store, community, room, resident, 9)
    section.refresh()  # (booked elsewhere: read again)
    section.room_input.value = room
    section.day_input.value = next_week().date().isoformat()
    assert [b.description for b in section.slot_buttons.children] == ["08:00–09:00",
                                                                      "10:00–21:00"]
    assert balance(store, resident) == 80 and listed(section) == [booking]
    mine = section.mine
    card = mine.cards_box.children[0]
    card.children[1].click()  # "Cancel": only the question
    assert status(store, booking) == "requested" and balance(store, resident) == 80
    assert mine.confirm_box in mine.cards_box.children and mine.chosen == booking
    assert "20" in mine.confirm_text.value
    card.children[1].click()  # tapped again: still only the question
    assert status(store, booking) == "requested"
    mine.keep_button.click()  # "Keep it"
    assert mine.confirm_box not in mine.cards_box.children and mine.chosen is None
    card.children[1].click()
    mine.confirm_button.click()
    mine.confirm_button.click()  # a double tap: the same receipt, nothing more
    assert status(store, booking) == "cancelled" and balance(store, resident) == 100
    assert receipt.format(n=booking) in mine.receipt_html.value
    assert store.booking_charge(booking) == {"charged": 20, "refunded": 20}
    assert [len(box.children) for box in mine.cards_box.children] == [1]  # no Cancel now
    # cancelling it again (a client calling the method) is refused, nothing given back twice
    assert mine.cancel(booking) is None
    assert balance(store, resident) == 100 and "wb-error" in mine.receipt_html.value
    assert store.booking_charge(booking) == {"charged": 20, "refunded": 20}
    # the room is free again at that time, and the form says so
    assert [b.description for b in section.slot_buttons.children] == ["08:00–21:00"]
    assert book(store, community, room, resident, 9) != booking


@pytest.mark.parametrize("lang, started, forged", [
    ("en", "can no longer be cancelled", "There is no such booking."),
    ("zh", "不能再取消", "没有这条预约")])
def test_a_started_booking_or_anothers_cannot_be_cancelled(store, community, room, lang,
                                                           started, forged):
    mine_code, other_code = issue_codes(store, community.id, 2)
    other_app, _ = page(community, store, other_code)
    other = other_app.session.code_id
    theirs = book(store, community, room, other, 9)
    app, section = page(community, store, mine_code, lang)
    resident = app.session.code_id
    under_way = book(store, community, room, resident, 11)
    now = datetime.now(timezone.utc)
    with store.engine.begin() as conn:  # it started half an hour ago
        conn.execute(update(room_bookings).where(room_bookings.c.id == under_way).values(
            starts_at=now - timedelta(minutes=30), ends_at=now + timedelta(minutes=30)))
    section.refresh()
    mine = section.mine
    assert listed(section) == [under_way]
    assert [len(box.children) for box in mine.cards_box.children] == [1]  # no Cancel button
    assert started in cards_text(section)
    mine.choose(under_way)  # a made-up tap: no question
    assert mine.chosen is None and mine.confirm_box not in mine.cards_box.children
    assert mine.cancel(under_way) is None  # a made-up call: the store refuses it
    assert status(store, under_way) == "requested" and started in mine.receipt_html.value
    # another code's booking, by its id
    mine.choose(theirs)
    assert mine.chosen is None
    assert mine.cancel(theirs) is None
    assert forged in mine.receipt_html.value and "wb-error" in mine.receipt_html.value
    assert status(store, theirs) == "requested"
    assert balance(store, other) == 80 and store.booking_charge(theirs)["refunded"] == 0
    for junk in (True, "1", None, 1.0):
        assert mine.cancel(junk) is None
    assert status(store, theirs) == "requested" and status(store, under_way) == "requested"


def test_cancelling_the_booking_just_requested_takes_its_receipt_away(store, community, room):
    code = issue_codes(store, community.id, 1)[0]
    _app, section = page(community, store, code)
    section.room_input.value = room
    section.day_input.value = next_week().date().isoformat()
    section.from_input.value, section.to_input.value = "10:00", "11:00"
    section.purpose_input.value = "Table tennis"
    booking = section.request()
    assert booking is not None and "wb-receipt" in section.booking_message.value
    section.mine.cards_box.children[0].children[1].click()   # Cancel
    section.mine.confirm_button.click()                        # Yes
    assert status(store, booking) == "cancelled"
    # the request's receipt ("the room is held for you") would now be untrue
    assert section.booking_message.value == ""
