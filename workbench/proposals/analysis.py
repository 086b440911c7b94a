"""Analyses over proposals and layers: plain pandas, no widgets, no SQL."""

from __future__ import annotations

import pandas as pd

from workbench import vocabulary


def proposals_by_scenario(proposals: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Count of proposals per scenario, all nine listed in their official order."""
    counts = proposals["scenario"].value_counts() if len(proposals) else pd.Series(dtype=int)
    rows = [{"scenario": s["code"], "label": s[lang], "proposals": int(counts.get(s["code"], 0))}
            for s in vocabulary.scenarios()]
    return pd.DataFrame(rows)


def proposals_by_public_space(proposals: pd.DataFrame, public_spaces: pd.DataFrame,
                              lang: str = "zh") -> pd.DataFrame:
    """Count of proposals per public space (spaces with none included)."""
    counts = proposals["public_space_id"].value_counts() if len(proposals) else {}
    out = public_spaces[["id", "kind", f"name_{lang}"]].copy()
    out["proposals"] = [int(counts.get(i, 0)) for i in out["id"]]
    return out.sort_values("proposals", ascending=False, kind="stable").reset_index(drop=True)
