"""The agenda builder as an app for planners who never see code: the language and the name
written beside what they publish are chosen in the tool (not typed into a cell), and the
builder is drawn at once under them. Changing the language draws the builder again in it;
changing the name takes effect for the next publication or update."""

from __future__ import annotations

import ipywidgets as w

from workbench import i18n
from workbench.agenda.builder import AgendaBuilder
from workbench.deliberation.moderation_panel import check_moderator
from workbench.escaping import esc
from workbench.store import Store

LANGUAGE_NAMES = {"zh": "中文", "en": "English"}


class AgendaApp:
    """A language switch, the planner's name, and the builder (``.builder``)."""

    def __init__(self, store: Store, community, layers: dict | None, author: str,
                 lang: str = "zh"):
        self.store, self.community, self.layers = store, community, layers
        lang = lang if lang in i18n.LANGUAGES else "zh"
        self.language = w.ToggleButtons(
            options=[(LANGUAGE_NAMES.get(code, code), code) for code in i18n.LANGUAGES],
            value=lang, style={"button_width": "80px"})
        self.name_input = w.Text(value=check_moderator(author), continuous_update=False,
                                 layout=w.Layout(width="220px"))
        self.name_label = w.HTML()
        self.name_error = w.HTML()
        self.builder = AgendaBuilder(store, community, layers, lang=lang, author=author)
        self.widget = w.VBox([
            w.HBox([self.language, self.name_label, self.name_input, self.name_error],
                   layout=w.Layout(align_items="center", flex_flow="row wrap")),
            self.builder.widget])
        self.widget.add_class("wb-agenda-app")
        self._label()
        self.language.observe(self.builder.safe(lambda c: self.set_language(c["new"])),
                              names="value")
        self.name_input.observe(self.builder.safe(lambda c: self.set_author(c["new"])),
                                names="value")

    @classmethod
    def from_settings(cls, author: str = "社区工作人员", lang: str = "zh",
                      store: Store | None = None) -> "AgendaApp":
        """The app for the settings' community (``author``: the name first shown)."""
        from workbench import settings
        from workbench.layers.community import load_community, read_layers

        layers_dir = settings.get("layers_dir")
        return cls(store or Store(), load_community(layers_dir), read_layers(layers_dir),
                   author=author, lang=lang)

    def _label(self) -> None:
        lang = self.builder.lang
        self.name_label.value = (f"<span class='wb-small'>"
                                 f"{esc(i18n.t(lang, 'planner.agenda.your_name'))}</span>")

    def set_language(self, lang: str) -> None:
        """Draw the builder again in ``lang`` (the chosen item kept)."""
        if lang not in i18n.LANGUAGES or lang == self.builder.lang:
            return
        chosen = self.builder.selected_id
        self.builder = AgendaBuilder(self.store, self.community, self.layers, lang=lang,
                                     author=self.builder.author)
        if chosen in self.builder.items:
            self.builder.select(chosen)
        self.widget.children = (self.widget.children[0], self.builder.widget)
        self._label()

    def set_author(self, name) -> bool:
        """The name written with what the planner publishes and records from now on."""
        try:
            self.builder.author = check_moderator(name)
        except ValueError:
            problem = i18n.t(self.builder.lang, "planner.agenda.name_required")
            self.name_error.value = f"<span class='wb-error'>{esc(problem)}</span>"
            return False
        self.name_error.value = ""
        return True
