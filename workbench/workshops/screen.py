"""The workshop's projected screen: a join panel (QR code, short link, how many joined), a
live map of the proposals made at the workshop, live counts by scenario, dot-voting bars, a
big timer, and the facilitator's controls.

Laid out for 1920 × 1080 and read from the back of a meeting room: no scrolling, body text at
least 28 px (everything is sized in units of ``--u``, one pixel at 1920 × 1080, so a smaller
projector shows the same picture smaller), dark text on white, Chinese and English. The style
is ``screen.css`` beside this module.

Only a page whose link carries the workshop's facilitator token gets the controls; without it
(or with a wrong one, or for an unknown or ended workshop) the page shows a bilingual panel
and the control widgets are never made, so no client of the kernel can press them.

Live updates: an asyncio task on the kernel's event loop asks the store for news every
:data:`workbench.workshops.rules.SCREEN_POLL_SECONDS` and sets widget values only when something
changed. A failing poll is logged once and retried; the task stops when the workshop ends,
the screen's widget is closed or the kernel exits.

The parts, each in its own module: the request and its token (:mod:`.screen_request`), the
join panel (:mod:`.screen_join`), the live map (:mod:`.screen_map`), the counts
(:mod:`.screen_counts`), the dot-voting bars (:mod:`.screen_dots`), the timer
(:mod:`.screen_timer`) and the facilitator's controls (:mod:`.screen_controls`).
"""

from __future__ import annotations

import asyncio
import atexit
import time

import ipywidgets as w

from workbench import i18n, settings
from workbench.assets import style_tag
from workbench.layers.current import current_community
from workbench.escaping import esc
from workbench.page.safety import guarded, keep_output_off_the_wire, server_log
from workbench.participation.slips import page_url
from workbench.store import Store
from workbench.workshops.rules import SCREEN_POLL_SECONDS, links
from workbench.workshops.screen_controls import FacilitatorControls, set_value
from workbench.workshops.screen_counts import counts_html
from workbench.workshops.screen_dots import result_tally, round_html
from workbench.workshops.screen_join import join_html, joined_html
from workbench.workshops.screen_map import base_map, dots_svg, latest_html, map_heading_html
from workbench.workshops.screen_request import denied_html, parse_request, refusal
from workbench.workshops.screen_timer import as_utc, seconds_left, timer_html

__all__ = ["WorkshopScreen", "parse_request", "CSS"]

#: every so many polls the screen reads all the workshop's proposals again (a proposal the
#: moderator hid meanwhile leaves the map)
FULL_RELOAD_POLLS = 15
#: the screen's style, on the page as the first widget
CSS = style_tag("workbench.workshops", "screen.css")


class WorkshopScreen(FacilitatorControls):
    """The projected screen of one workshop (``.widget``)."""

    def __init__(self, community, store: Store, lang: str = "zh",
                 resident_base: str | None = None):
        self.community = community
        self.store = store
        self.lang = lang if lang in i18n.LANGUAGES else "zh"
        self.resident_base = resident_base or page_url()
        self.log = server_log()
        self.workshop: dict | None = None
        self.authorised = False
        self.state = "waiting"  # waiting | open | denied | ended
        self.proposals: list[dict] = []
        self.last_id = 0
        self.seen_at: dict[int, float] = {}
        self.joined = 0
        self.counts: dict = {"proposals": {}, "supports": 0, "survey_answers": 0}
        self.shown_round: dict | None = None
        self.tally: dict[int, int] = {}
        self.picking = False
        self.confirm_end = False
        self.message: tuple[str, dict, bool] | None = None
        self.record: dict | None = None
        self.polls = 0
        self._task: asyncio.Task | None = None
        self._stopped = False
        self._poll_failing = False
        # the base map (community layers) is the same for every workshop: drawn once, here,
        # before anyone asks for the page (a preheated kernel)
        self._projection, self._base_svg = base_map(community, self.lang)
        self.style = w.HTML(CSS)
        self.root = w.VBox()
        self.root.add_class("wb-screen")
        self.widget = w.VBox([self.style, self.root])
        self.widget.add_class("wb-screen-page")

    # -- entry points -----------------------------------------------------------------------
    @classmethod
    def from_settings(cls) -> "WorkshopScreen":
        """Everything that does not depend on the request: imports, layers, database, map.
        Runs in a preheated kernel before the facilitator opens the page."""
        keep_output_off_the_wire()
        store = Store()
        return cls(current_community(settings.get("layers_dir"), store), store,
                   lang=settings.get("default_language"))

    @classmethod
    def from_request(cls, query_string: str | None, community=None,
                     store: Store | None = None) -> "WorkshopScreen":
        """A screen for the page's link (``?workshop=<id>&token=<token>&lang=``)."""
        if community is None and store is None:
            screen = cls.from_settings()
        else:
            store = store or Store()
            screen = cls(community or current_community(settings.get("layers_dir"), store),
                         store)
        screen.start(query_string)
        return screen

    def start(self, query_string: str | None = None) -> w.Widget:
        """Take the request: check the workshop and the token, then show the screen (with
        the controls and live updates) or a bilingual panel. Never raises."""
        try:
            request = parse_request(query_string)
            self.lang = request["lang"]
            workshop = (self.store.workshop(request["workshop"])
                        if request["workshop"] is not None else None)
            reason = refusal(workshop, self.community.id, request["token"])
            if reason is not None:
                self._deny(reason, workshop if reason != "unknown" else None)
            else:
                self.workshop = workshop
                self.authorised = True
                self.state = "open"
                self._build()
                self.poll_once()
                self.start_polling()
        except Exception:
            self.log.exception("the workshop screen could not start")
            self.authorised = False
            self._deny("error")
        return self.widget

    def _deny(self, reason: str, workshop: dict | None = None) -> None:
        """A bilingual panel, no controls (the control widgets are never made)."""
        self.state = "denied"
        self.authorised = False
        panel = w.HTML(denied_html(reason, workshop, self.resident_base))
        panel.add_class("wb-denied-panel")
        self.root.children = [panel]

    # -- building the screen ------------------------------------------------------------------
    def _build(self) -> None:
        safe = guarded(self.show_failure)
        self.title_html = w.HTML()
        self.title_html.add_class("wb-s-title")
        self.timer_html = w.HTML()
        self.timer_html.add_class("wb-timer-box")
        self.language = w.ToggleButtons(options=[(i18n.LANGUAGE_NAMES[c], c)
                                                 for c in i18n.LANGUAGES], value=self.lang)
        self.language.add_class("wb-lang")
        self.language.observe(safe(self._on_language), names="value")
        header = w.HBox([self.title_html, self.timer_html, self.language])
        header.add_class("wb-s-header")

        self.join_html = w.HTML()
        self.join_html.add_class("wb-join")
        self.joined_html = w.HTML()
        self.joined_html.add_class("wb-joined-box")
        join = w.VBox([self.join_html, self.joined_html])
        join.add_class("wb-col")
        join.add_class("wb-col-join")

        self.map_heading = w.HTML()
        self.map_base = w.HTML(self._base_svg)
        self.map_base.add_class("wb-map-base")
        self.map_dots = w.HTML()
        self.map_dots.add_class("wb-map-dots")
        map_box = w.Box([self.map_base, self.map_dots])
        map_box.add_class("wb-map-box")
        self.latest_html = w.HTML()
        self.latest_html.add_class("wb-latest")
        self.map_column = w.VBox([self.map_heading, map_box, self.latest_html])
        self.map_column.add_class("wb-col")
        self.map_column.add_class("wb-col-map")

        self.counts_html = w.HTML()
        self.counts_html.add_class("wb-counts")
        self.round_html = w.HTML()
        self.round_html.add_class("wb-round")
        self.side = w.VBox()
        self.side.add_class("wb-col")
        self.side.add_class("wb-col-side")
        main = w.HBox([join, self.map_column, self.side])
        main.add_class("wb-s-main")

        self.build_controls(safe)
        self.header = header
        self.main = main
        self.root.children = [header, main, self.controls]
        self.render()

    # -- language -----------------------------------------------------------------------------
    def t(self, key: str, **params) -> str:
        return i18n.t(self.lang, key, **params)

    def _on_language(self, change) -> None:
        if change["new"] in i18n.LANGUAGES and change["new"] != self.lang:
            self.set_language(change["new"])

    def set_language(self, lang: str) -> None:
        self.lang = lang
        if self.state == "open":
            if self.language.value != lang:
                self.language.value = lang
            self.render()
            if self.picking:
                self.fill_choices()
        elif self.state == "ended":
            self.show_ended()

    # -- rendering ----------------------------------------------------------------------------
    def render(self) -> None:
        """Every part of the screen from what the screen knows (no database reads)."""
        if self.state != "open":
            return
        name = self.community.name.get(self.lang, self.community.id)
        set_value(self.title_html, (
            f"<h1>{esc(self.workshop['title'])}</h1>"
            f"<div class='wb-s-sub'>{esc(name)} · {esc(self.t('workshop.screen'))}</div>"))
        self.render_timer()
        link = self.resident_link()
        set_value(self.join_html, join_html(link, self.lang))
        set_value(self.joined_html, joined_html(self.joined, self.lang))
        self._render_map()
        self._render_side()
        self.render_controls()

    def timer_seconds(self) -> int | None:
        """Seconds left on the timer (0 once it has run out), None when it is not running."""
        return seconds_left(self.workshop.get("timer_ends_at")) if self.workshop else None

    def render_timer(self) -> None:
        set_value(self.timer_html, timer_html(self.timer_seconds(), self.lang))

    def resident_link(self) -> str:
        return links(self.resident_base, "", self.workshop["id"])["resident"]

    def _render_map(self) -> None:
        set_value(self.map_dots, dots_svg(self.proposals, self._projection, self.seen_at))
        set_value(self.map_heading, map_heading_html(len(self.proposals), self.lang))
        set_value(self.latest_html, latest_html(self.proposals, self.lang))

    def _render_side(self) -> None:
        if self.picking:
            panel = self.picker
        elif self.shown_round is not None:
            set_value(self.round_html, round_html(self.shown_round, self.tally, self.lang))
            panel = self.round_html
        else:
            set_value(self.counts_html, counts_html(
                self.counts, as_utc(self.workshop["started_at"]), self.lang))
            panel = self.counts_html
        if tuple(self.side.children) != (panel,):
            self.side.children = [panel]

    def show_ended(self) -> None:
        """What the room sees at the end: the summary and the final map. No controls."""
        record = self.record or {}
        summary = self.t("workshop.ended_summary", joined=record.get("joined", self.joined),
                         proposals=len(record.get("proposals", self.proposals)),
                         rounds=len(record.get("rounds", [])))
        panel = w.HTML(
            f"<div class='wb-panel wb-ended' role='status'>"
            f"<h1>{esc(self.t('workshop.ended_heading'))}</h1>"
            f"<h2>{esc((self.workshop or {}).get('title', ''))}</h2><p>{esc(summary)}</p></div>")
        children = [panel]
        if hasattr(self, "map_column"):
            self._render_map()
            self.map_column.add_class("wb-ended-map")
            children.append(self.map_column)
        self.root.children = children

    # -- live updates -------------------------------------------------------------------------
    def poll_once(self) -> bool:
        """Read what changed and update the screen; False once there is nothing more to
        watch (the workshop ended)."""
        if self.state != "open":
            return False
        self.polls += 1
        workshop = self.store.workshop(self.workshop["id"])
        if workshop is None or workshop["status"] != "open":
            self.workshop = workshop or self.workshop
            self.record = (workshop or {}).get("record")
            self.state = "ended"
            self.show_ended()
            return False
        self.workshop = workshop
        self.joined = self.store.joined_count(workshop["id"])
        if self.polls % FULL_RELOAD_POLLS == 0:
            rows = self.store.workshop_proposals(workshop["id"])
        else:
            rows = self.proposals + self.store.workshop_proposals(workshop["id"],
                                                                  after_id=self.last_id)
        now = time.monotonic()
        for p in rows:
            self.seen_at.setdefault(p["id"], now)
        self.proposals = rows
        self.last_id = max([self.last_id] + [p["id"] for p in rows])
        self.counts = self.store.live_counts(self.community.id, workshop["started_at"])
        current = self.store.open_round_of(workshop["id"])
        if current is not None and (self.shown_round is None
                                    or self.shown_round["id"] != current["id"]
                                    or self.shown_round["status"] != "open"):
            self.shown_round = current
        elif current is None and self.shown_round is not None \
                and self.shown_round["status"] == "open":
            self.shown_round = self.store.dot_round(self.shown_round["id"])  # closed meanwhile
        if self.shown_round is not None:
            saved = (result_tally(self.shown_round) if self.shown_round["status"] != "open"
                     else None)
            self.tally = (saved if saved is not None
                          else self.store.dot_tally(self.shown_round["id"]))
        self.render()
        return True

    def start_polling(self) -> bool:
        """Poll on the kernel's running event loop; False where none runs (tests, scripts:
        they call :meth:`poll_once`)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return False
        if self._task is None:
            self._task = loop.create_task(self._poll_forever())
            atexit.register(self.stop)
        return True

    async def _poll_forever(self) -> None:
        while not self._stopped:
            await asyncio.sleep(SCREEN_POLL_SECONDS)
            if self._stopped or self.widget.comm is None:  # closed: nobody to show it to
                break
            try:
                if not self.poll_once():
                    break
                if self._poll_failing:
                    self.log.info("workshop screen: the store answers again")
                self._poll_failing = False
            except Exception:  # noqa: BLE001 - the screen must outlive a busy database
                if not self._poll_failing:
                    self.log.exception("workshop screen: polling failed; retrying quietly")
                self._poll_failing = True
        self._task = None

    def stop(self) -> None:
        """Stop the live updates (the kernel is going away, or the page is done)."""
        self._stopped = True
        task, self._task = self._task, None
        if task is not None and not task.done():
            try:
                task.cancel()
            except RuntimeError:  # its loop has closed already
                pass
