"""A proposal's discussion on the resident page: comments with a stance, one level of
replies, and reports to the moderators.

One panel serves every proposal (opened from a row's "discuss" button), and its widgets are
made once: replies and reports pick their target from a list instead of a button per comment,
which keeps the kernel small whatever the number of comments. Every value is checked again in
Python (:mod:`workbench.deliberation.discussion`), and resident text is escaped.

The page's section (:class:`DiscussionSection`) makes the panel when a resident first opens a
discussion: most visits never do, and some 60 widgets fewer make the first load quicker.
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as w

from workbench import settings
from workbench.deliberation.discussion import (STANCES, DiscussionInvalid, stance_balance, thread,
                                       validate_comment, validate_reason)
from workbench.deliberation.statements import voter_key
from workbench.page.access import chip, link_message, live, name_note, scroll_to
from workbench.page.choices import offer
from workbench.page.part import PagePart
from workbench.escaping import esc

SHOWN_COMMENTS = 60  # newest threads shown; older ones stay in the database and the exports
COMMENTS_PER_PAGE = 30  # most comments, and most replies, one page session may post
STANCE_COLOURS = {"for": "#2e7d32", "against": "#c62828", "neutral": "#546e7a"}


class DiscussionSection(PagePart):
    """Where a proposal's discussion opens (``.widget``, empty until then): below the list."""

    NAME = "discussions"
    ORDER = 30
    CSS = "page.css"

    def __init__(self, session, page):
        super().__init__(session, page)
        self.discussion: ProposalDiscussion | None = None
        self.widget = w.Box()

    def open(self, proposal: dict) -> None:
        """Open a proposal's discussion (a row of the proposal list) right below its row,
        and bring it into view."""
        if self.discussion is None:
            self.discussion = ProposalDiscussion(self.session, self.page,
                                                 on_change=self._counts_changed)
        listed = self.page.section("proposal_list")
        beside = listed is not None and listed.show_beside(proposal["id"],
                                                            self.discussion.widget)
        # a proposal the list does not show: the panel opens in the section's own place
        self.widget.children = [] if beside else [self.discussion.widget]
        self.discussion.open(proposal)
        scroll_to(self.discussion.widget)

    def _counts_changed(self) -> None:
        listed = self.page.section("proposal_list")
        if listed is not None:
            listed.comments_changed()

    def refresh(self) -> None:
        d = self.discussion
        if d is None or d.proposal is None:
            return
        listed = self.page.section("proposal_list")
        fresh = listed.row(d.proposal["id"]) if listed is not None else None
        d.proposal = fresh or d.proposal
        d.reload()

    def render(self) -> None:
        if self.discussion is not None:
            self.discussion.render()


class ProposalDiscussion(PagePart):
    """The discussion panel (``.widget``): comments need the session's participation code;
    reports come from the code or, without one, from this browser. ``on_change`` is called
    when the proposal's comment count changes."""

    OK_MESSAGES = frozenset({"discuss.saved", "report.done"})

    def __init__(self, session, page, on_change: Callable[[], None] | None = None):
        super().__init__(session, page)
        self.on_change = on_change or (lambda: None)
        self.proposal: dict | None = None
        self.photo: dict | None = None  # the proposal's photo (no bytes), to report it
        self.comments: list[dict] = []
        self.order = "time"
        self.errors: dict[str, tuple[str, dict]] = {}
        self.message: tuple[str, dict] | None = None
        self.report_message: tuple[str, dict] | None = None
        # a comment and a reply are kinds of their own: a reply just after one's comment is
        # a conversation, not a flood (each kind keeps the pause between two of its own)
        seconds = settings.get("seconds_between_submissions")
        self.limiter = session.limiter("comments", COMMENTS_PER_PAGE, seconds)
        self.reply_limiter = session.limiter("replies", COMMENTS_PER_PAGE, seconds)
        self.report_limiter = session.limiter("reports", 20, 2)
        self._build()
        self.widget.layout.display = "none"

    def _build(self) -> None:
        safe = self.page.safe
        self.heading = w.HTML()
        self.close_button = w.Button(layout={"width": "auto"})
        self.close_button.add_class("wb-close")
        self.close_button.on_click(safe(lambda _b: self.close()))
        self.order_input = w.ToggleButtons(options=[("time", "time"), ("stance", "stance")],
                                           style={"button_width": "auto"})
        self.order_input.add_class("wb-order")
        self.order_input.observe(safe(self._on_order), names="value")
        self.thread_html = w.HTML()
        self.form_heading = w.HTML()
        self.stance_input = w.ToggleButtons(options=[(s, s) for s in STANCES], value=None,
                                            style={"button_width": "auto"})
        self.stance_input.add_class("wb-stance")
        self.reply_input = w.Dropdown(layout={"width": "100%"})
        self.body_input = w.Textarea(rows=3, continuous_update=False, layout={"width": "100%"})
        for field in (self.reply_input, self.body_input):
            field.add_class("wb-field")
        self.field_errors = {name: w.HTML() for name in ("stance", "parent", "body")}
        for label in self.field_errors.values():
            label.add_class("wb-error")
        for name, field in (("stance", self.stance_input), ("parent", self.reply_input),
                            ("body", self.body_input)):
            link_message("comment-" + name, field, self.field_errors[name])
        self.submit = w.Button(button_style="primary", layout={"width": "100%"})
        self.submit.add_class("wb-post")
        self.submit.on_click(safe(lambda _b: self.post_comment()))
        self.status = w.HTML()
        live(self.status)
        self.report_heading = w.HTML()
        self.report_target = w.Dropdown(layout={"width": "100%"})
        self.report_reason = w.Text(continuous_update=False, layout={"width": "100%"})
        for field in (self.report_target, self.report_reason):
            field.add_class("wb-field")
        self.report_button = w.Button(layout={"width": "auto"})
        self.report_button.on_click(safe(lambda _b: self.report()))
        self.report_status = w.HTML()
        link_message("report", self.report_reason, self.report_status)
        head = w.Box([self.heading, self.close_button])  # not a row of the proposal list
        head.add_class("wb-discussion-head")
        self.widget = w.VBox([
            head,
            self.order_input, self.thread_html,
            self.form_heading, self.stance_input, self.field_errors["stance"],
            self.reply_input, self.field_errors["parent"],
            self.body_input, self.field_errors["body"], self.submit, self.status,
            self.report_heading, self.report_target, self.report_reason, self.report_button,
            self.report_status,
        ])
        self.widget.add_class("wb-discussion")

    # -- opening ----------------------------------------------------------------------------
    def open(self, proposal: dict) -> None:
        self.proposal = proposal
        self.errors, self.message, self.report_message = {}, None, None
        self.body_input.value = ""
        self.stance_input.value = None
        self.report_reason.value = ""
        self.reload()
        self.widget.layout.display = None
        self.close_button.focus()  # brings the panel into view on a phone

    def close(self) -> None:
        self.proposal = None
        self.widget.layout.display = "none"

    def reload(self) -> None:
        if self.proposal is None:
            return
        self.comments = self.store.comments_of(self.proposal["id"])
        self.photo = self.store.photo_of(self.proposal["id"])
        self.render()

    # -- showing ----------------------------------------------------------------------------
    def render(self) -> None:
        t = self.t
        self.close_button.description = t("discuss.close")
        self.order_input.options = [(t("discuss.order_time"), "time"),
                                    (t("discuss.order_stance"), "stance")]
        self.order_input.value = self.order
        self.stance_input.options = [(t(f"stance.{s}"), s) for s in STANCES]
        self.form_heading.value = (f"<h3>{esc(t('discuss.write'))}</h3>"
                                   + name_note("wb-order", t("discuss.order"), role="group")
                                   + name_note("wb-stance", t("discuss.stance"), role="group"))
        self.reply_input.description = t("discuss.reply_label")
        self.body_input.description = t("discuss.body_label")
        self.body_input.placeholder = t("discuss.body_placeholder")
        self.submit.description = t("discuss.submit")
        self.report_heading.value = (f"<h3>{esc(t('report.heading'))}</h3>"
                                     f"<p class='wb-hint'>{esc(t('report.explain'))}</p>")
        self.report_target.description = t("report.target_label")
        self.report_reason.description = t("report.reason")
        self.report_reason.placeholder = ""
        self.report_button.description = t("report.submit")
        if self.proposal is None:
            return
        p = self.proposal
        title = (t("discuss.hidden", reason=p["hidden_reason"]) if p.get("hidden_reason")
                 else p["title"])
        balance = stance_balance(self.comments)
        self.heading.value = (
            f"<h2>{esc(t('discuss.heading', title=title))}</h2>"
            f"<div class='wb-hint'>{esc(t('discuss.balance', pro=balance['for'], con=balance['against'], neutral=balance['neutral']))}</div>")
        rows = thread(self.comments, self.order)
        numbers = self._numbers()
        shown, top_seen = [], 0
        for c in rows:
            top_seen += c["depth"] == 0
            if top_seen > SHOWN_COMMENTS:
                break
            shown.append(self._comment_html(c, numbers[c["id"]]))
        self.thread_html.value = ("".join(shown) if shown else
                                  f"<p class='wb-hint'>{esc(t('discuss.none'))}</p>")
        top = [c for c in self.comments if c["parent_id"] is None and not c["hidden_reason"]]
        offer(self.reply_input, [(t("discuss.reply_none"), 0)] + [
            (t("discuss.reply_option", number=numbers[c["id"]], text=c["body"][:24]), c["id"])
            for c in reversed(top)], 0)
        chosen = self.report_target.value
        visible = [c for c in self.comments if not c["hidden_reason"]]
        photo = ([(t("report.target_photo"), f"photo:{self.photo['id']}")]
                 if self.photo and self.photo["hidden_reason"] is None else [])
        self.report_target.options = [(t("report.target_proposal"), "proposal:0")] + photo + [
            (t("report.target_comment", number=numbers[c["id"]], text=c["body"][:24]),
             f"comment:{c['id']}") for c in reversed(visible)]
        values = [v for _, v in self.report_target.options]
        self.report_target.value = chosen if chosen in values else "proposal:0"
        for name, label in self.field_errors.items():
            problem = self.errors.get(name)
            label.value = esc(t(problem[0], **problem[1])) if problem else ""
        self.status.value = self.message_html(self.message)
        self.report_status.value = self.message_html(self.report_message)

    def _numbers(self) -> dict[int, int]:
        """Comments are numbered in the order they were written, so #3 stays #3."""
        return {c["id"]: i for i, c in enumerate(self.comments, start=1)}

    def _comment_html(self, c: dict, number: int) -> str:
        t = self.t
        mark = "↳ " if c["depth"] else ""
        indent = " wb-reply" if c["depth"] else ""
        if c["hidden_reason"]:
            body = f"<i>{esc(t('discuss.hidden', reason=c['hidden_reason']))}</i>"
            badge = ""
        else:
            body = esc(c["body"]).replace("\n", "<br>")
            badge = chip(t("stance." + c["stance"]), STANCE_COLOURS[c["stance"]])
        mine = (f" <span class='wb-hint'>{esc(t('discuss.mine'))}</span>"
                if self.session.code_id is not None and c["code_id"] == self.session.code_id
                else "")
        when = c["created_at"].strftime("%Y-%m-%d %H:%M")
        return (f"<div class='wb-comment{indent}'>{mark}<b>#{number}</b> {badge}"
                f"<span class='wb-hint'>{when}</span>{mine}<div>{body}</div></div>")

    def on_code(self) -> None:
        self.render()  # "mine" beside this code's comments

    def _on_order(self, change) -> None:
        if change["new"] in ("time", "stance") and change["new"] != self.order:
            self.order = change["new"]
            self.render()

    # -- acting -----------------------------------------------------------------------------
    def post_comment(self) -> int | None:
        """Validate and store the comment; returns its id, or None with messages shown."""
        self.errors, self.message = {}, None
        if self.proposal is None:
            return None
        try:
            if self.proposal.get("hidden_reason"):
                self.message = ("discuss.closed", {})
                return None
            limiter = self.reply_limiter if self.reply_input.value else self.limiter
            outcome = self.session.act(
                limiter, lambda code_id, comment: self.store.add_comment(comment, code_id),
                need_code="discuss.need_code", validate=self._valid_comment)
            self.errors = outcome.errors
            if not outcome.done:
                self.message = outcome.message
                return None
            self.message = ("discuss.saved", {})
            self.body_input.value = ""
            self.stance_input.value = None
            self.reply_input.value = 0
            self.comments = self.store.comments_of(self.proposal["id"])
            self.on_change()
            return outcome.value
        finally:
            self.render()

    def _valid_comment(self):
        # checked against the comments as they are now: a reply's comment may be gone
        self.comments = self.store.comments_of(self.proposal["id"])
        return validate_comment({
            "proposal_id": self.proposal["id"], "stance": self.stance_input.value,
            "body": self.body_input.value, "parent_id": self.reply_input.value or None,
        }, self.comments)

    def reporter_key(self) -> str:
        """Who reports: the code when there is one, else this browser (one report each)."""
        code_id = self.session.code_id
        return voter_key(code_id) if code_id is not None else self.session.respondent

    def report(self) -> bool:
        """Report the proposal or one of its comments to the moderators."""
        self.report_message = None
        try:
            if self.proposal is None:
                return False
            outcome = self.session.act(
                self.report_limiter, self._add_report, need_code=None,
                validate=lambda: (validate_reason(self.report_reason.value),
                                  *self._report_target()))
            if not outcome.done:  # too fast, a bad reason or target, or a busy store
                self.report_message = outcome.message or next(iter(outcome.errors.values()))
                return False
            self.report_message = ("report.done" if outcome.value else "report.already", {})
            if outcome.value:
                self.report_reason.value = ""
            return outcome.value
        finally:
            self.render()

    def _report_target(self) -> tuple[str, int]:
        """(kind, id) of what the resident chose to report: the proposal, its photo or a
        comment of it."""
        kind, _, raw_id = str(self.report_target.value or "").partition(":")
        if kind == "proposal":
            return kind, self.proposal["id"]
        if kind == "photo" and self.photo and raw_id == str(self.photo["id"]):
            return kind, self.photo["id"]
        if kind == "comment" and raw_id.isdigit() and int(raw_id) in {
                c["id"] for c in self.comments}:
            return kind, int(raw_id)
        raise DiscussionInvalid({"target": ("error.unexpected", {})})

    def _add_report(self, _code_id, valid) -> bool:
        reason, kind, target_id = valid
        return self.store.add_report(self.session.community.id, kind, target_id, reason,
                                     self.reporter_key())
