"""The facilitator's controls on the workshop screen: the timer, a new dot round from a
shortlist picked on the screen, closing the round, back to the counts, and ending the
workshop (asked twice).

:class:`FacilitatorControls` is part of :class:`workbench.workshops.screen.WorkshopScreen`:
its widgets are made only for a page whose link carries the facilitator's token, and every
action checks again that this is such a page, so no other client of the kernel can press them.
"""

from __future__ import annotations

import ipywidgets as w

from workbench.escaping import esc
from workbench.page.choices import offer
from workbench.page.safety import guarded
from workbench.workshops.rules import (SHORTLIST_MAX, WorkshopInvalid, close_round, end_workshop,
                                       open_round, shortlist_candidates)
from workbench.workshops.screen_dots import result_tally
from workbench.workshops.screen_timer import TIMER_MINUTES


def set_value(widget: w.Widget, value) -> None:
    """Set a widget's value only when it changes: an unchanged screen sends nothing."""
    if widget.value != value:
        widget.value = value


def button(css_class: str, on_click, style: str = "") -> w.Button:
    """A control button, found by its CSS class (its words change with the language)."""
    made = w.Button(button_style=style)
    made.add_class(css_class)
    made.on_click(on_click)
    return made


class FacilitatorControls:
    """The controls' widgets and actions, mixed into the screen (which has ``store``,
    ``community``, ``workshop``, ``proposals``, ``shown_round``, ``tally``, ``picking``,
    ``confirm_end``, ``message``, ``record``, ``state``, ``t``, ``render``, ``render_timer``,
    ``show_ended`` and ``stop``)."""

    # -- building -----------------------------------------------------------------------------
    def build_controls(self, safe) -> None:
        """The compact row at the bottom and the shortlist picker (shown in the side column
        while the facilitator picks)."""
        self.ctl_label = w.HTML()
        self.ctl_label.add_class("wb-ctl-label")
        self.minutes = w.Dropdown(options=[(str(m), m) for m in TIMER_MINUTES], value=5)
        self.timer_start = button("wb-timer-start", safe(
            lambda _b: self.start_timer(self.minutes.value)), style="primary")
        self.timer_stop = button("wb-timer-stop", safe(lambda _b: self.stop_timer()))
        self.new_round_button = button("wb-new-round", safe(lambda _b: self.open_picker()))
        self.close_round_button = button("wb-close-round", safe(
            lambda _b: self.close_current_round()), style="warning")
        self.show_counts_button = button("wb-show-counts", safe(lambda _b: self.show_counts()))
        self.end_button = button("wb-end", safe(lambda _b: self.end()), style="danger")
        self.ctl_message = w.HTML()
        self.ctl_message.add_class("wb-ctl-msg")
        for b in (self.timer_start, self.timer_stop, self.new_round_button,
                  self.close_round_button, self.show_counts_button, self.end_button):
            b.layout.width = "auto"
        self.controls = w.HBox([self.ctl_label, self.minutes, self.timer_start, self.timer_stop,
                                self.new_round_button, self.close_round_button,
                                self.show_counts_button, self.end_button, self.ctl_message])
        self.controls.add_class("wb-controls")

        self.picker_heading = w.HTML()
        self.source = w.ToggleButtons(options=[("item", "item"), ("proposal", "proposal")],
                                      value="item")
        self.source.observe(safe(lambda _c: self.picking and self.fill_choices()),
                            names="value")
        self.round_title = w.Text(continuous_update=False, style={"description_width": "auto"})
        self.round_title.add_class("wb-round-title-input")
        self.choices = w.VBox()
        self.choices.add_class("wb-choices")
        self.pick_status = w.HTML()
        self.open_round_button = button("wb-open-round", safe(
            lambda _b: self.open_round_from_picker()), style="primary")
        self.cancel_button = button("wb-cancel-round", safe(lambda _b: self.close_picker()))
        buttons = w.HBox([self.open_round_button, self.cancel_button])
        buttons.add_class("wb-picker-buttons")
        self.picker = w.VBox([self.picker_heading, self.source, self.round_title, self.choices,
                              self.pick_status, buttons])
        self.picker.add_class("wb-picker")
        self._checks: dict[tuple[str, int], w.Checkbox] = {}
        self._candidates: list[dict] = []

    # -- showing ------------------------------------------------------------------------------
    def render_controls(self) -> None:
        t = self.t
        self.ctl_label.value = esc(t("workshop.ctl.heading"))
        options = [(t("workshop.ctl.minutes", minutes=m), m) for m in TIMER_MINUTES]
        offer(self.minutes, options, 5)
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
            set_value(self.ctl_message, f"<span class='{css}'>{esc(t(key, **params))}</span>")
        else:
            set_value(self.ctl_message, "")
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
        self.render_controls()

    def show_failure(self) -> None:
        """A control's action failed (logged by :func:`guarded`): say so in the control row."""
        self.message = ("workshop.ctl.failed", {}, False)
        if self.state == "open":
            self.render_controls()

    # -- the actions --------------------------------------------------------------------------
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
        self.render_timer()

    def stop_timer(self) -> None:
        self._require()
        self.confirm_end = False
        self.store.set_timer(self.workshop["id"], None)
        self.workshop = self.store.workshop(self.workshop["id"])
        self._say("workshop.ctl.timer_stopped")
        self.render_timer()

    def open_picker(self) -> None:
        self._require()
        self.confirm_end = False
        self.picking = True
        if not self.round_title.value:
            self.round_title.value = self.t("workshop.ctl.round_title_default")
        if not self.candidates("item") and self.source.value == "item":
            self.source.value = "proposal"  # no agenda yet: the workshop's own proposals
        self.fill_choices()
        self.message = None
        self.render()

    def close_picker(self) -> None:
        self._require()
        self.picking = False
        self.render()

    def candidates(self, source: str | None = None) -> list[dict]:
        return shortlist_candidates(self.store, self.community.id, self.workshop["id"],
                                    source or self.source.value or "item")

    def fill_choices(self) -> None:
        """The picker's tick boxes for what can be shortlisted now (a box is kept, with its
        tick, for as long as the screen lives)."""
        safe = guarded(self.show_failure)
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
        saved = result_tally(self.shown_round) if self.shown_round else None
        if saved is not None:
            self.tally = saved
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
        self.show_ended()
        return self.record
