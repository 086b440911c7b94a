"""The refusal report of an import: each refused row with its line in the file, the field and
column concerned and the reason in plain words (zh or en), the counts, and the receipt codes
of the stored rows, as a DataFrame or as plain text for a terminal.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

import pandas as pd

from workbench import i18n

#: How validate_proposal's messages (worded for the resident page) read in an import report.
RULE_REASONS = {
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


#: the most unmapped category values a report lists (the most frequent first)
UNMAPPED_SHOWN = 40


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


_FIELD_ORDER = {name: i for i, name in enumerate(("row", "id", "title", "description",
                                                  "category", "location", "latitude", "longitude",
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
    #: invisible and private-use characters removed from text cells, by line
    invisible: dict[int, int] = field(default_factory=dict)
    #: with dates="auto", what the date column told: dmy, mdy, ymd, ambiguous or mixed
    dates_found: str | None = None
    #: values of the category column that map to no scenario, with how many rows have each
    unmapped: Counter = field(default_factory=Counter)
    #: lines whose title was shortened (the full title starts the description)
    shortened: list[int] = field(default_factory=list)

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
        if self.encoding:
            text += "\n" + i18n.t(lang, "import.encoding", encoding=self.encoding)
        if self.invisible:
            text += "\n" + i18n.t(lang, "import.invisible", count=sum(self.invisible.values()),
                                   rows=len(self.invisible))
        if self.dates_found in ("dmy", "mdy", "ambiguous", "mixed"):
            refused = sum(r.key == "import.reason.date_ambiguous" for r in self.refused)
            text += "\n" + i18n.t(lang, f"import.dates_{self.dates_found}", count=refused)
        if self.unmapped:
            listed = ", ".join(f"{value} ({rows})" for value, rows
                               in self.unmapped.most_common(UNMAPPED_SHOWN))
            more = len(self.unmapped) - UNMAPPED_SHOWN
            if more > 0:
                listed += " " + i18n.t(lang, "import.and_more", count=more)
            text += "\n" + i18n.t(lang, "import.unmapped", count=len(self.unmapped),
                                   values=listed)
        if self.shortened:
            text += "\n" + i18n.t(lang, "import.shortened", count=len(self.shortened))
        long_titles = sum(r.key == "import.reason.too_long" and r.field == "title"
                          for r in self.refused)
        if long_titles:
            text += "\n" + i18n.t(lang, "import.long_titles", count=long_titles,
                                   setting=next(r.params["setting"] for r in self.refused
                                                if r.field == "title"
                                                and r.key == "import.reason.too_long"))
        if self.defaulted:
            text += "\n" + i18n.t(lang, "import.defaulted", count=len(self.defaulted))
        if self.coordinates == "gcj02":
            text += "\n" + i18n.t(lang, "import.converted")
        return text


