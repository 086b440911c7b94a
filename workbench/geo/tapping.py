"""Which public space a finger meant: a space drawn as a point is a dot about the size of a
marker, and proposals about a space sit at its centre, under the finger.

A tap inside a space's area picks that space, or one a few pixels off its edge (a finger's
slop); a tap on a point space's dot, or on a marker drawn over it, picks that space.
"""

from __future__ import annotations

import math

from shapely.geometry import Point, shape

from workbench.geo.projection import M_PER_DEG_LAT

__all__ = ["metres_per_pixel", "space_at_tap", "POINT_PIXELS", "EDGE_PIXELS"]

#: how far from a point space a tap may land, in screen pixels: its dot's radius (9) and ring,
#: and a little more (a proposal's marker drawn over it has a radius of 7)
POINT_PIXELS = 12
#: how far outside an area's edge a tap still means that area
EDGE_PIXELS = 3
#: Web-Mercator metres per pixel at zoom 0 on the equator (256 px tiles)
_EQUATOR_M_PER_PX = 156_543.03392


def metres_per_pixel(lat: float, zoom: float) -> float:
    """Ground metres that one screen pixel of a Web-Mercator map covers."""
    return _EQUATOR_M_PER_PX * math.cos(math.radians(lat)) / 2 ** zoom


def space_at_tap(community, lon: float, lat: float, metres_per_px: float) -> str | None:
    """Id of the public space a tap at (lon, lat) means, on a map where one pixel covers
    ``metres_per_px``: the one whose area holds it, else the nearest point space within
    POINT_PIXELS or area within EDGE_PIXELS; None when no space is that close."""
    inside = community.public_space_at(lon, lat)
    if inside is not None:
        return inside
    k = math.cos(math.radians(lat))
    tap = Point(lon * k, lat)
    best, best_px = None, float("inf")
    for space_id, feature in community.public_spaces.items():
        geom = shape(feature["geometry"])
        # distances in degrees of latitude after shrinking longitude: metres at this size
        pixels = _scale_x(geom, k).distance(tap) * M_PER_DEG_LAT / metres_per_px
        reach = POINT_PIXELS if geom.geom_type == "Point" else EDGE_PIXELS
        if pixels <= reach and pixels < best_px:
            best, best_px = space_id, pixels
    return best


def _scale_x(geom, k: float):
    from shapely.affinity import scale

    return scale(geom, xfact=k, yfact=1.0, origin=(0, 0))
