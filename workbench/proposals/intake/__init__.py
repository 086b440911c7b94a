"""Proposals gathered elsewhere: paper forms typed into a spreadsheet, another platform's
open-data export. A CSV, Excel or GeoJSON file and a column mapping become proposals, every
row checked by the same rules as the resident page
(:func:`workbench.proposals.rules.validate_proposal`); the rows that break a rule are listed
with their row in the file (as a spreadsheet program shows it) and the reason, in plain words.

Plain Python, pandas and geopandas; no widgets, no SQL (the store writes).

- :mod:`.reading`: :func:`read_table`, a file as a DataFrame whose index is the row number
  the user sees in their spreadsheet program: the header is row 1, the first data row row 2,
  however many text lines a quoted cell spans; a quote never closed is reported on its row.
  For GeoJSON the index is the feature's position (1 for the first feature), and the point's
  coordinates are in the columns ``GEOMETRY_LON`` and ``GEOMETRY_LAT``.
- :mod:`.values`: a cell as text, a number, a count of supports, a date (:func:`parse_date`),
  a category (:func:`category_code`) or a public space.
- :mod:`.categories`: the planner's mapping of the file's own categories to scenarios
  (:func:`parse_categories`, :func:`read_categories`) and cells naming several categories.
- :mod:`.report`: :class:`Refusal` and :class:`ImportReport`, as a table or plain text.
- :mod:`.importing`: :func:`parse_mapping` (``"title=标题,latitude=纬度"`` to
  ``{"title": "标题", ...}``) and :func:`import_proposals`, which checks every row and stores
  the good ones in one transaction. ``coordinates="gcj02"``: the offset Chinese web maps
  (Gaode/AMap, Tencent) apply to coordinates is removed (:mod:`workbench.geo.gcj02`).

Choices a planner should know about:

- Excel cells are read as they are written: a formula is kept as its text (``=SUM(A1)``),
  never evaluated, and its cached result is ignored. Only the first sheet is read.
- The header is the first non-empty row. Blank rows at the end of a file are ignored; a blank
  row between data rows is refused as an "empty row", so the counts match the file.
- A date without a time zone is China Standard Time (UTC+8); a date without a time is taken
  at noon, so that it stays the same day in UTC. Dates in the future are refused.
- A CSV's encoding is detected (charset-normalizer) among UTF-8, GB18030/GBK and
  Windows-1252, as spreadsheet programs save them, and named in the report.
- Dates written with the year last are read in the order the planner gives (``dates="dmy"``,
  ``"mdy"``), or by default in the order the whole column shows (a day over 12); a column
  that cannot tell has those rows refused, never guessed, and the report asks for the order.
- Invisible and private-use characters (zero-width spaces, soft hyphens, Word bullets) are
  removed from text cells and counted in the report; control characters still refuse a row.
- A title over the limit refuses its row, naming the setting that raises the limit; with
  ``shorten_titles`` it is cut at a word with "…" and the full title starts the description.
- The source's own id (``id=COLUMN``) is kept with the proposal; a row whose id was already
  imported from the same source is refused as "already imported".
- Importing the same file again does not duplicate proposals: a row identical (title,
  description, category, place) to one already imported from the same source is refused as
  "already imported", with that proposal's receipt code. Fix the refused rows in the file and
  import it again: only those are added.
"""

from workbench.proposals.intake.categories import parse_categories, read_categories
from workbench.proposals.intake.importing import FIELDS, import_proposals, parse_mapping
from workbench.proposals.intake.reading import IntakeError, read_table
from workbench.proposals.intake.report import ImportReport, Refusal
from workbench.proposals.intake.values import category_code, parse_date

__all__ = ["IntakeError", "ImportReport", "Refusal", "FIELDS", "read_table", "parse_mapping",
           "category_code", "parse_date", "import_proposals", "parse_categories",
           "read_categories"]
