"""Service areas (isochrones) and the gap map, as GeoDataFrames in WGS-84 and GeoJSON.

A service area is drawn as **the network within the threshold, buffered**: every path piece
reachable within the walk (an edge cut where the walk runs out), widened either side by the
walk left at that point but never more than ``walking_band_m`` (so the band narrows to
nothing where the walk runs out), plus the legs from those paths to the homes reached, plus
the space itself.
Not the convex or concave hull of the reached nodes: a hull spans what the walk cannot
cross (a river, a railway, a walled compound) and would claim homes on the far side; the
band follows the paths, so a home inside the drawing is one the walk reaches (a home just
beside a reached path but entered from another road can still fall inside the band, as its
straight line from that path fits the walk left: its figure is its own walking distance,
never the drawing). In a community without roads, the
area is the space grown by the distance: a straight line, named so in ``method``.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import shapely

from workbench import settings
from workbench.geo import network as nw
from workbench.geo.walking import NETWORK, STRAIGHT, Access, Threshold, WalkingAnalysis

__all__ = ["reached_pieces", "service_areas", "kind_service_area", "gap_homes",
           "to_geojson"]


def reached_pieces(graph: nw.SearchGraph, dist: np.ndarray, metres: float
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The parts of the graph's edges within ``metres`` of the search's sources: their ends
    (two (n, 2) arrays) and the walk left at each end (metres): a whole edge, or the part
    reached from each end (which ends with nothing left)."""
    u, v, length = graph.edge_u, graph.edge_v, graph.edge_length
    du, dv = dist[u], dist[v]
    left_u, left_v = metres - du, metres - dv
    fu = np.where(np.isfinite(du), np.clip(left_u / length, 0, 1), 0)
    fv = np.where(np.isfinite(dv), np.clip(left_v / length, 0, 1), 0)
    a, b = graph.node_xy[u], graph.node_xy[v]
    whole = (fu + fv >= 1) & (fu > 0) & (fv > 0) | (fu >= 1) | (fv >= 1)
    from_u = ~whole & (fu > 0)
    from_v = ~whole & (fv > 0)
    starts = np.concatenate([a[whole], a[from_u], b[from_v]])
    ends = np.concatenate([b[whole], (a + fu[:, None] * (b - a))[from_u],
                           (b + fv[:, None] * (a - b))[from_v]])
    zero = np.zeros(int(from_u.sum() + from_v.sum()))
    left_start = np.concatenate([np.maximum(left_u, 0)[whole], left_u[from_u], left_v[from_v]])
    left_end = np.concatenate([np.maximum(left_v, 0)[whole], zero])
    return starts, ends, left_start, left_end


def _area(analysis: WalkingAnalysis, dist: np.ndarray, metres: float, spaces) -> object:
    """What a search reached within ``metres`` as one polygon (metres): along each reached
    path piece, the points no farther off it than the walk left there, and no farther than
    ``walking_band_m`` (the hull of a disc at each end); a thin leg to each home reached
    from its road; and the spaces themselves."""
    band = float(settings.get("walking_band_m"))
    starts, ends, left_start, left_end = reached_pieces(analysis.graph, dist, metres)
    # pieces with the whole band left at both ends: a capsule each; the rest narrow
    # towards where the walk runs out
    full = (left_start >= band) & (left_end >= band)
    shapes = list(shapely.buffer(shapely.linestrings(np.stack([starts[full], ends[full]],
                                                              axis=1)), band, quad_segs=4)) \
        if full.any() else []
    if (~full).any():
        discs_a = shapely.buffer(shapely.points(starts[~full]),
                                 np.minimum(left_start[~full], band), quad_segs=4)
        discs_b = shapely.buffer(shapely.points(ends[~full]),
                                 np.minimum(left_end[~full], band), quad_segs=4)
        shapes += list(shapely.convex_hull(shapely.union(discs_a, discs_b)))
    stops = analysis.graph.stop[:len(analysis.home_xy)]
    reached = dist[stops] + analysis.home_access <= metres
    if reached.any():
        legs = shapely.linestrings(np.stack([analysis.graph.node_xy[stops][reached],
                                             analysis.home_xy[reached]], axis=1))
        shapes += list(shapely.buffer(legs, 1.0, quad_segs=2))
    return shapely.union_all(shapes + list(spaces.geometry))


def service_areas(analysis: WalkingAnalysis, kind: str, thresholds: list[Threshold]
                  ) -> gpd.GeoDataFrame:
    """The service area of each space of ``kind`` at each threshold (one limited search per
    space: a space's own reach, overlaps kept)."""
    spaces = analysis.spaces[analysis.spaces["kind"] == kind]
    rows = []
    for th in thresholds:
        for index, space in spaces.iterrows():
            one = spaces.loc[[index]]
            if analysis.method == STRAIGHT:
                geom = space.geometry.buffer(th.metres)
            else:
                dist = nw.reach_from(analysis.graph, int(index), th.metres)
                geom = _area(analysis, dist, th.metres, one)
            rows.append({"space_id": str(space.get("id")), "kind": kind, "minutes": th.minutes,
                         "metres": th.metres, "method": analysis.method, "geometry": geom})
    return _frame(rows, analysis)


def kind_service_area(analysis: WalkingAnalysis, kind: str, thresholds: list[Threshold]
                      ) -> gpd.GeoDataFrame:
    """Where some space of ``kind`` is within each threshold: one area per threshold, from
    the one search of the kind."""
    chosen = np.flatnonzero((analysis.spaces["kind"] == kind).to_numpy())
    spaces = analysis.spaces.iloc[chosen]
    rows = []
    if analysis.method == NETWORK:
        dist, _which = nw.nearest_source(analysis.graph, chosen)
    for th in thresholds:
        if analysis.method == STRAIGHT:
            geom = shapely.union_all(spaces.geometry.buffer(th.metres).to_numpy())
        else:
            geom = _area(analysis, dist, th.metres, spaces)
        rows.append({"space_id": None, "kind": kind, "minutes": th.minutes,
                     "metres": th.metres, "method": analysis.method, "geometry": geom})
    return _frame(rows, analysis)


def gap_homes(analysis: WalkingAnalysis, access: Access, th: Threshold) -> gpd.GeoDataFrame:
    """The gap map's buildings: those with households outside the threshold (footprints,
    WGS-84), with their distance, nearest space and method."""
    homes = access.homes
    outside = ((homes["distance_m"] > th.metres) & (homes["households"].fillna(0) > 0)
               ).to_numpy()
    frame = gpd.GeoDataFrame(homes[outside].copy(),
                             geometry=analysis.footprints[outside], crs=analysis.crs)
    frame["minutes"], frame["metres"] = th.minutes, th.metres
    # no way to any space of the kind at all: unknown distance, written as null
    frame["distance_m"] = frame["distance_m"].replace(np.inf, np.nan).round(0)
    return frame.to_crs("EPSG:4326")


def _frame(rows: list[dict], analysis: WalkingAnalysis) -> gpd.GeoDataFrame:
    columns = ["space_id", "kind", "minutes", "metres", "method", "geometry"]
    frame = gpd.GeoDataFrame(rows, columns=columns, geometry="geometry", crs=analysis.crs)
    return frame.to_crs("EPSG:4326")


def to_geojson(*frames: gpd.GeoDataFrame) -> bytes:
    """One GeoJSON FeatureCollection (UTF-8 bytes) of every feature of ``frames`` (e.g. the
    service areas and the gap buildings), infinite distances written as null."""
    features = []
    for frame in frames:
        if len(frame):
            data = json.loads(frame.to_json(na="null", drop_id=True))
            features += data["features"]
    return json.dumps({"type": "FeatureCollection", "features": features},
                      ensure_ascii=False, allow_nan=False, default=str).encode("utf-8")
