"""Reach and gap are counted from the buildings layer only where it tells them apart: one
placeholder building gives no item full marks, and a real-looking layer (homes counted, shops
with none, some buildings nobody counted, one side of the community without buildings) gives
reach and gap where it knows them and says what it left out."""

import html
import math

import docx
import pytest

from communities import fc, feature, ll, rect, small_community_layers, write_community
from residents import code_ids, propose
from workbench.agenda import report, scoring, workflow
from workbench.agenda.builder import AgendaBuilder
from workbench.layers.community import load_community, read_layers

#: a square community of 3 km: the items lie far apart
SIDE = 1500


def _layers(buildings: list[dict]) -> dict:
    layers = small_community_layers()
    layers["boundary"] = fc(feature(rect(-SIDE, -SIDE, SIDE, SIDE), id="test",
                                    name_zh="测试社区", name_en="Test Community"))
    layers["buildings"] = fc(*buildings)
    return layers


def _publish(store, community, layers) -> dict:
    for item in workflow.live_items(store, "test"):
        store.decide(item["id"], _adopted())
    number = workflow.publish(store, community, scoring.DEFAULT_WEIGHTS, "王主任", layers)
    return store.agenda_version("test", number)


def _adopted():
    from workbench.agenda import decisions

    return decisions.validate_decision({"decision": "adopt", "reason": "需要",
                                        "owner": "residents_committee"})


# -- one placeholder building ---------------------------------------------------------------
@pytest.fixture
def community_dir(tmp_path):
    """One building standing in for every home (500 households, in the south-west, farther
    than 300 m from every green space)."""
    return write_community(tmp_path / "community", _layers(
        [feature(rect(-1010, -1010, -990, -990), id="B0", households=500)]))


@pytest.fixture
def placeholder_agenda(store, community, community_dir):
    """A proposal on its own beside the placeholder with one supporter; two alike ones
    2 km away with three. Counted as before, reach and gap (full marks beside the
    placeholder) put the lone one first."""
    codes = code_ids(store, 3)
    alone = propose(store, "路口装个凸面镜", "转弯看不见来车", space=None, scenario="transport",
                    at=tuple(ll(-950, -950)))
    store.set_support(alone, codes[0], True)
    wanted = [propose(store, "社区东边增设快递柜", "快递堆在门卫室", space=None,
                      scenario="service", at=tuple(ll(1200, 0))),
              propose(store, "东边增设快递柜", "快递总是堆在门卫室", space=None,
                      scenario="service", at=tuple(ll(1210, 10)))]
    for code in codes:
        store.set_support(wanted[0], code, True)
    workflow.regroup(store, "test")
    return {"alone": alone, "wanted": wanted, "layers": read_layers(community_dir)}


def test_one_placeholder_building_gives_no_item_full_marks(store, community,
                                                           placeholder_agenda):
    layers = placeholder_agenda["layers"]
    evidence = workflow.gather_evidence(store, community, layers).set_index("item_id")
    assert sorted(evidence["households_500"].dropna().tolist()) == [500.0]  # the near one
    parts = scoring.score_parts(evidence.reset_index())
    assert scoring.unknown_parts(parts) == ["reach", "gap"]
    assert scoring.unknown_reasons(evidence.reset_index(), workflow.homes_of(layers)) == {
        "reach": "same_for_all", "gap": "same_for_all"}
    ranked = scoring.rank(parts, scoring.DEFAULT_WEIGHTS)
    first = next(i for i in workflow.live_items(store, "test")
                 if i["id"] == ranked.loc[0, "item_id"])
    assert placeholder_agenda["wanted"][0] in first["proposal_ids"]  # the supported one


def test_the_builder_and_the_report_say_why(store, community, community_dir,
                                            placeholder_agenda, tmp_path):
    layers = placeholder_agenda["layers"]
    builder = AgendaBuilder(store, community, layers, lang="en", author="王主任")
    builder.select(builder.order[-1])
    shown = builder.item_panel.score_html.value
    assert shown.count("every item with a place reaches the same households") == 2
    assert "nan" not in shown.lower()
    snapshot = _publish(store, community, layers)
    assert snapshot["score_unknown"] == {"reach": "same_for_all", "gap": "same_for_all"}
    assert snapshot["homes"] == {"buildings": 1, "counted": 1, "without_count": 0,
                                 "households": 500}
    page = html.unescape(report.agenda_html(snapshot, load_community(community_dir), "zh"))
    assert "有位置的事项覆盖的住户都相同，无法区分事项，未计入得分" in page
    document = docx.Document(str(report.agenda_docx(snapshot, load_community(community_dir),
                                                    tmp_path / "a.docx", "en")))
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "every item with a place reaches the same households" in cells


# -- a real-looking layer -------------------------------------------------------------------
def _real_buildings() -> list[dict]:
    """Blocks every 200 m over the west and middle of the community (none in the east, a
    lake): homes of 24 to 132 households, every seventh a shop (0), every eleventh not
    counted (null, or no such property at all)."""
    out = []
    for n, (x, y) in enumerate((x, y) for x in range(-1400, 201, 200)
                               for y in range(-1400, 1401, 200)):
        households = None if n % 11 == 10 else 0 if n % 7 == 6 else 24 + (n * 37) % 109
        counted = {} if n % 22 == 21 else {"households": households}
        out.append(feature(rect(x - 30, y - 8, x + 30, y + 8), id=f"B{n}", **counted))
    return out


@pytest.fixture
def real_dir(tmp_path):
    return write_community(tmp_path / "real", _layers(_real_buildings()))


def test_a_real_looking_layer_ranks_by_reach_where_it_knows_it(store, real_dir, tmp_path):
    community = load_community(real_dir)    # households null or missing: "not counted"
    layers = read_layers(real_dir)
    homes = workflow.homes_of(layers)
    assert homes["buildings"] == 135 and homes["without_count"] == 12
    dense = propose(store, "增设路灯", "晚上太黑", space=None, at=tuple(ll(-600, 0)))
    edge = propose(store, "修补步道", "步道坏了", space=None, at=tuple(ll(-1400, 1400)))
    lake = propose(store, "湖边加护栏", "孩子靠近水边危险", space=None, at=tuple(ll(1300, 0)))
    workflow.regroup(store, "test")
    evidence = workflow.gather_evidence(store, community, layers)
    item = {i["proposal_ids"][0]: i["id"] for i in workflow.live_items(store, "test")}
    e = evidence.set_index("item_id")
    assert e.loc[item[dense], "households_500"] > e.loc[item[edge], "households_500"] > 0
    assert math.isnan(e.loc[item[lake], "households_500"])   # 1.1 km from every building
    parts = scoring.score_parts(evidence)
    assert scoring.unknown_reasons(evidence, homes) == {}
    assert parts.loc[item[dense], "reach"] == 1.0 and 0 < parts.loc[item[edge], "reach"] < 1
    ranked = scoring.rank(parts, scoring.DEFAULT_WEIGHTS).set_index("item_id")
    # unknown by the lake: left out of its score with its weight, neither 0 nor full marks
    assert math.isnan(ranked.loc[item[lake], "reach"]) and ranked.loc[item[lake], "w_reach"] == 0
    assert ranked.loc[item[dense], "rank"] == 1
    builder = AgendaBuilder(store, community, layers, lang="en", author="王主任")
    builder.select(item[lake])
    shown = builder.item_panel.score_html.value
    assert "unknown: no building with a household count within 500 m" in shown
    assert "counted from the 123 of 135 buildings that record their households; 12 " \
           "buildings record none" in shown
    snapshot = _publish(store, community, layers)
    assert snapshot["score_unknown"] == {}
    lake_item = next(i for i in snapshot["items"] if i["id"] == item[lake])
    assert lake_item["score_parts"]["reach"] is None
    page = html.unescape(report.agenda_html(snapshot, community, "zh"))
    assert "另有 12 栋楼未记户数，未计入" in page
    assert "未知（500 米内没有记有户数的楼），未计入得分" in page


def test_a_part_unknown_for_one_item_is_left_out_of_its_score_only():
    """Unknown around one item: its score is the weighted mean of the parts it has (not 0
    for the unknown ones, not full marks); the others keep every weight."""
    import pandas as pd

    parts = pd.DataFrame({"supporters": [1.0, 0.5, 0.5], "consensus": 0.0, "stance": 0.0,
                          "need": 0.0, "reach": [math.nan, 1.0, 0.0],
                          "gap": [math.nan, 1.0, 0.0]},
                         index=pd.Index([1, 2, 3], name="item_id"))
    ranked = scoring.rank(parts, scoring.DEFAULT_WEIGHTS).set_index("item_id")
    assert ranked["score"].to_dict() == pytest.approx({1: 3 / 8, 2: 4.5 / 11, 3: 1.5 / 11})
    assert ranked.loc[1, "w_reach"] == 0 and ranked.loc[2, "w_reach"] == pytest.approx(1 / 11)
    assert ranked["rank"].to_dict() == {2: 1, 1: 2, 3: 3}
    # only the parts it has weigh: with reach alone, an item without it scores 0
    alone = scoring.rank(parts, {"reach": 1.0}).set_index("item_id")["score"].to_dict()
    assert alone == {1: 0.0, 2: 1.0, 3: 0.0}
