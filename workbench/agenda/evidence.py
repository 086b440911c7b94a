"""What speaks for each agenda item, side by side: supports and supporters, the balance of
comment stances, consensus from statements (group-informed consensus), survey evidence for
its scenario and place, and the households within reach.

Plain pandas and geopandas; households within reach come from
:mod:`workbench.geo.walking_reach` (walking along the roads, or the straight line of
:mod:`workbench.geo.reach` where a community has none; ``reach_method`` says which).
"""

from __future__ import annotations

import math

import pandas as pd

#: the evidence columns, in the order they are shown
COLUMNS = ["item_id", "proposals", "supports", "supporters", "external_supports",
           "comments_for", "comments_against", "comments_neutral", "stance_balance",
           "consensus", "satisfaction", "needs", "households_300", "households_500",
           "underserved_households", "reach_method", "workshop_dots"]
def item_evidence(items: list[dict], proposals: pd.DataFrame,
                  supports: list[tuple[int, int]], stances: list[tuple[int, str, int]],
                  statement_consensus: dict[int, float] | None = None,
                  survey_by_scenario: dict[str, dict] | None = None,
                  survey_by_space: dict[str, dict] | None = None,
                  reach: pd.DataFrame | None = None,
                  workshop_dots: dict[int, int] | None = None) -> pd.DataFrame:
    """One row of evidence per item (see :data:`COLUMNS`).

    - ``items``: dicts with id, proposal_ids, scenario, public_space_id, statement_ids;
    - ``proposals``: id, external_supports (and the public space's kind in ``space_kind``
      when known);
    - ``supports``: (proposal id, code id) pairs; a supporter of two proposals of one item
      counts once among its supporters;
    - ``stances``: (proposal id, stance, count) of visible comments;
    - ``statement_consensus``: statement id -> group-informed consensus; an item's consensus
      is the highest among its linked statements;
    - ``survey_by_scenario`` / ``survey_by_space``: {"satisfaction": mean 1-5 or NaN,
      "needs": {label: count}} per scenario code / public-space id or kind;
    - ``reach``: :func:`households_within` for the items;
    - ``workshop_dots``: item id -> dots it received in workshops' dot-voting rounds.
    """
    workshop_dots = workshop_dots or {}
    statement_consensus = statement_consensus or {}
    survey_by_scenario = survey_by_scenario or {}
    survey_by_space = survey_by_space or {}
    external = dict(zip(proposals["id"], proposals.get("external_supports",
                                                       pd.Series(0, index=proposals.index))))
    kinds = (dict(zip(proposals["id"], proposals["space_kind"]))
             if "space_kind" in proposals else {})
    by_proposal: dict[int, list[int]] = {}
    for pid, code in supports:
        by_proposal.setdefault(pid, []).append(code)
    stance_of: dict[int, dict[str, int]] = {}
    for pid, stance, n in stances:
        stance_of.setdefault(pid, {})[stance] = stance_of.get(pid, {}).get(stance, 0) + n
    reach_rows = reach.set_index("item_id") if reach is not None else None
    rows = []
    for item in items:
        pids = item["proposal_ids"]
        codes = [c for p in pids for c in by_proposal.get(p, [])]
        st = {s: sum(stance_of.get(p, {}).get(s, 0) for p in pids)
              for s in ("for", "against", "neutral")}
        said = st["for"] + st["against"]
        gics = [statement_consensus[s] for s in item.get("statement_ids") or []
                if s in statement_consensus and not math.isnan(statement_consensus[s])]
        survey = survey_by_scenario.get(item["scenario"], {})
        place = survey_by_space.get(item.get("public_space_id") or "", {})
        kind = next((kinds[p] for p in pids if kinds.get(p)), None)
        place = place or survey_by_space.get(kind or "", {})
        needs = dict(place.get("needs") or {}) or dict(survey.get("needs") or {})
        row = {"item_id": item["id"], "proposals": len(pids), "supports": len(codes),
               "supporters": len(set(codes)),
               "external_supports": int(sum(int(external.get(p, 0) or 0) for p in pids)),
               "comments_for": st["for"], "comments_against": st["against"],
               "comments_neutral": st["neutral"],
               # -1 (all against) .. +1 (all for); neutral comments do not tip it
               "stance_balance": (st["for"] - st["against"]) / said if said else math.nan,
               "consensus": max(gics) if gics else math.nan,
               "satisfaction": place.get("satisfaction", survey.get("satisfaction",
                                                                      math.nan)),
               "needs": needs}
        for col in ("households_300", "households_500", "underserved_households"):
            row[col] = (float(reach_rows.loc[item["id"], col])
                        if reach_rows is not None and item["id"] in reach_rows.index
                        else math.nan)
        # how the households were measured: "network" (walking) or "straight_line"
        row["reach_method"] = (reach_rows.loc[item["id"]].get("reach_method")
                               if reach_rows is not None and item["id"] in reach_rows.index
                               else None)
        row["workshop_dots"] = int(workshop_dots.get(item["id"], 0))
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)
