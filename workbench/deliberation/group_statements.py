"""What the opinion groups say: group-informed consensus per statement, each group's
representative statements and the statements every group shares (Pol.is's
conversation.clj ``:group-aware-consensus``, repness.clj, stats.clj). Plain pandas / numpy."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.deliberation.opinion_votes import AGREE, DISAGREE, vote_values

#: stats.clj ``z-sig-90?``: one-sided z for 90 % confidence.
Z_90 = 1.2816


def _group_counts(matrix: pd.DataFrame, labels_by_voter: pd.Series
                  ) -> tuple[list, np.ndarray, np.ndarray, np.ndarray]:
    """Per group (sorted by group id) and statement: agrees, disagrees, votes (incl. passes).
    Only voters that are in a group count (Pol.is counts group members only)."""
    labels = labels_by_voter.dropna()
    labels = labels[labels.index.isin(matrix.index)]
    if labels.empty:
        raise ValueError("no voter of the matrix is in a group")
    values = vote_values(matrix.loc[labels.index])
    groups = sorted(labels.unique())
    code = labels.to_numpy()
    na = np.array([(values[code == g] == AGREE).sum(axis=0) for g in groups], dtype=float)
    nd = np.array([(values[code == g] == DISAGREE).sum(axis=0) for g in groups], dtype=float)
    ns = np.array([(~np.isnan(values[code == g])).sum(axis=0) for g in groups], dtype=float)
    return groups, na, nd, ns


def group_informed_consensus(matrix: pd.DataFrame, labels_by_voter: pd.Series) -> pd.Series:
    """Pol.is's group-informed consensus per statement (conversation.clj
    ``:group-aware-consensus``): the product over groups of (agrees + 1) / (votes + 2), where
    votes counts the agrees, disagrees and passes of the group's members. Only participants
    with a group count; labels NaN = not in a group.

    Each factor is computed as (agrees + 1) × (1 / (votes + 2)): that reproduces Pol.is's
    published ``group-informed-consensus`` column bit for bit on bg2050-volunteers, where a
    plain division differs in the last bit for 107 of 371 statements.
    """
    groups, na, _, ns = _group_counts(matrix, labels_by_voter)
    consensus = (na[0] + 1.0) * (1.0 / (ns[0] + 2.0))
    for g in range(1, len(groups)):
        consensus = consensus * ((na[g] + 1.0) * (1.0 / (ns[g] + 2.0)))
    return pd.Series(consensus, index=matrix.columns, name="group_informed_consensus")


def _prop_test(successes, trials):
    """stats.clj ``prop-test``: z of a proportion against 1/2, with +1 smoothing."""
    successes, trials = np.asarray(successes) + 1.0, np.asarray(trials) + 1.0
    return 2.0 * np.sqrt(trials) * (successes / trials - 0.5)


def _two_prop_test(succ_in, succ_out, pop_in, pop_out):
    """stats.clj ``two-prop-test``: z of the in-group proportion against the rest, +1 smoothed;
    0 where the pooled proportion is 1."""
    s1, s2 = np.asarray(succ_in) + 1.0, np.asarray(succ_out) + 1.0
    n1, n2 = np.asarray(pop_in) + 1.0, np.asarray(pop_out) + 1.0
    pooled = (s1 + s2) / (n1 + n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (s1 / n1 - s2 / n2) / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return np.where(pooled == 1.0, 0.0, z)


def _repness_stats(matrix: pd.DataFrame, labels_by_voter: pd.Series) -> tuple[list, dict]:
    """repness.clj ``conv-repness``: per group and statement, the group's counts and smoothed
    probabilities (``comment-stats``) and the comparison with the other groups together
    (``add-comparitive-stats``)."""
    groups, na, nd, ns = _group_counts(matrix, labels_by_voter)
    rest_na, rest_nd, rest_ns = na.sum(0) - na, nd.sum(0) - nd, ns.sum(0) - ns
    stats = {
        "na": na, "nd": nd, "ns": ns,
        "pa": (na + 1) / (ns + 2), "pd": (nd + 1) / (ns + 2),
        "pat": _prop_test(na, ns), "pdt": _prop_test(nd, ns),
        "pa_rest": (rest_na + 1) / (rest_ns + 2), "pd_rest": (rest_nd + 1) / (rest_ns + 2),
        "rat": _two_prop_test(na, rest_na, ns, rest_ns),
        "rdt": _two_prop_test(nd, rest_nd, ns, rest_ns),
    }
    stats["ra"] = stats["pa"] / stats["pa_rest"]
    stats["rd"] = stats["pd"] / stats["pd_rest"]
    return groups, stats


def _beats_best_agree(s: dict, best: dict | None) -> bool:
    """repness.clj ``beats-best-agr?``: the group's best agreed statement, so that every
    group shows at least one thing it agrees on."""
    if s["na"] == 0 and s["nd"] == 0:
        return False
    if best is not None and best["ra"] > 1.0:
        return s["ra"] * s["rat"] * s["pa"] * s["pat"] > (
            best["ra"] * best["rat"] * best["pa"] * best["pat"])
    if best is not None:
        return s["pa"] * s["pat"] > best["pa"] * best["pat"]
    return s["pat"] > Z_90 or (s["ra"] > 1.0 and s["pa"] > 0.5)


def _finalize(statement, s: dict, agree: bool | None = None) -> dict:
    """repness.clj ``finalize-cmt-stats``: agree or disagree, whichever is more
    representative (or the direction given)."""
    if agree is None:
        agree = s["rat"] > s["rdt"]
    d = "a" if agree else "d"
    return {"statement": statement, "direction": "agree" if agree else "disagree",
            "p_group": s[f"p{d}"], "p_other": s[f"p{d}_rest"], "repness": s[f"r{d}"],
            "repness_test": s[f"r{d}t"], "p_test": s[f"p{d}t"],
            "n_success": int(s[f"n{d}"]), "n_trials": int(s["ns"])}


def _metric(row: dict) -> float:
    """repness.clj ``repness-metric``."""
    return row["repness"] * row["repness_test"] * row["p_group"] * row["p_test"]


def representative_statements(matrix: pd.DataFrame, labels_by_voter: pd.Series,
                              n: int = 5) -> pd.DataFrame:
    """Per group, the statements that set it apart (repness.clj ``select-rep-comments``).

    For group g and statement s: p_group = (agrees + 1) / (votes + 2) in g (disagrees for
    the disagree direction), p_other the same over the other groups together, repness =
    p_group / p_other, and two z-tests (stats.clj): is p_group above 1/2 (``p_test``), is it
    above the others' (``repness_test``). A statement is representative when both z pass 90 %
    (1.2816); the direction is the one with the larger repness_test. They are ranked by
    repness × repness_test × p_group × p_test, the group's best agreed statement first,
    at most ``n``, agrees before disagrees; a group with none that passes gets its single best
    statement. Unlike Pol.is, the best agreed statement is always shown as an agree (see the
    code). Drop moderated-out statements from ``matrix`` first (Pol.is removes them here).

    Columns: group, rank, statement, direction, p_group, p_other, repness, repness_test,
    p_test, n_success, n_trials, best_agree.
    """
    groups, stats = _repness_stats(matrix, labels_by_voter)
    rows = []
    for gi, group in enumerate(groups):
        sufficient, best, best_agree = [], None, None
        for j, statement in enumerate(matrix.columns):
            s = {key: float(v[gi, j]) for key, v in stats.items()}
            # repness.clj passes-by-test?
            if (s["rat"] > Z_90 and s["pat"] > Z_90) or (s["rdt"] > Z_90 and s["pdt"] > Z_90):
                sufficient.append(_finalize(statement, s))
            elif not sufficient and (best is None or max(s["rat"], s["rdt"]) > best[1]):
                best = (_finalize(statement, s), max(s["rat"], s["rdt"]))
            if _beats_best_agree(s, best_agree):
                best_agree = dict(s, statement=statement)
        # Pol.is finalizes the best agree like any other statement, so it can come out as a
        # "disagree" that the group did not disagree with (0 of 6 on bg2050's smaller group);
        # we show it as what it was chosen for: what the group agrees with.
        head = ([dict(_finalize(best_agree["statement"], best_agree, agree=True),
                      best_agree=True)] if best_agree is not None else [])
        if sufficient:
            chosen = sorted((r for r in sufficient if not head
                             or r["statement"] != head[0]["statement"]),
                            key=_metric, reverse=True)
            chosen = (head + chosen)[:n]
            chosen = ([r for r in chosen if r["direction"] == "agree"]
                      + [r for r in chosen if r["direction"] == "disagree"])
        else:
            chosen = head or ([best[0]] if best else [])
        for rank, r in enumerate(chosen, start=1):
            rows.append({"group": group, "rank": rank, **r,
                         "best_agree": bool(r.get("best_agree", False))})
    columns = ["group", "rank", "statement", "direction", "p_group", "p_other", "repness",
               "repness_test", "p_test", "n_success", "n_trials", "best_agree"]
    return pd.DataFrame(rows, columns=columns)


def consensus_statements(matrix: pd.DataFrame, labels_by_voter: pd.Series,
                         n: int = 5) -> pd.DataFrame:
    """Statements every group agrees with (or every group disagrees with) most.

    The agree side is ranked by group-informed consensus (the product over groups of
    (agrees + 1) / (votes + 2)); the disagree side by the same product over disagrees (as
    red-dwarf's ``group-informed-consensus-disagree``). A statement qualifies only when in
    every group the smoothed probability is above 1/2, so a majority of each group shares it
    (Pol.is's ``select-consensus-comments`` uses the same > 1/2 bar on everyone's votes).
    Up to ``n`` per direction, agrees first.

    Columns: direction, statement, consensus, p_min (the least convinced group's
    probability), votes.
    """
    groups, na, nd, ns = _group_counts(matrix, labels_by_voter)
    rows = []
    for direction, counts in (("agree", na), ("disagree", nd)):
        p = (counts + 1.0) / (ns + 2.0)
        score, p_min = p.prod(axis=0), p.min(axis=0)
        frame = pd.DataFrame({"direction": direction, "statement": matrix.columns,
                              "consensus": score, "p_min": p_min,
                              "votes": ns.sum(axis=0).astype(int)})
        frame = frame[frame["p_min"] > 0.5]
        rows.append(frame.sort_values(["consensus", "votes"], ascending=False,
                                      kind="mergesort").head(n))
    return pd.concat(rows, ignore_index=True)
