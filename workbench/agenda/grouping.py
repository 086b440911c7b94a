"""Candidate agenda items from proposals: similar proposals are grouped by their text and
their place, so that ten residents asking for shade in the same pocket park become one item
with ten voices, not ten items.

Text similarity is the cosine of character n-grams weighted by rarity (TF-IDF), the same
n-grams as the resident page's duplicate warning
(:func:`workbench.proposals.similarity.ngrams`), so it works for Chinese, English and Spanish
alike. An n-gram weighs no more than its rarity among the proposals around it (within
``distance_m``): words that all the proposals around a place share name the place, which
their distance already says, not what is asked (:func:`text_vectors`). How alike two
proposals are *as requests* (:func:`similar_pairs`) is what they ask
(the title weighing as much as the whole text: see :func:`text_vectors`) times how sure it
is that they are at one place: in full in the same public space or within ``distance_m``
(when neither is in another space); not at all in two different spaces, or farther apart,
or naming different places; ``unknown_place`` of it when either has no place. A very alike
whole wording (the same proposal sent twice) counts wherever the pins are, as a pair whose
place is unknown when they disagree. Place alone never makes two proposals alike.

Proposals are grouped by average linkage (:mod:`workbench.agenda.linkage`): two groups join
while the average likeness of all their pairs is at least ``place_threshold``, so a chance
likeness cannot chain two requests into one item through a third. The same words sent again
at one place are folded into one weighted point first (:func:`group_proposals`). Deterministic:
the same proposals and thresholds give the same groups. Similarities are computed a chunk of
rows at a time as a sparse product: never an n x n matrix in memory.
"""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple

import numpy as np
import pandas as pd

from workbench.proposals.similarity import ngrams

TEXT_THRESHOLD = 0.75
PLACE_THRESHOLD = 0.3
#: within this distance two proposals are "at the same place" (a pocket park is about 50-100 m
#: across: 400-10,000 m² by the 2022 national notice on pocket parks)
DISTANCE_M = 120.0
#: how much a likeness counts when either proposal has no place (no pin, no public space):
#: its words alone must show it is the same request at the same place, so it must be this
#: much more alike than a pair known to be at one place (0.3 / 0.6: half alike)
UNKNOWN_PLACE = 0.6
#: pairs less alike than this (a third of a link by place) count as not alike at all: it
#: keeps the similarities sparse, and lowers an average no more than they would
LIKENESS_FLOOR = 0.1
EARTH_RADIUS_M = 6_371_008.8


def text_vectors(texts: list[str], descriptions: list[str] | None = None, cells=None):
    """Unit-length TF-IDF vectors (sparse rows) of the texts' character n-grams.

    Given ``descriptions`` too, ``texts`` are the titles: a proposal's vector is the mean
    of its title's and its whole text's unit vectors, weights learnt on both. The title
    says what is asked in a few words; a description, from none to a thousand characters,
    says why, and must not drown it.

    ``cells`` (with ``descriptions``): each proposal's square of the ground
    (:func:`grid_cells`; NaN without a place). An n-gram then weighs no more than its rarity
    among the proposals around it (:func:`_rarity_here`): words the proposals around a place
    share name the place ("Don Bosco"), which their distance already says, not what is
    asked."""
    from sklearn.preprocessing import normalize

    if descriptions is None:
        counts = _counts(texts)
        return _tfidf(counts, counts)
    title_counts, description_counts = _counts(texts + descriptions, split=len(texts))
    whole = title_counts + description_counts
    if cells is None:
        return normalize(_tfidf(whole, title_counts) + _tfidf(whole, whole))
    rarity = _rarity_here(whole, cells)
    return normalize(_weigh(title_counts, rarity) + _weigh(whole, rarity))


def grid_cells(lon, lat, cell_m: float) -> np.ndarray:
    """Each point's square of a grid of ``cell_m`` metres (column, row; NaN without a
    place), points given in radians: every point within ``cell_m`` of another is in its
    square or one of the eight around it."""
    placed = ~np.isnan(lon) & ~np.isnan(lat)
    cells = np.full((len(lon), 2), np.nan)
    if placed.any():
        across = np.cos(np.mean(lat[placed]))  # a radian of longitude is shorter off the equator
        cells[placed, 0] = np.floor(lon[placed] * across * EARTH_RADIUS_M / cell_m)
        cells[placed, 1] = np.floor(lat[placed] * EARTH_RADIUS_M / cell_m)
    return cells


def _rarity_here(counts, cells):
    """Each n-gram's weight in each text (a sparse matrix shaped as ``counts``): the lesser
    of its rarity in all the texts (the smoothed IDF of :func:`_tfidf`, 1 - ln p with p the
    share of texts holding it) and its rarity among the texts around it (in its square of
    the grid or the eight around it: about the same place, counted in time linear in the
    texts, never pair by pair).

    Around a text, the one it is compared with is left out (two alike texts alone at a place
    share their words because they ask the same thing, not because the place is named): p
    there is the share of the *other* texts around it holding the n-gram, with one text's
    worth of the city-wide share as a prior, so that a text with at most one other around
    it, or without a place, keeps its city-wide weights."""
    from scipy.sparse import csr_matrix

    present = counts.tocoo()
    n, vocabulary = counts.shape
    row, gram = present.row, present.col
    city = (np.bincount(gram, minlength=vocabulary) + 1) / (n + 1)
    placed = ~np.isnan(cells[:, 0])
    holding = np.zeros(len(row))  # texts around holding each text's n-gram (itself too)
    around = np.zeros(n)  # texts around each text (itself too)
    if placed.any():
        column, line = (np.nan_to_num(cells[:, k] - np.nanmin(cells[:, k]) + 1).astype(np.int64)
                        for k in (0, 1))
        width = int(line.max()) + 2
        on = placed[row]
        # (distinct keys, sorted; how many times each): texts per square, n-grams per square
        texts_in = np.unique(column[placed] * width + line[placed], return_counts=True)
        grams_in = np.unique((column[row[on]] * width + line[row[on]]) * vocabulary + gram[on],
                             return_counts=True)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                square = (column + dx) * width + line + dy
                around[placed] += _look_up(*texts_in, square[placed])
                holding[on] += _look_up(*grams_in, square[row[on]] * vocabulary + gram[on])
    others = np.maximum(around - 2, 0)[row]
    share = (np.maximum(holding - 2, 0) + city[gram]) / (others + 1)
    return csr_matrix((1 - np.log(np.maximum(share, city[gram])), (row, gram)),
                      shape=counts.shape)


def _look_up(keys: np.ndarray, tallies: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """How many times each wanted key was counted (``keys`` sorted; 0 when not in it)."""
    if not len(keys):
        return np.zeros(len(wanted))
    at = np.clip(np.searchsorted(keys, wanted), 0, len(keys) - 1)
    return np.where(keys[at] == wanted, tallies[at], 0)


def _weigh(counts, rarity):
    """``counts`` weighted as :func:`_tfidf` does, with the given weight of each n-gram in
    each row (``rarity``, nonzero wherever ``counts`` is), each row of unit length."""
    from sklearn.preprocessing import normalize

    tf = counts.tocsr().astype(np.float64)
    tf.data = 1 + np.log(tf.data)
    return normalize(tf.multiply(rarity).tocsr())


def _counts(texts: list[str], split: int | None = None):
    """The n-gram counts of the texts as sparse rows over one vocabulary (each text's
    n-grams found once); with ``split``, the rows before and from it, apart."""
    from scipy.sparse import csr_matrix

    vocabulary: dict[str, int] = {}
    # a text sent many times (a forwarded message) is read once
    known: dict[str, tuple[list[int], list[int]]] = {}
    indptr, indices, values = [0], [], []
    for text in texts:
        if text not in known:
            grams = ngrams(text)
            known[text] = ([vocabulary.setdefault(g, len(vocabulary)) for g in grams],
                           list(grams.values()))
        columns, counts = known[text]
        indices += columns
        values += counts
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
                  unknown_place: float = UNKNOWN_PLACE) -> pd.DataFrame:
    """How alike pairs of proposals (by row position, i < j) are as requests at one place
    (see the module's note): columns i, j, similarity (of their texts), distance_m,
    same_space, likeness (what grouping averages, 0 to 1). Pairs with a likeness under
    :data:`LIKENESS_FLOOR` are left out (not alike). ``place_threshold`` is not used here
    (it is the average grouping asks for); it is accepted so that the same options serve
    both.

    ``place_names``: the names of the community's places (public spaces, buildings; see
    :func:`place_names`). With them, a place's name in two texts does not make them alike:
    what is asked is compared on the texts without the names (else every two proposals
    naming the same park would be alike, whatever they ask), and two texts that name
    different places are about different places."""
    if len(proposals) < 2:
        return _likeness(None, None, None, 0, 0, 0)
    whole, asked, places = _texts_and_places(proposals, place_names, distance_m)
    return _likeness(whole, asked, places, text_threshold, distance_m, unknown_place)


class _Places(NamedTuple):
    """Where each proposal (or folded point) is: longitude and latitude in radians (NaN when
    unknown), public space id ("" when none), and the place names its text holds (a sparse
    0/1 matrix, or None when the community's names are not given)."""
    lon: np.ndarray
    lat: np.ndarray
    space: np.ndarray
    names: object

    def take(self, rows: np.ndarray) -> "_Places":
        return _Places(self.lon[rows], self.lat[rows], self.space[rows],
                       None if self.names is None else self.names[rows])


def _texts_and_places(proposals: pd.DataFrame, place_names: list[str] | None,
                      distance_m: float):
    """The whole wordings' vectors, what is asked (:func:`text_vectors` of the texts
    without the place names, weighed by their rarity within ``distance_m``) and the
    proposals' :class:`_Places`."""
    titles = proposals["title"].fillna("").astype(str).tolist()
    descriptions = proposals["description"].fillna("").astype(str).tolist()
    whole = text_vectors([f"{t} {d}" for t, d in zip(titles, descriptions)])
    names_in = None
    if place_names:
        pattern = _names_pattern(place_names)
        names_in = _names_found(pattern, [f"{t} {d}" for t, d in zip(titles, descriptions)])
        unnamed = {text: pattern.sub(" ", text) for text in {*titles, *descriptions}}
        titles = [unnamed[t] for t in titles]
        descriptions = [unnamed[d] for d in descriptions]
    places = _Places(np.radians(proposals["lon"].to_numpy(dtype=float)),
                     np.radians(proposals["lat"].to_numpy(dtype=float)),
                     proposals["public_space_id"].fillna("").to_numpy(dtype=object), names_in)
    cells = grid_cells(places.lon, places.lat, distance_m)
    return whole, text_vectors(titles, descriptions, cells=cells), places


def _where(places: _Places, i: np.ndarray, j: np.ndarray, distance_m: float):
    """For pairs (i, j): their distance in metres, same space, known to be apart (two
    public spaces, or texts naming different places), near (at one place) and unknown
    (either has no place)."""
    distance = metres_between(places.lon[i], places.lat[i], places.lon[j], places.lat[j])
    space = places.space
    same_space = (space[i] == space[j]) & (space[i] != "")
    apart = (space[i] != space[j]) & (space[i] != "") & (space[j] != "")
    if places.names is not None:
        named = np.asarray(places.names.sum(axis=1)).ravel() > 0
        shared = np.asarray(places.names[i].multiply(places.names[j]).sum(axis=1)).ravel() > 0
        apart |= named[i] & named[j] & ~shared
    near = ~apart & (same_space | (distance <= distance_m))
    unknown = ~apart & ~same_space & np.isnan(distance)
    return distance, same_space, apart, near, unknown


def _likeness(whole, asked, places: _Places | None, text_threshold: float,
              distance_m: float, unknown_place: float) -> pd.DataFrame:
    """:func:`similar_pairs` of rows given by their vectors (unit rows, or the means of
    folded points' rows: the dot product of two means is the average of their members'
    cosines) and places."""
    columns = {"i": int, "j": int, "similarity": float, "distance_m": float,
               "same_space": bool, "likeness": float}
    if whole is None or whole.shape[0] < 2:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})
    copied = alike_pairs(whole, text_threshold)
    i, j, asked_similarity, copied_similarity = _either(
        alike_pairs(asked, LIKENESS_FLOOR), copied, whole.shape[0])
    distance, same_space, apart, near, unknown = _where(places, i, j, distance_m)
    place = np.where(near, 1.0, np.where(unknown, unknown_place, 0.0))
    # the same words sent twice: pins that disagree are a place unknown, not another place
    copy_place = np.where(near, 1.0, np.where(apart, 0.0, unknown_place))
    pairs = pd.DataFrame({
        "i": i, "j": j,
        "similarity": np.maximum(asked_similarity, copied_similarity),
        "distance_m": distance, "same_space": same_space,
        "likeness": np.maximum(asked_similarity * place, copied_similarity * copy_place)})
    return pairs[pairs["likeness"] >= LIKENESS_FLOOR].sort_values(["i", "j"],
                                                                  ignore_index=True)


#: Rows of the similarity matrix computed at once: bounds the memory of the sparse product
#: (each row holds a value for every text sharing an n-gram with it).
CHUNK_ROWS = 500


def alike_pairs(vectors, threshold: float) -> pd.DataFrame:
    """Pairs (i < j) of rows (each of length at most 1) whose dot product, the cosine
    similarity of unit rows, is at least ``threshold`` (exact duplicates included),
    computed a chunk of rows at a time: never an n x n matrix in memory."""
    n = vectors.shape[0]
    csr = vectors.tocsr().astype(np.float32)
    rows, cols, sims = [], [], []
    for start in range(0, n, CHUNK_ROWS):
        # only the rows from this chunk on: each pair once, half the product of all rows
        block = (csr[start:start + CHUNK_ROWS] @ csr[start:].T).tocoo()
        r, c = block.row + start, block.col + start
        # float32 rounding: 1e-6 below the threshold still counts (a tie is not a miss)
        keep = (c > r) & (block.data >= threshold - 1e-6)
        rows.append(r[keep])
        cols.append(c[keep])
        sims.append(np.minimum(block.data[keep], 1.0))
    return pd.DataFrame({"i": np.concatenate(rows).astype(np.int64),
                         "j": np.concatenate(cols).astype(np.int64),
                         "similarity": np.concatenate(sims).astype(float)})


def place_names(community) -> list[str]:
    """The names (Chinese and English) of a community's public spaces, buildings and roads,
    as residents write them in proposals ("和光路 needs a crossing" names a place as much as a
    park's name does)."""
    names = []
    for layer in ("public_spaces", "buildings", "roads"):
        for feature in community.layers.get(layer, {}).get("features", []):
            props = feature.get("properties") or {}
            names += [props.get("name_zh"), props.get("name_en")]
    return sorted({n.strip() for n in names if isinstance(n, str) and len(n.strip()) >= 2})


def _names_found(pattern, texts: list[str]):
    """Which names each text holds: a sparse 0/1 matrix, a row a text, a column a name as
    found (lower case)."""
    from scipy.sparse import csr_matrix

    columns: dict[str, int] = {}
    found: dict[str, set[str]] = {}
    rows, cols = [], []
    for row, text in enumerate(texts):
        if text not in found:
            found[text] = {m.group(0).lower() for m in pattern.finditer(text)}
        for name in found[text]:
            rows.append(row)
            cols.append(columns.setdefault(name, len(columns)))
    return csr_matrix((np.ones(len(rows)), (rows, cols)),
                      shape=(len(texts), max(len(columns), 1)))


def _either(first: pd.DataFrame, second: pd.DataFrame, n: int):
    """The pairs in either of two lists of pairs (i, j, similarity), sorted: i, j and each
    list's similarity (0 where a pair is not in it)."""
    keys = [frame["i"].to_numpy() * n + frame["j"].to_numpy() for frame in (first, second)]
    union = np.sort(np.concatenate(keys), kind="stable")
    union = union[np.r_[True, union[1:] != union[:-1]][:len(union)]]
    values = []
    for key, frame in zip(keys, (first, second)):
        value = np.zeros(len(union))
        value[np.searchsorted(union, key)] = frame["similarity"].to_numpy()
        values.append(value)
    return union // n, union % n, values[0], values[1]


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


def group_proposals(proposals: pd.DataFrame, *, place_threshold: float = PLACE_THRESHOLD,
                    text_threshold: float = TEXT_THRESHOLD, distance_m: float = DISTANCE_M,
                    place_names: list[str] | None = None,
                    unknown_place: float = UNKNOWN_PLACE) -> list[list[int]]:
    """Groups of proposal ids (each a list sorted by id; groups ordered by their first id):
    proposals join while the average likeness of all their pairs (:func:`similar_pairs`) is
    at least ``place_threshold`` (:func:`workbench.agenda.linkage.average_linkage`).
    ``proposals`` has columns id, title, description, lon, lat, public_space_id.

    The same words sent again at one place (very alike whole wording, in the same space or
    near each other in none) are one request: such copies are folded into one point first, weighted by how many they are,
    its vectors the means of theirs (so that its likeness to another point is the average
    of its members'). When many send the same words, as happens with a message passed
    round a building's group chat, grouping then works on a few points, not on every pair
    of copies."""
    from workbench.agenda.linkage import average_linkage

    proposals = proposals.sort_values("id", ignore_index=True)
    n = len(proposals)
    if n == 0:
        return []
    whole, asked, places = _texts_and_places(proposals, place_names, distance_m)
    # the same words at the very same place (space and pin) are one row for finding copies:
    # a message forwarded round a group chat costs one row, not the square of its copies
    first = _first_of_each(proposals, places)
    distinct = np.flatnonzero(first == np.arange(n))
    # copies fold when at one place and in the same space (or both in none): a copy in no
    # space between two spaces must not fold the two spaces' copies together. So copies
    # are only looked for within each space (and among the proposals in none).
    i, j = [], []
    for space in np.unique(places.space[distinct]):
        rows = distinct[places.space[distinct] == space]
        copies = alike_pairs(whole[rows], text_threshold)
        i.append(rows[copies["i"].to_numpy()])
        j.append(rows[copies["j"].to_numpy()])
    i, j = (np.concatenate(i), np.concatenate(j)) if i else (np.zeros(0, int),) * 2
    same = _where(places, i, j, distance_m)[3]
    point = _components(n, np.r_[i[same], np.arange(n)], np.r_[j[same], first])
    weights = np.bincount(point)
    first = np.flatnonzero(np.r_[True, np.diff(np.sort(point, kind="stable")) != 0])
    representative = np.argsort(point, kind="stable")[first]
    mean = _means(point, weights)
    pairs = _likeness(mean @ whole, mean @ asked, places.take(representative),
                      text_threshold, distance_m, unknown_place)
    labels = average_linkage(len(weights), pairs["i"], pairs["j"], pairs["likeness"],
                             place_threshold, weights=weights)[point]
    ids = proposals["id"].to_numpy()
    groups: dict[int, list[int]] = {}
    for k, label in enumerate(labels):
        groups.setdefault(int(label), []).append(int(ids[k]))
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])


def _first_of_each(proposals: pd.DataFrame, places: _Places) -> np.ndarray:
    """For each row, the first row with the same title, description, public space and pin
    (itself when it has no place: two such rows are not known to be at one place)."""
    keys = [proposals[c].astype(str).where(proposals[c].notna(), "")
            for c in ("title", "description", "public_space_id", "lon", "lat")]
    codes, _ = pd.factorize(keys[0].str.cat(keys[1:], sep="\x1f"))
    _, first = np.unique(codes, return_index=True)
    unplaced = (places.space == "") & np.isnan(places.lon)
    return np.where(unplaced, np.arange(len(codes)), first[codes])


def _components(n: int, i, j) -> np.ndarray:
    """The connected component of each of ``n`` points linked by pairs (i, j), numbered
    0, 1, ... in the order of their first point."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(len(i)), (np.asarray(i), np.asarray(j))), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    _, order = np.unique(labels, return_index=True)
    renumber = np.empty(len(order), dtype=np.int64)
    renumber[np.argsort(order, kind="stable")] = np.arange(len(order))
    return renumber[labels]


def _means(point: np.ndarray, weights: np.ndarray):
    """The sparse matrix that takes rows to the mean of each point's rows."""
    from scipy.sparse import csr_matrix

    return csr_matrix((1.0 / weights[point], (point, np.arange(len(point)))),
                      shape=(len(weights), len(point)))


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
