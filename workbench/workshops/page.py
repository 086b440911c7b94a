"""Dot voting on a resident's phone during a workshop: the shortlist the facilitator opened,
a "+1" button per option, and the dots left.

A phone joins a workshop through the link in the QR code on the workshop's screen
(``?workshop=<id>``); the dot-voting section then comes first on the page. The page learns of a
newly opened round by itself (it looks every few seconds while it is in a workshop). A dot
needs the page's participation code; the store spends it only from the code's wallet for the
round, so no phone, tab or script gets more than N dots.
"""

from __future__ import annotations

import asyncio

import ipywidgets as w

from workbench.workshops.rules import PHONE_POLL_SECONDS
from workbench.page.access import live
from workbench.page.part import PagePart
from workbench.escaping import esc
from workbench.page.safety import server_log

#: at most one dot every 0.3 s from a page: a double tap must not spend two by accident
SECONDS_BETWEEN_DOTS = 0.3


class WorkshopSection(PagePart):
    """The place of the dot-voting section (``.widget``, empty until the page joins a
    workshop): at the top of the page."""

    NAME = "workshop"
    SLOT = "top"
    ORDER = 10
    CSS = "page.css"

    def __init__(self, session, page):
        super().__init__(session, page)
        self.dots: DotsSection | None = None
        self.widget = w.Box()

    def start(self, query: dict[str, list[str]]) -> None:
        workshop = query.get("workshop")
        if workshop:  # from the QR code on a workshop's screen
            self.join_workshop(workshop[0])

    def join_workshop(self, value) -> bool:
        """Join an open workshop of this community: counted once, proposals made here are
        shown on its screen, and its dot-voting rounds come to this page."""
        if not isinstance(value, str) or not value.isdigit() or len(value) > 9:
            return False
        workshop = self.store.workshop(int(value))
        if workshop is None or workshop["status"] != "open" \
                or workshop["community_id"] != self.session.community.id:
            return False
        self.session.workshop_id = workshop["id"]
        self.store.join_workshop(workshop["id"], self.session.respondent[:64])
        if self.dots is None:
            self.dots = DotsSection(self.session, self.page, workshop["id"])
            self.widget.children = [self.dots.widget]
        self.dots.refresh()
        self.dots.start_watching()
        self.attend(workshop)
        return True

    def on_code(self) -> None:
        """A code typed in on a page already in a workshop: the workshop as it is now."""
        if self.session.workshop_id is not None and self.session.code_id is not None:
            self.attend(self.store.workshop(self.session.workshop_id))

    def attend(self, workshop: dict | None) -> None:
        """A page in ``workshop`` with a participation code (at joining, or typed in there):
        the resident attended it, and earns its points once, while it is open (a code typed
        in after the workshop ended attended nothing)."""
        if self.session.code_id is None or workshop is None or workshop["status"] != "open":
            return
        from workbench.points.hooks import earn

        earn(self.store, self.session.community.id, self.session.code_id,
             "workshop_attended", workshop["id"])

    def render(self) -> None:
        if self.dots is not None:
            self.dots.render()


class DotsSection(PagePart):
    """The dot-voting section (``.widget``) of a page in a workshop."""

    OK_MESSAGES = frozenset({"dots.spent"})

    def __init__(self, session, page, workshop_id: int):
        super().__init__(session, page)
        self.workshop_id = workshop_id
        self.round: dict | None = None
        self.left: int | None = None
        self.mine: dict[int, int] = {}
        self.message: tuple[str, dict] | None = None
        self.limiter = session.limiter("dots", 10_000, SECONDS_BETWEEN_DOTS)
        self._safe = page.safe
        self.heading = w.HTML()
        self.left_html = w.HTML()
        self.left_html.add_class("wb-dots-left")
        self.options_box = w.VBox()
        self.status = w.HTML()
        live(self.status)
        self._rows: list[tuple[w.HTML, w.Button, w.HBox]] = []
        self.widget = w.VBox([self.heading, self.left_html, self.options_box, self.status])
        self.widget.add_class("wb-dots")
        self._task: asyncio.Task | None = None

    # -- reading ----------------------------------------------------------------------------
    def refresh(self) -> None:
        current = self.store.open_round_of(self.workshop_id)
        if (current or {}).get("id") != (self.round or {}).get("id"):
            self.message = None
        self.round = current
        code_id = self.session.code_id
        if self.round and code_id is not None:
            self.left = self.store.dots_left(self.round["id"], code_id)
            self.mine = self.store.dot_tally(self.round["id"], code_id)
        else:
            self.left = self.round["dots_per_person"] if self.round else None
            self.mine = {}
        self.render()

    def start_watching(self) -> None:
        """Look for a newly opened or closed round every few seconds, on the kernel's event
        loop (no thread). Does nothing outside a running loop (tests, scripts)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            try:
                loop = asyncio.get_event_loop()
            except RuntimeError:
                return
        if self._task is None and loop.is_running():
            self._task = loop.create_task(self._watch())

    def on_code(self) -> None:
        self.refresh()  # the dots left in this code's wallet

    async def _watch(self) -> None:
        failures = 0
        while True:
            await asyncio.sleep(PHONE_POLL_SECONDS)
            try:
                seen = (self.round or {}).get("id")
                current = self.store.open_round_of(self.workshop_id)
                if (current or {}).get("id") != seen:
                    self.refresh()
                failures = 0
            except Exception:  # noqa: BLE001 - a watcher must outlive a busy database
                failures += 1
                if failures == 1:
                    server_log().exception("dot round watcher")

    # -- showing ----------------------------------------------------------------------------
    def render(self) -> None:
        t = self.t
        if not self.round:
            self.heading.value = (f"<h2>{esc(t('dots.heading'))}</h2>"
                                  f"<p class='wb-hint'>{esc(t('dots.waiting'))}</p>")
            self.left_html.value = ""
            self.options_box.children = []
            self.status.value = self.message_html(self.message)
            return
        self.heading.value = (f"<h2>{esc(t('dots.heading'))}: {esc(self.round['title'])}</h2>"
                              f"<p class='wb-hint'>{esc(t('dots.explain', n=self.round['dots_per_person']))}</p>")
        dots = "●" * (self.left or 0) + "○" * (self.round["dots_per_person"] - (self.left or 0))
        self.left_html.value = (f"<div class='wb-dots-left'><span class='wb-dot-marks'>{dots}"
                                f"</span> {esc(t('dots.left', n=self.left or 0))}</div>")
        options = self.round["options"]
        while len(self._rows) < len(options):
            k = len(self._rows)
            text = w.HTML()
            button = w.Button(layout={"width": "auto", "min_width": "88px"})
            button.add_class("wb-dot-add")
            button.on_click(self._safe(lambda _b, k=k: self.spend(k)))
            box = w.HBox([text, button])
            box.add_class("wb-dot-option")
            self._rows.append((text, button, box))
        rows = []
        for k, option in enumerate(options):
            text, button, box = self._rows[k]
            mine = self.mine.get(k, 0)
            text.value = (f"<div class='wb-dot-title'><b>{k + 1}.</b> {esc(option['title'])}"
                          f"<br><span class='wb-dot-mine'>{'●' * mine}</span></div>")
            button.description = t("dots.add")
            button.disabled = not self.left
            rows.append(box)
        self.options_box.children = rows
        self.status.value = self.message_html(self.message)

    # -- acting -----------------------------------------------------------------------------
    def spend(self, option: int) -> bool:
        """Put one dot on an option; True when the store took it."""
        self.message = None
        try:
            if self.round is None:
                return False
            round_id = self.round["id"]
            outcome = self.session.act(
                self.limiter, need_code="dots.need_code",
                limit_messages={"error.too_fast": "error.too_fast_votes",
                                "error.too_many": "error.too_fast_votes"},
                write=lambda code_id, _: self.store.spend_dot(round_id, code_id, option))
            if not outcome.done:
                self.message = outcome.message
                return False
            if outcome.value is None:  # no dot left, or the round closed meanwhile
                current = self.store.open_round_of(self.workshop_id)
                self.message = (("dots.none_left", {"n": self.round["dots_per_person"]})
                                if current and current["id"] == round_id
                                else ("dots.closed", {}))
                self.refresh()
                return False
            self.message = ("dots.spent", {"n": outcome.value})
            self.refresh()
            return True
        finally:
            self.status.value = self.message_html(self.message)


SECTIONS = [WorkshopSection]
