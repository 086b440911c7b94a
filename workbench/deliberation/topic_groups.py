"""The opinion groups of one topic, read from the store: votes -> vote matrix -> groups ->
representative statements, consensus statements and every statement's group-informed
consensus, with statement texts (the Pol.is method, :mod:`.opinion_groups`). No widgets: the
planners' panel (:mod:`workbench.deliberation.topics_panel`) shows it, :mod:`.transfer` exports it.

Imports pandas and scikit-learn when called, never at import time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

#: Opinion groups need this many participants who voted (with fewer, "groups" are single
#: people; Pol.is too waits for a handful of participants before it shows groups).
MIN_VOTERS_FOR_GROUPS = 7
#: ... and this many statements with votes.
MIN_STATEMENTS_FOR_GROUPS = 2


def group_name(g: int) -> str:
    """Groups are named A, B, C ... as on Pol.is and on the opinion map."""
    return chr(ord("A") + g) if g < 26 else str(g)


@dataclass
class TopicGroups:
    """The opinion groups of a topic, ready to show. ``problem`` (a message key and params) is
    set instead of the rest when there are too few votes."""

    topic_id: int
    voters: int
    statements_voted: int
    problem: tuple[str, dict] | None = None
    groups: object | None = None            # opinion_groups.OpinionGroups
    representative: object | None = None    # DataFrame: group, rank, statement, text, ...
    consensus: object | None = None         # DataFrame: direction, statement, text, ...
    table: object | None = None             # DataFrame: every statement with its consensus
    texts: dict[int, str] = field(default_factory=dict)

    @property
    def k(self) -> int | None:
        return self.groups.k if self.groups is not None else None


def topic_groups(store, topic_id: int, previous_k: int | None = None,
                 seed: int = 0) -> TopicGroups:
    """Compute the opinion groups of a topic from its current votes. Too few votes give a
    result with ``problem`` set, never an exception."""
    import pandas as pd

    from workbench.deliberation import opinion_groups as og

    statements = store.statements_of(topic_id)
    texts = {s["id"]: s["body"] for s in statements}
    hidden = [s["id"] for s in statements if s["status"] == "hidden"]
    votes = store.votes_frame(topic_id)
    matrix = og.vote_matrix(votes)
    voters = int(matrix.shape[0])
    voted = int(matrix.notna().any(axis=0).sum()) if voters else 0
    result = TopicGroups(topic_id, voters, voted, texts=texts)
    if voters < MIN_VOTERS_FOR_GROUPS or voted < MIN_STATEMENTS_FOR_GROUPS:
        result.problem = ("planner.groups.too_few", {
            "voters": voters, "statements": voted, "min_voters": MIN_VOTERS_FOR_GROUPS,
            "min_statements": MIN_STATEMENTS_FOR_GROUPS})
        return result
    try:
        groups = og.opinion_groups(matrix, previous_k=previous_k, moderated_out=hidden,
                                   seed=seed)
    except ValueError:
        result.problem = ("planner.groups.too_few", {
            "voters": voters, "statements": voted, "min_voters": MIN_VOTERS_FOR_GROUPS,
            "min_statements": MIN_STATEMENTS_FOR_GROUPS})
        return result
    result.groups = groups
    labels = groups.by_voter()
    visible = matrix.drop(columns=[c for c in hidden if c in matrix.columns])
    gic = og.group_informed_consensus(matrix, labels)
    if visible.shape[1]:
        rep = og.representative_statements(visible, labels, n=5)
        cons = og.consensus_statements(visible, labels, n=5)
    else:
        rep = cons = pd.DataFrame(columns=["group", "statement", "direction"])
    rep = rep.assign(text=[texts.get(s, "") for s in rep["statement"]])
    cons = cons.assign(text=[texts.get(s, "") for s in cons["statement"]])
    rows = []
    for s in statements:
        rows.append({"statement": s["id"], "text": s["body"], "status": s["status"],
                     "agrees": int(s["agrees"]), "disagrees": int(s["disagrees"]),
                     "passes": int(s["passes"]),
                     "group_informed_consensus": float(gic.get(s["id"], math.nan))})
    table = pd.DataFrame(rows, columns=["statement", "text", "status", "agrees", "disagrees",
                                        "passes", "group_informed_consensus"])
    result.table = table.sort_values("group_informed_consensus", ascending=False,
                                     na_position="last", kind="mergesort",
                                     ignore_index=True)
    result.representative, result.consensus = rep, cons
    return result
