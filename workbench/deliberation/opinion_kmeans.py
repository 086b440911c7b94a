"""The two k-means steps of the opinion groups (clusters.clj ``kmeans``), made deterministic.

- :func:`base_clusters`: up to 100 clusters of the participants' positions. Pol.is never
  starts k-means from random seeds: a new clustering starts from the first k distinct
  positions in participant order (clusters.clj ``init-clusters``), and an existing one grows
  to k by splitting off the most distal point (``clean-start-clusters``, ``most-distal``). We
  start by the latter rule alone (the order of participants is not the same here and in
  Pol.is: our voter ids are not Pol.is's), then Lloyd iterations to convergence. No
  randomness: the base clusters, which the groups are made of, no longer move with a seed
  (with scikit-learn's random starts they did, and the groups with them: the adjusted Rand
  index between two seeds fell to 0.95 on a conversation of 900 participants).
- :func:`groupings`: the groups, k-means of the base-cluster centres weighted by their sizes,
  for k = 2, 3, ... up to a largest k. Pol.is's k-means does not look for the lowest-inertia
  clustering: it grows a clustering from the one it had (clusters.clj
  ``clean-start-clusters``: the ``most-distal`` point, the one farthest from every centre,
  leaves its cluster for a new one of its own, centres recomputed, ``recenter-clusters``),
  then at most 20 Lloyd steps (``kmeans``: ``max-iters`` 20, which the group step gets, as
  conversation.clj passes ``:cluster-iters``, a name ``kmeans`` does not read). We grow the
  same way from everyone in one group: k = 2 from that, k = 3 from k = 2's groups, and so on.
  Where the lowest-inertia split and this one differ, Pol.is's groups are more often this
  one's: on ten real conversations the mean adjusted Rand index with Pol.is's groups went from
  0.66, with the lowest of 300 random k-means++ starts, to 0.74 (better on four, worse on
  one, where a dense group with a sparse tail has several optima 0.08 % apart in inertia: the
  split from the tip stops at the outermost, Pol.is's history took it to another, and no rule
  on the final votes finds Pol.is's on every conversation; docs/opinion-groups.md, "Why
  biodiversity fell"). Ours alone: a split point that would
  leave a group under the floor weight (one far-out voter alone) is passed over for the next
  farthest, and when none keeps every group at the floor, no larger k is possible. No
  randomness: neither a seed nor the order of the rows changes the groups.

Plain numpy and scikit-learn; imported by :mod:`.opinion_groups`, and by
:mod:`.polis_comparison` to settle Pol.is's own groups on our map.
"""

from __future__ import annotations

import numpy as np
from sklearn.cluster import KMeans

#: Lloyd steps after each split of the group step (clusters.clj ``kmeans``, ``max-iters`` 20).
POLIS_ITERATIONS = 20


def most_distal_start(points: np.ndarray, k: int) -> np.ndarray:
    """``k`` starting centres: the mean of all points, then, one at a time, the point farthest
    from every centre so far (clusters.clj ``clean-start-clusters``: Pol.is grows a clustering
    to k by splitting off the ``most-distal`` point). Ties go to the smallest point in
    coordinate order, so neither the row order nor the voter ids change the start."""
    points = points[np.lexsort(points.T[::-1])]
    centres = [points.mean(axis=0)]
    nearest = ((points - centres[0]) ** 2).sum(axis=1)
    for _ in range(1, k):
        far = int(np.argmax(nearest))
        if nearest[far] <= 0:
            break
        centres.append(points[far])
        nearest = np.minimum(nearest, ((points - points[far]) ** 2).sum(axis=1))
    return np.array(centres)


def base_clusters(points: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """k-means of the participants' positions from :func:`most_distal_start`: (label per
    point, centres). ``k`` must not exceed the distinct points."""
    start = most_distal_start(points, k)
    fit = KMeans(n_clusters=len(start), init=start, n_init=1, max_iter=300,
                 algorithm="lloyd").fit(points)
    return fit.labels_, fit.cluster_centers_


def _weighted_centres(points: np.ndarray, weights: np.ndarray, labels: np.ndarray, k: int
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Per cluster 0 .. k-1: its weight and the weighted mean of its points (clusters.clj
    ``weighted-mean``); an empty cluster's centre is 0 (and its weight 0)."""
    mass = np.bincount(labels, weights=weights, minlength=k)
    sums = np.stack([np.bincount(labels, weights=weights * points[:, dim], minlength=k)
                     for dim in range(points.shape[1])], axis=-1)
    return mass, sums / np.maximum(mass, 1e-300)[:, None]


def _nearest(points: np.ndarray, centres: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each point's nearest centre (ties: the first) and its squared distance to it."""
    d = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=-1)
    labels = d.argmin(axis=1)
    return labels, d[np.arange(len(points)), labels]


def lloyd(points: np.ndarray, weights: np.ndarray, labels: np.ndarray, k: int,
          steps: int = POLIS_ITERATIONS) -> np.ndarray:
    """At most ``steps`` weighted Lloyd steps from ``labels`` (clusters.clj ``kmeans``,
    ``cluster-step``); stops when no point changes cluster. A cluster left empty stays empty
    (Pol.is drops it; the caller's floor then refuses the clustering)."""
    for _ in range(steps):
        mass, centres = _weighted_centres(points, weights, labels, k)
        centres[mass <= 0] = np.inf            # an empty cluster attracts nobody
        moved = _nearest(points, centres)[0]
        if np.array_equal(moved, labels):
            break
        labels = moved
    return labels


def _split(points: np.ndarray, weights: np.ndarray, labels: np.ndarray, k: int,
           min_weight: float) -> np.ndarray | None:
    """``labels`` (k - 1 clusters) grown to k: the most distal point, the one farthest from
    every centre (clusters.clj ``most-distal``), becomes a cluster of its own, then
    :func:`lloyd`. A split point whose clustering leaves a cluster under ``min_weight`` is
    passed over for the next farthest (ours, not Pol.is's); None when none will do. Ties in
    distance go to the first point in the caller's order."""
    _, centres = _weighted_centres(points, weights, labels, k - 1)
    distance = _nearest(points, centres)[1]
    for far in np.argsort(-distance, kind="stable"):
        if distance[far] <= 0:
            break
        trial = labels.copy()
        trial[far] = k - 1
        trial = lloyd(points, weights, trial, k)
        if np.bincount(trial, weights=weights, minlength=k).min() >= min_weight:
            return trial
    return None


def groupings(points: np.ndarray, weights: np.ndarray, max_k: int, min_weight: float
              ) -> dict[int, np.ndarray]:
    """Groups of ``points`` (the base-cluster centres, ``weights`` their sizes) for k = 2 ..
    ``max_k``, each grown from the one before (see the module doc): {k: label per point}.
    Stops at the first k that no split keeps at ``min_weight`` a group."""
    found: dict[int, np.ndarray] = {}
    labels = np.zeros(len(points), dtype=int)
    for k in range(2, max_k + 1):
        labels = _split(points, weights, labels, k, min_weight)
        if labels is None:
            break
        found[k] = labels
    return found
