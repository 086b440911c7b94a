"""Activities and bookings: the rules an activity, a sign-up and a booking request must meet,
and the calendar an activity makes. Plain Python: no widgets, no SQL.

Every value is checked here, whatever a page claims to have checked; problems are collected
per field as i18n keys with their params (:class:`ActivityInvalid`), so a page shows each one
beside its field in the person's language, and nothing is stored while any remains.

Times: a person types local times in the community's time zone (an activity keeps its zone,
so a weekly one meets at the same wall-clock time every week); the store keeps UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from workbench import settings, vocabulary
from workbench.proposals.rules import InputInvalid, check_text

#: places of one activity: at least one person, at most a large hall (500)
MIN_CAPACITY, MAX_CAPACITY = 1, 500
#: one occurrence lasts at most a day; a weekly activity repeats for at most a year
MAX_DURATION = timedelta(hours=24)
MAX_REPEAT = timedelta(days=366)
#: a booking: from a quarter of an hour to a whole day's opening, up to 90 days ahead
MIN_BOOKING = timedelta(minutes=15)
BOOKING_HORIZON = timedelta(days=90)
REPEATS = ("once", "weekly")
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class ActivityInvalid(InputInvalid):
    """An activity, a room or a booking request that breaks a rule (``errors`` by field)."""


class SignupRefused(ValueError):
    """A sign-up, cancellation or booking the state of the calendar refuses: an i18n key."""

    def __init__(self, key: str, **params):
        self.key, self.params = key, params
        super().__init__(key)


@dataclass(frozen=True)
class Activity:
    """A validated activity. ``starts_at``/``ends_at`` are its first occurrence, aware, in
    ``time_zone``."""

    title: str
    description: str
    public_space_id: str
    room_id: int | None
    scenario: str
    organiser: str
    capacity: int
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    repeat: str = "once"
    repeat_until: date | None = None
    skip_dates: tuple[date, ...] = ()


@dataclass(frozen=True)
class Occurrence:
    """One meeting of an activity: its local date, start and end (aware, local)."""

    on: date
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class Room:
    """A bookable room of a space, open from ``opens`` to ``closes`` ("HH:MM", local);
    ``points_cost`` is its price in points an hour (0: free; see :func:`booking_points`)."""

    name: str
    opens: str
    closes: str
    points_cost: int = 0


def booking_points(points_an_hour: int, start: datetime, end: datetime) -> int:
    """What a booking from ``start`` to ``end`` costs at ``points_an_hour``: minutes x price
    / 60, rounded half up (as points for service hours are), at least 1 when the room is
    not free, so a quarter of an hour is never free of charge."""
    if points_an_hour <= 0:
        return 0
    minutes = int((end - start).total_seconds() // 60)
    return max(1, (minutes * points_an_hour + 30) // 60)


# -- values -----------------------------------------------------------------------------------
def _time_span(raw: dict, zone: ZoneInfo, errors: dict):
    """(start, end) of an activity or a booking read from ``starts_at`` and ``ends_at``;
    an unreadable time, or an end not after the start, goes into ``errors`` by field."""
    start = local_datetime(raw.get("starts_at"), zone)
    end = local_datetime(raw.get("ends_at"), zone)
    if start is None:
        errors["starts_at"] = ("activities.error.when", {})
    if end is None:
        errors["ends_at"] = ("activities.error.when", {})
    elif start is not None and end <= start:
        errors["ends_at"] = ("activities.error.end_before_start", {})
    return start, end


def local_datetime(value, zone: ZoneInfo) -> datetime | None:
    """A datetime (naive = local time in ``zone``) or ISO text, as an aware local datetime;
    None for anything else."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=zone)
    return value.astimezone(zone)


def a_date(value) -> date | None:
    """A date, or ISO date text; None for anything else (a datetime is not a date here)."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    return None


def whole_number(value) -> int | None:
    """An int sent as an int (not a bool, not a float, not text)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc)


def clock(text) -> time | None:
    """"HH:MM" as a time, or None."""
    if not isinstance(text, str) or not _CLOCK.match(text.strip()):
        return None
    hours, minutes = text.strip().split(":")
    return time(int(hours), int(minutes))


@lru_cache(maxsize=4)
def _holidays_in(path: str) -> frozenset[date]:
    with open(path, encoding="utf-8") as f:
        spans = (yaml.safe_load(f) or {}).get("holidays") or []
    days = set()
    for span in spans:
        day, last = a_date(str(span["from"])), a_date(str(span["to"]))
        while day <= last:
            days.add(day)
            day += timedelta(days=1)
    return frozenset(days)


def holidays() -> frozenset[date]:
    """The public holidays of the setting ``activities_holidays`` (a YAML list of spans)."""
    return _holidays_in(str(Path(settings.get("activities_holidays"))))


# -- an activity ------------------------------------------------------------------------------
def validate_activity(raw: dict, space_ids, room_ids_by_space: dict | None = None,
                      time_zone: str = "Asia/Shanghai") -> Activity:
    """An :class:`Activity` from what a form sent, or :class:`ActivityInvalid` with every
    problem by field. ``space_ids``: the community's current public spaces;
    ``room_ids_by_space``: {space id: ids of its rooms}."""
    zone = ZoneInfo(time_zone)
    errors: dict[str, tuple[str, dict]] = {}
    values = {}
    for name, required, most, multiline in (("title", True, 120, False),
                                           ("description", False, 2000, True),
                                           ("organiser", True, 100, False)):
        values[name], problem = check_text(raw.get(name), required=required, max_chars=most,
                                           multiline=multiline)
        if problem:
            errors[name] = problem
    space = raw.get("public_space_id")
    if not isinstance(space, str) or space not in set(space_ids):
        errors["public_space_id"] = ("activities.error.space", {})
        space = None
    room = raw.get("room_id")
    if room is not None:
        rooms = (room_ids_by_space or {}).get(space, ()) if space else ()
        if whole_number(room) is None or room not in rooms:
            errors["room_id"] = ("activities.error.room", {})
    if raw.get("scenario") not in vocabulary.scenario_codes():
        errors["scenario"] = ("error.scenario_required", {})
    capacity = whole_number(raw.get("capacity"))
    if capacity is None or not MIN_CAPACITY <= capacity <= MAX_CAPACITY:
        errors["capacity"] = ("activities.error.capacity",
                              {"least": MIN_CAPACITY, "most": MAX_CAPACITY})
    start, end = _time_span(raw, zone, errors)
    if "ends_at" not in errors and start is not None and end - start > MAX_DURATION:
        errors["ends_at"] = ("activities.error.too_long", {"hours": 24})
    repeat = raw.get("repeat") or "once"
    until, skips = None, ()
    if repeat not in REPEATS:
        errors["repeat"] = ("activities.error.repeat", {})
    elif repeat == "weekly":
        until = a_date(raw.get("repeat_until"))
        if until is None:
            errors["repeat_until"] = ("activities.error.until", {})
        elif start is not None and not start.date() <= until <= start.date() + MAX_REPEAT:
            errors["repeat_until"] = ("activities.error.until_range", {"days": MAX_REPEAT.days})
        skips = tuple(a_date(d) for d in (raw.get("skip_dates") or ()))
        if None in skips or len(skips) > 60:
            errors["skip_dates"] = ("activities.error.skip_dates", {})
    if errors:
        raise ActivityInvalid(errors)
    return Activity(title=values["title"], description=values["description"] or "",
                    public_space_id=space, room_id=room, scenario=raw["scenario"],
                    organiser=values["organiser"], capacity=capacity, starts_at=start,
                    ends_at=end, time_zone=time_zone, repeat=repeat, repeat_until=until,
                    skip_dates=tuple(sorted(set(skips))))


def occurrences(activity: Activity, first: date | None = None, last: date | None = None,
                skipped: frozenset[date] | None = None) -> list[Occurrence]:
    """The activity's meetings from ``first`` to ``last`` (local dates, inclusive): one for a
    one-off, each week on the same weekday and wall-clock time for a weekly one (across month
    and year ends alike), less its skip dates and the public holidays (``skipped``; the
    setting's list when None). A one-off meets even on a holiday: its organiser chose it."""
    zone = ZoneInfo(activity.time_zone)
    start = activity.starts_at.astimezone(zone)
    length = activity.ends_at - activity.starts_at
    until = activity.repeat_until if activity.repeat == "weekly" else start.date()
    off = set(activity.skip_dates)
    if activity.repeat == "weekly":
        off |= holidays() if skipped is None else skipped
    found, day = [], start.date()
    while day <= until:
        if (first is None or day >= first) and (last is None or day <= last) and \
                day not in off:
            # the same wall-clock time each week, whatever the UTC offset that day
            begins = datetime.combine(day, start.timetz().replace(tzinfo=None), tzinfo=zone)
            found.append(Occurrence(day, begins, begins + length))
        day += timedelta(days=7)
    return found


def occurrence_on(activity: Activity, on, skipped: frozenset[date] | None = None
                  ) -> Occurrence:
    """The activity's meeting on local date ``on``, or :class:`SignupRefused`."""
    day = a_date(on)
    found = occurrences(activity, day, day, skipped) if day else []
    if not found:
        raise SignupRefused("activities.refused.no_occurrence")
    return found[0]


# -- sign-ups ---------------------------------------------------------------------------------
def place_for(accepted: int, capacity: int) -> str:
    """A new sign-up is accepted while places remain, else it waits (in arrival order)."""
    return "accepted" if accepted < capacity else "waiting"


def moving_up(accepted: int, capacity: int, waiting_in_order: list) -> list:
    """Those of the waiting list (first come first) who get the places now free."""
    return list(waiting_in_order[:max(0, capacity - accepted)])


def check_signup_time(occurrence: Occurrence, now: datetime) -> None:
    """Sign-ups and cancellations close when the meeting starts."""
    if now >= occurrence.starts_at:
        raise SignupRefused("activities.refused.started")


# -- rooms and bookings -----------------------------------------------------------------------
def validate_room(raw: dict) -> Room:
    errors = {}
    name, problem = check_text(raw.get("name"), required=True, max_chars=100)
    if problem:
        errors["name"] = problem
    opens, closes = clock(raw.get("opens")), clock(raw.get("closes"))
    if opens is None:
        errors["opens"] = ("activities.error.clock", {})
    if closes is None:
        errors["closes"] = ("activities.error.clock", {})
    elif opens is not None and closes <= opens:
        errors["closes"] = ("activities.error.closes_before_opens", {})
    cost = whole_number(raw.get("points_cost", 0))
    if cost is None or not 0 <= cost <= 10_000:
        errors["points_cost"] = ("activities.error.points_cost", {"most": 10_000})
    if errors:
        raise ActivityInvalid(errors)
    return Room(name, raw["opens"].strip(), raw["closes"].strip(), cost)


def validate_booking(raw: dict, room: Room, time_zone: str, now: datetime
                     ) -> tuple[str, datetime, datetime]:
    """(purpose, start, end) of a booking request: a slot of one day within the room's
    opening hours, from now to :data:`BOOKING_HORIZON` ahead; overlaps are the store's."""
    zone = ZoneInfo(time_zone)
    errors = {}
    purpose, problem = check_text(raw.get("purpose"), required=True, max_chars=200)
    if problem:
        errors["purpose"] = problem
    start, end = _time_span(raw, zone, errors)
    if start is not None and "ends_at" not in errors:
        if end - start < MIN_BOOKING:
            errors["ends_at"] = ("activities.error.too_short", {"minutes": 15})
        elif start.date() != end.date() or start.time() < clock(room.opens) or \
                end.time() > clock(room.closes):
            errors["starts_at"] = ("activities.error.closed",
                                   {"opens": room.opens, "closes": room.closes})
        elif start <= now:
            errors["starts_at"] = ("activities.error.past", {})
        elif start > now + BOOKING_HORIZON:
            errors["starts_at"] = ("activities.error.too_far", {"days": BOOKING_HORIZON.days})
    if errors:
        raise ActivityInvalid(errors)
    return purpose, start, end


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Half-open slots [start, end): one ending at 10:00 and one starting then do not."""
    return a_start < b_end and b_start < a_end


def free_slots(room: Room, day: date, taken: list[tuple[datetime, datetime]], time_zone: str
               ) -> list[tuple[datetime, datetime]]:
    """The gaps of ``day``'s opening hours between the ``taken`` slots (aware datetimes)."""
    zone = ZoneInfo(time_zone)
    cursor = datetime.combine(day, clock(room.opens), tzinfo=zone)
    closing = datetime.combine(day, clock(room.closes), tzinfo=zone)
    gaps = []
    for start, end in sorted(taken):
        start, end = start.astimezone(zone), end.astimezone(zone)
        if start - cursor >= MIN_BOOKING:
            gaps.append((cursor, min(start, closing)))
        cursor = max(cursor, end)
    if closing - cursor >= MIN_BOOKING:
        gaps.append((cursor, closing))
    return gaps
