"""Resident text shown as HTML: in a widget, a map popup, the workshop screen or a report.

Every text a resident or planner wrote is escaped where it is shown, even text that reached
the database without passing validation (markup is also refused when it is written, by
:func:`workbench.proposals.rules.check_text`). Spreadsheet cells have their own rule:
:mod:`workbench.cells`.
"""

from __future__ import annotations

import html


def esc(text) -> str:
    """Escape resident text for an HTML widget, a popup or a report (None is empty)."""
    return html.escape("" if text is None else str(text), quote=True)
