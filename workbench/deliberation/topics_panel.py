"""Topics for planners: open a topic with seed statements, close and reopen it, read its
statements with their vote counts, enter paper votes, and see the opinion groups.

Paper votes: at a workshop or door to door, residents vote on a paper form that carries their
participation code; a planner types the code (checked against the store: it must be an active
code) and the marks. Votes are stored under the code's voter key with source "paper", so a
code that also votes on the page, or a form entered twice, still counts once: a second entry
changes the vote.

Opinion groups follow the Pol.is method (:mod:`workbench.deliberation.opinion_groups`). The
number of groups is "sticky": each computation passes the k shown last, so that a refresh with
a few more votes does not flip between two and three groups.
"""

from __future__ import annotations

import io
import math

import ipywidgets as w

from workbench import i18n, settings
from workbench.deliberation.discussion import DiscussionInvalid
from workbench.deliberation.topic_groups import TopicGroups, group_name, topic_groups
from workbench.deliberation.statements import VOTES, validate_topic, vote_value, voter_key
from workbench.participation.codes import AttemptLimiter, check_code
from workbench.store import Store, StoreBusy
from workbench.escaping import esc
from workbench.page.safety import guarded, server_log
from workbench.deliberation.moderation_panel import CSS

#: Wrong codes a planner may type before the panel pauses (a planner is trusted, but a
#: notebook is still no place to try codes by the thousand).
PAPER_CODE_FAILURES = 20

_STATUS_KEYS = {"pending": "planner.topic.st_pending", "shown": "planner.topic.st_shown",
                "hidden": "planner.topic.st_hidden"}
_VOTE_KEYS = {"agree": "planner.vote.agree", "disagree": "planner.vote.disagree",
              "pass": "planner.vote.pass"}
_DIRECTION_KEYS = {"agree": "planner.groups.agree", "disagree": "planner.groups.disagree"}


def _problem_text(lang: str, problem: tuple[str, dict]) -> str:
    return i18n.t(lang, problem[0], **problem[1])


def figure_png(figure) -> bytes:
    """A matplotlib Figure as PNG bytes (for an Image widget: works in JupyterLab, Voilà and
    tests alike, with no inline backend)."""
    from workbench.surveys.charts import use_cjk_font

    use_cjk_font()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    return buffer.getvalue()


class OpinionGroupsView:
    """The opinion groups of one topic (``.widget``): the participants map, each group's
    representative statements, the consensus statements and every statement's
    group-informed consensus. ``refresh()`` recomputes, keeping the number of groups unless
    the votes clearly call for another (sticky k)."""

    def __init__(self, store: Store, topic_id: int | None, lang: str = "zh"):
        self.store = store
        self.topic_id = topic_id
        self.lang = lang if lang in i18n.LANGUAGES else "zh"
        self.previous_k: dict[int, int] = {}
        self.result: TopicGroups | None = None
        self.figure = None
        safe = guarded(self._show_unexpected)
        t = self.t
        self.heading = w.HTML(f"<h3>{esc(t('planner.groups.heading'))}</h3>"
                              f"<p class='wb-hint'>{esc(t('planner.groups.explain'))}</p>")
        self.refresh_button = w.Button(description=t("planner.groups.compute"),
                                       icon="refresh", layout=w.Layout(width="auto"))
        self.refresh_button.on_click(safe(lambda _b: self.refresh()))
        self.status = w.HTML()
        self.image = w.Image(format="png", layout=w.Layout(max_width="640px"))
        self.image.layout.display = "none"
        self.details = w.HTML()
        self.widget = w.VBox([self.heading, w.HBox([self.refresh_button, self.status]),
                              self.image, self.details])

    @classmethod
    def from_settings(cls, topic_id: int, lang: str = "zh",
                      store: Store | None = None) -> "OpinionGroupsView":
        from workbench.page.figures import show_figures_as_png

        show_figures_as_png()  # ``view.figure`` on its own in a cell shows the map
        view = cls(store or Store(), topic_id, lang=lang)
        view.refresh()
        view.widget.children = (w.HTML(CSS), *view.widget.children)
        view.widget.add_class("wb-planner")
        return view

    def t(self, key: str, **params) -> str:
        return i18n.t(self.lang, key, **params)

    def _show_unexpected(self) -> None:
        self.status.value = f"<span class='wb-error'>{esc(self.t('error.unexpected'))}</span>"

    def show_topic(self, topic_id: int | None) -> None:
        """Switch to another topic (computed on the next refresh)."""
        if topic_id != self.topic_id:
            self.topic_id = topic_id
            self.result, self.figure = None, None
            self.image.layout.display = "none"
            self.details.value = ""
            self.status.value = ""

    def refresh(self) -> TopicGroups | None:
        if self.topic_id is None:
            self.status.value = f"<span class='wb-hint'>{esc(self.t('planner.topic.none'))}</span>"
            return None
        topic = self.store.topic(self.topic_id)
        if topic is None:
            self.status.value = (f"<span class='wb-error'>"
                                 f"{esc(self.t('planner.topic.unknown'))}</span>")
            return None
        result = topic_groups(self.store, self.topic_id, self.previous_k.get(self.topic_id))
        self.result = result
        if result.problem:
            self.figure = None
            self.image.layout.display = "none"
            self.details.value = ""
            self.status.value = (f"<span class='wb-hint'>"
                                 f"{esc(_problem_text(self.lang, result.problem))}</span>")
            return result
        from workbench.deliberation.opinion_groups import opinion_map

        self.previous_k[self.topic_id] = result.k
        self.figure = opinion_map(result.groups, title=self.t(
            "planner.groups.map_title", title=topic["title"]),
            labels={g: self.t("planner.groups.group", name=group_name(g))
                    for g in range(result.k)})
        self.image.value = figure_png(self.figure)
        self.image.layout.display = None
        if result.k == 1:
            summary = self.t("planner.groups.one_group", voters=len(result.groups.participants))
        else:
            summary = self.t("planner.groups.summary", k=result.k,
                             voters=len(result.groups.participants),
                             sizes=" / ".join(f"{group_name(g)} {n}" for g, n in
                                              enumerate(result.groups.sizes().tolist())))
        self.status.value = f"<span class='wb-ok'>{esc(summary)}</span>"
        self.details.value = self.details_html(result)
        return result

    # -- tables -----------------------------------------------------------------------------
    def details_html(self, result: TopicGroups) -> str:
        t = self.t
        parts = []
        if result.k and result.k > 1:
            parts.append(f"<h4>{esc(t('planner.groups.representative'))}</h4>")
            for g in range(result.k):
                rows = result.representative[result.representative["group"] == g]
                items = "".join(
                    f"<li>{esc(r['text'])} <span class='wb-hint'>"
                    + esc(t("planner.groups.share",
                            direction=t(_DIRECTION_KEYS[r["direction"]]),
                            group=100 * r["p_group"], other=100 * r["p_other"]))
                    + "</span></li>" for _, r in rows.iterrows())
                parts.append(f"<b>{esc(t('planner.groups.group', name=group_name(g)))}</b>"
                             f"<ol>{items or '<li>–</li>'}</ol>")
        parts.append(f"<h4>{esc(t('planner.groups.consensus'))}</h4>")
        if len(result.consensus):
            items = "".join(
                f"<li>{esc(r['text'])} <span class='wb-hint'>"
                + esc(t("planner.groups.consensus_line",
                        direction=t(_DIRECTION_KEYS[r["direction"]]), share=100 * r["p_min"]))
                + "</span></li>" for _, r in result.consensus.iterrows())
            parts.append(f"<ol>{items}</ol>")
        else:
            parts.append(f"<p class='wb-hint'>{esc(t('planner.groups.no_consensus'))}</p>")
        parts.append(f"<h4>{esc(t('planner.groups.table'))}</h4>")
        head = "".join(f"<th>{esc(t(k))}</th>" for k in (
            "planner.topic.col_statement", "planner.topic.col_status", "planner.vote.agree",
            "planner.vote.disagree", "planner.vote.pass", "planner.groups.col_gic"))
        body = "".join(
            f"<tr><td>{esc(r['text'])}</td><td>{esc(t(_STATUS_KEYS[r['status']]))}</td>"
            f"<td>{r['agrees']}</td><td>{r['disagrees']}</td><td>{r['passes']}</td>"
            f"<td>{_fmt(r['group_informed_consensus'])}</td></tr>"
            for _, r in result.table.iterrows())
        parts.append(f"<table class='wb-table'><thead><tr>{head}</tr></thead>"
                     f"<tbody>{body}</tbody></table>")
        return "".join(parts)


def _fmt(value: float) -> str:
    return "" if value is None or math.isnan(value) else f"{value:.3f}"


# -- the panel -------------------------------------------------------------------------------
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
        chosen = self.picker.value
        ids = [tp["id"] for tp in self.topics]
        options = [(self._topic_label(tp), tp["id"]) for tp in reversed(self.topics)]
        self._picking = True
        try:
            self.picker.options = options
            self.picker.value = chosen if chosen in ids else (ids[-1] if ids else None)
        finally:
            self._picking = False
        self._show_topic()

    def _topic_label(self, topic: dict) -> str:
        state = self.t("planner.topic.is_open" if topic["status"] == "open"
                       else "planner.topic.is_closed")
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
        self.status_button.description = self.t("planner.topic.close" if is_open
                                                else "planner.topic.reopen")
        self.paper_box.layout.display = None if is_open else "none"
        self.topic_status.value = (
            f"<b>{esc(topic['title'])}</b> · "
            f"{esc(self.t('planner.topic.is_open' if is_open else 'planner.topic.is_closed'))}"
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
            status = t(_STATUS_KEYS.get(s["status"], "planner.topic.st_hidden"))
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
        """Close the chosen topic (no more votes or statements), or open it again."""
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
