"""Booking a room on the resident page: a space's room and a day, the slots still free that
day (:func:`workbench.activities.workflow.free_slots_on`), a slot requested with the
participation code; the steward then approves or refuses it.

The times are typed (or filled by tapping a free slot) as HH:MM and checked in Python by the
rules (:func:`workbench.activities.rules.validate_booking`) before the code is asked for:
each problem (a bad time, outside opening hours, an end before the start, a slot taken in
the meantime) shows beside its field in the resident's language, and nothing is stored. A
room that costs points says its price an hour and, once the times are typed, what they cost:
the points charged with the booking, in its transaction (a short balance books nothing). A
form sent twice (a double tap) carries one request key: one booking, charged once.

A request refused because the room was taken or closed at the time asked is kept (room and
times only) as demand the room could not meet, at most :data:`UNMET_PER_PAGE` per page and
each slot once: the planners' use of spaces counts it.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import ipywidgets as w

from workbench.activities import workflow
from workbench.activities.my_bookings_page import MyBookings
from workbench.activities.rules import (
    BOOKING_HORIZON,
    ActivityInvalid,
    Room,
    SignupRefused,
    a_date,
    clock,
    validate_booking,
    whole_number,
)
from workbench.activities.wording import day_text, place_text, span_text
from workbench.escaping import esc
from workbench.page.access import link_message, live, scroll_to
from workbench.page.choices import offer
from workbench.page.part import PagePart
from workbench.page.safety import server_log
from workbench.store.engine import StoreBusy

#: booking requests of one page: at most 20, two seconds apart
BOOKINGS_PER_PAGE, SECONDS_BETWEEN_BOOKINGS = 20, 2.0
#: requests refused as taken or closed one page keeps as unmet demand (a flood counts so many)
UNMET_PER_PAGE = 5
#: tapping a free slot proposes its first hour (or the whole slot, when shorter)
PROPOSED = timedelta(hours=1)
#: the fields of the form, as the rules name them (their messages show beside them)
FIELDS = ("room", "day", "starts_at", "ends_at", "purpose")


def typed_clock(text) -> str:
    """A time as typed on a phone, as HH:MM: a Chinese keyboard's full-width colon "：" and
    a one-digit hour ("9:30") are read as meant; anything else is left for the rules."""
    if not isinstance(text, str):
        return ""
    text = text.strip().replace("\uff1a", ":")
    return "0" + text if len(text) == 4 and text[1] == ":" else text


class RoomBooking(PagePart):
    """The room-booking section (``.widget``)."""

    NAME = "room_booking"
    ORDER = 75
    CSS = "page.css"
    LAZY = True
    HEADING = "activities.booking.heading"

    def __init__(self, session, page):
        super().__init__(session, page)
        self.rooms: list[dict] = []
        self.slots: list[tuple[datetime, datetime]] = []
        self.errors: dict[str, tuple[str, dict]] = {}
        self.booked: dict | None = None  # the last request made: what the receipt says
        self._relabelling = False
        self.limiter = session.limiter("room_booking", BOOKINGS_PER_PAGE,
                                       SECONDS_BETWEEN_BOOKINGS)
        self.unmet_limiter = session.limiter("room_unmet", UNMET_PER_PAGE, 0.0)
        self.unmet_noted: set[tuple] = set()
        self.request_key = secrets.token_hex(16)  # the form as it stands (new on a change)

    # -- building ---------------------------------------------------------------------------
    def build(self) -> None:
        safe = self.page.safe
        self.booking_intro = self.page.text()
        self.room_input = w.Dropdown(options=[("", "")], value="")
        self.day_input = w.Dropdown(options=[("", "")], value="")
        self.from_input = w.Text(continuous_update=False, placeholder="09:00")
        self.to_input = w.Text(continuous_update=False, placeholder="10:00")
        self.purpose_input = w.Text(continuous_update=False)
        self.field_errors = {name: self.page.text() for name in FIELDS}
        inputs = dict(zip(FIELDS, (self.room_input, self.day_input, self.from_input,
                                   self.to_input, self.purpose_input)))
        rows = []
        for name, field in inputs.items():
            field.add_class("wb-field")
            field.add_class(f"wb-booking-{name.replace('_', '-')}")
            error = self.field_errors[name]
            error.add_class("wb-error")
            link_message(f"booking-{name.replace('_', '-')}", field, error)
            rows.append((field, error))
        self.price = self.page.text()
        self.slots_text = self.page.text()
        live(self.slots_text)
        self.slot_buttons = w.HBox()
        self.slot_buttons.add_class("wb-slots")
        self._slot_pool: list[w.Button] = []
        self.room_input.observe(safe(self._on_choice), names="value")
        self.day_input.observe(safe(self._on_choice), names="value")
        for field in (self.from_input, self.to_input, self.purpose_input):
            field.observe(safe(self._on_typed), names="value")
        self.request_button = w.Button(button_style="primary")
        self.request_button.add_class("wb-request-booking")
        self.request_button.on_click(safe(lambda _b: self.request()))
        self.booking_message = self.page.text()
        live(self.booking_message)
        # the code's bookings, to cancel (a slot cancelled is free again)
        self.mine = MyBookings(self.session, self.page, on_cancel=self._cancelled)
        (room, room_error), (day, day_error), *times = rows
        self.widget = w.VBox([self.booking_intro, room, room_error, self.price, day, day_error,
                              self.slots_text, self.slot_buttons,
                              *[x for pair in times for x in pair], self.request_button,
                              self.booking_message, self.mine.widget])
        self.widget.add_class("wb-booking")

    # -- reading ----------------------------------------------------------------------------
    @property
    def zone(self) -> str:
        return self.session.community.time_zone

    def _today(self):
        return datetime.now(ZoneInfo(self.zone)).date()

    def refresh(self) -> None:
        if not self.built:
            return  # read when opened
        community = self.session.community
        self.rooms = [r for r in self.store.rooms(community.id)
                      if r["public_space_id"] in community.public_spaces]
        self.render()
        self._read_slots()
        self.mine.refresh()

    def on_code(self) -> None:
        if self.built:
            self.mine.refresh()

    def _room(self) -> dict | None:
        chosen = whole_number(self.room_input.value)
        return next((r for r in self.rooms if r["id"] == chosen), None)

    def _day(self):
        day = a_date(self.day_input.value)
        today = self._today()
        return day if day is not None and today <= day <= today + BOOKING_HORIZON else None

    def _on_choice(self, _change=None) -> None:
        if self._relabelling:
            return
        self.booked, self.errors = None, {}
        self.request_key = secrets.token_hex(16)
        self.render()  # the room's hours and price
        self._read_slots()

    def _on_typed(self, _change=None) -> None:
        """A time or the purpose changed: another request (its own key), its cost shown."""
        self.request_key = secrets.token_hex(16)
        self._render_price()

    def _read_slots(self) -> None:
        room, day = self._room(), self._day()
        self.slots = []
        if room is not None and day is not None:
            now = datetime.now(timezone.utc)
            for start, end in workflow.free_slots_on(self.store, self.session.community,
                                                     room["id"], day):
                if end <= now:
                    continue
                if start < now:  # today: from the next quarter hour
                    local = now.astimezone(ZoneInfo(self.zone))
                    start = local.replace(minute=local.minute - local.minute % 15, second=0,
                                          microsecond=0) + timedelta(minutes=15)
                if end - start >= timedelta(minutes=15):
                    self.slots.append((start, end))
        self._render_slots()

    # -- showing ----------------------------------------------------------------------------
    def render(self) -> None:
        if not self.built:
            return
        t, lang, community = self.t, self.lang, self.session.community
        self.booking_intro.value = f"<p class='wb-hint'>{esc(t('activities.booking.intro'))}</p>"
        rooms = [(t("activities.booking.choose_room"), "")] + [
            (place_text(community, lang, r["public_space_id"], r["name"]), r["id"])
            for r in self.rooms]
        today = self._today()
        days = [(t("activities.booking.choose_day"), "")] + [
            (day_text(lang, today + timedelta(days=n)), (today + timedelta(days=n)).isoformat())
            for n in range(BOOKING_HORIZON.days)]
        self._relabelling = True  # new labels, the same choice: not a new choice
        try:
            offer(self.room_input, rooms)
            offer(self.day_input, days)
        finally:
            self._relabelling = False
        self.room_input.description = t("activities.booking.room")
        self.day_input.description = t("activities.booking.day")
        self.from_input.description = t("activities.booking.from")
        self.to_input.description = t("activities.booking.to")
        self.purpose_input.description = t("activities.booking.purpose")
        self.purpose_input.placeholder = t("activities.booking.purpose_example")
        self.request_button.description = t("activities.booking.request")
        self._render_price()
        for name, error in self.field_errors.items():
            problem = self.errors.get(name)
            error.value = esc(t(problem[0], **problem[1])) if problem else ""
        self._render_slots()
        self._render_receipt()
        self.mine.render()

    def _span(self) -> tuple[datetime, datetime] | None:
        """The times typed, as local datetimes of the chosen day, when both read as times
        and the end is after the start (the rules check the rest)."""
        day = self._day()
        start = clock(typed_clock(self.from_input.value))
        end = clock(typed_clock(self.to_input.value))
        if day is None or start is None or end is None or end <= start:
            return None
        zone = ZoneInfo(self.zone)
        return (datetime.combine(day, start, tzinfo=zone),
                datetime.combine(day, end, tzinfo=zone))

    def _render_price(self) -> None:
        """The room's hours and price an hour; with times typed, what they cost (the price
        :func:`workflow.price_of` charges)."""
        t, room = self.t, self._room()
        if room is None:
            self.price.value = ""
            return
        hours = t("activities.booking.hours", opens=room["opens"], closes=room["closes"])
        cost = (t("activities.booking.price", points=room["points_cost"])
                if room["points_cost"] else t("activities.booking.free"))
        line = f"{esc(hours)} · {esc(cost)}"
        span = self._span()
        if room["points_cost"] and span is not None:
            line += " · " + esc(t("activities.booking.cost",
                                  points=workflow.price_of(room, *span)))
        self.price.value = f"<p class='wb-hint wb-booking-price'>{line}</p>"

    def _render_slots(self) -> None:
        t = self.t
        if self._room() is None or self._day() is None:
            self.slots_text.value = ""
        elif not self.slots:
            self.slots_text.value = f"<p>{esc(t('activities.booking.no_slots'))}</p>"
        else:
            self.slots_text.value = f"<p>{esc(t('activities.booking.free_slots'))}</p>"
        while len(self._slot_pool) < len(self.slots):
            n = len(self._slot_pool)
            button = w.Button(layout={"width": "auto"})
            button.add_class("wb-slot")
            button.on_click(self.page.safe(lambda _b, n=n: self.pick_slot(n)))
            self._slot_pool.append(button)
        for button, (start, end) in zip(self._slot_pool, self.slots):
            button.description = span_text(start, end, self.zone)
        self.slot_buttons.children = self._slot_pool[:len(self.slots)]

    def _cancelled(self, booking_id: int) -> None:
        """A booking of mine was cancelled: its time is free again, and the receipt of its
        request (if still shown) no longer says it is held."""
        if self.booked is not None and self.booked.get("id") == booking_id:
            self.booked = None
            self._render_receipt()
        self._read_slots()

    def _render_receipt(self) -> None:
        booked, t = self.booked, self.t
        if booked is None:
            self.booking_message.value = ""
            return
        if "problem" in booked:
            key, params = booked["problem"]
            self.booking_message.value = f"<p class='wb-error'>{esc(t(key, **params))}</p>"
            return
        place = place_text(self.session.community, self.lang, booked["space"], booked["room"])
        lines = [f"<h3>{esc(t('activities.booking.requested'))}</h3>",
                 f"<p>{esc(place)}</p>",
                 f"<p>{esc(day_text(self.lang, booked['day']))} {esc(booked['span'])}</p>",
                 f"<p>{esc(t('activities.booking.number', number=booked['id']))}</p>",
                 (f"<p>{esc(t('activities.booking.charged', points=booked['points']))}</p>"
                  if booked["points"] else ""),
                 f"<p class='wb-hint'>{esc(t('activities.booking.next'))}</p>"]
        self.booking_message.value = ("<div class='wb-receipt' role='status'>" + "".join(lines)
                                      + "</div>")

    # -- acting -----------------------------------------------------------------------------
    def pick_slot(self, index: int) -> None:
        """Fill the times with a free slot's first hour (or the whole slot, if shorter)."""
        if type(index) is not int or not 0 <= index < len(self.slots):  # not a bool
            return
        start, end = self.slots[index]
        end = min(end, start + PROPOSED)
        zone = ZoneInfo(self.zone)
        self.from_input.value = start.astimezone(zone).strftime("%H:%M")
        self.to_input.value = end.astimezone(zone).strftime("%H:%M")

    def _checked(self) -> tuple[dict, dict]:
        """The room and the request (purpose, local start and end) the form holds, or
        :class:`ActivityInvalid` with each problem by field."""
        errors: dict[str, tuple[str, dict]] = {}
        room, day = self._room(), self._day()
        if room is None:
            errors["room"] = ("activities.error.room_choose", {})
        if day is None:
            errors["day"] = ("activities.error.day", {})
        times = {}
        for name, field in (("starts_at", self.from_input), ("ends_at", self.to_input)):
            times[name] = clock(typed_clock(field.value))
            if times[name] is None:
                errors[name] = ("activities.error.clock", {})
        raw = {"purpose": self.purpose_input.value}
        if day is not None:
            for name, moment in times.items():
                if moment is not None:
                    raw[name] = datetime.combine(day, moment)
        try:
            if room is not None:
                validate_booking(raw, Room(room["name"], room["opens"], room["closes"],
                                           room["points_cost"]),
                                 self.zone, datetime.now(timezone.utc))
        except ActivityInvalid as invalid:
            errors = {**invalid.errors, **errors}
        if errors:
            raise ActivityInvalid(errors)
        return room, raw

    def request(self) -> int | None:
        """Request the slot the form holds for the page's code; the booking's id, or None
        with the problems beside their fields."""
        if self.booked and self.booked.get("key") == self.request_key:
            self._render_receipt()  # the same form again (a double tap): the same booking
            scroll_to(self.booking_message)
            return self.booked["id"]
        self.errors, self.booked = {}, None
        try:
            room, raw = self._checked()
        except ActivityInvalid as invalid:  # nothing asked of the store
            self.errors = dict(invalid.errors)
            self._note_unmet(self._room(), self.errors.get("starts_at"))
            self.render()
            scroll_to(self.field_errors[next(n for n in FIELDS if n in self.errors)])
            return None

        key = self.request_key

        def write(code_id, _valid):
            return workflow.request_booking(self.store, self.session.community, room["id"],
                                            code_id, raw, request_key=key)

        try:
            outcome = self.session.act(self.limiter, write, need_code="activities.needs_code")
        except ActivityInvalid as invalid:  # the rules again, at the moment of writing
            self.errors = dict(invalid.errors)
        except SignupRefused as refused:  # taken meanwhile, or too few points: beside the time
            self.errors = {"starts_at": (refused.key, refused.params)}
            self._note_unmet(room, (refused.key, refused.params))
        else:
            if outcome.done:
                zone = ZoneInfo(self.zone)
                start = raw["starts_at"].replace(tzinfo=zone)
                end = raw["ends_at"].replace(tzinfo=zone)
                self.booked = {
                    "id": outcome.value, "day": start.date(),
                    "span": span_text(start, end, self.zone), "key": key,
                    "space": room["public_space_id"], "room": room["name"],
                    "points": self.store.booking_charge(outcome.value)["charged"]}
            else:
                message = outcome.message
                self.booked = {"problem": ("activities.busy", {})
                               if message and message[0] == "error.busy" else message}
        self.render()
        self._read_slots()  # the slot just requested is no longer free
        self.mine.refresh()  # and it is on the list of mine
        first = next((n for n in FIELDS if n in self.errors), None)
        scroll_to(self.field_errors[first] if first else self.booking_message)
        return self.booked.get("id") if self.booked else None

    def _note_unmet(self, room: dict | None, problem: tuple[str, dict] | None) -> None:
        """A request refused as taken or closed, kept as demand the room could not meet:
        each slot once per page, at most :data:`UNMET_PER_PAGE` a page (the page's limiter),
        never in the way of the answer the resident gets."""
        span = self._span()
        if room is None or problem is None or span is None or \
                problem[0] not in workflow.UNMET_BY_KEY:
            return
        slot = (room["id"], *span)
        if slot in self.unmet_noted or self.unmet_limiter.check():
            return
        try:
            workflow.note_unmet(self.store, self.session.community, room["id"], *span,
                                problem[0])
        except (StoreBusy, SignupRefused, ActivityInvalid) as exc:
            # evidence for planners: it never fails the resident's page
            server_log().warning("room request not noted as unmet: %r", exc)
            return
        self.unmet_noted.add(slot)
        self.unmet_limiter.record()
