
import pytest

from communities import OUTSIDE, INSIDE_P1, small_community_layers, write_community
from servers import DEMO_LAYERS
from workbench.layers.community import LayerError, load_community, read_layers


def test_demo_community_loads_and_has_what_the_issue_asks():
    c = load_community(DEMO_LAYERS)
    assert c.id == "heguang"
    households = [f["properties"]["households"] for f in c.layers["buildings"]["features"]
                  if f["properties"]["households"] > 0]
    assert 10 <= len(households) <= 20
    kinds = {f["properties"]["kind"] for f in c.layers["public_spaces"]["features"]}
    assert len(c.layers["public_spaces"]["features"]) >= 12 and len(kinds) >= 4
    assert len(c.layers["roads"]["features"]) >= 5


def test_demo_pocket_parks_meet_the_national_size_rule():
    c = load_community(DEMO_LAYERS)
    rule = c.kinds["pocket_park"]
    for f in c.layers["public_spaces"]["features"]:
        if f["properties"]["kind"] == "pocket_park":
            assert rule["min_area_m2"] <= f["properties"]["area_m2"] <= rule["max_area_m2"]


def test_contains_and_public_space_at(community):
    assert community.contains(*INSIDE_P1)
    assert not community.contains(*OUTSIDE)
    assert community.public_space_at(*INSIDE_P1) == "P1"
    lon, lat = community.public_space_location("P3")
    assert community.contains(lon, lat)


def test_read_layers_gives_geodataframes_in_wgs84(community_dir):
    layers = read_layers(community_dir)
    assert set(layers) == {"boundary", "roads", "buildings", "public_spaces"}
    assert all(g.crs.to_epsg() == 4326 for g in layers.values())
    assert list(layers["public_spaces"]["id"]) == ["P1", "P2", "P3", "P4"]


def broken(tmp_path, layer, mutate):
    layers = small_community_layers()
    mutate(layers[layer])
    return write_community(tmp_path / "broken", layers)


@pytest.mark.parametrize("layer, mutate, expected", [
    ("buildings", lambda fc: fc["features"][1]["properties"].update(households="many"),
     "buildings.geojson: feature #2 (id=B2): property 'households' must be a whole number"),
    ("buildings", lambda fc: fc["features"][0]["properties"].pop("id"),
     "buildings.geojson: feature #1: property 'id' is missing"),
    ("public_spaces", lambda fc: fc["features"][0]["properties"].update(kind="volcano"),
     "public_spaces.geojson: feature #1 (id=P1): property 'kind' must be one of"),
    ("public_spaces", lambda fc: fc["features"][3]["properties"].update(id="P1"),
     "id 'P1' is used twice"),
    ("roads", lambda fc: fc["features"][0].update(geometry={"type": "Point",
                                                             "coordinates": [120.2, 30.25]}),
     "roads.geojson: feature #1 (id=R1): geometry must be LineString or MultiLineString"),
    # a bow-tie polygon crosses itself
    ("buildings", lambda fc: fc["features"][0]["geometry"].update(coordinates=[[
        [120.199, 30.2505], [120.1995, 30.2506], [120.1995, 30.2505], [120.199, 30.2506],
        [120.199, 30.2505]]]),
     "geometry is invalid: Self-intersection"),
    ("buildings", lambda fc: fc["features"][0]["geometry"].update(coordinates=[[
        [500000, 3350000], [500100, 3350000], [500100, 3350100], [500000, 3350000]]]),
     "is not a WGS-84 longitude/latitude"),
    ("boundary", lambda fc: fc.update(crs={"type": "name", "properties": {
        "name": "urn:ogc:def:crs:EPSG::32651"}}),
     "boundary.geojson: coordinates must be WGS-84"),
    ("boundary", lambda fc: fc["features"].append(fc["features"][0]),
     "boundary.geojson: must hold exactly one feature, found 2"),
    ("public_spaces", lambda fc: fc["features"][2]["geometry"].update(
        coordinates=list(OUTSIDE)), "lies outside the community boundary"),
])
def test_broken_layer_names_file_feature_and_problem(tmp_path, layer, mutate, expected):
    folder = broken(tmp_path, layer, mutate)
    with pytest.raises(LayerError) as err:
        load_community(folder)
    assert expected in str(err.value)


def test_file_that_is_not_json(tmp_path):
    folder = write_community(tmp_path / "c")
    (folder / "roads.geojson").write_text("{not json", encoding="utf-8")
    with pytest.raises(LayerError, match=r"roads.geojson: is not valid GeoJSON"):
        load_community(folder)


def test_missing_file_and_missing_community_yaml(tmp_path):
    folder = write_community(tmp_path / "c")
    (folder / "buildings.geojson").unlink()
    with pytest.raises(LayerError, match="buildings.geojson: file is missing"):
        load_community(folder)
    with pytest.raises(LayerError, match="community.yaml"):
        load_community(tmp_path / "empty")


def test_community_can_add_its_own_kind(tmp_path):
    layers = small_community_layers()
    layers["public_spaces"]["features"][0]["properties"]["kind"] = "tea_garden"
    folder = write_community(tmp_path / "c", layers)
    (folder / "kinds.yaml").write_text(
        "kinds:\n  - {code: tea_garden, zh: 茶园, en: Tea garden, color: '#558b2f'}\n",
        encoding="utf-8")
    c = load_community(folder)
    assert c.kinds["tea_garden"]["zh"] == "茶园"
    assert "pocket_park" in c.kinds


def test_check_layers_command(capsys, tmp_path):
    from workbench.cli import main

    assert main(["check-layers", str(DEMO_LAYERS)]) == 0
    folder = broken(tmp_path, "buildings", lambda fc: fc["features"][0]["properties"].update(
        households=-3))
    assert main(["check-layers", str(folder)]) == 1
    assert "id=B1" in capsys.readouterr().err


def test_areas_of_the_demo_community_and_a_wrong_one(tmp_path):
    c = load_community(DEMO_LAYERS)
    assert set(c.areas) == {"north", "south"} and "B01" in c.areas["north"]
    assert "和光物业服务中心" in c.owners    # suggested owners of adopted agenda items
    import yaml

    folder = write_community(tmp_path / "c")
    meta = yaml.safe_load((folder / "community.yaml").read_text(encoding="utf-8"))
    meta["areas"] = {"east": ["B1", "B9"]}
    (folder / "community.yaml").write_text(yaml.safe_dump(meta), encoding="utf-8")
    with pytest.raises(LayerError, match=r"area 'east' lists buildings .*: B9"):
        load_community(folder)
