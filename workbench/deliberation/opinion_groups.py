"""Opinion groups by the Pol.is method, in plain pandas / numpy / scikit-learn.

Residents vote agree (+1), disagree (-1) or pass (0) on short statements. From the votes alone
this module finds the *opinion groups* (people who tend to vote alike) and draws them on the
*opinion map*; :mod:`.group_statements` says what each group stands for and what all share.
It follows the published Pol.is math, compdemocracy/polis ``math/src/polismath/math/``
(conversation.clj, pca.clj, clusters.clj, named_matrix.clj); each rule below names the place
it comes from. docs/opinion-groups.md explains the method and gives the measured agreement
with Pol.is's own groups on ten real conversations (bench/bench_opinion_groups.py).

The steps of :func:`opinion_groups`:

1. Who is clustered (conversation.clj ``:in-conv``): participants with at least
   ``min(min_votes, n_statements)`` votes; if that leaves fewer than 15, the most active
   voters are added until there are 15.
2. Moderated-out and meta statements (conversation.clj ``mod-update``, ``:rating-mat``;
   named_matrix.clj ``zero-out-columns``) become a column of zeros: they no longer pull the map.
3. PCA to two dimensions on the vote matrix with each missing vote replaced by its statement's
   mean (conversation.clj ``:mat``, pca.clj ``powerit-pca``), fitted on every voter.
4. Sparsity-aware projection (pca.clj ``sparsity-aware-project-ptpt``): a participant is
   projected from the votes they cast only, then pushed out by
   ``sqrt(n_statements / n_votes)`` so that someone who voted on few statements is not drawn
   to the centre merely for lack of votes.
5. Base clusters (conversation.clj ``:base-clusters``, ``:base-k`` 100): k-means with up to
   100 clusters on the projections, started as Pol.is starts it (:mod:`.opinion_kmeans`).
6. Groups (``:group-clusterings``): k-means with k = 2 .. min(5, 2 + n_base // 12)
   (``max-k-fn``) on the base-cluster centres, each weighted by its size
   (``:base-clusters-weights``), each k grown from the k before by splitting off the most
   distal point as Pol.is grows a clustering (:mod:`.opinion_kmeans`, clusters.clj
   ``clean-start-clusters``); k is chosen by the silhouette of the base-cluster centres
   (clusters.clj ``silhouette``), smoothed as Pol.is's ``:group-k-smoother`` holds k: see
   *sticky k* in :func:`opinion_groups`.

One rule is ours, not Pol.is's: a group must hold at least ``min_group_share`` of the
clustered participants (and at least 2 people). Splitting off the most distal point, as Pol.is
does, can leave one far-out heavy voter alone in a "group"; such a split point is passed over
for the next farthest. One person is not an opinion group.

Nothing is drawn at random: the rows are taken in voter order whatever order they come in, and
both k-means steps start from a rule, not a seed, so the same votes give the same groups
(``seed`` only reaches scikit-learn's PCA, whose full SVD does not use it).

scikit-learn is imported here and only here among the rules: the resident page's kernel never
imports this module.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterable, Mapping

import numpy as np
import pandas as pd
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_score
from threadpoolctl import threadpool_limits

# The votes and the statistics of groups live in their own modules; they are part of this
# module's API too, as before the split.
from workbench.deliberation.group_statements import (  # noqa: F401
    Z_90, consensus_statements, group_informed_consensus, representative_statements)
from workbench.deliberation import opinion_kmeans
from workbench.deliberation.opinion_votes import (  # noqa: F401
    AGREE, DISAGREE, PASS, VOTE_VALUES, vote_matrix, vote_values)

#: conversation.clj ``:in-conv``: below this many clustered participants, add the most active.
GREEDY_N = 15
#: conversation.clj ``max-k-fn``: one more possible group per 12 base clusters.
BASE_CLUSTERS_PER_K = 12
#: Silhouette lead a new k needs over the k held before the groups change (sticky k).
K_MARGIN = 0.05
#: Smallest group, as a share of the clustered participants (ours, see the module doc).
MIN_GROUP_SHARE = 0.02
GROUP_COLOURS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02",
                 "#a6761d", "#666666")


# -- who is clustered -------------------------------------------------------------------------
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


def _in_voter_order(matrix: pd.DataFrame) -> pd.DataFrame:
    """Rows by voter and columns by statement, so that k-means sees the same points in the same
    order however the caller ordered them (ids of one type sort; mixed ones keep their order)."""
    try:
        return matrix.sort_index().sort_index(axis=1)
    except TypeError:
        return matrix


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
      ``:group-k-buffer`` 4), and every conversation starts with 2 groups (``max-k-fn`` allows
      no more until there are 12 base clusters). Here the caller passes the ``previous_k``
      shown (default: none shown yet, so the smallest k of ``k_range``, 2), and k changes
      only when the best k's silhouette beats the held k's by more than ``k_margin``; a
      ``previous_k`` that is no longer possible holds nothing. ``best_k`` and ``silhouettes`` of
      the result let a caller apply a persistence rule of its own.
    - Degenerate input: a matrix without any vote raises ValueError; when no split into two or
      more groups is possible (fewer than 3 distinct positions, e.g. one participant or
      everyone voting alike, or no split keeps every group at ``min_group_share``) everyone
      is in one group: ``k`` = 1, ``silhouette`` NaN.

    Deterministic, whatever the order of the rows or the ``seed``. Runs on one thread:
    the work is small, and with several kernels on a busy 2-core server the BLAS/OpenMP
    threads' busy-waiting made it 5 to 10 times slower (measured with the benchmark,
    bench/bench_opinion_groups.py).
    """
    with threadpool_limits(limits=1):
        return _opinion_groups(matrix, previous_k=previous_k, k_range=k_range,
                               base_clusters=base_clusters, min_votes=min_votes, seed=seed,
                               moderated_out=moderated_out, k_margin=k_margin,
                               min_group_share=min_group_share)


def _opinion_groups(matrix: pd.DataFrame, *, previous_k, k_range, base_clusters, min_votes,
                    seed, moderated_out, k_margin, min_group_share) -> OpinionGroups:
    matrix = _in_voter_order(matrix)
    values = vote_values(matrix)
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
        base_labels, base_centres = opinion_kmeans.base_clusters(coords, n_base)
    else:
        base_labels, base_centres = np.zeros(n, dtype=int), coords.mean(axis=0, keepdims=True)
    n_base = len(base_centres)        # the start may hold fewer when positions nearly coincide
    weights = np.bincount(base_labels, minlength=n_base).astype(float)

    # Groups: weighted k-means over the base-cluster centres, k by silhouette.
    max_k = min(k_range[1], 2 + n_base // BASE_CLUSTERS_PER_K, n_base - 1)
    min_size = max(2.0, math.ceil(min_group_share * n))
    clusterings = {k: group_of_base for k, group_of_base
                   in opinion_kmeans.groupings(base_centres, weights, max_k, min_size).items()
                   if k >= k_range[0]}
    # clusters.clj silhouette: the mean over base clusters, unweighted
    silhouettes = {k: float(silhouette_score(base_centres, group_of_base))
                   for k, group_of_base in clusterings.items()}

    if not clusterings:
        labels = np.zeros(n, dtype=int)
        return OpinionGroups(inside, coords, labels, 1, math.nan, base_labels, base_centres,
                             components, center, matrix.columns, 1, {},
                             matrix.index[has_votes].difference(inside))
    best_k = max(silhouettes, key=lambda k: (silhouettes[k], -k))
    k = best_k
    # the k held: the one shown before, or 2 when none was shown yet; an impossible one is not
    held = k_range[0] if previous_k is None else previous_k
    if held in silhouettes and silhouettes[best_k] <= silhouettes[held] + k_margin:
        k = held
    labels = _renumber(clusterings[k][base_labels], coords)
    return OpinionGroups(inside, coords, labels, k, silhouettes[k], base_labels, base_centres,
                         components, center, matrix.columns, best_k, silhouettes,
                         matrix.index[has_votes].difference(inside))


# -- the opinion map ---------------------------------------------------------------------------
def opinion_map(groups: OpinionGroups, *, title: str = "",
                labels: Mapping[int, str] | None = None):
    """Participants as dots on the two PCA axes, coloured by group, with a legend of group
    sizes. ``labels`` names groups (default A, B, C … as Pol.is does). Returns a
    :class:`matplotlib.figure.Figure` (no pyplot: safe in a kernel and with the Agg backend)."""
    from matplotlib.figure import Figure

    from workbench.surveys.charts import use_cjk_font

    use_cjk_font()          # the machine's Chinese font, as every chart (Windows, macOS too)
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
        ax.legend(loc="best", frameon=False)
    if title:
        ax.set_title(title, loc="left")
    return fig


# -- comparison with Pol.is's own output -------------------------------------------------------
def compare_with_polis(folder, *, seed: int = 0) -> dict:
    """Our groups and consensus against a Pol.is export's own, with a plain method's figures
    from the same call (:func:`.polis_comparison.compare_with_polis`)."""
    from workbench.deliberation import polis_comparison

    return polis_comparison.compare_with_polis(folder, seed=seed)


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
