"""The planners' agenda builder driven through its methods and widgets, without a browser:
weights re-rank, decisions are checked beside their fields, merges keep every proposal,
splits, official answers, published versions and their difference, escaping."""

import datetime as dt

import pytest

from residents import code_ids, propose

from communities import INSIDE_OPEN
from workbench.agenda import presenter as show
from workbench.agenda import scoring
from workbench.deliberation.discussion import Comment
from workbench.layers.community import read_layers
from workbench.agenda.builder import AgendaBuilder

MARKUP = "<img src=x onerror=alert(1)>"


add = propose


@pytest.fixture
def codes(store):
    return code_ids(store, 6)


@pytest.fixture
def seeded(store, codes):
    """Benches (two alike proposals, many supporters, comments split), lockers (one
    supporter, all for) and a proposal whose title is markup."""
    a = add(store, "公园里多放些长椅", "老人需要休息的长椅")
    b = add(store, "公园加几张长椅", "希望多放长椅给老人休息")
    c = add(store, "东门设快递柜", "快递堆在门卫室", space=None, scenario="service",
            at=INSIDE_OPEN)
    d = add(store, MARKUP, "<script>alert(2)</script> please", space="P2",
            scenario="governance", at=INSIDE_OPEN)
    for code in codes[:4]:
        store.set_support(a, code, True)
    store.set_support(b, codes[0], True)
    store.set_support(c, codes[4], True)
    store.add_comment(Comment(a, "for", "好"), codes[1])
    store.add_comment(Comment(a, "against", "太挤"), codes[2])
    store.add_comment(Comment(c, "for", "需要"), codes[3])
    return {"benches": (a, b), "lockers": c, "markup": d}


@pytest.fixture
def builder(store, community, seeded):
    b = AgendaBuilder(store, community, read_layers(community.folder), lang="en",
                      author="王主任")
    b.regroup()
    return b


def item_of(builder, proposal_id):
    return next(i for i in builder.items.values() if proposal_id in i["proposal_ids"])


def test_regroup_makes_items_with_evidence_side_by_side(builder, seeded):
    benches = item_of(builder, seeded["benches"][0])
    assert benches["proposal_ids"] == list(seeded["benches"])
    assert len(builder.order) == 3
    html = builder.list_panel.list_text()
    # supporters (a supporter of both counts once), stance counts, households, score bar
    assert "for 1, against 1, neutral 0" in html and "2 proposals" in html
    assert html.count("class='wb-bar'") >= 3 and "Households 300/500 m" in html
    assert len(builder.list_panel.sliders) == len(scoring.PARTS)
    for part, slider in builder.list_panel.sliders.items():
        assert slider.continuous_update and slider.tooltip == builder.html.part_help(part)


def test_moving_a_weight_reranks_without_gathering_evidence_again(builder, seeded,
                                                                  monkeypatch):
    benches = item_of(builder, seeded["benches"][0])["id"]
    lockers = item_of(builder, seeded["lockers"])["id"]
    from workbench.agenda import workflow

    def no_evidence(*args, **kwargs):
        raise AssertionError("evidence gathered again on a slider move")
    monkeypatch.setattr(workflow, "gather_evidence", no_evidence)
    only = {p: 0.0 for p in scoring.PARTS}
    builder.set_weights({**only, "supporters": 1.0})
    assert builder.order[0] == benches
    first = list(builder.order)
    # a slider moved by hand re-ranks at once
    builder.list_panel.sliders["supporters"].value = 0.0
    builder.list_panel.sliders["stance"].value = 4.0
    assert builder.order[0] == lockers
    assert builder.weights["stance"] == 4.0
    assert "<b>1</b></td>" in builder.list_panel.list_text()
    # the same weights always give the same order
    builder.set_weights({**only, "supporters": 1.0})
    assert builder.order == first
    assert builder.set_weights({**only, "supporters": 1.0})["item_id"].tolist() == first


def test_weights_that_break_the_rules_are_refused(builder):
    before = list(builder.order)
    assert builder.set_weights({p: 0.0 for p in scoring.PARTS}) is None
    assert "at least one above 0" in builder.list_panel.weights_error.value
    assert builder.set_weights({"supporters": -1}) is None
    assert builder.order == before


def test_decline_without_a_reason_is_refused_beside_the_field(builder, store, seeded):
    item = item_of(builder, seeded["lockers"])
    builder.select(item["id"])
    assert not builder.decide("decline", reason="")
    assert "Please fill this in." in builder.decision_panel.decision_errors["reason"].value
    assert "nothing was saved" in builder.decision_panel.decision_status.value
    assert store.agenda_item(item["id"])["decision"] is None
    assert not builder.decide("defer", reason="   ")
    assert store.agenda_item(item["id"])["decision"] is None
    # merge is not a decision of this form (it moves proposals): refused too
    assert not builder.decide("merge", reason="same thing")
    assert "adopt, defer or decline" in builder.decision_panel.decision_errors["decision"].value
    assert store.agenda_item(item["id"])["decision"] is None


def test_html_in_a_reason_is_refused(builder, store, seeded):
    item = item_of(builder, seeded["lockers"])
    builder.select(item["id"])
    assert not builder.decide("defer", reason="<b>later</b>")
    assert "HTML" in builder.decision_panel.decision_errors["reason"].value
    assert store.agenda_item(item["id"])["decision"] is None


def test_adopt_saves_owner_budget_milestones_and_target_date(builder, store, seeded):
    item = item_of(builder, seeded["benches"][0])
    builder.select(item["id"])
    # an owner is required, and a bad milestone line is named
    assert not builder.decide("adopt", reason="支持者多")
    assert "owner" in builder.decision_panel.decision_errors["owner"].value
    assert not builder.decide("adopt", reason="支持者多", owner="steward",
                              milestones="2027/01/15 选型")
    assert "Line 1" in builder.decision_panel.decision_errors["milestones"].value
    assert store.agenda_item(item["id"])["decision"] is None
    assert builder.decide("adopt", reason="支持者多", owner="residents_committee",
                          budget_line="2027 微更新", target_date=dt.date(2027, 6, 30),
                          milestones="2027-01-15 选型\n\n2027-03-01 安装")
    stored = store.agenda_item(item["id"])
    assert (stored["decision"], stored["owner"], stored["budget_line"]) == (
        "adopt", "residents_committee", "2027 微更新")
    assert stored["target_date"] == dt.date(2027, 6, 30) and stored["status"] == "planned"
    assert [(m["date"], m["title"]) for m in stored["milestones"]] == [
        ("2027-01-15", "选型"), ("2027-03-01", "安装")]
    assert "Decision saved: Adopt." in builder.decision_panel.decision_status.value
    # the form shows what was decided, and the list the badges
    assert builder.decision_panel.owner_input.value == show.owner_label(builder.lang,
                                                                        "residents_committee")
    assert "2027-03-01 安装" in builder.decision_panel.milestones_input.value
    listed = builder.list_panel.list_text()
    assert "Adopt" in listed and "Planned 0%" in listed


def test_merge_keeps_every_proposal_and_points_at_the_target(builder, store, seeded):
    benches = item_of(builder, seeded["benches"][0])
    lockers = item_of(builder, seeded["lockers"])
    builder.select(benches["id"])
    assert not builder.merge([lockers["id"]], "")  # the reason is required and public
    assert "Please fill this in." in builder.item_panel.merge_errors["reason"].value
    assert store.agenda_item(lockers["id"])["decision"] is None
    assert builder.merge([lockers["id"]], "同一笔预算")
    merged = store.agenda_item(lockers["id"])
    assert merged["decision"] == "merge" and merged["merged_into"] == benches["id"]
    assert store.agenda_item(benches["id"])["proposal_ids"] == sorted(
        [*seeded["benches"], seeded["lockers"]])
    assert lockers["id"] not in builder.order  # off the agenda, still in the store
    assert store.support_counts("test")[seeded["lockers"]] == 1
    # the target links back to what was merged into it
    assert f"#{lockers['id']}" in builder.item_panel.detail_html.value
    assert "同一笔预算" in builder.item_panel.detail_html.value
    evidence = builder.evidence_rows[benches["id"]]
    assert evidence["proposals"] == 3 and evidence["supporters"] == 5


def test_split_moves_proposals_into_a_new_item(builder, store, seeded):
    a, b = seeded["benches"]
    benches = item_of(builder, a)
    builder.select(benches["id"])
    assert builder.split([a, b]) is None  # at least one must stay
    assert "at least one must stay" in builder.item_panel.split_errors["proposals"].value
    new = builder.split([b], title="加长椅（二期）")
    assert new is not None and new != benches["id"]
    assert store.agenda_item(new)["proposal_ids"] == [b]
    assert store.agenda_item(new)["title"] == "加长椅（二期）"
    assert store.agenda_item(benches["id"])["proposal_ids"] == [a]
    assert builder.selected_id == new and new in builder.order


def test_official_answer_saved_and_checked(builder, store, seeded):
    lockers = item_of(builder, seeded["lockers"])
    builder.select(lockers["id"])
    pid = seeded["lockers"]
    box, error = builder.item_panel.answer_inputs[pid]
    box.value = "<b>no</b>"
    assert not builder.answer(pid, box.value)
    assert "HTML" in error.value
    assert store.proposal_by_receipt(builder.proposals[pid]["receipt_code"])[
        "official_answer"] is None
    assert builder.answer(pid, "明年物业合同续签时一并考虑")
    assert store.proposal_by_receipt(builder.proposals[pid]["receipt_code"])[
        "official_answer"] == "明年物业合同续签时一并考虑"
    assert "is saved" in error.value


def test_edit_and_link_statements(builder, store, seeded):
    topic = store.add_topic("test", "公园", "", ["公园需要更多长椅", "晚上要安静"])
    builder.refresh()
    benches = item_of(builder, seeded["benches"][0])
    builder.select(benches["id"])
    assert not builder.edit(title="")
    assert "Please fill this in." in builder.item_panel.edit_errors["title"].value
    assert builder.edit(title="银杏公园加长椅", scenario="neighbourhood")
    assert store.agenda_item(benches["id"])["title"] == "银杏公园加长椅"
    statements = [s["id"] for s in store.statements_of(topic)]
    assert builder.link_statements(statements[:1])
    assert store.agenda_item(benches["id"])["statement_ids"] == statements[:1]
    assert not builder.link_statements([999_999])


def test_publish_v1_then_v2_and_the_diff_shows_a_status_change(builder, store, seeded):
    benches = item_of(builder, seeded["benches"][0])
    builder.select(benches["id"])
    assert builder.publish() is None  # not checked yet
    assert "I have checked the list" in builder.versions_panel.publish_status.value
    builder.versions_panel.confirm_input.value = True
    assert builder.publish() is None  # nothing decided
    assert builder.decide("adopt", reason="支持者多", owner="steward")
    builder.versions_panel.confirm_input.value = True
    assert builder.publish() == 1
    assert not builder.versions_panel.confirm_input.value  # ticked again for each version
    first = store.agenda_version("test", 1)
    assert first["published_by"] == "王主任" and first["weights"] == builder.weights
    # progress: refused without a note, then saved with its date
    assert not builder.add_update("in_progress", 40, "")
    assert "Please fill this in." in builder.decision_panel.update_errors["note"].value
    assert builder.add_update("in_progress", 40, "已订购长椅")
    assert "已订购长椅" in builder.decision_panel.history_html.value
    assert dt.date.today().isoformat()[:4] in builder.decision_panel.history_html.value
    builder.versions_panel.confirm_input.value = True
    assert builder.publish() == 2
    versions = builder.versions_panel.versions_html.value
    assert "v2" in versions and "v1" in versions
    change = builder.show_diff(1, 2)
    assert change["changed"][benches["id"]]["status"] == ("planned", "in_progress")
    html = builder.versions_panel.diff_html.value
    assert "Planned</span> → <span class='wb-new'>In progress" in html
    assert "0%</span> → <span class='wb-new'>40%" in html
    assert store.agenda_version("test", 1) == first  # v1 never changes


def test_tracking_only_for_adopted_items(builder, store, seeded):
    lockers = item_of(builder, seeded["lockers"])
    builder.select(lockers["id"])
    assert builder.decision_panel.tracking_form.layout.display == "none"
    assert not builder.add_update("done", 100, "done")
    assert store.item_updates([lockers["id"]]) == []


def test_resident_text_is_escaped_in_the_list_and_the_item(builder, seeded):
    html = builder.list_panel.list_text()
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and MARKUP not in html
    markup = item_of(builder, seeded["markup"])
    builder.select(markup["id"])
    for value in (builder.item_panel.detail_html.value, builder.list_panel.list_text(),
                  *(c.value for row in builder.item_panel.proposals_box.children
                    for c in row.children if hasattr(c, "value") and isinstance(c.value, str))):
        assert "<script>" not in value and MARKUP not in value
    assert "&lt;script&gt;" in builder.item_panel.proposals_box.children[0].children[0].value


def test_chinese_labels(store, community, seeded):
    b = AgendaBuilder(store, community, None, lang="zh", author="王主任")
    assert b.regroup_button.description == "重新分组"
    b.regroup()
    assert "支持者" in b.list_panel.list_text() and "候选" in b.list_panel.list_text()
    # without layers there is no household evidence: shown as a dash, not as 0
    assert "缺绿地" not in b.list_panel.list_text()


def test_the_author_is_required(store, community):
    with pytest.raises(ValueError):
        AgendaBuilder(store, community, None, lang="en", author="")


def test_regroup_after_a_merge_keeps_the_merge(builder, store, seeded):
    benches = item_of(builder, seeded["benches"][0])
    lockers = item_of(builder, seeded["lockers"])
    builder.select(benches["id"])
    assert builder.merge([lockers["id"]], "同一笔预算")
    assert builder.regroup() is not None
    assert store.agenda_item(lockers["id"])["merged_into"] == benches["id"]
    assert seeded["lockers"] in builder.items[benches["id"]]["proposal_ids"]


def test_a_busy_store_is_a_message_on_every_button_and_nothing_is_half_saved(
        builder, store, seeded, monkeypatch):
    from workbench.store import StoreBusy

    a, b = seeded["benches"]
    benches = item_of(builder, a)
    builder.select(benches["id"])
    before = store.agenda_items("test")

    def busy(_work):
        raise StoreBusy("the database stayed locked")
    monkeypatch.setattr(store, "write", busy)
    assert builder.split([b]) is None
    assert "busy and nothing was saved" in builder.item_panel.merge_status.value
    assert not builder.decide("defer", reason="明年再议")
    assert "busy" in builder.decision_panel.decision_status.value
    assert not builder.decision_panel.decision_errors["reason"].value
    assert builder.regroup() is None and "busy" in builder.status.value
    assert store.agenda_items("test") == before


def test_the_owner_field_suggests_roles_and_the_communitys_own_names(builder, store, seeded):
    panel = builder.decision_panel
    assert show.owner_label(builder.lang, "steward") in panel.owner_input.options
    item = item_of(builder, seeded["benches"][0])
    builder.select(item["id"])
    panel.decision_input.value = "adopt"
    panel.reason_input.value = "支持者多"
    # a role typed (or picked) by its label is kept as the role: it reads in both languages
    panel.owner_input.value = show.owner_label("zh", "steward")
    assert panel.save_decision()
    assert store.agenda_item(item["id"])["owner"] == "steward"
    # any other name is kept as written
    panel.owner_input.value = "社区志愿者服务队"
    assert panel.save_decision()
    assert store.agenda_item(item["id"])["owner"] == "社区志愿者服务队"
    assert panel.owner_input.value == "社区志愿者服务队"


def test_each_proposal_says_why_it_is_in_the_item(builder, seeded):
    benches = item_of(builder, seeded["benches"][0])
    builder.select(benches["id"])
    heads = [row.children[0].value for row in builder.item_panel.proposals_box.children]
    first, second = benches["proposal_ids"][:2]
    assert f"Worded like #{second}" in heads[0] and f"Worded like #{first}" in heads[1]
    assert " m apart" in heads[0]


@pytest.mark.parametrize("lang, label", [("en", "Source id"), ("zh", "来源编号")])
def test_an_imported_proposal_shows_its_source_id(store, community, lang, label):
    """The source's own id (``--map id=COLUMN``) beside the receipt code, escaped; a
    proposal without one shows none."""
    from communities import INSIDE_P1
    from workbench.proposals.rules import Proposal

    rows = [{"proposal": Proposal(title, "", "health", *INSIDE_P1, public_space_id="P1"),
             "source_id": source} for title, source in (("公园加长椅", "7680"),
                                                        ("公园多放几张长椅", MARKUP))]
    store.import_proposals("test", rows, source="paper_forms")
    typed = add(store, "公园里多放些长椅", "老人需要休息的长椅")
    builder = AgendaBuilder(store, community, read_layers(community.folder), lang=lang,
                            author="王主任")
    builder.regroup()
    heads = {}
    for item in builder.items.values():       # however they were grouped
        builder.select(item["id"])
        heads.update(zip(item["proposal_ids"], (row.children[0].value for row in
                                                builder.item_panel.proposals_box.children)))
    assert len(heads) == 3
    by_title = {p["title"]: p["id"] for p in store.list_proposals("test")}
    assert f"{label} 7680" in heads[by_title["公园加长椅"]]
    assert f"{label} &lt;img src=x" in heads[by_title["公园多放几张长椅"]] and MARKUP not in \
        "".join(heads.values())
    assert label not in heads[typed]
