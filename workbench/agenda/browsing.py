"""How a planner looks through the agenda: which items the filters keep, which score parts
have no data at all (and why), and the residents' own words behind an item (its proposals'
descriptions and photos, its comments by stance).

Plain Python and pandas over the store's reads; no widgets, no SQL.
"""

from __future__ import annotations

import pandas as pd

from workbench.agenda import scoring
from workbench.agenda.presenter import STANCES, item_status

#: the space filter's value for items with no public space
NO_SPACE = "-"
#: the decision filter's value for items not decided yet
UNDECIDED = "none"
#: score parts read from one evidence column each, and the reason when it is empty everywhere
EVIDENCE_PARTS = {"consensus": ("consensus", "no_statements"),
                  "need": ("satisfaction", "no_survey"),
                  "stance": ("stance_balance", "no_comments")}
#: comments shown per stance of one item
COMMENTS_SHOWN = 12


def filter_items(items: dict[int, dict], order: list[int], filters: dict) -> list[int]:
    """The ids of ``order`` whose item matches every filter given (a falsy value: any):
    ``scenario`` (a code), ``space`` (a public space id, or :data:`NO_SPACE`), ``decision``
    (adopt, defer, decline, or :data:`UNDECIDED`) and ``status`` (an adopted item's)."""
    scenario, space = filters.get("scenario"), filters.get("space")
    decision, status = filters.get("decision"), filters.get("status")
    out = []
    for item_id in order:
        item = items.get(item_id)
        if item is None:
            continue
        if scenario and item.get("scenario") != scenario:
            continue
        if space and (item.get("public_space_id") or NO_SPACE) != space:
            continue
        if decision and (item.get("decision") or UNDECIDED) != decision:
            continue
        if status and item_status(item) != status:
            continue
        out.append(item_id)
    return out


def parts_without_data(evidence: pd.DataFrame, homes: dict | None = None) -> dict[str, str]:
    """The score parts no item has data for, each with why: the household parts as
    :func:`workbench.agenda.scoring.unknown_reasons` says, and consensus (no statement
    linked), need (no survey answer) and stance (no comment) when their evidence is empty for
    every item. None when there are no items."""
    if not len(evidence):
        return {}
    out = dict(scoring.unknown_reasons(evidence, homes))
    for part, (column, reason) in EVIDENCE_PARTS.items():
        if column not in evidence or evidence[column].astype(float).isna().all():
            out[part] = reason
    return {p: out[p] for p in scoring.PARTS if p in out}


def weights_in_use(weights: dict, without: dict) -> dict[str, float]:
    """The weights the score is made with: 0 for a part without data (it says nothing of any
    item), unless that would leave none."""
    used = {p: (0.0 if p in without else float(v)) for p, v in weights.items()}
    return used if any(used.values()) else dict(weights)


def residents_words(store, item: dict, photo_index: dict[int, dict]) -> dict:
    """What residents wrote about an item: ``comments`` by stance (visible ones, newest
    first, at most :data:`COMMENTS_SHOWN` each; ``comment_counts`` how many there are) and
    ``photos`` of its proposals (proposal id -> the thumbnail: data, content_type, width,
    height) that are not hidden. ``photo_index``: the store's ``photo_index``."""
    by_stance: dict[str, list[dict]] = {s: [] for s in STANCES}
    for pid in item.get("proposal_ids") or []:
        for c in store.comments_of(pid):
            if c.get("hidden_reason") or c.get("stance") not in by_stance:
                continue
            by_stance[c["stance"]].append({"proposal_id": pid, "body": c.get("body") or "",
                                           "created_at": c.get("created_at")})
    for stance, rows in by_stance.items():
        rows.sort(key=lambda c: str(c["created_at"] or ""), reverse=True)
    photos = {}
    for pid in item.get("proposal_ids") or []:
        photo = photo_index.get(pid)
        if photo and not photo.get("hidden_reason"):
            thumb = store.photo_bytes(photo["id"], thumbnail=True)
            if thumb and thumb.get("data"):
                photos[pid] = thumb
    return {"comments": {s: rows[:COMMENTS_SHOWN] for s, rows in by_stance.items()},
            "comment_counts": {s: len(rows) for s, rows in by_stance.items()},
            "photos": photos}
