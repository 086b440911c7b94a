"""Resident text going into spreadsheets: neutralise what a spreadsheet would run.

A cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) is taken as a
formula by Excel, LibreOffice and WPS when a CSV is opened, and openpyxl writes such a
string as a formula into an .xlsx. A resident's text must never run on a planner's machine,
so such cells get a leading apostrophe, which spreadsheets show as text (OWASP, "CSV
Injection").
"""

from __future__ import annotations

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """The value, with a leading apostrophe if it is text a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell neutralised (numbers are left alone)."""
    out = frame.copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]) \
                and not pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    return out
