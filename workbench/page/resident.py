"""The resident page's shell: the header with the language switch, the community map with its
legend and public-space notes, the layout, and the sections the domains contribute.

Each domain's ``page`` module lists its sections (``SECTIONS``, read through
:func:`workbench.registry.page_sections`); the shell builds them with the participant's
session (:class:`workbench.page.session.ParticipantSession`), puts their widgets where they
say (:class:`workbench.page.part.PagePart`) and passes on what concerns them all: the
language, reading the store again, the resident's link, and a callback that failed. On a phone
the page reads from the top down: a workshop's dot voting (when in one), the map, the proposal
form, the participation code, the proposals, a discussion, the agenda, statements, surveys.

Only what a phone's first screen needs is built at page start; the sections marked ``LAZY``
(the proposals, the agenda, statements, surveys) stand folded under their headings and are
built when first opened (:class:`workbench.page.fold.Fold`), which keeps the kernel small and
the first load quick.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from urllib.parse import parse_qs

import ipywidgets as w
from ipywidgets.widgets.widget_string import HTMLStyle

from workbench import i18n, registry, settings
from workbench.layers.current import current_community, refresh_spaces
from workbench.layers.page_map_widget import PageMap
from workbench.page import STARTED
from workbench.page.access import document_note, name_note
from workbench.page.fold import Fold, FoldLooks
from workbench.page.ipykernel_resident import give_back_freed_memory
from workbench.page.part import SLOTS, stylesheet
from workbench.escaping import esc
from workbench.page.safety import guarded, keep_output_off_the_wire
from workbench.page.session import ParticipantSession
from workbench.page.voila_request import preheated
from workbench.proposals.list_page import LIST_PAGE  # noqa: F401  (the page's size, for tests)
from workbench.store import Store


class ResidentApp:
    """The whole resident page as one widget tree (``app.widget``).

    The page answers for its parts: a name the shell lacks is looked up on the session
    (``app.code_id``, ``app.use_code``), then among the sections by name
    (``app.statement_voting``), then on the sections in page order (``app.title_input``,
    ``app.toggle_support``), so that a test or a tool drives the page through one object,
    as a client of the kernel would; as a resident would, it opens a folded section before
    using it (``open_section``). Sections never do: they get the session and
    ``section(name)``."""

    #: beside this module: the page's frame and what every section uses (read as a
    #: section's own stylesheet is, by :func:`workbench.page.part.stylesheet`)
    CSS = "resident.css"

    def __init__(self, community, store: Store, lang: str = "zh", basemap: str = "none"):
        self.community = community
        self.store = store
        self.session = ParticipantSession(store, community,
                                          lang if lang in i18n.LANGUAGES else "zh")
        self.selected_space: str | None = None
        self._text_looks: tuple[w.Layout, HTMLStyle] | None = None
        #: how every callback of the page is wrapped: an error is logged, not shown
        self.safe = guarded(self.show_unexpected)
        self._build(basemap)
        self.set_language(self.lang)
        self.refresh()

    @property
    def lang(self) -> str:
        return self.session.lang

    # -- building -----------------------------------------------------------------------
    def _build(self, basemap: str) -> None:
        safe = self.safe
        self.title = self.text()
        self.language = w.ToggleButtons(options=[(i18n.LANGUAGE_NAMES[c], c)
                                                 for c in i18n.LANGUAGES], value=self.lang,
                                        style={"button_width": "auto"})
        self.language.add_class("wb-language")
        self.language.observe(safe(self._on_language), names="value")
        self.hint = self.text()
        self.map = PageMap(self.community, self.lang, basemap=basemap)
        self.map.public_spaces.on_click(safe(self._on_space_click))
        # the legend, and the map as a list for whoever cannot see or tap it
        self.legend = self.text()
        self.space_info = w.HTML()
        self.space_info.add_class("wb-space")
        self.space_info.layout.display = "none"

        made = [part(self.session, self) for part in registry.page_sections()]
        self.parts = sorted(made, key=lambda p: (SLOTS.index(p.SLOT), p.ORDER))
        self._by_name = {part.NAME: part for part in self.parts}
        #: the folds of the LAZY sections, by name; the others are built now
        looks = FoldLooks()
        self.folds = {part.NAME: Fold(part, safe, looks) for part in self.parts if part.LAZY}
        for part in self.parts:
            if not part.LAZY:
                part.build()
                part.built = True
        css = [stylesheet(type(self))] + [stylesheet(type(part)) for part in self.parts]
        self.style = self.text("<style>\n" + "".join(dict.fromkeys(css)) + "</style>")

        # the browser's device key arrives through this hidden field (the page's template)
        self.device = w.Text(layout={"display": "none"})
        self.device.add_class("wb-device")
        self.device.observe(safe(lambda change: self.session.set_device(change["new"])),
                            names="value")

        def widgets(slot: str) -> list[w.Widget]:
            return [widget for part in self.parts if part.SLOT == slot
                    for widget in ([self.folds[part.NAME].widget] if part.LAZY
                                   else part.widgets)]

        header = w.HBox([self.title, self.language])
        header.add_class("wb-header")
        left = w.VBox([self.hint, self.map.widget, self.legend, self.space_info])
        right = w.VBox(widgets("beside_map"))
        main = w.Box([left, right], layout={"display": "flex", "flex_flow": "column"})
        main.add_class("wb-main")
        self.widget = w.VBox([self.style, header, *widgets("top"), main, *widgets("below"),
                              self.device])
        self.widget.add_class("wb-app")

    def text(self, value: str = "") -> w.HTML:
        """An HTML widget that never moves or hides (a heading, a note, a message line): all
        such share the page's one layout and style, two models fewer each in the kernel
        and the browser."""
        if self._text_looks is None:
            self._text_looks = (w.Layout(), HTMLStyle())
        layout, style = self._text_looks
        return w.HTML(value, layout=layout, style=style)

    def section(self, name: str):
        """The section called ``name`` (``PagePart.NAME``), or None if no domain gave it."""
        return self._by_name.get(name)

    def open_section(self, name: str):
        """Open a folded section (built the first time) as a tap on its heading does; the
        section, or None if no domain gave it."""
        if name in self.folds:
            self.folds[name].open()
        return self.section(name)

    def __getattr__(self, name: str):
        # only called for names the shell lacks (see the class's doc)
        state = self.__dict__
        if "session" not in state or "_by_name" not in state or name.startswith("__"):
            raise AttributeError(name)
        if hasattr(self.session, name):
            return getattr(self.session, name)
        if name in self._by_name:
            return self.open_section(name)
        for part in self.parts:
            if hasattr(part, name):
                self.open_section(part.NAME)
                return getattr(part, name)
        # a widget of a section still folded: made when the section opens
        for part in self.parts:
            if not part.built:
                self.open_section(part.NAME)
                if hasattr(part, name):
                    return getattr(part, name)
        raise AttributeError(f"the resident page has no {name!r}")

    # -- language -----------------------------------------------------------------------
    def t(self, key: str, **params) -> str:
        return i18n.t(self.lang, key, **params)

    def set_language(self, lang: str) -> None:
        self.session.lang = lang
        if self.language.value != lang:
            self.language.value = lang
        t = self.t
        self.language.description = ""
        name = self.community.name.get(lang, self.community.id)
        self.title.value = (
            f"<h1>{esc(name)}</h1><p class='wb-sub'>{esc(t('app.subtitle'))}</p>"
            + document_note(lang, t("app.document_title", community=name))
            + name_note("wb-map", t("map.name"), role="region")
            + name_note("wb-language", t("app.language"), role="group")
            # the large-text switch is the browser's alone (the template's script keeps it)
            + f"<button type='button' class='wb-large-toggle' aria-pressed='false'>"
              f"{esc(t('app.large_text'))}</button>")
        self.hint.value = f"<span class='wb-hint'>{esc(t('map.hint'))}</span>"
        self.map.set_language(lang)
        self.render_legend()
        for part in self.parts:
            if part.built:
                part.render()
        for fold in self.folds.values():
            fold.render()
        if self.selected_space:
            self.show_space(self.selected_space)

    def _on_language(self, change) -> None:
        if change["new"] in i18n.LANGUAGES and change["new"] != self.lang:
            self.set_language(change["new"])

    # -- the map's public spaces ----------------------------------------------------------
    def _on_space_click(self, event=None, feature=None, properties=None, **_) -> None:
        space_id = (properties or {}).get("id")
        if space_id in self.community.public_spaces:
            self.show_space(space_id)

    def show_space(self, space_id: str) -> None:
        """What a public space is, below the map (a tap on it, or chosen in a form)."""
        self.selected_space = space_id
        p = self.community.public_spaces[space_id]["properties"]
        kind = self.community.kinds.get(p["kind"], {})
        lines = [f"<b>{esc(p.get(f'name_{self.lang}'))}</b>",
                 f"{esc(self.t('space.kind'))}: {esc(kind.get(self.lang, p['kind']))}"]
        if p.get("area_m2"):
            lines.append(f"{esc(self.t('space.area'))}: {int(p['area_m2']):,} m²")
        if p.get("opening_hours"):
            lines.append(f"{esc(self.t('space.hours'))}: {esc(p['opening_hours'])}")
        if p.get(f"description_{self.lang}"):
            lines.append(esc(p[f"description_{self.lang}"]))
        self.space_info.value = "<br>".join(lines)
        self.space_info.layout.display = None

    # -- reading and failing --------------------------------------------------------------
    def refresh(self) -> None:
        """Read the store again: every section redraws what it shows, and the map too."""
        for part in self.parts:
            part.refresh()  # a folded section reads only what the map shows
        for fold in self.folds.values():
            fold.render()
        self.render_legend()

    def render_legend(self) -> None:
        """The legend, and the map's public spaces and proposals as a list that opens below
        it (one widget for both: the kernel keeps fewer)."""
        lang, t = self.lang, self.t
        spaces = self.community.public_spaces
        kinds = self.community.kinds

        def space_line(p: dict) -> str:
            kind = kinds.get(p["kind"], {}).get(lang, p["kind"])
            return f"<li>{esc(p.get(f'name_{lang}'))} · {esc(kind)}</li>"

        listed = self.section("proposal_list")
        proposals = []
        for row in (listed.rows if listed is not None else []):
            if row.get("hidden_reason"):
                continue  # off the map too
            space = spaces.get(row.get("public_space_id") or "")
            where = (f" · {esc(t('list.at', place=space['properties'][f'name_{lang}']))}"
                     if space else "")
            proposals.append(f"<li>{esc(row['title'])}{where}</li>")
        self.legend.value = self.map.legend_html() + (
            f"<details class='wb-map-list'><summary>{esc(t('map.as_list'))}</summary>"
            f"<h3>{esc(t('form.space'))}</h3>"
            f"<ul>{''.join(space_line(f['properties']) for f in spaces.values())}</ul>"
            f"<h3>{esc(t('map.proposals'))}</h3>"
            f"<ul>{''.join(proposals) or '<li>' + esc(t('list.empty')) + '</li>'}</ul>"
            "</details>")

    def show_unexpected(self) -> None:
        """A callback failed (logged on the server, never shown): tell the resident."""
        for part in self.parts:
            if part.built:
                part.show_unexpected()

    # -- entry points -------------------------------------------------------------------
    @classmethod
    def from_settings(cls, lang: str | None = None) -> "ResidentApp":
        keep_output_off_the_wire()
        store = Store()
        community = current_community(settings.get("layers_dir"), store)
        return cls(community, store, lang=lang or settings.get("default_language"),
                   basemap=settings.get("basemap"))

    def start_on_request(self, query_string: Callable[[], str]) -> w.Widget:
        """The page, handed out at once, and started (:meth:`start`) with the link
        ``query_string()`` gives when it gives it.

        A preheated kernel learns its resident's link only when the resident asks for the
        page; had the notebook waited for it, Voilà would send the page's end only after the
        kernel had heard of the request and started the page (about a second on a busy
        server, before the browser could even fetch its scripts). Here the notebook ends at
        once, so the whole page is ready to go when it is asked for; a thread waits for the
        link and the kernel's own loop starts the page with it, long before the browser,
        still loading its scripts, asks for the widgets. Without a preheated kernel (or a
        loop to hand over to) the link is known now and the page starts now."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is None or not preheated():
            return self.start(query_string())

        def wait_for_the_request() -> None:
            query = query_string()
            loop.call_soon_threadsafe(self.safe(self.start), query)

        threading.Thread(target=wait_for_the_request, name="wb-request", daemon=True).start()
        return self.widget

    def start(self, query_string: str | None = None) -> w.Widget:
        """Called when a resident's request reaches the (maybe preheated) kernel: take the
        language from the link, read the newest proposals, take the participation code from
        a slip's QR link (``?code=``), let the sections read the rest of the link (a
        workshop's ``?workshop=``), and hand out the page."""
        lang = i18n.language_from_query(query_string, settings.get("default_language"))
        # public spaces a planner edited since this (preheated) kernel was built
        spaces_changed = refresh_spaces(self.community, self.store)
        if spaces_changed:
            self.map.show_spaces()
        if lang != self.lang or spaces_changed:
            self.set_language(lang)
        self.refresh()
        query = parse_qs(query_string or "")
        code = query.get("code")
        if code:
            self.session.use_code(code[0])
        for part in self.parts:
            part.start(query)
        self.widget.add_class(STARTED)
        give_back_freed_memory()
        return self.widget
