"""The planners' home: a tab for every panel the domains list, built on first opening; a panel
that fails says so in its tab; the notebook runs headless."""

from __future__ import annotations

import ipywidgets as w
import pytest

from notebooks import WIDGET, execute, widget_values
from workbench import registry
from workbench.page.planner_home import Panel, PlannerHome


@pytest.fixture
def ready(store, monkeypatch):
    """The settings point at the test database (the panels build from the settings)."""
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", store.url)
    return store


@pytest.mark.parametrize("lang, titles", [
    ("zh", ["地图与提案", "问卷结果", "内容管理", "议题与观点", "公共议程", "积分与志愿者",
            "活动与预订"]),
    ("en", ["Map and proposals", "Survey results", "Moderation", "Topics", "Public agenda",
            "Points and needs", "Activities"]),
])
def test_a_tab_for_every_panel_of_the_registry(ready, lang, titles):
    home = PlannerHome(person="王主任", lang=lang)
    assert [home.tabs.get_title(i) for i in range(len(home.panels))] == titles
    assert [p.name for p in home.panels] == [p.name for p in registry.planner_panels()]


def test_panels_are_built_on_first_opening_only(ready):
    home = PlannerHome(person="王主任", lang="en")
    assert list(home.built) == ["map"]            # the first tab, opened with the home
    home.tabs.selected_index = 4
    agenda = home.built["agenda"]
    assert home.holders[4].children == (agenda,)
    home.tabs.selected_index = 0
    home.tabs.selected_index = 4
    assert home.built["agenda"] is agenda         # not built twice
    assert set(home.built) == {"map", "agenda"}


def test_a_failing_panel_says_so_and_the_others_open(ready, monkeypatch):
    def broken(lang, person):
        raise RuntimeError("secret detail")

    panels = [Panel("broken", "planner.home.map", broken),
              Panel("fine", "planner.home.agenda", lambda lang, person: w.HTML("ok"))]
    monkeypatch.setattr(registry, "planner_panels", lambda: panels)
    home = PlannerHome(person="王主任", lang="en")
    shown = home.holders[0].children[0].value
    assert "could not open" in shown and "secret detail" not in shown
    home.tabs.selected_index = 1
    assert home.holders[1].children[0].value == "ok"


def test_home_notebook_executes(tmp_path):
    from workbench.demo import init

    init()
    nb, outputs = execute("home.ipynb", tmp_path)
    assert any(WIDGET in o.get("data", {}) for o in outputs)
    assert "English" in widget_values(nb) or "English" in str(nb.metadata)


def test_home_switches_language(ready):
    from workbench.page.planner_home import planner_home_app

    app = planner_home_app(person="王主任", lang="zh")
    assert app.tool.tabs.get_title(0) == "地图与提案"
    app.switch.value = "en"
    assert app.tool.tabs.get_title(0) == "Map and proposals" and app.tool.lang == "en"
