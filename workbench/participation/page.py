"""The participation code on the resident page: typed in once (or brought by the QR link on a
slip), then used by every section that needs one: supports, comments, votes, dots, surveys
per participant. The code itself lives in the participant's session
(:class:`workbench.page.session.ParticipantSession`); this section shows it and takes it in.
"""

from __future__ import annotations

import ipywidgets as w

from workbench.page.access import link_message
from workbench.page.part import PagePart
from workbench.escaping import esc


class CodeEntry(PagePart):
    """The code field, its button and what the session says about the code."""

    NAME = "code_entry"
    ORDER = 10

    def __init__(self, session, page):
        super().__init__(session, page)
        self.code_heading = page.text()
        self.code_input = w.Text(continuous_update=False)
        self.code_input.add_class("wb-field")
        self.code_button = w.Button()
        self.code_button.on_click(page.safe(self._on_code))
        self.code_status = page.text()
        link_message("code", self.code_input, self.code_status)
        self.widget = w.VBox([self.code_heading, self.code_input, self.code_button,
                              self.code_status])
        self.widget.add_class("wb-code-box")

    def _on_code(self, _button=None) -> None:
        self.session.use_code(self.code_input.value)

    def render(self) -> None:
        t, session = self.t, self.session
        self.code_heading.value = (f"<h2>{esc(t('code.heading'))}</h2>"
                                   f"<p class='wb-hint'>{esc(t('code.explain'))}</p>")
        self.code_input.description = t("code.label")
        self.code_input.placeholder = "XXXXX-XXXXX"
        self.code_button.description = t("code.use")
        # once a code is in use, its field steps aside
        hidden = "none" if session.code_id is not None else None
        self.code_input.layout.display = self.code_button.layout.display = hidden
        parts = []
        if session.code_id is not None:
            parts.append(f"<span class='wb-ok'>{esc(t('code.active', hint=session.code_hint))}"
                         "</span>")
        if session.code_problem:
            key, params = session.code_problem
            parts.append(f"<span class='wb-error'>{esc(t(key, **params))}</span>")
        self.code_status.value = "<br>".join(parts)

    def on_code(self) -> None:
        if self.session.code_id is not None:
            self.code_input.value = ""  # taken: not left on the screen

    def on_code_message(self, point: bool) -> None:
        self.render()
        if point:
            self.code_input.focus()


SECTIONS = [CodeEntry]
