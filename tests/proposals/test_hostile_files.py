"""Files handed to the imports, made hostile (property-based, hypothesis): a proposals
spreadsheet of any cells in any encoding, with broken quotes and formula cells, is imported
row by row or refused as a whole with a message, and the store holds exactly the rows the
report says it imported; a Pol.is export of any cells is read or refused with a message; a
layer folder of any GeoJSON is checked with problems listed, never an exception."""

import csv
import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from communities import small_community_layers, write_community
from hostile import json_values, module_tally, small_community, sqlite_store, texts
from workbench.proposals.intake import IntakeError, import_proposals

MAP = ("title=title,description=description,category=category,latitude=lat,longitude=lon,"
       "supports=supports,date=date,id=id")
HEADER = ["title", "description", "category", "lat", "lon", "supports", "date", "id"]


tally = module_tally(
    "hostile_files", "Hostile input: imported files",
    "Proposal spreadsheets (CSV in UTF-8, GBK and Windows-1252, with formula cells, broken "
    "quotes and any bytes), Pol.is exports of any cells, layer folders of any GeoJSON, and "
    "`workbench layers import` of any features.")


@pytest.fixture(scope="module")
def community(tmp_path_factory):
    return small_community(tmp_path_factory)


@pytest.fixture(scope="module")
def store(tmp_path_factory, community):
    with sqlite_store(tmp_path_factory, community) as kept:
        yield kept


cell = st.one_of(texts, st.sampled_from(["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "30.25",
                                         "120.2", "30/12/2025", "2025-12-30", "12/30/2025",
                                         "health", "Deportes", "3", "-5", "1e9", "\"", "\"\"x",
                                         "a,b", "line\nbreak", "\u200b", "\uf0b7"]))
rows = st.lists(st.lists(cell, min_size=len(HEADER), max_size=len(HEADER)), max_size=6)


def csv_bytes(table: list[list[str]], encoding: str, broken: bool) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(table)
    text = out.getvalue()
    if broken:  # a quote opened and never closed swallows the rows after it
        text = text.replace(",", ',"', 1)
    return text.encode(encoding, errors="replace")


@given(table=rows, encoding=st.sampled_from(["utf-8", "utf-8-sig", "gbk", "cp1252"]),
       broken=st.booleans(), noise=st.one_of(st.none(), st.binary(max_size=200)))
def test_a_spreadsheet_is_imported_row_by_row_or_refused_whole(tmp_path_factory, store,
                                                              community, tally, table,
                                                              encoding, broken, noise):
    path = tmp_path_factory.mktemp("import") / "proposals.csv"
    path.write_bytes(noise if noise is not None else csv_bytes(table, encoding, broken))
    before = store.count_proposals("test")
    try:
        report = import_proposals(store, community, path, MAP, categories={"Deportes": "health"},
                                  source="hostile")
    except IntakeError as error:
        assert str(error).strip()
        assert store.count_proposals("test") == before
        tally.tried_one("import: a spreadsheet", False)
        return
    tally.tried_one("import: a spreadsheet", report.imported > 0)
    assert store.count_proposals("test") == before + report.imported
    assert report.imported == len(report.receipts) <= report.read
    for refusal in report.refused:
        assert str(refusal).strip()


polis_cell = st.one_of(cell, st.integers(-3, 3).map(str), st.just(""))


@given(comments=st.lists(st.lists(polis_cell, min_size=6, max_size=6), max_size=5),
       votes=st.lists(st.lists(polis_cell, min_size=4, max_size=4), max_size=8),
       extra=st.booleans())
def test_a_polis_export_is_read_or_refused_with_a_message(tmp_path_factory, tally, comments,
                                                          votes, extra):
    from workbench.deliberation.polis_files import PolisFormatError, read_polis_export

    folder = tmp_path_factory.mktemp("polis")

    def write(name, header, table):
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(table)
        (folder / name).write_text(out.getvalue(), encoding="utf-8", errors="replace")

    write("comments.csv", ["timestamp", "datetime", "comment-id", "author-id", "moderated",
                           "comment-body"], comments)
    write("votes.csv", ["timestamp", "voter-id", "comment-id", "vote"], votes)
    if extra:
        write("summary.csv", ["topic", "x"], [["topic", "t"], ["url", "u"]])
    try:
        conversation = read_polis_export(folder)
    except PolisFormatError as error:
        assert str(error).strip()
        tally.tried_one("Pol.is export", False)
        return
    tally.tried_one("Pol.is export", True)
    assert conversation is not None


geometry = st.one_of(json_values, st.fixed_dictionaries({
    "type": st.sampled_from(["Point", "Polygon", "LineString", "MultiPolygon", "Nope"]),
    "coordinates": json_values}))
feature = st.fixed_dictionaries({"type": st.just("Feature"), "geometry": geometry,
                                 "properties": st.one_of(
                                     st.dictionaries(st.sampled_from(
                                         ["id", "kind", "name_zh", "name_en", "households"]),
                                         json_values), json_values)})


@given(layer=st.sampled_from(["public_spaces", "buildings", "roads", "boundary"]),
       content=st.one_of(texts, st.builds(
           lambda fs, crs: json.dumps({"type": "FeatureCollection", "features": fs,
                                       **({} if crs is None else {"crs": crs})}),
           st.lists(feature, max_size=4),
           st.one_of(st.none(), json_values,
                     st.fixed_dictionaries({"properties": json_values})))))
def test_a_layer_folder_of_any_geojson_is_checked_never_raises(tmp_path_factory, tally, layer,
                                                               content):
    from workbench.layers.checks import check_folder, render

    folder = write_community(tmp_path_factory.mktemp("layers"), small_community_layers())
    (folder / f"{layer}.geojson").write_text(content, encoding="utf-8", errors="replace")
    problems = check_folder(folder)
    for lang in ("zh", "en"):
        assert isinstance(render(problems, lang), str)
    tally.tried_one("layers: check a folder", not problems)


osm_tags = st.dictionaries(
    st.sampled_from(["leisure", "amenity", "building", "highway", "name", "name:zh", "name:en",
                     "building:levels", "households", "boundary", "admin_level", "id"]),
    st.one_of(st.sampled_from(["park", "playground", "community_centre", "yes", "residential",
                               "footway", "primary", "administrative", "8", "3", "公园"]),
              json_values), max_size=5)
lonlat = st.tuples(st.floats(120.19, 120.21), st.floats(30.24, 30.26))
shapes = st.one_of(
    lonlat.map(lambda p: {"type": "Point", "coordinates": list(p)}),
    st.lists(lonlat, min_size=2, max_size=5).map(
        lambda ps: {"type": "LineString", "coordinates": [list(p) for p in ps]}),
    st.lists(lonlat, min_size=3, max_size=6).map(
        lambda ps: {"type": "Polygon", "coordinates": [[list(p) for p in ps + ps[:1]]]}),
    geometry)


@given(features=st.lists(st.fixed_dictionaries({"type": st.just("Feature"), "geometry": shapes,
                                                "properties": osm_tags}), max_size=8))
def test_layer_import_of_any_features_builds_a_folder_that_passes_or_says_why(
        tmp_path_factory, tally, features):
    from workbench.layers.checks import check_folder
    from workbench.layers.importing import ImportOptions, ImportProblem, import_layers

    where = tmp_path_factory.mktemp("layer-import")
    source = where / "source.geojson"
    source.write_text(json.dumps({"type": "FeatureCollection", "features": features}),
                      encoding="utf-8")
    try:
        import_layers([source], ImportOptions(out=where / "community", community_id="hostile",
                                              name_zh="测试", name_en="Test"))
    except ImportProblem as problem:
        assert str(problem).strip()
        tally.tried_one("layers: import a file", False)
        return
    tally.tried_one("layers: import a file", True)
    errors = [p for p in check_folder(where / "community") if p.severity == "error"]
    assert not errors, errors
