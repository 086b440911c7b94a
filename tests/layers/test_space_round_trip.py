"""A round trip: `workbench layers import`, edit the spaces, `workbench layers export` (a
GeoPackage and a GeoJSON folder), import each again: geometry and attributes are kept."""

import json
from pathlib import Path

import pytest
import shapely
from shapely.geometry import shape

from communities import ll, rect, write_community
from workbench.cli import main
from workbench.layers.checks import check_folder
from workbench.layers.community import load_community
from workbench.layers.editing import parse_facilities
from workbench.layers.exporting import LAYERS
from workbench.layers.space_panel import SpaceEditor

KEPT = ("kind", "name_zh", "name_en", "description_zh", "description_en", "opening_hours",
        "status")


def imported(*files, out: Path, community_id: str) -> Path:
    assert main(["layers", "import", *map(str, files), "--out", str(out), "--id", community_id,
                 "--name-zh", "测试社区", "--name-en", "Test Community", "--licence", "test data",
                 "--lang", "en"]) == 0
    return out


def edit(editor: SpaceEditor) -> None:
    def fill(**values):
        for name, value in values.items():
            editor.inputs[name].value = value

    editor.new_space()
    editor.set_shape(rect(-120, 110, -40, 180))
    fill(name_zh="候选口袋公园", name_en="Candidate Pocket Park", kind="pocket_park",
         status="planned", opening_hours="全天 all day", facilities=("seating", "lighting"),
         description_zh="居民提议的地块。", description_en="A plot residents proposed.")
    assert editor.save() == "create"
    editor.new_space()
    editor.set_shape({"type": "Point", "coordinates": ll(-30, -60)})
    fill(name_zh="议事亭", name_en="Meeting Pavilion", kind="community_living_room",
         status="under_construction")
    assert editor.save() == "create"
    editor.select("P1")
    editor.set_shape({"type": "Polygon", "coordinates": [[ll(30, 100), ll(95, 100),
                                                          ll(95, 160), ll(60, 175), ll(30, 150),
                                                          ll(30, 100)]]})
    assert editor.save() == "reshape"
    editor.select("P3")
    fill(status="closed", facilities=("indoor_room", "accessible"), opening_hours="9:00-17:00")
    assert editor.save() == "edit"
    editor.select("P2")
    editor.delete()
    assert editor.delete() is True


def spaces_of(folder: Path) -> dict:
    return {f["properties"]["id"]: f for f in load_community(folder).layers["public_spaces"][
        "features"]}


def assert_same(got: dict, want: list[dict]) -> None:
    assert sorted(got) == sorted(f["properties"]["id"] for f in want)
    for feature in want:
        space_id = feature["properties"]["id"]
        g, w = got[space_id], feature
        a, b = shape(g["geometry"]), shape(w["geometry"])
        assert a.geom_type == b.geom_type
        assert a.normalize().equals_exact(b.normalize(), 1e-7), space_id
        for key in KEPT:
            assert (g["properties"].get(key) or None) == (w["properties"].get(key) or None), \
                (space_id, key)
        assert parse_facilities(g["properties"].get("facilities")) == \
            w["properties"]["facilities"]
        if w["properties"]["area_m2"]:
            # the import measures on a UTM zone (0.1 % large 3° off its meridian), the
            # editor on the ellipsoid
            assert g["properties"]["area_m2"] == pytest.approx(w["properties"]["area_m2"],
                                                               rel=0.002)


def test_import_edit_export_import_keeps_geometry_and_attributes(tmp_path, monkeypatch):
    from workbench.demo import init
    from workbench.store import Store

    source = write_community(tmp_path / "source")
    first = imported(*(source / f"{name}.geojson" for name in LAYERS), out=tmp_path / "first",
                     community_id="test")
    monkeypatch.setenv("WORKBENCH_LAYERS_DIR", str(first))
    init()
    edit(SpaceEditor.from_settings("王规划", "en"))
    want = Store().public_space_features("test")
    assert {f["properties"]["status"] for f in want} == {"existing", "planned",
                                                          "under_construction", "closed"}

    gpkg = tmp_path / "out" / "edited.gpkg"
    gpkg.parent.mkdir()
    assert main(["layers", "export", str(gpkg), "--lang", "en"]) == 0
    folder = tmp_path / "edited"
    assert main(["layers", "export", str(folder), "--lang", "en"]) == 0
    assert (folder / "community.yaml").exists()
    assert_same(spaces_of(folder), want)                     # the folder as written

    again = imported(gpkg, out=tmp_path / "from-gpkg", community_id="again")
    assert [p for p in check_folder(again) if p.severity == "error"] == []
    assert_same(spaces_of(again), want)
    written = json.loads((again / "public_spaces.geojson").read_text("utf-8"))
    assert {f["properties"]["id"] for f in written["features"]} >= {"P1", "P3", "P4"}

    from_json = imported(*(folder / f"{name}.geojson" for name in LAYERS),
                         out=tmp_path / "from-geojson", community_id="again2")
    assert_same(spaces_of(from_json), want)
    # and the other layers came through as well
    assert shapely.equals(load_community(from_json).boundary, load_community(first).boundary)
