"""A room that costs points: the charge in the booking's own transaction, the refund when
the steward refuses or cancels or the resident cancels in time, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from activity_samples import ZONE, codes, load_spaces, next_week
from booking_samples import balance, entries, with_points
from sqlalchemy import func, select
from stores import in_threads, store_on_both_databases  # noqa: F401 (fixture)

from workbench.activities import workflow
from workbench.activities.rules import SignupRefused, booking_points
from workbench.activities.tables import room_bookings
from workbench.points.tables import points_entries


@pytest.fixture
def room(store, community):
    load_spaces(store, community)
    return workflow.add_room(store, community, "P1", {
        "name": "活动室", "opens": "08:00", "closes": "21:00", "points_cost": 20})


def at(hour: int, minute: int = 0) -> datetime:
    day = next_week().date()
    return datetime(day.year, day.month, day.day, hour, minute)


def ask(store, community, room, code_id, start, end, key=None):
    return workflow.request_booking(store, community, room, code_id, {
        "purpose": "排练", "starts_at": start, "ends_at": end}, request_key=key)


def count(store, table) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def ledger_matches_balances(store, people) -> None:
    """Every entry belongs to someone, and the balances shown are their sums, none below 0."""
    with store.engine.connect() as conn:
        total = int(conn.execute(select(func.coalesce(func.sum(points_entries.c.points), 0)))
                    .scalar())
    shown = [balance(store, p) for p in people]
    assert total == sum(shown) and min(shown) >= 0


def test_the_price_is_per_hour_rounded_half_up():
    start = datetime(2026, 5, 4, 9)
    assert booking_points(20, start, start + timedelta(hours=2)) == 40
    assert booking_points(25, start, start + timedelta(minutes=90)) == 38  # 37.5
    assert booking_points(20, start, start + timedelta(minutes=15)) == 5
    assert booking_points(1, start, start + timedelta(minutes=15)) == 1  # never free
    assert booking_points(0, start, start + timedelta(hours=5)) == 0


def test_a_booking_is_charged_and_a_refusal_gives_the_points_back_once(store, community,
                                                                         room):
    resident = codes(store, community.id, 1)[0]
    with_points(store, community.id, resident, 100)
    booking = ask(store, community, room, resident, at(9), at(11))
    assert balance(store, resident) == 60
    assert store.booking_charge(booking) == {"charged": 40, "refunded": 0}
    charge = entries(store, resident)[-1]
    assert charge["kind"] == "redeem" and charge["points"] == -40
    assert store.decide_booking(booking, "王管家", approve=False, reason="维修") == "refused"
    for _ in range(2):  # refused again: decided already, nothing given twice
        with pytest.raises(SignupRefused) as again:
            store.decide_booking(booking, "王管家", approve=False, reason="维修")
        assert again.value.key == "activities.refused.decided"
    with pytest.raises(SignupRefused):
        store.cancel_booking(booking, "王管家", "重复")
    assert balance(store, resident) == 100
    made = entries(store, resident)
    assert [e["kind"] for e in made] == ["earn", "redeem", "adjust"]
    assert made[1] == {**charge}  # the charge is never edited
    refund = made[-1]
    assert refund["points"] == 40 and refund["steward"] == "王管家"
    assert f"#{booking}" in refund["reason"]
    assert store.booking_charge(booking) == {"charged": 40, "refunded": 40}
    ledger_matches_balances(store, [resident])


def test_refusals_and_cancellations_at_once_refund_once(store, community, room):
    resident = codes(store, community.id, 1)[0]
    with_points(store, community.id, resident, 100)
    booking = ask(store, community, room, resident, at(9), at(10))
    assert balance(store, resident) == 80
    done = []

    def undo(s, n):
        try:
            if n % 2:
                done.append(s.decide_booking(booking, "王管家", approve=False, reason="满了"))
            else:
                done.append(s.cancel_booking(booking, "李管家", "改期"))
        except SignupRefused as exc:
            assert exc.key == "activities.refused.decided"

    assert in_threads(store.url, undo, 10) == []
    assert len(done) == 1
    assert balance(store, resident) == 100
    assert [e["kind"] for e in entries(store, resident)] == ["earn", "redeem", "adjust"]


def test_a_short_balance_books_nothing(store, community, room):
    resident = codes(store, community.id, 1)[0]
    with_points(store, community.id, resident, 30)
    with pytest.raises(SignupRefused) as short:
        ask(store, community, room, resident, at(9), at(11))
    assert short.value.key == "activities.refused.points"
    assert short.value.params == {"needed": 40, "balance": 30}
    assert count(store, room_bookings) == 0 and balance(store, resident) == 30
    nobody = codes(store, community.id, 1, "none")[0]  # no points account at all
    with pytest.raises(SignupRefused) as none:
        ask(store, community, room, nobody, at(9), at(10))
    assert none.value.params == {"needed": 20, "balance": 0}
    with pytest.raises(SignupRefused) as anonymous:  # a price needs someone to pay it
        ask(store, community, room, None, at(9), at(10))
    assert anonymous.value.key == "activities.needs_code"
    # what is affordable is booked: 30 points buy 90 minutes at 20 an hour
    assert ask(store, community, room, resident, at(9), at(10, 30))
    assert balance(store, resident) == 0


def test_twenty_bookings_at_once_against_a_balance_for_five_give_five(store, community, room):
    resident = codes(store, community.id, 1)[0]
    with_points(store, community.id, resident, 50)  # 30 minutes cost 10: five of them
    made, refused = [], []

    def book(s, n):  # twenty distinct free slots of half an hour
        start = at(8) + timedelta(minutes=30 * n)
        try:
            made.append(ask(s, community, room, resident, start, start + timedelta(minutes=30)))
        except SignupRefused as exc:
            refused.append(exc.key)

    assert in_threads(store.url, book, 20) == []
    assert len(made) == 5 and refused == ["activities.refused.points"] * 15
    assert count(store, room_bookings) == 5
    assert balance(store, resident) == 0
    assert [e["kind"] for e in entries(store, resident)].count("redeem") == 5
    ledger_matches_balances(store, [resident])


def test_a_request_sent_twice_is_one_booking_charged_once(store, community, room):
    resident = codes(store, community.id, 1)[0]
    with_points(store, community.id, resident, 100)
    first = ask(store, community, room, resident, at(9), at(10), key="tap-1")
    assert ask(store, community, room, resident, at(9), at(10), key="tap-1") == first
    made = []

    def tap(s, n):  # a double tap reaching two kernels at once, five times over
        made.append(ask(s, community, room, resident, at(14), at(15), key="tap-2"))

    assert in_threads(store.url, tap, 10) == []
    assert len(set(made)) == 1 and first not in made
    assert count(store, room_bookings) == 2 and balance(store, resident) == 60
    # the same key from another resident is another request (a key is per code)
    other = codes(store, community.id, 1, "other")[0]
    with_points(store, community.id, other, 100)
    assert ask(store, community, room, other, at(16), at(17), key="tap-1") != first


def test_the_resident_cancels_before_it_starts_and_gets_the_points_back(store, community,
                                                                      room):
    resident, stranger = codes(store, community.id, 2)
    with_points(store, community.id, resident, 100)
    booking = ask(store, community, room, resident, at(9), at(10))
    with pytest.raises(SignupRefused) as not_theirs:
        workflow.cancel_my_booking(store, booking, stranger)
    assert not_theirs.value.key == "activities.refused.no_booking"
    started = at(9, 30).replace(tzinfo=ZONE)
    with pytest.raises(SignupRefused) as late:
        store.cancel_booking(booking, "resident", code_id=resident, now=started)
    assert late.value.key == "activities.refused.booking_started"
    assert balance(store, resident) == 80
    assert workflow.cancel_my_booking(store, booking, resident) == "cancelled"
    assert balance(store, resident) == 100
    with pytest.raises(SignupRefused):
        workflow.cancel_my_booking(store, booking, resident)
    assert balance(store, resident) == 100
    # approved, then cancelled by the steward: the points back as well
    again = ask(store, community, room, resident, at(9), at(10))
    store.decide_booking(again, "王管家", approve=True)
    assert balance(store, resident) == 80
    store.cancel_booking(again, "王管家", "停电")
    assert balance(store, resident) == 100
    assert [e["kind"] for e in entries(store, resident)] == [
        "earn", "redeem", "adjust", "redeem", "adjust"]


def test_a_free_room_charges_nothing(store, community):
    load_spaces(store, community)
    free = workflow.add_room(store, community, "P1", {"name": "客厅", "opens": "08:00",
                                                      "closes": "21:00"})
    resident = codes(store, community.id, 1)[0]
    booking = ask(store, community, free, resident, at(9), at(10))
    store.decide_booking(booking, "王管家", approve=False, reason="x")
    assert entries(store, resident) == []
    assert ask(store, community, free, None, at(9), at(10))  # no code needed to pay


def test_requests_the_room_could_not_meet_are_counted_on_both_databases(store, community,
                                                                      room):
    resident = codes(store, community.id, 1)[0]
    with_points(store, community.id, resident, 100)
    ask(store, community, room, resident, at(9), at(11))
    start, end = at(10).replace(tzinfo=ZONE), at(11).replace(tzinfo=ZONE)
    for _ in range(3):  # asked again within the hour: kept once
        assert workflow.note_unmet(store, community, room, start, end,
                                   "activities.refused.taken")
    workflow.note_unmet(store, community, room, at(10, 30).replace(tzinfo=ZONE), end,
                        "activities.refused.taken")
    kept = store.unmet_requests(community.id)
    assert len(kept) == 2 and kept[0]["starts_at"] == start and kept[0]["why"] == "taken"
    assert kept[0]["public_space_id"] == "P1"
    evidence = workflow.space_use_evidence(store, community, "en")
    # one room, one day, one hour asked for (10 o'clock): one request unmet
    assert evidence["P1"]["Asked for and not given (bookings refused, left waiting, "
                          "times taken or closed)"] == 1


def test_the_stewards_panel_says_the_points_went_back(store, community, room):
    from workbench import settings
    from workbench.activities.activities_panel import ActivitiesPanel
    from workbench.points.rule_file import load_rules

    resident = codes(store, community.id, 1)[0]
    with_points(store, community.id, resident, 100)
    booking = ask(store, community, room, resident, at(9), at(11))
    panel = ActivitiesPanel(store, load_rules(settings.get("points_rules")), community, "en",
                            "王管家").bookings
    panel.refresh()
    panel.booking.value = booking
    panel.reason.value = "The room is being painted"
    assert panel.decide("refuse") == "refused"
    assert "40 points given back to the resident." in panel.decided.value
    assert balance(store, resident) == 100
