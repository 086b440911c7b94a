"""Re-grouping and publishing are all or nothing, on both databases: a failure at any step
(grouping, evidence, scores, or the writing itself) leaves the items and the published
versions as they were, and the agenda builder still opens on them."""

import pytest
from sqlalchemy import event

from residents import code_ids, propose
from stores import store_on_both_databases  # noqa: F401 (fixture)
from workbench.agenda import actions, grouping, report, scoring, workflow
from workbench.agenda.builder import AgendaBuilder
from workbench.agenda.queries import AgendaStore
from workbench.layers.community import read_layers


class Injected(Exception):
    """The failure a test injects."""


def boom(*_args, **_kwargs):
    raise Injected("injected")


@pytest.fixture
def agenda(store, community, community_dir):
    """Benches (two alike proposals) and lockers as items, the lockers adopted and
    published as v1; then a new proposal, so that a re-group would change the items."""
    layers = read_layers(community_dir)
    codes = code_ids(store, 2)
    benches = [propose(store, "公园里多放些长椅", "老人需要休息的长椅"),
               propose(store, "公园加几张长椅", "希望多放长椅给老人休息")]
    lockers = propose(store, "东门设快递柜", "快递堆在门卫室", space=None, scenario="service")
    for code in codes:
        store.set_support(benches[0], code, True)
    actions.regroup(store, community, layers)
    item = next(i for i in workflow.live_items(store, "test") if lockers in i["proposal_ids"])
    actions.decide(store, "test", item["id"], "adopt", reason="快递太多",
                   owner="residents_committee")
    assert actions.publish(store, community, scoring.DEFAULT_WEIGHTS, "王主任", layers,
                           checked=True) == 1
    propose(store, "儿童乐园加沙坑", "孩子们喜欢玩沙", space="P4", scenario="education")
    return {"layers": layers, "items": store.agenda_items("test"),
            "published": store.agenda_version("test", 1)}


def unchanged(store, community, agenda) -> None:
    """The items and the published version as before, and the builder opens on them."""
    assert store.agenda_items("test") == agenda["items"]
    assert [v["number"] for v in store.agenda_versions("test")] == [1]
    assert store.agenda_version("test") == agenda["published"]
    builder = AgendaBuilder(store, community, agenda["layers"], lang="zh", author="王主任")
    assert sorted(builder.items) == sorted(i["id"] for i in agenda["items"]
                                           if i["decision"] != "merge")
    assert "<td>v1</td>" in builder.versions_panel.versions_html.value
    assert "<td>v2</td>" not in builder.versions_panel.versions_html.value
    assert report.agenda_html(store.agenda_version("test"), community, "zh")


#: a step of re-grouping and where it lives, for monkeypatch
REGROUP_STEPS = {
    "grouping": (grouping, "group_proposals"),
    # the issue's own: KeyError 'households' from the buildings layer, after the grouping
    "evidence": (workflow, "households_within"),
    "scores": (scoring, "rank"),
}


@pytest.mark.parametrize("step", sorted(REGROUP_STEPS))
def test_a_regroup_failing_before_the_writing_leaves_the_items(store, community, agenda,
                                                                monkeypatch, step):
    with monkeypatch.context() as patch:
        patch.setattr(*REGROUP_STEPS[step], boom)
        with pytest.raises(Injected):
            actions.regroup(store, community, agenda["layers"])
    unchanged(store, community, agenda)


def test_a_regroup_failing_while_writing_leaves_the_items(store, community, agenda,
                                                          monkeypatch):
    """The old items are deleted and the first new one written when the second fails: one
    transaction, so the old items are back and no new one is there."""
    written = []
    insert = AgendaStore._insert_item

    def second_fails(conn, community_id, item, now):
        if written:
            raise Injected("injected")
        written.append(insert(conn, community_id, item, now))
        return written[-1]

    with monkeypatch.context() as patch:
        patch.setattr(AgendaStore, "_insert_item", staticmethod(second_fails))
        with pytest.raises(Injected):
            actions.regroup(store, community, agenda["layers"])
    assert written                               # it failed part-way through the writing
    unchanged(store, community, agenda)
    assert store.agenda_item(written[0]) is None
    # and the next re-group goes through
    assert len(actions.regroup(store, community, agenda["layers"])) == 2


def test_the_builder_says_a_failed_regroup_and_keeps_working(store, community, agenda,
                                                             monkeypatch):
    builder = AgendaBuilder(store, community, agenda["layers"], lang="en", author="王主任")
    with monkeypatch.context() as patch:
        patch.setattr(workflow, "households_within", boom)
        builder.regroup_button.click()           # as the planner does: the error is caught
    assert "wb-error" in builder.status.value
    unchanged(store, community, agenda)
    assert builder.regroup() is not None and len(builder.items) == 3


@pytest.mark.parametrize("step", ["snapshot", "writing"])
def test_a_publish_failing_leaves_the_published_versions(store, community, agenda,
                                                         monkeypatch, step):
    def refuse_the_insert(_conn, _cursor, statement, *_args):
        if statement.startswith("INSERT INTO agenda_versions"):
            raise Injected("injected")

    with monkeypatch.context() as patch:
        if step == "snapshot":        # the last thing read before the snapshot is whole
            patch.setattr(type(store), "item_updates", boom)
        else:
            event.listen(store.engine, "before_cursor_execute", refuse_the_insert)
        try:
            with pytest.raises(Injected):
                actions.publish(store, community, scoring.DEFAULT_WEIGHTS, "王主任",
                                agenda["layers"], checked=True)
        finally:
            if step == "writing":
                event.remove(store.engine, "before_cursor_execute", refuse_the_insert)
    unchanged(store, community, agenda)
    # nothing was taken: the next version is v2
    assert actions.publish(store, community, scoring.DEFAULT_WEIGHTS, "王主任",
                           agenda["layers"], checked=True) == 2
