"""The surveys' panel on the planners' home: the results of the published surveys."""

from workbench.page.planner_home import Panel


def _results(lang: str, _person: str):
    from workbench.surveys.results_panel import SurveyResultsPanel

    return SurveyResultsPanel.from_settings(lang=lang).widget


PANELS = [Panel("surveys", "planner.home.surveys", _results)]
