"""Cell values of an imported file read as a proposal's parts: text, numbers, supports,
dates, categories, and names compared loosely (public spaces, columns, categories).

Each reader takes a cell as the file gave it (text from a CSV; numbers, dates or formula text
from Excel) and returns the value, None for a blank cell, or raises ValueError.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import pandas as pd

from workbench import vocabulary

#: China Standard Time: dates written without a time zone (China has no daylight saving).
LOCAL_TZ = timezone(timedelta(hours=8), "CST")
#: a value quoted in a refusal is cut to this many characters
SHOWN_VALUE_CHARS = 40


def blank(value: Any) -> bool:
    """An empty cell: None, NaN/NaT or text of spaces only."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def name_key(text: str) -> str:
    """Names compared without case, spaces, "_" or "-", and with full-width forms folded."""
    return re.sub(r"[\s_\-]+", "", unicodedata.normalize("NFKC", str(text)).casefold())


def name_value_pairs(text: str, *, at_last: bool = False) -> list[tuple[str, str, str | None]]:
    """``"a=b,c=d"`` (commas and equals signs also full-width, as typed in Chinese) as
    (the pair as typed, name, value) triples; value None for a pair without "=". ``at_last``
    splits at the last "=" (a category name may hold one)."""
    triples = []
    for pair in re.split(r"[,，]", text or ""):
        if not pair.strip():
            continue
        plain = pair.replace("＝", "=")
        name, sep, value = plain.rpartition("=") if at_last else plain.partition("=")
        triples.append((pair.strip(), name, value if sep else None))
    return triples


def shown(value: Any) -> str:
    """A cell's value as quoted in a refusal: on one line, cut short."""
    text = " ".join(str(value).split())
    return text if len(text) <= SHOWN_VALUE_CHARS else text[:SHOWN_VALUE_CHARS - 1] + "…"


def _category_lookup() -> dict[str, str]:
    lookup = {}
    for s in vocabulary.scenarios():
        for name in (s["code"], s["zh"], s["en"]):
            lookup[name_key(name)] = s["code"]
    return lookup


def category_code(value: Any) -> str | None:
    """The scenario code for a code (``health``) or a label in Chinese or English (``健康``,
    ``Health``), case and spaces ignored; None when it is none of them."""
    if blank(value) or not isinstance(value, str):
        return None
    return _category_lookup().get(name_key(value))


def cell_text(value: Any) -> Any:
    """A cell as text for the text checks: numbers typed into a title stay readable."""
    if blank(value):
        return None
    if isinstance(value, bool):
        return value  # refused by check_text as not text
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    return value


# Characters nobody sees that word processors and web forms leave in text: zero-width space,
# non-joiner, joiner and word joiner, a byte-order mark inside the text, the soft hyphen, and
# private-use code points (Word's bullet U+F0B7 pasted from a list). They carry no meaning in
# a proposal, so they are removed (and counted) rather than refusing the row. Bidi overrides
# and real control characters are not here: they stay refused, as on the resident page.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad"
                        "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd]")


def without_invisible(value: Any) -> tuple[Any, int]:
    """Text without invisible and private-use characters, and how many were removed; any
    other value is returned as it is, with 0."""
    if not isinstance(value, str):
        return value, 0
    text, count = _INVISIBLE.subn("", value)
    return text, count


def shorten_title(title: str, max_chars: int) -> str:
    """A title cut to ``max_chars`` with "…", at the last space when there is one in its
    second half (Chinese has none: cut at the character)."""
    title = " ".join(title.split())
    if len(title) <= max_chars:
        return title
    cut = title[:max_chars - 1]
    space = cut.rfind(" ")
    if space >= max_chars // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + "…"


def cell_number(value: Any) -> float | None:
    """A cell as a finite number; None when blank; ValueError when not a number."""
    if blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        number = float(unicodedata.normalize("NFKC", value).strip())
    else:
        raise ValueError
    if not math.isfinite(number):
        raise ValueError
    return number


def cell_supports(value: Any) -> int:
    """A count of supports: blank is 0; ValueError unless a whole number ≥ 0."""
    if blank(value):
        return 0
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip().replace(",", "")
        if not re.fullmatch(r"\+?\d+(\.0*)?", text):
            raise ValueError
        value = float(text) if "." in text else int(text)
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError
        value = int(value)
    if not isinstance(value, int) or value < 0:
        raise ValueError
    return value


def space_lookup(community) -> dict[str, str]:
    """Each public space's id by its Chinese or English name or its id, compared as
    :func:`name_key` does (a cell names a place by any of them)."""
    lookup = {}
    for space_id, feature in community.public_spaces.items():
        props = feature["properties"]
        for name in (props.get("name_zh"), props.get("name_en")):
            if name:
                lookup.setdefault(name_key(name), space_id)
    for space_id in community.public_spaces:
        lookup[name_key(space_id)] = space_id
    return lookup


_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                   r"(?:(?:\s+|T|\s*日?\s*)(\d{1,2})\s*[:时点]\s*(\d{1,2})\s*分?"
                   r"(?:\s*[:]\s*(\d{1,2})(?:\.\d+)?)?\s*秒?)?")
_EXCEL_EPOCH = datetime(1899, 12, 30)
_EXCEL_MIN, _EXCEL_MAX = 25569, 2958465   # 1970-01-01 and 9999-12-31 as Excel serials


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_TZ)
    return moment.astimezone(timezone.utc)


def _noon(day: date) -> datetime:
    return _local(datetime(day.year, day.month, day.day, 12))


def _day_and_time(day: date, hh, mm, ss) -> datetime:
    if hh is None:
        return _noon(day)
    return _local(datetime.combine(day, time(int(hh), int(mm), int(ss or 0))))


# A date with the year last: 30/12/2025 (day first, as in Spain and most forms) or 12/30/2025
# (month first, as in the United States); optionally with a time.
_YEAR_LAST = re.compile(r"(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4})"
                        r"(?:(?:\s+|T)(\d{1,2})\s*:\s*(\d{1,2})"
                        r"(?:\s*:\s*(\d{1,2})(?:\.\d+)?)?)?")
#: How the day, month and year of dates written with the year last are ordered: ``auto``
#: decides from the whole column (see :func:`date_order`).
DATE_ORDERS = ("auto", "dmy", "mdy", "ymd")


def year_last(value: Any) -> tuple[int, int] | None:
    """The first two numbers of a date written with the year last (30/12/2025: 30, 12);
    None for any other value."""
    if not isinstance(value, str):
        return None
    match = _YEAR_LAST.fullmatch(unicodedata.normalize("NFKC", value).strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def date_order(values) -> str:
    """The order of a column's dates written with the year last, told by the dates whose first
    or second number is over 12 (it can only be the day): ``dmy`` or ``mdy``; ``ymd`` when
    no date is written with the year last; ``ambiguous`` when none tells (every one could be
    either, such as 3/11/2026); ``mixed`` when some say day first and others month first."""
    pairs = [p for p in map(year_last, values) if p]
    if not pairs:
        return "ymd"
    day_first = any(a > 12 for a, _ in pairs)
    month_first = any(b > 12 for _, b in pairs)
    if day_first and month_first:
        return "mixed"
    return "dmy" if day_first else "mdy" if month_first else "ambiguous"


def parse_date(value: Any, order: str | None = None) -> datetime | None:
    """When a proposal was made, as an aware UTC datetime; None when blank. Accepts Excel
    dates and serial numbers, ISO 8601 (``2026-11-03``, ``2026-11-03T14:05+08:00``),
    ``2026/11/3``, ``2026.11.3`` and ``2026年11月3日`` (optionally with a time such as
    ``14:05``); with ``order`` ``dmy`` or ``mdy`` also dates with the year last
    (``30/12/2025``, ``12/30/2025 14:05``). Without a time zone a time is China Standard
    Time; a day without a time is taken at noon. Raises ValueError for anything else
    (without an order, ``3/11/2026`` is ambiguous: refused)."""
    if blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError("not a date")
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        if value.tzinfo is None and value.time() == time(0, 0):
            return _noon(value.date())  # a spreadsheet date without a time
        return _local(value)
    if isinstance(value, date):
        return _noon(value)
    if isinstance(value, str) and re.fullmatch(r"\s*\d{5}(\.\d+)?\s*", value):
        value = float(value)  # an Excel serial number exported as text
    if isinstance(value, (int, float)):
        if not _EXCEL_MIN <= value <= _EXCEL_MAX:
            raise ValueError("not a date")
        moment = _EXCEL_EPOCH + timedelta(days=float(value))
        return _noon(moment.date()) if float(value).is_integer() else _local(moment)
    if not isinstance(value, str):
        raise ValueError("not a date")
    text = unicodedata.normalize("NFKC", value).strip()
    match = _YEAR_LAST.fullmatch(text) if order in ("dmy", "mdy") else None
    if match:
        first, second, y, hh, mm, ss = match.groups()
        d, m = (first, second) if order == "dmy" else (second, first)
        return _day_and_time(date(int(y), int(m), int(d)), hh, mm, ss)
    match = _DATE.fullmatch(text)
    if match:
        y, m, d, hh, mm, ss = match.groups()   # date() raises ValueError for 2026/2/30
        return _day_and_time(date(int(y), int(m), int(d)), hh, mm, ss)
    moment = datetime.fromisoformat(text)  # ValueError when not ISO 8601 either
    return _noon(moment.date()) if len(text) <= 10 else _local(moment)
