"""The agenda builder as an app for planners who never see code: the language (the shared
中文 / English switch, :class:`workbench.page.language.Bilingual`) and the name written beside
what they publish are chosen in the tool, not typed into a cell, and the builder is drawn at
once under them. Switching the language draws the builder again in it, on the same item;
a new name takes effect for the next publication or update."""

from __future__ import annotations

import ipywidgets as w

from workbench import i18n
from workbench.agenda.builder import AgendaBuilder
from workbench.deliberation.moderation_panel import check_moderator
from workbench.escaping import esc
from workbench.page.language import Bilingual
from workbench.page.safety import guarded
from workbench.store import Store


class AgendaApp:
    """The planner's name, the language switch, and the builder (``.builder``)."""

    def __init__(self, store: Store, community, layers: dict | None, author: str,
                 lang: str = "zh"):
        self.store, self.community, self.layers = store, community, layers
        self.author = check_moderator(author)
        self.name_input = w.Text(value=self.author, continuous_update=False,
                                 layout=w.Layout(width="220px"))
        self.name_label = w.HTML()
        self.name_error = w.HTML()
        self.bilingual = Bilingual(self._build, lang)
        self.widget = w.VBox([
            w.HBox([self.name_label, self.name_input, self.name_error],
                   layout=w.Layout(align_items="center", flex_flow="row wrap")),
            self.bilingual.widget])
        self.widget.add_class("wb-agenda-app")
        self.name_input.observe(guarded(self._failed)(lambda c: self.set_author(c["new"])),
                                names="value")

    @classmethod
    def from_settings(cls, author: str = "社区工作人员", lang: str = "zh",
                      store: Store | None = None) -> "AgendaApp":
        """The app for the settings' community (``author``: the name first shown)."""
        from workbench import settings
        from workbench.layers.community import layer_frames
        from workbench.layers.current import current_community

        store = store or Store()
        # the spaces as planners edited them (the database's), not as first imported
        community = current_community(settings.get("layers_dir"), store)
        return cls(store, community, layer_frames(community), author=author, lang=lang)

    @property
    def builder(self) -> AgendaBuilder | None:
        """The builder shown now (None if it failed to open: the page says so)."""
        return self.bilingual.tool

    @property
    def language(self) -> w.ToggleButtons:
        return self.bilingual.switch

    def _build(self, lang: str) -> AgendaBuilder:
        """The builder in ``lang``, on the item the one before it showed."""
        before = self.bilingual.tool if hasattr(self, "bilingual") else None
        builder = AgendaBuilder(self.store, self.community, self.layers, lang=lang,
                                author=self.author)
        if before is not None and before.selected_id in builder.items:
            builder.select(before.selected_id)
        self.name_label.value = (f"<span class='wb-small'>"
                                 f"{esc(i18n.t(lang, 'planner.agenda.your_name'))}</span>")
        return builder

    def _failed(self) -> None:
        problem = i18n.t(self.bilingual.lang, "error.unexpected")
        self.name_error.value = f"<span class='wb-error'>{esc(problem)}</span>"

    def set_author(self, name) -> bool:
        """The name written with what the planner publishes and records from now on."""
        try:
            self.author = check_moderator(name)
        except ValueError:
            problem = i18n.t(self.bilingual.lang, "planner.agenda.name_required")
            self.name_error.value = f"<span class='wb-error'>{esc(problem)}</span>"
            return False
        if self.builder is not None:
            self.builder.author = self.author
        self.name_error.value = ""
        return True
