"""Activities and bookings in the store, on SQLite and PostgreSQL: 30 residents signing up at
once get exactly the capacity's places and the rest wait in order; a cancellation gives the
place to the first waiting; 20 requests at once for overlapping slots of one room make one
booking; bad input stores nothing; attendance earns points once per activity and person."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from activity_samples import ZONE, codes, form, load_spaces, next_week, without_holidays
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError
from stores import in_threads, store_on_both_databases  # noqa: F401 (fixture)

from workbench.activities import workflow
from workbench.activities.rules import ActivityInvalid, SignupRefused, occurrences
from workbench.activities.tables import activities, room_bookings


def count(store, table) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


@pytest.fixture
def spaces(store, community):
    return load_spaces(store, community)


def test_thirty_simultaneous_sign_ups_fill_exactly_the_capacity(store, community, spaces):
    activity_id = workflow.post_activity(store, community, form(capacity=12), "王管家")
    people = codes(store, community.id, 30)
    on = next_week().date()
    answers = {}

    def sign(s, n):
        answers[people[n]] = s.sign_up(activity_id, on, people[n])

    assert in_threads(store.url, sign, 30) == []
    rows = store.signups(activity_id, on)
    accepted = [r for r in rows if r["status"] == "accepted"]
    waiting = [r for r in rows if r["status"] == "waiting"]
    assert len(accepted) == 12 and len(waiting) == 18 and len(rows) == 30
    # every answer a resident saw agrees with what was stored; waiting positions 1..18
    assert sorted(a["position"] for a in answers.values() if a["status"] == "waiting") == \
        list(range(1, 19))
    assert {c for c, a in answers.items() if a["status"] == "accepted"} == \
        {r["code_id"] for r in accepted}
    # queue numbers are the order of arrival: every accepted one came before every waiting
    assert max(r["queue_no"] for r in accepted) < min(r["queue_no"] for r in waiting)

    # a place freed goes to the first waiting, and only to them
    first_waiting = waiting[0]["code_id"]
    assert store.cancel_signup(activity_id, on, accepted[0]["code_id"]) == [first_waiting]
    assert store.sign_up(activity_id, on, first_waiting) == {"status": "accepted",
                                                              "position": 0, "new": False}
    assert store.sign_up(activity_id, on, waiting[1]["code_id"])["position"] == 1
    # signing up again after cancelling joins the end of the queue
    again = store.sign_up(activity_id, on, accepted[0]["code_id"])
    assert again == {"status": "waiting", "position": 18, "new": True}
    after = store.signups(activity_id, on)
    assert sum(r["status"] == "accepted" for r in after) == 12


def test_simultaneous_cancellations_never_overfill(store, community, spaces):
    activity_id = workflow.post_activity(store, community, form(capacity=5), "王管家")
    people = codes(store, community.id, 15)
    on = next_week().date()
    for code_id in people:
        store.sign_up(activity_id, on, code_id)
    leaving = people[:5]

    assert in_threads(store.url, lambda s, n: s.cancel_signup(activity_id, on, leaving[n]),
                      5) == []
    rows = store.signups(activity_id, on)
    assert [r["code_id"] for r in rows if r["status"] == "accepted"] == people[5:10]


def test_sign_up_refusals(store, community, spaces):
    activity_id = workflow.post_activity(store, community, form(), "王管家")
    (code_id,) = codes(store, community.id, 1)
    on = next_week().date()
    with pytest.raises(SignupRefused) as refused:
        store.sign_up(activity_id, on + timedelta(days=1), code_id)
    assert refused.value.key == "activities.refused.no_occurrence"
    with pytest.raises(SignupRefused) as refused:
        store.sign_up(activity_id, on, code_id, now=datetime.now(ZONE) + timedelta(days=8))
    assert refused.value.key == "activities.refused.started"
    with pytest.raises(SignupRefused) as refused:
        store.sign_up(activity_id + 99, on, code_id)
    assert refused.value.key == "activities.refused.no_activity"
    store.revoke_code(code_id)
    with pytest.raises(SignupRefused) as refused:
        store.sign_up(activity_id, on, code_id)
    assert refused.value.key == "activities.refused.no_code"
    with pytest.raises(SignupRefused) as refused:
        store.cancel_signup(activity_id, on, code_id)
    assert refused.value.key == "activities.refused.not_signed_up"
    assert store.signups(activity_id, on) == []


def test_bad_input_stores_nothing(store, community, spaces):
    for bad in (form(capacity=0), form(capacity=10 ** 9), form(public_space_id="P404"),
                form(title="<script>alert(1)</script>"),
                form(ends_at=next_week() - timedelta(hours=1))):
        with pytest.raises(ActivityInvalid):
            workflow.post_activity(store, community, bad, "王管家")
    assert count(store, activities) == 0
    # the database refuses what the rules would have: capacity and times are checked there too
    good = workflow.post_activity(store, community, form(), "王管家")
    activity, _ = store.activity(good)
    with pytest.raises(IntegrityError):
        store.add_activity(community.id, activity.__class__(
            **{**activity.__dict__, "capacity": 0}), "x")
    with pytest.raises(IntegrityError):
        store.add_activity(community.id, activity.__class__(
            **{**activity.__dict__, "public_space_id": "P404"}), "x")
    assert count(store, activities) == 1


def test_a_weekly_activity_round_trips_through_the_store(store, community, spaces):
    activity_id = workflow.post_activity(store, community, form(
        starts_at=datetime(2026, 9, 17, 19), ends_at=datetime(2026, 9, 17, 21),
        repeat="weekly", repeat_until="2026-10-15"), "王管家")
    activity, row = store.activity(activity_id)
    assert row["community_id"] == community.id and row["status"] == "open"
    assert [m.on.isoformat() for m in occurrences(activity)] == [
        "2026-09-17", "2026-09-24", "2026-10-08", "2026-10-15"]
    assert activity.starts_at.hour == 19 and activity.starts_at.tzinfo is not None
    assert [i for i, _ in store.activities_of(community.id, "P1")] == [activity_id]


def room_in(store, community) -> int:
    return workflow.add_room(store, community, "P1", {"name": "乒乓球室", "opens": "08:00",
                                                      "closes": "21:00"})


def test_twenty_overlapping_booking_requests_make_one_booking(store, community, spaces):
    room_id = room_in(store, community)
    people = codes(store, community.id, 20)
    day = next_week().date()
    made, refused = [], []

    def book(s, n):
        # every request overlaps every other: they all hold 10:00-10:15
        start = datetime(day.year, day.month, day.day, 9, 15 + n * 2)
        try:
            made.append(workflow.request_booking(s, community, room_id, people[n], {
                "purpose": "练球", "starts_at": start,
                "ends_at": datetime(day.year, day.month, day.day, 10, 30)}))
        except SignupRefused as exc:
            refused.append(exc.key)

    assert in_threads(store.url, book, 20) == []
    assert len(made) == 1 and refused == ["activities.refused.taken"] * 19
    assert count(store, room_bookings) == 1
    # a slot next to it (touching, not overlapping) is free; the one refused is not
    slots = workflow.free_slots_on(store, community, room_id, day)
    assert slots[-1][0].strftime("%H:%M") == "10:30"
    workflow.request_booking(store, community, room_id, people[0], {
        "purpose": "练球", "starts_at": datetime(day.year, day.month, day.day, 10, 30),
        "ends_at": datetime(day.year, day.month, day.day, 11)})
    # refused or cancelled bookings free the room
    with pytest.raises(SignupRefused):
        store.decide_booking(made[0], "王管家", approve=False)
    assert store.decide_booking(made[0], "王管家", approve=False, reason="维修") == "refused"
    with pytest.raises(SignupRefused) as again:
        store.decide_booking(made[0], "王管家", approve=True)
    assert again.value.key == "activities.refused.decided"
    assert workflow.request_booking(store, community, room_id, people[1], {
        "purpose": "练球", "starts_at": datetime(day.year, day.month, day.day, 9),
        "ends_at": datetime(day.year, day.month, day.day, 10)})


def test_postgresql_itself_refuses_an_overlap(store, community, spaces):
    if store.engine.dialect.name != "postgresql":
        pytest.skip("the exclusion constraint is PostgreSQL's; SQLite relies on the lock")
    room_id = room_in(store, community)
    start = next_week(10).replace(tzinfo=ZONE)
    row = dict(room_id=room_id, purpose="x", status="approved", created_at=start)
    with store.engine.begin() as conn:
        conn.execute(room_bookings.insert().values(starts_at=start,
                                                   ends_at=start + timedelta(hours=1), **row))
    with pytest.raises(IntegrityError, match="ex_room_bookings_overlap"):
        with store.engine.begin() as conn:  # straight to the table, past the store's check
            conn.execute(room_bookings.insert().values(
                starts_at=start + timedelta(minutes=59), ends_at=start + timedelta(hours=2),
                **row))


def test_bookings_of_another_community_or_room_are_refused(store, community, spaces):
    with pytest.raises(SignupRefused) as refused:
        workflow.request_booking(store, community, 999, None, {})
    assert refused.value.key == "activities.refused.no_room"
    with pytest.raises(ActivityInvalid):
        workflow.add_room(store, community, "P404", {"name": "x", "opens": "08:00",
                                                     "closes": "09:00"})


def first_statements(store, work) -> list[str]:
    """The SQL statements ``work`` sends, each cut to its first three words."""
    sent = []

    def record(conn, cursor, statement, *args):
        sent.append(" ".join(statement.split()[:3]).upper())

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        work()
    finally:
        event.remove(store.engine, "before_cursor_execute", record)
    return sent


def test_sign_ups_and_sqlite_bookings_take_their_lock_first(store, community, spaces):
    # what makes the counts above hold, whatever the timing: the lock is the transaction's
    # first statement (a read before it would see a state another writer is changing)
    activity_id = workflow.post_activity(store, community, form(), "王管家")
    (code_id,) = codes(store, community.id, 1)
    sent = first_statements(store, lambda: store.sign_up(activity_id, next_week().date(),
                                                         code_id))
    assert sent[0] == "UPDATE ACTIVITIES SET"
    room_id = room_in(store, community)
    day = next_week().date()
    sent = first_statements(store, lambda: workflow.request_booking(
        store, community, room_id, code_id, {
            "purpose": "练球", "starts_at": datetime(day.year, day.month, day.day, 9),
            "ends_at": datetime(day.year, day.month, day.day, 10)}))
    booking = [s for s in sent if "ROOM_BOOKINGS" in s or ("ACTIVITY_ROOMS" in s
                                                            and s.startswith("UPDATE"))]
    if store.engine.dialect.name == "sqlite":
        assert booking[0] == "UPDATE ACTIVITY_ROOMS SET"
    else:  # the exclusion constraint holds on PostgreSQL; no room lock is taken there
        assert not any(s.startswith("UPDATE ACTIVITY_ROOMS") for s in sent)


def test_an_activity_in_a_room_holds_it_and_the_calendar_counts_places(
        store, community, spaces, tmp_path, monkeypatch):
    without_holidays(tmp_path, monkeypatch)
    room_id = room_in(store, community)
    start = next_week(14)
    activity_id = workflow.post_activity(store, community, form(
        room_id=room_id, capacity=2, starts_at=start, ends_at=start + timedelta(hours=2),
        repeat="weekly", repeat_until=(start + timedelta(days=14)).date().isoformat()),
        "王管家")
    day = start.date()
    with pytest.raises(SignupRefused) as refused:
        workflow.request_booking(store, community, room_id, None, {
            "purpose": "练球", "starts_at": start + timedelta(hours=1),
            "ends_at": start + timedelta(hours=3)})
    assert refused.value.key == "activities.refused.activity_there"
    gaps = [(a.strftime("%H:%M"), b.strftime("%H:%M"))
            for a, b in workflow.free_slots_on(store, community, room_id, day)]
    assert gaps == [("08:00", "14:00"), ("16:00", "21:00")]

    people = codes(store, community.id, 3)
    for code_id in people:
        store.sign_up(activity_id, day, code_id)
    meetings = workflow.calendar(store, community, day, day + timedelta(days=13))
    assert [(m["on"], m["accepted"], m["waiting"], m["places_left"]) for m in meetings] == [
        (day, 2, 1, 0), (day + timedelta(days=7), 0, 0, 2)]
    assert workflow.calendar(store, community, day, day, space_id="P2") == []

    # a cancelled activity leaves the calendar and frees its room
    assert store.cancel_activity(activity_id) and not store.cancel_activity(activity_id)
    assert workflow.calendar(store, community, day, day) == []
    with pytest.raises(SignupRefused):
        store.sign_up(activity_id, day + timedelta(days=7), people[0])
    assert workflow.request_booking(store, community, room_id, None, {
        "purpose": "练球", "starts_at": start, "ends_at": start + timedelta(hours=1)})


def test_a_steward_approves_or_cancels_a_booking(store, community, spaces):
    room_id = room_in(store, community)
    day = next_week().date()

    def ask(hour):
        return workflow.request_booking(store, community, room_id, None, {
            "purpose": "读书会", "starts_at": datetime(day.year, day.month, day.day, hour),
            "ends_at": datetime(day.year, day.month, day.day, hour + 1)})

    first = ask(9)
    assert store.decide_booking(first, "王管家", approve=True) == "approved"
    with pytest.raises(SignupRefused) as refused:  # an approved booking holds the room
        ask(9)
    assert refused.value.key == "activities.refused.taken"
    assert store.cancel_booking(first, "王管家", "停电") == "cancelled"
    with pytest.raises(SignupRefused) as refused:
        store.cancel_booking(first, "王管家")
    assert refused.value.key == "activities.refused.decided"
    with pytest.raises(SignupRefused) as refused:
        store.cancel_booking(first + 99, "王管家")
    assert refused.value.key == "activities.refused.no_booking"
    second = ask(9)
    assert [b["id"] for b in store.bookings(room_id)] == [second]
    assert [b["status"] for b in store.bookings(room_id, live_only=False)] == [
        "cancelled", "requested"]
