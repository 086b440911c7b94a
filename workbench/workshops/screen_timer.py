"""The workshop screen's big timer: how long is left and how it reads from the back of the
room (minutes:seconds on blue; "time's up" blinking on red once it has run out)."""

from __future__ import annotations

from datetime import datetime, timezone

from workbench import i18n
from workbench.escaping import esc

#: timer lengths offered to the facilitator, in minutes
TIMER_MINUTES = (1, 2, 3, 5, 8, 10, 15, 20, 30)


def as_utc(value: datetime | None) -> datetime | None:
    """A datetime from the store as UTC (SQLite gives them back without a zone)."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def seconds_left(ends_at: datetime | None) -> int | None:
    """Seconds left on a timer ending at ``ends_at`` (0 once it has run out), None when it is
    not running."""
    ends = as_utc(ends_at)
    if ends is None:
        return None
    return max(0, int((ends - datetime.now(timezone.utc)).total_seconds() + 0.999))


def timer_html(left: int | None, lang: str) -> str:
    """The timer as shown: nothing when it is not running."""
    if left is None:
        return ""
    if left == 0:
        return (f"<div class='wb-timer' role='timer'><span class='wb-timer-up'>"
                f"{esc(i18n.t(lang, 'workshop.timer_up'))}</span></div>")
    return (f"<div class='wb-timer wb-running' role='timer' data-seconds='{left}'>"
            f"{left // 60:02d}:{left % 60:02d}</div>")
