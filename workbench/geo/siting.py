"""Where to build: candidate sites ranked by the households outside a walking threshold that
a new space there would bring inside, and the best ``k`` chosen greedily (maximal coverage),
each step's gain shown.

A candidate (a parcel polygon or a drawn point, GeoDataFrame in WGS-84) is entered at its
edge like a public space (:meth:`WalkingAnalysis.entrance_points`) and searched no farther
than the threshold; in a community without roads, a straight line (named so).

Greedy maximal coverage takes, at each step, the site that adds the most households not yet
brought inside; it is within 1 - 1/e (63 %) of the best possible choice of ``k`` sites
(Nemhauser, Wolsey and Fisher 1978), and often equal to it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.geo import network as nw
from workbench.geo.walking import STRAIGHT, Access, Threshold, WalkingAnalysis

__all__ = ["candidate_reach", "rank_sites", "greedy_sites", "candidate_sites", "SitesInvalid"]


def candidate_reach(analysis: WalkingAnalysis, candidates, th: Threshold) -> np.ndarray:
    """(candidates × homes) booleans: which homes a space on each candidate site would
    have within the threshold."""
    sites = candidates.to_crs(analysis.crs).reset_index(drop=True)
    n_homes = len(analysis.home_xy)
    reach = np.zeros((len(sites), n_homes), dtype=bool)
    if analysis.method == STRAIGHT or not len(sites):
        for i, geom in enumerate(sites.geometry):
            reach[i] = _straight(analysis, geom) <= th.metres
        return reach
    graph = analysis.place_graph(sites)
    stops = graph.stop[:n_homes]
    for i in range(len(sites)):
        dist = nw.reach_from(graph, i, th.metres)
        reach[i] = dist[stops] + analysis.home_access <= th.metres
        far = analysis.far_from_road     # measured in a straight line, as in the coverage
        if far.any():
            reach[i, far] = _straight(analysis, sites.geometry.iloc[i])[far] <= th.metres
    return reach


def _straight(analysis: WalkingAnalysis, geom) -> np.ndarray:
    import shapely

    return shapely.distance(shapely.points(analysis.home_xy), geom)


def _outside(access: Access, th: Threshold) -> np.ndarray:
    """Households of each home outside the threshold now (0 for homes within or without
    a count)."""
    counts = access.homes["households"].fillna(0).to_numpy(dtype=float)
    return np.where((access.homes["distance_m"] > th.metres).to_numpy(), counts, 0.0)


def rank_sites(analysis: WalkingAnalysis, access: Access, candidates, th: Threshold,
               reach: np.ndarray | None = None) -> pd.DataFrame:
    """Each candidate with the households outside the threshold it would bring inside
    (``households_gained``) and those buildings, best first."""
    reach = candidate_reach(analysis, candidates, th) if reach is None else reach
    outside = _outside(access, th)
    gained = reach.astype(float) @ outside
    ids = _ids(candidates)
    rows = [{"site": ids[i], "households_gained": float(gained[i]),
             "buildings": access.homes["id"][reach[i] & (outside > 0)].tolist(),
             "method": analysis.method} for i in range(len(ids))]
    frame = pd.DataFrame(rows, columns=["site", "households_gained", "buildings", "method"])
    return frame.sort_values("households_gained", ascending=False, kind="stable") \
        .reset_index(drop=True)


def greedy_sites(analysis: WalkingAnalysis, access: Access, candidates, th: Threshold, k: int,
                 reach: np.ndarray | None = None) -> pd.DataFrame:
    """Up to ``k`` sites chosen one at a time, each the one adding the most households not
    yet within the threshold; a row per step with its ``gain``, the ``total`` gained so far
    and the kind's ``share`` of households within afterwards. Stops early when no site adds
    anyone."""
    if not 1 <= int(k) <= 100:
        raise ValueError(f"k must be between 1 and 100; got {k!r}")
    reach = candidate_reach(analysis, candidates, th) if reach is None else reach
    weights = _outside(access, th)
    counts = access.homes["households"]
    total = float(counts.sum())
    within = float(counts[(access.homes["distance_m"] <= th.metres).to_numpy()].sum())
    left = weights > 0
    ids, steps, gained = _ids(candidates), [], 0.0
    chosen = np.zeros(len(ids), dtype=bool)
    for step in range(1, int(k) + 1):
        gains = reach[:, left].astype(float) @ weights[left]
        gains[chosen] = -1
        best = int(np.argmax(gains)) if len(gains) else -1
        if best < 0 or gains[best] <= 0:
            break
        chosen[best] = True
        newly = reach[best] & left
        left &= ~reach[best]
        gained += gains[best]
        steps.append({"step": step, "site": ids[best], "gain": float(gains[best]),
                      "total": gained,
                      "share": (within + gained) / total if total else np.nan,
                      "buildings": access.homes["id"][newly].tolist(),
                      "method": analysis.method})
    return pd.DataFrame(steps, columns=["step", "site", "gain", "total", "share", "buildings",
                                        "method"])


def _ids(candidates) -> list[str]:
    if "id" in candidates.columns:
        return [str(x) for x in candidates["id"]]
    return [str(i + 1) for i in range(len(candidates))]


#: the most candidate sites one ranking takes (each is a search)
MAX_SITES = 200
#: the largest candidates file read
MAX_BYTES = 2_000_000


class SitesInvalid(ValueError):
    """Candidate sites that cannot be used: ``key`` (under walk.sites.) and ``params``."""

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key, self.params = key, params


def candidate_sites(features, boundary):
    """Candidate sites from GeoJSON (bytes of a file, or a list of Feature dicts such as a
    map's drawing tool gives): Polygons or Points in WGS-84, inside the community (a
    ``boundary`` grown by 50 m), at most :data:`MAX_SITES`. Raises :class:`SitesInvalid`."""
    import json

    import geopandas as gpd
    from shapely.geometry import shape

    if isinstance(features, (bytes, bytearray)):
        if len(features) > MAX_BYTES:
            raise SitesInvalid("too_large", mib=MAX_BYTES // 1_000_000)
        try:
            data = json.loads(features.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise SitesInvalid("not_geojson") from None
        features = data.get("features") if isinstance(data, dict) else None
        if not isinstance(features, list):
            raise SitesInvalid("not_geojson")
    if not features:
        raise SitesInvalid("none")
    if len(features) > MAX_SITES:
        raise SitesInvalid("too_many", n=len(features), most=MAX_SITES)
    near = boundary.buffer(0.0005)          # about 50 m
    rows = []
    for n, feature in enumerate(features, start=1):
        try:
            geom = shape(feature["geometry"])
        except Exception:  # noqa: BLE001 - any unreadable geometry is the same message
            raise SitesInvalid("bad_geometry", n=n) from None
        if geom.is_empty or geom.geom_type not in ("Point", "Polygon", "MultiPolygon") \
                or not geom.is_valid:
            raise SitesInvalid("bad_geometry", n=n)
        west, south, east, north = geom.bounds
        if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
            raise SitesInvalid("not_lonlat", n=n)
        if not near.covers(geom):
            raise SitesInvalid("outside", n=n)
        props = feature.get("properties") or {}
        name = str(props.get("id") or props.get("name") or n)[:40]
        rows.append({"id": name, "geometry": geom})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
