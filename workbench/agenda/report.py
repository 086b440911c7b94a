"""A published agenda version as a report for residents and the committee: one
self-contained HTML file (opens offline, from a USB stick), the same HTML printed to PDF by
headless Chromium, and a Word document (DOCX) for the committee's own papers.

Everything comes from a snapshot (:mod:`.snapshot`) and the community's own layers (the map
is drawn from them: no tiles, no web fonts, no scripts, nothing fetched). What each item shows,
in which words and formats, comes from :mod:`.presenter`, the same for every format; the
report's own words are the ``report.agenda.*`` strings (zh and en). The snapshot's texts
stay as they were written and are escaped where they are shown.

The public functions; the work is done in :mod:`.report_html` (HTML, PDF and the styles in
``report.css``), :mod:`.report_docx` and :mod:`.report_parts` (heading lines and the map).
"""

from __future__ import annotations

from workbench.agenda.report_docx import agenda_docx, docx_east_asian_font
from workbench.agenda.report_html import agenda_html, agenda_pdf, write_agenda_html
from workbench.agenda.report_parts import map_png, map_svg

__all__ = ["agenda_html", "write_agenda_html", "agenda_pdf", "agenda_docx", "map_svg",
           "map_png", "docx_east_asian_font"]
