"""Activities and rooms on the resident page, phone first: the community's calendar for the
coming weeks (all spaces or one), signing up and cancelling with the participation code
(a waiting list when full; a freed place goes to the first waiting), "I am here" when the
page was opened from the organiser's QR code at the door (``?checkin=``,
:mod:`workbench.activities.checkin`), and booking a room (:mod:`.booking_page`).

Every action goes through the participant's session (code, rate limit, then the write); the
rules and the store decide, this module only shows what they said, in the resident's
language, next to what was tapped. Both sections are folded until opened: nothing here is
read from the store at page start.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import ipywidgets as w
from ipywidgets.widgets.widget_string import HTMLStyle

from workbench import vocabulary
from workbench.activities import checkin, workflow
from workbench.activities.booking_page import RoomBooking
from workbench.activities.rules import SignupRefused
from workbench.activities.wording import place_text, space_name, when_text
from workbench.escaping import esc
from workbench.page.access import live, scroll_to
from workbench.page.choices import offer
from workbench.page.part import PagePart

#: the calendar shows the meetings of the coming four weeks, at most MOST_SHOWN of them
CALENDAR_WEEKS = 4
MOST_SHOWN = 40
#: sign-ups and cancellations of one page: at most 200; a second tap on the same card within
#: a second is the first one's double (else it would cancel the place just taken)
SIGNUPS_PER_PAGE, SAME_CARD_SECONDS = 200, 1.0


class ActivityCalendar(PagePart):
    """The activities section (``.widget``): check-in (from the QR link), the space filter,
    one card per meeting with its button, and the answer to the last tap below its card."""

    NAME = "activities"
    ORDER = 70
    CSS = "page.css"
    LAZY = True
    HEADING = "activities.heading"
    OK_MESSAGES = frozenset({"activities.signed_up", "activities.on_waiting_list",
                             "activities.cancelled", "activities.cancelled_moved",
                             "activities.checkin.done",
                             "activities.checkin.done_before"})

    def __init__(self, session, page):
        super().__init__(session, page)
        self.meetings: list[dict] = []  # shown, in order: what each card's button acts on
        self.capped = False
        self.mine: dict = {}  # the page code's sign-ups: {(activity id, date): place}
        self.rooms: dict[int, str] = {}
        #: the answer to the last tap: (key, params), the meeting it is about
        self.answer: tuple[str, dict] | None = None
        self.answer_for: tuple[int, object] | None = None
        self.checkin_link: str | None = None
        self.checkin_meeting: dict | None = None
        self.checkin_said: tuple[str, dict] | None = None
        self._relabelling = False
        self.limiter = session.limiter("activities", SIGNUPS_PER_PAGE, 0)
        self._tapped: dict[tuple, float] = {}  # meeting: when its card was last acted on

    # -- building ---------------------------------------------------------------------------
    def build(self) -> None:
        safe = self.page.safe
        self.checkin_text = self.page.text()
        self.here_button = w.Button(button_style="success")
        self.here_button.add_class("wb-here")
        self.here_button.on_click(safe(lambda _b: self.check_in()))
        self.checkin_message = self.page.text()
        live(self.checkin_message)
        self.checkin_box = w.VBox([self.checkin_text, self.here_button, self.checkin_message],
                                  layout={"display": "none"})
        self.checkin_box.add_class("wb-checkin")
        self.intro = self.page.text()
        self.space_input = w.Dropdown(options=[("", "")], value="")
        self.space_input.add_class("wb-field")
        self.space_input.add_class("wb-activity-space")
        self.space_input.observe(safe(self._on_space), names="value")
        self.calendar_note = self.page.text()
        live(self.calendar_note)
        self.cards = w.VBox()
        self.cards.add_class("wb-activity-list")
        self.answer_html = self.page.text()
        live(self.answer_html)
        # cards are kept and reused, and share their layouts and styles: three widgets a card
        self._card_looks = (w.Layout(), HTMLStyle(), w.Layout(width="100%"), w.ButtonStyle())
        self._cards: list[tuple[w.HTML, w.Button, w.VBox]] = []
        self.widget = w.VBox([self.checkin_box, self.intro, self.space_input,
                              self.calendar_note, self.cards])
        self.widget.add_class("wb-activities")

    def _card(self, index: int) -> tuple[w.HTML, w.Button, w.VBox]:
        while len(self._cards) <= index:
            layout, text_style, button_layout, button_style = self._card_looks
            text = w.HTML(layout=layout, style=text_style)
            button = w.Button(layout=button_layout, style=button_style)
            button.add_class("wb-activity-act")
            n = len(self._cards)
            button.on_click(self.page.safe(lambda _b, n=n: self.act_on(n)))
            box = w.VBox([text, button], layout=layout)
            box.add_class("wb-activity")
            self._cards.append((text, button, box))
        return self._cards[index]

    # -- reading ----------------------------------------------------------------------------
    def _today(self):
        return datetime.now(ZoneInfo(self.session.community.time_zone)).date()

    def refresh(self) -> None:
        if not self.built:
            return  # read when opened
        community = self.session.community
        first = self._today()
        last = first + timedelta(weeks=CALENDAR_WEEKS)
        now = datetime.now(timezone.utc)
        space = self.space_input.value or None
        if space is not None and space not in community.public_spaces:
            space = None
        upcoming = [m for m in workflow.calendar(self.store, community, first, last, space)
                    if m["starts_at"] > now]  # sign-ups close when a meeting starts
        self.capped = len(upcoming) > MOST_SHOWN
        self.meetings = upcoming[:MOST_SHOWN]
        self.rooms = {r["id"]: r["name"] for r in self.store.rooms(community.id)}
        code_id = self.session.code_id
        self.mine = (self.store.signups_of_code(
            code_id, sorted({m["activity_id"] for m in self.meetings}), first, last)
            if code_id is not None else {})
        self.render()

    # -- showing ----------------------------------------------------------------------------
    def render(self) -> None:
        if not self.built:
            return  # drawn when opened
        t, community = self.t, self.session.community
        self.intro.value = f"<p class='wb-hint'>{esc(t('activities.intro'))}</p>"
        names = sorted(((space_name(community, self.lang, sid), sid)
                        for sid in community.public_spaces), key=lambda o: o[0])
        options = [(t("activities.all_spaces"), "")] + names
        self._relabelling = True  # new labels, the same choice: not a new choice
        try:
            offer(self.space_input, options)
        finally:
            self._relabelling = False
        self.space_input.description = t("activities.space_label")
        if not self.meetings:
            self.calendar_note.value = f"<p>{esc(t('activities.none', weeks=CALENDAR_WEEKS))}</p>"
        else:
            more = f" {t('activities.capped', n=MOST_SHOWN)}" if self.capped else ""
            self.calendar_note.value = (
                f"<p class='wb-hint'>{esc(t('activities.coming', weeks=CALENDAR_WEEKS))}"
                f"{esc(more)}</p>")
        children = []
        for index, meeting in enumerate(self.meetings):
            text, button, box = self._card(index)
            key = (meeting["activity_id"], meeting["on"])
            place = self.mine.get(key)
            text.value = self._card_html(meeting, place)
            button.description = t("activities.cancel" if place else
                                   "activities.sign_up" if meeting["places_left"]
                                   else "activities.join_waiting")
            children.append(box)
            if key == self.answer_for:
                children.append(self.answer_html)
        self.cards.children = children
        self.answer_html.value = self._answer_html()
        self._render_checkin()

    def _card_html(self, m: dict, place: dict | None) -> str:
        t, lang, community = self.t, self.lang, self.session.community
        when = when_text(lang, m["starts_at"], m["ends_at"], community.time_zone)
        where = place_text(community, lang, m["public_space_id"], self.rooms.get(m["room_id"]))
        if m["places_left"]:
            places = t("activities.places_left", n=m["places_left"], capacity=m["capacity"])
        else:
            places = t("activities.full", waiting=m["waiting"])
        lines = [f"<p class='wb-when'>{esc(when)}</p>",
                 f"<h3 class='wb-activity-title'>{esc(m['title'])}</h3>",
                 f"<p>{esc(t('activities.where', place=where))}</p>",
                 f"<p class='wb-hint'>{esc(vocabulary.scenario_label(m['scenario'], lang))}"
                 f" · {esc(t('activities.organiser', name=m['organiser']))}</p>",
                 f"<p class='wb-places{' wb-full' if not m['places_left'] else ''}'>"
                 f"{esc(places)}</p>"]
        if place:
            mine = (t("activities.you_have_place") if place["status"] == "accepted"
                    else t("activities.you_wait", position=place["position"]))
            lines.append(f"<p class='wb-ok'>{esc(mine)}</p>")
        return "".join(lines)

    def _answer_html(self) -> str:
        if not self.answer:
            return ""
        key, params = self.answer
        if key in self.OK_MESSAGES:
            return (f"<div class='wb-receipt' role='status'>"
                    f"{esc(self.t(key, **params))}</div>")
        return f"<p class='wb-error'>{esc(self.t(key, **params))}</p>"

    # -- filtering --------------------------------------------------------------------------
    def _on_space(self, change) -> None:
        if not self._relabelling and change["new"] != change["old"]:
            self.answer, self.answer_for = None, None
            self.refresh()

    # -- signing up and cancelling ----------------------------------------------------------
    def act_on(self, index: int) -> tuple[str, dict] | None:
        """The button of the ``index``-th card: sign up for its meeting, or cancel the place
        (or the waiting) the page's code has there. The answer shows below the card."""
        if type(index) is not int or not 0 <= index < len(self.meetings):  # not a bool
            return None
        meeting = self.meetings[index]
        key = (meeting["activity_id"], meeting["on"])
        if time.monotonic() - self._tapped.get(key, -SAME_CARD_SECONDS) < SAME_CARD_SECONDS:
            return self.answer  # a double tap: the first one is answered
        cancelling = key in self.mine
        community = self.session.community
        when = when_text(self.lang, meeting["starts_at"], meeting["ends_at"],
                         community.time_zone)
        about = {"title": meeting["title"], "when": when}

        def write(code_id, _valid):
            if cancelling:
                return self.store.cancel_signup(meeting["activity_id"], meeting["on"], code_id)
            return self.store.sign_up(meeting["activity_id"], meeting["on"], code_id)

        try:
            outcome = self.session.act(self.limiter, write, need_code="activities.needs_code")
        except SignupRefused as refused:
            self.answer = (refused.key, refused.params)
        else:
            if not outcome.done:
                self.answer = outcome.message
            elif cancelling:
                self.answer = ("activities.cancelled_moved" if outcome.value
                               else "activities.cancelled", about)
            elif outcome.value["status"] == "accepted":
                self.answer = ("activities.signed_up", about)
            else:
                self.answer = ("activities.on_waiting_list",
                               {**about, "position": outcome.value["position"]})
        if self.answer and self.answer[0] in self.OK_MESSAGES:  # done: its double is not
            self._tapped[key] = time.monotonic()
        if self.answer and self.answer[0] == "error.busy":
            self.answer = ("activities.busy", {})
        self.answer_for = key
        self.refresh()
        scroll_to(self.answer_html)
        return self.answer

    def sign_up(self, index: int = 0):
        """Sign up for the ``index``-th meeting shown (for tools and tests: its card's
        button, when the page's code has no place there yet)."""
        return self.act_on(index)

    # -- checking in at the door ------------------------------------------------------------
    def start(self, query: dict[str, list[str]]) -> None:
        value = query.get(checkin.PARAM)
        if value:  # from the organiser's QR code at the door
            self.open_checkin(value[0])

    def open_checkin(self, value) -> bool:
        """Show the check-in a QR link names (opening the section), with "I am here" when
        the link is right and the meeting is now; False, with the reason, when not."""
        self.checkin_link, self.checkin_meeting, self.checkin_said = value, None, None
        try:
            self.checkin_meeting = checkin.verify(self.store, self.session.community, value)
        except SignupRefused as refused:
            self.checkin_said = (refused.key, refused.params)
        self.page.open_section(self.NAME)
        self._render_checkin()
        scroll_to(self.checkin_box)
        return self.checkin_meeting is not None

    def check_in(self) -> tuple[str, dict] | None:
        """"I am here": the link checked again, then the attendance confirmed with the
        page's code (points once per activity and person)."""
        if self.checkin_link is None:
            return None
        from workbench import settings
        from workbench.points.ledger import PointsRefused
        from workbench.points.rule_file import PointsRulesError, load_rules

        def write(code_id, _valid):
            try:
                rules = load_rules(settings.get("points_rules"))
            except (OSError, PointsRulesError):
                rules = None
            if rules is None:  # no rule file: the attendance alone
                found = checkin.verify(self.store, self.session.community, self.checkin_link)
                try:
                    self.store.mark_attended(found["activity_id"], found["on"], code_id,
                                             checkin.CHECKED_BY)
                except SignupRefused:
                    raise SignupRefused("activities.checkin.no_place") from None
                return None
            return checkin.check_in(self.store, self.session.community, rules,
                                    self.checkin_link, code_id)

        try:
            outcome = self.session.act(self.limiter, write, need_code="activities.needs_code")
        except SignupRefused as refused:
            self.checkin_said = (refused.key, refused.params)
        except PointsRefused:  # attended, but the rules give these points no awarder
            self.checkin_said = ("activities.checkin.done", {})
        else:
            if not outcome.done:
                self.checkin_said = outcome.message
            elif outcome.value is not None and not outcome.value[1]:
                self.checkin_said = ("activities.checkin.done_before", {})
            else:
                self.checkin_said = ("activities.checkin.done", {})
        self._render_checkin()
        scroll_to(self.checkin_box)  # the meeting and what came of it, together
        return self.checkin_said

    def _render_checkin(self) -> None:
        if not self.built:
            return
        if self.checkin_link is None:
            self.checkin_box.layout.display = "none"
            return
        t, found = self.t, self.checkin_meeting
        self.checkin_box.layout.display = None
        lines = [f"<h3>{esc(t('activities.checkin.heading'))}</h3>"]
        if found is not None:
            activity, meeting = found["activity"], found["meeting"]
            community = self.session.community
            when = when_text(self.lang, meeting.starts_at, meeting.ends_at, community.time_zone)
            where = place_text(community, self.lang, activity.public_space_id,
                               self.rooms.get(activity.room_id))
            lines += [f"<p><b>{esc(activity.title)}</b></p>",
                      f"<p>{esc(when)} · {esc(where)}</p>"]
        self.checkin_text.value = "".join(lines)
        self.here_button.description = t("activities.checkin.here")
        done = self.checkin_said is not None and self.checkin_said[0] in self.OK_MESSAGES
        self.here_button.layout.display = None if found is not None and not done else "none"
        said = self.checkin_said
        if said is None:
            self.checkin_message.value = ""
        elif said[0] in self.OK_MESSAGES:
            self.checkin_message.value = (f"<div class='wb-receipt' role='status'>"
                                          f"{esc(t(said[0], **said[1]))}</div>")
        else:
            self.checkin_message.value = f"<p class='wb-error'>{esc(t(said[0], **said[1]))}</p>"

    # -- the session's news -----------------------------------------------------------------
    def on_code(self) -> None:
        if self.built:
            self.refresh()  # the cards say what this code holds

    def show_unexpected(self) -> None:
        if self.built:
            self.calendar_note.value = (f"<p class='wb-error'>"
                                        f"{esc(self.t('error.unexpected'))}</p>")


SECTIONS = [ActivityCalendar, RoomBooking]
