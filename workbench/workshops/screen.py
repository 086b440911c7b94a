"""The workshop's projected screen: a join panel (QR code, short link, how many joined), a
live map of the proposals made at the workshop, live counts by scenario, dot-voting bars, a
big timer, and the facilitator's controls.

Laid out for 1920 × 1080 and read from the back of a meeting room: no scrolling, body text at
least 28 px (everything is sized in units of ``--u``, one pixel at 1920 × 1080, so a smaller
projector shows the same picture smaller), dark text on white, Chinese and English.

Only a page whose link carries the workshop's facilitator token gets the controls; without it
(or with a wrong one, or for an unknown or ended workshop) the page shows a bilingual panel
and the control widgets are never made, so no client of the kernel can press them.

Live updates: an asyncio task on the kernel's event loop asks the store for news every
:data:`workbench.workshops.rules.SCREEN_POLL_SECONDS` and sets widget values only when something
changed. A failing poll is logged once and retried; the task stops when the workshop ends,
the screen's widget is closed or the kernel exits.

The map is the community's own layers as SVG (the agenda report's drawing), with the
proposals as numbered dots in a second, small SVG laid over it: a new proposal costs one short
widget update, not a map redraw, and nothing is fetched from the internet.
"""

from __future__ import annotations

import asyncio
import atexit
import re
import time
from datetime import datetime, timezone
from functools import lru_cache
from urllib.parse import parse_qs

import ipywidgets as w
import segno

from workbench import i18n, settings, vocabulary
from workbench.layers.community import load_community
from workbench.participation.slips import page_url
from workbench.geo.drawing import community_svg, marker_positions
from workbench.geo.projection import PixelProjection, bounds_around
from workbench.store import Store
from workbench.workshops.rules import (SCREEN_POLL_SECONDS, SHORTLIST_MAX, WorkshopInvalid, close_round,
                        end_workshop, links, open_round, shortlist_candidates, token_matches)
from workbench.page.safety import esc, guarded, keep_output_off_the_wire, server_log

#: timer lengths offered to the facilitator, in minutes
TIMER_MINUTES = (1, 2, 3, 5, 8, 10, 15, 20, 30)
#: proposals listed under the map, newest first
LATEST_SHOWN = 3
#: a proposal counts as new (a ring pulses round its dot) this long after it appeared
NEW_SECONDS = 8.0
#: a dot round of at most this many options shows each title whole, above its bar
ROOMY_OPTIONS = 6
#: radius of a proposal's dot on the map, in the map's own units (760 across)
PIN_RADIUS = 19
#: every so many polls the screen reads all the workshop's proposals again (a proposal the
#: moderator hid meanwhile leaves the map)
FULL_RELOAD_POLLS = 15

_CSS = """
<style>
body { overflow: hidden !important; }
.wb-screen {
  --u: min(calc(100vw / 1920), calc(100vh / 1080));
  position: fixed !important; inset: 0; z-index: 1000; overflow: hidden !important;
  box-sizing: border-box; padding: 18U 28U 12U 28U; margin: 0;
  background: #ffffff; color: #111111; font-size: 28U; line-height: 1.3;
  font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei",
    "PingFang SC", sans-serif;
  display: flex !important; flex-direction: column; gap: 12U;
}
.wb-screen .widget-html, .wb-screen .widget-html-content { font-size: inherit;
  line-height: inherit; height: auto; white-space: normal; margin: 0; padding: 0;
  font-family: inherit; color: inherit; }
.wb-screen .widget-html { min-width: 0; max-width: 100%; }
.wb-screen .widget-html-content { min-width: 0; flex: 1 1 auto; overflow: hidden; }
.wb-screen .wb-col > .widget-html { width: 100%; flex: none; }
.wb-screen .widget-box { overflow: hidden; margin: 0; }
.wb-screen .widget-inline-hbox { height: auto; }
.wb-screen h1, .wb-screen h2, .wb-screen p { margin: 0; }
.wb-screen .wb-s-header { flex: none; display: flex; align-items: center; gap: 24U;
  border-bottom: 4U solid #0d3c8c; padding-bottom: 10U; }
.wb-screen .wb-s-header > .widget-html:first-child { flex: 1 1 auto; min-width: 0; }
.wb-screen .wb-s-title h1 { font-size: 46U; line-height: 1.15; font-weight: 800;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.wb-screen .wb-s-sub { font-size: 28U; color: #333; }
.wb-screen .wb-timer { font-family: "DejaVu Sans Mono", monospace; font-size: 76U;
  font-weight: 800; line-height: 1; padding: 6U 18U; border-radius: 12U; min-width: 300U;
  text-align: center; }
.wb-screen .wb-timer:empty { display: none; }
.wb-screen .wb-timer.wb-running { background: #0d3c8c; color: #fff; }
.wb-screen .wb-timer-up { background: #b00020; color: #fff; padding: 6U 18U;
  border-radius: 12U; display: inline-block; animation: wb-blink 1s steps(2) infinite; }
.wb-screen .wb-timer small { font-size: 28U; font-weight: 600; margin-right: 10U;
  font-family: inherit; }
@keyframes wb-blink { 50% { opacity: 0.55; } }
.wb-screen .wb-lang .widget-toggle-button, .wb-screen .wb-controls button,
.wb-screen .wb-picker button { font-size: 22U; height: 48U; padding: 0 14U; }
.wb-screen .wb-lang .widget-toggle-button { width: 110U; }
.wb-screen .wb-s-main { flex: 1 1 auto; min-height: 0; display: flex !important; gap: 26U; }
.wb-screen .wb-col { min-height: 0; display: flex !important; flex-direction: column;
  gap: 10U; }
.wb-screen .wb-col-join { flex: 0 0 420U; }
.wb-screen .wb-col-map { flex: 1 1 auto; min-width: 0; }
.wb-screen .wb-col-side { flex: 0 0 700U; }
.wb-screen .wb-panel-h { font-size: 34U; font-weight: 800; color: #0d3c8c; }
.wb-screen .wb-panel-h .wb-n { color: #111; }
.wb-screen .wb-qr svg { width: 400U; height: 400U; display: block; margin: 6U 0; }
.wb-screen .wb-url { font-family: "DejaVu Sans Mono", monospace; font-size: 28U;
  font-weight: 700; overflow-wrap: anywhere; background: #f2f2f2; padding: 6U 10U;
  border-radius: 8U; }
.wb-screen .wb-joined { display: flex; align-items: baseline; gap: 14U; margin-top: 8U; }
.wb-screen .wb-joined b { font-size: 110U; line-height: 1; color: #0d3c8c; }
.wb-screen .wb-map-box { position: relative; flex: 1 1 auto; min-height: 0;
  border: 2U solid #555; border-radius: 8U; background: #fbfbf7; }
.wb-screen .wb-map-box > .widget-html { position: absolute; inset: 0; }
.wb-screen .wb-map-box .widget-html-content { width: 100%; height: 100%; }
.wb-screen .wb-map-box svg { width: 100%; height: 100%; display: block; }
.wb-screen .wb-map-base .marker, .wb-screen .wb-map-base .north { display: none; }
.wb-screen .wb-map-base .scale text { font-size: 24px; font-weight: 700; }
.wb-screen .wb-pin text { font: 800 21px sans-serif; fill: #fff; stroke: #111;
  stroke-width: 3px; paint-order: stroke; text-anchor: middle; }
.wb-screen .wb-pin circle.wb-dot { stroke: #111; stroke-width: 2.5px; }
.wb-screen .wb-pin circle.wb-ring { fill: none; stroke: #b00020; stroke-width: 4px;
  transform-box: fill-box; transform-origin: center; animation: wb-pulse 1.2s ease-out 5; }
@keyframes wb-pulse { from { transform: scale(0.7); opacity: 1; }
  to { transform: scale(2.2); opacity: 0; } }
.wb-screen .wb-latest { flex: none; }
.wb-screen .wb-latest div { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.wb-screen .wb-latest .wb-latest-h { font-weight: 800; color: #0d3c8c; }
.wb-screen .wb-num { display: inline-block; min-width: 44U; text-align: center;
  border-radius: 22U; color: #fff; font-weight: 800; margin-right: 8U; padding: 0 6U;
  text-shadow: 0 0 3px #000, 0 0 2px #000; }
.wb-screen .wb-empty { color: #333; }
.wb-screen .wb-crow { display: flex; align-items: center; gap: 12U; height: 48U; }
.wb-screen .wb-cname { flex: 0 0 250U; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }
.wb-screen .wb-cbar { flex: 1 1 auto; height: 30U; background: #ececec; border-radius: 6U;
  overflow: hidden; }
.wb-screen .wb-cbar i { display: block; height: 100%; }
.wb-screen .wb-cnum { flex: 0 0 60U; text-align: right; font-weight: 800; }
.wb-screen .wb-totals { display: flex; gap: 40U; margin-top: 16U; }
.wb-screen .wb-totals b { display: block; font-size: 72U; line-height: 1; color: #0d3c8c; }
.wb-screen .wb-round-title { font-size: 38U; font-weight: 800; line-height: 1.2;
  overflow-wrap: anywhere; }
.wb-screen .wb-round-sub { color: #222; margin-bottom: 10U; }
.wb-screen .wb-round-closed .wb-round-sub { color: #b00020; font-weight: 700; }
.wb-screen .wb-opt { display: flex; align-items: center; gap: 12U; height: 54U; }
.wb-screen .wb-opt-title { flex: 1 1 auto; min-width: 0; white-space: nowrap;
  overflow: hidden; text-overflow: ellipsis; }
.wb-screen .wb-opt-bar { flex: 0 0 220U; height: 34U; background: #ececec;
  border-radius: 6U; overflow: hidden; }
.wb-screen .wb-roomy .wb-opt { flex-wrap: wrap; height: auto; row-gap: 2U;
  margin-bottom: 12U; }
.wb-screen .wb-roomy .wb-opt-title { flex: 0 0 100%; white-space: normal;
  display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; }
.wb-screen .wb-roomy .wb-opt-bar { flex: 1 1 auto; height: 38U; }
.wb-screen .wb-round-total { font-weight: 800; font-size: 34U; color: #6a1b9a;
  margin-bottom: 8U; }
.wb-screen .wb-opt-bar i { display: block; height: 100%; background: #6a1b9a;
  transition: width 0.6s ease-out; }
.wb-screen .wb-opt-n { flex: 0 0 64U; text-align: right; font-weight: 800; font-size: 34U; }
.wb-screen .wb-opt.wb-top .wb-opt-title { font-weight: 800; }
.wb-screen .wb-controls { flex: none; display: flex !important; flex-wrap: wrap;
  align-items: center; gap: 10U; border-top: 2U solid #999; padding-top: 8U;
  font-size: 22U; }
.wb-screen .wb-controls .widget-html, .wb-screen .wb-picker .widget-html { font-size: 22U; }
.wb-screen .wb-controls select, .wb-screen .wb-picker input[type=text] { font-size: 22U;
  height: 48U; }
.wb-screen .wb-controls .widget-dropdown { width: 150U; height: 48U; }
.wb-screen .wb-ctl-label { font-weight: 800; color: #0d3c8c; }
.wb-screen .wb-ctl-msg { flex: 1 1 300U; min-width: 0; }
.wb-screen .wb-ctl-msg .wb-error { color: #b00020; font-weight: 700; }
.wb-screen .wb-picker { font-size: 22U; gap: 8U; border: 3U solid #0d3c8c;
  border-radius: 10U; padding: 10U 14U; min-height: 0; flex: 1 1 auto; }
.wb-screen .wb-picker .widget-text { width: 100%; flex-direction: column;
  align-items: stretch; height: auto; }
.wb-screen .wb-picker .widget-text .widget-label { width: auto; font-size: 22U;
  text-align: left; }
.wb-screen .wb-picker-buttons button { width: auto; min-width: 180U; }
.wb-screen .wb-picker .widget-toggle-buttons .widget-toggle-button { width: auto;
  min-width: 200U; }
.wb-screen .wb-choices { overflow-y: auto !important; flex: 1 1 auto; min-height: 0;
  border: 1px solid #bbb; padding: 4U; }
.wb-screen .wb-choices .widget-checkbox { width: 100%; height: auto; min-height: 40U; }
.wb-screen .wb-choices label { font-size: 22U; white-space: normal; overflow: visible;
  height: auto; line-height: 1.3; }
.wb-screen .wb-choices input[type=checkbox] { width: 24U; height: 24U; }
.wb-screen .wb-picker-buttons { flex: none; gap: 10U; }
.wb-screen .wb-panel { border: 4U solid #0d3c8c; border-radius: 16U; padding: 28U 36U;
  max-width: 1500U; margin: 40U auto; }
.wb-screen .wb-panel h1 { font-size: 52U; margin-bottom: 8U; }
.wb-screen .wb-panel h2 { font-size: 40U; color: #333; margin-bottom: 18U; }
.wb-screen .wb-panel p { margin: 8U 0; }
.wb-screen .wb-panel .wb-en { color: #333; }
.wb-screen .wb-panel-join { display: flex; gap: 40U; align-items: center; margin-top: 20U; }
.wb-screen .wb-panel-join svg { width: 320U; height: 320U; flex: none; }
.wb-screen .wb-ended-map { height: 560U; position: relative; }
</style>
"""
CSS = re.sub(r"(\d+)U\b", r"calc(\1 * var(--u))", _CSS)


def _u(text: str) -> str:
    return re.sub(r"(\d+)U\b", r"calc(\1 * var(--u))", text)


def _aware(value: datetime | None) -> datetime | None:
    """A datetime from the store as UTC (SQLite gives them back without a zone)."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _short(url: str) -> str:
    return re.sub(r"^https?://", "", url)


@lru_cache(maxsize=16)
def qr_svg(link: str) -> str:
    """A QR code of ``link`` as inline SVG, sized by CSS, black on white."""
    return segno.make(link, error="m").svg_inline(border=2, omitsize=True, dark="#000",
                                                  light="#fff")


def parse_request(query_string: str | None) -> dict:
    """The screen's link: ``workshop`` (int or None), ``token`` (str or None), ``lang``."""
    query = parse_qs(query_string or "")
    raw = (query.get("workshop") or [""])[0]
    token = (query.get("token") or [None])[0]
    return {"workshop": int(raw) if raw.isdigit() and len(raw) <= 9 else None,
            "token": token if isinstance(token, str) and len(token) <= 64 else None,
            "lang": i18n.language_from_query(query_string, settings.get("default_language"))}


class WorkshopScreen:
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
        self._projection = PixelProjection(bounds_around(community, []))
        self._base_svg = community_svg(community, self._projection,
                                       i18n.t(self.lang, "map.community_map"),
                                       css_class="agenda-map")
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
        return cls(load_community(settings.get("layers_dir")), Store(),
                   lang=settings.get("default_language"))

    @classmethod
    def from_request(cls, query_string: str | None, community=None,
                     store: Store | None = None) -> "WorkshopScreen":
        """A screen for the page's link (``?workshop=<id>&token=<token>&lang=``)."""
        screen = (cls.from_settings() if community is None and store is None
                  else cls(community or load_community(settings.get("layers_dir")),
                           store or Store()))
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
            if workshop is None or workshop["community_id"] != self.community.id:
                self._deny("unknown")
            elif workshop["status"] != "open":
                self._deny("closed", workshop)
            elif not token_matches(request["token"], workshop["facilitator_hash"]):
                self._deny("token", workshop)
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

    # -- panels for those who may not run the workshop -----------------------------------------
    def _deny(self, reason: str, workshop: dict | None = None) -> None:
        """A bilingual panel, no controls (the control widgets are never made)."""
        self.state = "denied"
        self.authorised = False
        key = {"unknown": "workshop.denied_unknown", "closed": "workshop.denied_closed",
               "token": "workshop.denied_token"}.get(reason, "workshop.denied_error")
        parts = ["<div class='wb-panel wb-denied' role='alert'>"]
        for lang in ("zh", "en"):
            cls = "" if lang == "zh" else " class='wb-en'"
            parts.append(f"<h1{cls}>{esc(i18n.t(lang, 'workshop.denied_heading'))}</h1>")
        if workshop is not None:
            parts.append(f"<h2>{esc(workshop['title'])}</h2>")
        for lang in ("zh", "en"):
            cls = "" if lang == "zh" else " class='wb-en'"
            parts.append(f"<p{cls}>{esc(i18n.t(lang, key))}</p>")
        if reason == "token" and workshop is not None:
            link = links(self.resident_base, "", workshop["id"])["resident"]
            parts.append(
                f"<div class='wb-panel-join'><div class='wb-qr'>{qr_svg(link)}</div><div>"
                f"<p>{esc(i18n.t('zh', 'workshop.join_heading'))} · "
                f"{esc(i18n.t('en', 'workshop.join_heading'))}</p>"
                f"<div class='wb-url'>{esc(_short(link))}</div></div></div>")
        parts.append("</div>")
        panel = w.HTML("".join(parts))
        panel.add_class("wb-denied-panel")
        self.root.children = [panel]

    # -- building the screen ------------------------------------------------------------------
    def _build(self) -> None:
        safe = guarded(self._failed)
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

        self._build_controls(safe)
        self.header = header
        self.main = main
        self.root.children = [header, main, self.controls]
        self.render()

    def _build_controls(self, safe) -> None:
        """The facilitator's controls: compact, at the bottom. Made only for a page with the
        right token."""
        self.ctl_label = w.HTML()
        self.ctl_label.add_class("wb-ctl-label")
        self.minutes = w.Dropdown(options=[(str(m), m) for m in TIMER_MINUTES], value=5)
        self.timer_start = w.Button(button_style="primary")
        self.timer_start.add_class("wb-timer-start")
        self.timer_start.on_click(safe(lambda _b: self.start_timer(self.minutes.value)))
        self.timer_stop = w.Button()
        self.timer_stop.add_class("wb-timer-stop")
        self.timer_stop.on_click(safe(lambda _b: self.stop_timer()))
        self.new_round_button = w.Button()
        self.new_round_button.add_class("wb-new-round")
        self.new_round_button.on_click(safe(lambda _b: self.open_picker()))
        self.close_round_button = w.Button(button_style="warning")
        self.close_round_button.add_class("wb-close-round")
        self.close_round_button.on_click(safe(lambda _b: self.close_current_round()))
        self.show_counts_button = w.Button()
        self.show_counts_button.add_class("wb-show-counts")
        self.show_counts_button.on_click(safe(lambda _b: self.show_counts()))
        self.end_button = w.Button(button_style="danger")
        self.end_button.add_class("wb-end")
        self.end_button.on_click(safe(lambda _b: self.end()))
        self.ctl_message = w.HTML()
        self.ctl_message.add_class("wb-ctl-msg")
        for b in (self.timer_start, self.timer_stop, self.new_round_button,
                  self.close_round_button, self.show_counts_button, self.end_button):
            b.layout.width = "auto"
        self.controls = w.HBox([self.ctl_label, self.minutes, self.timer_start, self.timer_stop,
                                self.new_round_button, self.close_round_button,
                                self.show_counts_button, self.end_button, self.ctl_message])
        self.controls.add_class("wb-controls")

        # the shortlist picker, shown in the side column while the facilitator picks
        self.picker_heading = w.HTML()
        self.source = w.ToggleButtons(options=[("item", "item"), ("proposal", "proposal")],
                                      value="item")
        self.source.observe(safe(lambda _c: self.picking and self._fill_choices()),
                            names="value")
        self.round_title = w.Text(continuous_update=False, style={"description_width": "auto"})
        self.round_title.add_class("wb-round-title-input")
        self.choices = w.VBox()
        self.choices.add_class("wb-choices")
        self.pick_status = w.HTML()
        self.open_round_button = w.Button(button_style="primary")
        self.open_round_button.add_class("wb-open-round")
        self.open_round_button.on_click(safe(lambda _b: self.open_round_from_picker()))
        self.cancel_button = w.Button()
        self.cancel_button.add_class("wb-cancel-round")
        self.cancel_button.on_click(safe(lambda _b: self.close_picker()))
        buttons = w.HBox([self.open_round_button, self.cancel_button])
        buttons.add_class("wb-picker-buttons")
        self.picker = w.VBox([self.picker_heading, self.source, self.round_title, self.choices,
                              self.pick_status, buttons])
        self.picker.add_class("wb-picker")
        self._checks: dict[tuple[str, int], w.Checkbox] = {}
        self._candidates: list[dict] = []

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
                self._fill_choices()
        elif self.state == "ended":
            self._show_ended()

    # -- rendering ----------------------------------------------------------------------------
    @staticmethod
    def _set(widget: w.Widget, value) -> None:
        if widget.value != value:
            widget.value = value

    def render(self) -> None:
        """Every part of the screen from what the screen knows (no database reads)."""
        if self.state != "open":
            return
        self._render_header()
        self._render_timer()
        self._render_join()
        self._render_map()
        self._render_side()
        self._render_controls()

    def _render_header(self) -> None:
        name = self.community.name.get(self.lang, self.community.id)
        self._set(self.title_html, _u(
            f"<h1>{esc(self.workshop['title'])}</h1>"
            f"<div class='wb-s-sub'>{esc(name)} · {esc(self.t('workshop.screen'))}</div>"))

    def timer_seconds(self) -> int | None:
        """Seconds left on the timer (0 once it has run out), None when it is not running."""
        ends = _aware(self.workshop.get("timer_ends_at")) if self.workshop else None
        if ends is None:
            return None
        return max(0, int((ends - datetime.now(timezone.utc)).total_seconds() + 0.999))

    def _render_timer(self) -> None:
        left = self.timer_seconds()
        if left is None:
            html = ""
        elif left == 0:
            html = (f"<div class='wb-timer' role='timer'><span class='wb-timer-up'>"
                    f"{esc(self.t('workshop.timer_up'))}</span></div>")
        else:
            html = (f"<div class='wb-timer wb-running' role='timer' data-seconds='{left}'>"
                    f"{left // 60:02d}:{left % 60:02d}</div>")
        self._set(self.timer_html, html)

    def _render_join(self) -> None:
        link = self.resident_link()
        self._set(self.join_html, (
            f"<div class='wb-panel-h'>{esc(self.t('workshop.join_heading'))}</div>"
            f"<div class='wb-qr' aria-label='QR'>{qr_svg(link)}</div>"
            f"<div>{esc(self.t('workshop.join_or_open'))}</div>"
            f"<div class='wb-url'>{esc(_short(link))}</div>"))
        self._set(self.joined_html, (
            f"<div class='wb-joined' data-joined='{self.joined}'><b>{self.joined}</b>"
            f"<span>{esc(self.t('workshop.joined'))}</span></div>"))

    def resident_link(self) -> str:
        return links(self.resident_base, "", self.workshop["id"])["resident"]

    def _render_map(self) -> None:
        colours = {s["code"]: s["color"] for s in vocabulary.scenarios()}
        proj = self._projection
        now = time.monotonic()
        numbered = [dict(p, number=n) for n, p in enumerate(self.proposals, start=1)
                    if p.get("lon") is not None and p.get("lat") is not None]
        pins = []
        for p, _x, _y, mx, my in marker_positions(numbered, proj, gap=2 * PIN_RADIUS + 4):
            new = now - self.seen_at.get(p["id"], 0) < NEW_SECONDS
            ring = (f"<circle class='wb-ring' cx='{mx:.1f}' cy='{my:.1f}' r='{PIN_RADIUS}'/>"
                    if new else "")
            pins.append(
                f"<g class='wb-pin{' wb-new' if new else ''}' data-proposal='{p['id']}'>"
                f"<title>{p['number']}. {esc(p['title'])}</title>{ring}"
                f"<circle class='wb-dot' cx='{mx:.1f}' cy='{my:.1f}' r='{PIN_RADIUS}' "
                f"fill='{colours.get(p['scenario'], '#333333')}'/>"
                f"<text x='{mx:.1f}' y='{my + 7:.1f}'>{p['number']}</text></g>")
        self._set(self.map_dots, (
            f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {proj.width:.0f} "
            f"{proj.height:.0f}' role='img'>{''.join(pins)}</svg>"))
        self._set(self.map_heading, (
            f"<div class='wb-panel-h'>{esc(self.t('workshop.map_heading'))} · "
            f"<span class='wb-n' data-proposals='{len(self.proposals)}'>{len(self.proposals)}"
            "</span></div>"))
        if not self.proposals:
            latest = f"<div class='wb-empty'>{esc(self.t('workshop.map_empty'))}</div>"
        else:
            rows = []
            for n in range(len(self.proposals), max(0, len(self.proposals) - LATEST_SHOWN), -1):
                p = self.proposals[n - 1]
                colour = colours.get(p["scenario"], "#333333")
                rows.append(f"<div><span class='wb-num' style='background:{colour}'>{n}</span>"
                            f"{esc(p['title'])} · "
                            f"{esc(vocabulary.scenario_label(p['scenario'], self.lang))}</div>")
            latest = "".join(rows)
        self._set(self.latest_html, latest)

    def _render_side(self) -> None:
        if self.picking:
            panel = self.picker
        elif self.shown_round is not None:
            self._render_round()
            panel = self.round_html
        else:
            self._render_counts()
            panel = self.counts_html
        if tuple(self.side.children) != (panel,):
            self.side.children = [panel]

    def _render_counts(self) -> None:
        by_scenario = self.counts.get("proposals", {})
        most = max(by_scenario.values(), default=0) or 1
        started = _aware(self.workshop["started_at"])
        rows = []
        for s in vocabulary.scenarios():
            n = int(by_scenario.get(s["code"], 0))
            rows.append(
                f"<div class='wb-crow' data-scenario='{s['code']}' data-count='{n}'>"
                f"<span class='wb-cname'>{esc(s[self.lang])}</span>"
                f"<span class='wb-cbar'><i style='width:{100 * n / most:.0f}%;"
                f"background:{s['color']}'></i></span><b class='wb-cnum'>{n}</b></div>")
        total = sum(int(v) for v in by_scenario.values())
        clock = started.astimezone().strftime("%H:%M") if started else "--:--"
        self._set(self.counts_html, (
            f"<div class='wb-panel-h'>{esc(self.t('workshop.counts_heading', time=clock))}</div>"
            f"<div class='wb-cproposals'>{esc(self.t('workshop.counts_proposals'))} · "
            f"<b data-count='{total}'>{total}</b></div>{''.join(rows)}"
            "<div class='wb-totals'>"
            f"<div class='wb-supports' data-count='{self.counts.get('supports', 0)}'>"
            f"<b>{self.counts.get('supports', 0)}</b>{esc(self.t('workshop.counts_supports'))}"
            "</div>"
            f"<div class='wb-answers' data-count='{self.counts.get('survey_answers', 0)}'>"
            f"<b>{self.counts.get('survey_answers', 0)}</b>"
            f"{esc(self.t('workshop.counts_answers'))}</div></div>"))

    def _render_round(self) -> None:
        r = self.shown_round
        tally = self.tally
        total = sum(tally.values())
        most = max(tally.values(), default=0)
        closed = r["status"] != "open"
        sub = (self.t("workshop.round_closed", total=total) if closed
               else self.t("workshop.round_explain", dots=r["dots_per_person"]))
        running = ("" if closed else f"<div class='wb-round-total'>"
                   f"{esc(self.t('workshop.round_total', total=total))}</div>")
        rows = []
        for k, option in enumerate(r["options"]):
            n = int(tally.get(k, 0))
            width = 100 * n / most if most else 0
            top = " wb-top" if most and n == most else ""
            rows.append(
                f"<div class='wb-opt{top}' data-option='{k}' data-dots='{n}'>"
                f"<span class='wb-opt-title'><b>{k + 1}.</b> {esc(option['title'])}</span>"
                f"<span class='wb-opt-bar'><i style='width:{width:.0f}%'></i></span>"
                f"<b class='wb-opt-n'>{n}</b></div>")
        # up to ROOMY_OPTIONS options, each title gets its own line (two at most) above its
        # bar; a longer shortlist takes one line per option
        roomy = " wb-roomy" if len(r["options"]) <= ROOMY_OPTIONS else ""
        self._set(self.round_html, (
            f"<div class='{'wb-round-closed' if closed else 'wb-round-open'}{roomy}' "
            f"data-round='{r['id']}' data-total='{total}'>"
            f"<div class='wb-panel-h'>{esc(self.t('workshop.round_heading'))}</div>"
            f"<div class='wb-round-title'>{esc(r['title'])}</div>"
            f"<div class='wb-round-sub'>{esc(sub)}</div>{running}{''.join(rows)}</div>"))

    def _render_controls(self) -> None:
        t = self.t
        self.ctl_label.value = esc(t("workshop.ctl.heading"))
        options = [(t("workshop.ctl.minutes", minutes=m), m) for m in TIMER_MINUTES]
        if list(self.minutes.options) != options:
            chosen = self.minutes.value
            self.minutes.options = options
            self.minutes.value = chosen if chosen in TIMER_MINUTES else 5
        self.timer_start.description = t("workshop.ctl.start_timer")
        self.timer_stop.description = t("workshop.ctl.stop_timer")
        self.timer_stop.disabled = self.workshop.get("timer_ends_at") is None
        open_now = self.shown_round is not None and self.shown_round["status"] == "open"
        self.new_round_button.description = t("workshop.ctl.new_round")
        self.new_round_button.disabled = self.picking
        self.close_round_button.description = t("workshop.ctl.close_round")
        self.close_round_button.layout.display = None if open_now else "none"
        self.show_counts_button.description = t("workshop.ctl.show_counts")
        self.show_counts_button.layout.display = (
            None if self.shown_round is not None and not open_now and not self.picking
            else "none")
        self.end_button.description = t("workshop.ctl.end_confirm" if self.confirm_end
                                        else "workshop.ctl.end")
        if self.message:
            key, params, ok = self.message
            css = "wb-ok" if ok else "wb-error"
            self._set(self.ctl_message, f"<span class='{css}'>{esc(t(key, **params))}</span>")
        else:
            self._set(self.ctl_message, "")
        self.picker_heading.value = (
            f"<div class='wb-panel-h'>{esc(t('workshop.ctl.new_round'))}</div>")
        source_options = [(t("workshop.ctl.source_item"), "item"),
                          (t("workshop.ctl.source_proposal"), "proposal")]
        if list(self.source.options) != source_options:
            chosen = self.source.value or "item"
            self.source.options = source_options
            self.source.value = chosen
        self.round_title.description = t("workshop.ctl.round_title")
        self.round_title.placeholder = t("workshop.ctl.round_title_default")
        self.open_round_button.description = t("workshop.ctl.open_round")
        self.cancel_button.description = t("workshop.ctl.cancel")
        self._render_pick_status()

    def _render_pick_status(self) -> None:
        if not self._candidates:
            text = self.t("workshop.ctl.no_candidates")
        else:
            text = self.t("workshop.ctl.pick", min=2, max=SHORTLIST_MAX,
                          count=len(self.picked()))
        self.pick_status.value = esc(text)

    def _say(self, key: str, ok: bool = True, **params) -> None:
        self.message = (key, params, ok)
        self._render_controls()

    def _failed(self) -> None:
        self.message = ("workshop.ctl.failed", {}, False)
        if self.state == "open":
            self._render_controls()

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
            self._show_ended()
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
            result = self.shown_round.get("result")
            self.tally = ({o["option"]: o["dots"] for o in result["options"]}
                          if result and self.shown_round["status"] != "open"
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

    # -- the facilitator's actions ------------------------------------------------------------
    def _require(self) -> None:
        if not self.authorised or self.state != "open":
            raise PermissionError("not the facilitator's screen")

    def start_timer(self, minutes) -> None:
        self._require()
        if minutes not in TIMER_MINUTES:
            return
        self.confirm_end = False
        self.store.set_timer(self.workshop["id"], int(minutes) * 60)
        self.workshop = self.store.workshop(self.workshop["id"])
        self._say("workshop.ctl.timer_started", minutes=minutes)
        self._render_timer()

    def stop_timer(self) -> None:
        self._require()
        self.confirm_end = False
        self.store.set_timer(self.workshop["id"], None)
        self.workshop = self.store.workshop(self.workshop["id"])
        self._say("workshop.ctl.timer_stopped")
        self._render_timer()

    def open_picker(self) -> None:
        self._require()
        self.confirm_end = False
        self.picking = True
        if not self.round_title.value:
            self.round_title.value = self.t("workshop.ctl.round_title_default")
        if not self.candidates("item") and self.source.value == "item":
            self.source.value = "proposal"  # no agenda yet: the workshop's own proposals
        self._fill_choices()
        self.message = None
        self.render()

    def close_picker(self) -> None:
        self._require()
        self.picking = False
        self.render()

    def candidates(self, source: str | None = None) -> list[dict]:
        return shortlist_candidates(self.store, self.community.id, self.workshop["id"],
                                    source or self.source.value or "item")

    def _fill_choices(self) -> None:
        safe = guarded(self._failed)
        self._candidates = self.candidates()
        boxes = []
        for c in self._candidates:
            key = (c["kind"], c["id"])
            if key not in self._checks:
                box = w.Checkbox(value=False, indent=False)
                box.add_class("wb-choice")
                box.observe(safe(lambda _c: self._render_pick_status()), names="value")
                self._checks[key] = box
            number = ""
            if c["kind"] == "proposal":
                number = next((f"{n}. " for n, p in enumerate(self.proposals, start=1)
                               if p["id"] == c["id"]), "")
            self._checks[key].description = f"{number}{c['title']}"
            boxes.append(self._checks[key])
        self.choices.children = boxes
        self._render_pick_status()

    def picked(self) -> list[dict]:
        return [c for c in self._candidates
                if self._checks.get((c["kind"], c["id"])) is not None
                and self._checks[(c["kind"], c["id"])].value]

    def open_round_from_picker(self) -> int | None:
        """Open a round over what is ticked; a refused shortlist says why."""
        self._require()
        try:
            round_id = open_round(self.store, self.workshop, self.round_title.value,
                                  self.picked())
        except WorkshopInvalid as invalid:
            key, params = next(iter(invalid.errors.values()))
            self._say(key, ok=False, **params)
            return None
        for box in self._checks.values():
            box.value = False
        self.picking = False
        self.shown_round = self.store.dot_round(round_id)
        self.tally = {}
        number = len(self.store.rounds_of(self.workshop["id"]))
        self.message = ("workshop.ctl.round_opened", {"number": number}, True)
        self.render()
        return round_id

    def close_current_round(self) -> dict | None:
        self._require()
        self.confirm_end = False
        if self.shown_round is None or self.shown_round["status"] != "open":
            return None
        result = close_round(self.store, self.shown_round["id"])
        self.shown_round = self.store.dot_round(self.shown_round["id"])
        if self.shown_round and self.shown_round.get("result"):
            self.tally = {o["option"]: o["dots"] for o in self.shown_round["result"]["options"]}
        self.message = ("workshop.ctl.round_closed", {}, True)
        self.render()
        return result

    def show_counts(self) -> None:
        self._require()
        if self.shown_round is not None and self.shown_round["status"] != "open":
            self.shown_round = None
            self.render()

    def end(self) -> dict | None:
        """First press asks again; the second ends the workshop and saves its record and
        map. Returns the record once saved."""
        self._require()
        if not self.confirm_end:
            self.confirm_end = True
            self._say("workshop.ctl.end_ask", ok=False)
            return None
        self.record = end_workshop(self.store, self.community, self.workshop["id"], self.lang)
        self.workshop = self.store.workshop(self.workshop["id"])
        self.state = "ended"
        self.stop()
        self._show_ended()
        return self.record

    def _show_ended(self) -> None:
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
