"""The community drawn from its own layers: a metre is a metre both ways, the map grows to
hold a point outside the boundary, close markers are moved apart, resident text is escaped,
and the PNG is a picture."""

import math

from communities import ll
from workbench.geo.drawing import (community_svg, draw_layers, figure_png, map_figure,
                                    marker_positions)
from workbench.geo.projection import PixelProjection, bounds_around, located


def test_a_metre_east_is_as_long_as_a_metre_north(community):
    proj = PixelProjection(bounds_around(community, []))
    x0, y0 = proj(*ll(0, 0))
    x1, _ = proj(*ll(100, 0))
    _, y1 = proj(*ll(0, 100))
    assert abs((x1 - x0) - (y0 - y1)) / (x1 - x0) < 0.01
    assert abs((x1 - x0) / (proj.px_per_m * 100) - 1) < 0.01    # and the scale bar is right


def test_the_map_grows_to_hold_a_point_outside_the_boundary(community):
    inside = bounds_around(community, [])
    lon, lat = ll(400, 400)
    grown = bounds_around(community, [{"lon": lon, "lat": lat}, {"lon": None, "lat": None}])
    assert grown[2] == lon and grown[3] == lat and grown[:2] == inside[:2]
    assert not located({"lon": None, "lat": 30.0})


def test_close_markers_are_moved_apart(community):
    proj = PixelProjection(bounds_around(community, []))
    lon, lat = ll(0, 0)
    points = [{"id": n, "lon": lon, "lat": lat} for n in range(8)]
    placed = marker_positions(points, proj, gap=28)
    spots = [(mx, my) for _, _, _, mx, my in placed]
    assert len(set(spots)) == 8
    for i, a in enumerate(spots):
        for b in spots[i + 1:]:
            assert math.hypot(a[0] - b[0], a[1] - b[1]) >= 28 - 1e-6


def test_svg_has_every_layer_and_escapes_its_label(community):
    proj = PixelProjection(bounds_around(community, []))
    svg = community_svg(community, proj, '<script>"地图"</script>', css_class="agenda-map")
    assert svg.startswith('<svg class="agenda-map"') and svg.endswith("</svg>")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert svg.count('class="space"') == 4          # three polygons and the living room
    assert 'stroke-dasharray="4 3"' in svg          # the footway
    assert "100 m" in svg or "50 m" in svg          # the scale bar


def test_png_is_a_picture(community):
    proj = PixelProjection(bounds_around(community, []))
    fig, ax = map_figure(proj)
    draw_layers(ax, community, proj)
    png = figure_png(fig, dpi=50)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 1000
