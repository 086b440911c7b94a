"""Service areas (isochrones) and the gap map, as GeoDataFrames in WGS-84 and GeoJSON.

A service area is drawn as **the network within the threshold, buffered**: every path piece
reachable within the walk (an edge cut where the walk runs out), plus the legs from those
paths to the homes reached, widened by ``walking_band_m`` either side, plus the space itself.
Not the convex or concave hull of the reached nodes: a hull spans what the walk cannot
cross (a river, a railway, a walled compound) and would claim homes on the far side; the
band follows the paths, so a home inside the drawing is one the walk reaches (a home just
beside a reached path but entered from another road can still fall inside the band: its
figure is its own walking distance, never the drawing). In a community without roads, the
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


def reached_pieces(graph: nw.SearchGraph, dist: np.ndarray, metres: float) -> np.ndarray:
    """The parts of the graph's edges within ``metres`` of the search's sources
    (LineStrings): a whole edge, or the part reached from each end."""
    u, v, length = graph.edge_u, graph.edge_v, graph.edge_length
    du, dv = dist[u], dist[v]
    fu = np.clip((metres - du) / length, 0, 1)
    fv = np.clip((metres - dv) / length, 0, 1)
    fu[~np.isfinite(du)], fv[~np.isfinite(dv)] = 0, 0
    a, b = graph.node_xy[u], graph.node_xy[v]
    whole = (fu + fv >= 1) & (fu > 0) & (fv > 0) | (fu >= 1) | (fv >= 1)
    from_u = ~whole & (fu > 0)
    from_v = ~whole & (fv > 0)
    starts = np.concatenate([a[whole], a[from_u], b[from_v]])
    ends = np.concatenate([b[whole], (a + fu[:, None] * (b - a))[from_u],
                           (b + fv[:, None] * (a - b))[from_v]])
    if not len(starts):
        return np.empty(0, dtype=object)
    return shapely.linestrings(np.stack([starts, ends], axis=1))


def _area(analysis: WalkingAnalysis, dist: np.ndarray, metres: float, spaces) -> object:
    """The band along what a search reached within ``metres``, the legs to the homes it
    reached, and the spaces themselves: one polygon in metres."""
    band = float(settings.get("walking_band_m"))
    pieces = list(reached_pieces(analysis.graph, dist, metres))
    stops = analysis.graph.stop[:len(analysis.home_xy)]
    snapped = analysis.graph.node_xy[stops]
    reached = dist[stops] + analysis.home_access <= metres
    if reached.any():
        pieces += list(shapely.linestrings(np.stack([snapped[reached],
                                                     analysis.home_xy[reached]], axis=1)))
    shapes = [shapely.buffer(shapely.union_all(pieces), band)] if pieces else []
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
