"""A space's calendar as an iCalendar file (RFC 5545, .ics) a committee subscribes to from a
phone: one event per meeting of each activity (weekly ones expanded, so the skipped holidays
are simply absent), and the room's live bookings as "booked" without who or why (a
resident's booking is not published). Plain Python: written by hand, no library.

Times are written in UTC ("...Z"), which every calendar shows in the phone's own zone; the
text is escaped (backslash, semicolon, comma, newline) and lines folded at 75 octets."""

from __future__ import annotations

from datetime import date, datetime, timezone

from workbench.activities.rules import Activity, occurrences

PRODID = "-//Community Agenda Workbench//Activities//ZH"


def escape(text: str) -> str:
    """RFC 5545 TEXT: backslash, semicolon and comma escaped, newlines as \\n."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n"))


def fold(line: str) -> str:
    """One content line folded to at most 75 octets per physical line, never inside a
    UTF-8 character (RFC 5545 3.1)."""
    parts, current, size = [], "", 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > (75 if not parts else 74):  # a continuation starts with a space
            parts.append(current)
            current, size = "", 0
        current += ch
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def space_calendar(name: str, activities: list[tuple[int, Activity]], bookings: list[dict],
                   booked_label: str, host: str, first: date | None = None,
                   last: date | None = None, now: datetime | None = None) -> str:
    """The .ics text of the space called ``name``. ``activities``: (id, activity) of the
    space; ``bookings``: live room bookings (id, starts_at, ends_at, room name as ``room``);
    ``host``: the UID's domain part (the community's id does), so each event keeps its UID
    across exports."""
    stamp = _stamp(now or datetime.now(timezone.utc))
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{escape(name)}"]
    for activity_id, activity in activities:
        for meeting in occurrences(activity, first, last):
            lines += ["BEGIN:VEVENT",
                      f"UID:activity-{activity_id}-{meeting.on.isoformat()}@{host}",
                      f"DTSTAMP:{stamp}", f"DTSTART:{_stamp(meeting.starts_at)}",
                      f"DTEND:{_stamp(meeting.ends_at)}", f"SUMMARY:{escape(activity.title)}",
                      f"DESCRIPTION:{escape(activity.description)}",
                      f"CONTACT:{escape(activity.organiser)}", f"LOCATION:{escape(name)}",
                      f"CATEGORIES:{escape(activity.scenario)}", "END:VEVENT"]
    for booking in bookings:
        lines += ["BEGIN:VEVENT", f"UID:booking-{booking['id']}@{host}", f"DTSTAMP:{stamp}",
                  f"DTSTART:{_stamp(booking['starts_at'])}",
                  f"DTEND:{_stamp(booking['ends_at'])}",
                  f"SUMMARY:{escape(booked_label)}: {escape(booking['room'])}",
                  "TRANSP:OPAQUE", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
