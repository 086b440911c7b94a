"""A resident's own room bookings, under "Book a room" on the resident page (built and
refreshed by :class:`workbench.activities.booking_page.RoomBooking`).

With the page's participation code: the bookings still ahead or under way (requested or
approved), and those refused or cancelled in the last :data:`RECENT` with the steward's
reason; each with its place, local day and time, state and the points it cost. A booking
not yet started has a "Cancel" button; a tap asks to confirm, and the confirmation cancels it
through :func:`workbench.activities.workflow.cancel_my_booking` (the points back, once). The
store cancels only the code's own bookings: an id a client makes up is refused there.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import ipywidgets as w

from workbench import i18n
from workbench.activities import workflow
from workbench.activities.rules import SignupRefused
from workbench.activities.wording import place_text, when_text
from workbench.escaping import esc
from workbench.page.access import link_message, live, scroll_to

#: refused and cancelled bookings stay on the list this long after the decision
RECENT = timedelta(days=30)
#: at most so many bookings on the list
SHOWN = 30
#: cancellations of one page: at most 30, none closer than half a second
CANCELS_PER_PAGE, SECONDS_BETWEEN_CANCELS = 30, 0.5
LIVE = ("requested", "approved")


class MyBookings:
    """The list (``.widget``) of the page's code's bookings, with their "Cancel" buttons."""

    def __init__(self, session, page, on_cancel=None):
        self.session, self.page, self.store = session, page, session.store
        # told the booking's id after a cancellation (the room's free times, its receipt)
        self.on_cancel = on_cancel
        self.shown: list[dict] = []
        self.chosen: int | None = None  # the booking whose confirmation is shown
        self.receipt: tuple[str, dict] | None = None  # what the last cancellation came to
        self.receipt_ok = False
        self.limiter = session.limiter("booking_cancel", CANCELS_PER_PAGE,
                                       SECONDS_BETWEEN_CANCELS)
        self._cards: list[tuple[w.HTML, w.Button, w.VBox]] = []  # reused, never remade
        safe = page.safe
        self.heading = page.text()
        self.cards_box = w.VBox()
        self.cards_box.add_class("wb-my-bookings-list")
        self.confirm_text = page.text()
        self.confirm_button = w.Button(button_style="danger")
        self.confirm_button.add_class("wb-my-booking-confirm")
        self.confirm_button.on_click(safe(lambda _b: self.confirm()))
        self.keep_button = w.Button()
        self.keep_button.add_class("wb-my-booking-keep")
        self.keep_button.on_click(safe(lambda _b: self.choose(None)))
        self.confirm_box = w.VBox([self.confirm_text,
                                   w.HBox([self.confirm_button, self.keep_button])])
        self.confirm_box.add_class("wb-my-booking-confirm-box")
        self.receipt_html = page.text()
        live(self.receipt_html)
        link_message("my-booking-cancel", self.confirm_button, self.receipt_html)
        self.widget = w.VBox([self.heading, self.cards_box, self.receipt_html])
        self.widget.add_class("wb-my-bookings")

    @property
    def lang(self) -> str:
        return self.session.lang

    def t(self, key: str, **params) -> str:
        return i18n.t(self.lang, key, **params)

    # -- reading ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the code's bookings again (a new code, a new request, a cancellation)."""
        code_id, now = self.session.code_id, datetime.now(timezone.utc)
        rows = [] if code_id is None else self.store.bookings_of(
            self.session.community.id, code_id=code_id)
        self.shown = [dict(b, **self.store.booking_charge(b["id"])) for b in rows
                      if (b["status"] in LIVE and b["ends_at"] > now)
                      or (b["status"] not in LIVE
                          and (b["decided_at"] or b["starts_at"]) > now - RECENT)][:SHOWN]
        if self.chosen not in {b["id"] for b in self.shown if self._cancellable(b, now)}:
            self.chosen = None
        self.render()

    @staticmethod
    def _cancellable(booking: dict, now: datetime) -> bool:
        return booking["status"] in LIVE and booking["starts_at"] > now

    # -- showing ----------------------------------------------------------------------------
    def render(self) -> None:
        t, now = self.t, datetime.now(timezone.utc)
        heading = f"<h3 class='wb-my-bookings-heading'>{esc(t('activities.mine.heading'))}</h3>"
        if self.session.code_id is None:
            note = t("activities.mine.needs_code")
        elif not self.shown:
            note = t("activities.mine.none")
        else:
            note = ""
        self.heading.value = heading + (f"<p class='wb-hint'>{esc(note)}</p>" if note else "")
        while len(self._cards) < len(self.shown):
            n = len(self._cards)
            text, button = self.page.text(), w.Button()
            button.add_class("wb-my-booking-cancel")
            button.on_click(self.page.safe(lambda _b, n=n: self._on_cancel_tap(n)))
            box = w.VBox([text, button])
            box.add_class("wb-my-booking")
            self._cards.append((text, button, box))
        children = []
        for (text, button, box), booking in zip(self._cards, self.shown):
            text.value = self._card_html(booking, now)
            button.description = t("activities.mine.cancel", number=booking["id"])
            box.children = [text, button] if self._cancellable(booking, now) else [text]
            children.append(box)
            if booking["id"] == self.chosen:
                children.append(self.confirm_box)
        self.cards_box.children = children
        self._render_confirm()
        self._render_receipt()

    def _card_html(self, booking: dict, now: datetime) -> str:
        t, lang, zone = self.t, self.lang, self.session.community.time_zone
        when = when_text(lang, booking["starts_at"], booking["ends_at"], zone)
        place = place_text(self.session.community, lang, booking["public_space_id"],
                           booking["room"])
        state = t(f"activities.mine.status.{booking['status']}")
        number = t("activities.mine.number", number=booking["id"])
        lines = [f"<p class='wb-when'>{esc(when)}</p>", f"<p>{esc(place)}</p>",
                 f"<p><strong>{esc(state)}</strong> · {esc(number)}</p>"]
        if booking["charged"]:
            points = [t("activities.mine.charged", points=booking["charged"])]
            if booking["refunded"]:
                points.append(t("activities.mine.refunded", points=booking["refunded"]))
            lines.append(f"<p>{esc(' · '.join(points))}</p>")
        if booking["status"] not in LIVE and booking["reason"]:
            lines.append(f"<p>{esc(t('activities.mine.reason', reason=booking['reason']))}"
                         "</p>")
        if booking["status"] in LIVE and booking["starts_at"] <= now:
            lines.append(f"<p class='wb-hint'>{esc(t('activities.mine.started'))}</p>")
        return "".join(lines)

    def _render_confirm(self) -> None:
        t = self.t
        booking = next((b for b in self.shown if b["id"] == self.chosen), None)
        self.confirm_button.description = t("activities.mine.confirm_button")
        self.keep_button.description = t("activities.mine.keep")
        if booking is None:
            self.confirm_text.value = ""
            return
        when = when_text(self.lang, booking["starts_at"], booking["ends_at"],
                         self.session.community.time_zone)
        key = "activities.mine.confirm" if booking["charged"] else "activities.mine.confirm_free"
        question = t(key, number=booking["id"], when=when, points=booking["charged"])
        self.confirm_text.value = f"<p>{esc(question)}</p>"

    def _render_receipt(self) -> None:
        if self.receipt is None:
            self.receipt_html.value = ""
            return
        key, params = self.receipt
        css = "wb-receipt" if self.receipt_ok else "wb-error"
        self.receipt_html.value = (f"<p class='{css}' role='status'>"
                                   f"{esc(self.t(key, **params))}</p>")

    # -- acting -----------------------------------------------------------------------------
    def _on_cancel_tap(self, n: int) -> None:
        if 0 <= n < len(self.shown):
            self.choose(self.shown[n]["id"])

    def choose(self, booking_id: int | None) -> None:
        """Ask to confirm cancelling ``booking_id`` (one of the list's, not started), or take
        the question away (None)."""
        now = datetime.now(timezone.utc)
        self.chosen = booking_id if any(
            b["id"] == booking_id and self._cancellable(b, now) for b in self.shown) else None
        self.receipt = None
        self.render()
        if self.chosen is not None:
            scroll_to(self.confirm_box)

    def confirm(self) -> int | None:
        """The confirmation tapped: cancel the chosen booking. A second tap once it is done
        shows the same receipt again and asks nothing of the store."""
        if self.chosen is None:
            if self.receipt is not None:
                scroll_to(self.receipt_html)
            return None
        self.confirm_button.disabled = True  # a second tap waits for the answer
        try:
            return self.cancel(self.chosen)
        finally:
            self.confirm_button.disabled = False

    def cancel(self, booking_id) -> int | None:
        """Cancel ``booking_id`` for the page's code; the points given back, or None with
        the reason in the receipt line (not the code's booking, started, decided)."""
        if type(booking_id) is not int:  # not a bool, nor text a client made up
            return None
        self.chosen = None

        def write(code_id, _valid):
            workflow.cancel_my_booking(self.store, booking_id, code_id)
            return self.store.booking_charge(booking_id)["refunded"]

        try:
            outcome = self.session.act(self.limiter, write,
                                       need_code="activities.mine.needs_code")
        except SignupRefused as refused:
            self.receipt, self.receipt_ok = (refused.key, refused.params), False
        else:
            if outcome.done:
                key = ("activities.mine.cancelled" if outcome.value
                       else "activities.mine.cancelled_free")
                self.receipt = (key, {"number": booking_id, "points": outcome.value})
                self.receipt_ok = True
                if self.on_cancel is not None:
                    self.on_cancel(booking_id)
            else:
                message = outcome.message
                self.receipt = (("activities.busy", {}) if message and message[0] == "error.busy"
                                else message)
                self.receipt_ok = False
        self.refresh()
        scroll_to(self.receipt_html)
        return outcome.value if self.receipt_ok else None
