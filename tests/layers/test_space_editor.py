"""The space editor through its plain methods, as the map's drawing tools and the buttons call
them (no browser): create a polygon and a point, move, reshape, edit, delete, undo; bad input
refused beside its field with nothing saved; the history (who, when, before, after); two
planners at once; proposals keep their space when it is reshaped or closed."""

import pytest
from shapely.geometry import shape

from communities import ll, rect
from stores import proposal
from workbench.layers.editing import STATUSES
from workbench.layers.space_panel import SpaceEditor

NEW = dict(name_zh="银杏口袋公园", name_en="Ginkgo Pocket Park", kind="pocket_park",
           status="planned", opening_hours="06:00-22:00", facilities=("seating", "shade"),
           description_zh="候选地块。", description_en="A candidate plot.")


def fill(editor, **values):
    for name, value in values.items():
        editor.inputs[name].value = value


def history(store, community):
    return store.public_space_changes(community.id)


def spaces(store, community):
    return {f["properties"]["id"]: f for f in store.public_space_features(community.id)}


@pytest.fixture
def editor(store, community):
    return SpaceEditor(community, store, "王规划", "en")


def test_the_layer_file_is_loaded_once(editor, store, community):
    loaded = spaces(store, community)
    assert sorted(loaded) == ["P1", "P2", "P3", "P4"]
    assert all(f["properties"]["status"] == "existing" for f in loaded.values())
    assert [c["action"] for c in history(store, community)] == ["load"] * 4
    SpaceEditor(community, store, "李规划", "zh")          # a second editor loads nothing
    assert len(history(store, community)) == 4
    assert editor.undo() is None and "no change" in editor.message.value


def test_create_a_polygon_with_its_attributes_and_area(editor, store, community):
    editor.new_space()
    editor.set_shape(rect(-100, 120, -40, 170))   # as the drawing tool sends it
    assert "m²" in editor.shape_line.value
    fill(editor, **NEW)
    assert editor.save() == "create"
    created = spaces(store, community)[editor.space_id]
    p = created["properties"]
    assert (p["name_zh"], p["kind"], p["status"], p["opening_hours"]) == (
        "银杏口袋公园", "pocket_park", "planned", "06:00-22:00")
    assert p["facilities"] == ["seating", "shade"]
    assert p["area_m2"] == pytest.approx(60 * 50, rel=0.01)     # computed, never typed
    change = history(store, community)[0]
    assert (change["action"], change["who"], change["before"]) == ("create", "王规划", None)
    assert change["after"]["properties"]["name_en"] == "Ginkgo Pocket Park"
    assert change["at"] is not None
    # the editor's own community (and so its map) shows the new space, planned and labelled
    assert editor.space_id in community.public_spaces
    labels = [m.title for m in editor.map.status_labels.layers]
    assert "Ginkgo Pocket Park · planned" in labels
    assert "Ginkgo Pocket Park" in editor.history.value


def test_create_a_point(editor, store, community):
    editor.new_space()
    editor.set_shape({"type": "Point", "coordinates": ll(-20, 20)})
    fill(editor, name_zh="议事亭", name_en="Meeting Pavilion", kind="community_living_room",
         status="existing")
    assert editor.save() == "create"
    p = spaces(store, community)[editor.space_id]["properties"]
    assert p["area_m2"] is None and p["facilities"] == []


def test_move_reshape_edit_then_undo_each(editor, store, community):
    editor.select("P1")
    original = spaces(store, community)["P1"]
    editor.set_shape(rect(40, 100, 100, 150))          # the same rectangle, 10 m east
    assert editor.save() == "move"
    editor.set_shape(rect(40, 100, 100, 170))          # a corner dragged north
    assert editor.save() == "reshape"
    assert spaces(store, community)["P1"]["properties"]["area_m2"] == pytest.approx(
        60 * 70, rel=0.01)
    fill(editor, name_en="Little Bridge Garden", status="under_construction")
    assert editor.save() == "edit"
    assert editor.save() is None and "Nothing changed" in editor.message.value
    actions = [c["action"] for c in history(store, community)[:3]]
    assert actions == ["edit", "reshape", "move"]
    change = history(store, community)[0]
    assert change["before"]["properties"]["name_en"] == "Little Bridge Pocket Park"
    assert change["after"]["properties"]["name_en"] == "Little Bridge Garden"

    assert editor.undo()["action"] == "edit"
    assert spaces(store, community)["P1"]["properties"]["name_en"] == "Little Bridge Pocket Park"
    assert editor.inputs["name_en"].value == "Little Bridge Pocket Park"   # the form follows
    assert editor.undo()["action"] == "reshape"
    assert editor.undo()["action"] == "move"
    back = spaces(store, community)["P1"]
    assert shape(back["geometry"]).equals_exact(shape(original["geometry"]), 1e-7)
    assert back["properties"] == original["properties"]
    assert editor.undo() is None                       # loading the file is not undone
    undone = [c for c in history(store, community) if c["undone"]]
    assert [c["action"] for c in undone] == ["edit", "reshape", "move"]
    assert "undone" in editor.history.value


def test_delete_asks_first_and_undo_brings_it_back(editor, store, community):
    editor.select("P2")
    assert editor.delete() is False and "P2" in spaces(store, community)   # asked only
    assert "Yes, delete" == editor.delete_button.description
    assert editor.delete() is True
    assert "P2" not in spaces(store, community) and "P2" not in community.public_spaces
    assert store.public_space(community.id, "P2")["deleted"]     # the row is kept
    assert history(store, community)[0]["after"] is None
    assert editor.undo()["action"] == "delete"
    assert "P2" in spaces(store, community) and "P2" in community.public_spaces


def test_undo_a_creation(editor, store, community):
    editor.new_space()
    editor.set_shape(rect(-100, 120, -40, 170))
    fill(editor, **NEW)
    editor.save()
    new_id = editor.space_id
    assert editor.undo()["action"] == "create"
    assert new_id not in spaces(store, community)
    editor.new_space()
    editor.set_shape(rect(-100, 120, -40, 170))
    fill(editor, **NEW)
    editor.save()
    assert editor.space_id != new_id                    # a deleted space's id is not reused


@pytest.mark.parametrize("bad, field", [
    ({"geometry": rect(150, 150, 260, 190)}, "geometry"),              # across the boundary
    ({"geometry": {"type": "Polygon", "coordinates": [[ll(-50, -50), ll(50, 50), ll(50, -50),
                                                       ll(-50, 50), ll(-50, -50)]]}},
     "geometry"),                                                      # crosses itself
    ({"geometry": {"type": "LineString", "coordinates": [ll(0, 0), ll(9, 9)]}}, "geometry"),
    ({"geometry": {"type": "Polygon", "coordinates": [[[float("nan"), 1]] * 4]}}, "geometry"),
    ({"geometry": {"type": "Polygon", "coordinates": "x" * 100}}, "geometry"),
    ({"geometry": rect(0, 0, 0.5, 0.5)}, "geometry"),                  # a slip of the mouse
    ({"geometry": None}, "geometry"),
    ({"name_zh": "  "}, "name_zh"),
    ({"name_en": "<script>alert(1)</script>"}, "name_en"),
    ({"name_en": "x" * 101}, "name_en"),
    ({"kind": "casino"}, "kind"),
    ({"kind": ""}, "kind"),
    ({"status": "demolished"}, "status"),
    ({"opening_hours": "06:00\x00"}, "opening_hours"),
    ({"facilities": ["seating", "jacuzzi"]}, "facilities"),
    ({"description_en": "y" * 501}, "description_en"),
])
def test_invalid_input_is_refused_beside_its_field_and_nothing_is_saved(
        editor, store, community, monkeypatch, bad, field):
    editor.new_space()
    values = {**NEW, "facilities": list(NEW["facilities"])}
    geometry = bad.pop("geometry", rect(-100, 120, -40, 170))
    values.update(bad)
    editor.set_shape(geometry)
    # what the widgets would hold if a client (not the browser's lists) set them: the
    # lists' widgets refuse unknown choices themselves, the rules refuse them again
    monkeypatch.setattr(editor, "values", lambda: values)
    before = (spaces(store, community), len(history(store, community)))
    assert editor.save() is None
    assert editor.errors[field].value and "wb-error" in editor.errors[field].value
    assert [f for f, box in editor.errors.items() if box.value] == [field]
    assert "Not saved" in editor.message.value
    assert (spaces(store, community), len(history(store, community))) == before


def test_a_space_with_proposals_is_closed_not_deleted_and_keeps_them(editor, store, community):
    pid = store.proposal_by_receipt(store.add_proposal(community.id, proposal()))["id"]
    editor.select("P1")
    assert editor.delete() is False and "closed" in editor.message.value
    assert "P1" in spaces(store, community)
    editor.set_shape(rect(20, 90, 100, 160))
    fill(editor, status="closed")
    assert editor.save() == "reshape"
    row = next(r for r in store.list_proposals(community.id) if r["id"] == pid)
    assert row["public_space_id"] == "P1"
    assert community.public_spaces["P1"]["properties"]["status"] == "closed"
    assert [m.title for m in editor.map.status_labels.layers] == [
        "Little Bridge Pocket Park · closed"]


def test_two_planners_one_space(store, community):
    first = SpaceEditor(community, store, "王规划", "en")
    second = SpaceEditor(community, store, "李规划", "zh")
    first.select("P4")
    second.select("P4")
    fill(first, name_en="Play Corner")
    assert first.save() == "edit"
    fill(second, name_en="Children's Garden")
    assert second.save() is None and "王规划" in second.message.value      # not overwritten
    assert spaces(store, community)["P4"]["properties"]["name_en"] == "Play Corner"
    second.select("P4")
    first.set_shape(rect(50, -180, 150, -120))
    first.save()
    # the other planner's undo takes back the newest change, and says whose it was
    assert second.undo()["action"] == "reshape" and "王规划" in second.message.value


def test_every_status_and_kind_is_offered_in_both_languages(store, community):
    for lang, planned in (("zh", "规划中"), ("en", "planned")):
        editor = SpaceEditor(community, store, "王规划", lang)
        assert [v for _, v in editor.inputs["status"].options] == list(STATUSES)
        assert planned in [label for label, _ in editor.inputs["status"].options]
        assert {v for _, v in editor.inputs["kind"].options} - {""} == set(community.kinds)
        assert len(editor.inputs["facilities"].options) >= 10
