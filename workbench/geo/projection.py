"""Longitude and latitude to pixels on a drawn map of the community.

Plate carrée with x shrunk by cos(latitude), so a metre east is as long as a metre north at
a community's size (a few hundred metres: the error is far below a pixel).
"""

from __future__ import annotations

import math

__all__ = ["PixelProjection", "area_m2", "bounds_around", "located", "M_PER_DEG_LAT",
           "MAP_WIDTH"]

#: metres in one degree of latitude (WGS-84, mid-latitudes; ±0.5 % from equator to pole)
M_PER_DEG_LAT = 110_574.0
#: width of a drawn map in pixels (fits an A4 page and a 1920 screen's panel)
MAP_WIDTH = 760


class PixelProjection:
    """Longitude/latitude to map pixels, with a ``band`` below the map for the scale bar and
    north arrow."""

    def __init__(self, bounds, width: float = MAP_WIDTH, pad: float = 18, band: float = 30):
        west, south, east, north = bounds
        self.west, self.north, self.pad = west, north, pad
        self.k = math.cos(math.radians((south + north) / 2))
        span_x = max((east - west) * self.k, 1e-9)
        span_y = max(north - south, 1e-9)
        self.scale = (width - 2 * pad) / span_x
        self.width = width
        self.map_height = span_y * self.scale + 2 * pad
        self.height = self.map_height + band  # the scale bar and north arrow below the map
        self.px_per_m = self.scale / M_PER_DEG_LAT

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (self.pad + (lon - self.west) * self.k * self.scale,
                self.pad + (self.north - lat) * self.scale)


def located(point: dict) -> bool:
    """Whether a record (an agenda item, a proposal) has a place: ``lon`` and ``lat``."""
    return point.get("lon") is not None and point.get("lat") is not None


def bounds_around(community, points: list[dict]):
    """(west, south, east, north): the community's boundary, grown to hold every located
    point (a proposal just outside the boundary stays on the map)."""
    west, south, east, north = community.boundary.bounds
    for point in points:
        if located(point):
            west, east = min(west, point["lon"]), max(east, point["lon"])
            south, north = min(south, point["lat"]), max(north, point["lat"])
    return west, south, east, north


def area_m2(geom) -> float:
    """Area in square metres of a shapely geometry in WGS-84 longitude/latitude, on the
    ellipsoid (pyproj's geodesic area: no UTM zone to choose, exact at any size); 0 for points
    and lines."""
    from pyproj import Geod

    if geom is None or geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
        return 0.0
    area, _perimeter = Geod(ellps="WGS84").geometry_area_perimeter(geom)
    return abs(float(area))
