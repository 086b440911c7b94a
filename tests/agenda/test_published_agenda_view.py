"""The published agenda as the resident page reads it: only what the page shows, and the page
shows the same from it as from the whole snapshot."""

from datetime import datetime

from test_agenda_page import published  # noqa: F401  (the fixture)

from workbench.agenda.queries import SHOWN_ITEM_FIELDS
from workbench.page.resident import ResidentApp


def test_the_view_keeps_only_what_the_page_shows(store, published):  # noqa: F811
    full = store.agenda_version("test")
    view = store.published_agenda_view("test")
    assert view["version"] == full["version"] == 1
    assert view["published_at"] == full["published_at"]
    assert [i["id"] for i in view["items"]] == [i["id"] for i in full["items"]]
    for item, whole in zip(view["items"], full["items"]):
        assert set(item) <= set(SHOWN_ITEM_FIELDS) | {"evidence", "proposals"}
        assert item["evidence"] == {"proposals": whole["evidence"]["proposals"]}
        assert "score" in whole and "score" not in item and "description" not in item
        assert [set(p) for p in item["proposals"]] == [{"id", "title", "official_answer"}] * len(
            whole["proposals"])
    assert len(str(view)) < len(str(full)) / 2


def test_the_page_shows_the_same_from_the_view_as_from_the_snapshot(community, store,
                                                                     published):  # noqa: F811
    app = ResidentApp(community, store, lang="en")
    agenda = app.agenda_section
    for lang in ("en", "zh"):
        app.set_language(lang)
        from_view = agenda.items_html.value
        agenda.snapshot = store.agenda_version("test")
        agenda.render()
        assert agenda.items_html.value == from_view
        agenda.refresh()
    # the lookup finds the item and the official answer in the view
    assert agenda.look_up(published["receipts"][2])
    assert "Passed to the district &amp; the police" in agenda.result.value


def test_no_agenda_published(store):
    assert store.published_agenda_view("test") is None


def test_the_page_reads_the_view_alone_not_the_snapshot(store, published):  # noqa: F811
    from sqlalchemy import event

    statements: list[str] = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", seen)
    try:
        view = store.published_agenda_view("test")
    finally:
        event.remove(store.engine, "before_cursor_execute", seen)
    assert view["version"] == 1 and view["items"]
    assert statements and not any("snapshot" in s for s in statements)


def test_versions_published_before_the_view_get_theirs_on_upgrade(tmp_path, community):
    import json

    from sqlalchemy import insert, select

    from workbench.agenda.queries import resident_view
    from workbench.agenda.tables import agenda_versions
    from workbench.store import Store

    store = Store(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        store.upgrade("0016")
        store.ensure_community(community)
        snapshot = {"version": 1, "published_at": "2026-11-30T10:00:00+00:00",
                    "items": [{"id": 7, "rank": 1, "title": "Benches", "decision": "adopt",
                               "scenario": "health", "score": 0.9, "households": 12,
                               "description": "long", "evidence": {"proposals": 2,
                                                                  "statements": [3]},
                               "proposals": [{"id": 1, "title": "More benches",
                                              "official_answer": None, "supports": 4}]}]}
        with store.engine.begin() as conn:
            conn.execute(insert(agenda_versions).values(
                community_id="test", number=1, snapshot=json.dumps(snapshot),
                published_by="committee", published_at=datetime(2026, 11, 30)))
        store.upgrade()
        with store.engine.connect() as conn:
            kept = conn.execute(select(agenda_versions.c.resident_view)).scalar()
        assert kept is not None and json.loads(kept) == resident_view(snapshot)
        view = store.published_agenda_view("test")
        assert view == resident_view(snapshot)
        assert view["items"][0]["evidence"] == {"proposals": 2}
        assert "score" not in view["items"][0] and "supports" not in view["items"][0]["proposals"][0]
    finally:
        store.dispose()
