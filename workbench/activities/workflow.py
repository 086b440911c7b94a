"""What the activities pages and commands do, in one place each: the rules applied to what a
person sent, then one write through the store. Plain Python: no widgets, no SQL.

Each function raises :class:`workbench.activities.rules.ActivityInvalid` (problems by field)
or :class:`workbench.activities.rules.SignupRefused` (one i18n key), having written nothing.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from workbench.activities.rules import (
    ActivityInvalid,
    Room,
    SignupRefused,
    booking_points,
    free_slots,
    occurrence_on,
    occurrences,
    validate_activity,
    validate_booking,
    validate_room,
)


def _space_ids(store, community_id: str) -> list[str]:
    """The community's current public spaces (deleted ones cannot hold activities)."""
    return [f["properties"]["id"] for f in store.public_space_features(community_id) or []]


def post_activity(store, community, raw: dict, created_by: str) -> int:
    """Post an activity from a form's values (see :func:`rules.validate_activity`)."""
    rooms = {}
    for room in store.rooms(community.id):
        rooms.setdefault(room["public_space_id"], []).append(room["id"])
    activity = validate_activity(raw, _space_ids(store, community.id), rooms,
                                 community.time_zone)
    return store.add_activity(community.id, activity, created_by)


def add_room(store, community, space_id, raw: dict) -> int:
    """A bookable room of one of the community's current spaces."""
    room = validate_room(raw)
    if space_id not in _space_ids(store, community.id):
        raise ActivityInvalid({"public_space_id": ("activities.error.space", {})})
    return store.add_room(community.id, space_id, room)


def _room(store, community, room_id) -> Room:
    row = store.room(room_id) if isinstance(room_id, int) else None
    if row is None or row["community_id"] != community.id:
        raise SignupRefused("activities.refused.no_room")
    return Room(row["name"], row["opens"], row["closes"], row["points_cost"])


def request_booking(store, community, room_id, code_id: int | None, raw: dict,
                    now: datetime | None = None, request_key: str | None = None) -> int:
    """A resident's request for a slot of a room: within its opening hours, ahead of now,
    overlapping no live booking (the database refuses the second of two at once). A room
    with a price is charged to ``code_id`` in the same transaction (:func:`price_of`);
    a ``request_key`` sent again is the same booking, charged once."""
    room = _room(store, community, room_id)
    purpose, start, end = validate_booking(raw, room, community.time_zone,
                                           now or datetime.now(timezone.utc))
    return store.request_booking(room_id, code_id, purpose, start, end,
                                 points=booking_points(room.points_cost, start, end),
                                 request_key=request_key)


def price_of(room: dict, start: datetime, end: datetime) -> int:
    """The points a booking of ``room`` (a stored row) from ``start`` to ``end`` costs: what
    the page shows and what :func:`request_booking` charges."""
    return booking_points(room["points_cost"], start, end)


def cancel_my_booking(store, booking_id: int, code_id: int) -> str:
    """The resident who made a booking cancels it before it starts: the points back."""
    return store.cancel_booking(booking_id, "resident", code_id=code_id)


#: why a request went unmet, by the refusal's key (the rules' or the store's)
UNMET_BY_KEY = {"activities.refused.taken": "taken",
                "activities.refused.activity_there": "activity",
                "activities.error.closed": "closed"}


def note_unmet(store, community, room_id, start: datetime, end: datetime, key: str) -> bool:
    """Keep a request refused because the room was taken or closed at the time asked, as
    demand the room did not meet (agenda evidence); other refusals are not demand. True
    when noted. The caller bounds how many one page notes (the page's limiter)."""
    why = UNMET_BY_KEY.get(key)
    if why is None or not end > start:
        return False
    _room(store, community, room_id)
    return store.note_unmet_request(room_id, start, end, why)


def free_slots_on(store, community, room_id, day: date) -> list[tuple[datetime, datetime]]:
    """The slots of ``day`` the room is still free (local times)."""
    room = _room(store, community, room_id)
    midnight = datetime.combine(day, datetime.min.time(), tzinfo=ZoneInfo(community.time_zone))
    taken = store.room_taken(room_id, midnight, midnight + timedelta(days=1))
    return free_slots(room, day, taken, community.time_zone)


def calendar(store, community, first: date, last: date, space_id: str | None = None
             ) -> list[dict]:
    """The meetings from ``first`` to ``last`` (local dates) of the community's open
    activities (or one space's), by start: what the calendar shows, with places taken and
    the waiting list's length."""
    listed = store.activities_of(community.id, space_id)
    counts = store.meeting_counts([i for i, _ in listed], first, last)
    meetings = []
    for activity_id, activity in listed:
        for meeting in occurrences(activity, first, last):
            taken = counts.get((activity_id, meeting.on), {"accepted": 0, "waiting": 0})
            meetings.append({
                "activity_id": activity_id, "on": meeting.on, "title": activity.title,
                "public_space_id": activity.public_space_id, "room_id": activity.room_id,
                "scenario": activity.scenario, "organiser": activity.organiser,
                "starts_at": meeting.starts_at, "ends_at": meeting.ends_at,
                "capacity": activity.capacity, "accepted": taken["accepted"],
                "waiting": taken["waiting"],
                "places_left": max(0, activity.capacity - taken["accepted"])})
    return sorted(meetings, key=lambda m: (m["starts_at"], m["activity_id"]))


def confirm_attendance(store, rules, activity_id: int, on, code_id: int, by: str,
                       role: str) -> tuple[int, bool] | None:
    """The organiser confirms a resident came (ticked on the list or their QR code scanned):
    marked attended, and a points credit by the rule file's ``activity_attended`` rule,
    keyed by activity and person, so a weekly activity earns once per person however many
    meetings they come to (:func:`workbench.points.workflow.award_event`). Returns the credit
    (id, new) or None when the rules give no points for activities."""
    from workbench.points.workflow import award_event

    found = store.activity(activity_id)
    if found is None:
        raise SignupRefused("activities.refused.no_activity")
    activity, row = found
    meeting = occurrence_on(activity, on)
    store.mark_attended(activity_id, meeting.on, code_id, by)
    return award_event(store, rules, row["community_id"], code_id, "activity_attended",
                       activity_id, by, role)


def space_ics(store, community, space_id: str, lang: str, first: date | None = None,
              last: date | None = None) -> str:
    """The iCalendar (.ics) text of one space: its activities' meetings from ``first`` to
    ``last`` and its rooms' live bookings (shown as booked, without who or why)."""
    from workbench import i18n
    from workbench.activities.calendar_file import space_calendar

    found = store.public_space(community.id, space_id)
    if found is None or found["deleted"]:
        raise ActivityInvalid({"public_space_id": ("activities.error.space", {})})
    props = found["feature"]["properties"]
    name = i18n.t(lang, "activities.ics.calendar", space=props.get(f"name_{lang}") or space_id)
    bookings = [{**b, "room": room["name"]} for room in store.rooms(community.id, space_id)
                for b in store.bookings(room["id"])]
    return space_calendar(name, store.activities_of(community.id, space_id), bookings,
                          i18n.t(lang, "activities.ics.booked"), host=community.id,
                          first=first, last=last)


def space_use(store, community, first: date, last: date):
    """(events, use by space) of the community's current spaces from ``first`` to ``last``
    (local dates): :func:`workbench.activities.use.use_events` and
    :func:`workbench.activities.use.space_use`, from one read of the store."""
    from workbench.activities import use

    records = store.space_use_records(community.id)
    events = use.use_events(records, first, last, community.time_zone)
    return events, use.space_use(events, _space_ids(store, community.id), first, last,
                                 use.open_hours(records["rooms"], first, last))


#: the period the agenda's evidence of use looks back over
EVIDENCE_DAYS = 90


def space_use_evidence(store, community, lang: str, today: date | None = None,
                       days: int = EVIDENCE_DAYS) -> dict[str, dict[str, int]]:
    """What the use of the spaces over the last ``days`` days says to the agenda, as the
    needs of each space the agenda's evidence reads (``{space id: {label: count}}``, the
    shape of the surveys' needs by space): people who asked and got nothing (a need), hours
    used in a space little used (a question). Only existing spaces are asked about, and
    only in a community that keeps its activities or rooms here."""
    from workbench import i18n
    from workbench.activities.use import period_ending, space_evidence

    if not store.activities_of(community.id) and not store.rooms(community.id):
        return {}  # a community that keeps no calendar here says nothing of its spaces' use
    first, last = period_ending(today or datetime.now(ZoneInfo(community.time_zone)).date(),
                                days)
    _events, spaces = space_use(store, community, first, last)
    statuses = {f["properties"]["id"]: f["properties"].get("status") or "existing"
                for f in store.public_space_features(community.id) or []}
    found: dict[str, dict[str, int]] = {}
    for row in space_evidence(spaces, statuses):
        label = i18n.t(lang, f"activities.evidence.{row['kind']}")
        found.setdefault(row["public_space_id"], {})[label] = row["count"]
    return found
