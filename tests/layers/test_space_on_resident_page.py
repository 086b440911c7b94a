"""The resident page shows the spaces as the planners edited them, on its next load (also
from a kernel built before the edit, as a preheated one is); a planned space is drawn
dashed with "planned" on its label and in the legend."""

from shapely.geometry import shape

from communities import rect
from workbench.layers.current import current_community
from workbench.layers.space_panel import SpaceEditor
from workbench.page.resident import ResidentApp


def draw_candidate_park(editor) -> str:
    """A planned pocket park drawn and saved in the editor, as a planner does; its id."""
    editor.new_space()
    editor.set_shape(rect(-120, 110, -40, 180))
    for name, value in dict(name_zh="候选口袋公园", name_en="Candidate Pocket Park",
                            kind="pocket_park", status="planned").items():
        editor.inputs[name].value = value
    assert editor.save() == "create"
    return editor.space_id


def test_edited_and_planned_spaces_on_the_next_load(store, community_dir):
    editor = SpaceEditor(current_community(community_dir, store), store, "王规划", "en")
    # a kernel waiting for its resident, built before the planner's changes
    waiting = ResidentApp(current_community(community_dir, store), store, lang="en")
    assert "planned" not in waiting.map.legend_html().lower()

    new_id = draw_candidate_park(editor)
    editor.select("P1")
    editor.set_shape(rect(20, 90, 100, 160))
    editor.inputs["name_en"].value = "Little Bridge Garden"
    assert editor.save() == "reshape"

    for app in (waiting, ResidentApp(current_community(community_dir, store), store,
                                     lang="en")):
        app.start("lang=en")
        drawn = {f["properties"]["id"]: f for f in app.map.public_spaces.data["features"]}
        assert shape(drawn["P1"]["geometry"]).equals_exact(
            shape(editor.before["geometry"]), 1e-9)
        assert drawn["P1"]["properties"]["name_en"] == "Little Bridge Garden"
        planned = drawn[new_id]
        sent = {f["id"]: f for f in app.map.widget.public_spaces["features"]}  # the browser's
        style = sent[planned["properties"]["id"]]["style"]
        assert style["dashArray"] and style["fillOpacity"] < 0.3
        assert sent["P1"]["style"].get("dashArray") is None
        assert [mark["title"] for mark in app.map.widget.labels] == [
            "Candidate Pocket Park · planned"]
        assert "Planned (dashed outline)" in app.legend.value
        assert "Candidate Pocket Park" in app.legend.value        # the map as a list
        # a resident can propose about the candidate space before it exists
        assert new_id in [v for _, v in app.space_input.options]


def test_the_planners_tools_see_the_edited_spaces(store, community_dir, monkeypatch):
    from workbench import cli
    from workbench.agenda.builder import AgendaBuilder

    monkeypatch.setenv("WORKBENCH_LAYERS_DIR", str(community_dir))
    editor = SpaceEditor(current_community(community_dir, store), store, "王规划", "en")
    new_id = draw_candidate_park(editor)
    builder = AgendaBuilder.from_settings("王规划", store=store, lang="en")
    assert builder.community.public_spaces[new_id]["properties"]["name_en"] == \
        "Candidate Pocket Park"
    assert new_id in set(builder.layers["public_spaces"]["id"])
    monkeypatch.setattr("workbench.demo.init", lambda: None)
    monkeypatch.setattr("workbench.store.Store", lambda: store)
    _, community = cli.open_community()
    assert new_id in community.public_spaces
