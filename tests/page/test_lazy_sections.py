"""Sections below a phone's first screen are folded at page start and built when a resident
first opens them; the first screen (the map, the form, the code field) is built at once."""

import ipywidgets as w
import pytest

from communities import INSIDE_P1
from workbench.page.resident import ResidentApp
from workbench.proposals.rules import Proposal

FOLDED = ("proposal_list", "agenda_section", "statement_voting", "surveys", "points",
          "needs_pool", "activities", "room_booking")


@pytest.fixture
def app(community, store):
    lon, lat = community.public_space_location("P1")
    for i in range(3):
        store.add_proposal("test", Proposal(title=f"Bench {i}", description="Shade",
                                            scenario="health", lon=lon, lat=lat))
    return ResidentApp(community, store, lang="en")


def test_sections_below_the_first_screen_are_folded_not_built(app):
    assert sorted(app.folds) == sorted(FOLDED)
    for name in FOLDED:
        part, fold = app.section(name), app.folds[name]
        assert not part.built and not fold.is_open
        assert not hasattr(part, "widget")  # no widget of it in the kernel yet
        assert fold.widget in app.widget.children and fold.body is None
        assert list(fold.widget.children) == [fold.head]  # the heading alone
    for name in ("proposal_form", "code_entry", "workshop", "discussions"):
        assert app.section(name).built
    # the map still shows what the folded list and agenda read
    assert len(app.map.proposals.data["features"]) == 3
    assert "Bench 0" in app.legend.value
    assert app.folds["proposal_list"].button.description == "Residents' proposals (3)"


def test_opening_a_fold_builds_and_reads_the_section_once(app, store):
    fold = app.folds["proposal_list"]
    fold.button.click()
    listed = app.section("proposal_list")
    assert listed.built and fold.is_open and "wb-fold-open" in fold.widget._dom_classes
    assert list(fold.body.children) == [listed.widget]
    assert "Bench 2" in listed.list_text()
    widget = listed.widget
    fold.button.click()  # closed: kept, only hidden
    assert not fold.is_open and "wb-fold-open" not in fold.widget._dom_classes
    fold.button.click()
    assert fold.is_open and listed.widget is widget


def test_folded_sections_cost_fewer_widgets(community, store):
    before = len(w.widgets.widget._instances)
    app = ResidentApp(community, store, lang="en")
    folded = len(w.widgets.widget._instances) - before
    for name in FOLDED:
        app.open_section(name)
    opened = len(w.widgets.widget._instances) - before
    assert folded < opened


def test_a_folded_section_follows_the_language_and_new_proposals(app, community, store):
    app.set_language("zh")
    assert app.folds["agenda_section"].button.description == "社区公共议程"
    assert app.folds["proposal_list"].button.description == "居民提案 (3)"
    lon, lat = community.public_space_location("P1")
    store.add_proposal("test", Proposal(title="Swings", description="", scenario="health",
                                        lon=lon, lat=lat))
    app.refresh()
    assert app.folds["proposal_list"].button.description == "居民提案 (4)"


def test_driving_a_folded_section_opens_it_as_a_resident_would(app):
    # a method of a folded section opens that section
    assert app.look_up("AAAA-AAAA") is False
    assert app.folds["agenda_section"].is_open and not app.folds["surveys"].is_open
    # a widget made when its section opens: the folds open in page order until one has it
    assert app.survey_buttons.children == ()
    assert app.folds["surveys"].is_open


def test_a_discussion_opens_the_list_it_stands_in(app):
    pid = app.section("proposal_list").rows[0]["id"]
    app.section("proposal_list").open_discussion(pid)
    listed = app.section("proposal_list")
    assert app.folds["proposal_list"].is_open
    discussion = app.section("discussions").discussion
    assert discussion.widget in listed.list_rows.children


def test_a_proposal_marker_tapped_on_the_folded_list_shows_its_popup(app):
    listed = app.section("proposal_list")
    listed._on_proposal_click(properties={"id": listed.rows[0]["id"]})
    assert "Bench" in app.map.widget.popup["html"] and not listed.built


def test_a_tap_inside_a_space_still_places_the_pin(app):
    app.place_at(*INSIDE_P1)
    assert app.space_input.value == "P1"


def test_a_resident_kernel_imports_none_of_the_planners_heavy_libraries():
    # every resident's kernel imports the page, its sections and the whole store: what they
    # import at module level is in every kernel (pydantic through the store was 7 MiB)
    import subprocess
    import sys

    heavy = ("pandas", "geopandas", "pyproj", "sklearn", "scipy", "matplotlib", "pydantic",
             "PIL", "docx", "openpyxl", "folium", "networkx", "alembic")
    code = ("import sys\n"
            "from workbench.page.resident import ResidentApp\n"
            "from workbench import registry\n"
            "registry.page_sections()\n"
            "from workbench.store import Store\n"
            "Store\n"
            f"print(' '.join(m for m in {heavy!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.split() == []
