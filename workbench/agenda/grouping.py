"""Candidate agenda items from proposals: similar proposals are grouped by their text and
their place, so that ten residents asking for shade in the same pocket park become one item
with ten voices, not ten items.

Text similarity is the cosine of character n-grams weighted by rarity (TF-IDF), the same
n-grams as the resident page's duplicate warning (:func:`workbench.similarity.ngrams`), so it
works for Chinese and English alike. Two proposals are linked when their texts are very alike
(``text_threshold``) wherever they are, or fairly alike (``place_threshold``) at the same place:
the same public space, or within ``distance_m`` of each other. Linked proposals form a group
(connected components). Deterministic: the same proposals and thresholds give the same groups.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from ..similarity import ngrams

TEXT_THRESHOLD = 0.75
PLACE_THRESHOLD = 0.3
#: within this distance two proposals are "at the same place" (a pocket park is about 50-100 m
#: across: 400-10,000 m² by the 2022 national notice on pocket parks)
DISTANCE_M = 120.0
EARTH_RADIUS_M = 6_371_008.8


def _analyzer(text: str) -> list[str]:
    return list(ngrams(text).elements())


def text_vectors(texts: list[str]):
    """Unit-length TF-IDF vectors (sparse rows) of the texts' character n-grams."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(analyzer=_analyzer, sublinear_tf=True, norm="l2")
    return vectorizer.fit_transform(texts)


def similar_pairs(proposals: pd.DataFrame, *, text_threshold: float = TEXT_THRESHOLD,
                  place_threshold: float = PLACE_THRESHOLD, distance_m: float = DISTANCE_M
                  ) -> pd.DataFrame:
    """Pairs of proposals (by row position i < j) that belong together, with their text
    similarity and distance: columns i, j, similarity, distance_m, same_space."""
    from sklearn.neighbors import NearestNeighbors

    n = len(proposals)
    empty = pd.DataFrame(columns=["i", "j", "similarity", "distance_m", "same_space"])
    if n < 2:
        return empty
    texts = (proposals["title"].fillna("") + " " + proposals["description"].fillna("")).tolist()
    vectors = text_vectors(texts)
    low = min(text_threshold, place_threshold)
    # every pair at least ``low`` alike, found in chunks (never an n x n matrix in memory)
    nn = NearestNeighbors(radius=1.0 - low, metric="cosine", algorithm="brute").fit(vectors)
    graph = nn.radius_neighbors_graph(vectors, mode="distance").tocoo()
    keep = graph.row < graph.col
    i, j = graph.row[keep], graph.col[keep]
    similarity = 1.0 - graph.data[keep]
    # an exact duplicate has distance 0, which a sparse graph does not store: add them back
    zero = _exact_duplicates(texts)
    if zero:
        zi, zj = map(np.array, zip(*zero))
        i, j = np.concatenate([i, zi]), np.concatenate([j, zj])
        similarity = np.concatenate([similarity, np.ones(len(zi))])
    pairs = pd.DataFrame({"i": i, "j": j, "similarity": similarity}).drop_duplicates(
        ["i", "j"])
    lon = np.radians(proposals["lon"].to_numpy(dtype=float))
    lat = np.radians(proposals["lat"].to_numpy(dtype=float))
    pairs["distance_m"] = _haversine(lon[pairs["i"]], lat[pairs["i"]], lon[pairs["j"]],
                                     lat[pairs["j"]])
    space = proposals["public_space_id"].fillna("").to_numpy(dtype=object)
    pairs["same_space"] = (space[pairs["i"]] == space[pairs["j"]]) & (space[pairs["i"]] != "")
    near = pairs["same_space"] | (pairs["distance_m"] <= distance_m)
    linked = (pairs["similarity"] >= text_threshold) | (near & (pairs["similarity"]
                                                                >= place_threshold))
    return pairs[linked].sort_values(["i", "j"], ignore_index=True)


def _exact_duplicates(texts: list[str]) -> list[tuple[int, int]]:
    first: dict[str, int] = {}
    out = []
    for k, text in enumerate(texts):
        key = " ".join(sorted(ngrams(text).elements()))
        if key in first:
            out.append((first[key], k))
        else:
            first[key] = k
    return out


def _haversine(lon1, lat1, lon2, lat2):
    a = (np.sin((lat2 - lat1) / 2) ** 2
         + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def group_proposals(proposals: pd.DataFrame, **thresholds) -> list[list[int]]:
    """Groups of proposal ids (each a list sorted by id; groups ordered by their first id).
    ``proposals`` has columns id, title, description, lon, lat, public_space_id."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    proposals = proposals.sort_values("id", ignore_index=True)
    n = len(proposals)
    if n == 0:
        return []
    pairs = similar_pairs(proposals, **thresholds)
    graph = coo_matrix((np.ones(len(pairs)), (pairs["i"], pairs["j"])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    ids = proposals["id"].to_numpy()
    groups: dict[int, list[int]] = {}
    for k, label in enumerate(labels):
        groups.setdefault(label, []).append(int(ids[k]))
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])


def candidate_item(proposals: pd.DataFrame, supports: dict[int, int] | None = None) -> dict:
    """An item's starting fields from its proposals: the title and description of the most
    supported one (the oldest among equals), the most common scenario and public space, and
    the middle of their locations."""
    supports = supports or {}
    rows = proposals.assign(_s=[supports.get(int(p), 0) for p in proposals["id"]])
    lead = rows.sort_values(["_s", "id"], ascending=[False, True]).iloc[0]
    spaces = [s for s in rows["public_space_id"] if isinstance(s, str) and s]
    return {"title": lead["title"], "description": lead["description"] or "",
            "scenario": _most_common_in_order(rows["scenario"].tolist()),
            "public_space_id": _most_common_in_order(spaces) if spaces else None,
            "lon": float(rows["lon"].median()), "lat": float(rows["lat"].median()),
            "proposal_ids": sorted(int(p) for p in rows["id"])}


def _most_common_in_order(values: list, default=None):
    """The most common value; ties go to the one seen first (deterministic)."""
    if not values:
        return default
    counts = Counter(values)
    best = max(counts.values())
    return next(v for v in values if counts[v] == best)
