"""The coverage table a committee can read: per kind of public space and life circle, the
share of households within the walk, and the buildings (with their households) that are not.

"82 % of households are within a 5-minute walk (300 m along roads and paths) of a pocket
park; buildings 7, 9 and 12, 410 households, are not." Every row names how it was measured
(:data:`~workbench.geo.walking.NETWORK` or a straight line) and how many buildings were
measured in a straight line in a network community.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.geo.walking import (NETWORK, STRAIGHT, Access, Threshold, id_list, kind_label,
                                   life_circles)
from workbench.i18n import t

__all__ = ["COLUMNS", "coverage_rows", "coverage_table", "sentence",
           "table_text"]

COLUMNS = ["kind", "minutes", "metres", "source", "method", "households", "households_within",
           "share", "households_outside", "buildings_outside", "buildings_straight",
           "buildings_without_count"]


def coverage_rows(access: Access, thresholds: list[Threshold] | None = None) -> list[dict]:
    """One row per threshold (the life circles by default) for one kind's :class:`Access`:
    households counted (buildings without a count are left out and counted apart), those
    within, their share, and the buildings outside (ids in natural order: 7 before 12)."""
    homes = access.homes
    counts = homes["households"]
    counted = counts.notna().to_numpy()
    total = float(counts[counted].sum())
    straight = int((homes["method"] == STRAIGHT).sum())
    rows = []
    for th in thresholds or life_circles():
        within = (homes["distance_m"] <= th.metres).to_numpy()
        outside = counted & ~within & (counts.fillna(0).to_numpy() > 0)
        far = homes[outside].sort_values("id", key=_natural)
        inside = float(counts[counted & within].sum())
        rows.append({
            "kind": access.kind, "minutes": th.minutes, "metres": th.metres,
            "source": th.source, "method": access.method,
            "households": total, "households_within": inside,
            "share": inside / total if total else np.nan,
            "households_outside": float(far["households"].sum()),
            "buildings_outside": far["id"].tolist(),
            "buildings_straight": straight if access.method == NETWORK else len(homes),
            "buildings_without_count": int((~counted).sum())})
    return rows


def coverage_table(analysis, kinds: list[str] | None = None,
                   thresholds: list[Threshold] | None = None) -> pd.DataFrame:
    """:func:`coverage_rows` for each kind (every kind present by default)."""
    rows = []
    for kind in kinds or analysis.kinds():
        rows += coverage_rows(analysis.access(kind), thresholds)
    return pd.DataFrame(rows, columns=COLUMNS)


def sentence(row: dict, lang: str) -> str:
    """The row said in one sentence, in ``lang``."""
    how = t(lang, "walk.how.network" if row["method"] == NETWORK else "walk.how.straight",
            metres=f"{row['metres']:g}")
    kind = kind_label(row["kind"], lang)
    kind = kind.lower() if lang == "en" else kind
    if not row["households"]:
        return t(lang, "walk.sentence.unknown", kind=kind, how=how)
    share = f"{100 * row['share']:.0f}"
    head = t(lang, "walk.sentence.head", share=share, minutes=f"{row['minutes']:g}", how=how,
             kind=kind)
    if not row["buildings_outside"]:
        tail = t(lang, "walk.sentence.all")
    else:
        one = len(row["buildings_outside"]) == 1
        tail = t(lang, "walk.sentence.tail_one" if one else "walk.sentence.tail",
                 ids=id_list(row["buildings_outside"], lang),
                 households=f"{row['households_outside']:.0f}")
    notes = []
    if row["method"] == NETWORK and row["buildings_straight"]:
        notes.append(t(lang, "walk.sentence.straight_some", n=row["buildings_straight"]))
    if row["buildings_without_count"]:
        notes.append(t(lang, "walk.sentence.uncounted", n=row["buildings_without_count"]))
    return head + tail + "".join(notes)


def table_text(table: pd.DataFrame, lang: str, messages=()) -> str:
    """The table as plain text for a terminal: a line per row, then the sentences and what
    the layers made the analysis fall back to."""
    header = [t(lang, "walk.col.kind"), t(lang, "walk.col.walk"), t(lang, "walk.col.share"),
              t(lang, "walk.col.within"), t(lang, "walk.col.outside"), t(lang, "walk.col.method")]
    lines = [" | ".join(header)]
    for row in table.to_dict("records"):
        share = "—" if pd.isna(row["share"]) else f"{100 * row['share']:.0f} %"
        method = t(lang, "walk.method.network" if row["method"] == NETWORK
                   else "walk.method.straight")
        lines.append(" | ".join([
            kind_label(row["kind"], lang),
            t(lang, "walk.threshold", minutes=f"{row['minutes']:g}", metres=f"{row['metres']:g}"),
            share, f"{row['households_within']:.0f} / {row['households']:.0f}",
            f"{row['households_outside']:.0f}", method]))
    lines.append("")
    lines += [sentence(row, lang) for row in table.to_dict("records")]
    sources = list(dict.fromkeys(table["source"]))
    if sources:
        lines.append(t(lang, "walk.sources", sources="; ".join(sources)))
    lines += [m.text(lang) for m in messages]
    return "\n".join(lines)


def _natural(ids: pd.Series) -> pd.Series:
    """Sort keys putting B7 before B12."""
    import re

    return ids.map(lambda s: tuple((0, int(p)) if p.isdigit() else (1, p)
                                   for p in re.split(r"(\d+)", str(s)) if p))
