"""The published agenda as the resident page reads it: only what the page shows, and the page
shows the same from it as from the whole snapshot."""

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
