"""The layers' panels on the planners' home: the community's map with the proposals, and the
public spaces' editor."""

from workbench.page.planner_home import Panel


def _map(lang: str, _person: str):
    from workbench.layers.map_panel import PlannerMap

    return PlannerMap.from_settings(lang=lang).widget


def _spaces(lang: str, person: str):
    from workbench.layers.space_panel import SpaceEditor

    return SpaceEditor.from_settings(person, lang=lang).widget


PANELS = [Panel("map", "planner.home.map", _map),
          Panel("spaces", "planner.home.spaces", _spaces)]
