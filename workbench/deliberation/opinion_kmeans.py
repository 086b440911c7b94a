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
- :func:`grouping`: k groups of the base-cluster centres, each weighted by its size, started
  as Pol.is grows a clustering (:func:`clean_start`: clusters.clj ``clean-start-clusters``,
  ``most-distal``, ``recenter-clusters``), then at most 20 weighted Lloyd steps (clusters.clj
  ``kmeans``: ``max-iters`` 20, which the group step gets, as conversation.clj passes
  ``:cluster-iters``, a name ``kmeans`` does not read). Pol.is's k-means never looks for the
  lowest-inertia split: it stays near where it started, and where the two differ, Pol.is's
  groups are where its start leads (measured on ten real conversations: the mean adjusted Rand
  index with Pol.is's groups 0.66 with the lowest-inertia split of 300 random starts, 0.74
  with this start). Only when that start leaves a group under the floor weight (one far-out
  voter split off alone) is the lowest-inertia clustering of ``STARTS`` seeded k-means++
  starts that keeps every group at the floor taken instead.

Plain numpy and scikit-learn; imported by :mod:`.opinion_groups` only.
"""

from __future__ import annotations

import numpy as np
from sklearn.cluster import KMeans

#: k-means++ starts of the group step (all run at once, vectorised).
STARTS = 300
#: Lloyd iterations of the k-means++ starts of the group step (they begin far from the end,
#: so they get more than Pol.is's 20).
ITERATIONS = 100
#: Lloyd iterations from Pol.is's clean start (clusters.clj ``kmeans``, ``max-iters`` 20).
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


def _plus_plus(points: np.ndarray, weights: np.ndarray, k: int, starts: int,
               rng: np.random.Generator) -> np.ndarray:
    """``starts`` k-means++ seedings at once, weighted: starts × k × 2 centres."""
    n = len(points)
    picks = np.empty((starts, k), dtype=int)
    picks[:, 0] = rng.choice(n, size=starts, p=weights / weights.sum())
    nearest = ((points[None, :, :] - points[picks[:, 0]][:, None, :]) ** 2).sum(-1)
    for j in range(1, k):
        mass = nearest * weights[None, :]
        total = mass.sum(axis=1, keepdims=True)
        # all points on the centres already chosen: any point will do
        mass = np.where(total > 0, mass / np.where(total > 0, total, 1.0), 1.0 / n)
        cumulative = np.cumsum(mass, axis=1)
        draw = rng.random(starts)[:, None] * cumulative[:, -1:]
        picks[:, j] = np.minimum((cumulative < draw).sum(axis=1), n - 1)
        d = ((points[None, :, :] - points[picks[:, j]][:, None, :]) ** 2).sum(-1)
        nearest = np.minimum(nearest, d)
    return points[picks]


def _nearest(points: np.ndarray, centres: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For starts × k centres: each point's nearest centre and squared distance (s × n)."""
    d = np.zeros((centres.shape[0], points.shape[0], centres.shape[1]))
    for dim in range(points.shape[1]):
        d += (points[None, :, dim, None] - centres[:, None, :, dim]) ** 2
    labels = d.argmin(axis=2)
    return labels, np.take_along_axis(d, labels[..., None], axis=2)[..., 0]


def _weighted_sums(points: np.ndarray, weights: np.ndarray, labels: np.ndarray, k: int
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Per start and group: the weight (s × k) and the weighted sum of the points (s × k × d)."""
    s = labels.shape[0]
    index = (np.arange(s)[:, None] * k + labels).ravel()
    mass = np.bincount(index, weights=np.tile(weights, s), minlength=s * k).reshape(s, k)
    sums = np.stack([np.bincount(index, weights=np.tile(weights * points[:, dim], s),
                                 minlength=s * k).reshape(s, k)
                     for dim in range(points.shape[1])], axis=-1)
    return mass, sums


def _weighted_centres(points: np.ndarray, weights: np.ndarray, labels: np.ndarray, k: int
                      ) -> np.ndarray:
    mass, sums = _weighted_sums(points, weights, labels[None, :], k)
    return sums[0] / np.maximum(mass[0], 1e-300)[:, None]


def clean_start(points: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    """Pol.is's start for ``k`` groups (clusters.clj ``clean-start-clusters``): everyone in one
    cluster; then, while there are fewer than ``k``, the point farthest from every cluster's
    centre (``most-distal``) leaves its cluster for a new one of its own, and every centre is
    recomputed as the weighted mean of its members (``recenter-clusters``). Returns the label
    per point. Ties go to the first point: the caller's order (the base clusters' order does
    not depend on the order of the rows)."""
    labels = np.zeros(len(points), dtype=int)
    n_clusters = 1
    while n_clusters < k:
        centres = _weighted_centres(points, weights, labels, n_clusters)
        nearest = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(-1).min(axis=1)
        far = int(np.argmax(nearest))
        if nearest[far] <= 0:
            break
        labels[far] = n_clusters
        n_clusters += 1
    return labels


def polis_kmeans(points: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    """Weighted k-means from :func:`clean_start`, at most ``POLIS_ITERATIONS`` Lloyd steps
    (clusters.clj ``kmeans``, ``cluster-step``: a cluster left empty is dropped). Label per
    point, numbered 0 .. (clusters left) - 1."""
    labels = clean_start(points, weights, k)
    for _ in range(POLIS_ITERATIONS):
        kept = np.unique(labels)
        centres = _weighted_centres(points, weights, np.searchsorted(kept, labels), len(kept))
        moved = _nearest(points, centres[None])[0][0]
        if np.array_equal(moved, np.searchsorted(kept, labels)):
            break
        labels = moved
    return np.searchsorted(np.unique(labels), labels)


def grouping(points: np.ndarray, weights: np.ndarray, k: int, rng: np.random.Generator,
             min_weight: float, starts: int = STARTS) -> np.ndarray | None:
    """Weighted k-means of ``points`` into ``k`` groups (label per point): Pol.is's
    (:func:`polis_kmeans`) when its ``k`` groups each weigh at least ``min_weight``; else, of
    ``starts`` k-means++ starts, the lowest-inertia clustering whose every group does; None
    when no start gives one."""
    labels = polis_kmeans(points, weights, k)
    mass = np.bincount(labels, weights=weights, minlength=k)
    if labels.max() == k - 1 and mass.min() >= min_weight:
        return labels
    centres = _plus_plus(points, weights, k, starts, rng)
    active = np.arange(starts)            # the starts still moving
    for _ in range(ITERATIONS):
        c = centres[active]
        labels = _nearest(points, c)[0]
        mass, sums = _weighted_sums(points, weights, labels, k)
        # an emptied group keeps its centre (it then fails the floor below)
        moved = np.where(mass[..., None] > 0, sums / np.maximum(mass, 1e-300)[..., None], c)
        centres[active] = moved
        active = active[np.abs(moved - c).max(axis=(1, 2)) > 1e-12]
        if not len(active):
            break
    labels, d = _nearest(points, centres)
    inertia = (d * weights[None, :]).sum(axis=1)
    mass = _weighted_sums(points, weights, labels, k)[0]
    fits = mass.min(axis=1) >= min_weight
    if not fits.any():
        return None
    # lowest inertia; ties (the same clustering found twice) by the first start
    inertia = np.where(fits, np.round(inertia, 9), np.inf)
    return labels[int(np.argmin(inertia))]
