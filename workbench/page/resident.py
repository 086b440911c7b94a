"""The resident page: the community map, a proposal form, a receipt, and the list of proposals.

Data flows one way: widget values -> :func:`workbench.proposals.rules.validate_proposal` -> the store
(committed) -> receipt shown. Every value is validated in Python, because any client of the
kernel can set any widget's value and press any button. Resident text is escaped wherever it
is shown (HTML widgets and map popups alike).
"""

from __future__ import annotations

import os
import re
from urllib.parse import parse_qs
import secrets
from datetime import date

import ipywidgets as w
from ipywidgets.widgets.widget_string import HTMLStyle
from ipyleaflet import Popup

from workbench import i18n, settings, vocabulary
from workbench.layers.community import load_community
from workbench.participation.codes import AttemptLimiter, check_code
from workbench.proposals.rules import ProposalInvalid, RateLimiter, validate_proposal
from workbench.deliberation.statements import voter_key
from workbench.proposals.similarity import most_similar
from workbench.store import Store, StoreBusy
from workbench.surveys.answers import survey_is_open, survey_view
from workbench.page.safety import esc, guarded, keep_output_off_the_wire, server_log
from workbench.agenda.page import AgendaSection
from workbench.deliberation.discussion_page import ProposalDiscussion
from workbench.workshops.page import DotsSection
from workbench.layers.map_widget import CommunityMap
from workbench.deliberation.statements_page import StatementVoting
from workbench.surveys.page import SurveyForm

#: newest proposals read for the map, the numbering and the duplicate warning (plain dicts)
LIST_LIMIT = 300
#: rows listed with their buttons at first, and added by each "show more": every row is three
#: widgets, and a page of 20 keeps a phone's first load quick and the kernel small
LIST_PAGE = 20
SUPPORT_CLICKS = 120  # most support clicks one page session may make
DEVICE_KEY = re.compile(r"^[0-9a-f]{32}$")
FORM_FIELDS = ("title", "description", "scenario", "location", "name")

CSS = """
<style>
.wb-app { max-width: 1200px; margin: 0 auto; font-size: 16px; }
.wb-app .wb-header { display: flex; flex-wrap: wrap; align-items: center;
  justify-content: space-between; gap: 8px; }
.wb-app h1 { font-size: 22px; margin: 6px 0 2px 0; }
.wb-app h2 { font-size: 19px; margin: 12px 0 4px 0; }
.wb-app .wb-sub { color: #444; margin: 0 0 6px 0; }
.wb-app .wb-hint { color: #555; font-size: 14px; }
.wb-app .leaflet-container { background: #dfe5e8; }
.wb-app .wb-field { width: 100%; }
.wb-app .wb-field .widget-label { width: auto !important; max-width: none; font-weight: 600;
  text-align: left; margin-bottom: 2px; }
.wb-app .wb-field.widget-text, .wb-app .wb-field.widget-textarea,
.wb-app .wb-field.widget-dropdown { flex-direction: column; align-items: stretch;
  width: 100%; height: auto; }
.wb-app .wb-field { max-width: 100%; box-sizing: border-box; margin-left: 0; margin-right: 0; }
.wb-app .wb-field input, .wb-app .wb-field textarea, .wb-app .wb-field select {
  font-size: 16px; width: 100%; box-sizing: border-box; }
.wb-app .wb-field input, .wb-app .wb-field select { height: 40px; flex: 0 0 auto; }
.wb-app .wb-field textarea { min-height: 90px; }
.wb-app .wb-error { color: #b00020; font-weight: 600; min-height: 0; }
.wb-app .wb-error:empty { display: none; }
.wb-app .wb-submit { height: 44px; font-size: 17px; width: 100%; margin: 8px 0 0 0; }
.wb-app .wb-map { margin: 0; }
.wb-app .wb-another { width: auto; min-width: 60%; height: 40px; margin: 8px 0; }
.wb-app .wb-receipt { border: 2px solid #2e7d32; background: #f1f8e9; border-radius: 8px;
  padding: 10px 14px; }
.wb-app .wb-code { font-family: monospace; font-size: 26px; letter-spacing: 2px;
  font-weight: 700; }
.wb-app .wb-list ol { padding-left: 22px; margin: 4px 0; }
.wb-app .wb-list li { margin-bottom: 8px; overflow-wrap: anywhere; }
.wb-app .wb-row { overflow-wrap: anywhere; padding: 4px 0; }
.wb-app .wb-list .widget-hbox { flex-wrap: wrap; border-bottom: 1px solid #e0e0e0;
  padding-bottom: 6px; }
.wb-app .wb-list .widget-hbox > .widget-html { flex: 1 1 100%; min-width: 0; }
.wb-app .wb-more { min-height: 40px; margin: 8px 0; }
.wb-app .wb-support, .wb-app .wb-discuss { flex: none; height: auto; min-height: 36px;
  white-space: normal; }
.wb-app .wb-hidden { color: #666; font-style: italic; }
.wb-app .wb-discussion, .wb-app .wb-statements { border-top: 3px solid #1565c0;
  margin-top: 12px; padding-top: 4px; max-width: 760px; }
.wb-app .wb-discussion textarea, .wb-app .wb-statements input { font-family: inherit;
  font-size: 16px; }
.wb-app .wb-discussion .wb-close { flex: none; white-space: nowrap; }
.wb-app .wb-discussion h3 { font-size: 17px; margin: 10px 0 4px 0; }
.wb-app .wb-comment { padding: 6px 0; border-bottom: 1px solid #eee; overflow-wrap: anywhere; }
.wb-app .wb-comment.wb-reply { margin-left: 22px; }
.wb-app .wb-statement { font-size: 20px; line-height: 1.4; border: 2px solid #1565c0;
  border-radius: 8px; padding: 14px; margin: 8px 0; overflow-wrap: anywhere; }
.wb-app .wb-post { height: 44px; font-size: 17px; margin: 6px 0 0 0; }
.wb-app .wb-vote { height: 48px; font-size: 17px; margin: 2px; }
.wb-app .wb-topic { margin: 4px 0; }
.wb-app .wb-dots { border: 3px solid #6a1b9a; border-radius: 10px; padding: 4px 12px; margin: 8px 0; }
.wb-app .wb-dot-option { align-items: center; border-bottom: 1px solid #eee; padding: 4px 0; }
.wb-app .wb-dot-option > .widget-html { flex: 1 1 auto; min-width: 0; }
.wb-app .wb-dot-add { height: 44px; font-size: 17px; }
.wb-app .wb-dot-marks, .wb-app .wb-dot-mine { color: #6a1b9a; font-size: 20px; letter-spacing: 2px; }
.wb-app .wb-agenda { border-top: 3px solid #2e7d32; margin-top: 12px; padding-top: 4px;
  max-width: 760px; }
.wb-app .wb-agenda-item, .wb-app .wb-found { padding: 8px 0; border-bottom: 1px solid #e0e0e0;
  overflow-wrap: anywhere; }
.wb-app .wb-found { background: #f1f8e9; border-left: 4px solid #2e7d32; padding: 6px 10px; }
.wb-app .wb-bar { background: #e0e0e0; height: 8px; border-radius: 4px; max-width: 320px;
  margin: 3px 0; }
.wb-app .wb-bar i { display: block; height: 8px; border-radius: 4px; background: #2e7d32; }
.wb-app .wb-history { margin: 4px 0; padding-left: 18px; font-size: 14px; color: #333; }
.wb-app .wb-ok { color: #1b5e20; font-weight: 600; }
.wb-app .wb-similar-box { background: #fff8e1; border-left: 4px solid #f9a825; padding: 4px 10px;
  font-size: 14px; }
.wb-app .wb-similar-box ul { margin: 2px 0; padding-left: 4px; list-style: none; }
.wb-app .wb-chip { display: inline-block; color: #fff; border-radius: 10px; padding: 0 8px;
  font-size: 13px; margin-right: 6px; }
.wb-app .wb-space { border-left: 4px solid #2e7d32; padding: 4px 10px; background: #fafafa; }
.wb-app .wb-legend { display: flex; flex-wrap: wrap; gap: 2px 12px; font-size: 13px;
  margin: 4px 0; }
.wb-app .wb-key { white-space: nowrap; }
.wb-app .wb-key i { display: inline-block; width: 12px; height: 12px; margin-right: 4px;
  vertical-align: -1px; border: 1px solid #777; }
.wb-app .wb-key i.wb-dot { border-radius: 50%; }
.wb-app .wb-question { margin: 8px 0 16px 0; max-width: 760px; }
.wb-app .wb-question .widget-checkbox { width: 100%; height: auto; }
.wb-app .wb-question .widget-checkbox label, .wb-app .wb-question .widget-radio-box label {
  white-space: normal; overflow: visible; text-overflow: clip; height: auto;
  line-height: 1.35; padding: 3px 0; }
.wb-app .wb-question .widget-radio-box { width: 100%; }
.wb-app .wb-question textarea, .wb-app .wb-question input[type=text],
.wb-app .wb-question select { font-size: 16px; }
.wb-app .wb-idea { min-height: 44px; white-space: normal; margin: 4px 0; }
.wb-app .wb-survey-open { min-height: 40px; white-space: normal; margin: 4px 0; }
.wb-app .wb-submit-survey { width: 100%; max-width: 760px; height: 44px; font-size: 17px; }
@media (min-width: 900px) {
  .wb-app .wb-main { display: grid !important; grid-template-columns: 3fr 2fr; gap: 18px; }
  .wb-app .wb-map { height: 62vh !important; }
}
</style>
"""



class ResidentApp:
    """The whole resident page as one widget tree (``app.widget``)."""

    def __init__(self, community, store: Store, lang: str = "zh", basemap: str = "none"):
        self.community = community
        self.store = store
        self.lang = lang if lang in i18n.LANGUAGES else "zh"
        self.log = server_log()
        self.limiter = RateLimiter(settings.get("submissions_per_page"),
                                   settings.get("seconds_between_submissions"))
        self.lon: float | None = None
        self.lat: float | None = None
        self.errors: dict[str, tuple[str, dict]] = {}
        self.general_error: tuple[str, dict] | None = None
        self.last_receipt: dict | None = None
        self.rows: list[dict] = []
        self.selected_space: str | None = None
        self._build(basemap)
        self.set_language(self.lang)
        self.refresh()

    # -- building -----------------------------------------------------------------------
    def _build(self, basemap: str) -> None:
        safe = guarded(self._show_unexpected)
        self.style = w.HTML(CSS)
        self.title = w.HTML()
        self.language = w.ToggleButtons(options=[(i18n.LANGUAGE_NAMES[c], c)
                                                 for c in i18n.LANGUAGES], value=self.lang,
                                        style={"button_width": "84px"})
        self.language.observe(safe(self._on_language), names="value")
        self.hint = w.HTML()

        self.map = CommunityMap(self.community, self.lang, basemap=basemap)
        self.map.widget.on_interaction(safe(self._on_map_interaction))
        self.map.public_spaces.on_click(safe(self._on_space_click))
        self.map.proposals.on_click(safe(self._on_proposal_click))
        self.popup = Popup(child=w.HTML(), close_button=True, auto_close=True,
                           max_width=280)
        self.legend = w.HTML()
        self.space_info = w.HTML()
        self.space_info.add_class("wb-space")
        self.space_info.layout.display = "none"

        self.form_heading = w.HTML()
        self.title_input = w.Text(continuous_update=False)
        self.description_input = w.Textarea(continuous_update=False, rows=4)
        # while a resident types, proposals that look the same ("support this instead?")
        self.similar_html = w.HTML()
        self.similar_html.add_class("wb-similar")
        self.title_input.observe(safe(self._on_text_typed), names="value")
        self.description_input.observe(safe(self._on_text_typed), names="value")
        self.scenario_input = w.Dropdown()
        self.space_input = w.Dropdown()
        self.space_input.observe(safe(self._on_space_chosen), names="value")
        self.place_text = w.HTML()
        self.name_input = w.Text(continuous_update=False)
        self.name_note = w.HTML()
        for field in (self.title_input, self.description_input, self.scenario_input,
                      self.space_input, self.name_input):
            field.add_class("wb-field")
            field.layout.width = "100%"
        self.field_errors = {name: w.HTML() for name in FORM_FIELDS}
        for label in self.field_errors.values():
            label.add_class("wb-error")
        self.submit = w.Button(button_style="primary", icon="")
        self.submit.add_class("wb-submit")
        self.submit.on_click(safe(self._on_submit))
        self.form_error = w.HTML()
        self.form_error.add_class("wb-error")
        self.form = w.VBox([
            self.form_heading,
            self.title_input, self.field_errors["title"],
            self.description_input, self.field_errors["description"], self.similar_html,
            self.scenario_input, self.field_errors["scenario"],
            self.space_input, self.place_text, self.field_errors["location"],
            self.name_input, self.name_note, self.field_errors["name"],
            self.submit, self.form_error,
        ])
        self.receipt = w.HTML()
        self.another = w.Button()
        self.another.add_class("wb-another")
        self.another.on_click(safe(self._on_another))
        self.receipt_box = w.VBox([self.receipt, self.another])
        self.receipt_box.layout.display = "none"
        self.list_html = w.HTML()
        self.list_rows = w.VBox()
        self.list_limit = LIST_PAGE
        self.total_proposals = 0
        self.more_button = w.Button(layout={"width": "auto"})
        self.more_button.add_class("wb-more")
        self.more_button.on_click(guarded(self._show_unexpected)(lambda _b: self.show_more()))
        self.list_box = w.VBox([self.list_html, self.list_rows, self.more_button])
        self.list_box.add_class("wb-list")
        self._row_widgets: dict[int, tuple[w.HTML, w.Button]] = {}
        self._row_boxes: dict[int, w.HBox] = {}
        # every row shares one layout and style of each kind: a widget apiece would add
        # four widgets per row to the kernel and the page
        self._row_layout = w.Layout(align_items="flex-start")
        self._row_html_layout = w.Layout()
        self._row_html_style = HTMLStyle()
        self._row_button_layout = w.Layout(width="auto", min_width="110px")
        self._row_button_style = w.ButtonStyle()
        # the participation code of this page: entered once, or from the slip's QR link
        self.code_id: int | None = None
        self.code_hint = ""
        self.code_problem: tuple[str, dict] | None = None
        self.code_limiter = AttemptLimiter()
        self.support_limiter = RateLimiter(SUPPORT_CLICKS, 0)
        self.supported: set[int] = set()
        self.counts: dict[int, int] = {}
        self.code_heading = w.HTML()
        self.code_input = w.Text(continuous_update=False)
        self.code_input.add_class("wb-field")
        self.code_button = w.Button()
        self.code_button.on_click(safe(self._on_code))
        self.code_status = w.HTML()
        self.code_box = w.VBox([self.code_heading, self.code_input, self.code_button,
                                self.code_status])
        self.code_box.add_class("wb-code-box")
        self.comment_counts: dict[int, int] = {}
        # the discussion panel is made when a resident first opens one: most visits never do,
        # and some 60 widgets fewer make the first load quicker
        self.discussion: ProposalDiscussion | None = None
        self.discussion_slot = w.Box()
        self.statement_voting = StatementVoting(self)
        self.agenda_section = AgendaSection(self)
        self.surveys_heading = w.HTML()
        self.survey_buttons = w.VBox()
        self.survey_area = w.VBox()
        self.surveys_box = w.VBox([self.surveys_heading, self.survey_buttons, self.survey_area])
        self.surveys_box.add_class("wb-surveys")
        # Who answers a survey: the page's template gives each browser a random device key
        # (a cookie) and hands it over through this hidden field, so that a reload keeps a
        # draft and answering again edits the response. Until it arrives (or with no
        # JavaScript), the page session is the respondent.
        self.respondent = "page-" + secrets.token_hex(16)
        self.device = w.Text(layout={"display": "none"})
        self.device.add_class("wb-device")
        self.device.observe(safe(self._on_device), names="value")
        self.open_surveys: list[dict] = []

        header = w.HBox([self.title, self.language])
        header.add_class("wb-header")
        left = w.VBox([self.hint, self.map.widget, self.legend, self.space_info])
        right = w.VBox([self.form, self.receipt_box])
        main = w.Box([left, right], layout={"display": "flex", "flex_flow": "column"})
        main.add_class("wb-main")
        # in a workshop (?workshop=<id>), the dot-voting section comes first on the phone
        self.workshop_id: int | None = None
        self.dots: DotsSection | None = None
        self.dots_slot = w.Box()
        self.widget = w.VBox([self.style, header, self.dots_slot, main, self.code_box,
                              self.list_box,
                              self.discussion_slot, self.agenda_section.widget,
                              self.statement_voting.widget,
                              self.surveys_box, self.device])
        self.widget.add_class("wb-app")

    # -- language -----------------------------------------------------------------------
    def t(self, key: str, **params) -> str:
        return i18n.t(self.lang, key, **params)

    def set_language(self, lang: str) -> None:
        self.lang = lang
        if self.language.value != lang:
            self.language.value = lang
        t = self.t
        self.language.description = ""
        self.title.value = (f"<h1>{esc(self.community.name.get(lang, self.community.id))}</h1>"
                            f"<p class='wb-sub'>{esc(t('app.subtitle'))}</p>")
        self.hint.value = f"<span class='wb-hint'>{esc(t('map.hint'))}</span>"
        self.map.set_language(lang)
        self.legend.value = self.map.legend_html()
        self.form_heading.value = f"<h2>{esc(t('form.heading'))}</h2>"
        self.title_input.description = t("form.title")
        self.title_input.placeholder = t("form.title_placeholder")
        self.description_input.description = t("form.description")
        self.description_input.placeholder = t("form.description_placeholder")
        self.scenario_input.description = t("form.scenario")
        chosen = self.scenario_input.value
        self.scenario_input.options = [(t("form.scenario_choose"), "")] + [
            (s[lang], s["code"]) for s in vocabulary.scenarios()]
        self.scenario_input.value = chosen or ""
        self.space_input.description = t("form.space")
        chosen_space = self.space_input.value
        self.space_input.options = [(t("form.space_none"), "")] + [
            (f"{f['properties'][f'name_{lang}']} · {self.community.kinds[f['properties']['kind']][lang]}",
             space_id)
            for space_id, f in self.community.public_spaces.items()]
        self.space_input.value = chosen_space or ""
        self.name_input.description = t("form.name")
        self.name_input.placeholder = t("form.name_placeholder")
        self.name_note.value = f"<span class='wb-hint'>{esc(t('form.name_note'))}</span>"
        self.submit.description = t("form.submit")
        self.another.description = t("receipt.another")
        self._render_place()
        self._render_errors()
        self._render_receipt()
        self._render_similar()
        self._render_list()
        self._render_code()
        self._render_surveys()
        if self.discussion is not None:
            self.discussion.render()
        self.statement_voting.render()
        self.agenda_section.render()
        if self.dots is not None:
            self.dots.render()
        if self.selected_space:
            self._render_space(self.selected_space)

    def _on_language(self, change) -> None:
        if change["new"] in i18n.LANGUAGES and change["new"] != self.lang:
            self.set_language(change["new"])

    # -- map ----------------------------------------------------------------------------
    def _on_map_interaction(self, **event) -> None:
        if event.get("type") != "click":
            return
        lat, lon = event.get("coordinates", (None, None))
        self.place_at(lon, lat)

    def place_at(self, lon, lat) -> None:
        """Put the proposal's pin where the resident tapped; a tap inside a public space also
        picks that space. Values are checked again on submit."""
        try:
            lon, lat = float(lon), float(lat)
        except (TypeError, ValueError):
            return
        self.lon, self.lat = lon, lat
        space = self.community.public_space_at(lon, lat)
        self._set_space_silently(space or "")
        self.map.show_pin(lon, lat)
        self.errors.pop("location", None)
        self._render_place()
        self._render_errors()

    def _on_text_typed(self, _change=None) -> None:
        self.similar = self.find_similar()
        self._render_similar()

    def find_similar(self) -> list[tuple[int, dict]]:
        """Proposals already on the list that look like what is being typed: (their number
        in the list, row), best first."""
        text = f"{self.title_input.value} {self.description_input.value}"[:2000]
        if len(text.strip()) < 2 or not self.rows:
            return []
        found = most_similar(text, [f"{r['title']} {r['description']}" for r in self.rows])
        return [(i + 1, self.rows[i]) for i, _score in found]

    def _render_similar(self) -> None:
        similar = getattr(self, "similar", [])
        if not similar:
            self.similar_html.value = ""
            return
        items = "".join(f"<li>{number}. {esc(row['title'])}</li>" for number, row in similar)
        self.similar_html.value = (f"<div class='wb-similar-box'>{esc(self.t('similar.heading'))}"
                                   f"<ul>{items}</ul></div>")

    def _set_space_silently(self, space_id: str) -> None:
        self._ignore_space_change = True
        try:
            self.space_input.value = space_id if space_id in self.community.public_spaces else ""
        finally:
            self._ignore_space_change = False

    def _on_space_chosen(self, change) -> None:
        if getattr(self, "_ignore_space_change", False):
            return
        space_id = change["new"]
        if space_id and space_id in self.community.public_spaces:
            self.lon, self.lat = self.community.public_space_location(space_id)
            self.map.show_pin(self.lon, self.lat)
            self._render_space(space_id)
            self.errors.pop("location", None)
        self._render_place()
        self._render_errors()

    def _on_space_click(self, event=None, feature=None, properties=None, **_) -> None:
        space_id = (properties or {}).get("id")
        if space_id in self.community.public_spaces:
            self._render_space(space_id)

    def _render_space(self, space_id: str) -> None:
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

    def _on_proposal_click(self, event=None, feature=None, properties=None, **_) -> None:
        pid = (properties or {}).get("id")
        row = next((r for r in self.rows if r["id"] == pid), None)
        if row is None:
            return
        supports_text = esc(self.t("support.count", count=self.counts.get(pid, 0)))
        self.popup.child.value = (
            f"<b>{esc(row['title'])}</b><br>{supports_text}<br>"
            f"{esc(vocabulary.scenario_label(row['scenario'], self.lang))}<br>"
            f"{esc(row['description'][:280])}")
        self.popup.location = (row["lat"], row["lon"])
        if self.popup not in self.map.widget.layers:
            self.map.widget.add(self.popup)
        self.popup.open_popup(location=(row["lat"], row["lon"]))

    def _render_place(self) -> None:
        if self.lon is None:
            text = self.t("form.place_choose")
        else:
            text = self.t("form.place_point", lat=self.lat, lon=self.lon)
        self.place_text.value = (f"<span class='wb-hint'><b>{esc(self.t('form.place'))}:</b> "
                                 f"{esc(text)}</span>")

    # -- submitting ---------------------------------------------------------------------
    def form_values(self) -> dict:
        return {
            "title": self.title_input.value, "description": self.description_input.value,
            "scenario": self.scenario_input.value, "name": self.name_input.value,
            "public_space_id": self.space_input.value or None,
            "lon": self.lon, "lat": self.lat,
        }

    def _field_widget(self, field: str) -> w.Widget:
        return {"title": self.title_input, "description": self.description_input,
                "scenario": self.scenario_input, "location": self.space_input,
                "name": self.name_input}[field]

    def _on_submit(self, _button=None) -> None:
        self.submit_proposal()

    def submit_proposal(self) -> str | None:
        """Validate, store, and show the receipt; returns the receipt code or None."""
        self.general_error = None
        limited = self.limiter.check()
        if limited:
            self.general_error = limited
            self._render_errors()
            return None
        try:
            proposal = validate_proposal(self.form_values(), self.community)
        except ProposalInvalid as invalid:
            self.errors = invalid.errors
            self.general_error = ("form.fix_errors", {})
            self._render_errors()
            first = next(f for f in FORM_FIELDS if f in self.errors)
            self._field_widget(first).focus()  # brings the first problem into view
            return None
        self.errors = {}
        self.submit.disabled = True
        self.submit.description = self.t("form.saving")
        try:
            code = self.store.add_proposal(self.community.id, proposal,
                                           workshop_id=self.workshop_id)
        except StoreBusy:
            self.log.warning("proposal not saved: database busy")
            self.general_error = ("error.busy", {})
            return None
        finally:
            self.submit.disabled = False
            self.submit.description = self.t("form.submit")
            self._render_errors()
        self.limiter.record()
        self.log.info("proposal %s saved", code)
        self.last_receipt = {"code": code, "title": proposal.title}
        self._clear_form()
        self._render_receipt()
        self.refresh()
        # Focusing the button below the receipt scrolls it into view on a phone, where the
        # shorter page would otherwise leave the receipt above the screen.
        self.another.focus()
        return code

    def _clear_form(self) -> None:
        self.title_input.value = ""
        self.description_input.value = ""
        self.scenario_input.value = ""
        self.name_input.value = ""
        self._set_space_silently("")
        self.lon = self.lat = None
        self.map.show_pin(None, None)
        self._render_place()

    def _on_another(self, _button=None) -> None:
        self.last_receipt = None
        self._render_receipt()
        self.title_input.focus()

    def _render_errors(self) -> None:
        for name, label in self.field_errors.items():
            problem = self.errors.get(name)
            label.value = esc(self.t(problem[0], **problem[1])) if problem else ""
        self.form_error.value = (esc(self.t(self.general_error[0], **self.general_error[1]))
                                 if self.general_error else "")

    def _render_receipt(self) -> None:
        if not self.last_receipt:
            self.receipt_box.layout.display = "none"
            self.form.layout.display = None
            return
        r = self.last_receipt
        self.receipt.value = (
            f"<div class='wb-receipt' role='status'><h2>{esc(self.t('receipt.heading'))}</h2>"
            f"<div>{esc(r['title'])}</div>"
            f"<div>{esc(self.t('receipt.code'))}: <span class='wb-code'>{esc(r['code'])}</span>"
            f"</div><p>{esc(self.t('receipt.keep'))}</p></div>")
        self.receipt_box.layout.display = None
        self.form.layout.display = "none"

    def _show_unexpected(self) -> None:
        self.general_error = ("error.unexpected", {})
        self.submit.disabled = False
        self._render_errors()

    # -- the list ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the proposals and open surveys again and redraw the list and the map."""
        self.rows = self.store.list_proposals(self.community.id, limit=LIST_LIMIT)
        self.total_proposals = self.store.count_proposals(self.community.id)
        self.counts = self.store.support_counts(self.community.id)
        self.comment_counts = self.store.comment_counts(self.community.id)
        if self.code_id is not None:
            self.supported = self.store.supports_of(self.code_id)
        # a hidden proposal stays in the list with the moderator's reason, but leaves the map
        self.map.show_proposals([r for r in self.rows if not r.get("hidden_reason")])
        self._render_list()
        if self.discussion is not None and self.discussion.proposal is not None:
            self.discussion.proposal = next((r for r in self.rows
                                             if r["id"] == self.discussion.proposal["id"]),
                                            self.discussion.proposal)
            self.discussion.reload()
        self.statement_voting.refresh()
        self.agenda_section.refresh()
        self.legend.value = self.map.legend_html()
        # every open survey is offered; one "per participant" (not anonymous) asks for the
        # page's participation code when opened
        self.open_surveys = [s for s in self.store.latest_survey_versions()
                             if survey_is_open(s["definition"], date.today())]
        self._render_surveys()

    # -- surveys ----------------------------------------------------------------------------
    def _render_surveys(self) -> None:
        if not hasattr(self, "open_surveys"):
            return
        self.surveys_heading.value = f"<h2>{esc(self.t('survey.heading'))}</h2>" + (
            "" if self.open_surveys else f"<p>{esc(self.t('survey.none_open'))}</p>")
        safe = guarded(self._show_unexpected)
        buttons = []
        for row in self.open_surveys:
            title = row["definition"]["title"][self.lang]
            if not row["definition"].get("anonymous", True):
                title = self.t("survey.with_code", title=title)
            button = w.Button(description=title, layout={"width": "100%", "height": "auto"})
            button.add_class("wb-survey-open")
            button.on_click(safe(lambda _b, row=row: self.open_survey(row["survey_id"])))
            buttons.append(button)
        self.survey_buttons.children = buttons

    def _on_device(self, change) -> None:
        key = change["new"]
        if not isinstance(key, str) or not DEVICE_KEY.match(key):
            return  # anything else is not a key this page's template made
        self.respondent = "device-" + key
        form = getattr(self, "survey_form", None)
        if form is not None and getattr(form, "anonymous", True):
            form.set_respondent(self.respondent)

    def open_survey(self, survey_id: str):
        """Show one open survey's form below the list of surveys."""
        row = next((r for r in self.open_surveys if r["survey_id"] == survey_id), None)
        if row is None:
            return None
        anonymous = row["definition"].get("anonymous", True)
        if anonymous:
            respondent = self.respondent
        else:  # one response per participation code, whichever phone it is typed on
            code_id = self.active_code()
            if code_id is None:
                self.survey_area.children = []
                return None
            respondent = voter_key(code_id)
        form = SurveyForm(survey_view(row["definition"]), row["id"], self.store, respondent,
                          self.lang, self.community,
                          map_factory=lambda: CommunityMap(self.community, self.lang,
                                                           height="300px"))
        form.anonymous = anonymous
        self.survey_area.children = [form.widget]
        self.survey_form = form
        return form

    def show_more(self) -> None:
        """List the next page of older proposals."""
        self.list_limit = min(self.list_limit + LIST_PAGE, LIST_LIMIT)
        self._render_list()

    def list_text(self) -> str:
        """The list as the resident reads it (heading and every row), for checks."""
        return self.list_html.value + "".join(h.value for h, *_ in self._row_widgets.values())

    def _render_list(self) -> None:
        t = self.t
        head = (f"<h2>{esc(t('list.heading'))}</h2>"
                f"<div class='wb-hint'>{esc(t('list.count', count=self.total_proposals))}</div>")
        self.list_html.value = head + ("" if self.rows else f"<p>{esc(t('list.empty'))}</p>")
        colours = {s["code"]: s["color"] for s in vocabulary.scenarios()}
        spaces = self.community.public_spaces
        safe = guarded(self._show_unexpected)
        rows = []
        listed = self.rows[:self.list_limit]
        for number, row in enumerate(listed, start=1):
            chip = (f"<span class='wb-chip' style='background:{colours.get(row['scenario'], '#333')}'>"
                    f"{esc(vocabulary.scenario_label(row['scenario'], self.lang))}</span>")
            place = ""
            if row.get("public_space_id") in spaces:
                name = spaces[row["public_space_id"]]["properties"][f"name_{self.lang}"]
                place = f"<br><span class='wb-hint'>{esc(t('list.at', place=name))}</span>"
            desc = f"<br>{esc(row['description'][:200])}" if row.get("description") else ""
            if row["id"] not in self._row_widgets:  # made once, reused by every redraw
                button = w.Button(layout=self._row_button_layout, style=self._row_button_style)
                button.add_class("wb-support")
                button.on_click(safe(lambda _b, pid=row["id"]: self.toggle_support(pid)))
                talk = w.Button(layout=self._row_button_layout, style=self._row_button_style)
                talk.add_class("wb-discuss")
                talk.on_click(safe(lambda _b, pid=row["id"]: self.open_discussion(pid)))
                html_row = w.HTML(layout=self._row_html_layout, style=self._row_html_style)
                self._row_widgets[row["id"]] = (html_row, button, talk)
                self._row_boxes[row["id"]] = w.HBox(layout=self._row_layout)
            text, button, talk = self._row_widgets[row["id"]]
            talk.description = t("discuss.button", count=self.comment_counts.get(row["id"], 0))
            if row.get("hidden_reason"):
                # the moderator's public reason in the proposal's place; nothing is deleted
                text.value = (f"<div class='wb-row wb-hidden'>{number}. "
                              f"{esc(t('discuss.hidden', reason=row['hidden_reason']))}</div>")
                self._row_boxes[row["id"]].children = [text, talk]
            else:
                text.value = (f"<div class='wb-row'>{number}. {chip}<b>{esc(row['title'])}</b>"
                              f"{desc}{place}</div>")
                count = self.counts.get(row["id"], 0)
                mine = row["id"] in self.supported
                button.description = t("support.done" if mine else "support.do", count=count)
                button.button_style = "success" if mine else ""
                self._row_boxes[row["id"]].children = [text, button, talk]
            rows.append(self._row_boxes[row["id"]])
        self.list_rows.children = rows
        more = len(self.rows) - len(listed)
        self.more_button.description = t("list.more", count=min(more, LIST_PAGE))
        self.more_button.layout.display = None if more > 0 else "none"
        # rows that left the list (pushed down by newer ones) are closed, so a long session
        # does not keep widgets nobody sees
        shown = {r["id"] for r in listed}
        for pid in [p for p in self._row_boxes if p not in shown]:
            box = self._row_boxes.pop(pid)
            for widget in (*self._row_widgets.pop(pid), box):
                widget.close()

    # -- participation code and supports -------------------------------------------------
    def _render_code(self) -> None:
        t = self.t
        self.code_heading.value = (f"<h2>{esc(t('code.heading'))}</h2>"
                                   f"<p class='wb-hint'>{esc(t('code.explain'))}</p>")
        self.code_input.description = t("code.label")
        self.code_input.placeholder = "XXXXX-XXXXX"
        self.code_button.description = t("code.use")
        # once a code is in use, its field steps aside
        hidden = "none" if self.code_id is not None else None
        self.code_input.layout.display = self.code_button.layout.display = hidden
        parts = []
        if self.code_id is not None:
            parts.append(f"<span class='wb-ok'>{esc(t('code.active', hint=self.code_hint))}"
                         "</span>")
        if self.code_problem:
            key, params = self.code_problem
            parts.append(f"<span class='wb-error'>{esc(t(key, **params))}</span>")
        self.code_status.value = "<br>".join(parts)

    def _on_code(self, _button=None) -> None:
        self.use_code(self.code_input.value)

    def use_code(self, text) -> bool:
        """Check a participation code and use it for this page; False when refused."""
        code_id, problem = check_code(self.store, self.community.id, text, self.code_limiter)
        self.code_problem = problem
        if code_id is not None:
            self.code_id = code_id
            self.code_hint = str(text).strip()[-4:].upper()
            self.code_input.value = ""
            self.supported = self.store.supports_of(code_id)
            self._render_list()
            self.statement_voting.refresh()
            if self.dots is not None:
                self.dots.refresh()
            if self.discussion is not None:
                self.discussion.render()
        self._render_code()
        return code_id is not None

    def ask_for_code(self, problem: tuple[str, dict] = ("code.needed", {})) -> None:
        """Point the resident at the code field (an action needed a code)."""
        self.code_problem = problem
        self._render_code()
        self.code_input.focus()

    def active_code(self) -> int | None:
        """This page's code if it is still active; a code revoked since it was entered is
        dropped from the page. None (and the code field pointed at) when there is none."""
        if self.code_id is not None and self.store.code_status(self.code_id) != "active":
            self.code_id = None
            self.supported = set()
            self._render_list()
            self.ask_for_code(("error.code_revoked", {}))
            return None
        if self.code_id is None:
            self.ask_for_code()
        return self.code_id

    def reporter_key(self) -> str:
        """Who reports: the code when there is one, else this browser (one report each)."""
        return voter_key(self.code_id) if self.code_id is not None else self.respondent

    def open_discussion(self, proposal_id: int) -> None:
        row = next((r for r in self.rows if r["id"] == proposal_id), None)
        if row is not None:
            if self.discussion is None:
                self.discussion = ProposalDiscussion(self, on_change=self._after_discussion)
                self.discussion_slot.children = [self.discussion.widget]
            self.discussion.open(row)

    def _after_discussion(self) -> None:
        self.comment_counts = self.store.comment_counts(self.community.id)
        self._render_list()

    def toggle_support(self, proposal_id: int) -> None:
        """Support a proposal with this page's code, or take the support back."""
        if self.active_code() is None:
            self.code_problem = ("support.need_code", {})
            self._render_code()
            return
        limited = self.support_limiter.check()
        if limited:
            self.code_problem = ("error.too_many_clicks", {})
            self._render_code()
            return
        self.support_limiter.record()
        if self.code_problem:
            self.code_problem = None
            self._render_code()
        if proposal_id not in {r["id"] for r in self.rows[:self.list_limit]
                               if not r.get("hidden_reason")}:
            return  # not a proposal this page shows for support
        now = proposal_id not in self.supported
        self.store.set_support(proposal_id, self.code_id, now)
        self.supported = self.store.supports_of(self.code_id)
        self.counts = self.store.support_counts(self.community.id)
        self._render_list()

    # -- entry points -------------------------------------------------------------------
    @classmethod
    def from_settings(cls, lang: str | None = None) -> "ResidentApp":
        keep_output_off_the_wire()
        community = load_community(settings.get("layers_dir"))
        return cls(community, Store(), lang=lang or settings.get("default_language"),
                   basemap=settings.get("basemap"))

    def start(self, query_string: str | None = None) -> w.Widget:
        """Called when a resident's request reaches the (maybe preheated) kernel: take the
        language from the link, read the newest proposals, and hand out the page."""
        lang = i18n.language_from_query(query_string, settings.get("default_language"))
        if lang != self.lang:
            self.set_language(lang)
        self.refresh()
        query = parse_qs(query_string or "")
        code = query.get("code")
        if code:  # from the QR code on a participation slip
            self.use_code(code[0])
        workshop = query.get("workshop")
        if workshop:  # from the QR code on a workshop's screen
            self.join_workshop(workshop[0])
        return self.widget

    def join_workshop(self, value) -> bool:
        """Join an open workshop of this community: counted once, proposals made here are
        shown on its screen, and its dot-voting rounds come to this page."""
        if not isinstance(value, str) or not value.isdigit() or len(value) > 9:
            return False
        workshop = self.store.workshop(int(value))
        if workshop is None or workshop["status"] != "open" \
                or workshop["community_id"] != self.community.id:
            return False
        self.workshop_id = workshop["id"]
        self.store.join_workshop(workshop["id"], self.respondent[:64])
        if self.dots is None:
            self.dots = DotsSection(self, workshop["id"])
            self.dots_slot.children = [self.dots.widget]
        self.dots.refresh()
        self.dots.start_watching()
        return True


def request_query_string() -> str:
    """The page's query string (``?lang=en``).

    In a preheated Voilà kernel the notebook runs before anyone asks for the page, and the
    request reaches the kernel later over Voilà's ``/voila/query/<kernel id>`` websocket; this
    waits for it. It does what ``voila.utils.get_query_string`` does without importing Voilà,
    which would add about 45 MiB (the server's own libraries) to every resident kernel.
    In JupyterLab or a test there is no request to wait for."""
    env = os.environ
    if env.get("VOILA_PREHEAT", "False") == "False":
        return env.get("QUERY_STRING", "")
    import json

    import websocket

    server_url = env.get("VOILA_SERVER_URL", "/")
    url = (f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{env.get('VOILA_APP_IP', '127.0.0.1')}:"
           f"{env.get('VOILA_APP_PORT', '8866')}{env.get('VOILA_WS_BASE_URL', server_url)}"
           f"voila/query/{env.get('VOILA_KERNEL_ID', '')}")
    import time

    # A kernel refilling the pool while a room full of phones arrives can find the server too
    # busy to answer at first: keep trying for about a minute, or the page would lose its
    # ?workshop=, ?code= and ?lang= (seen under a 60-phone load).
    delay, deadline = 0.5, time.monotonic() + 60
    while True:
        try:
            ws = websocket.create_connection(url, timeout=5)
            ws.settimeout(None)  # a preheated kernel waits as long as it takes for a visitor
            info = json.loads(ws.recv())
            ws.close()
            break
        except (OSError, websocket.WebSocketException, ValueError):
            if time.monotonic() + delay > deadline:
                server_log().warning("no request info from Voilà at %s", url)
                return ""
            time.sleep(delay)
            delay = min(delay * 2, 5.0)
    for key, value in info.items():
        if isinstance(key, str) and isinstance(value, str):
            os.environ[key] = value
    return os.environ.get("QUERY_STRING", "")
