"""Average linkage (UPGMA) on sparse similarities: the clustering that groups proposals.

Two groups are joined while the *average* similarity of all their pairs of members is at
least a threshold; a pair not given counts as 0 (not alike). Linking pairs into connected
components instead lets one middling likeness chain two different requests into one item
(benches - "benches and lights" - lights); an average over every pair of members does not,
and a request asked by many in different words still forms one item, since each member is
alike on average to the others. (Sokal and Michener 1958; the "average" method of
``scipy.cluster.hierarchy.linkage``, which needs every pair: here only the alike pairs are
held, so memory follows the number of alike pairs, not the square of the proposals.)

Deterministic: ties are broken by the lower member number.
"""

from __future__ import annotations

import heapq

import numpy as np


def average_linkage(n: int, i, j, similarity, threshold: float,
                    weights=None) -> np.ndarray:
    """Cluster labels (the lowest member number of each cluster) of ``n`` points given the
    similarities of some pairs (``i``, ``j``, ``similarity``: arrays alike; other pairs are
    0; a pair given twice adds up). ``weights``: how many members each point stands for
    (identical members folded into one point: exact, since they are alike to every other
    point alike); 1 each by default."""
    # plain lists: this loop reads them item by item, where numpy arrays are slow
    size = [1.0] * n if weights is None else [float(w) for w in weights]
    # sum of the similarities of every pair of members, between each two clusters
    between: list[dict[int, float]] = [dict() for _ in range(n)]
    for a, b, s in zip(np.asarray(i, dtype=np.int64).tolist(),
                       np.asarray(j, dtype=np.int64).tolist(),
                       np.asarray(similarity, dtype=float).tolist()):
        if a != b and s > 0:
            between[a][b] = between[b][a] = between[a].get(b, 0.0) + s * size[a] * size[b]
    label = list(range(n))

    def cluster(k: int) -> int:
        while label[k] != k:
            label[k] = label[label[k]]
            k = label[k]
        return k

    def join(a: int, b: int) -> None:
        """b's cluster joins a's (a < b: a cluster keeps its lowest number)."""
        label[b] = a
        for c, total in between[b].items():
            if c != a:
                between[a][c] = between[c][a] = between[a].get(c, 0.0) + total
                del between[c][b]
        between[a].pop(b, None)
        between[b] = {}
        size[a] += size[b]

    heap = [(-total / (size[a] * size[b]), a, b)
            for a in range(n) for b, total in between[a].items()
            if a < b and total / (size[a] * size[b]) >= threshold]
    heapq.heapify(heap)
    while heap:
        negative, a, b = heapq.heappop(heap)
        if label[a] != a or label[b] != b \
                or -negative != between[a].get(b, 0.0) / (size[a] * size[b]):
            continue  # a stale entry: either end has joined another or grown since
        join(a, b)
        for c, total in between[a].items():
            average = total / (size[a] * size[c])
            if average >= threshold:
                heapq.heappush(heap, (-average, min(a, c), max(a, c)))
    return np.array([cluster(k) for k in range(n)])
