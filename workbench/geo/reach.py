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

__all__ = ["GREEN_KINDS", "reach_m", "households_within"]

#: kinds of public space that count as "green" for the 300 m rule
GREEN_KINDS = ("pocket_park", "cultural_park", "square", "children_play", "sports_ground",
               "elderly_activity")


def reach_m() -> tuple[int, int, int]:
    """(near, far, green) distances in metres, from the standards file."""
    circles = {c["code"]: c["walk_m"] for c in vocabulary.standards()["life_circles"]}
    green = vocabulary.standards()["park_service"]["green_within_m"]
    return circles["5min"], circles["10min"], green


def households_within(items: pd.DataFrame, buildings, public_spaces) -> pd.DataFrame:
    """Households within the near and far reach of each located item, and "underserved"
    households: within the far reach of the item and farther than the green rule's distance
    from every green public space (a new or better space there serves them most).

    ``items`` has item_id, lon, lat (WGS-84; NaN when unlocated); ``buildings`` and
    ``public_spaces`` are GeoDataFrames (EPSG:4326) with ``households`` and ``kind``. Where
    nothing is known of the homes (no buildings, or none with households), every figure is
    unknown (NaN), never 0: a community without that layer has not no one living in it."""
    import geopandas as gpd

    near, far, green = reach_m()
    out = pd.DataFrame({"item_id": items["item_id"].to_numpy()})
    for col in ("households_300", "households_500", "underserved_households"):
        out[col] = np.nan
    located = items["lon"].notna() & items["lat"].notna()
    if "households" not in buildings.columns:  # an empty layer has no columns at all
        return out
    homes = buildings[pd.to_numeric(buildings["households"], errors="coerce").fillna(0) > 0]
    if not located.any() or homes.empty:
        return out
    crs = homes.estimate_utm_crs()
    centres = homes.to_crs(crs).geometry.centroid
    hx, hy = centres.x.to_numpy(), centres.y.to_numpy()
    households = pd.to_numeric(homes["households"], errors="coerce").fillna(0).to_numpy(dtype=float)
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
    out.loc[located.to_numpy(), "households_300"] = (distance <= near) @ households
    out.loc[located.to_numpy(), "households_500"] = (distance <= far) @ households
    out.loc[located.to_numpy(), "underserved_households"] = (
        (distance <= far) & (to_green > green)[None, :]) @ households
    return out
