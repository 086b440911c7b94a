"""GCJ-02, the coordinates of Chinese commercial web maps (Gaode/AMap, Tencent), and WGS-84.

GCJ-02 ("Mars coordinates") is WGS-84 plus a deliberate, smoothly varying offset of a few
hundred metres that Chinese web maps apply. The forward formula is public (the
"eviltransform" algorithm, with the Krasovsky 1940 ellipsoid); it has no closed-form inverse,
so the inverse is found by iterating the forward formula. Outside China there is no offset.
The workbench stores WGS-84 only and converts at the edges: data imported from such maps, and
a GCJ-02 basemap at display time.
"""

from __future__ import annotations

import math

__all__ = ["gcj02_to_wgs84", "wgs84_to_gcj02"]

_KRASOVSKY_A = 6378245.0
_KRASOVSKY_EE = 0.00669342162296594323


def _outside_china(lon: float, lat: float) -> bool:
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _gcj_offset(lon: float, lat: float) -> tuple[float, float]:
    """(dlon, dlat) in degrees that GCJ-02 adds at a WGS-84 point in China."""
    x, y = lon - 105.0, lat - 35.0
    common = (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2 / 3
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y
            + 0.2 * math.sqrt(abs(x)) + common
            + (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2 / 3
            + (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0))
            * 2 / 3)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x)) + common
            + (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2 / 3
            + (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi))
            * 2 / 3)
    rad = math.radians(lat)
    magic = 1 - _KRASOVSKY_EE * math.sin(rad) ** 2
    dlat = dlat * 180.0 / ((_KRASOVSKY_A * (1 - _KRASOVSKY_EE)) / (magic * math.sqrt(magic))
                           * math.pi)
    dlon = dlon * 180.0 / (_KRASOVSKY_A / math.sqrt(magic) * math.cos(rad) * math.pi)
    return dlon, dlat


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """(lon, lat) in GCJ-02 of a WGS-84 point (unchanged outside China)."""
    if _outside_china(lon, lat):
        return lon, lat
    dlon, dlat = _gcj_offset(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """(lon, lat) in WGS-84 of a GCJ-02 point (unchanged outside China): the forward formula
    inverted by fixed-point iteration, to about 1e-9 degrees (a millimetre or less)."""
    if _outside_china(lon, lat):
        return lon, lat
    wlon, wlat = lon, lat
    for _ in range(30):
        glon, glat = wgs84_to_gcj02(wlon, wlat)
        ex, ey = glon - lon, glat - lat
        wlon, wlat = wlon - ex, wlat - ey
        if abs(ex) < 1e-10 and abs(ey) < 1e-10:
            break
    return wlon, wlat
