"""Statements on the resident page: one at a time, agree / disagree / pass, the least-voted
first (the Pol.is way), and a field to add a short statement of one's own, which waits for a
moderator before others vote on it.

The buttons act on the statement this kernel showed, never on an id sent by the page, and the
store takes votes only on shown statements of open topics, once per participation code.
"""

from __future__ import annotations

import ipywidgets as w

from workbench.deliberation.statements import (VOTES, next_statement, validate_statement,
                                       voter_key)
from workbench.page.access import link_message, live
from workbench.page.part import PagePart
from workbench.escaping import esc

#: a vote at most every half second from one page: faster is a double tap or a script, and a
#: double tap must not vote on the next statement by accident
SECONDS_BETWEEN_VOTES = 0.5
VOTES_PER_PAGE = 2_000
STATEMENTS_PER_PAGE = 10


class StatementVoting(PagePart):
    """The statements section (``.widget``) of the resident page."""

    NAME = "statement_voting"
    ORDER = 50
    CSS = "page.css"
    LAZY = True  # built, and its topics read, when first opened
    HEADING = "statements.heading"
    OK_MESSAGES = frozenset({"statements.voted", "statements.added"})

    def __init__(self, session, page):
        super().__init__(session, page)
        self.topics: list[dict] = []
        self.topic_id: int | None = None
        self.statements: list[dict] = []
        self.my_votes: dict[int, int] = {}
        self.current: dict | None = None
        self.message: tuple[str, dict] | None = None
        self.add_message: tuple[str, dict] | None = None
        self.vote_limiter = session.limiter("votes", VOTES_PER_PAGE, SECONDS_BETWEEN_VOTES)
        self.add_limiter = session.limiter("statements", STATEMENTS_PER_PAGE, 10)

    def build(self) -> None:
        safe = self.page.safe
        self.heading = w.HTML()
        self.topic_input = w.Dropdown(layout={"width": "100%"})
        self.topic_input.add_class("wb-field")
        self.topic_input.observe(safe(self._on_topic), names="value")
        self.card = w.HTML()
        self.buttons = {}
        for word, style in (("agree", "success"), ("disagree", "danger"), ("pass", "")):
            button = w.Button(button_style=style, layout={"width": "auto", "flex": "1 1 0"})
            button.add_class("wb-vote")
            button.on_click(safe(lambda _b, word=word: self.vote(word)))
            self.buttons[word] = button
        self.vote_row = w.HBox(list(self.buttons.values()))
        self.vote_row.add_class("wb-vote-row")
        self.status = w.HTML()
        live(self.status)
        self.add_input = w.Text(continuous_update=False, layout={"width": "100%"})
        self.add_input.add_class("wb-field")
        self.add_button = w.Button(layout={"width": "auto"})
        self.add_button.on_click(safe(lambda _b: self.add_statement()))
        self.add_status = w.HTML()
        link_message("statement", self.add_input, self.add_status)
        self.widget = w.VBox([self.heading, self.topic_input, self.card, self.vote_row,
                              self.status, self.add_input, self.add_button, self.add_status])
        self.widget.add_class("wb-statements")

    # -- reading ----------------------------------------------------------------------------
    def refresh(self) -> None:
        if not self.built:
            return  # read when opened
        # the community's own published topics only: an imported conversation is a draft
        self.topics = self.store.published_topics(self.session.community.id)
        ids = [t["id"] for t in self.topics]
        if self.topic_id not in ids:
            self.topic_id = ids[0] if ids else None
        self._load()

    def _load(self) -> None:
        self.statements = self.store.statements_of(self.topic_id) if self.topic_id else []
        code_id = self.session.code_id
        self.my_votes = (self.store.votes_of(voter_key(code_id), self.topic_id)
                         if code_id is not None and self.topic_id else {})
        counts = {s["id"]: s["agrees"] + s["disagrees"] + s["passes"] for s in self.statements}
        self.current = next_statement(self.statements, counts, set(self.my_votes))
        self.render()

    def on_code(self) -> None:
        self.refresh()  # this code's votes, and the statement it has not voted on yet

    def _on_topic(self, change) -> None:
        if change["new"] in {t["id"] for t in self.topics} and change["new"] != self.topic_id:
            self.topic_id = change["new"]
            self.message = None
            self._load()

    # -- showing ----------------------------------------------------------------------------
    def render(self) -> None:
        if not self.built:
            return  # drawn when opened
        t = self.t
        # the heading is the fold's
        self.heading.value = f"<p class='wb-hint'>{esc(t('statements.explain'))}</p>"
        self.topic_input.description = t("statements.topic")
        self.topic_input.options = [(topic["title"], topic["id"]) for topic in self.topics]
        self.topic_input.value = self.topic_id
        self.topic_input.layout.display = None if len(self.topics) > 1 else "none"
        for word, button in self.buttons.items():
            button.description = t(f"statements.{word}")
        self.add_input.description = t("statements.add_label")
        self.add_input.placeholder = t("statements.add_placeholder")
        self.add_button.description = t("statements.add_submit")
        has_topic = self.topic_id is not None
        for widget in (self.add_input, self.add_button):
            widget.layout.display = None if has_topic else "none"
        if not has_topic:
            self.card.value = f"<p>{esc(t('statements.none'))}</p>"
            self.vote_row.layout.display = "none"
        else:
            topic = next(x for x in self.topics if x["id"] == self.topic_id)
            shown = [s for s in self.statements if s["status"] == "shown"]
            done = len([s for s in shown if s["id"] in self.my_votes])
            intro = (f"<div class='wb-topic'><b>{esc(topic['title'])}</b>"
                     + (f"<br><span class='wb-hint'>{esc(topic['description'])}</span>"
                        if topic["description"] else "") + "</div>")
            progress = (f"<div class='wb-hint'>"
                        f"{esc(t('statements.progress', done=done, total=len(shown)))}</div>")
            if self.current is None:
                body = f"<p class='wb-ok'>{esc(t('statements.done'))}</p>"
            else:
                body = f"<div class='wb-statement'>{esc(self.current['body'])}</div>"
            self.card.value = intro + body + progress
            self.vote_row.layout.display = None if self.current is not None else "none"
        self.status.value = self.message_html(self.message)
        self.add_status.value = self.message_html(self.add_message)

    # -- acting -----------------------------------------------------------------------------
    def vote(self, word: str) -> bool:
        """Vote on the statement shown; True when the vote was recorded."""
        self.message = None
        try:
            if word not in VOTES or self.current is None:
                return False
            statement_id = self.current["id"]
            outcome = self.session.act(
                self.vote_limiter, need_code="statements.need_code",
                limit_messages={"error.too_fast": "error.too_fast_votes"},
                write=lambda code_id, _: self.store.set_vote(statement_id, voter_key(code_id),
                                                             VOTES[word], code_id=code_id))
            if not outcome.done:
                self.message = outcome.message
                return False
            self.message = (("statements.voted", {"vote": self.t(f"statements.{word}")})
                            if outcome.value else ("statements.closed", {}))
            self._load()
            return outcome.value
        finally:
            self.render()

    def add_statement(self) -> int | None:
        """A resident's own statement, pending until a moderator accepts it."""
        self.add_message = None
        try:
            if self.topic_id is None:
                return None
            topic_id = self.topic_id
            outcome = self.session.act(
                self.add_limiter, need_code="statements.need_code",
                validate=lambda: validate_statement(self.add_input.value),
                write=lambda code_id, body: self.store.add_statement(topic_id, body,
                                                                     code_id=code_id))
            if not outcome.done:
                self.add_message = outcome.message or outcome.errors["statement"]
                return None
            self.add_input.value = ""
            self.add_message = ("statements.added", {})
            return outcome.value
        finally:
            self.render()
