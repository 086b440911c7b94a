"""The activities panel on the planners' home: posting activities, attendance, rooms and
bookings, and the use of each space."""

from workbench.page.planner_home import Panel


def _activities(lang: str, person: str):
    from workbench.activities.activities_panel import ActivitiesPanel

    return ActivitiesPanel.from_settings(lang, person).widget


PANELS = [Panel("activities", "planner.home.activities", _activities)]
