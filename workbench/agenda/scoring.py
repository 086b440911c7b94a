"""A score for each agenda item from visible parts and weights the planner can change, and the
ranking it gives.

Each part is a number from 0 to 1 computed from the evidence (:mod:`.evidence`), so a planner
can see why an item ranks where it does; the score is the weighted mean of the parts. A part
with no evidence for an item (no survey, no statements) counts as 0 for that item, and says so
by being 0. Reach and gap, counted from the buildings layer, are different: where the layer
does not tell (no building with a household count within 500 m of the item) they are unknown
(NaN), left out of that item's score with their weights, never 0 and never full marks. And
they are left out for every item when they cannot tell the items apart: when no item has a
count, or when every item that has one reaches the same households (one placeholder
building, a community smaller than the 500 m reach). Counted as usual they would give the
placed items near it full marks and put them above the rest; :func:`unknown_reasons` says
which case it is.

The same evidence and weights always give the same ranking: ties are broken by the item's id.
Vectorised pandas: re-ranking 10,000 items after a slider moves takes milliseconds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: every part: (name, how it is computed) — shown beside the sliders
PARTS = {
    "supporters": "residents supporting it (log scale, the most supported item = 1), "
                  "supports gathered elsewhere included",
    "consensus": "group-informed consensus of its statements (the highest, 0 to 1)",
    "stance": "comments for against comments against (all for = 1, all against = 0)",
    "need": "survey dissatisfaction with its scenario or place (1 = very dissatisfied)",
    "reach": "households within the 10-minute walk (500 m), the most = 1",
    "gap": "households within 500 m that have no green space within 300 m, the most = 1",
}
DEFAULT_WEIGHTS = {"supporters": 3.0, "consensus": 2.0, "stance": 1.0, "need": 2.0,
                   "reach": 1.0, "gap": 2.0}


def check_weights(weights: dict) -> dict[str, float]:
    """Weights for every part, each a finite number >= 0, not all 0."""
    clean = {}
    for part in PARTS:
        value = weights.get(part, 0.0)
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not np.isfinite(value) or value < 0:
            raise ValueError(f"weight of {part} must be a number >= 0, not {value!r}")
        clean[part] = float(value)
    if not any(clean.values()):
        raise ValueError("at least one weight must be above 0")
    return clean


def _scaled(values: pd.Series) -> pd.Series:
    top = values.max()
    return values / top if top and np.isfinite(top) and top > 0 else values * 0.0


def score_parts(evidence: pd.DataFrame) -> pd.DataFrame:
    """The parts (0 to 1) of every item, indexed by item_id. Computed once; a weight change
    only re-weights them (:func:`rank`)."""
    e = evidence.set_index("item_id")
    supporters = (e["supporters"] + e["external_supports"]).astype(float)
    parts = pd.DataFrame(index=e.index)
    parts["supporters"] = _scaled(np.log1p(supporters))
    parts["consensus"] = e["consensus"].astype(float).clip(0, 1).fillna(0.0)
    parts["stance"] = ((e["stance_balance"].astype(float) + 1) / 2).fillna(0.0)
    parts["need"] = ((5.0 - e["satisfaction"].astype(float)) / 4.0).clip(0, 1).fillna(0.0)
    for part, column in HOUSEHOLD_PARTS.items():
        known = e[column].astype(float)
        # unknown for an item stays NaN: left out of its score (see rank)
        parts[part] = _scaled(known) if _tells_apart(known) else np.nan
    return parts[list(PARTS)]


#: parts counted from households within reach, and the evidence they come from
HOUSEHOLD_PARTS = {"reach": "households_500", "gap": "underserved_households"}


def _tells_apart(counts: pd.Series) -> bool:
    """Whether counts known for some items differ between them (NaN: not known)."""
    return counts.nunique(dropna=True) > 1


def unknown_reasons(evidence: pd.DataFrame, homes: dict | None = None) -> dict[str, str]:
    """Why each household part left out of every item's score is (a part not named is in
    the score, maybe unknown for some items: ``not_mapped`` there), as named by
    :data:`.snapshot.UNKNOWN_REASONS`: ``no_households`` when the buildings layer records no
    households (or none was read), ``not_mapped`` when it does but no item has a building
    with a count within reach, ``same_for_all`` when every item with a count reaches the
    same households. ``homes`` is :func:`workbench.geo.reach.homes_recorded` of the layer."""
    reasons: dict[str, str] = {}
    if not len(evidence):
        return reasons
    for part, column in HOUSEHOLD_PARTS.items():
        counts = (evidence[column].astype(float) if column in evidence
                  else pd.Series(dtype=float))
        if _tells_apart(counts):
            continue
        if counts.notna().any():
            reasons[part] = "same_for_all"
        else:
            reasons[part] = "not_mapped" if homes and homes.get("households") \
                else "no_households"
    return reasons


def unknown_parts(parts: pd.DataFrame) -> list[str]:
    """The parts unknown in the whole community (left out of the score)."""
    return [p for p in PARTS if p in parts and len(parts) and parts[p].isna().all()]


def rank(parts: pd.DataFrame, weights: dict) -> pd.DataFrame:
    """Items ranked by score: the parts, their weighted contributions (``w_<part>``), score
    and rank (1 = first). A part unknown for an item (NaN) is left out of its score, its
    weight with it. Ties go to the lower item id."""
    w = check_weights(weights)
    names = [p for p in PARTS if p in parts]
    values = parts[names].to_numpy(dtype=float)
    known = ~np.isnan(values)
    counted = known @ np.array([w[p] for p in names])          # each item's weights in use
    weighted = (np.where(known, values, 0.0) * np.array([w[p] for p in names])
                / np.where(counted > 0, counted, 1.0)[:, None])
    out = parts.join(pd.DataFrame(weighted, index=parts.index,
                                  columns=[f"w_{p}" for p in names]))
    out["score"] = weighted.sum(axis=1)
    out = out.reset_index().sort_values(["score", "item_id"], ascending=[False, True],
                                        kind="mergesort", ignore_index=True)
    out["rank"] = np.arange(1, len(out) + 1)
    return out
