"""A community whose buildings layer is empty (or has no households) still gets an agenda:
re-grouped, ranked, published and exported, with households within reach unknown (not 0, not
full marks) and no error."""

import csv
import json
import math

import docx
import pytest

from communities import fc, small_community_layers, write_community
from residents import propose
from workbench.agenda import actions, open_data, report, scoring, workflow
from workbench.layers.community import load_community, read_layers


@pytest.fixture(params=["empty", "no_households"])
def community_dir(request, tmp_path):
    layers = small_community_layers()
    if request.param == "empty":
        layers["buildings"] = fc()
    else:
        for feature in layers["buildings"]["features"]:
            feature["properties"]["households"] = 0      # none recorded
    return write_community(tmp_path / "community", layers)


#: the note on the buildings layer each case gives, in the report's intro
HOMES_NOTE = {"empty": "建筑图层为空：步行范围内的住户未知。",
              "no_households": "建筑图层的 3 栋楼中没有记录任何住户：步行范围内的住户未知。"}


def test_regroup_rank_publish_and_export(store, community, community_dir, tmp_path, request):
    """End to end: re-group, rank, publish, the report (HTML, DOCX) and the open data (CSV,
    GeoJSON), with reach and gap unknown and said so wherever the score is told."""
    case = request.node.callspec.params["community_dir"]
    propose(store, "公园里多放些长椅", "老人需要休息的长椅")
    propose(store, "公园加几张长椅", "希望多放长椅给老人休息")
    propose(store, "东门设快递柜", "快递堆在门卫室", space=None, scenario="service")
    layers = read_layers(community_dir)
    assert len(actions.regroup(store, community, layers)) == 2
    evidence = workflow.gather_evidence(store, community, layers)
    for column in ("households_300", "households_500", "underserved_households"):
        assert evidence[column].map(math.isnan).all(), column
    parts = scoring.score_parts(evidence)
    # unknown, not 0 and never full marks: left out of the score, their weights with them
    assert scoring.unknown_parts(parts) == ["reach", "gap"]
    ranked = scoring.rank(parts, scoring.DEFAULT_WEIGHTS)
    assert ranked["reach"].isna().all() and (ranked["w_reach"] == 0).all()
    heavy = scoring.rank(parts, {**scoring.DEFAULT_WEIGHTS, "reach": 10.0, "gap": 10.0})
    assert heavy["score"].tolist() == ranked["score"].tolist()
    for item in workflow.live_items(store, "test"):
        actions.decide(store, "test", item["id"], "adopt", reason="老人需要",
                       owner="residents_committee", target_date="2027-06-30")
    number = actions.publish(store, community, scoring.DEFAULT_WEIGHTS, "王主任", layers,
                             checked=True)
    snapshot = store.agenda_version("test", number)
    assert snapshot["score_unknown"] == {"reach": "no_households", "gap": "no_households"}
    assert all(i["score_parts"]["reach"] is None and i["score_parts"]["gap"] is None
               for i in snapshot["items"])
    # the report, HTML and DOCX: the layer's note once, the parts' note under each item
    shown = load_community(community_dir)
    page = report.agenda_html(snapshot, shown, "zh")
    assert "公园里多放些长椅" in page and "NaN" not in page and ">nan<" not in page
    assert page.count("本社区没有住户数据，未计入得分") == 2 and HOMES_NOTE[case] in page
    document = docx.Document(str(report.agenda_docx(snapshot, shown, tmp_path / "a.docx")))
    paragraphs = [p.text for p in document.paragraphs]
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert HOMES_NOTE[case] in paragraphs and cells.count("本社区没有住户数据") == 2
    # the open data: every item, its score made of the parts that are known
    written = open_data.agenda_csv(snapshot, tmp_path / "open")
    with open(written[0], encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert sorted(float(r["score"]) for r in rows) == sorted(
        i["score"] for i in snapshot["items"]) and all(float(r["score"]) <= 1 for r in rows)
    geojson = json.loads(open_data.agenda_geojson(snapshot, tmp_path / "a.geojson")
                         .read_text(encoding="utf-8"))
    assert len(geojson["features"]) == 2
    # the builder opens on what was published, and says why
    from workbench.agenda.builder import AgendaBuilder

    builder = AgendaBuilder(store, community, layers, lang="zh", author="王主任")
    builder.select(builder.order[0])
    assert builder.item_panel.score_html.value.count("暂无数据：本社区没有住户数据，不计入得分") == 2
    assert HOMES_NOTE[case] in builder.item_panel.score_html.value


def test_the_builder_says_reach_and_gap_are_unknown(store, community, community_dir):
    from workbench.agenda.builder import AgendaBuilder

    propose(store, "公园里多放些长椅", "老人需要休息的长椅")
    builder = AgendaBuilder(store, community, read_layers(community_dir), lang="en",
                            author="王主任")
    assert builder.regroup()
    builder.select(builder.order[0])
    shown = builder.item_panel.score_html.value
    assert "No data: no households recorded" in shown and "nan" not in shown
