"""GCJ-02 (Gaode, Tencent) to WGS-84 and back: published pairs, a round trip across China,
no offset outside it."""

import pytest

from communities import INSIDE_P1, metres
from workbench.geo.gcj02 import gcj02_to_wgs84, wgs84_to_gcj02

# Published pairs (WGS-84 lat, lon, GCJ-02 lat, lon): the test data of the eviltransform
# library (github.com/googollee/eviltransform, python/test.py) and the Beijing example of
# coordtransform (github.com/wandergis/coordtransform, test/app.js).
PUBLISHED = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),     # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),     # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),     # Beijing
    (39.915, 116.404, 39.91640428150164, 116.41024449916938),           # Beijing (Tiananmen)
]


@pytest.mark.parametrize("wlat, wlon, glat, glon", PUBLISHED)
def test_gcj02_matches_published_pairs(wlat, wlon, glat, glon):
    lon, lat = wgs84_to_gcj02(wlon, wlat)
    assert lon == pytest.approx(glon, abs=1e-8) and lat == pytest.approx(glat, abs=1e-8)
    back = gcj02_to_wgs84(glon, glat)
    assert metres(*back, wlon, wlat) < 0.01


def test_gcj02_round_trip_is_within_a_millimetre_across_china():
    worst = 0.0
    for lon in range(74, 136, 3):
        for lat in range(2, 55, 3):
            w = (lon + 0.123, lat + 0.456)
            worst = max(worst, metres(*gcj02_to_wgs84(*wgs84_to_gcj02(*w)), *w))
    assert worst < 0.001


def test_gcj02_offset_in_hangzhou_and_none_outside_china():
    lon, lat = INSIDE_P1
    assert 300 < metres(lon, lat, *wgs84_to_gcj02(lon, lat)) < 700
    assert gcj02_to_wgs84(2.35, 48.85) == (2.35, 48.85)      # Paris
    assert wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)
