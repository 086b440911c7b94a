"""Reading an imported file: a CSV (UTF-8, UTF-8 with BOM, UTF-16, GB18030/GBK or
Windows-1252, detected by charset-normalizer; comma, tab or semicolon), an Excel .xlsx workbook or a GeoJSON file becomes a DataFrame of its cells as
written, indexed by the row number the user sees in their spreadsheet program (the header is
row 1, the first data row row 2, however many text lines a quoted cell spans; for GeoJSON the
feature's position, 1 for the first).

Excel cells are read as they are written: a formula is kept as its text, never evaluated.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.proposals.intake.values import blank

EXTENSIONS = (".csv", ".xlsx", ".geojson", ".json")
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 500
#: Columns :func:`read_table` adds for a GeoJSON file: the point's coordinates, or what is
#: wrong with the feature's geometry.
GEOMETRY_LON, GEOMETRY_LAT, GEOMETRY_PROBLEM = "_lon", "_lat", "_geometry_problem"
GEOMETRY_COLUMNS = (GEOMETRY_LON, GEOMETRY_LAT, GEOMETRY_PROBLEM)


class IntakeError(ValueError):
    """A file or mapping that cannot be imported at all (rows that break a rule are not
    errors: they are listed in the report)."""


@dataclass
class Table:
    """A file as read: its cells, its kind (csv, xlsx, geojson) and what the report says
    about how it was read."""

    frame: pd.DataFrame
    kind: str                                   # csv, xlsx, geojson
    encoding: str | None = None
    #: header names that occur more than once, with how often (renamed "name (2)", ...)
    duplicated: dict[str, int] = field(default_factory=dict)
    #: the row where a quote opens that is never closed (the rest of the file is its cell),
    #: and how many more text lines that cell swallowed
    unclosed_quote: int | None = None
    swallowed_lines: int = 0


def _header_name(value: Any, position: int) -> str:
    if blank(value):
        return f"column {position}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def _frame(rows: list[tuple[int, list]], kind: str, encoding: str | None = None) -> Table:
    """(line, cells) rows, the first non-empty one the header, to a Table."""
    rows = [(line, cells) for line, cells in rows]
    while rows and all(blank(c) for c in rows[0][1]):
        rows.pop(0)
    if not rows:
        raise IntakeError("the file is empty: no header row")
    header_cells = list(rows[0][1])
    while header_cells and blank(header_cells[-1]):
        header_cells.pop()
    if len(header_cells) > MAX_COLUMNS:
        raise IntakeError(f"the header has {len(header_cells)} columns; at most {MAX_COLUMNS} "
                          "are read")
    names = [_header_name(v, i + 1) for i, v in enumerate(header_cells)]
    data = rows[1:]
    while data and all(blank(c) for c in data[-1][1]):  # trailing blank rows: not data
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
    return Table(frame, kind, encoding, {n: c for n, c in seen.items() if c > 1})


#: The encodings spreadsheet programs save CSV in, as charset-normalizer names them, and as
#: the report names them. Detection is limited to these: left to choose among every code
#: page, it takes short Spanish text for Central European (cp1250) or Urdu (cp1006).
CSV_ENCODINGS = {"utf_8": "UTF-8", "ascii": "UTF-8", "gb18030": "GB18030",
                 "cp1252": "Windows-1252"}


def _decode(raw: bytes) -> tuple[str, str]:
    """The file's text and the name of its encoding, detected by charset-normalizer."""
    from charset_normalizer import from_bytes

    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" is UTF-16
        try:
            return raw.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            pass
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw.decode("utf-8-sig"), "UTF-8 with BOM"
        except UnicodeDecodeError:
            pass
    best = from_bytes(raw, cp_isolation=list(CSV_ENCODINGS)).best()
    if best is None or best.encoding not in CSV_ENCODINGS:
        raise IntakeError("the CSV file is not text in UTF-8, GB18030/GBK or Windows-1252; "
                          "save it as \"CSV UTF-8\" from the spreadsheet program")
    return str(best), CSV_ENCODINGS[best.encoding]


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    first = re.sub(r'"[^"]*"', "", first)  # commas inside quoted names do not count
    for candidate in (",", "\t", ";"):
        if candidate in first:
            return candidate
    return ","


def _unclosed_quote(text: str, first_line: int) -> bool:
    """Whether the text from ``first_line`` (1-based, as the csv module counts lines) to the
    end holds an odd number of quotes: a quote opened there and never closed."""
    lines = io.StringIO(text, newline="").readlines()
    return sum(line.count('"') for line in lines[first_line - 1:]) % 2 == 1


def _read_csv(path: Path) -> Table:
    text, encoding = _decode(path.read_bytes())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows = []
    old_limit = csv.field_size_limit()
    csv.field_size_limit(max(old_limit, MAX_BYTES))  # one long cell refuses its row, not the file
    # Rows are counted as a spreadsheet program shows them: one per record, however many
    # text lines a quoted cell spans, and one per blank line.
    first_line = 1          # the text line the current record starts on
    try:
        for number, cells in enumerate(reader, start=1):
            rows.append((number, cells, first_line))
            first_line = reader.line_num + 1
            if len(rows) > MAX_ROWS + 1:
                break
    except csv.Error as exc:
        raise IntakeError(f"row {len(rows) + 1}: the CSV cannot be read: {exc}") from None
    finally:
        csv.field_size_limit(old_limit)
    unclosed = None
    if rows and rows[-1][2] < reader.line_num and _unclosed_quote(text, rows[-1][2]):
        unclosed = rows[-1][0]
    table = _frame([(number, cells) for number, cells, _ in rows], "csv", encoding)
    table.unclosed_quote = unclosed
    table.swallowed_lines = reader.line_num - rows[-1][2] if unclosed else 0
    return table


def _excel_value(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool, datetime, date, time,
                                           timedelta)):
        return value
    # array and data-table formulas come as objects: keep their text, never evaluate
    return str(getattr(value, "text", None) or value)


def _read_xlsx(path: Path) -> Table:
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


def _read_geojson(path: Path) -> Table:
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
    return Table(table, "geojson")


def read_file(path: str | Path) -> Table:
    """The file as a :class:`Table`, after checking its kind and size (see :func:`read_table`)."""
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
    """A CSV (UTF-8, UTF-8 with BOM, GB18030/GBK or Windows-1252), Excel .xlsx or GeoJSON file as a
    DataFrame of its cells as written (text for CSV; numbers, dates and formula text for
    Excel), indexed by the line number the user sees. Header names that occur twice get
    " (2)", " (3)" added. Raises :class:`IntakeError` for a file that cannot be read."""
    return read_file(path).frame
