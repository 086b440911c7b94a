"""Opinion groups and consensus by the Pol.is method, in plain pandas / numpy / scikit-learn.

Residents vote agree (+1), disagree (-1) or pass (0) on short statements. From the votes alone
this module finds the *opinion groups* (people who tend to vote alike), what each group stands
for (its *representative statements*) and what all groups share (*group-informed consensus*).
It follows the published Pol.is math, compdemocracy/polis ``math/src/polismath/math/``
(conversation.clj, pca.clj, clusters.clj, repness.clj, stats.clj); each rule below names the
place it comes from. docs/opinion-groups.md explains the method and gives the measured
agreement with Pol.is's own output on a real conversation.

The steps of :func:`opinion_groups`:

1. Who is clustered (conversation.clj ``:in-conv``): participants with at least
   ``min(min_votes, n_statements)`` votes; if that leaves fewer than 15, the most active
   voters are added until there are 15.
2. Moderated-out statements (conversation.clj ``:rating-mat``, named_matrix.clj
   ``zero-out-columns``) become a column of zeros: they no longer pull the map.
3. PCA to two dimensions on the vote matrix with each missing vote replaced by its statement's
   mean (conversation.clj ``:mat``, pca.clj ``powerit-pca``), fitted on every voter.
4. Sparsity-aware projection (pca.clj ``sparsity-aware-project-ptpt``): a participant is
   projected from the votes they cast only, then pushed out by
   ``sqrt(n_statements / n_votes)`` so that someone who voted on few statements is not drawn
   to the centre merely for lack of votes.
5. Base clusters (conversation.clj ``:base-clusters``, ``:base-k`` 100): k-means with up to
   100 clusters on the projections.
6. Groups (``:group-clusterings``): k-means with k = 2 .. min(5, 2 + n_base // 12)
   (``max-k-fn``) on the base-cluster centres, each weighted by its size
   (``:base-clusters-weights``); k is chosen by the silhouette of the base-cluster centres
   (clusters.clj ``silhouette``), and only changes from the previous k as described under
   *sticky k* in :func:`opinion_groups`.

One rule is ours, not Pol.is's: a group must hold at least ``min_group_share`` of the
clustered participants (and at least 2 people). Pol.is's own k-means is incremental (each
update starts from the last clustering, clusters.clj ``clean-start-clusters``) and so does not
jump to the lowest-inertia split; scikit-learn's k-means does, and on real conversations that
split often puts one far-out heavy voter alone in a "group" (on bg2050-volunteers: 106 against
1, adjusted Rand index 0.19 against Pol.is's groups). One person is not an opinion group.

scikit-learn is imported here and only here: the resident page's kernel never imports this
module.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterable, Mapping

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_score
from threadpoolctl import threadpool_limits

AGREE, DISAGREE, PASS = 1, -1, 0
VOTE_VALUES = frozenset({AGREE, DISAGREE, PASS})
#: conversation.clj ``:in-conv``: below this many clustered participants, add the most active.
GREEDY_N = 15
#: conversation.clj ``max-k-fn``: one more possible group per 12 base clusters.
BASE_CLUSTERS_PER_K = 12
#: stats.clj ``z-sig-90?``: one-sided z for 90 % confidence.
Z_90 = 1.2816
#: Silhouette lead a new k needs over the previous k before the groups change (sticky k).
K_MARGIN = 0.05
#: Smallest group, as a share of the clustered participants (ours, see the module doc).
MIN_GROUP_SHARE = 0.02
#: k-means starts tried per k in the group step (each start is one k-means++ seeding).
GROUP_STARTS = 20
#: k-means starts of the base-cluster step.
BASE_STARTS = 3
#: Fonts for the opinion map: Chinese first, DejaVu Sans for anything they lack.
MAP_FONTS = ["Noto Sans CJK SC", "Noto Sans CJK JP", "DejaVu Sans"]
GROUP_COLOURS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02",
                 "#a6761d", "#666666")


# -- the vote matrix ---------------------------------------------------------------------------
def vote_matrix(votes: pd.DataFrame) -> pd.DataFrame:
    """Participants × statements matrix of each participant's LAST vote on each statement.

    ``votes`` has columns ``voter``, ``statement``, ``vote`` (+1 agree, -1 disagree, 0 pass)
    and optionally ``timestamp``. A voter may change their mind: the last vote counts, last by
    timestamp when there is one (ties keep row order), else by row order. Returns floats with
    NaN where the participant has not voted (not seen); index and columns sorted.
    """
    missing = {"voter", "statement", "vote"} - set(votes.columns)
    if missing:
        raise ValueError(f"votes need the columns voter, statement, vote; missing: "
                         f"{', '.join(sorted(missing))}")
    if votes.empty:
        return pd.DataFrame(dtype=float)
    values = pd.to_numeric(votes["vote"], errors="coerce")
    bad = ~values.isin(VOTE_VALUES)
    if bad.any():
        row = bad.to_numpy().nonzero()[0][0]
        raise ValueError(f"vote {votes['vote'].iloc[row]} in row {row} is not one of "
                         f"-1 (disagree), 0 (pass), 1 (agree)")
    frame = pd.DataFrame({"voter": votes["voter"].to_numpy(),
                          "statement": votes["statement"].to_numpy(),
                          "vote": values.to_numpy(dtype=float)})
    if "timestamp" in votes.columns:
        # mergesort is stable: votes with the same timestamp stay in row order
        order = np.argsort(votes["timestamp"].to_numpy(), kind="mergesort")
        frame = frame.iloc[order]
    last = frame.drop_duplicates(["voter", "statement"], keep="last")
    matrix = last.pivot(index="voter", columns="statement", values="vote")
    matrix = matrix.sort_index().sort_index(axis=1).astype(float)
    matrix.index.name, matrix.columns.name = "voter", "statement"
    return matrix


def _check_matrix(matrix: pd.DataFrame) -> np.ndarray:
    values = matrix.to_numpy(dtype=float)
    seen = values[~np.isnan(values)]
    if seen.size and not np.isin(seen, (-1.0, 0.0, 1.0)).all():
        raise ValueError("the vote matrix may hold only -1, 0, 1 and NaN (not seen)")
    return values


def clustered_participants(matrix: pd.DataFrame, min_votes: int = 7) -> pd.Index:
    """The participants Pol.is clusters (conversation.clj ``:in-conv``): those who voted on at
    least ``min(min_votes, n_statements)`` statements; if fewer than 15 qualify, the most
    active voters are added (most votes first, then voter id) until there are 15. Participants
    without any vote are never clustered.

    Pol.is also keeps a participant "in" once they were, across updates; with votes only ever
    added that differs only for someone let in by the top-up while the conversation was
    young (one participant on bg2050-volunteers)."""
    counts = matrix.notna().sum(axis=1)
    counts = counts[counts > 0]
    threshold = min(min_votes, matrix.shape[1])
    inside = counts[counts >= threshold]
    if len(inside) < GREEDY_N:
        rest = counts.drop(inside.index)
        rest = rest.sort_index().sort_values(ascending=False, kind="mergesort")
        inside = pd.concat([inside, rest.iloc[:GREEDY_N - len(inside)]])
    return matrix.index[matrix.index.isin(inside.index)]


# -- opinion groups ----------------------------------------------------------------------------
@dataclass
class OpinionGroups:
    """The result of :func:`opinion_groups`. Rows of ``coords``, ``labels`` and
    ``base_labels`` follow ``participants``."""

    participants: pd.Index          # voters that were clustered
    coords: np.ndarray              # n × 2: the scaled PCA projection (the opinion map)
    labels: np.ndarray              # group 0 .. k-1 per participant, 0 the largest group
    k: int                          # number of groups (1 when no split into groups holds)
    silhouette: float               # of the chosen k on the base-cluster centres; NaN if k = 1
    base_labels: np.ndarray         # base cluster per participant
    base_centres: np.ndarray        # n_base × 2
    components: np.ndarray          # 2 × statements: the two principal axes
    center: np.ndarray              # per statement: the mean vote the PCA is centred on
    statements: pd.Index            # columns of ``components``
    best_k: int                     # the k with the best silhouette this time
    silhouettes: dict[int, float] = field(default_factory=dict)  # per k tried
    excluded: pd.Index = field(default_factory=pd.Index)  # voters left out (too few votes)

    def by_voter(self) -> pd.Series:
        """Group per clustered voter (index: voter id, name ``group``)."""
        return pd.Series(self.labels, index=self.participants, name="group")

    def sizes(self) -> pd.Series:
        """Participants per group, group 0 first."""
        return pd.Series(np.bincount(self.labels, minlength=self.k), name="participants")


def _project(values: np.ndarray, fit_rows: np.ndarray, seed: int
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """PCA on the mean-imputed matrix, then the sparsity-aware projection of every row.
    Returns (projection n × 2, components 2 × m, center m)."""
    n_rows, n_cols = values.shape
    voted = ~np.isnan(values)
    with np.errstate(invalid="ignore"):
        center = np.nanmean(np.where(voted, values, np.nan), axis=0) if n_rows else np.zeros(0)
    center = np.where(np.isnan(center), 0.0, center)   # a statement nobody voted on
    imputed = np.where(voted, values, center)[fit_rows]   # conversation.clj :mat
    components = np.zeros((2, n_cols))
    n_comp = min(2, imputed.shape[0], n_cols)
    if n_comp and np.ptp(imputed, axis=0).any():
        pca = PCA(n_components=n_comp, svd_solver="full", random_state=seed).fit(imputed)
        components[:n_comp] = pca.components_
        center = pca.mean_
    # pca.clj sparsity-aware-project-ptpt: only the votes cast, centred, then scaled
    centred = np.where(voted, values - center, 0.0)
    projection = centred @ components.T
    n_votes = voted.sum(axis=1)
    projection *= np.sqrt(n_cols / np.maximum(n_votes, 1))[:, None]
    return projection, components, center


def _kmeans_with_floor(points: np.ndarray, weights: np.ndarray, k: int, seeds: np.ndarray,
                       min_size: float) -> np.ndarray | None:
    """Weighted k-means: of several k-means++ starts, the lowest-inertia clustering whose
    every group weighs at least ``min_size``; None when no start gives one."""
    best, best_inertia = None, math.inf
    for s in seeds:
        km = KMeans(n_clusters=k, n_init=1, random_state=int(s)).fit(points,
                                                                      sample_weight=weights)
        sizes = np.bincount(km.labels_, weights=weights, minlength=k)
        if sizes.min() < min_size:
            continue
        if km.inertia_ < best_inertia - 1e-9:
            best, best_inertia = km.labels_.copy(), km.inertia_
    return best


def _renumber(labels: np.ndarray, coords: np.ndarray) -> np.ndarray:
    """Group 0 the largest, then by size; equal sizes by their mean position (deterministic)."""
    groups = np.unique(labels)
    key = sorted(groups, key=lambda g: (-(labels == g).sum(),
                                        *np.round(coords[labels == g].mean(axis=0), 9)))
    mapping = {old: new for new, old in enumerate(key)}
    return np.array([mapping[g] for g in labels], dtype=int)


def opinion_groups(matrix: pd.DataFrame, *, previous_k: int | None = None,
                   k_range: tuple[int, int] = (2, 5), base_clusters: int = 100,
                   min_votes: int = 7, seed: int = 0,
                   moderated_out: Iterable = (), k_margin: float = K_MARGIN,
                   min_group_share: float = MIN_GROUP_SHARE) -> OpinionGroups:
    """Opinion groups of a vote matrix (see :func:`vote_matrix`) by the Pol.is method (the
    steps are in the module doc).

    - ``moderated_out``: statements hidden by moderation (Pol.is: moderated -1 or meta); their
      columns count as zeros, as in Pol.is.
    - Sticky k: Pol.is changes the number of groups only after a new k has had the best
      silhouette on 4 updates in a row (conversation.clj ``:group-k-smoother``,
      ``:group-k-buffer`` 4). Here the caller passes the ``previous_k`` shown, and k changes
      only when the best k's silhouette beats the previous k's by more than ``k_margin``; a
      ``previous_k`` that is no longer possible is ignored. ``best_k`` and ``silhouettes`` of
      the result let a caller apply a persistence rule of its own.
    - Degenerate input: a matrix without any vote raises ValueError; when no split into two or
      more groups is possible (fewer than 3 distinct positions, e.g. one participant or
      everyone voting alike, or no split keeps every group at ``min_group_share``) everyone
      is in one group: ``k`` = 1, ``silhouette`` NaN.

    Deterministic for a given ``seed``. Runs on one thread: the work is small, and with
    several kernels on a busy 2-core server the BLAS/OpenMP threads' busy-waiting made it 5 to
    10 times slower (measured with the benchmark, bench/bench_opinion_groups.py).
    """
    with threadpool_limits(limits=1):
        return _opinion_groups(matrix, previous_k=previous_k, k_range=k_range,
                               base_clusters=base_clusters, min_votes=min_votes, seed=seed,
                               moderated_out=moderated_out, k_margin=k_margin,
                               min_group_share=min_group_share)


def _opinion_groups(matrix: pd.DataFrame, *, previous_k, k_range, base_clusters, min_votes,
                    seed, moderated_out, k_margin, min_group_share) -> OpinionGroups:
    values = _check_matrix(matrix)
    if values.size == 0 or np.isnan(values).all():
        raise ValueError("no votes: opinion groups need at least one vote")
    if k_range[0] < 2 or k_range[1] < k_range[0]:
        raise ValueError(f"k_range must be (low, high) with 2 <= low <= high, not {k_range}")
    inside = clustered_participants(matrix, min_votes)
    rating = values.copy()
    out = matrix.columns.isin(list(moderated_out))
    rating[:, out] = 0.0                          # named_matrix.clj zero-out-columns

    has_votes = ~np.isnan(values).all(axis=1)
    projection, components, center = _project(rating, has_votes, seed)
    rows = matrix.index.get_indexer(inside)
    coords = projection[rows]
    n = len(coords)

    # Base clusters: k-means on the participants' positions (conversation.clj :base-clusters).
    n_distinct = len(np.unique(np.round(coords, 12), axis=0))
    n_base = max(1, min(base_clusters, n_distinct))
    if n_base > 1:
        base = KMeans(n_clusters=n_base, n_init=BASE_STARTS, random_state=seed).fit(coords)
        base_labels, base_centres = base.labels_, base.cluster_centers_
    else:
        base_labels, base_centres = np.zeros(n, dtype=int), coords.mean(axis=0, keepdims=True)
    weights = np.bincount(base_labels, minlength=n_base).astype(float)

    # Groups: weighted k-means over the base-cluster centres, k by silhouette.
    max_k = min(k_range[1], 2 + n_base // BASE_CLUSTERS_PER_K, n_base - 1)
    min_size = max(2.0, math.ceil(min_group_share * n))
    seeds = np.random.default_rng(seed).integers(0, 2**31 - 1, size=GROUP_STARTS)
    clusterings: dict[int, np.ndarray] = {}
    silhouettes: dict[int, float] = {}
    for k in range(k_range[0], max_k + 1):
        group_of_base = _kmeans_with_floor(base_centres, weights, k, seeds, min_size)
        if group_of_base is not None:
            clusterings[k] = group_of_base
            # clusters.clj silhouette: the mean over base clusters, unweighted
            silhouettes[k] = float(silhouette_score(base_centres, group_of_base))

    if not clusterings:
        labels = np.zeros(n, dtype=int)
        return OpinionGroups(inside, coords, labels, 1, math.nan, base_labels, base_centres,
                             components, center, matrix.columns, 1, {},
                             matrix.index[has_votes].difference(inside))
    best_k = max(silhouettes, key=lambda k: (silhouettes[k], -k))
    k = best_k
    if previous_k in silhouettes and silhouettes[best_k] <= silhouettes[previous_k] + k_margin:
        k = previous_k
    labels = _renumber(clusterings[k][base_labels], coords)
    return OpinionGroups(inside, coords, labels, k, silhouettes[k], base_labels, base_centres,
                         components, center, matrix.columns, best_k, silhouettes,
                         matrix.index[has_votes].difference(inside))


# -- statistics per group ----------------------------------------------------------------------
def _group_counts(matrix: pd.DataFrame, labels_by_voter: pd.Series
                  ) -> tuple[list, np.ndarray, np.ndarray, np.ndarray]:
    """Per group (sorted by group id) and statement: agrees, disagrees, votes (incl. passes).
    Only voters that are in a group count (Pol.is counts group members only)."""
    labels = labels_by_voter.dropna()
    labels = labels[labels.index.isin(matrix.index)]
    if labels.empty:
        raise ValueError("no voter of the matrix is in a group")
    values = _check_matrix(matrix.loc[labels.index])
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


# -- the opinion map ---------------------------------------------------------------------------
def opinion_map(groups: OpinionGroups, *, title: str = "",
                labels: Mapping[int, str] | None = None):
    """Participants as dots on the two PCA axes, coloured by group, with a legend of group
    sizes. ``labels`` names groups (default A, B, C … as Pol.is does). Returns a
    :class:`matplotlib.figure.Figure` (no pyplot: safe in a kernel and with the Agg backend)."""
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    font = FontProperties(family=MAP_FONTS)
    fig = Figure(figsize=(6.4, 5.2), layout="constrained")
    ax = fig.add_subplot()
    sizes = groups.sizes()
    for g in range(groups.k):
        mine = groups.labels == g
        name = (labels or {}).get(g, chr(ord("A") + g) if g < 26 else str(g))
        ax.scatter(groups.coords[mine, 0], groups.coords[mine, 1], s=22, alpha=0.8,
                   color=GROUP_COLOURS[g % len(GROUP_COLOURS)], edgecolors="white",
                   linewidths=0.4, label=f"{name} ({sizes[g]})")
    ax.axhline(0, color="#cccccc", linewidth=0.6, zorder=0)
    ax.axvline(0, color="#cccccc", linewidth=0.6, zorder=0)
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if len(groups.participants):
        ax.legend(prop=font, loc="best", frameon=False)
    if title:
        ax.set_title(title, fontproperties=font, loc="left")
    return fig


# -- comparison with Pol.is's own output -------------------------------------------------------
def compare_with_polis(folder, *, seed: int = 0) -> dict:
    """Our groups and consensus against the ones a Pol.is export carries (participants-votes
    ``group-id``, comments ``group-informed-consensus``). Returns the figures that
    docs/opinion-groups.md reports."""
    from sklearn.metrics import adjusted_rand_score

    from workbench.deliberation.polis_files import read_polis_export

    conv = read_polis_export(folder)
    if conv.groups is None or conv.consensus is None:
        raise ValueError(f"{folder}: needs participants-votes.csv with group-id and "
                         "comments.csv with group-informed-consensus")
    matrix = vote_matrix(conv.votes)
    ours = opinion_groups(matrix, moderated_out=conv.moderated_out(), seed=seed)
    polis = conv.groups.dropna()
    both = ours.participants.intersection(polis.index)
    mine = ours.by_voter()
    exact = group_informed_consensus(matrix, conv.groups)
    reference = conv.consensus.reindex(matrix.columns)
    with_ours = group_informed_consensus(matrix, mine)
    # plain k-means + silhouette on the mean-imputed matrix of the same participants
    plain = _plain_kmeans(matrix.loc[ours.participants], seed)
    return {
        "participants": int(matrix.shape[0]), "statements": int(matrix.shape[1]),
        "clustered": len(ours.participants), "polis_grouped": len(polis),
        "compared": len(both), "k": ours.k, "polis_k": int(polis.nunique()),
        "sizes": ours.sizes().tolist(),
        "polis_sizes": polis.value_counts().sort_index().astype(int).tolist(),
        "silhouette": ours.silhouette,
        "ari": float(adjusted_rand_score(polis[both], mine[both])),
        "spearman": float(with_ours.rank().corr(reference.rank())),
        "gic_max_abs_diff": float((exact - reference).abs().max()),
        "gic_bit_identical": int((exact.to_numpy() == reference.to_numpy()).sum()),
        "plain_kmeans_ari": float(adjusted_rand_score(polis[both], plain[both])),
        "plain_kmeans_spearman": float(
            group_informed_consensus(matrix, plain).rank().corr(reference.rank())),
    }


def _plain_kmeans(matrix: pd.DataFrame, seed: int) -> pd.Series:
    """The baseline: k-means (k 2..5 by silhouette) straight on the mean-imputed votes."""
    imputed = matrix.fillna(matrix.mean()).fillna(0.0).to_numpy()
    best = None
    for k in range(2, min(5, len(imputed) - 1) + 1):
        labels = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(imputed)
        score = silhouette_score(imputed, labels)
        if best is None or score > best[0]:
            best = (score, labels)
    return pd.Series(best[1], index=matrix.index, name="group")


def _main(argv: list[str] | None = None) -> int:
    import argparse
    import json

    parser = argparse.ArgumentParser(
        prog="python -m workbench.deliberation.opinion_groups",
        description="Compare our opinion groups and consensus with a Pol.is export's own.")
    parser.add_argument("--compare", metavar="DIR", required=True,
                        help="a Pol.is export folder (comments.csv, votes.csv, "
                             "participants-votes.csv)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    print(json.dumps(compare_with_polis(args.compare, seed=args.seed), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
