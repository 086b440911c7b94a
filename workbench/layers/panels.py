"""The layers' panel on the planners' home: the community's map with the proposals."""

from workbench.page.planner_home import Panel


def _map(lang: str, _person: str):
    from workbench.layers.map_panel import PlannerMap

    return PlannerMap.from_settings(lang=lang).widget


PANELS = [Panel("map", "planner.home.map", _map)]
