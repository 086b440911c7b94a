"""The layers' panel on the planners' home: the community's map with the proposals."""

from workbench.page.planner_home import Panel


def _map(lang: str, _person: str):
    from workbench.layers.planner import PlannerSession

    return PlannerSession.from_settings(lang=lang).map()


PANELS = [Panel("map", "planner.home.map", _map)]
