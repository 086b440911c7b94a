"""Open data from a published agenda version: CSV (UTF-8 with BOM, for Excel) and GeoJSON,
with the listed columns only, so no author name and no participation code can slip in."""

import json

import geopandas as gpd
import pandas as pd
import pytest

from agenda_samples import AMPERSAND_TITLE, MARKUP_TITLE, TITLES, sample_snapshot
from workbench.agenda.open_data import (ITEM_COLUMNS, PROPOSAL_COLUMNS, UPDATE_COLUMNS,
                                        agenda_csv, agenda_geojson)

BOM = b"\xef\xbb\xbf"


@pytest.fixture
def snapshot(community):
    return sample_snapshot(community)


def test_csv_files_have_the_listed_columns_a_bom_and_every_item(tmp_path, snapshot):
    written = agenda_csv(snapshot, tmp_path / "open")
    assert [p.name for p in written] == ["agenda_items.csv", "proposals.csv", "updates.csv"]
    for path in written:
        assert path.read_bytes().startswith(BOM), path.name
    items = pd.read_csv(tmp_path / "open" / "agenda_items.csv", encoding="utf-8-sig")
    proposals = pd.read_csv(tmp_path / "open" / "proposals.csv", encoding="utf-8-sig")
    updates = pd.read_csv(tmp_path / "open" / "updates.csv", encoding="utf-8-sig")
    assert tuple(items.columns) == ITEM_COLUMNS == (
        "id", "rank", "title", "scenario", "decision", "reason", "owner", "budget_line",
        "target_date", "status", "progress", "public_space_id", "lon", "lat", "score",
        "supporters", "supporters_elsewhere", "proposals")
    assert tuple(proposals.columns) == PROPOSAL_COLUMNS == (
        "id", "receipt_code", "source_id", "item_id", "title", "supports", "official_answer")
    assert tuple(updates.columns) == UPDATE_COLUMNS == (
        "item_id", "date", "status", "progress", "note")
    # rank order, text as written (Chinese, markup, & and quotes survive the round trip)
    assert items["id"].tolist() == [12, 7, 9, 15]
    assert items["title"].tolist() == [TITLES[12], MARKUP_TITLE, AMPERSAND_TITLE, TITLES[15]]
    assert items["decision"].tolist() == ["adopt", "defer", "decline", "adopt"]
    first = items.iloc[0]
    # everyone supporting it: 38 participation codes and 5 gathered on paper
    assert (first["supporters"], first["supporters_elsewhere"]) == (43, 5)
    assert (first["proposals"], first["progress"]) == (3, 40)
    assert first["target_date"] == "2027-06-30" and first["budget_line"] == "2027 社区微更新"
    assert items["lon"].isna().tolist() == [False, False, False, True]
    assert len(proposals) == 6 and set(proposals["item_id"]) == {12, 7, 9, 15}
    assert proposals.loc[proposals["id"] == 5, "official_answer"].item() == \
        "已采纳，计划 2027 年 6 月前完工。"
    assert updates["item_id"].tolist() == [12, 12]
    assert updates["note"].iloc[1] == "设计方案已公示两周，收到 12 条意见 & 已全部答复。"


def test_no_personal_data_in_any_file(tmp_path, snapshot):
    # the snapshot carries none; a planner's name in it must still not reach the files
    snapshot["published_by"] = "王小明"
    snapshot["items"][0]["proposals"][0]["author"] = "李四"
    snapshot["items"][0]["proposals"][0]["participation_code"] = "ABCDE-FGHIJ"
    snapshot["items"][0]["history"][0]["author"] = "张三"
    out = tmp_path / "open"
    agenda_csv(snapshot, out)
    agenda_geojson(snapshot, out / "agenda.geojson")
    assert len(list(out.iterdir())) == 4
    for path in sorted(out.iterdir()):
        text = path.read_text(encoding="utf-8-sig")
        for secret in ("王小明", "李四", "张三", "ABCDE-FGHIJ", "author", "participation"):
            assert secret not in text, (path.name, secret)


def test_geojson_has_the_located_items_as_wgs84_points(tmp_path, snapshot, community):
    path = agenda_geojson(snapshot, tmp_path / "agenda.geojson")
    raw = path.read_bytes()
    assert not raw.startswith(BOM)  # RFC 7946 / 8259: no byte-order mark
    data = json.loads(raw)
    assert data["type"] == "FeatureCollection" and "crs" not in data
    frame = gpd.read_file(path)
    assert frame.crs.to_epsg() == 4326
    assert frame["id"].tolist() == [12, 7, 9]  # the item without a place has no geometry
    assert set(frame.columns) == set(ITEM_COLUMNS) | {"geometry"}
    assert set(frame.geom_type) == {"Point"}
    assert all(community.contains(p.x, p.y) for p in frame.geometry)
    assert frame["title"].tolist() == [TITLES[12], MARKUP_TITLE, AMPERSAND_TITLE]
    first = data["features"][0]
    assert first["geometry"]["coordinates"] == [first["properties"]["lon"],
                                                first["properties"]["lat"]]


def test_an_empty_agenda_gives_files_with_headers_only(tmp_path, community):
    snapshot = dict(sample_snapshot(community), items=[])
    agenda_csv(snapshot, tmp_path)
    agenda_geojson(snapshot, tmp_path / "agenda.geojson")
    assert pd.read_csv(tmp_path / "agenda_items.csv", encoding="utf-8-sig").empty
    assert json.loads((tmp_path / "agenda.geojson").read_text())["features"] == []


def test_a_formula_in_resident_text_stays_text(tmp_path, community):
    from agenda_samples import sample_snapshot
    from workbench.agenda.open_data import agenda_csv

    snap = sample_snapshot(community)
    snap["items"][0]["title"] = "=HYPERLINK(\"http://x\")"
    items_csv = agenda_csv(snap, tmp_path)[0]
    assert "'=HYPERLINK" in items_csv.read_text(encoding="utf-8-sig")
