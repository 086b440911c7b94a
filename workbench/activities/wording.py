"""How the resident page tells an activity's meeting or a room's slot: the day in the
resident's language (周二 12月8日 / Tue 8 Dec), the time in the community's time zone, the
place by the public space's name. Plain Python: no widgets, no SQL; the texts are escaped by
the page that shows them."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from workbench import i18n


def day_text(lang: str, day: date) -> str:
    """周二 12月8日 / Tue 8 Dec (the year when it is not this one's)."""
    weekday = i18n.t(lang, "activities.weekdays").split()[day.weekday()]
    month = i18n.t(lang, "activities.months").split()[day.month - 1]
    key = "activities.day" if day.year == date.today().year else "activities.day_year"
    return i18n.t(lang, key, weekday=weekday, day=day.day, month=month, year=day.year)


def clock_text(moment: datetime, zone: str) -> str:
    """A moment as HH:MM in the community's time zone."""
    return moment.astimezone(ZoneInfo(zone)).strftime("%H:%M")


def span_text(start: datetime, end: datetime, zone: str) -> str:
    """19:00–21:00 (local)."""
    return f"{clock_text(start, zone)}–{clock_text(end, zone)}"


def when_text(lang: str, start: datetime, end: datetime, zone: str) -> str:
    """周二 12月8日 19:00–21:00 / Tue 8 Dec 19:00–21:00 (local)."""
    day = start.astimezone(ZoneInfo(zone)).date()
    return f"{day_text(lang, day)} {span_text(start, end, zone)}"


def space_name(community, lang: str, space_id: str | None) -> str:
    """A public space's name in ``lang`` (its id when the community has no such space)."""
    space = community.public_spaces.get(space_id or "")
    if space is None:
        return space_id or ""
    props = space["properties"]
    return props.get(f"name_{lang}") or props.get("name_zh") or space_id


def place_text(community, lang: str, space_id: str | None, room: str | None = None) -> str:
    """The space's name, and the room's after it when there is one."""
    name = space_name(community, lang, space_id)
    return f"{name} · {room}" if room else name
