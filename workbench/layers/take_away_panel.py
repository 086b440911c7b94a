"""The map to take away, in the planner's map panel: a button makes the same page as
``workbench export-map`` (:mod:`workbench.layers.export_map`), shows it below and offers it as
a download.

The page is shown in a sandboxed ``iframe srcdoc``: folium's usual display in a notebook is
refused by Voilà ("Make this Notebook Trusted"), and the sandbox (scripts, no same origin)
keeps the map's scripts away from the notebook around it.
"""

from __future__ import annotations

import ipywidgets as w

from workbench import i18n
from workbench.assets import style_tag
from workbench.escaping import esc
from workbench.page.download import DownloadLink, safe_filename
from workbench.page.safety import guarded

CSS = style_tag("workbench.layers", "take_away_panel.css")
HTML = "text/html"


class TakeAwayMap:
    """The button, the hint, the map once made (``.view``) and its download (``.link``)."""

    def __init__(self, community, store, lang: str = "zh"):
        self.community, self.store = community, store
        self.lang = lang if lang in i18n.LANGUAGES else "zh"
        self.page = ""
        self.button = w.Button(description=self.t("export_map.show"), icon="map",
                               tooltip=self.t("export_map.show_hint"))
        self.button.on_click(guarded(self._failed)(lambda _button: self.show()))
        self.view = w.HTML()
        self.link = w.HTML()
        self.widget = w.VBox([w.HTML(CSS + f"<p class='wb-hint'>"
                                           f"{esc(self.t('export_map.show_hint'))}</p>"),
                              self.button, self.link, self.view])
        self.widget.add_class("wb-take-away-panel")

    def t(self, key: str, **params) -> str:
        return i18n.t(self.lang, key, **params)

    def filename(self) -> str:
        return safe_filename(f"{self.community.name.get(self.lang) or self.community.id}.html",
                             "community-map.html")

    def show(self) -> None:
        """Make the page from the store as it is now, show it and offer it."""
        # folium is imported on the first press: it takes seconds the panel need not wait
        from workbench.layers.export_map import community_page

        self.page = community_page(self.store, self.community, self.lang)
        title = self.t("export_map.title", name=self.community.name.get(self.lang)
                       or self.community.id)
        self.view.value = (f"<iframe class='wb-take-away' sandbox='allow-scripts' "
                           f"title=\"{esc(title)}\" srcdoc=\"{esc(self.page)}\"></iframe>")
        download = DownloadLink(self.t("export_map.download"), self.filename(), HTML,
                                lambda: self.page.encode("utf-8"),
                                self.t("export_map.too_large"), self.t("export_map.failed"))
        self.link.value = download.widget.value

    def _failed(self) -> None:
        self.view.value = f"<p class='wb-error'>{esc(self.t('export_map.failed'))}</p>"
