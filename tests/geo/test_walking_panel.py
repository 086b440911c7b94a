"""The planner's walking tool without a browser: the demo community measured, its figures,
map layers and files; candidate sites drawn or from a file, and bad files refused with a
message beside the field."""

from __future__ import annotations

import base64
import json
import re
from datetime import datetime, timezone

import pytest

from workbench import settings
from workbench.geo.walking_panel import WalkingPanel, walking_app
from workbench.layers.community import load_community, read_layers


@pytest.fixture(scope="module")
def demo():
    folder = settings.get("layers_dir")
    return load_community(folder), read_layers(folder)


def panel(demo, lang="en"):
    return WalkingPanel(*demo, lang=lang)


def downloaded(link) -> bytes:
    found = re.search(r'base64,([^"]+)"', link.widget.value)
    return base64.b64decode(found.group(1)) if found else b""


def test_measuring_shows_the_share_the_map_and_the_files(demo):
    p = panel(demo)
    assert p.kind.value == "pocket_park" and p.minutes.value == 5
    assert all(not link.widget.value for link in p.downloads)     # nothing to offer yet
    p.run.click()
    assert p.progress.value == 1.0
    assert "% of households are within a 5-minute walk" in p.summary.value
    assert "along the road and path network" in p.notes.value
    assert p.area_layer.data["features"] and "<table" in p.table.value
    geojson = json.loads(downloaded(p.downloads[0]))
    assert {f["properties"]["method"] for f in geojson["features"] if "method" in
            f["properties"]} == {"network"}
    assert downloaded(p.downloads[1]).startswith(b"\x89PNG")
    assert downloaded(p.downloads[2]).decode("utf-8-sig").startswith("id,households")
    p.kind.value, p.minutes.value = "square", 10
    p.run.click()
    assert "10-minute walk" in p.summary.value and "square" in p.summary.value


def test_one_spaces_own_service_area_is_drawn_on_choice(demo):
    from shapely.geometry import shape

    p = panel(demo)
    assert p.area_of.disabled                                     # nothing measured yet
    p.run.click()
    pocket_parks = [f for f in demo[0].layers["public_spaces"]["features"]
                    if f["properties"]["kind"] == "pocket_park"]
    values = [v for _, v in p.area_of.options]
    assert values[0] == "" and sorted(values[1:]) == sorted(
        str(f["properties"]["id"]) for f in pocket_parks)
    whole = shape(p.area_layer.data["features"][0]["geometry"])
    first = pocket_parks[0]
    p.area_of.value = str(first["properties"]["id"])
    drawn = p.area_layer.data["features"]
    assert len(drawn) == 1 and drawn[0]["properties"]["space_id"] == first["properties"]["id"]
    own = shape(drawn[0]["geometry"])
    assert own.area < whole.area and own.buffer(1e-6).intersects(shape(first["geometry"]))
    assert first["properties"]["name_en"] in [label for label, _ in p.area_of.options]
    p.area_of.value = ""
    assert shape(p.area_layer.data["features"][0]["geometry"]).equals(whole)


def test_sites_drawn_on_the_map_are_ranked_and_chosen(demo):
    p = panel(demo, "zh")
    p.kind.value = "community_living_room"
    p.run.click()
    west, south, east, north = p.community.boundary.bounds
    for fx, fy in ((0.2, 0.2), (0.8, 0.8), (0.5, 0.5)):
        p._on_draw(action="created", geo_json={"type": "Feature", "geometry": {
            "type": "Point", "coordinates": [west + fx * (east - west),
                                             south + fy * (north - south)]}})
    p.k.value = 2
    p.rank.click()
    assert p.site_message.value == ""
    assert "逐个选出的最佳地块" in p.sites_out.value and len(p.site_layer.data["features"]) == 3
    p.clear.click()
    p.rank.click()
    assert "没有候选地块" in p.site_message.value


@pytest.mark.parametrize("content, message", [
    (b"not json", "is not a GeoJSON"),
    (json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature",
     "properties": {}, "geometry": {"type": "Point", "coordinates": [0.0, 0.0]}}]}).encode(),
     "outside the community"),
    (json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature",
     "properties": {}, "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}}]}
                ).encode(), "not a valid polygon or point"),
])
def test_a_bad_sites_file_is_refused_beside_the_field(demo, content, message):
    p = panel(demo)
    p.run.click()
    p.upload.value = ({"name": "sites.geojson", "type": "application/json",
                       "size": len(content), "content": memoryview(content),
                       "last_modified": datetime(2026, 1, 1, tzinfo=timezone.utc)},)
    p.rank.click()
    assert message in p.site_message.value and p.sites_out.value == ""


def test_the_app_switches_language(demo):
    app = walking_app("zh")
    assert "步行距离与生活圈" in app.tool.widget.children[0].value
    app.switch.value = "en"
    assert "Walking distance and life circles" in app.tool.widget.children[0].value


def test_the_walking_notebook_executes(tmp_path):
    from notebooks import WIDGET, execute, widget_values

    nb, outputs = execute("walking.ipynb", tmp_path)
    assert any(WIDGET in o.get("data", {}) for o in outputs)
    assert "步行距离与生活圈" in widget_values(nb)
