"""The store's public spaces on SQLite and PostgreSQL: loaded once, changed only at the version
read, every change in the history, undo once only even when two planners press it at once;
the community pages build shows the database's spaces."""

import pytest

from communities import rect
from stores import in_threads, store_on_both_databases  # noqa: F401 (fixture)
from workbench.layers.current import current_community, refresh_spaces
from workbench.layers.editing import SpaceConflict, from_layer_file, snapshot, validate_space


def load(store, community, who="王规划"):
    return store.load_public_spaces(community.id, [snapshot(*from_layer_file(f)) for f in
                                                   community.layers["public_spaces"]["features"]],
                                    who)


def change(store, community, space_id, who="王", **new) -> dict:
    """Change a space's attributes as read now; returns them as they were."""
    read = store.public_space(community.id, space_id)
    props = {k: v for k, v in read["feature"]["properties"].items() if k != "id"}
    store.change_public_space(community.id, space_id, {**props, **new},
                              read["feature"]["geometry"], who, read["version"], "edit")
    return props


def values(**kw):
    return {"name_zh": "小广场", "name_en": "Little Square", "kind": "square",
            "status": "planned", **kw}


def test_load_change_conflict_and_undo(store, community):
    assert store.public_space_features(community.id) is None      # the file rules until loaded
    assert load(store, community) == 4 and load(store, community) == 0
    props, geom = validate_space(values(), rect(-100, 120, -40, 170), community)
    geometry = {"type": "Polygon", "coordinates": [list(map(list, geom.exterior.coords))]}
    store.add_public_space(community.id, "S5", props, geometry, "王规划")
    with pytest.raises(SpaceConflict) as taken:
        store.add_public_space(community.id, "S5", props, geometry, "李规划")
    assert taken.value.key == "editor.conflict.id_taken"
    read = store.public_space(community.id, "S5")
    assert read["version"] == 1 and not read["deleted"]
    store.change_public_space(community.id, "S5", {**props, "status": "existing"}, geometry,
                              "王规划", 1, "edit")
    with pytest.raises(SpaceConflict) as stale:    # made on version 1, which is gone
        store.change_public_space(community.id, "S5", props, geometry, "李规划", 1, "edit")
    assert stale.value.key == "editor.conflict.changed" and stale.value.params["who"] == "王规划"
    changes = store.public_space_changes(community.id)
    assert [c["action"] for c in changes[:2]] == ["edit", "create"]
    assert changes[0]["before"]["properties"]["status"] == "planned"
    assert changes[0]["after"]["properties"]["status"] == "existing"

    undone = store.undo_public_space_change(community.id, "李规划")
    assert undone["action"] == "edit"
    assert store.public_space(community.id, "S5")["feature"]["properties"]["status"] == "planned"
    # a change made after the undo is undone first; undoing past the creation deletes
    assert store.undo_public_space_change(community.id, "李规划")["action"] == "create"
    assert store.public_space(community.id, "S5")["deleted"]
    assert store.undo_public_space_change(community.id, "李规划") is None
    assert "S5" in store.public_space_ids(community.id)


def test_undo_refused_when_the_space_changed_since(store, community):
    from sqlalchemy import update

    from workbench.layers.tables import public_spaces

    load(store, community)
    change(store, community, "P2", name_en="A")
    # the row changed behind the history's back (a hand edit of the database, a race):
    # undo must not overwrite what it never saw
    with store.engine.begin() as conn:
        conn.execute(update(public_spaces).where(public_spaces.c.id == "P2").values(
            name_en="B"))
    with pytest.raises(SpaceConflict) as refused:
        store.undo_public_space_change(community.id, "李")
    assert refused.value.key == "editor.conflict.undo_changed"
    assert store.public_space(community.id, "P2")["feature"]["properties"]["name_en"] == "B"
    assert not any(c["action"] == "undo" for c in store.public_space_changes(community.id))


def test_two_planners_undo_at_once_undo_once(store, community):
    load(store, community)
    props = change(store, community, "P4", name_en="X")
    results = []

    def undo(s, n):
        try:
            results.append(s.undo_public_space_change(community.id, f"planner {n}"))
        except SpaceConflict:
            results.append("conflict")

    url = store.engine.url.render_as_string(hide_password=False)
    assert in_threads(url, undo, 4) == []
    undos = [c for c in store.public_space_changes(community.id) if c["action"] == "undo"]
    assert len(undos) == 1      # the edit undone once; the others found nothing or a conflict
    assert sum(isinstance(r, dict) for r in results) == 1 and len(results) == 4
    assert store.public_space(community.id, "P4")["feature"]["properties"]["name_en"] == \
        props["name_en"]


def test_pages_show_the_database_spaces(store, community_dir, community):
    shown = current_community(community_dir, store)
    assert shown.public_spaces["P1"]["properties"]["name_en"] == "Little Bridge Pocket Park"
    assert refresh_spaces(shown, store) is False       # nothing loaded: the file's spaces
    load(store, community)
    change(store, community, "P1", status="planned")
    assert refresh_spaces(shown, store) is True
    assert shown.public_spaces["P1"]["properties"]["status"] == "planned"
    assert refresh_spaces(shown, store) is False
    assert current_community(community_dir, store).public_spaces["P1"]["properties"][
        "status"] == "planned"
