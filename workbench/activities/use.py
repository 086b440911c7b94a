"""The use of each public space over a period: hours its rooms were booked, activities held
in it, who came, by scenario and by month; and what that says to the agenda (a space people
ask for and do not get is a need, a space little used is a question). Plain pandas: no
widgets, no SQL. Fed by :meth:`ActivityStore.space_use_records` (one read of the store).

A meeting counts in the period when its local date is in it (held or still to come: the
planner chooses the period); a booking counts when approved (booked) or refused (asked for
and not given); a sign-up left on the waiting list is a person who asked and got no place;
a request the room could not meet (taken or closed at the time asked, kept by the store
without who asked) counts when it was asked, once per room, day and hour asked for,
however often it was asked.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd

from workbench.activities.rules import clock, occurrences

#: one row per meeting or booking of the period (:func:`use_events`)
EVENT_COLUMNS = ["public_space_id", "month", "scenario", "kind", "hours", "meetings",
                 "places", "accepted", "attended", "waiting", "refused", "unmet"]
#: the use of each space (:func:`space_use`), in the order the panel shows them
SPACE_COLUMNS = ["public_space_id", "hours_booked", "activity_hours", "meetings", "places",
                 "accepted", "attended", "fill", "turnout", "waiting", "refused", "unmet",
                 "open_hours", "use_share", "hours_a_week", "level"]
#: bookings carry no scenario: their rows say so by this code
BOOKING = "booking"
#: a space used fewer hours a week than this (activities and bookings) is "little used"
LITTLE_USE_HOURS_A_WEEK = 2.0
#: the levels of use on the map, and the hours a week from which each starts
LEVELS = (("none", 0.0), ("low", 1e-9), ("medium", LITTLE_USE_HOURS_A_WEEK), ("high", 8.0))


def _hours(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 3600


def use_events(records: dict, first: date, last: date, time_zone: str,
               skipped: frozenset[date] | None = None) -> pd.DataFrame:
    """One row per meeting of an open activity and per approved or refused booking whose
    local date is from ``first`` to ``last`` (see :data:`EVENT_COLUMNS`). ``records``:
    :meth:`ActivityStore.space_use_records`; ``skipped``: the public holidays (the
    setting's when None)."""
    zone = ZoneInfo(time_zone)
    counts: dict[tuple, dict] = {}
    for activity_id, on, status, attended, n in records["signups"]:
        entry = counts.setdefault((activity_id, on), {"accepted": 0, "attended": 0,
                                                      "waiting": 0})
        if status in ("accepted", "waiting"):
            entry[status] += int(n)
        if status == "accepted":
            entry["attended"] += int(attended)
    rows = []
    for activity_id, activity in records["activities"]:
        for meeting in occurrences(activity, first, last, skipped):
            taken = counts.get((activity_id, meeting.on), {})
            rows.append({"public_space_id": activity.public_space_id,
                         "month": meeting.on.strftime("%Y-%m"), "scenario": activity.scenario,
                         "kind": "activity", "hours": _hours(meeting.starts_at,
                                                             meeting.ends_at),
                         "meetings": 1, "places": activity.capacity,
                         "accepted": taken.get("accepted", 0),
                         "attended": taken.get("attended", 0),
                         "waiting": taken.get("waiting", 0), "refused": 0, "unmet": 0})
    for booking in records["bookings"]:
        on = booking["starts_at"].astimezone(zone).date()
        if booking["status"] not in ("approved", "refused") or not first <= on <= last:
            continue
        approved = booking["status"] == "approved"
        hours = _hours(booking["starts_at"], booking["ends_at"])
        rows.append({"public_space_id": booking["public_space_id"],
                     "month": on.strftime("%Y-%m"), "scenario": BOOKING, "kind": "booking",
                     "hours": hours if approved else 0.0, "meetings": 0, "places": 0,
                     "accepted": 0, "attended": 0, "waiting": 0,
                     "refused": 0 if approved else 1, "unmet": 0})
    rows += _unmet_rows(records.get("unmet", []), first, last, zone)
    return pd.DataFrame(rows, columns=EVENT_COLUMNS)


def _unmet_rows(requests: list[dict], first: date, last: date, zone: ZoneInfo) -> list[dict]:
    """One row per room, local day and hour asked for that the room could not give, asked
    within the period (by when it was asked: the demand is there then, whatever the day it
    was for): the same slot asked for again and again (one page tapping on, or a script)
    is one."""
    seen = set()
    rows = []
    for request in requests:
        start = request["starts_at"].astimezone(zone)
        asked = request["asked_at"].astimezone(zone).date()
        slot = (request["room_id"], start.date(), start.hour)
        if slot in seen or not first <= asked <= last:
            continue
        seen.add(slot)
        rows.append({"public_space_id": request["public_space_id"],
                     "month": asked.strftime("%Y-%m"), "scenario": BOOKING, "kind": "unmet",
                     "hours": 0.0, "meetings": 0, "places": 0, "accepted": 0, "attended": 0,
                     "waiting": 0, "refused": 0, "unmet": 1})
    return rows


def open_hours(rooms: list[dict], first: date, last: date) -> dict[str, float]:
    """Hours the rooms of each space are open from ``first`` to ``last`` (every day)."""
    days = (last - first).days + 1
    hours: dict[str, float] = {}
    for room in rooms:
        opens, closes = clock(room["opens"]), clock(room["closes"])
        if opens is None or closes is None:
            continue
        daily = (closes.hour * 60 + closes.minute - opens.hour * 60 - opens.minute) / 60
        hours[room["public_space_id"]] = hours.get(room["public_space_id"], 0.0) + \
            max(0.0, daily) * days
    return hours


def level_of(hours_a_week: float) -> str:
    """The level of use (:data:`LEVELS`) of so many hours a week."""
    found = LEVELS[0][0]
    for name, least in LEVELS:
        if hours_a_week >= least:
            found = name
    return found


def space_use(events: pd.DataFrame, space_ids: list[str], first: date, last: date,
              hours_open: dict[str, float] | None = None) -> pd.DataFrame:
    """One row per space of ``space_ids`` (those without use too, at 0; see
    :data:`SPACE_COLUMNS`): hours booked, activity hours and meetings, places, sign-ups
    and attendance, ``fill`` (places taken of places offered), ``turnout`` (came of those
    with a place), people left waiting and bookings refused, hours open and the share of
    them used (NaN for a space without rooms), hours used a week and the level of use."""
    hours_open = hours_open or {}
    weeks = ((last - first).days + 1) / 7
    sums = ["hours", "meetings", "places", "accepted", "attended", "waiting", "refused"]
    booked = events[events["kind"] == "booking"].groupby("public_space_id")["hours"].sum()
    held = events[events["kind"] == "activity"].groupby("public_space_id")[sums].sum()
    rows = []
    for space in space_ids:
        row = {c: float(held.loc[space, c]) if space in held.index else 0.0 for c in sums}
        mine = events["public_space_id"] == space
        refused = int(events.loc[mine, "refused"].sum())
        unmet = int(events.loc[mine, "unmet"].sum())
        hours_booked = float(booked.get(space, 0.0))
        used = hours_booked + row["hours"]
        opened = float(hours_open.get(space, 0.0))
        rows.append({
            "public_space_id": space, "hours_booked": hours_booked,
            "activity_hours": row["hours"], "meetings": int(row["meetings"]),
            "places": int(row["places"]), "accepted": int(row["accepted"]),
            "attended": int(row["attended"]),
            "fill": row["accepted"] / row["places"] if row["places"] else float("nan"),
            "turnout": row["attended"] / row["accepted"] if row["accepted"] else float("nan"),
            "waiting": int(row["waiting"]), "refused": refused, "unmet": unmet,
            "open_hours": opened,
            "use_share": min(1.0, used / opened) if opened else float("nan"),
            "hours_a_week": used / weeks if weeks else 0.0,
            "level": level_of(used / weeks if weeks else 0.0)})
    return pd.DataFrame(rows, columns=SPACE_COLUMNS)


def use_by(events: pd.DataFrame, by: str) -> pd.DataFrame:
    """Hours booked, meetings held, activity hours and attendance of each space by ``by``
    ("scenario" or "month"), with each row's share of its space's hours used; months in
    order, none left out between the first and the last of a space."""
    if by not in ("scenario", "month"):
        raise ValueError(by)
    events = events[events["kind"] != "unmet"]  # asked for, not used: no hours to share
    columns = ["public_space_id", by, "hours_booked", "activity_hours", "meetings",
               "attended", "share"]
    if events.empty:
        return pd.DataFrame(columns=columns)
    frame = events.assign(
        hours_booked=events["hours"].where(events["kind"] == "booking", 0.0),
        activity_hours=events["hours"].where(events["kind"] == "activity", 0.0))
    table = frame.groupby(["public_space_id", by], as_index=False)[
        ["hours_booked", "activity_hours", "meetings", "attended"]].sum()
    if by == "month":
        filled = []
        for space, part in table.groupby("public_space_id"):
            span = pd.period_range(part["month"].min(), part["month"].max(), freq="M")
            months = pd.DataFrame({"public_space_id": space, "month": span.strftime("%Y-%m")})
            filled.append(months.merge(part, how="left", on=["public_space_id", "month"]))
        table = pd.concat(filled, ignore_index=True).fillna(
            {"hours_booked": 0.0, "activity_hours": 0.0, "meetings": 0, "attended": 0})
    used = table["hours_booked"] + table["activity_hours"]
    totals = used.groupby(table["public_space_id"]).transform("sum")
    table["share"] = (used / totals).where(totals > 0)
    table[["meetings", "attended"]] = table[["meetings", "attended"]].astype(int)
    return table.sort_values(["public_space_id", by], kind="stable")[columns].reset_index(
        drop=True)


def space_evidence(use: pd.DataFrame, statuses: dict[str, str] | None = None) -> list[dict]:
    """What the use of the spaces says to the agenda, one row per space that says anything:
    ``{"public_space_id", "kind": "need", "count": n}`` when people asked and got nothing
    (bookings refused, sign-ups left on a waiting list, requests for times the rooms were
    taken or closed: ``n`` of them), and
    ``{"public_space_id", "kind": "question", "count": hours}`` when it was used fewer than
    :data:`LITTLE_USE_HOURS_A_WEEK` hours a week (``count``: the hours used in the period,
    rounded). Only a space with rooms to book is asked about: the hours its rooms are open
    are what its use is measured against, where a pocket park or a square is used every day
    by people the calendar never sees (saying "little used" of it would mislead). A space
    whose status (``statuses``: id -> status) is not "existing" says nothing of little use
    either: it is not there to be used."""
    statuses = statuses or {}
    found = []
    for _, row in use.iterrows():
        asked = int(row["refused"]) + int(row["waiting"]) + int(row.get("unmet", 0) or 0)
        if asked:
            found.append({"public_space_id": row["public_space_id"], "kind": "need",
                          "count": asked})
        existing = statuses.get(row["public_space_id"]) in ("existing", None)
        bookable = row["open_hours"] > 0
        if existing and bookable and row["hours_a_week"] < LITTLE_USE_HOURS_A_WEEK:
            used = row["hours_booked"] + row["activity_hours"]
            found.append({"public_space_id": row["public_space_id"], "kind": "question",
                          "count": int(round(used))})
    return found


def period_ending(today: date, days: int) -> tuple[date, date]:
    """The ``days`` days up to and including ``today``."""
    return today - timedelta(days=days - 1), today
