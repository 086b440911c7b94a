"""The proposal form on the resident page: the pin on the map (tapped, or moved by arrow
buttons), the public space, the similar-proposals hint, an optional photo, and the receipt.

Data flows one way: widget values -> :func:`workbench.proposals.rules.validate_proposal` ->
the store (committed) -> receipt shown. Every value is validated in Python, because any client
of the kernel can set any widget's value and press any button. Resident text is escaped
wherever it is shown.
"""

from __future__ import annotations

import math

import ipywidgets as w

from workbench import settings, vocabulary
from workbench.escaping import esc
from workbench.geo.projection import M_PER_DEG_LAT
from workbench.page.access import link_message, live, scroll_to
from workbench.page.part import PagePart
from workbench.page.places import place_text, space_tapped, tapped_point
from workbench.page.safety import server_log
from workbench.proposals.photo_widget import PhotoField
from workbench.proposals.rules import finite_number, validate_proposal
from workbench.proposals.similarity import most_similar

FORM_FIELDS = ("title", "description", "scenario", "location", "name", "photo")
#: how far one press of an arrow button moves the pin (a keyboard's way to place it)
NUDGE_METRES = 15
NUDGES = {"north": (0, 1), "south": (0, -1), "west": (-1, 0), "east": (1, 0)}
#: each way's label (the keys written out, so that the catalogue test finds them)
NUDGE_LABELS = {"north": "form.nudge_north", "south": "form.nudge_south",
                "west": "form.nudge_west", "east": "form.nudge_east"}


class ProposalForm(PagePart):
    """The proposal form and, once sent, its receipt; in the column beside the map."""

    NAME = "proposal_form"
    SLOT = "beside_map"
    ORDER = 10
    CSS = "page.css"

    def __init__(self, session, page):
        super().__init__(session, page)
        self.community = session.community
        self.limiter = session.limiter("proposals", settings.get("submissions_per_page"),
                                       settings.get("seconds_between_submissions"))
        self.lon: float | None = None
        self.lat: float | None = None
        self.errors: dict[str, tuple[str, dict]] = {}
        self.general_error: tuple[str, dict] | None = None
        self.last_receipt: dict | None = None
        self.similar: list[tuple[int, dict]] = []
        self._ignore_space_change = False
        self._build()

    def _build(self) -> None:
        safe = self.page.safe
        self.page.map.widget.on_interaction(safe(self._on_map_interaction))
        text = self.page.text  # lines that never move or hide share one layout and style
        self.form_heading = text()
        self.title_input = w.Text(continuous_update=False)
        self.description_input = w.Textarea(continuous_update=False, rows=4)
        # while a resident types, proposals that look the same ("support this instead?")
        self.similar_html = text()
        self.similar_html.add_class("wb-similar")
        self.title_input.observe(safe(self._on_text_typed), names="value")
        self.description_input.observe(safe(self._on_text_typed), names="value")
        self.scenario_input = w.Dropdown()
        self.space_input = w.Dropdown()
        self.space_input.observe(safe(self._on_space_chosen), names="value")
        self.place_text = text()
        live(self.place_text)
        # arrow buttons move the pin: a way to place it without tapping the map
        self.nudge_buttons = {}
        # one layout and style for the four: fewer widgets in the kernel and the page
        layout, style = w.Layout(width="auto"), w.ButtonStyle()
        for way in NUDGES:
            button = w.Button(layout=layout, style=style)
            button.add_class("wb-nudge-" + way)
            button.on_click(safe(lambda _b, way=way: self.nudge(way)))
            self.nudge_buttons[way] = button
        self.nudge_box = w.HBox(list(self.nudge_buttons.values()))
        self.nudge_box.add_class("wb-nudge")
        self.name_input = w.Text(continuous_update=False)
        self.name_note = text()
        for field in (self.title_input, self.description_input, self.scenario_input,
                      self.space_input, self.name_input):
            field.add_class("wb-field")
            field.layout.width = "100%"
        self.photo = PhotoField(self, self._render_errors)  # camera or gallery
        self.field_errors = {name: text() for name in FORM_FIELDS}
        for label in self.field_errors.values():
            label.add_class("wb-error")
        for name in FORM_FIELDS:
            link_message("proposal-" + name, self._field_widget(name), self.field_errors[name])
        self.submit = w.Button(button_style="primary", icon="")
        self.submit.add_class("wb-submit")
        self.submit.on_click(safe(self._on_submit))
        self.form_error = text()
        self.form_error.add_class("wb-error")
        live(self.form_error)
        self.form = w.VBox([
            self.form_heading,
            self.title_input, self.field_errors["title"],
            self.description_input, self.field_errors["description"], self.similar_html,
            self.scenario_input, self.field_errors["scenario"],
            self.space_input, self.place_text, self.field_errors["location"], self.nudge_box,
            self.name_input, self.name_note, self.field_errors["name"],
            self.photo.widget, self.field_errors["photo"],
            self.submit, self.form_error,
        ])
        self.receipt = text()
        self.another = w.Button()
        self.another.add_class("wb-another")
        self.another.on_click(safe(self._on_another))
        self.receipt_box = w.VBox([self.receipt, self.another])
        self.receipt_box.layout.display = "none"

    @property
    def widgets(self) -> list:
        return [self.form, self.receipt_box]

    def render(self) -> None:
        t, lang = self.t, self.lang
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
        self.photo.render()
        for way, button in self.nudge_buttons.items():
            button.description = t(NUDGE_LABELS[way])
        self._render_place()
        self._render_errors()
        self._render_receipt()
        self._render_similar()

    # -- the place ------------------------------------------------------------------------
    def _on_map_interaction(self, **event) -> None:
        point = tapped_point(event)
        if point is not None:
            self.place_at(*point)

    def place_at(self, lon, lat) -> None:
        """Put the proposal's pin where the resident tapped; a tap inside a public space also
        picks that space. Values are checked again on submit."""
        lon, lat = finite_number(lon), finite_number(lat)
        if lon is None or lat is None:
            return
        self.lon, self.lat = lon, lat
        # a tap within a marker's size of a small space (or on a marker at its centre) means it
        space = space_tapped(self.community, lon, lat, self.page.map.widget.zoom)
        self._set_space_silently(space or "")
        self.page.map.show_pin(lon, lat)
        self.errors.pop("location", None)
        self._render_place()
        self._render_errors()

    def nudge(self, way: str) -> None:
        """Move the pin NUDGE_METRES north, south, west or east (from the community's centre
        when there is no pin yet)."""
        if way not in NUDGES:
            return
        lat, lon = ((self.lat, self.lon) if self.lon is not None
                    else self.community.center)
        east, north = NUDGES[way]
        step = NUDGE_METRES / M_PER_DEG_LAT
        self.place_at(lon + east * step / math.cos(math.radians(lat)), lat + north * step)

    def _set_space_silently(self, space_id: str) -> None:
        self._ignore_space_change = True
        try:
            self.space_input.value = space_id if space_id in self.community.public_spaces else ""
        finally:
            self._ignore_space_change = False

    def _on_space_chosen(self, change) -> None:
        if self._ignore_space_change:
            return
        space_id = change["new"]
        if space_id and space_id in self.community.public_spaces:
            self.lon, self.lat = self.community.public_space_location(space_id)
            self.page.map.show_pin(self.lon, self.lat)
            self.page.show_space(space_id)
            self.errors.pop("location", None)
        self._render_place()
        self._render_errors()

    def _render_place(self) -> None:
        if self.lon is None:
            text = self.t("form.place_choose")
        else:
            text = place_text(self.community, self.lang, self.lon, self.lat,
                              self.space_input.value)
        self.place_text.value = (f"<span class='wb-hint'><b>{esc(self.t('form.place'))}:</b> "
                                 f"{esc(text)}</span>")

    # -- similar proposals ----------------------------------------------------------------
    def _on_text_typed(self, _change=None) -> None:
        self.similar = self.find_similar()
        self._render_similar()

    def find_similar(self) -> list[tuple[int, dict]]:
        """Proposals already on the list that look like what is being typed: (their number
        in the list, row), best first."""
        listed = self.page.section("proposal_list")
        rows = listed.rows if listed is not None else []
        text = f"{self.title_input.value} {self.description_input.value}"[:2000]
        if len(text.strip()) < 2 or not rows:
            return []
        found = most_similar(text, [f"{r['title']} {r['description']}" for r in rows])
        return [(i + 1, rows[i]) for i, _score in found]

    def _render_similar(self) -> None:
        if not self.similar:
            self.similar_html.value = ""
            return
        items = "".join(f"<li>{number}. {esc(row['title'])}</li>"
                        for number, row in self.similar)
        self.similar_html.value = (f"<div class='wb-similar-box'>{esc(self.t('similar.heading'))}"
                                   f"<ul>{items}</ul></div>")

    # -- submitting -----------------------------------------------------------------------
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
                "name": self.name_input, "photo": self.photo.upload}[field]

    def _on_submit(self, _button=None) -> None:
        self.submit_proposal()

    def submit_proposal(self) -> str | None:
        """Validate, store, and show the receipt; returns the receipt code or None. Anyone
        may propose: no participation code is needed."""
        self.general_error = None
        outcome = self.session.act(
            self.limiter, self._save, need_code=None,
            validate=lambda: self.photo.validated(
                lambda: validate_proposal(self.form_values(), self.community)))
        if outcome.errors:
            self.errors = outcome.errors
            self.general_error = ("form.fix_errors", {})
        elif not outcome.done:
            self.general_error = outcome.message
            if outcome.message == ("error.busy", {}):
                server_log().warning("proposal not saved: database busy")
        self._render_errors()
        if outcome.errors:
            first = next(f for f in FORM_FIELDS if f in self.errors)
            self._field_widget(first).focus()  # brings the first problem into view
        if not outcome.done:
            return None
        code, title = outcome.value
        server_log().info("proposal %s saved", code)
        self.last_receipt = {"code": code, "title": title}
        self._clear_form()
        self._render_receipt()
        self.page.refresh()
        # on a phone the shorter page would leave the receipt above the screen; the focus
        # follows for a keyboard or screen reader
        self.another.focus()
        scroll_to(self.receipt_box)
        return code

    def _save(self, _code_id, valid) -> tuple[str, str]:
        """Store a valid proposal (tagged with the workshop this page joined, if any) with its
        photo, if any; the button says "saving" meanwhile. Returns (receipt code, title)."""
        proposal, photo = valid
        self.errors = {}
        self.submit.disabled = True
        self.submit.description = self.t("form.saving")
        try:
            # a code entered on this page makes the resident its author (the points of an
            # adopted proposal); a proposal needs none
            code = self.store.add_proposal(self.community.id, proposal, photo=photo,
                                           workshop_id=self.session.workshop_id,
                                           author_code_id=self.session.code_id)
        finally:
            self.submit.disabled = False
            self.submit.description = self.t("form.submit")
        return code, proposal.title

    def _clear_form(self) -> None:
        self.title_input.value = ""
        self.description_input.value = ""
        self.scenario_input.value = ""
        self.name_input.value = ""
        self.photo.clear()
        self._set_space_silently("")
        self.lon = self.lat = None
        self.page.map.show_pin(None, None)
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

    def show_unexpected(self) -> None:
        # the page's one place for "something went wrong", whichever callback failed
        self.general_error = ("error.unexpected", {})
        self.submit.disabled = False
        self._render_errors()
