"""A community whose buildings layer is empty (or has no households) still gets an agenda:
re-grouped, ranked, published and exported, with households within reach unknown (not 0, not
full marks) and no error."""

import math

import pytest

from communities import fc, small_community_layers, write_community
from residents import propose
from workbench.agenda import actions, report, scoring, workflow
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


def test_regroup_rank_publish_and_export(store, community, community_dir, tmp_path):
    propose(store, "公园里多放些长椅", "老人需要休息的长椅")
    propose(store, "公园加几张长椅", "希望多放长椅给老人休息")
    propose(store, "东门设快递柜", "快递堆在门卫室", space=None, scenario="service")
    assert len(actions.regroup(store, community)) == 2
    layers = read_layers(community_dir)
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
    item = workflow.live_items(store, "test")[0]
    actions.decide(store, "test", item["id"], "adopt", reason="老人需要", owner="residents_committee",
                   target_date="2027-06-30")
    number = actions.publish(store, community, scoring.DEFAULT_WEIGHTS, "王主任", layers,
                             checked=True)
    snapshot = store.agenda_version("test", number)
    html = report.agenda_html(snapshot, load_community(community_dir), "zh")
    assert "公园里多放些长椅" in html and "NaN" not in html and ">nan<" not in html
    assert "本社区没有住户数据，未计入得分" in html
    assert snapshot["items"][0]["score_parts"]["reach"] is None


def test_the_builder_says_reach_and_gap_are_unknown(store, community, community_dir):
    from workbench.agenda.builder import AgendaBuilder

    propose(store, "公园里多放些长椅", "老人需要休息的长椅")
    builder = AgendaBuilder(store, community, read_layers(community_dir), lang="en",
                            author="王主任")
    assert builder.regroup()
    builder.select(builder.order[0])
    shown = builder.item_panel.score_html.value
    assert "unknown: no households recorded" in shown and "nan" not in shown
