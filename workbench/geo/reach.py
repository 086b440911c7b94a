"""Households within reach: of a place, and of green public spaces.

Distances are straight lines in metres (the community's UTM zone): a proxy for walking
distance until the road-network analysis is there. The 300 m and 500 m reaches and the
"300 m to green" rule come from workbench/data/standards.yaml (GB 50180-2018 life circles;
GB/T 51346-2019 §4.3.4).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from workbench import vocabulary

__all__ = ["GREEN_KINDS", "reach_m", "household_counts", "homes_recorded", "households_within"]

#: kinds of public space that count as "green" for the 300 m rule
GREEN_KINDS = ("pocket_park", "cultural_park", "square", "children_play", "sports_ground",
               "elderly_activity")


def reach_m() -> tuple[int, int, int]:
    """(near, far, green) distances in metres, from the standards file."""
    circles = {c["code"]: c["walk_m"] for c in vocabulary.standards()["life_circles"]}
    green = vocabulary.standards()["park_service"]["green_within_m"]
    return circles["5min"], circles["10min"], green


def household_counts(buildings) -> pd.Series:
    """Each building's households as its layer records them: a count >= 0, or NaN where the
    layer does not say (no such property, null, or not a count). A real layer mixes both:
    homes counted from the residents' register, and shops, schools or new blocks without a
    figure; 0 says "no homes here", NaN "not known"."""
    if "households" not in buildings.columns:   # an empty layer has no columns at all
        return pd.Series(np.nan, index=buildings.index, dtype=float)
    counts = pd.to_numeric(buildings["households"], errors="coerce").astype(float)
    return counts.where(np.isfinite(counts) & (counts >= 0))


def homes_recorded(buildings) -> dict[str, int]:
    """What the buildings layer tells of homes: ``buildings``, those with a household count
    (``counted``), those without one (``without_count``: left out of every figure here) and
    the ``households`` counted in all."""
    counts = household_counts(buildings)
    return {"buildings": int(len(counts)), "counted": int(counts.notna().sum()),
            "without_count": int(counts.isna().sum()),
            "households": int(counts.fillna(0).sum())}


def households_within(items: pd.DataFrame, buildings, public_spaces) -> pd.DataFrame:
    """Households within the near and far reach of each located item, and "underserved"
    households: within the far reach of the item and farther than the green rule's distance
    from every green public space (a new or better space there serves them most).

    ``items`` has item_id, lon, lat (WGS-84; NaN when unlocated); ``buildings`` and
    ``public_spaces`` are GeoDataFrames (EPSG:4326) with ``households`` and ``kind``. Only
    buildings with a count are counted (:func:`household_counts`; :func:`homes_recorded` says
    how many had none). A figure is unknown (NaN), never 0, where the layer says nothing of
    the item's surroundings: no household anywhere in it (no buildings, or none with
    households: a community without that layer has not no one living in it), or no building
    with a count within the far reach of the item (a layer drawn for part of the area, or
    one placeholder building, does not say that no one lives around the rest)."""
    import geopandas as gpd

    near, far, green = reach_m()
    out = pd.DataFrame({"item_id": items["item_id"].to_numpy()})
    for col in ("households_300", "households_500", "underserved_households"):
        out[col] = np.nan
    located = (items["lon"].notna() & items["lat"].notna()).to_numpy()
    counts = household_counts(buildings)
    counted = buildings[counts.notna().to_numpy()]   # homes, and buildings with none (0)
    households = counts.dropna().to_numpy()
    if not located.any() or not (households > 0).any():
        return out
    crs = counted.estimate_utm_crs()
    centres = counted.to_crs(crs).geometry.centroid
    hx, hy = centres.x.to_numpy(), centres.y.to_numpy()
    greens = (public_spaces[public_spaces["kind"].isin(GREEN_KINDS)].to_crs(crs)
              if "kind" in public_spaces.columns else public_spaces.iloc[0:0])
    if len(greens):
        to_green = np.array([greens.geometry.distance(c).min() for c in centres])
    else:
        to_green = np.full(len(hx), math.inf)
    points = gpd.GeoSeries(gpd.points_from_xy(items.loc[located, "lon"],
                                              items.loc[located, "lat"]),
                           crs="EPSG:4326").to_crs(crs)
    px, py = points.x.to_numpy()[:, None], points.y.to_numpy()[:, None]
    distance = np.hypot(px - hx[None, :], py - hy[None, :])      # items x buildings
    told = (distance <= far).any(axis=1)          # a building with a count within reach
    mapped = np.flatnonzero(located)[told]
    within, close = distance[told] <= far, distance[told] <= near
    out.loc[mapped, "households_300"] = close @ households
    out.loc[mapped, "households_500"] = within @ households
    out.loc[mapped, "underserved_households"] = (within & (to_green > green)[None, :]) \
        @ households
    return out
