"""Shapefiles whose text encoding nothing declares (no .cpg, no code page in the DBF header),
as Chinese GIS tools save them in GBK: ``workbench layers import`` detects the encoding,
names it in the report, and the Chinese names come through."""

import json
import random
import zipfile

import geopandas as gpd
import shapely
import shapely.geometry

from communities import small_community_layers
from workbench.cli import main
from workbench.layers.importing import readers

#: the kind of names a committee gives its spaces; the test picks among them with a fixed seed
WORDS = ["和光", "邻里", "幸福", "桂花", "长者", "儿童", "运河", "书香", "健身", "乐享"]
SPACES = 12
PLACES = ["口袋公园", "社区客厅", "邻里中心", "文化公园", "广场", "活动场地"]


def gbk_shapefile(folder, seed: int = 16):
    """Public spaces at random places inside the small test community, as a GBK shapefile in
    a Chinese projected CRS (EPSG:4547), written the way Chinese GIS tools do: no .cpg, code
    page byte 0 in the DBF header."""
    rng = random.Random(seed)
    boundary = gpd.GeoSeries([shapely.geometry.shape(
        small_community_layers()["boundary"]["features"][0]["geometry"])], crs=4326).to_crs(4547)
    inside = boundary.iloc[0].buffer(-20)
    west, south, east, north = inside.bounds
    squares = []
    while len(squares) < SPACES:
        centre = shapely.Point(rng.uniform(west, east), rng.uniform(south, north))
        if inside.contains(centre):
            squares.append(centre.buffer(8, cap_style="square"))
    names = [f"{rng.choice(WORDS)}{rng.choice(WORDS)}{rng.choice(PLACES)}{i}"
             for i in range(SPACES)]
    frame = gpd.GeoDataFrame({"名称": names, "kind": ["pocket_park"] * SPACES},
                             geometry=squares, crs=4547)
    folder.mkdir(parents=True, exist_ok=True)
    shp = folder / "公共空间.shp"
    frame.to_file(shp, encoding="GBK")
    shp.with_suffix(".cpg").unlink()
    dbf = shp.with_suffix(".dbf")
    raw = bytearray(dbf.read_bytes())
    raw[29] = 0                      # no language driver: nothing in the file names GBK
    dbf.write_bytes(bytes(raw))
    assert names[0].encode("gbk") in raw and "名称".encode("gbk") in raw
    return shp, names


def write_boundary(tmp_path):
    boundary = tmp_path / "boundary.geojson"
    boundary.write_text(json.dumps(small_community_layers()["boundary"]), encoding="utf-8")
    return boundary


def imported_names(out) -> set:
    features = json.loads((out / "public_spaces.geojson").read_text("utf-8"))["features"]
    return {f["properties"]["name_zh"] for f in features}


def test_gbk_shapefile_without_cpg_keeps_its_chinese_names(tmp_path, capsys):
    shp, names = gbk_shapefile(tmp_path / "shp")
    assert readers.dbf_encoding(shp) == ("gb18030", "GBK/GB18030")
    out = tmp_path / "out"
    assert main(["layers", "import", str(shp), "--out", str(out), "--boundary",
                 str(write_boundary(tmp_path)), "--lang", "zh"]) == 0
    assert imported_names(out) == set(names)
    report = (out / "import_report.txt").read_text("utf-8")
    assert "公共空间.shp：没有 .cpg 文件" in report and "GBK/GB18030" in report
    assert "GBK/GB18030" in capsys.readouterr().out


def test_zipped_gbk_shapefile_and_the_english_report(tmp_path):
    shp, names = gbk_shapefile(tmp_path / "shp", seed=7)
    archive = tmp_path / "spaces.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in shp.parent.iterdir():
            zf.write(f, f.name)
    out = tmp_path / "out"
    assert main(["layers", "import", str(archive), "--out", str(out), "--boundary",
                 str(write_boundary(tmp_path)), "--lang", "en"]) == 0
    assert imported_names(out) == set(names)
    assert "read as GBK/GB18030 (detected)" in (out / "import_report.txt").read_text("utf-8")


def test_a_declared_encoding_is_left_to_gdal(tmp_path):
    shp, names = gbk_shapefile(tmp_path / "shp")
    shp.with_suffix(".cpg").write_text("GBK", encoding="ascii")
    assert readers.dbf_encoding(shp) is None
    frame = readers.read_source(shp, readers.ReadOptions(), tmp_path)[0].gdf
    assert sorted(a["名称"] for a in frame["attrs"]) == sorted(names)


def test_plain_ascii_and_broken_dbf_headers_are_not_guessed(tmp_path):
    folder = tmp_path / "ascii"
    folder.mkdir()
    gpd.GeoDataFrame({"name": ["Park"]}, geometry=[shapely.Point(120.15, 30.3)],
                     crs=4326).to_file(folder / "a.shp")
    (folder / "a.cpg").unlink()
    assert readers.dbf_encoding(folder / "a.shp") is None
    (folder / "a.dbf").write_bytes(b"\x03" + b"\xff" * 7 + b"\x00\x00")   # cut short
    assert readers.dbf_encoding(folder / "a.shp") is None


def test_csv_in_gbk_and_windows_1252_detected_and_named(tmp_path):
    spaces = small_community_layers()["public_spaces"]["features"]
    point = next(f for f in spaces if f["geometry"]["type"] == "Point")
    lon, lat = point["geometry"]["coordinates"]
    rng = random.Random(16)
    names = {"gbk": f"{rng.choice(WORDS)}{rng.choice(PLACES)}",
             "cp1252": "Café Müller Straße"}
    for codec, label in (("gbk", "GBK/GB18030"), ("cp1252", "Windows-1252")):
        csv = tmp_path / f"spaces_{codec}.csv"
        csv.write_bytes(f"名称,kind,lon,lat\n{names[codec]},community_living_room,{lon},{lat}\n"
                        .replace("名称", "name" if codec == "cp1252" else "名称")
                        .encode(codec))
        out = tmp_path / f"out_{codec}"
        assert main(["layers", "import", str(csv), "--out", str(out), "--boundary",
                     str(write_boundary(tmp_path)), "--lang", "en"]) == 0
        assert names[codec] in imported_names(out)
        assert f"text read as {label} (detected)" in \
            (out / "import_report.txt").read_text("utf-8")
