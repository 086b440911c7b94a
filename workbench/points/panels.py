"""The points' panel on the planners' home: credits to review, the public notice, the
volunteer team and the needs pool."""

from workbench.page.planner_home import Panel


def _points(lang: str, person: str):
    from workbench.points.points_panel import PointsPanel

    return PointsPanel.from_settings(lang, person).widget


PANELS = [Panel("points", "planner.home.points", _points)]
