"""Which public space a finger meant: a tap on a web map lands within a marker's size of where
it was aimed, and small spaces (or those drawn as a point) are about the size of a marker.

A tap inside a space's area picks that space; otherwise the nearest space within the
tolerance does (its edge, or its point), so that a tap on a proposal's marker at a small
space's centre, or on a space drawn as a dot, picks that space.
"""

from __future__ import annotations

import math

from shapely.geometry import Point, shape

from workbench.geo.projection import M_PER_DEG_LAT

__all__ = ["metres_per_pixel", "space_at_tap", "TAP_PIXELS"]

#: how far from its target a tap may land, in screen pixels: a finger's imprecision, about a
#: marker's radius and its ring (the map's point markers are 7 to 12 px in radius)
TAP_PIXELS = 14
#: Web-Mercator metres per pixel at zoom 0 on the equator (256 px tiles)
_EQUATOR_M_PER_PX = 156_543.03392


def metres_per_pixel(lat: float, zoom: float) -> float:
    """Ground metres that one screen pixel of a Web-Mercator map covers."""
    return _EQUATOR_M_PER_PX * math.cos(math.radians(lat)) / 2 ** zoom


def space_at_tap(community, lon: float, lat: float, tolerance_m: float) -> str | None:
    """Id of the public space a tap at (lon, lat) means: the one whose area holds it, else
    the nearest within ``tolerance_m`` metres (areas by their edge, point spaces by their
    point); None when no space is that close."""
    inside = community.public_space_at(lon, lat)
    if inside is not None:
        return inside
    k = math.cos(math.radians(lat))
    tap = Point(lon * k, lat)
    best, best_m = None, tolerance_m
    for space_id, feature in community.public_spaces.items():
        geom = shape(feature["geometry"])
        # distances in degrees of latitude after shrinking longitude: metres at this size
        scaled = _scale_x(geom, k)
        metres = scaled.distance(tap) * M_PER_DEG_LAT
        if metres <= best_m:
            best, best_m = space_id, metres
    return best


def _scale_x(geom, k: float):
    from shapely.affinity import scale

    return scale(geom, xfact=k, yfact=1.0, origin=(0, 0))
