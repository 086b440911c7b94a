"""Topics for planners: open a topic with seed statements, close and reopen it, read its
statements with their vote counts, enter paper votes, and see the opinion groups
(:class:`workbench.deliberation.opinion_groups_panel.OpinionGroupsView`).

Paper votes: at a workshop or door to door, residents vote on a paper form that carries their
participation code; a planner types the code (checked against the store: it must be an active
code) and the marks. Votes are stored under the code's voter key with source "paper", so a
code that also votes on the page, or a form entered twice, still counts once: a second entry
changes the vote.

"""

from __future__ import annotations

import ipywidgets as w

from workbench import i18n, settings
from workbench.deliberation.discussion import DiscussionInvalid
from workbench.deliberation.statements import VOTES, validate_topic, vote_value, voter_key
from workbench.page.choices import offer
from workbench.participation.codes import AttemptLimiter, check_code
from workbench.store import Store, StoreBusy
from workbench.escaping import esc
from workbench.page.safety import guarded, server_log
from workbench.deliberation.moderation_panel import CSS
from workbench.deliberation.opinion_groups_panel import STATUS_KEYS, OpinionGroupsView

#: Wrong codes a planner may type before the panel pauses (a planner is trusted, but a
#: notebook is still no place to try codes by the thousand).
PAPER_CODE_FAILURES = 20

_VOTE_KEYS = {"agree": "planner.vote.agree", "disagree": "planner.vote.disagree",
              "pass": "planner.vote.pass"}
#: a topic's state as planners read it, and what its button does next: a draft (an imported
#: conversation) is on no resident page until a planner publishes it
_STATE_KEYS = {"open": "planner.topic.is_open", "closed": "planner.topic.is_closed",
               "draft": "planner.topic.is_draft"}
_NEXT_KEYS = {"open": "planner.topic.close", "closed": "planner.topic.reopen",
              "draft": "planner.topic.publish"}


def _problem_text(lang: str, problem: tuple[str, dict]) -> str:
    return i18n.t(lang, problem[0], **problem[1])


class TopicsPanel:
    """Topics of one community for planners (``.widget``): a new-topic form, the chosen
    topic's statements with their counts, close/reopen, paper votes and the opinion groups.

    The methods the buttons call can be called directly (and are, by the tests):
    ``open_topic()``, ``toggle_status()``, ``use_code(text)``, ``save_paper_votes()``,
    ``groups.refresh()``."""

    def __init__(self, store: Store, community_id: str, lang: str = "zh"):
        self.store = store
        self.community_id = community_id
        self.lang = lang if lang in i18n.LANGUAGES else "zh"
        self.log = server_log()
        self.topics: list[dict] = []
        self.statements: list[dict] = []
        self.form_errors: dict[str, tuple[str, dict]] = {}
        self.code_limiter = AttemptLimiter(max_failures=PAPER_CODE_FAILURES)
        self.paper_code_id: int | None = None
        self.paper_code_hint = ""
        self.vote_inputs: dict[int, w.ToggleButtons] = {}
        self.support_inputs: dict[int, w.Checkbox] = {}
        self._build()
        self.refresh()

    @classmethod
    def from_settings(cls, lang: str = "zh", store: Store | None = None) -> "TopicsPanel":
        from workbench.layers.community import load_community

        community = load_community(settings.get("layers_dir"))
        return cls(store or Store(), community.id, lang=lang)

    def t(self, key: str, **params) -> str:
        return i18n.t(self.lang, key, **params)

    @property
    def topic_id(self) -> int | None:
        return self.picker.value

    # -- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        safe = guarded(self._show_unexpected)
        t = self.t
        # a new topic
        self.form_heading = w.HTML(f"<h3>{esc(t('planner.topic.new_heading'))}</h3>")
        wide = w.Layout(width="640px")
        self.title_input = w.Text(description=t("planner.topic.title"), layout=wide,
                                  continuous_update=False)
        self.description_input = w.Textarea(description=t("planner.topic.description"),
                                            rows=3, layout=wide, continuous_update=False)
        self.seeds_input = w.Textarea(description=t("planner.topic.seeds"),
                                      placeholder=t("planner.topic.seeds_placeholder"),
                                      rows=5, layout=wide, continuous_update=False)
        self.field_errors = {name: w.HTML() for name in ("title", "description", "seeds")}
        self.open_button = w.Button(description=t("planner.topic.open"), button_style="primary",
                                    layout=w.Layout(width="auto"))
        self.open_button.on_click(safe(lambda _b: self.open_topic()))
        self.form_status = w.HTML()
        self.form = w.VBox([self.form_heading, self.title_input, self.field_errors["title"],
                            self.description_input, self.field_errors["description"],
                            self.seeds_input, self.field_errors["seeds"],
                            w.HBox([self.open_button, self.form_status])])
        # the chosen topic
        self.topic_heading = w.HTML(f"<h3>{esc(t('planner.topic.heading'))}</h3>")
        self.picker = w.Dropdown(description=t("planner.topic.choose"),
                                 layout=w.Layout(width="640px"))
        self.picker.observe(safe(self._on_pick), names="value")
        self.status_button = w.Button(layout=w.Layout(width="auto"))
        self.status_button.on_click(safe(lambda _b: self.toggle_status()))
        self.refresh_button = w.Button(description=t("planner.refresh"), icon="refresh",
                                       layout=w.Layout(width="auto"))
        self.refresh_button.on_click(safe(lambda _b: self.refresh()))
        self.topic_status = w.HTML()
        self.statements_html = w.HTML()
        # paper votes
        self.paper_heading = w.HTML(f"<h3>{esc(t('planner.paper.heading'))}</h3>"
                                    f"<p class='wb-hint'>{esc(t('planner.paper.explain'))}</p>")
        self.code_input = w.Text(description=t("planner.paper.code"), placeholder="XXXXX-XXXXX",
                                 continuous_update=False)
        self.code_button = w.Button(description=t("planner.paper.check"),
                                    layout=w.Layout(width="auto"))
        self.code_button.on_click(safe(lambda _b: self.use_code(self.code_input.value)))
        self.code_status = w.HTML()
        self.paper_votes_box = w.VBox()
        self.paper_supports_box = w.VBox()
        self.save_button = w.Button(description=t("planner.paper.save"), button_style="primary",
                                    layout=w.Layout(width="auto"))
        self.save_button.on_click(safe(lambda _b: self.save_paper_votes()))
        self.cancel_button = w.Button(description=t("planner.paper.cancel"),
                                      layout=w.Layout(width="auto"))
        self.cancel_button.on_click(safe(lambda _b: self.clear_paper_form()))
        self.paper_status = w.HTML()
        self.paper_form = w.VBox([self.paper_votes_box, self.paper_supports_box,
                                  w.HBox([self.save_button, self.cancel_button])])
        self.paper_form.layout.display = "none"
        self.paper_box = w.VBox([self.paper_heading,
                                 w.HBox([self.code_input, self.code_button]), self.code_status,
                                 self.paper_form, self.paper_status])
        # opinion groups
        self.groups = OpinionGroupsView(self.store, None, lang=self.lang)
        self.widget = w.VBox([w.HTML(CSS), self.topic_heading,
                              w.HBox([self.picker, self.status_button, self.refresh_button]),
                              self.topic_status, self.statements_html, self.paper_box,
                              self.groups.widget, self.form])
        self.widget.add_class("wb-planner")

    def _show_unexpected(self) -> None:
        self.topic_status.value = (f"<span class='wb-error'>{esc(self.t('error.unexpected'))}"
                                   "</span>")

    def _message(self, widget: w.HTML, problem: tuple[str, dict] | None, ok: bool = False):
        if problem is None:
            widget.value = ""
            return
        css = "wb-ok" if ok else "wb-error"
        widget.value = f"<span class='{css}'>{esc(_problem_text(self.lang, problem))}</span>"

    # -- topics -----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the topics and the chosen topic's statements again."""
        self.topics = self.store.topics(self.community_id)
        options = [(self._topic_label(tp), tp["id"]) for tp in reversed(self.topics)]
        self._picking = True
        try:
            offer(self.picker, options, self.topics[-1]["id"] if self.topics else None)
        finally:
            self._picking = False
        self._show_topic()

    def _topic_label(self, topic: dict) -> str:
        state = self.t(_STATE_KEYS.get(topic["status"], "planner.topic.is_closed"))
        return f"#{topic['id']} {topic['title']} ({state})"

    def _on_pick(self, change) -> None:
        if getattr(self, "_picking", False):
            return
        self.clear_paper_form()
        self._show_topic()

    def _show_topic(self) -> None:
        topic = next((tp for tp in self.topics if tp["id"] == self.topic_id), None)
        self.groups.show_topic(self.topic_id)
        if topic is None:
            self.statements = []
            self.status_button.layout.display = "none"
            self.paper_box.layout.display = "none"
            self.topic_status.value = (f"<span class='wb-hint'>"
                                       f"{esc(self.t('planner.topic.none'))}</span>")
            self.statements_html.value = ""
            return
        self.statements = self.store.statements_of(topic["id"])
        is_open = topic["status"] == "open"
        self.status_button.layout.display = None
        self.status_button.description = self.t(_NEXT_KEYS.get(topic["status"],
                                                               "planner.topic.reopen"))
        self.paper_box.layout.display = None if is_open else "none"
        state = self.t(_STATE_KEYS.get(topic["status"], "planner.topic.is_closed"))
        self.topic_status.value = (
            f"<b>{esc(topic['title'])}</b> · {esc(state)}"
            + (f"<p class='wb-item-text'>{esc(topic['description'])}</p>"
               if topic["description"] else ""))
        self.statements_html.value = self.statements_table_html()

    def statements_frame(self):
        """The chosen topic's statements as a DataFrame (id, body, status, counts...)."""
        import pandas as pd

        cols = ["id", "body", "status", "is_seed", "agrees", "disagrees", "passes",
                "hidden_reason", "external_id", "created_at"]
        return pd.DataFrame(self.statements, columns=cols)

    def statements_table_html(self) -> str:
        t = self.t
        if not self.statements:
            return f"<p class='wb-hint'>{esc(t('planner.topic.no_statements'))}</p>"
        head = "".join(f"<th>{esc(t(k))}</th>" for k in (
            "planner.topic.col_id", "planner.topic.col_statement", "planner.topic.col_status",
            "planner.vote.agree", "planner.vote.disagree", "planner.vote.pass"))
        rows = []
        for s in self.statements:
            status = t(STATUS_KEYS.get(s["status"], "planner.topic.st_hidden"))
            if s["status"] == "hidden" and s.get("hidden_reason"):
                status += f": {s['hidden_reason']}"
            rows.append(f"<tr><td>{int(s['id'])}</td><td>{esc(s['body'])}</td>"
                        f"<td>{esc(status)}</td><td>{int(s['agrees'])}</td>"
                        f"<td>{int(s['disagrees'])}</td><td>{int(s['passes'])}</td></tr>")
        return (f"<table class='wb-table'><thead><tr>{head}</tr></thead>"
                f"<tbody>{''.join(rows)}</tbody></table>")

    def open_topic(self) -> int | None:
        """Open the topic of the form; its id, or None (messages beside the fields, nothing
        written) when the form breaks a rule."""
        self.form_errors = {}
        seeds_text = self.seeds_input.value
        if not isinstance(seeds_text, str):
            seeds_text = ""
        seeds = seeds_text.splitlines()
        try:
            title, description, seeds = validate_topic(self.title_input.value,
                                                        self.description_input.value, seeds)
        except DiscussionInvalid as exc:
            for name, problem in exc.errors.items():
                if name.startswith("seed"):
                    line = int(name[4:])
                    self.form_errors.setdefault("seeds", ("planner.topic.seed_line", {
                        "line": line, "problem": _problem_text(self.lang, problem)}))
                else:
                    self.form_errors[name] = problem
            self._render_form_errors()
            self._message(self.form_status, ("planner.topic.fix_errors", {}))
            return None
        try:
            topic_id = self.store.add_topic(self.community_id, title, description, seeds)
        except StoreBusy:
            self._render_form_errors()
            self._message(self.form_status, ("planner.busy", {}))
            return None
        self._render_form_errors()
        self.title_input.value = self.description_input.value = self.seeds_input.value = ""
        self._message(self.form_status, ("planner.topic.opened", {"id": topic_id,
                                                                  "count": len(seeds)}), ok=True)
        self.refresh()
        self.picker.value = topic_id
        return topic_id

    def _render_form_errors(self) -> None:
        for name, label in self.field_errors.items():
            self._message(label, self.form_errors.get(name))

    def toggle_status(self) -> str | None:
        """Close the chosen topic (no more votes or statements), or open it: again, or for the
        first time on the resident page (an imported draft)."""
        topic = self.store.topic(self.topic_id) if self.topic_id is not None else None
        if topic is None or topic["community_id"] != self.community_id:
            return None
        status = "closed" if topic["status"] == "open" else "open"
        self.store.set_topic_status(topic["id"], status)
        self.clear_paper_form()
        self.refresh()
        return status

    # -- paper votes ------------------------------------------------------------------------
    def use_code(self, text) -> bool:
        """Check the participation code from a paper form; when it is active, show that code's
        votes on the chosen topic (and its supports) to be entered or changed."""
        self.clear_paper_form(keep_status=False)
        topic = self.store.topic(self.topic_id) if self.topic_id is not None else None
        if topic is None or topic["status"] != "open":
            self._message(self.code_status, ("planner.paper.topic_closed", {}))
            return False
        code_id, problem = check_code(self.store, self.community_id, text, self.code_limiter)
        if code_id is None:
            self._message(self.code_status, problem)
            return False
        self.paper_code_id = code_id
        self.paper_code_hint = str(text).strip()[-4:].upper()
        self.code_input.value = ""
        self._build_paper_form()
        self._message(self.code_status, ("planner.paper.code_ok", {"hint": self.paper_code_hint}),
                      ok=True)
        return True

    def _build_paper_form(self) -> None:
        t = self.t
        self.statements = self.store.statements_of(self.topic_id)
        earlier = self.store.votes_of(voter_key(self.paper_code_id), self.topic_id)
        by_value = {v: k for k, v in VOTES.items()}
        options = [(t("planner.paper.no_vote"), "")] + [(t(_VOTE_KEYS[k]), k) for k in VOTES]
        self.vote_inputs = {}
        rows = [w.HTML(f"<h4>{esc(t('planner.paper.votes'))}</h4>")]
        for s in self.statements:
            if s["status"] != "shown":
                continue
            toggle = w.ToggleButtons(options=options, value=by_value.get(earlier.get(s["id"]),
                                                                         ""),
                                     style={"button_width": "72px"})
            self.vote_inputs[s["id"]] = toggle
            rows.append(w.HBox([toggle, w.HTML(f"<span class='wb-item-text'>"
                                               f"{esc(s['body'])}</span>")]))
        if not self.vote_inputs:
            rows.append(w.HTML(f"<p class='wb-hint'>{esc(t('planner.topic.no_statements'))}</p>"))
        self.paper_votes_box.children = rows
        supported = self.store.supports_of(self.paper_code_id)
        self.support_inputs = {}
        proposals = [p for p in self.store.list_proposals(self.community_id)
                     if not p.get("hidden_reason")]
        rows = [w.HTML(f"<h4>{esc(t('planner.paper.supports'))}</h4>")]
        for p in proposals:
            box = w.Checkbox(value=p["id"] in supported, indent=False,
                             description=f"#{p['id']} {p['title']}",
                             layout=w.Layout(width="640px"))
            self.support_inputs[p["id"]] = box
            rows.append(box)
        self.paper_supports_box.children = rows if proposals else []
        self.paper_form.layout.display = None

    def clear_paper_form(self, keep_status: bool = True) -> None:
        self.paper_code_id = None
        self.paper_code_hint = ""
        self.vote_inputs, self.support_inputs = {}, {}
        self.paper_votes_box.children = self.paper_supports_box.children = ()
        self.paper_form.layout.display = "none"
        self.code_status.value = ""
        if not keep_status:
            self.paper_status.value = ""

    def save_paper_votes(self) -> int | None:
        """Store the marks of the paper form for the checked code; returns how many votes
        were recorded (None when refused: nothing is written then). A code entered again
        changes its votes: it never counts twice."""
        code_id = self.paper_code_id
        if code_id is None:
            self._message(self.paper_status, ("planner.paper.need_code", {}))
            return None
        if self.store.code_status(code_id) != "active":  # revoked since it was checked
            self.clear_paper_form()
            self._message(self.paper_status, ("error.code_unknown", {}))
            return None
        shown = {s["id"] for s in self.store.statements_of(self.topic_id)
                 if s["status"] == "shown"}
        marks: dict[int, int] = {}
        for sid, toggle in self.vote_inputs.items():
            value = toggle.value
            if value in ("", None):
                continue
            try:
                marks[sid] = vote_value(value)
            except ValueError:
                self._message(self.paper_status, ("planner.paper.bad_vote", {}))
                return None
        wanted: dict[int, bool] = {}
        visible = {p["id"] for p in self.store.list_proposals(self.community_id)
                   if not p.get("hidden_reason")}
        for pid, box in self.support_inputs.items():
            if not isinstance(box.value, bool) or pid not in visible:
                continue
            wanted[pid] = box.value
        saved, refused = 0, 0
        try:
            for sid, value in marks.items():
                if sid in shown and self.store.set_vote(sid, voter_key(code_id), value,
                                                        code_id=code_id, source="paper"):
                    saved += 1
                else:
                    refused += 1
            supported = self.store.supports_of(code_id)
            for pid, want in wanted.items():
                if want != (pid in supported):
                    self.store.set_support(pid, code_id, want)
        except StoreBusy:
            self._message(self.paper_status, ("planner.busy", {}))
            return None
        hint = self.paper_code_hint
        self.clear_paper_form()
        message = ("planner.paper.saved", {"hint": hint, "votes": saved,
                                           "supports": sum(wanted.values())})
        if refused:
            message = ("planner.paper.saved_some_refused", {**message[1], "refused": refused})
        self._message(self.paper_status, message, ok=not refused)
        self.refresh()
        return saved
