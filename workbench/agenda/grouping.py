"""Candidate agenda items from proposals: similar proposals are grouped by their text and
their place, so that ten residents asking for shade in the same pocket park become one item
with ten voices, not ten items.

Text similarity is the cosine of character n-grams weighted by rarity (TF-IDF), the same
n-grams as the resident page's duplicate warning
(:func:`workbench.proposals.similarity.ngrams`), so it works for Chinese, English and Spanish
alike. Two proposals are linked when their whole wording is very alike (``text_threshold``)
wherever they are, or when what they ask (the title weighing as much as the whole text: see
:func:`text_vectors`) is fairly alike (``place_threshold``) at the same place: the same public
space, or within ``distance_m`` of each other, when each is among the other's closest matches
nearby (so that a chance likeness cannot chain two groups into one). Linked proposals form a
group (connected components). Given the names of the community's places, a place's name does
not make two texts alike at that place, and very alike texts naming different places stay
apart (:func:`similar_pairs`). Deterministic: the same proposals and thresholds give the same
groups. Similarities are computed a chunk of rows at a time as a sparse product: 10,000
proposals take seconds and never an n x n matrix in memory.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from workbench.proposals.similarity import ngrams

TEXT_THRESHOLD = 0.75
PLACE_THRESHOLD = 0.3
#: within this distance two proposals are "at the same place" (a pocket park is about 50-100 m
#: across: 400-10,000 m² by the 2022 national notice on pocket parks)
DISTANCE_M = 120.0
#: a link by place joins two proposals only when each is among the other's this many most
#: alike proposals nearby (see :func:`_mutual_best`)
PLACE_PARTNERS = 5
#: ... and at least this share of the similarity of the best link either of them has
BEST_SHARE = 0.75
EARTH_RADIUS_M = 6_371_008.8


def _analyzer(text: str) -> list[str]:
    return list(ngrams(text).elements())


def text_vectors(texts: list[str], descriptions: list[str] | None = None):
    """Unit-length TF-IDF vectors (sparse rows) of the texts' character n-grams.

    Given ``descriptions`` too, ``texts`` are the titles: a proposal's vector is the mean
    of its title's and its description's unit vectors (the title alone when there is no
    description), weights learnt on both. The title says what is asked in a few words; a
    description, from none to a thousand characters, says why, and must not drown it."""
    from sklearn.preprocessing import normalize

    if descriptions is None:
        counts = _counts(texts)
        return _tfidf(counts, counts)
    title_counts, description_counts = _counts(texts + descriptions, split=len(texts))
    whole = title_counts + description_counts
    return normalize(_tfidf(whole, title_counts) + _tfidf(whole, whole))


def _counts(texts: list[str], split: int | None = None):
    """The n-gram counts of the texts as sparse rows over one vocabulary (each text's
    n-grams found once); with ``split``, the rows before and from it, apart."""
    from scipy.sparse import csr_matrix

    vocabulary: dict[str, int] = {}
    indptr, indices, values = [0], [], []
    for text in texts:
        for gram, count in ngrams(text).items():
            indices.append(vocabulary.setdefault(gram, len(vocabulary)))
            values.append(count)
        indptr.append(len(indices))
    matrix = csr_matrix((np.array(values, dtype=np.float64), np.array(indices, dtype=np.int64),
                         np.array(indptr, dtype=np.int64)),
                        shape=(len(texts), max(len(vocabulary), 1)))
    return matrix if split is None else (matrix[:split], matrix[split:])


def _tfidf(learn_from, counts):
    """``counts`` weighted as scikit-learn's TfidfVectorizer does (1 + log of the count,
    smoothed rarity learnt on ``learn_from``), each row of unit length."""
    from sklearn.feature_extraction.text import TfidfTransformer

    weigh = TfidfTransformer(sublinear_tf=True, norm="l2").fit(learn_from)
    return weigh.transform(counts)


def similar_pairs(proposals: pd.DataFrame, *, text_threshold: float = TEXT_THRESHOLD,
                  place_threshold: float = PLACE_THRESHOLD, distance_m: float = DISTANCE_M,
                  place_names: list[str] | None = None,
                  place_partners: int = PLACE_PARTNERS) -> pd.DataFrame:
    """Pairs of proposals (by row position i < j) that belong together, with their text
    similarity and distance: columns i, j, similarity, distance_m, same_space.

    ``place_names``: the names of the community's places (public spaces, buildings; see
    :func:`place_names`). With them, a place's name in two texts does not make them alike
    at that place: "fairly alike at the same place" is measured on the texts without the
    names (else every two proposals naming the same park would be linked, whatever they
    ask, and linked proposals chain into one item per park). And two very alike texts that
    name different places are about different places: they are not linked by their words
    alone. ``similarity`` is then that of the texts without the names for pairs linked by
    place."""
    n = len(proposals)
    empty = pd.DataFrame({"i": pd.Series(dtype=int), "j": pd.Series(dtype=int),
                          "similarity": pd.Series(dtype=float),
                          "distance_m": pd.Series(dtype=float),
                          "same_space": pd.Series(dtype=bool)})
    if n < 2:
        return empty
    titles = proposals["title"].fillna("").astype(str).tolist()
    descriptions = proposals["description"].fillna("").astype(str).tolist()
    # very alike anywhere: the whole wording (the same proposal sent twice, or copied)
    alike = alike_pairs(text_vectors([f"{t} {d}" for t, d in zip(titles, descriptions)]),
                        text_threshold)
    if place_names:
        pattern = _names_pattern(place_names)
        named = [frozenset(m.group(0).lower() for m in pattern.finditer(f"{t} {d}"))
                 for t, d in zip(titles, descriptions)]
        if len(alike):  # very alike, but naming different places: not the same thing
            keep = [not (named[a] and named[b] and not named[a] & named[b])
                    for a, b in zip(alike["i"], alike["j"])]
            alike = alike[np.array(keep, dtype=bool)]
        titles = [pattern.sub(" ", t) for t in titles]
        descriptions = [pattern.sub(" ", d) for d in descriptions]
    # fairly alike at one place: what is asked, the title counting as much as the whole text
    by_place = alike_pairs(text_vectors(titles, descriptions), place_threshold)
    by_place["place_only"] = True
    alike["place_only"] = False
    pairs = pd.concat([alike, by_place], ignore_index=True)
    # a pair found both ways keeps its similarity of wording
    pairs = pairs.sort_values(["i", "j", "place_only"], kind="mergesort") \
        .drop_duplicates(["i", "j"], ignore_index=True)
    if pairs.empty:
        return empty
    i, j = pairs["i"].to_numpy(), pairs["j"].to_numpy()
    lon = np.radians(proposals["lon"].to_numpy(dtype=float))
    lat = np.radians(proposals["lat"].to_numpy(dtype=float))
    pairs["distance_m"] = metres_between(lon[i], lat[i], lon[j], lat[j])
    space = proposals["public_space_id"].fillna("").to_numpy(dtype=object)
    pairs["same_space"] = (space[i] == space[j]) & (space[i] != "")
    near = pairs["same_space"] | (pairs["distance_m"] <= distance_m)
    by_words = ~pairs["place_only"] & (pairs["similarity"] >= text_threshold)
    by_place = ~by_words & near & (pairs["similarity"] >= place_threshold)
    # the best partners are chosen among every link nearby, those by words included
    by_place &= _mutual_best(pairs["i"].to_numpy(), pairs["j"].to_numpy(),
                             pairs["similarity"].to_numpy(),
                             ((by_words & near) | by_place).to_numpy(), place_partners)
    return pairs.loc[by_words | by_place, ["i", "j", "similarity", "distance_m",
                                           "same_space"]].sort_values(["i", "j"],
                                                                      ignore_index=True)


def _mutual_best(i, j, similarity, candidate, k: int) -> np.ndarray:
    """Which candidate links join two proposals that are each among the other's ``k`` most
    alike candidates (ties to the lower position) and at least :data:`BEST_SHARE` as alike
    as the best candidate of either: a link by place must be one of the best either side
    has nearby, so that a chance likeness (a shared "please sort it out soon") between two
    groups cannot chain them into one."""
    keep = np.zeros(len(i), dtype=bool)
    idx = np.flatnonzero(candidate)
    if not len(idx):
        return keep
    node = np.concatenate([i[idx], j[idx]])
    other = np.concatenate([j[idx], i[idx]])
    sim = np.concatenate([similarity[idx], similarity[idx]])
    edge = np.concatenate([idx, idx])
    order = np.lexsort((other, -sim, node))
    node_sorted = node[order]
    starts = np.r_[0, np.flatnonzero(np.diff(node_sorted)) + 1]
    position = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    # ... and not much less alike than the best link either end has
    best = np.repeat(sim[order][starts], np.diff(np.r_[starts, len(order)]))
    good = np.zeros(len(order), dtype=bool)
    good[order] = (position < k) & (sim[order] >= BEST_SHARE * best)
    # an edge is kept when it is among the best k on both of its ends
    both = np.bincount(edge[good], minlength=len(i))
    keep[both == 2] = True
    return keep


#: Rows of the similarity matrix computed at once: bounds the memory of the sparse product
#: (each row holds a value for every text sharing an n-gram with it).
CHUNK_ROWS = 500


def alike_pairs(vectors, threshold: float) -> pd.DataFrame:
    """Pairs (i < j) of unit-length rows whose cosine similarity is at least ``threshold``
    (exact duplicates included), computed a chunk of rows at a time: never an n x n matrix
    in memory."""
    n = vectors.shape[0]
    csr = vectors.tocsr().astype(np.float32)
    transposed = csr.T.tocsr()
    rows, cols, sims = [], [], []
    for start in range(0, n, CHUNK_ROWS):
        block = (csr[start:start + CHUNK_ROWS] @ transposed).tocoo()
        r = block.row + start
        # float32 rounding: 1e-6 below the threshold still counts (a tie is not a miss)
        keep = (block.col > r) & (block.data >= threshold - 1e-6)
        rows.append(r[keep])
        cols.append(block.col[keep])
        sims.append(np.minimum(block.data[keep], 1.0))
    return pd.DataFrame({"i": np.concatenate(rows).astype(np.int64),
                         "j": np.concatenate(cols).astype(np.int64),
                         "similarity": np.concatenate(sims).astype(float)})


def place_names(community) -> list[str]:
    """The names (Chinese and English) of a community's public spaces and buildings, as
    residents write them in proposals."""
    names = []
    for layer in ("public_spaces", "buildings"):
        for feature in community.layers.get(layer, {}).get("features", []):
            props = feature.get("properties") or {}
            names += [props.get("name_zh"), props.get("name_en")]
    return sorted({n.strip() for n in names if isinstance(n, str) and len(n.strip()) >= 2})


def _names_pattern(names: list[str]):
    """One regular expression finding any of the names, the longest first (so "11幢" is
    not read as "1幢"); a name is not found inside a longer number or word."""
    import re

    parts = []
    for name in sorted(set(names), key=lambda x: (-len(x), x)):
        part = re.escape(name)
        if name[0].isalnum():
            part = r"(?<![0-9A-Za-z])" + part
        if name[-1].isascii() and name[-1].isalnum():
            part += r"(?![0-9A-Za-z])"
        parts.append(part)
    return re.compile("|".join(parts), re.IGNORECASE)


def metres_between(lon1, lat1, lon2, lat2):
    """Great-circle distances in metres between points given in radians (arrays alike)."""
    a = (np.sin((lat2 - lat1) / 2) ** 2
         + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def group_proposals(proposals: pd.DataFrame, **thresholds) -> list[list[int]]:
    """Groups of proposal ids (each a list sorted by id; groups ordered by their first id).
    ``proposals`` has columns id, title, description, lon, lat, public_space_id;
    ``thresholds`` (and ``place_names``) go to :func:`similar_pairs`."""
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


def closest_links(proposals: list[dict]) -> dict[int, tuple[int, float, float | None]]:
    """Why the proposals of one item belong together, for the planner: for each, the item's
    other proposal whose wording is most alike, as (its id, text similarity 0 to 1, distance
    in metres or None when either has no place). The similarity is learnt on the item's own
    texts, so it shows which proposals hold the item together, not the threshold grouping
    used. ``proposals``: dicts with id, title, description, lon, lat."""
    if len(proposals) < 2:
        return {}
    titles = [p.get("title") or "" for p in proposals]
    vectors = text_vectors(titles, [p.get("description") or "" for p in proposals])
    similarity = (vectors @ vectors.T).toarray()
    np.fill_diagonal(similarity, -1.0)
    best = similarity.argmax(axis=1)
    lon = np.radians(np.array([p.get("lon") if p.get("lon") is not None else np.nan
                               for p in proposals], dtype=float))
    lat = np.radians(np.array([p.get("lat") if p.get("lat") is not None else np.nan
                               for p in proposals], dtype=float))
    distance = metres_between(lon, lat, lon[best], lat[best])
    return {int(p["id"]): (int(proposals[b]["id"]), float(max(similarity[k, b], 0.0)),
                           None if np.isnan(distance[k]) else float(distance[k]))
            for k, (p, b) in enumerate(zip(proposals, best))}


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
