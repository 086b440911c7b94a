"""Numbers, dates and tables as people read them in the planners' tools: shares as
percentages, times in the community's time zone to the minute, labels rather than codes,
tables that scroll instead of being cut at the edge. Plain functions: no widgets."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Callable, Iterable
from zoneinfo import ZoneInfo

from workbench.escaping import esc

NO_VALUE = "–"


def missing(value) -> bool:
    try:
        return value is None or (isinstance(value, float) and math.isnan(value)) \
            or bool(value != value)
    except (TypeError, ValueError):
        return False


def percent(share, digits: int = 0) -> str:
    """0.456 → "46%" (``digits`` after the point); nothing → "–"."""
    if missing(share):
        return NO_VALUE
    return f"{100 * float(share):.{digits}f}%"


def number(value, digits: int = 1) -> str:
    """A count as a whole number, anything else to ``digits`` places; nothing → "–"."""
    if missing(value):
        return NO_VALUE
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return f"{int(value):,}"
    try:
        return f"{float(value):,.{digits}f}"
    except (TypeError, ValueError):
        return str(value)


def local_time(value, zone: str, with_time: bool = True) -> str:
    """A timestamp (aware, or naive meaning UTC) as "2026-03-01 14:05" in ``zone``."""
    if missing(value) or value == "":
        return NO_VALUE
    if not isinstance(value, datetime):
        import pandas as pd

        value = pd.Timestamp(value).to_pydatetime()
    if value.tzinfo is None:
        from datetime import timezone

        value = value.replace(tzinfo=timezone.utc)
    local = value.astimezone(ZoneInfo(zone))
    return local.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def counts_text(counts: dict, limit: int = 5) -> str:
    """{label: times} as "label 12 · label 8", the most first, at most ``limit``."""
    if not isinstance(counts, dict) or not counts:
        return NO_VALUE
    shown = list(counts.items())[:limit]
    return " · ".join(f"{label} {number(n)}" for label, n in shown)


def frame_html(frame, heading: Callable[[str], str], *, percent_columns: Iterable[str] = (),
               show: Callable[[str, object], str] | None = None, columns=None) -> str:
    """A DataFrame as an escaped HTML table inside a box that scrolls sideways when it is
    wider than the page. ``heading(column)`` names a column in the reader's language;
    ``percent_columns`` are shares; ``show(column, value)`` formats any other cell (default:
    :func:`number` for numbers, the text as is). ``columns`` picks and orders columns."""
    percents = set(percent_columns)
    columns = [c for c in (columns or frame.columns) if c in frame.columns]

    def cell(column, value) -> str:
        if column in percents:
            return percent(value)
        if show is not None:
            return show(column, value)
        if isinstance(value, dict):
            return counts_text(value)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return number(value)
        return NO_VALUE if missing(value) else str(value)

    head = "".join(f"<th scope='col'>{esc(heading(c))}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td class='{'wb-num' if c in percents else ''}'>"
                         f"{esc(cell(c, row[c]))}</td>" for c in columns) + "</tr>"
        for _, row in frame.iterrows())
    return (f"<div class='wb-table-wrap'><table class='wb-table'><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table></div>")
