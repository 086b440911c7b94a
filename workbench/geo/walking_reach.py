"""Households within reach of agenda items by walking: the agenda's evidence
(:func:`workbench.agenda.workflow.gather_evidence`) from the road network where there is
one, the straight-line proxy of :mod:`workbench.geo.reach` where there is not.

An item is reached at its public space's edge when it has one (the space a proposal is
about serves the households around it), else at its pin. ``households_300`` and
``households_500`` are the households whose walk to it is within the 5- and 10-minute life
circles; ``underserved_households`` those within the 10-minute walk of it whose walk to
every green space is longer than the "300 m to green" rule. ``reach_method`` says how each
item was measured: along the network, or a straight line (no roads, or an item farther than
``walking_access_max_m`` from every road; homes that far are measured in a straight line
too, as in :mod:`workbench.geo.walking`). Unknown (NaN) where the buildings layer says
nothing of the item's surroundings, as in :func:`workbench.geo.reach.households_within`.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from workbench.geo import network as nw
from workbench.geo import reach
from workbench.geo.walking import NETWORK, STRAIGHT, WalkingAnalysis

__all__ = ["households_within"]

COLUMNS = ["households_300", "households_500", "underserved_households"]


def households_within(items: pd.DataFrame, buildings, public_spaces, roads=None
                      ) -> pd.DataFrame:
    """:func:`workbench.geo.reach.households_within` by walking when ``roads`` (a
    GeoDataFrame, EPSG:4326) holds any road; ``items`` may carry ``public_space_id``."""
    if roads is None or not len(roads):
        out = reach.households_within(items, buildings, public_spaces)
        out["reach_method"] = STRAIGHT
        return out
    near, far, green = reach.reach_m()
    out = pd.DataFrame({"item_id": items["item_id"].to_numpy()})
    for col in COLUMNS:
        out[col] = np.nan
    out["reach_method"] = NETWORK
    located = (items["lon"].notna() & items["lat"].notna()).to_numpy()
    counts = reach.household_counts(buildings).to_numpy()
    if not located.any() or not (np.nan_to_num(counts) > 0).any():
        return out
    analysis = WalkingAnalysis({"roads": roads, "buildings": buildings,
                                "public_spaces": public_spaces})
    places = _places(items[located], public_spaces).to_crs(analysis.crs)
    walks = _walks(analysis, places, far)                       # located items x homes
    greens = np.flatnonzero(public_spaces["kind"].isin(reach.GREEN_KINDS).to_numpy()) \
        if "kind" in public_spaces.columns else np.zeros(0, dtype=int)
    to_green = _to_nearest(analysis, greens)
    counted = ~np.isnan(counts)
    households = np.nan_to_num(counts)
    rows = np.flatnonzero(located)
    for k, row in enumerate(rows):
        walk = walks[k]
        if not (counted & (walk <= far)).any():
            continue                   # no building with a count within reach: unknown
        out.loc[row, "households_300"] = households[counted & (walk <= near)].sum()
        out.loc[row, "households_500"] = households[counted & (walk <= far)].sum()
        out.loc[row, "underserved_households"] = households[
            counted & (walk <= far) & (to_green > green)].sum()
    far_items = analysis.entrance_access(places) > analysis.access_max_m
    out.loc[rows[far_items], "reach_method"] = STRAIGHT
    return out


def _places(items: pd.DataFrame, public_spaces) -> gpd.GeoDataFrame:
    """Each item's place: its public space's geometry when it names one, else its pin."""
    lonlat = public_spaces.to_crs("EPSG:4326")
    spaces = dict(zip(lonlat["id"].astype(str), lonlat.geometry)) \
        if "id" in lonlat.columns else {}
    ids = items["public_space_id"] if "public_space_id" in items.columns \
        else pd.Series([None] * len(items), index=items.index)
    geoms = [spaces.get(str(s)) if s is not None and str(s) in spaces else
             shapely.Point(lon, lat) for s, lon, lat in zip(ids, items["lon"], items["lat"])]
    return gpd.GeoDataFrame({"item_id": items["item_id"].to_numpy()}, geometry=geoms,
                            crs="EPSG:4326")


def _walks(analysis: WalkingAnalysis, places, limit: float) -> np.ndarray:
    """(places x homes) metres: along the network searched up to ``limit``, a straight line
    for a place or a home far from every road (inf beyond the limit)."""
    straight = np.stack([shapely.distance(shapely.points(analysis.home_xy), g)
                         for g in places.geometry]) if len(places) else \
        np.zeros((0, len(analysis.home_xy)))
    graph = analysis.place_graph(places)
    stops = graph.stop[:len(analysis.home_xy)]
    far_place = analysis.entrance_access(places) > analysis.access_max_m
    walks = np.empty_like(straight)
    for k in range(len(places)):
        if far_place[k]:
            walks[k] = straight[k]
            continue
        dist = nw.reach_from(graph, k, limit)[stops] + analysis.home_access
        walks[k] = np.where(analysis.far_from_road, straight[k], dist)
    return walks


def _to_nearest(analysis: WalkingAnalysis, chosen: np.ndarray) -> np.ndarray:
    """Every home's walk to the nearest of the spaces ``chosen`` (straight where the walk
    cannot say, as :meth:`WalkingAnalysis.access`)."""
    straight, _ = analysis.straight_distance(analysis.spaces.iloc[chosen])
    if not len(chosen):
        return straight
    dist, _which = nw.nearest_source(analysis.graph, chosen)
    walk = dist[analysis.graph.stop[:len(analysis.home_xy)]] + analysis.home_access
    fallback = (analysis.far_from_road | ~np.isfinite(walk)) & np.isfinite(straight)
    return np.where(fallback, straight, walk)
