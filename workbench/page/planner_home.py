"""The planners' home: one notebook, a tab for every planner panel the domains offer.

Each domain lists its panels in ``PANELS`` of its ``panels`` module (read through
:func:`workbench.registry.planner_panels`): the map of layers and proposals, the moderation
queue, the topics, the agenda builder. A panel is built when its tab is first opened, so the
home opens quickly and a panel that fails says so in its tab without closing the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import ipywidgets as w

from workbench import i18n, registry
from workbench.escaping import esc
from workbench.page.safety import server_log


@dataclass(frozen=True)
class Panel:
    """A planner panel: ``title`` (a string key) and ``build(lang, person)``, which returns
    its widget; ``person`` is the planner's name, written into logs and published versions."""

    name: str
    title: str
    build: Callable[[str, str], w.Widget]


class PlannerHome:
    """The tabs (``.widget``); ``person`` acts in every panel (e.g. "王主任")."""

    def __init__(self, person: str, lang: str = "zh"):
        self.person = person
        self.lang = lang if lang in i18n.LANGUAGES else "zh"
        self.log = server_log()
        self.panels: list[Panel] = registry.planner_panels()
        self.built: dict[str, w.Widget] = {}
        self.holders = [w.VBox([w.HTML(esc(self.t("planner.home.opening")))])
                        for _ in self.panels]
        self.tabs = w.Tab(children=self.holders,
                          titles=[self.t(panel.title) for panel in self.panels])
        self.tabs.observe(lambda change: self.open(change["new"]), names="selected_index")
        self.widget = w.VBox([w.HTML(f"<h2>{esc(self.t('planner.home.title'))}</h2>"),
                              self.tabs])
        if self.panels:
            self.open(0)

    def t(self, key: str, **params) -> str:
        return i18n.t(self.lang, key, **params)

    def open(self, index: int | None) -> w.Widget | None:
        """Build the panel of tab ``index`` on its first opening; returns its widget."""
        if index is None or not 0 <= index < len(self.panels):
            return None
        panel = self.panels[index]
        if panel.name not in self.built:
            try:
                widget = panel.build(self.lang, self.person)
            except Exception:  # noqa: BLE001 - one broken panel must not close the others
                self.log.exception("planner panel %s failed to open", panel.name)
                widget = w.HTML(f"<span class='wb-error'>"
                                f"{esc(self.t('planner.home.failed'))}</span>")
            self.built[panel.name] = widget
            self.holders[index].children = [widget]
        return self.built[panel.name]


def planner_home_app(person: str = "社区工作人员", lang: str = "zh"):
    """The home notebook's app: the tabs with a 中文 / English switch and the planner's name
    (first ``person``, typed in the tool) above them."""
    from workbench.page.language import Bilingual

    return Bilingual(lambda language, name: PlannerHome(person=name, lang=language), lang,
                     person=person)
