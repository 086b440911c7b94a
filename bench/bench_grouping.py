"""Grouping measured on real proposals: the shared zones of Valladolid's 2027 participatory
budget (548 proposals in Spanish), where the city's officials wrote their own merges into the
titles, "(agrupada con NNNN)" (or shorter: "(Agrup NNNN)", "(Agrup. NNNN)", "(Agrupada NNNN)"):
an answer key for grouping. All the forms are read: a mark left in a title would give the
answer away (its words shared with the proposals it names).

The file is read from ``shared/data/valladolid`` beside the project (its README says where
the rows come from, their licence and how to use them). When the folder is missing the
benchmark says so in one figure and reports nothing else: no number stands in for a
measurement. The marks are removed from the titles before grouping (they give the answer
away).

Figures, for the workbench's grouping (``grouping.group_proposals``, default thresholds, no
place names: the file has none) and for a plain baseline computed in the same run (the same
TF-IDF vectors, cosine >= 0.4 between proposals within 400 m, connected components):

- recall: the share of the officials' merges (mark and the proposal it names, both in the
  file) that end up in one item (target >= 0.9);
- purity: the share of grouped pairs, both with categories, that share one of the city's
  categories (target >= 0.9; proposals with no category in common are almost always
  different requests);
- the number of items and the largest item, and the time to group the 548 rows;
- for reference, the purity of the officials' own merges (marked pairs, both with
  categories): the categories are the residents' own tags, and even pairs the officials
  merged do not always share one, so this is about as high as purity can honestly go.
"""

from __future__ import annotations

import ast
import itertools
import re
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ._report import Figure, check

BENCHMARK = "grouping"
DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "valladolid"
DATA_FILE = "proposals_dev_zones.csv"
#: "(agrupada con 7657)", and the shorter forms officials also wrote: "(Agrup 7898)",
#: "(Agrup. 8049)", "(Agrupada 7581)"
MARK = re.compile(r"\(\s*agrup(?:ada|\.)?\s*(?:con\s*)?(\d+)\s*\)", re.IGNORECASE)
#: "(Inadmitida)": the officials' verdict (not admitted), written into 56 titles. Their edit,
#: not the resident's words, and the same words in proposals asking different things
#: ("Limpieza rio esgueva (inadmitida)", "parada de bus en calle hornillo (Inadmitida)")
STATUS = re.compile(r"\(\s*inadmitida\s*\)", re.IGNORECASE)
TARGET = 0.9
#: The plain baseline: cosine of the TF-IDF vectors at least this, within this distance.
BASELINE_SIMILARITY = 0.4
BASELINE_DISTANCE_M = 400.0
#: Timed runs of each grouping (median reported); one in a quick run.
RUNS, QUICK_RUNS = 5, 1


def load(folder: Path = DATA_DIR) -> pd.DataFrame:
    """The proposals as grouping takes them (id, title, description, lon, lat,
    public_space_id), with ``merged_with`` (the id an official's mark names, or NaN) and
    ``categories`` (a set), the marks removed from the titles."""
    raw = pd.read_csv(folder / DATA_FILE, dtype={"code": "Int64"})
    title = raw["title"].fillna("").astype(str)
    # officials also put a merge's lead proposal's own code before its title ("7986-Suelo
    # en ..."): their edit, not the resident's words
    own_code = [re.sub(rf"^\s*{code}\s*-\s*", "", t) for code, t in zip(raw["code"], title)]
    return pd.DataFrame({
        "id": raw["code"].astype(int),
        "title": pd.Series(own_code).str.replace(MARK, "", regex=True)
                                   .str.replace(STATUS, "", regex=True).str.strip(),
        "description": raw["description"].fillna("").astype(str),
        "lon": pd.to_numeric(raw["longitude"], errors="coerce"),
        "lat": pd.to_numeric(raw["latitude"], errors="coerce"),
        "public_space_id": None,
        "merged_with": title.str.extract(MARK, expand=False).astype(float),
        "categories": raw["categories"].map(_categories),
    }).sort_values("id", ignore_index=True)


def _categories(value) -> frozenset:
    """The categories of a cell such as "['Deportes', 'Urbanismo']". A few cells of the
    source came out of its extraction with the form's own quotes and semicolons inside an
    item ("['Servicios sociales\";', '\"Urbanismo\";']"): those split there, so that
    'Servicios sociales";' is read as the city's 'Servicios sociales'."""
    if not isinstance(value, str) or not value.strip().startswith("["):
        return frozenset()
    pieces = (p.strip() for c in ast.literal_eval(value) for p in re.split(r'[";]', str(c)))
    return frozenset(p for p in pieces if len(p) > 1)


def score(proposals: pd.DataFrame, groups: list[list[int]]) -> dict:
    """Recall of the marked merges and purity of the grouped pairs (see the module's note),
    with how many pairs each counts. A proposal in no group counts as alone."""
    label = {pid: k for k, group in enumerate(groups) for pid in group}
    alone = itertools.count(len(groups))
    for pid in proposals["id"]:
        if pid not in label:
            label[pid] = next(alone)
    marked = proposals.dropna(subset=["merged_with"])
    merges = [(int(a), int(b)) for a, b in zip(marked["id"], marked["merged_with"])
              if int(b) in label]
    categories = dict(zip(proposals["id"], proposals["categories"]))
    grouped = [(a, b) for g in groups for a, b in itertools.combinations(g, 2)
               if categories[a] and categories[b]]
    return {"recall": (float(np.mean([label[a] == label[b] for a, b in merges]))
                       if merges else float("nan")),
            "merges": len(merges),
            "purity": (float(np.mean([bool(categories[a] & categories[b]) for a, b in grouped]))
                       if grouped else 1.0),
            "grouped_pairs": len(grouped)}


def key_purity(proposals: pd.DataFrame) -> tuple[float, int]:
    """The share of the officials' merges (both proposals with categories) that share a
    category, and how many such merges there are."""
    categories = dict(zip(proposals["id"], proposals["categories"]))
    marked = proposals.dropna(subset=["merged_with"])
    pairs = [(a, int(b)) for a, b in zip(marked["id"], marked["merged_with"])
             if int(b) in categories and categories[a] and categories[int(b)]]
    shared = [bool(categories[a] & categories[b]) for a, b in pairs]
    return (float(np.mean(shared)) if shared else float("nan")), len(pairs)


def baseline_groups(proposals: pd.DataFrame, similarity: float = BASELINE_SIMILARITY,
                    distance_m: float = BASELINE_DISTANCE_M) -> list[list[int]]:
    """The plain baseline: the workbench's TF-IDF vectors, pairs at least ``similarity``
    alike within ``distance_m``, connected components."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    from workbench.agenda import grouping

    texts = (proposals["title"] + " " + proposals["description"]).tolist()
    pairs = grouping.alike_pairs(grouping.text_vectors(texts), similarity)
    lon = np.radians(proposals["lon"].to_numpy(dtype=float))
    lat = np.radians(proposals["lat"].to_numpy(dtype=float))
    i, j = pairs["i"].to_numpy(), pairs["j"].to_numpy()
    near = grouping.metres_between(lon[i], lat[i], lon[j], lat[j]) <= distance_m
    n = len(proposals)
    graph = coo_matrix((np.ones(int(near.sum())), (i[near], j[near])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    ids = proposals["id"].to_numpy()
    groups: dict[int, list[int]] = {}
    for k, label in enumerate(labels):
        groups.setdefault(int(label), []).append(int(ids[k]))
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])


def _timed(fn, runs: int):
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return result, statistics.median(times)


def run(quick: bool = False, folder: Path = DATA_DIR) -> list[Figure]:
    from workbench.agenda import grouping

    if not (folder / DATA_FILE).exists():
        return [Figure(BENCHMARK, "rows read from the shared real zones", 0, "rows",
                       note=f"not run: {folder.name}/{DATA_FILE} not found beside the "
                            f"project (shared/data/valladolid); no figure measured")]
    proposals = load(folder)
    runs = QUICK_RUNS if quick else RUNS
    mine, t_mine = _timed(lambda: grouping.group_proposals(proposals), runs)
    base, t_base = _timed(lambda: baseline_groups(proposals), runs)
    figures = []
    for who, groups in (("workbench", mine), ("baseline", base)):
        s = score(proposals, groups)
        note = "" if who == "workbench" else (f"TF-IDF cosine >= {BASELINE_SIMILARITY} "
                                              f"within {BASELINE_DISTANCE_M:.0f} m, "
                                              f"connected components")
        figures += [
            Figure(BENCHMARK, f"{who}: recall of the officials' merges", round(s["recall"], 3),
                   "", f">= {TARGET}", check(s["recall"], ">=", TARGET),
                   f"{s['merges']} marked pairs in the file" + (f"; {note}" if note else "")),
            Figure(BENCHMARK, f"{who}: purity (grouped pairs sharing a category)",
                   round(s["purity"], 3), "", f">= {TARGET}", check(s["purity"], ">=", TARGET),
                   f"{s['grouped_pairs']:,} grouped pairs with categories"),
            Figure(BENCHMARK, f"{who}: items", len(groups), "items",
                   note=f"{sum(len(g) > 1 for g in groups)} of more than one proposal"),
            Figure(BENCHMARK, f"{who}: largest item", max(map(len, groups)), "proposals"),
        ]
    purity, merged = key_purity(proposals)
    figures.append(Figure(BENCHMARK, "answer key: purity of the officials' own merges",
                          round(purity, 3), "", note=f"{merged} marked pairs with categories "
                          f"on both sides; a reference, not a target"))
    figures += [
        Figure(BENCHMARK, f"wall time, workbench grouping of {len(proposals)} rows",
               round(t_mine * 1000, 1), "ms", note=f"median of {runs}"),
        Figure(BENCHMARK, f"wall time, baseline grouping of {len(proposals)} rows",
               round(t_base * 1000, 1), "ms", note=f"median of {runs}"),
    ]
    return figures
