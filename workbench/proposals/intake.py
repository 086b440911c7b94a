"""Proposals gathered elsewhere: paper forms typed into a spreadsheet, another platform's
open-data export. A CSV, Excel or GeoJSON file and a column mapping become proposals, every
row checked by the same rules as the resident page (:func:`workbench.proposals.rules.validate_proposal`);
the rows that break a rule are listed with their line in the file and the reason, in plain words.

Plain Python, pandas and geopandas; no widgets, no SQL (the store writes).

- :func:`read_table`: a file as a DataFrame whose index is the line (row) number the user sees
  in their spreadsheet program: the header is line 1, the first data row line 2. For GeoJSON the
  index is the feature's position (1 for the first feature), and the point's coordinates are
  in the columns :data:`GEOMETRY_LON` and :data:`GEOMETRY_LAT`.
- :func:`parse_mapping`: ``"title=标题,latitude=纬度"`` to ``{"title": "标题", ...}``.
- ``coordinates="gcj02"``: the offset Chinese web maps (Gaode/AMap, Tencent) apply to
  coordinates is removed (:mod:`workbench.geo.gcj02`).
- :func:`import_proposals`: check every row and store the good ones in one transaction; returns
  an :class:`ImportReport`.

Choices a planner should know about:

- Excel cells are read as they are written: a formula is kept as its text (``=SUM(A1)``),
  never evaluated, and its cached result is ignored. Only the first sheet is read.
- The header is the first non-empty row. Blank rows at the end of a file are ignored; a blank
  row between data rows is refused as an "empty row", so the counts match the file.
- A date without a time zone is China Standard Time (UTC+8); a date without a time is taken
  at noon, so that it stays the same day in UTC. Dates in the future are refused.
- Importing the same file again does not duplicate proposals: a row identical (title,
  description, category, place) to one already imported from the same source is refused as
  "already imported", with that proposal's receipt code. Fix the refused rows in the file and
  import it again: only those are added.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd

from workbench import i18n, vocabulary
from workbench.geo.gcj02 import gcj02_to_wgs84
from workbench.proposals.rules import ProposalInvalid, check_text, validate_proposal

__all__ = ["IntakeError", "ImportReport", "Refusal", "FIELDS", "read_table", "parse_mapping",
           "category_code", "parse_date", "import_proposals"]

#: Fields a column can be mapped to; ``title`` is required.
FIELDS = ("title", "description", "category", "latitude", "longitude", "supports", "date",
          "public_space")
EXTENSIONS = (".csv", ".xlsx", ".geojson", ".json")
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 500
#: Most supports one row may bring (more is a typing mistake, or an attempt to flood).
MAX_SUPPORTS = 1_000_000
#: China Standard Time: dates written without a time zone (China has no daylight saving).
LOCAL_TZ = timezone(timedelta(hours=8), "CST")
#: Columns :func:`read_table` adds for a GeoJSON file: the point's coordinates, or what is
#: wrong with the feature's geometry.
GEOMETRY_LON, GEOMETRY_LAT, GEOMETRY_PROBLEM = "_lon", "_lat", "_geometry_problem"
_GEOMETRY_COLUMNS = (GEOMETRY_LON, GEOMETRY_LAT, GEOMETRY_PROBLEM)
_SHOWN_VALUE_CHARS = 40


class IntakeError(ValueError):
    """A file or mapping that cannot be imported at all (rows that break a rule are not
    errors: they are listed in the report)."""


# -- reading files --------------------------------------------------------------------------

@dataclass
class _Table:
    frame: pd.DataFrame
    kind: str                                   # csv, xlsx, geojson
    encoding: str | None = None
    #: header names that occur more than once, with how often (renamed "name (2)", ...)
    duplicated: dict[str, int] = field(default_factory=dict)


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _header_name(value: Any, position: int) -> str:
    if _blank(value):
        return f"column {position}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def _frame(rows: list[tuple[int, list]], kind: str, encoding: str | None = None) -> _Table:
    """(line, cells) rows, the first non-empty one the header, to a _Table."""
    rows = [(line, cells) for line, cells in rows]
    while rows and all(_blank(c) for c in rows[0][1]):
        rows.pop(0)
    if not rows:
        raise IntakeError("the file is empty: no header row")
    header_cells = list(rows[0][1])
    while header_cells and _blank(header_cells[-1]):
        header_cells.pop()
    if len(header_cells) > MAX_COLUMNS:
        raise IntakeError(f"the header has {len(header_cells)} columns; at most {MAX_COLUMNS} "
                          "are read")
    names = [_header_name(v, i + 1) for i, v in enumerate(header_cells)]
    data = rows[1:]
    while data and all(_blank(c) for c in data[-1][1]):  # trailing blank rows: not data
        data.pop()
    if len(data) > MAX_ROWS:
        raise IntakeError(f"the file has {len(data)} rows; at most {MAX_ROWS} are read at once. "
                          "Split it into several files.")
    seen: dict[str, int] = defaultdict(int)
    unique = []
    for name in names:
        seen[name] += 1
        unique.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    width = len(unique)
    values = [(list(cells) + [None] * width)[:width] for _, cells in data]
    frame = pd.DataFrame(values, columns=unique, dtype=object,
                         index=pd.Index([line for line, _ in data], name="line"))
    return _Table(frame, kind, encoding, {n: c for n, c in seen.items() if c > 1})


def _decode(raw: bytes) -> tuple[str, str]:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" is UTF-16
        try:
            return raw.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            pass
    for encoding, name in (("utf-8-sig", "UTF-8"), ("gb18030", "GB18030")):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8-sig" and raw.startswith(b"\xef\xbb\xbf"):
            name = "UTF-8 with BOM"
        return text, name
    raise IntakeError("the CSV file is neither UTF-8 nor GB18030/GBK text; save it as "
                      "\"CSV UTF-8\" from the spreadsheet program")


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    first = re.sub(r'"[^"]*"', "", first)  # commas inside quoted names do not count
    for candidate in (",", "\t", ";"):
        if candidate in first:
            return candidate
    return ","


def _read_csv(path: Path) -> _Table:
    text, encoding = _decode(path.read_bytes())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows = []
    old_limit = csv.field_size_limit()
    csv.field_size_limit(max(old_limit, MAX_BYTES))  # one long cell refuses its row, not the file
    try:
        line = 1
        for cells in reader:
            rows.append((line, cells))
            line = reader.line_num + 1   # a quoted cell may span several lines
            if len(rows) > MAX_ROWS + 1:
                break
    except csv.Error as exc:
        raise IntakeError(f"line {line}: the CSV cannot be read: {exc}") from None
    finally:
        csv.field_size_limit(old_limit)
    return _frame(rows, "csv", encoding)


def _excel_value(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool, datetime, date, time,
                                           timedelta)):
        return value
    # array and data-table formulas come as objects: keep their text, never evaluate
    return str(getattr(value, "text", None) or value)


def _read_xlsx(path: Path) -> _Table:
    import zipfile

    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it does not know
            # data_only=False: a formula is read as its text and never evaluated
            book = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise IntakeError(f"the file is not a readable Excel .xlsx workbook ({exc})") from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise IntakeError("the workbook has no worksheet")
        sheet.reset_dimensions()  # some programs write wrong sizes; read what is there
        rows = []
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            rows.append((number, [_excel_value(v) for v in cells[:MAX_COLUMNS + 1]]))
            if len(rows) > MAX_ROWS + 1:
                break
    finally:
        book.close()
    return _frame(rows, "xlsx")


def _read_geojson(path: Path) -> _Table:
    import geopandas as gpd

    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # pyogrio/GDAL raise their own types; the message is what matters
        raise IntakeError(f"the file is not readable GeoJSON (a FeatureCollection of points): "
                          f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
                          ) from None
    if len(frame) > MAX_ROWS:
        raise IntakeError(f"the file has {len(frame)} features; at most {MAX_ROWS} are read at "
                          "once. Split it into several files.")
    if (frame.crs is not None and not frame.empty
            and not frame.crs.equals("EPSG:4326", ignore_axis_order=True)):
        try:
            frame = frame.to_crs("EPSG:4326")
        except Exception as exc:
            raise IntakeError(f"the file's coordinate system {frame.crs} cannot be converted "
                              f"to WGS-84 longitude/latitude: {exc}") from None
    geometry = frame.geometry
    table = pd.DataFrame(frame.drop(columns=frame.geometry.name)).astype(object)
    table = table.where(table.notna(), None)
    lons, lats, problems = [], [], []
    for geom in geometry:
        lon = lat = None
        problem = ""
        if geom is None or geom.is_empty:
            problem = "none"
        elif geom.geom_type != "Point":
            problem = geom.geom_type
        else:
            lon, lat = float(geom.x), float(geom.y)
        lons.append(lon)
        lats.append(lat)
        problems.append(problem)
    for name, values in ((GEOMETRY_LON, lons), (GEOMETRY_LAT, lats),
                         (GEOMETRY_PROBLEM, problems)):
        table[name] = pd.Series(values, index=table.index, dtype=object)  # None stays None
    table.index = pd.Index(range(1, len(table) + 1), name="line")
    names = [_header_name(c, i + 1) for i, c in enumerate(table.columns)]
    table.columns = names
    return _Table(table, "geojson")


def _read(path: str | Path) -> _Table:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in EXTENSIONS:
        hint = " (save old .xls workbooks as .xlsx)" if suffix == ".xls" else ""
        raise IntakeError(f"cannot import a {suffix or 'file without extension'}{hint}: "
                          f"expected one of {', '.join(EXTENSIONS)}")
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise IntakeError(f"no such file: {path.name}") from None
    if not path.is_file():
        raise IntakeError(f"not a file: {path.name}")
    if size > MAX_BYTES:
        raise IntakeError(f"the file is {size / 1024 / 1024:.1f} MB; at most "
                          f"{MAX_BYTES // 1024 // 1024} MB are imported at once. Split it.")
    if suffix == ".csv":
        return _read_csv(path)
    if suffix == ".xlsx":
        return _read_xlsx(path)
    return _read_geojson(path)


def read_table(path: str | Path) -> pd.DataFrame:
    """A CSV (UTF-8, UTF-8 with BOM or GB18030/GBK), Excel .xlsx or GeoJSON file as a
    DataFrame of its cells as written (text for CSV; numbers, dates and formula text for
    Excel), indexed by the line number the user sees. Header names that occur twice get
    " (2)", " (3)" added. Raises :class:`IntakeError` for a file that cannot be read."""
    return _read(path).frame


# -- the mapping ----------------------------------------------------------------------------

def parse_mapping(text: str) -> dict[str, str]:
    """``"title=标题,latitude=纬度"`` to ``{"title": "标题", "latitude": "纬度"}``: which column
    holds each field. Pairs are separated by commas (also "，"); spaces around names are
    ignored. Raises :class:`IntakeError` for an unknown field, a field named twice, a pair
    without "=", or a mapping without ``title``."""
    pairs = []
    for pair in re.split(r"[,，]", text or ""):
        if not pair.strip():
            continue
        name, sep, column = pair.replace("＝", "=").partition("=")
        if not sep or not column.strip():
            raise IntakeError(f"'{pair.strip()}' is not FIELD=COLUMN (for example "
                              "title=标题)")
        pairs.append((name, column))
    return _check_mapping(pairs)


def _check_mapping(pairs) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for name, column in pairs:
        name = str(name).strip().lower()
        column = str(column).strip() if column is not None else ""
        if name not in FIELDS:
            raise IntakeError(f"unknown field '{name}': the fields are {', '.join(FIELDS)}")
        if name in mapping:
            raise IntakeError(f"the field '{name}' is mapped twice")
        if not column:
            raise IntakeError(f"no column given for the field '{name}'")
        mapping[name] = column
    if "title" not in mapping:
        raise IntakeError("the mapping must name the title column (title=COLUMN); fields: "
                          + ", ".join(FIELDS))
    return mapping


def _key(text: str) -> str:
    """Names compared without case, spaces, "_" or "-", and with full-width forms folded."""
    return re.sub(r"[\s_\-]+", "", unicodedata.normalize("NFKC", str(text)).casefold())


def _resolve_columns(table: _Table, mapping: dict[str, str]) -> dict[str, str]:
    """Each mapped field's column in the frame; IntakeError naming the columns that exist."""
    columns = [c for c in table.frame.columns if c not in _GEOMETRY_COLUMNS]
    by_key: dict[str, list[str]] = defaultdict(list)
    for c in columns:
        by_key[_key(c)].append(c)
    resolved = {}
    for name, wanted in mapping.items():
        wanted = " ".join(unicodedata.normalize("NFC", wanted).split())
        if wanted in table.duplicated or (wanted not in columns and len(by_key[_key(wanted)]) > 1):
            raise IntakeError(f"the column '{wanted}' ({name}) occurs "
                              f"{table.duplicated.get(wanted, 2)} times in the header: rename "
                              "the columns so that each name is used once")
        if wanted in columns:
            resolved[name] = wanted
        elif by_key[_key(wanted)]:
            resolved[name] = by_key[_key(wanted)][0]
        else:
            shown = ", ".join(f"'{c}'" for c in columns[:60]) or "(none)"
            raise IntakeError(f"the file has no column '{wanted}' (mapped to {name}); its "
                              f"columns are: {shown}")
    return resolved


# -- values ---------------------------------------------------------------------------------

def _shown(value: Any) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= _SHOWN_VALUE_CHARS else text[:_SHOWN_VALUE_CHARS - 1] + "…"


def _category_lookup() -> dict[str, str]:
    lookup = {}
    for s in vocabulary.scenarios():
        for name in (s["code"], s["zh"], s["en"]):
            lookup[_key(name)] = s["code"]
    return lookup


def category_code(value: Any) -> str | None:
    """The scenario code for a code (``health``) or a label in Chinese or English (``健康``,
    ``Health``), case and spaces ignored; None when it is none of them."""
    if _blank(value) or not isinstance(value, str):
        return None
    return _category_lookup().get(_key(value))


def _text(value: Any) -> Any:
    """A cell as text for the text checks: numbers typed into a title stay readable."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        return value  # refused by check_text as not text
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    return value


def _number(value: Any) -> float | None:
    """A cell as a finite number; None when blank; ValueError when not a number."""
    if _blank(value):
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


def _supports(value: Any) -> int:
    """A count of supports: blank is 0; ValueError unless a whole number ≥ 0."""
    if _blank(value):
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


def parse_date(value: Any) -> datetime | None:
    """When a proposal was made, as an aware UTC datetime; None when blank. Accepts Excel
    dates and serial numbers, ISO 8601 (``2026-11-03``, ``2026-11-03T14:05+08:00``),
    ``2026/11/3``, ``2026.11.3`` and ``2026年11月3日`` (optionally with a time such as
    ``14:05``). Without a time zone a time is China Standard Time; a day without a time is
    taken at noon. Raises ValueError for anything else (``3/11/2026`` is ambiguous: refused)."""
    if _blank(value):
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
    match = _DATE.fullmatch(text)
    if match:
        y, m, d, hh, mm, ss = match.groups()
        day = date(int(y), int(m), int(d))  # ValueError for 2026/2/30
        if hh is None:
            return _noon(day)
        return _local(datetime.combine(day, time(int(hh), int(mm), int(ss or 0))))
    moment = datetime.fromisoformat(text)  # ValueError when not ISO 8601 either
    return _noon(moment.date()) if len(text) <= 10 else _local(moment)


# -- the report -----------------------------------------------------------------------------

#: How validate_proposal's messages (worded for the resident page) read in an import report.
_REASONS = {
    "error.required": "import.reason.required",
    "error.text_type": "import.reason.text_type",
    "error.too_long": "import.reason.too_long",
    "error.control_chars": "import.reason.control_chars",
    "error.markup": "import.reason.markup",
    "error.scenario_required": "import.reason.category_required",
    "error.scenario_unknown": "import.reason.category_required",
    "error.location_required": "import.reason.location_required",
    "error.location_invalid": "import.reason.location_invalid",
    "error.location_outside": "import.reason.outside",
    "error.space_unknown": "import.reason.space_unknown",
}


class Refusal(NamedTuple):
    """One reason a row was refused: its line in the file, the field and column concerned
    (``row`` and None for the row as a whole), and the message key and params."""

    line: int
    field: str
    column: str | None
    key: str
    params: dict

    def reason(self, lang: str) -> str:
        return i18n.t(lang, self.key, **self.params)


_FIELD_ORDER = {name: i for i, name in enumerate(("row", "title", "description", "category",
                                                  "location", "latitude", "longitude",
                                                  "public_space", "supports", "date"))}


def _refusal_order(r: Refusal) -> tuple:
    return r.line, _FIELD_ORDER.get(r.field, len(_FIELD_ORDER))


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _plain_table(frame: pd.DataFrame) -> str:
    """Left-aligned columns that line up with Chinese text too; the last column runs on."""
    cells = [list(map(str, frame.columns))] + [[str(v) for v in row]
                                               for row in frame.itertuples(index=False)]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(cells[0]) - 1)]
    lines = []
    for row in cells:
        lines.append("  ".join(cell + " " * (widths[i] - _width(cell))
                               for i, cell in enumerate(row[:-1])) + "  " + row[-1])
    return "\n".join(line.rstrip() for line in lines)


@dataclass
class ImportReport:
    """What an import did. ``receipts`` maps each stored row's line to its receipt code (to
    write back on a paper form); ``refused`` lists every reason a row was refused (a row may
    have several); ``defaulted`` lists the lines that got the default category."""

    file: str
    kind: str
    source: str
    coordinates: str
    dry_run: bool
    read: int = 0
    accepted: int = 0
    imported: int = 0
    receipts: dict[int, str] = field(default_factory=dict)
    refused: list[Refusal] = field(default_factory=list)
    defaulted: list[int] = field(default_factory=list)
    encoding: str | None = None

    @property
    def refused_lines(self) -> list[int]:
        return sorted({r.line for r in self.refused})

    @property
    def counts(self) -> dict[str, int]:
        """read, accepted (passed every check), imported (stored), refused (rows)."""
        return {"read": self.read, "accepted": self.accepted, "imported": self.imported,
                "refused": len(self.refused_lines)}

    def table(self, lang: str = "en") -> pd.DataFrame:
        """The refused rows, one line per reason: line, field, column, reason in ``lang``."""
        names = {k: i18n.t(lang, f"import.col.{k}") for k in ("line", "field", "column",
                                                               "reason")}
        rows = [{names["line"]: r.line, names["field"]: i18n.t(lang, f"import.field.{r.field}"),
                 names["column"]: r.column or "", names["reason"]: r.reason(lang)}
                for r in sorted(self.refused, key=_refusal_order)]
        return pd.DataFrame(rows, columns=list(names.values()))

    def text(self, lang: str = "en") -> str:
        """The summary, the refused rows as a plain-text table and the receipt codes by line,
        for a terminal or ``print`` in a notebook."""
        parts = [self.summary(lang)]
        table = self.table(lang)
        if table.empty:
            parts.append(i18n.t(lang, "import.no_refusals"))
        else:
            parts.append(_plain_table(table))
        if self.receipts:
            parts.append(i18n.t(lang, "import.receipts") + "\n" + "\n".join(
                f"{line:>6}  {code}" for line, code in self.receipts.items()))
        return "\n\n".join(parts)

    def summary(self, lang: str = "en") -> str:
        c = self.counts
        key = "import.summary_dry_run" if self.dry_run else "import.summary"
        text = i18n.t(lang, key, file=self.file, read=c["read"], accepted=c["accepted"],
                      imported=c["imported"], refused=c["refused"], source=self.source)
        if self.defaulted:
            text += "\n" + i18n.t(lang, "import.defaulted", count=len(self.defaulted))
        if self.coordinates == "gcj02":
            text += "\n" + i18n.t(lang, "import.converted")
        return text


# -- importing ------------------------------------------------------------------------------

def _check_source(source: str) -> str:
    text, problem = check_text(source, required=True, max_chars=32)
    if problem:
        raise IntakeError("the source must be a short plain name (at most 32 characters), "
                          "such as paper_forms")
    return text


def _space_lookup(community) -> dict[str, str]:
    lookup = {}
    for space_id, feature in community.public_spaces.items():
        props = feature["properties"]
        for name in (props.get("name_zh"), props.get("name_en")):
            if name:
                lookup.setdefault(_key(name), space_id)
    for space_id in community.public_spaces:
        lookup[_key(space_id)] = space_id
    return lookup


def _identity(title, description, scenario, lon, lat, space_id) -> tuple:
    return (title, description or "", scenario, round(float(lon), 7), round(float(lat), 7),
            space_id or None)


def import_proposals(store, community, path: str | Path, mapping: dict[str, str] | str, *,
                     coordinates: str = "wgs84", source: str = "import",
                     default_category: str | None = None, dry_run: bool = False
                     ) -> ImportReport:
    """Read ``path``, check every row, and store the rows that pass in one transaction (all of
    them or, if the store fails, none). ``mapping`` says which column holds each field (see
    :func:`parse_mapping`; a string is parsed). ``coordinates="gcj02"`` declares latitude and
    longitude (or GeoJSON points) to be GCJ-02, converted to WGS-84 first. A category that is
    blank or unknown refuses its row, or gets ``default_category`` when one is given.
    ``dry_run`` checks and reports without storing. Raises :class:`IntakeError` when the file
    or the mapping cannot be used at all."""
    mapping = (parse_mapping(mapping) if isinstance(mapping, str)
               else _check_mapping(mapping.items()))
    if coordinates not in ("wgs84", "gcj02"):
        raise IntakeError(f"coordinates must be wgs84 or gcj02, not {coordinates!r}")
    source = _check_source(source)
    default_code = None
    if default_category is not None:
        default_code = category_code(default_category)
        if default_code is None:
            raise IntakeError(f"the default category '{_shown(default_category)}' is not a "
                              "scenario; use one of " + ", ".join(vocabulary.scenario_codes()))

    table = _read(path)
    columns = _resolve_columns(table, mapping)
    geojson = table.kind == "geojson"
    if "category" not in mapping and default_code is None:
        raise IntakeError("map the category column (category=COLUMN), or give a default "
                          "category")
    if ("latitude" in mapping) != ("longitude" in mapping):
        raise IntakeError("map both latitude and longitude, or neither")
    if not ({"latitude", "public_space"} & set(columns)) and not geojson:
        raise IntakeError("map the place: latitude and longitude columns, or a public_space "
                          "column")
    frame = table.frame
    report = ImportReport(file=Path(path).name, kind=table.kind, source=source,
                          coordinates=coordinates, dry_run=dry_run, read=len(frame),
                          encoding=table.encoding)
    spaces = _space_lookup(community)
    existing: dict[tuple, list[str]] = defaultdict(list)
    for p in reversed(store.list_proposals(community.id)):   # oldest first
        if p["source"] == source:
            existing[_identity(p["title"], p["description"], p["scenario"], p["lon"], p["lat"],
                               p["public_space_id"])].append(p["receipt_code"])
    good: list[dict] = []
    lines: list[int] = []
    data_columns = [c for c in frame.columns if c not in _GEOMETRY_COLUMNS]

    for line, row in zip(frame.index, frame.to_dict("records")):
        problems: list[Refusal] = []

        def refuse(name: str, key: str, **params) -> None:
            column = columns.get(name)
            if name == "location" and "latitude" in columns:
                column = f"{columns['latitude']}, {columns['longitude']}"
            problems.append(Refusal(int(line), name, column, key, params))

        def cell(name: str) -> Any:
            return row[columns[name]] if name in columns else None

        if all(_blank(row[c]) for c in data_columns) and not (
                geojson and row.get(GEOMETRY_PROBLEM) == ""):
            report.refused.append(Refusal(int(line), "row", None, "import.reason.empty_row", {}))
            continue

        # category
        scenario = None
        raw_category = cell("category")
        if not _blank(raw_category):
            scenario = category_code(_text(raw_category))
        if scenario is None:
            if default_code is not None:
                scenario = default_code
                report.defaulted.append(int(line))
            elif _blank(raw_category):
                refuse("category", "import.reason.category_required")
            else:
                refuse("category", "import.reason.category_unknown", value=_shown(raw_category))

        # place
        lon = lat = None
        place_reported = False
        if "latitude" in columns:
            parsed = {}
            for name in ("longitude", "latitude"):
                try:
                    parsed[name] = _number(cell(name))
                except ValueError:
                    refuse(name, "import.reason.not_a_number", value=_shown(cell(name)))
                    place_reported = True
            lon, lat = parsed.get("longitude"), parsed.get("latitude")
        elif geojson:
            lon, lat = row[GEOMETRY_LON], row[GEOMETRY_LAT]
            if row[GEOMETRY_PROBLEM] not in ("", "none"):
                refuse("location", "import.reason.not_point", kind=row[GEOMETRY_PROBLEM])
                place_reported = True
        if not place_reported and (lon is None) != (lat is None):
            refuse("latitude" if lat is None else "longitude", "import.reason.required")
            place_reported = True
        if not place_reported and lon is not None:
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                swapped = -90 <= lon <= 90 and -180 <= lat <= 180
                refuse("location", "import.reason.swapped" if swapped
                       else "import.reason.location_invalid")
                place_reported = True
            elif coordinates == "gcj02":
                lon, lat = gcj02_to_wgs84(lon, lat)
        space_id = None
        raw_space = cell("public_space")
        if not _blank(raw_space):
            space_id = spaces.get(_key(_text(raw_space)))
            if space_id is None:
                refuse("public_space", "import.reason.space_unknown", value=_shown(raw_space))
                place_reported = True
        if lon is None and space_id is None and not place_reported:
            refuse("location", "import.reason.location_required")
            place_reported = True

        # supports and date
        try:
            supports = _supports(cell("supports"))
            if supports > MAX_SUPPORTS:
                refuse("supports", "import.reason.supports_too_large", max=MAX_SUPPORTS)
        except ValueError:
            supports = 0
            refuse("supports", "import.reason.supports_invalid", value=_shown(cell("supports")))
        created_at = None
        try:
            created_at = parse_date(cell("date"))
            if created_at and created_at > datetime.now(timezone.utc) + timedelta(days=1):
                refuse("date", "import.reason.date_future", value=_shown(cell("date")))
        except (ValueError, OverflowError):
            refuse("date", "import.reason.date_invalid", value=_shown(cell("date")))

        # the resident page's rules: text, markup, lengths, inside the community
        raw = {"title": _text(cell("title")), "description": _text(cell("description")),
               "scenario": scenario or vocabulary.scenario_codes()[0],
               "lon": lon, "lat": lat, "public_space_id": space_id}
        proposal = None
        try:
            proposal = validate_proposal(raw, community)
        except ProposalInvalid as exc:
            for name, (key, params) in exc.errors.items():
                if name == "location":
                    if place_reported:
                        continue
                    name = "location"
                elif name == "scenario":
                    continue  # reported above as the category
                refuse(name, _REASONS.get(key, key), **params)

        if not problems and proposal is not None:
            ident = _identity(proposal.title, proposal.description, proposal.scenario,
                              proposal.lon, proposal.lat, proposal.public_space_id)
            if existing.get(ident):
                refuse("row", "import.reason.already_imported", receipt=existing[ident].pop(0))
        if problems:
            report.refused.extend(problems)
            continue
        good.append({"proposal": proposal, "created_at": created_at,
                     "external_supports": supports})
        lines.append(int(line))

    report.accepted = len(good)
    if good and not dry_run:
        codes = store.import_proposals(community.id, good, source)
        report.receipts = dict(zip(lines, codes))
        report.imported = len(codes)
    return report
