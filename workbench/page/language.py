"""A planner's tool in either language, with a 中文 / English switch above it: switching
builds the tool again in the other language (what was being looked at is chosen again by
the tool from its own state, e.g. the store). A tool that writes the planner's name (into
the moderation log, beside what is published) has a name field beside the switch: the
name is typed in the tool, never into the code."""

from __future__ import annotations

from typing import Callable

import ipywidgets as w

from workbench import i18n
from workbench.escaping import esc
from workbench.page.safety import guarded, server_log


#: the longest name a planner signs with (the moderation log's limit)
PERSON_MAX_CHARS = 100


class Bilingual:
    """``build(lang)`` returns a tool with a ``.widget``; ``.tool`` is the one shown now,
    ``.widget`` the switch and the tool. A tool that fails to build says so, briefly.

    Given ``person`` (the name first shown), the tool signs with a name: a field beside the
    switch holds it, ``build(lang, person)`` is called with it, and a new name (plain text,
    1 to :data:`PERSON_MAX_CHARS` characters, checked here) builds the tool again."""

    def __init__(self, build: Callable[..., object], lang: str = "zh",
                 person: str | None = None):
        self.build = build
        self.lang = lang if lang in i18n.LANGUAGES else "zh"
        self.person = person
        self.switch = w.ToggleButtons(
            options=[(i18n.LANGUAGE_NAMES[code], code) for code in i18n.LANGUAGES],
            value=self.lang, style={"button_width": "72px"})
        self.switch.add_class("wb-language")
        self.body = w.VBox()
        self.tool = None
        head: list = [self.switch]
        if person is not None:
            # the label whole ("Your name (written in the records)"), not cut to "Your nam…"
            self.person_input = w.Text(value=person, continuous_update=False,
                                       style={"description_width": "initial"},
                                       layout=w.Layout(width="min(100%, 420px)"))
            self.person_error = w.HTML()
            head = [w.HBox([self.switch, self.person_input, self.person_error],
                           layout=w.Layout(align_items="center", flex_flow="row wrap"))]
            self.person_input.observe(
                guarded(self._failed)(lambda change: self.sign(change["new"])), names="value")
        self.widget = w.VBox([*head, self.body])
        self.widget.add_class("wb-planner")
        self.switch.observe(guarded(self._failed)(lambda change: self.show(change["new"])),
                            names="value")
        self.show(self.lang)

    def show(self, lang: str) -> None:
        self.lang = lang
        if self.person is not None:
            self.person_input.description = i18n.t(lang, "planner.your_name")
        try:
            self.tool = self.build(lang) if self.person is None else self.build(lang,
                                                                                self.person)
            self.body.children = [self.tool.widget]
        except Exception:  # noqa: BLE001 - the switch stays usable; the log has the details
            self._failed()

    def sign(self, name) -> bool:
        """Sign with ``name`` from now on (the tool is built again with it); a name that is
        not plain text of the right length is refused beside the field."""
        from workbench.proposals.rules import check_text

        text, problem = check_text(name, required=True, max_chars=PERSON_MAX_CHARS)
        if problem:
            self.person_error.value = (f"<span class='wb-error' role='alert'>"
                                       f"{esc(i18n.t(self.lang, 'planner.name_required'))}"
                                       f"</span>")
            return False
        self.person_error.value = ""
        self.person = text
        self.show(self.lang)
        return True

    def _failed(self) -> None:
        server_log().exception("planner tool failed to open")
        self.tool = None
        self.body.children = [w.HTML(f"<p class='wb-error'>"
                                     f"{esc(i18n.t(self.lang, 'planner.home.failed'))}</p>")]
