"""From proposals to a published agenda over a real store: grouping, evidence, scoring,
decisions, tracking, versions and their difference."""


import pytest

from residents import code_ids, propose

from workbench.agenda import decisions, scoring, snapshot, workflow
from workbench.deliberation.discussion import Comment
from workbench.layers.community import read_layers


add = propose


@pytest.fixture
def codes(store):
    return code_ids(store, 5)


@pytest.fixture
def built(store, codes):
    a = add(store, "公园里多放些长椅", "老人需要休息的长椅")
    b = add(store, "公园加几张长椅", "希望多放长椅给老人休息")
    c = add(store, "东门设快递柜", "快递堆在门卫室", space=None, scenario="service")
    for code in codes[:4]:
        store.set_support(a, code, True)
    store.set_support(b, codes[0], True)  # the same person supporting both: one supporter
    store.set_support(c, codes[4], True)
    store.add_comment(Comment(a, "for", "好"), codes[1])
    store.add_comment(Comment(a, "against", "太挤"), codes[2])
    store.add_comment(Comment(c, "for", "需要"), codes[3])
    workflow.regroup(store, "test")
    return {"benches": (a, b), "lockers": c}


def item_of(store, proposal_id):
    return next(i for i in store.agenda_items("test") if proposal_id in i["proposal_ids"])


def test_regroup_makes_candidates_with_their_evidence(store, community, built):
    items = workflow.live_items(store, "test")
    assert sorted(i["proposal_ids"] for i in items) == [list(built["benches"]),
                                                        [built["lockers"]]]
    evidence = workflow.gather_evidence(store, community, read_layers(community_dir(community)))
    benches = evidence.set_index("item_id").loc[item_of(store, built["benches"][0])["id"]]
    assert (benches["proposals"], benches["supports"], benches["supporters"]) == (2, 5, 4)
    assert (benches["comments_for"], benches["comments_against"]) == (1, 1)
    assert benches["stance_balance"] == 0
    assert benches["households_500"] >= benches["households_300"] >= 0


def community_dir(community):
    return community.folder


def test_regroup_keeps_decided_items(store, built):
    benches = item_of(store, built["benches"][0])
    store.decide(benches["id"], decisions.validate_decision(
        {"decision": "adopt", "owner": "steward", "reason": "大家都需要"}))
    add(store, "再加一张长椅", "公园长椅不够")
    workflow.regroup(store, "test")
    assert item_of(store, built["benches"][0])["id"] == benches["id"]  # kept as decided
    assert len(workflow.live_items(store, "test")) == 3


def test_scores_follow_the_weights_and_are_deterministic(store, community, built):
    evidence = workflow.gather_evidence(store, community)
    parts = scoring.score_parts(evidence)
    by_support = scoring.rank(parts, {"supporters": 1})
    assert by_support.iloc[0]["item_id"] == item_of(store, built["benches"][0])["id"]
    by_stance = scoring.rank(parts, {"stance": 1})
    assert by_stance.iloc[0]["item_id"] == item_of(store, built["lockers"])["id"]
    assert scoring.rank(parts, {"supporters": 1}).equals(by_support)
    for bad in ({"supporters": -1}, {"supporters": float("nan")}, {}, {"stance": True}):
        with pytest.raises(ValueError):
            scoring.rank(parts, bad)


def test_ties_are_broken_by_item_id():
    import pandas as pd

    parts = pd.DataFrame({p: [0.5, 0.5, 0.5] for p in scoring.PARTS},
                         index=pd.Index([7, 3, 5], name="item_id"))
    assert scoring.rank(parts, scoring.DEFAULT_WEIGHTS)["item_id"].tolist() == [3, 5, 7]


@pytest.mark.parametrize("raw, field", [
    ({"decision": "decline"}, "reason"),
    ({"decision": "defer", "reason": ""}, "reason"),
    ({"decision": "adopt"}, "owner"),
    ({"decision": "adopt", "owner": "  "}, "owner"),
    ({"decision": "adopt", "owner": "<b>物业</b>"}, "owner"),
    ({"decision": "adopt", "owner": "steward", "target_date": "next year"}, "target_date"),
    ({"decision": "adopt", "owner": "steward", "milestones": [{"title": ""}]}, "milestones"),
    ({"decision": "maybe"}, "decision"),
    ({"decision": "decline", "reason": "<script>x</script>"}, "reason"),
])
def test_bad_decisions_name_the_field(raw, field):
    with pytest.raises(decisions.DecisionInvalid) as bad:
        decisions.validate_decision(raw)
    assert field in bad.value.errors


def test_decide_track_publish_and_diff(store, community, built):
    benches = item_of(store, built["benches"][0])
    lockers = item_of(store, built["lockers"])
    store.decide(benches["id"], decisions.validate_decision({
        "decision": "adopt", "owner": "residents_committee", "reason": "支持者多",
        "budget_line": "2027 微更新", "target_date": "2027-06-30",
        "milestones": [{"title": "选型", "date": "2027-01-15"}]}))
    store.decide(lockers["id"], decisions.validate_decision(
        {"decision": "defer", "reason": "等物业合同续签"}))
    store.set_official_answer(built["lockers"], "明年物业合同续签时一并考虑")
    v1 = workflow.publish(store, community, scoring.DEFAULT_WEIGHTS, "居委会")
    assert v1 == 1
    first = store.agenda_version("test", 1)
    assert [i["decision"] for i in first["items"]] == ["adopt", "defer"] or \
        [i["decision"] for i in first["items"]] == ["defer", "adopt"]
    adopted = next(i for i in first["items"] if i["decision"] == "adopt")
    assert adopted["status"] == "planned" and adopted["target_date"] == "2027-06-30"
    assert {p["id"] for p in adopted["proposals"]} == set(built["benches"])
    assert adopted["evidence"]["supporters"] == 4
    deferred = next(i for i in first["items"] if i["decision"] == "defer")
    assert deferred["proposals"][0]["official_answer"] == "明年物业合同续签时一并考虑"

    status, progress, note = decisions.validate_update(
        {"status": "in_progress", "progress": 40, "note": "已订购长椅"},
        store.agenda_item(benches["id"]))
    store.add_update(benches["id"], status, progress, note, "王主任")
    with pytest.raises(decisions.DecisionInvalid):
        decisions.validate_update({"status": "done", "progress": 100, "note": "x"},
                                  store.agenda_item(lockers["id"]))  # not adopted
    assert workflow.publish(store, community, scoring.DEFAULT_WEIGHTS, "居委会") == 2
    second = store.agenda_version("test")
    assert second["version"] == 2
    change = snapshot.diff(first, second)
    assert change["changed"][benches["id"]]["status"] == ("planned", "in_progress")
    assert change["changed"][benches["id"]]["progress"] == (0, 40)
    assert store.agenda_version("test", 1) == first  # v1 never changes
    found = snapshot.items_of(second, [built["benches"][1]])
    assert found[0][0]["history"][0]["note"] == "已订购长椅"
    assert [v["number"] for v in store.agenda_versions("test")] == [1, 2]


def test_merging_keeps_every_proposal_and_links_back(store, built):
    benches = item_of(store, built["benches"][0])
    lockers = item_of(store, built["lockers"])
    store.merge_items(benches["id"], [lockers["id"]], "同一笔预算")
    merged = store.agenda_item(lockers["id"])
    assert merged["decision"] == "merge" and merged["merged_into"] == benches["id"]
    assert store.agenda_item(benches["id"])["proposal_ids"] == sorted(
        [*built["benches"], built["lockers"]])
    assert store.support_counts("test")[built["lockers"]] == 1  # supports stay on proposals
    # split one proposal out again into its own item
    new = store.add_item("test", {"title": "快递柜", "scenario": "service",
                                  "proposal_ids": []})
    store.move_proposals([built["lockers"]], new)
    assert store.agenda_item(new)["proposal_ids"] == [built["lockers"]]


def test_regroup_keeps_an_undecided_item_that_others_were_merged_into(store, built):
    benches = item_of(store, built["benches"][0])
    lockers = item_of(store, built["lockers"])
    store.merge_items(benches["id"], [lockers["id"]], "同一笔预算")
    workflow.regroup(store, "test")
    kept = store.agenda_item(benches["id"])
    assert kept is not None and kept["decision"] is None
    assert kept["proposal_ids"] == sorted([*built["benches"], built["lockers"]])
    assert store.agenda_item(lockers["id"])["merged_into"] == benches["id"]
    assert [i["id"] for i in workflow.live_items(store, "test")] == [benches["id"]]


def test_workshop_dots_are_evidence_for_their_item(store, community, built):
    from workbench.workshops import rules as workshop

    benches = item_of(store, built["benches"][0])
    wid, _ = workshop.open_workshop(store, "test", "会议", 3)
    rid = store.open_dot_round(wid, "r", [{"kind": "item", "id": benches["id"], "title": "a"},
                                          {"kind": "proposal", "id": built["lockers"],
                                           "title": "b"}], 3)
    (code,) = code_ids(store, 1)
    for option in (0, 0, 1):
        store.spend_dot(rid, code, option)
    store.close_dot_round(rid, {})
    evidence = workflow.gather_evidence(store, community).set_index("item_id")
    assert evidence.loc[benches["id"], "workshop_dots"] == 2
    assert evidence.loc[item_of(store, built["lockers"])["id"], "workshop_dots"] == 1


def test_milestone_lines():
    parse_milestones = decisions.parse_milestones
    assert parse_milestones("2027-01-15 选型\n安装\n") == (
        [{"date": "2027-01-15", "title": "选型"}, {"date": None, "title": "安装"}], None)
    assert parse_milestones("2027/01/15 x")[1][0] == "planner.agenda.milestone_line"
    assert parse_milestones("ok\n2027-01-15 ")[1] == ("planner.agenda.milestone_line",
                                                      {"line": 2})


def test_a_published_proposal_keeps_its_id_in_the_source(store, community):
    """Imported proposals carry the source's own id into the published version and its
    open data, so the city's or the platform's records can be matched."""
    from communities import INSIDE_P1
    from workbench.agenda import actions
    from workbench.agenda.open_data import proposal_rows
    from workbench.proposals.rules import Proposal

    store.import_proposals("test", [{"proposal": Proposal("公园加长椅", "", "health", *INSIDE_P1,
                                                          public_space_id="P1"),
                                     "source_id": "7680"}], source="paper_forms")
    actions.regroup(store, community)
    item = workflow.live_items(store, "test")[0]
    actions.decide(store, "test", item["id"], "defer", reason="明年再议")
    number = actions.publish(store, community, scoring.DEFAULT_WEIGHTS, "王主任", checked=True)
    snapshot = store.agenda_version("test", number)
    assert snapshot["items"][0]["proposals"][0]["source_id"] == "7680"
    assert proposal_rows(snapshot)[0]["source_id"] == "7680"
