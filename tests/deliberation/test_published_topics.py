"""Only the community's own published topics reach its residents, on SQLite and PostgreSQL: an
imported Pol.is conversation is a draft (planners study it; no resident sees it or votes on
it) until a planner of the community opens it; another community's topics never show."""

from datetime import datetime

import pytest
from sqlalchemy import insert, select

from communities import write_community
from polis_data import BG2050
from stores import store_on_both_databases  # noqa: F401 (fixture)
from workbench.deliberation.tables import topics
from workbench.deliberation.topics_panel import TopicsPanel
from workbench.deliberation.transfer import import_polis
from workbench.page.resident import ResidentApp


@pytest.fixture
def other(store, tmp_path):
    """A second community in the same database, with a topic of its own."""
    from workbench.layers.community import load_community

    community = load_community(write_community(tmp_path / "other", meta={
        "id": "other", "name": {"zh": "别的社区", "en": "Other"}, "center": [30.25, 120.2],
        "zoom": 17}))
    store.ensure_community(community)
    return store.add_topic("other", "Their own question", "", ["Their statement"])


def shown_topics(community, store) -> list[str]:
    """The topics a resident's page offers, as the page holds them."""
    app = ResidentApp(community, store, lang="en")
    voting = app.open_section("statement_voting")
    return [title for title, _ in voting.topic_input.options]


def test_only_the_communitys_own_published_topics_reach_residents(community, store, other):
    ours = store.add_topic("test", "Our pocket park", "", ["Quiet after 9 pm"])
    closed = store.add_topic("test", "Last year's question", "", ["Old statement"])
    store.set_topic_status(closed, "closed")
    imported = import_polis(store, "test", BG2050)
    assert store.topic(imported)["status"] == "draft"
    assert [t["id"] for t in store.published_topics("test")] == [ours]
    assert [t["id"] for t in store.published_topics("other")] == [other]
    assert shown_topics(community, store) == ["Our pocket park"]
    # an imported statement takes no vote, from the page or on paper, while a draft
    statement = next(s["id"] for s in store.statements_of(imported) if s["status"] == "shown")
    assert store.set_vote(statement, "code-1", 1) is False
    assert store.set_vote(statement, "code-1", 1, source="paper") is False
    # the planners still study it: it is in their list, marked as not shown to residents
    panel = TopicsPanel(store, "test", lang="en")
    labels = dict((v, k) for k, v in panel.picker.options)
    assert "(draft, not shown to residents)" in labels[imported]
    assert other not in labels
    panel.picker.value = imported
    assert panel.status_button.description == "Open it to residents"
    assert panel.paper_box.layout.display == "none"
    # deliberately published by a planner of this community, it is on this page only
    assert panel.toggle_status() == "open"
    assert [t["id"] for t in store.published_topics("test")] == [ours, imported]
    assert store.topic(imported)["title"] in shown_topics(community, store)
    assert imported not in [t["id"] for t in store.published_topics("other")]
    assert store.set_vote(statement, "code-1", 1) is True


def test_a_page_open_before_the_import_offers_it_not(community, store):
    app = ResidentApp(community, store, lang="en")
    ours = store.add_topic("test", "Our pocket park", "", ["Quiet after 9 pm"])
    import_polis(store, "test", BG2050)
    app.refresh()
    assert [t["id"] for t in app.open_section("statement_voting").topics] == [ours]


def test_conversations_imported_before_become_drafts_on_upgrade(store):
    store.downgrade("0010")
    rows = [("polis", "open"), ("polis", "closed"), ("planner", "open")]
    with store.engine.begin() as conn:
        for source, status in rows:
            conn.execute(insert(topics).values(
                community_id="test", title=f"{source} {status}", description="",
                status=status, source=source, created_at=datetime(2026, 11, 1)))
    store.upgrade()
    with store.engine.connect() as conn:
        after = conn.execute(select(topics.c.title, topics.c.status)
                             .order_by(topics.c.id)).all()
    assert [tuple(r) for r in after] == [("polis open", "draft"), ("polis closed", "closed"),
                                         ("planner open", "open")]
    assert [t["title"] for t in store.published_topics("test")] == ["planner open"]
