"""The agenda panel on the planners' home: the builder."""

from workbench.page.planner_home import Panel


def _builder(lang: str, person: str):
    from workbench.agenda.builder import AgendaBuilder

    return AgendaBuilder.from_settings(author=person, lang=lang).widget


PANELS = [Panel("agenda", "planner.home.agenda", _builder)]
