"""Grouping on a fixed set of Chinese and English proposals with known duplicates."""

import pandas as pd
import pytest

from workbench.agenda import grouping
from workbench.agenda.grouping import candidate_item, group_proposals, similar_pairs

# (id, title, description, public space, lon offset in m, known group)
PARK = (120.1000, 30.2700)
M = 1 / 96_000  # about one metre of longitude at 30° N
ROWS = [
    (1, "银杏公园加几张有靠背的长椅", "老人走累了没地方坐", "PS01", 0, "benches"),
    (2, "公园里多放些长椅", "希望银杏公园多加长椅，老人需要休息", "PS01", 20, "benches"),
    (3, "More benches with backrests in Ginkgo park", "Older people need to rest", "PS01",
     10, "benches-en"),
    (4, "Add benches with backrests in the Ginkgo park", "", "PS01", 30, "benches-en"),
    (5, "儿童滑梯太烫，加遮阳棚", "夏天十点以后滑梯烫手", "PS02", 800, "shade"),
    (6, "给滑梯装个遮阳棚", "滑梯夏天太烫，孩子没法玩", "PS02", 820, "shade"),
    (7, "邻里中心开设四点半课堂", "双职工家庭放学后没人接孩子", "PS05", 1500, "class"),
    (8, "Secure bicycle parking near the main gate", "Bikes chained to trees", None, 2500,
     "bikes"),
    (9, "Covered bicycle parking at the main gate", "bikes are chained to trees now", None,
     2520, "bikes"),
    (10, "小区东门设快递柜", "快递堆在门卫室", None, 3000, "lockers"),
    # alike in words, far apart and about different places: must stay apart
    (11, "公园里多放些长椅", "希望东门广场多加长椅", "PS09", 4000, "benches-far"),
]


@pytest.fixture
def proposals():
    return pd.DataFrame([{"id": i, "title": t, "description": d, "public_space_id": s,
                          "lon": PARK[0] + off * M, "lat": PARK[1], "scenario": "health"}
                         for i, t, d, s, off, _ in ROWS])


def known_groups():
    groups = {}
    for i, *_, g in ROWS:
        groups.setdefault(g, []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])


def test_known_duplicates_are_grouped_and_others_kept_apart(proposals):
    groups = group_proposals(proposals)
    assert groups == known_groups()


def test_the_same_words_sent_twice_join_though_a_pin_is_misplaced(proposals):
    # a copy of 8's words pinned 3 km away, in no public space: one of the pins is wrong
    copy = proposals[proposals["id"] == 8].assign(id=12, lon=PARK[0] + 5500 * M)
    groups = group_proposals(pd.concat([proposals, copy], ignore_index=True))
    assert [8, 9, 12] in groups


def test_the_same_words_in_two_public_spaces_stay_apart(proposals):
    # 11 says what 2 says, word for word, but in another public space: another place
    proposals.loc[proposals["id"] == 11, "description"] = "希望银杏公园多加长椅，老人需要休息"
    groups = group_proposals(proposals)
    assert [11] in groups and not any({2, 11} <= set(g) for g in groups)


def test_grouping_is_deterministic_and_order_free(proposals):
    first = group_proposals(proposals)
    assert group_proposals(proposals.sample(frac=1, random_state=3)) == first
    assert group_proposals(proposals) == first


def test_pairs_carry_similarity_and_distance(proposals):
    pairs = similar_pairs(proposals)
    row = pairs[(pairs["i"] == 4) & (pairs["j"] == 5)]  # proposals 5 and 6 (0-based 4, 5)
    assert len(row) == 1 and 15 < float(row["distance_m"].iloc[0]) < 25
    assert group_proposals(proposals.iloc[:0]) == [] and group_proposals(proposals.iloc[:1]) \
        == [[1]]


def test_a_candidate_item_takes_its_lead_from_the_most_supported(proposals):
    rows = proposals[proposals["id"].isin([1, 2])]
    item = candidate_item(rows, supports={2: 5})
    assert item["title"] == "公园里多放些长椅" and item["proposal_ids"] == [1, 2]
    assert item["public_space_id"] == "PS01" and item["scenario"] == "health"
    assert candidate_item(rows)["title"] == "银杏公园加几张有靠背的长椅"  # oldest among equals


NAMES = ["银杏口袋公园", "Ginkgo Pocket Park", "樟树口袋公园", "Camphor Pocket Park"]


def frame(rows):
    return pd.DataFrame([{"id": i, "title": t, "description": d, "public_space_id": s,
                          "lon": PARK[0] + off * M, "lat": PARK[1], "scenario": "health"}
                         for i, t, d, s, off in rows])


def test_a_place_name_does_not_make_two_requests_alike():
    rows = frame([(1, "银杏口袋公园加装有靠背的长椅", "老人走累了没地方坐", "PS01", 0),
                  (2, "银杏口袋公园增加夜间照明", "天黑以后看不清路", "PS01", 10),
                  (3, "希望在银杏口袋公园加装有靠背的长椅", "老人走累了没地方坐", "PS01", 20)])
    assert group_proposals(rows, place_names=NAMES) == [[1, 3], [2]]


def test_very_alike_texts_naming_different_places_stay_apart():
    rows = frame([(1, "银杏口袋公园加装有靠背的长椅", "老人走累了没地方坐", None, 0),
                  (2, "樟树口袋公园加装有靠背的长椅", "老人走累了没地方坐", None, 900)])
    assert group_proposals(rows) == [[1, 2]]  # alike words, the pins disagree: place unknown
    assert group_proposals(rows, place_names=NAMES) == [[1], [2]]
    in_spaces = frame([(1, "银杏口袋公园加装有靠背的长椅", "老人走累了没地方坐", "PS01", 0),
                       (2, "樟树口袋公园加装有靠背的长椅", "老人走累了没地方坐", "PS02", 900)])
    assert group_proposals(in_spaces) == [[1], [2]]


def test_road_names_are_place_names():
    from types import SimpleNamespace

    def layer(*names):
        return {"features": [{"properties": {"name_zh": zh, "name_en": en}} for zh, en in names]}

    community = SimpleNamespace(layers={
        "public_spaces": layer(("银杏口袋公园", "Ginkgo Pocket Park")),
        "buildings": layer(("3幢", None)),
        "roads": layer(("和光路", "Heguang Road"), ("枫林路", "Fenglin Road"))})
    names = grouping.place_names(community)
    assert {"和光路", "Heguang Road", "枫林路", "3幢", "银杏口袋公园"} <= set(names)
    rows = frame([(1, "和光路口加一个人行横道", "过马路太危险", None, 0),
                  (2, "枫林路口加一个人行横道", "过马路太危险", None, 60),
                  (3, "希望和光路口加人行横道", "老人过马路太危险", None, 30)])
    # two crossings at one junction, 60 m apart: the road names say they are two requests
    assert group_proposals(rows, place_names=names) == [[1, 3], [2]]
    assert group_proposals(rows, place_names=["银杏口袋公园"]) == [[1, 2, 3]]


def test_a_place_alone_never_makes_two_proposals_alike():
    rows = frame([(1, "儿童滑梯太烫，加遮阳棚", "夏天十点以后滑梯烫手", "PS02", 0),
                  (2, "邻里中心开设四点半课堂", "双职工家庭放学后没人接孩子", "PS02", 0),
                  (3, "Add benches with backrests", "Older people need to rest", "PS02", 5)])
    assert group_proposals(rows) == [[1], [2], [3]]
    assert similar_pairs(rows).empty


def test_a_proposal_without_a_place_joins_only_on_words_alike_enough():
    rows = frame([(1, "Reparar pista deportiva", "", "PS01", 0),
                  (2, "Reparar la pista deportiva", "", None, 0),
                  (3, "Pista", "Mejoras", None, 0)])
    rows.loc[rows["id"].isin([2, 3]), ["lon", "lat"]] = None
    pairs = similar_pairs(rows).set_index(["i", "j"])
    # the likeness of a pair whose place is unknown is 0.6 of its words' similarity
    assert abs(pairs.loc[(0, 1), "likeness"]
               - grouping.UNKNOWN_PLACE * pairs.loc[(0, 1), "similarity"]) < 1e-9
    assert group_proposals(rows) == [[1, 2], [3]]


def test_average_linkage_does_not_chain_and_weighs_folded_points():
    from workbench.agenda.linkage import average_linkage

    # 0-1 and 1-2 alike, 0-2 not: a chain; the average of {0, 1} with 2 is 0.25 < 0.3
    labels = average_linkage(3, [0, 1], [1, 2], [0.9, 0.5], 0.3)
    assert labels.tolist() == [0, 0, 2]
    # point 0 stands for three identical proposals: its likeness with 2 weighs three times
    labels = average_linkage(3, [0, 1, 0], [1, 2, 2], [0.9, 0.5, 0.4], 0.3, weights=[3, 1, 1])
    assert labels.tolist() == [0, 0, 0]  # (3 * 0.4 + 0.5) / 4 = 0.425
    assert average_linkage(2, [], [], [], 0.3).tolist() == [0, 1]


def test_a_chance_likeness_does_not_chain_two_groups():
    benches = [(k, "Add benches with backrests at Ginkgo Pocket Park",
                "Older people have nowhere to sit; please sort it out soon", "PS01", k)
               for k in range(1, 4)]
    lights = [(k, "Add lighting at night at Ginkgo Pocket Park",
               "After dark the path is hard to see; please sort it out soon", "PS01", k)
              for k in range(4, 7)]
    rows = frame(benches + lights)
    assert group_proposals(rows, place_names=NAMES) == [[1, 2, 3], [4, 5, 6]]


def test_a_long_description_does_not_drown_what_is_asked():
    # as in real proposals: the same request at one place, one with a long account of why
    why = ("Los chavales del barrio juegan allí cada tarde y ya ha habido caídas y rodillas "
           "raspadas; las canastas no tienen red y el vallado tiene huecos por los que se "
           "escapa el balón a la calzada, con el peligro que supone para los coches que bajan "
           "deprisa hacia la rotonda. Lo hemos pedido en la asociación de vecinos muchas "
           "veces durante los últimos años, sin respuesta del ayuntamiento hasta ahora.")
    rows = frame([(1, "Reparar pista deportiva", "", None, 0),
                  (2, "Reparar la pista deportiva de la calle", why, None, 15),
                  (3, "Poner bancos en la plaza", "No hay donde sentarse", None, 30)])
    assert group_proposals(rows) == [[1, 2], [3]]


def test_closest_links_say_why_proposals_belong_together():
    from communities import ll

    rows = [{"id": 1, "title": "公园里多放些长椅", "description": "老人需要休息", "lon": ll(0, 0)[0],
             "lat": ll(0, 0)[1]},
            {"id": 2, "title": "公园加几张长椅", "description": "给老人休息", "lon": ll(30, 40)[0],
             "lat": ll(30, 40)[1]},
            {"id": 3, "title": "东门设快递柜", "description": "", "lon": None, "lat": None}]
    links = grouping.closest_links(rows)
    assert links[1][0] == 2 and links[2][0] == 1
    assert links[1][1] > links[3][1] and 0 <= links[3][1] <= 1
    assert abs(links[1][2] - 50) < 1          # 30 m east and 40 m north
    assert links[3][2] is None                # no place: no distance
    assert grouping.closest_links(rows[:1]) == {}


def test_copies_in_two_spaces_stay_two_items_though_a_copy_between_them_is_near_both():
    text = ("给滑梯装个遮阳棚", "滑梯夏天太烫，孩子没法玩")
    rows = frame([(k, *text, "PS01", 0) for k in range(1, 6)]
                 + [(k, *text, "PS02", 200) for k in range(6, 11)]
                 + [(11, *text, None, 100)])       # in no space, 100 m from each
    groups = group_proposals(rows)
    assert [1, 2, 3, 4, 5] in [[p for p in g if p <= 5] for g in groups]
    assert not any({1, 6} <= set(g) for g in groups)
    assert sorted(p for g in groups for p in g) == list(range(1, 12))
