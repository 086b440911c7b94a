"""What a planner does to the agenda, without widgets: every action refuses bad input per
field (nothing written), then writes in one transaction; a split that fails part-way leaves
no empty item."""

import sqlite3

import pytest
from sqlalchemy import event

from residents import code_ids, propose

from communities import INSIDE_OPEN
from workbench.agenda import actions, scoring, workflow
from workbench.agenda.actions import AgendaInvalid
from workbench.agenda.decisions import DecisionInvalid
from workbench.store import StoreBusy


@pytest.fixture
def built(store, community):
    """Benches (two alike proposals, the first with three supporters) and lockers, grouped
    into two candidate items."""
    codes = code_ids(store, 3)
    a = propose(store, "公园里多放些长椅", "老人需要休息的长椅")
    b = propose(store, "公园加几张长椅", "希望多放长椅给老人休息")
    c = propose(store, "东门设快递柜", "快递堆在门卫室", space=None, scenario="service",
                at=INSIDE_OPEN)
    for code in codes:
        store.set_support(a, code, True)
    store.set_support(c, codes[0], True)
    actions.regroup(store, community)
    return {"benches": (a, b), "lockers": c}


def item_of(store, proposal_id):
    return next(i for i in workflow.live_items(store, "test")
                if proposal_id in i["proposal_ids"])


def refusal(excinfo) -> dict:
    """field → message key of a refusal."""
    return {name: problem[0] for name, problem in excinfo.value.errors.items()}


def test_regroup_tells_place_names_apart_and_returns_the_new_items(store, community, built):
    items = workflow.live_items(store, "test")
    assert sorted(i["proposal_ids"] for i in items) == [list(built["benches"]),
                                                        [built["lockers"]]]
    again = actions.regroup(store, community)
    assert sorted(again) == sorted(i["id"] for i in workflow.live_items(store, "test"))


def test_decide_refuses_every_problem_at_once_and_saves_nothing(store, built):
    lockers = item_of(store, built["lockers"])["id"]
    with pytest.raises(DecisionInvalid) as excinfo:
        actions.decide(store, "test", lockers, "decline", reason="  ")
    assert refusal(excinfo) == {"reason": "error.required"}
    # merging is done by merging, never by a decision
    with pytest.raises(DecisionInvalid) as excinfo:
        actions.decide(store, "test", lockers, "merge", reason="same")
    assert refusal(excinfo) == {"decision": "planner.agenda.decision_choose"}
    with pytest.raises(DecisionInvalid) as excinfo:
        actions.decide(store, "test", lockers, "adopt", reason="ok", owner="",
                       milestones="2027/01/15 选型")
    assert refusal(excinfo) == {"owner": "error.owner_required",
                                "milestones": "planner.agenda.milestone_line"}
    assert excinfo.value.errors["milestones"][1] == {"line": 1}
    assert store.agenda_item(lockers)["decision"] is None


def test_decide_saves_an_adoption_with_its_milestones(store, built):
    benches = item_of(store, built["benches"][0])["id"]
    checked = actions.decide(store, "test", benches, "adopt", reason="支持者多",
                             owner="steward", budget_line="2027 微更新",
                             milestones="2027-01-15 选型\n安装", target_date="2027-06-30")
    assert checked.decision == "adopt"
    stored = store.agenda_item(benches)
    assert (stored["decision"], stored["owner"], stored["status"]) == (
        "adopt", "steward", "planned")
    assert [(m["date"], m["title"]) for m in stored["milestones"]] == [
        ("2027-01-15", "选型"), (None, "安装")]
    # milestones given as a list are checked as they are
    actions.decide(store, "test", benches, "adopt", reason="x", owner="steward",
                   milestones=[{"title": "验收", "date": "2027-06-15"}])
    assert store.agenda_item(benches)["milestones"][0]["title"] == "验收"


def test_merge_guards(store, built):
    benches = item_of(store, built["benches"][0])["id"]
    lockers = item_of(store, built["lockers"])["id"]
    assert actions.mergeable(benches, [benches, lockers]) == [lockers]
    for sources in ([], [benches], [lockers, 999_999], ["x"]):
        with pytest.raises(DecisionInvalid) as excinfo:
            actions.merge(store, "test", benches, sources, "同一笔预算")
        assert refusal(excinfo) == {"sources": "planner.agenda.merge_choose"}
    with pytest.raises(DecisionInvalid) as excinfo:
        actions.merge(store, "test", benches, [lockers], "")  # the reason is public
    assert refusal(excinfo) == {"reason": "error.required"}
    assert actions.merge(store, "test", benches, [lockers], "同一笔预算") == [lockers]
    assert store.agenda_item(lockers)["merged_into"] == benches
    # a merged item is off the agenda: neither a target nor a source again
    with pytest.raises(DecisionInvalid):
        actions.merge(store, "test", lockers, [benches], "again")
    with pytest.raises(DecisionInvalid) as excinfo:
        actions.decide(store, "test", lockers, "adopt", owner="steward")
    assert refusal(excinfo) == {"item": "planner.agenda.unknown_item"}


def test_split_moves_proposals_into_a_new_item(store, built):
    a, b = built["benches"]
    benches = item_of(store, a)["id"]
    for chosen in ([a, b], [], [built["lockers"]], ["x"]):  # one must stay; only its own
        with pytest.raises(AgendaInvalid) as excinfo:
            actions.split(store, "test", benches, chosen)
        assert refusal(excinfo) == {"proposals": "planner.agenda.split_choose"}
    with pytest.raises(AgendaInvalid) as excinfo:
        actions.split(store, "test", benches, [b], title="<b>二期</b>")
    assert set(refusal(excinfo)) == {"title"}
    new = actions.split(store, "test", benches, [b], title="加长椅（二期）")
    assert store.agenda_item(new)["proposal_ids"] == [b]
    assert store.agenda_item(new)["title"] == "加长椅（二期）"
    assert store.agenda_item(benches)["proposal_ids"] == [a]


def test_a_split_that_fails_part_way_leaves_nothing_half_done(store, built):
    """The database locks right after the new item is written, before the proposals move:
    the split is one transaction, so there is no empty item and no proposal moved."""
    a, b = built["benches"]
    benches = item_of(store, a)["id"]
    before = store.agenda_items("test")
    seen = []

    def locked_after_the_item(_conn, _cursor, statement, *_args):
        seen.append(statement)
        if statement.startswith("INSERT INTO agenda_item_proposals"):
            raise sqlite3.OperationalError("database is locked")

    event.listen(store.engine, "before_cursor_execute", locked_after_the_item)
    try:
        with pytest.raises(StoreBusy):
            actions.split(store, "test", benches, [b])
    finally:
        event.remove(store.engine, "before_cursor_execute", locked_after_the_item)
    assert any(s.startswith("INSERT INTO agenda_items") for s in seen)  # it failed part-way
    assert store.agenda_items("test") == before
    assert not [i for i in store.agenda_items("test") if not i["proposal_ids"]]


def test_edit_and_links(store, built):
    benches = item_of(store, built["benches"][0])["id"]
    with pytest.raises(AgendaInvalid) as excinfo:
        actions.edit(store, "test", benches, "", "", "nowhere")
    assert refusal(excinfo) == {"title": "error.required",
                                "scenario": "error.scenario_required"}
    actions.edit(store, "test", benches, "银杏公园加长椅", "", "neighbourhood")
    assert store.agenda_item(benches)["title"] == "银杏公园加长椅"
    topic = store.add_topic("test", "公园", "", ["公园需要更多长椅", "晚上要安静"])
    linkable = actions.linkable_statements(store, "test")
    assert [s["topic"] for s in linkable] == ["公园", "公园"]
    first = linkable[0]["id"]
    assert actions.link_statements(store, "test", benches, [first]) == [first]
    assert store.agenda_item(benches)["statement_ids"] == [first]
    with pytest.raises(AgendaInvalid):
        actions.link_statements(store, "test", benches, [999_999])
    assert {s["id"] for s in store.statements_of(topic)} >= {first}


def test_official_answers(store, built):
    pid = built["lockers"]
    with pytest.raises(AgendaInvalid) as excinfo:
        actions.answer(store, "test", pid, "<b>no</b>")
    assert set(refusal(excinfo)) == {"answer"}
    with pytest.raises(AgendaInvalid) as excinfo:  # not a proposal of this community
        actions.answer(store, "elsewhere", pid, "好")
    assert refusal(excinfo) == {"answer": "planner.agenda.unknown_item"}
    assert actions.answer(store, "test", pid, " 明年一并考虑 ") == "明年一并考虑"
    answered = {p["id"]: p for p in store.list_proposals("test")}[pid]
    assert answered["official_answer"] == "明年一并考虑"


def test_progress_only_for_adopted_items(store, built):
    benches = item_of(store, built["benches"][0])["id"]
    with pytest.raises(DecisionInvalid) as excinfo:
        actions.add_update(store, "test", benches, "in_progress", 40, "已订购", "王主任")
    assert refusal(excinfo) == {"status": "error.not_adopted"}
    actions.decide(store, "test", benches, "adopt", reason="ok", owner="steward")
    assert actions.add_update(store, "test", benches, "done", 60, "完工", "王主任") == (
        "done", 100, "完工")
    assert store.agenda_item(benches)["status"] == "done"


def test_publishing_needs_the_check_and_a_decision(store, community, built):
    with pytest.raises(AgendaInvalid) as excinfo:
        actions.publish(store, community, scoring.DEFAULT_WEIGHTS, "王主任")
    assert refusal(excinfo) == {"checked": "planner.agenda.confirm_first"}
    with pytest.raises(AgendaInvalid) as excinfo:
        actions.publish(store, community, scoring.DEFAULT_WEIGHTS, "王主任", checked=True)
    assert refusal(excinfo) == {"items": "planner.agenda.nothing_decided"}
    benches = item_of(store, built["benches"][0])["id"]
    actions.decide(store, "test", benches, "defer", reason="明年")
    assert actions.publish(store, community, scoring.DEFAULT_WEIGHTS, "王主任",
                           checked=True) == 1
    assert store.agenda_version("test", 1)["published_by"] == "王主任"


def test_an_owner_is_free_text(store, built):
    """Any office or partner may own an item (物业, a school, a volunteer team): the roles are
    suggestions, not a list to choose from."""
    lockers = item_of(store, built["lockers"])["id"]
    actions.decide(store, "test", lockers, "adopt", reason="快递太多", owner=" 万科物业服务中心 ")
    assert store.agenda_item(lockers)["owner"] == "万科物业服务中心"


def test_an_owner_too_long_or_not_text_is_refused_and_nothing_saved(store, built):
    lockers = item_of(store, built["lockers"])["id"]
    for owner in ("物" * 101, 12, ["居委会"]):
        with pytest.raises(DecisionInvalid) as excinfo:
            actions.decide(store, "test", lockers, "adopt", reason="ok", owner=owner)
        assert "owner" in refusal(excinfo)
    assert store.agenda_item(lockers)["decision"] is None
