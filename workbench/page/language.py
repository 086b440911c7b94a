"""A planner's tool in either language, with a 中文 / English switch above it: switching
builds the tool again in the other language (what was being looked at is chosen again by
the tool from its own state, e.g. the store)."""

from __future__ import annotations

from typing import Callable

import ipywidgets as w

from workbench import i18n
from workbench.escaping import esc
from workbench.page.safety import guarded, server_log


class Bilingual:
    """``build(lang)`` returns a tool with a ``.widget``; ``.tool`` is the one shown now,
    ``.widget`` the switch and the tool. A tool that fails to build says so, briefly."""

    def __init__(self, build: Callable[[str], object], lang: str = "zh"):
        self.build = build
        self.lang = lang if lang in i18n.LANGUAGES else "zh"
        self.switch = w.ToggleButtons(
            options=[(i18n.LANGUAGE_NAMES[code], code) for code in i18n.LANGUAGES],
            value=self.lang, style={"button_width": "72px"})
        self.switch.add_class("wb-language")
        self.body = w.VBox()
        self.tool = None
        self.widget = w.VBox([self.switch, self.body])
        self.widget.add_class("wb-planner")
        self.switch.observe(guarded(self._failed)(lambda change: self.show(change["new"])),
                            names="value")
        self.show(self.lang)

    def show(self, lang: str) -> None:
        self.lang = lang
        try:
            self.tool = self.build(lang)
            self.body.children = [self.tool.widget]
        except Exception:  # noqa: BLE001 - the switch stays usable; the log has the details
            self._failed()

    def _failed(self) -> None:
        server_log().exception("planner tool failed to open")
        self.tool = None
        self.body.children = [w.HTML(f"<p class='wb-error'>"
                                     f"{esc(i18n.t(self.lang, 'planner.home.failed'))}</p>")]
