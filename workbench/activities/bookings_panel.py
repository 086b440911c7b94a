"""The activities panel's rooms and bookings: the rooms of each space with their opening
hours (a room added by a small form, problems beside their fields), the bookings waiting for
a decision and those ahead (approve, refuse with a reason, cancel), and a space's calendar as
an .ics file to download. Widgets only: the rules are :mod:`.rules` and :mod:`.workflow`."""

from __future__ import annotations

from datetime import UTC, datetime, time

import ipywidgets as w
import pandas as pd

from workbench.activities import workflow
from workbench.activities.activities_panel import (
    LABELLED,
    NOT_CHOSEN,
    beside,
    error_html,
)
from workbench.activities.rules import ActivityInvalid, SignupRefused, validate_room
from workbench.escaping import esc
from workbench.layers.space_panel import FormMessages
from workbench.page.choices import offer
from workbench.page.download import DownloadLink
from workbench.page.formats import NO_VALUE, frame_html, local_time
from workbench.proposals.rules import check_text

ICS = "text/calendar"
#: the longest reason a steward gives (shown to the resident)
REASON_MAX_CHARS = 300


class RoomsAndBookings(FormMessages):
    """The rooms, the bookings to decide and the calendar file, of ``panel``'s community."""

    def __init__(self, panel):
        self.panel, self.t = panel, panel.t
        t, safe = self.t, panel.safe
        # rooms
        self.rooms_html = w.HTML()
        self.space = w.Dropdown(description=t("activities.panel.field.space"), style=LABELLED,
                                layout=w.Layout(width="min(100%, 420px)"))
        self.name = w.Text(description=t("activities.panel.room.name"), style=LABELLED,
                           layout=w.Layout(width="min(100%, 420px)"))
        self.opens = w.TimePicker(value=time(8, 0), step=60, style=LABELLED,
                                  description=t("activities.panel.room.opens"))
        self.closes = w.TimePicker(value=time(21, 0), step=60, style=LABELLED,
                                   description=t("activities.panel.room.closes"))
        self.cost = w.IntText(value=0, description=t("activities.panel.room.cost"),
                              style=LABELLED, layout=w.Layout(width="16em"))
        self.errors = {name: w.HTML() for name in ("public_space_id", "name", "opens",
                                                   "closes", "points_cost")}
        self.add_button = w.Button(description=t("activities.panel.add_room"), icon="plus",
                                   layout=w.Layout(width="auto"))
        self.message = w.HTML()
        e = self.errors
        room_form = w.VBox([beside(self.space, e["public_space_id"]),
                            beside(self.name, e["name"]), beside(self.opens, e["opens"]),
                            beside(self.closes, e["closes"]), beside(self.cost, e["points_cost"]),
                            w.HBox([self.add_button]), self.message])
        room_form.add_class("wb-activities-form")
        # bookings
        self.bookings_html = w.HTML()
        self.booking = w.Dropdown(description=t("activities.panel.booking"),
                                  style={"description_width": "initial"},
                                  layout=w.Layout(width="min(100%, 760px)"))
        self.booking_error = w.HTML()
        self.reason = w.Text(description=t("activities.panel.reason"), style=LABELLED,
                             placeholder=t("activities.panel.reason_hint"),
                             layout=w.Layout(width="min(100%, 560px)"))
        self.reason_error = w.HTML()
        self.approve_button = w.Button(description=t("activities.panel.approve"),
                                       button_style="success", icon="check",
                                       layout=w.Layout(width="auto"))
        self.refuse_button = w.Button(description=t("activities.panel.refuse"),
                                      button_style="danger", icon="times",
                                      layout=w.Layout(width="auto"))
        self.cancel_button = w.Button(description=t("activities.panel.cancel"),
                                      button_style="warning", icon="ban",
                                      layout=w.Layout(width="auto"))
        self.decided = w.HTML()
        self.decide_box = w.VBox([
            beside(self.booking, self.booking_error), beside(self.reason, self.reason_error),
            w.HBox([self.approve_button, self.refuse_button, self.cancel_button],
                   layout=w.Layout(grid_gap="4px 12px", flex_flow="row wrap"))])
        # the calendar file
        self.ics_space = w.Dropdown(description=t("activities.panel.field.space"),
                                    style=LABELLED, layout=w.Layout(width="min(100%, 420px)"))
        self.ics = DownloadLink(t("activities.panel.ics_download", space=""), self._ics_name,
                                ICS, self.ics_bytes, t("activities.panel.too_large"),
                                t("activities.panel.ics_failed"))

        def heading(key: str) -> w.HTML:
            return w.HTML(f"<h3>{esc(t(key))}</h3>")
        self.widget = w.VBox([
            heading("activities.panel.bookings_heading"), self.bookings_html,
            self.decide_box, self.decided,
            heading("activities.panel.rooms_heading"), self.rooms_html, room_form,
            heading("activities.panel.ics_heading"),
            w.HTML(f"<p class='wb-hint'>{esc(t('activities.panel.ics_explain'))}</p>"),
            self.ics_space, self.ics.widget])
        self.add_button.on_click(safe(lambda _b: self.add_room()))
        self.approve_button.on_click(safe(lambda _b: self.decide("approve")))
        self.refuse_button.on_click(safe(lambda _b: self.decide("refuse")))
        self.cancel_button.on_click(safe(lambda _b: self.decide("cancel")))
        self.ics_space.observe(safe(lambda _c: self._show_ics()), names="value")
        self.refresh()

    # -- what is shown ---------------------------------------------------------------------------
    def refresh(self) -> None:
        panel = self.panel
        for dropdown in (self.space, self.ics_space):
            offer(dropdown, panel.space_options(), NOT_CHOSEN)
        self.rooms_html.value = self.rooms_table()
        ahead = self.bookings_ahead()
        self.bookings_html.value = self.bookings_table(ahead)
        offer(self.booking, [(self._booking_label(b), b["id"]) for b in ahead],
              ahead[0]["id"] if ahead else None)
        self.decide_box.layout.display = None if ahead else "none"
        self._show_ics()

    def heading(self, column: str) -> str:
        return self.t(f"activities.panel.col.{column}")

    def rooms_table(self) -> str:
        rooms = self.panel.store.rooms(self.panel.community.id)
        if not rooms:
            return f"<p class='wb-hint'>{esc(self.t('activities.panel.no_rooms'))}</p>"
        names = self.panel.space_names()
        frame = pd.DataFrame([{
            "space": names.get(r["public_space_id"], r["public_space_id"]),
            "room": r["name"], "hours": f"{r['opens']}–{r['closes']}",
            "points_cost": r["points_cost"]} for r in rooms])
        return frame_html(frame, self.heading)

    def bookings_ahead(self) -> list[dict]:
        """Bookings waiting for a decision, and approved ones still to come."""
        now = datetime.now(UTC)
        return [b for b in self.panel.store.bookings_of(self.panel.community.id,
                                                        ("requested", "approved"))
                if b["status"] == "requested" or b["ends_at"] > now]

    def _when(self, booking: dict) -> str:
        zone = self.panel.community.time_zone
        return (f"{local_time(booking['starts_at'], zone)}–"
                f"{local_time(booking['ends_at'], zone)[-5:]}")

    def _booking_label(self, booking: dict) -> str:
        names = self.panel.space_names()
        return " · ".join([f"#{booking['id']}", self._when(booking),
                           names.get(booking["public_space_id"], booking["public_space_id"]),
                           booking["room"], self.t(f"activities.panel.state.{booking['status']}")])

    def bookings_table(self, ahead: list[dict]) -> str:
        if not ahead:
            return f"<p class='wb-hint'>{esc(self.t('activities.panel.no_bookings'))}</p>"
        names = self.panel.space_names()
        frame = pd.DataFrame([{
            "booking": f"#{b['id']}", "when": self._when(b),
            "space": names.get(b["public_space_id"], b["public_space_id"]), "room": b["room"],
            "purpose": b["purpose"],
            "state": self.t(f"activities.panel.state.{b['status']}")} for b in ahead])
        return frame_html(frame, self.heading)

    # -- rooms -----------------------------------------------------------------------------------
    def add_room(self) -> int | None:
        """Add the room of the form to the chosen space; its id, or None with the problems
        beside their fields."""
        self.clear_errors()
        self.message.value = ""

        def clock(value) -> str | None:
            return value.strftime("%H:%M") if isinstance(value, time) else None
        raw = {"name": self.name.value, "opens": clock(self.opens.value),
               "closes": clock(self.closes.value), "points_cost": self.cost.value}
        space = self.space.value
        try:
            if space == NOT_CHOSEN:  # said beside its field with the room's own problems
                errors = {"public_space_id": ("activities.error.space", {})}
                try:
                    validate_room(raw)
                except ActivityInvalid as invalid:
                    errors.update(invalid.errors)
                raise ActivityInvalid(errors)
            room_id = workflow.add_room(self.panel.store, self.panel.community, space, raw)
        except ActivityInvalid as invalid:
            self.show_errors(invalid.errors)
            return None
        self.say("ok", "activities.panel.room_added", name=self.name.value.strip())
        self.name.value = ""
        self.panel.changed()
        return room_id

    # -- bookings --------------------------------------------------------------------------------
    def decide(self, action: str) -> str | None:
        """Approve, refuse (a reason needed) or cancel (a reason needed) the chosen booking;
        its new state, or None with the problem beside its field (nothing written)."""
        self.booking_error.value = self.reason_error.value = self.decided.value = ""
        booking_id = self.booking.value
        reason, problem = check_text(self.reason.value, required=action != "approve",
                                     max_chars=REASON_MAX_CHARS)
        if booking_id is None:
            self.booking_error.value = error_html(self.t("activities.panel.choose_booking"))
        if problem:
            self.reason_error.value = error_html(self.t("activities.panel.reason_needed",
                                                        most=REASON_MAX_CHARS))
        if booking_id is None or problem:
            return None
        store, person = self.panel.store, self.panel.person or "steward"
        try:
            if action == "cancel":
                state = store.cancel_booking(booking_id, person, reason)
            else:
                state = store.decide_booking(booking_id, person, action == "approve", reason)
        except SignupRefused as refused:
            self.refresh()
            self.booking_error.value = error_html(self.t(refused.key, **refused.params))
            return None
        self.reason.value = ""
        self.panel.changed()
        done = self.t(f"activities.panel.done.{state}")
        refunded = store.booking_charge(booking_id)["refunded"] if state != "approved" else 0
        if refunded:  # given back in the same transaction (docs/activities.md)
            done += " " + self.t("activities.panel.refunded", points=refunded)
        self.decided.value = f"<p class='wb-ok' role='status'>{esc(done)}</p>"
        return state

    # -- the calendar file -----------------------------------------------------------------------
    def _show_ics(self) -> None:
        name = self.panel.space_names().get(self.ics_space.value, NO_VALUE)
        self.ics.label = self.t("activities.panel.ics_download", space=name)
        self.ics.refresh()

    def _ics_name(self) -> str:
        return f"{self.panel.community.id}-{self.ics_space.value or 'space'}.ics"

    def ics_bytes(self) -> bytes | None:
        """The chosen space's calendar (:func:`workflow.space_ics`); None (no link) while no
        space is chosen."""
        if not self.ics_space.value:  # nothing chosen (or no options yet)
            return None
        text = workflow.space_ics(self.panel.store, self.panel.community, self.ics_space.value,
                                  self.panel.lang)
        return text.encode("utf-8")
