"""The agenda builder for planners (``AgendaBuilder.widget``): from proposals to a short,
public, reasoned list of what the community will do.

Candidate items come from grouping similar proposals (:func:`workbench.agenda.workflow.regroup`);
a planner merges, splits and edits them, links statements from the topics as evidence, and
sees each item's evidence side by side with a score made of visible parts. The weights are
sliders: moving one re-ranks at once from the parts computed on the last refresh (the evidence
is not gathered again). The committee's decision (adopt, defer, decline; merge is done by
merging) carries a public reason; adopted items get an owner, a budget line, milestones and a
target date, then dated progress updates. Publishing freezes a numbered version; two versions
can be compared.

No SQL and no scoring here: the widget composes :mod:`workbench.agenda` (rules) and the store.
Every text from residents (and from planners: it is public) is escaped where it is shown. The
methods the buttons call can be called directly, as the tests do: ``set_weights``, ``select``,
``regroup``, ``merge``, ``split``, ``edit``, ``link_statements``, ``answer``, ``decide``,
``add_update``, ``publish``, ``show_diff``.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import ipywidgets as w
import pandas as pd

from workbench import i18n, settings, vocabulary
from workbench.agenda import decisions, grouping, scoring, snapshot, workflow
from workbench.proposals.rules import check_text
from workbench.store import Store, StoreBusy
from workbench.page.safety import esc, guarded, server_log
from workbench.deliberation.moderation_panel import CSS, check_moderator

#: Rows of the ranked list drawn at once ("show more" adds as many again).
LIST_LIMIT = 30
#: Items numbered on the map (the first by rank).
MAP_LIMIT = 20
#: Proposals of one item shown with an answer field at once.
PROPOSALS_LIMIT = 40
#: Longest item title and description a planner may write.
TITLE_MAX_CHARS = 200
WEIGHT_MAX = 5.0
BAR_PX = 120
#: One colour per score part (colour-blind safe: Okabe-Ito).
PART_COLOURS = {"supporters": "#0072B2", "consensus": "#009E73", "stance": "#CC79A7",
                "need": "#D55E00", "reach": "#E69F00", "gap": "#56B4E9"}
DECISION_CHOICES = ("adopt", "defer", "decline")
_DECISION_CSS = {"adopt": "wb-adopt", "defer": "wb-defer", "decline": "wb-decline",
                 "merge": "wb-hidden"}
_MILESTONE = re.compile(r"^\s*(\d{4}-\d{1,2}-\d{1,2})\s+(.*)$")
_DIFF_FIELDS = ("decision", "reason", "status", "progress", "owner", "target_date", "title")

AGENDA_CSS = """
<style>
.wb-planner.wb-agenda { max-width: 1500px; }
.wb-planner .wb-agenda-list td { vertical-align: middle; }
.wb-planner .wb-agenda-list th { white-space: nowrap; }
.wb-planner .wb-nowrap { white-space: nowrap; }
.wb-planner .wb-agenda-list tr.wb-selected td { background: #fff8e1; }
.wb-planner .wb-chip { display: inline-block; border-radius: 10px; padding: 0 7px;
  font-size: 12px; color: #fff; margin-right: 4px; white-space: nowrap; }
.wb-planner .wb-badge.wb-adopt { background: #c8e6c9; }
.wb-planner .wb-badge.wb-defer { background: #fff3cd; }
.wb-planner .wb-badge.wb-decline { background: #e0e0e0; }
.wb-planner .wb-badge.wb-candidate { background: #e3f2fd; }
.wb-planner .wb-bar { display: inline-flex; height: 10px; vertical-align: middle;
  background: #f0f0f0; border-radius: 2px; overflow: hidden; }
.wb-planner .wb-bar span { display: inline-block; height: 10px; }
.wb-planner .wb-num { text-align: right; white-space: nowrap; }
.wb-planner .wb-small { font-size: 12px; color: #555; }
.wb-planner .wb-swatch { display: inline-block; width: 10px; height: 10px;
  margin-right: 4px; vertical-align: middle; border-radius: 2px; }
.wb-planner .wb-item-title { font-weight: 600; overflow-wrap: anywhere; }
.wb-planner .wb-old { color: #8d1c1c; text-decoration: line-through; }
.wb-planner .wb-new { color: #1b5e20; }
</style>
"""


def _problem_text(lang: str, problem) -> str:
    return i18n.t(lang, problem[0], **problem[1])


def _is_number(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) \
        and not pd.isna(value)


def parse_milestones(text) -> tuple[list[dict], tuple[str, dict] | None]:
    """Milestones typed one a line, "YYYY-MM-DD title" (or a title alone): the list for
    :func:`decisions.validate_decision`, or a problem naming the first bad line."""
    if text is None:
        text = ""
    if not isinstance(text, str):
        return [], ("error.text_type", {})
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _MILESTONE.match(line)
        if match:
            if not match.group(2).strip():
                return [], ("planner.agenda.milestone_line", {"line": number})
            out.append({"date": match.group(1), "title": match.group(2).strip()})
        elif re.match(r"^\s*\d{4}[-/.]", line):  # a date, written another way
            return [], ("planner.agenda.milestone_line", {"line": number})
        else:
            out.append({"date": None, "title": line.strip()})
    return out, None


class AgendaBuilder:
    """The agenda of one community for planners (``.widget``). ``author`` is the planner's
    name, as published with a version and written beside each progress update."""

    def __init__(self, store: Store, community, layers: dict | None = None, lang: str = "zh",
                 author: str | None = None):
        self.store = store
        self.community = community
        self.community_id = community.id
        self.layers = layers
        self.lang = lang if lang in i18n.LANGUAGES else "zh"
        self.author = check_moderator(author)
        self.log = server_log()
        self.weights: dict[str, float] = dict(scoring.DEFAULT_WEIGHTS)
        self.items: dict[int, dict] = {}
        self.all_items: list[dict] = []
        self.proposals: dict[int, dict] = {}
        self.support_counts: dict[int, int] = {}
        self.evidence = pd.DataFrame()
        self.evidence_rows: dict[int, dict] = {}
        self.parts = pd.DataFrame()
        self.ranking = pd.DataFrame()
        self.order: list[int] = []
        self.selected_id: int | None = None
        self.shown = LIST_LIMIT
        self.statement_options: list[tuple[str, int]] = []
        self.answer_inputs: dict[int, tuple[w.Textarea, w.HTML]] = {}
        self._cell_cache: dict[int, str] = {}
        self._map_key: tuple = ()
        self._quiet = False
        self._build()
        self.refresh()

    @classmethod
    def from_settings(cls, author: str, lang: str = "zh",
                      store: Store | None = None) -> "AgendaBuilder":
        """The builder for the settings' community, acting as ``author`` (e.g. "王主任")."""
        from workbench.layers.community import load_community, read_layers

        layers_dir = settings.get("layers_dir")
        return cls(store or Store(), load_community(layers_dir), read_layers(layers_dir),
                   lang=lang, author=author)

    def t(self, key: str, **params) -> str:
        return i18n.t(self.lang, key, **params)

    # -- labels -----------------------------------------------------------------------------
    def part_label(self, part: str) -> str:
        return self.t(f"planner.agenda.part.{part}")

    def part_help(self, part: str) -> str:
        return self.t(f"planner.agenda.part_help.{part}")

    def decision_label(self, decision: str | None) -> str:
        return self.t(f"planner.agenda.decision.{decision or 'none'}")

    def status_label(self, status: str | None) -> str:
        return self.t(f"planner.agenda.status.{status}") if status else "–"

    def owner_label(self, owner: str | None) -> str:
        return self.t(f"planner.agenda.owner.{owner}") if owner else "–"

    # -- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        safe = guarded(self._show_unexpected)
        t = self.t
        wide = w.Layout(width="640px")
        self.heading = w.HTML(f"<h2>{esc(t('planner.agenda.heading'))}</h2>"
                              f"<p class='wb-hint'>{esc(t('planner.agenda.explain'))}</p>")
        # toolbar
        self.regroup_button = w.Button(description=t("planner.agenda.regroup"),
                                       icon="object-group", layout=w.Layout(width="auto"))
        self.regroup_button.on_click(safe(lambda _b: self.regroup()))
        self.refresh_button = w.Button(description=t("planner.refresh"), icon="refresh",
                                       layout=w.Layout(width="auto"))
        self.refresh_button.on_click(safe(lambda _b: self.refresh()))
        self.status = w.HTML()
        self.regroup_hint = w.HTML(f"<p class='wb-hint'>"
                                   f"{esc(t('planner.agenda.regroup_explain'))}</p>")
        # weights
        self.sliders: dict[str, w.FloatSlider] = {}
        for part in scoring.PARTS:
            slider = w.FloatSlider(value=scoring.DEFAULT_WEIGHTS[part], min=0.0,
                                   max=WEIGHT_MAX, step=0.5, description=self.part_label(part),
                                   tooltip=self.part_help(part), continuous_update=True,
                                   readout_format=".1f", style={"description_width": "96px"},
                                   layout=w.Layout(width="330px"))
            slider.observe(safe(self._on_weight), names="value")
            self.sliders[part] = slider
        self.reset_button = w.Button(description=t("planner.agenda.reset_weights"),
                                     icon="undo", layout=w.Layout(width="auto"))
        self.reset_button.on_click(safe(lambda _b: self.set_weights(scoring.DEFAULT_WEIGHTS)))
        self.weights_error = w.HTML()
        legend = "".join(
            f"<div class='wb-small'><span class='wb-swatch' style='background:"
            f"{PART_COLOURS[p]}'></span><b>{esc(self.part_label(p))}</b>: "
            f"{esc(self.part_help(p))}</div>" for p in scoring.PARTS)
        self.weights_box = w.VBox(
            [w.HTML(f"<h3>{esc(t('planner.agenda.weights'))}</h3>"
                    f"<p class='wb-hint'>{esc(t('planner.agenda.weights_explain'))}</p>"),
             *self.sliders.values(), w.HBox([self.reset_button, self.weights_error]),
             w.HTML(legend)], layout=w.Layout(width="380px", min_width="380px"))
        # map
        from ipyleaflet import LayerGroup

        from workbench.layers.map_widget import CommunityMap

        self.map = CommunityMap(self.community, self.lang, basemap=settings.get("basemap"),
                                height="470px")
        self.rank_markers = LayerGroup(layers=(), name="agenda")
        self.map.widget.add(self.rank_markers)
        self.map_box = w.VBox([w.HTML(f"<h3>{esc(t('planner.agenda.map'))}</h3>"
                                      f"<p class='wb-hint'>"
                                      f"{esc(t('planner.agenda.map_explain', n=MAP_LIMIT))}"
                                      "</p>"), self.map.widget],
                              layout=w.Layout(flex="1 1 auto", min_width="400px"))
        # the ranked list
        self.list_heading = w.HTML(f"<h3>{esc(t('planner.agenda.list'))}</h3>")
        self.list_html = w.HTML()
        self.more_button = w.Button(description=t("planner.agenda.more", n=LIST_LIMIT),
                                    layout=w.Layout(width="auto"))
        self.more_button.on_click(safe(lambda _b: self.show_more()))
        self.picker = w.Dropdown(description=t("planner.agenda.choose"),
                                 layout=w.Layout(width="640px"),
                                 style={"description_width": "120px"})
        self.picker.observe(safe(self._on_pick), names="value")
        # the chosen item
        self.detail_html = w.HTML()
        self.score_html = w.HTML()
        self._build_proposals_tab(safe)
        self._build_edit_tab(safe, wide)
        self._build_merge_tab(safe, wide)
        self._build_decision_tab(safe, wide)
        self._build_tracking_tab(safe, wide)
        self.tabs = w.Tab(children=[self.proposals_tab, self.edit_tab, self.merge_tab,
                                    self.decision_tab, self.tracking_tab])
        for k, key in enumerate(("planner.agenda.tab_proposals", "planner.agenda.tab_edit",
                                 "planner.agenda.tab_merge", "planner.agenda.tab_decision",
                                 "planner.agenda.tab_tracking")):
            self.tabs.set_title(k, t(key))
        self.detail_box = w.VBox([w.HTML(f"<h3>{esc(t('planner.agenda.item'))}</h3>"),
                                  self.picker, self.detail_html, self.score_html, self.tabs])
        # publishing and versions
        self._build_publish(safe)
        self.widget = w.VBox([
            w.HTML(CSS), w.HTML(AGENDA_CSS), self.heading,
            w.HBox([self.regroup_button, self.refresh_button, self.status]), self.regroup_hint,
            w.HBox([self.weights_box, self.map_box], layout=w.Layout(width="100%")),
            self.list_heading, self.list_html, self.more_button, self.detail_box,
            self.publish_box])
        self.widget.add_class("wb-planner")
        self.widget.add_class("wb-agenda")

    def _field_error(self) -> w.HTML:
        return w.HTML(layout=w.Layout(margin="0 0 4px 0"))

    def _build_proposals_tab(self, safe) -> None:
        self.proposals_hint = w.HTML(f"<p class='wb-hint'>"
                                     f"{esc(self.t('planner.agenda.answer_explain'))}</p>")
        self.proposals_box = w.VBox()
        self.proposals_tab = w.VBox([self.proposals_hint, self.proposals_box])
        self._safe = safe

    def _build_edit_tab(self, safe, wide) -> None:
        t = self.t
        self.title_input = w.Text(description=t("planner.agenda.title"), layout=wide,
                                  continuous_update=False)
        self.description_input = w.Textarea(description=t("planner.agenda.description"),
                                            rows=3, layout=wide, continuous_update=False)
        self.scenario_input = w.Dropdown(
            description=t("planner.agenda.scenario"),
            options=[(s[self.lang], s["code"]) for s in vocabulary.scenarios()])
        self.edit_errors = {name: self._field_error() for name in
                            ("title", "description", "scenario")}
        self.edit_button = w.Button(description=t("planner.agenda.save_edit"),
                                    button_style="primary", layout=w.Layout(width="auto"))
        self.edit_button.on_click(safe(lambda _b: self.edit()))
        self.edit_status = w.HTML()
        self.statements_input = w.SelectMultiple(description=t("planner.agenda.statements"),
                                                 rows=6, layout=wide)
        self.statements_error = self._field_error()
        self.statements_button = w.Button(description=t("planner.agenda.link_statements"),
                                          layout=w.Layout(width="auto"))
        self.statements_button.on_click(
            safe(lambda _b: self.link_statements(list(self.statements_input.value))))
        self.edit_tab = w.VBox([
            self.title_input, self.edit_errors["title"], self.description_input,
            self.edit_errors["description"], self.scenario_input, self.edit_errors["scenario"],
            w.HBox([self.edit_button, self.edit_status]),
            w.HTML(f"<h4>{esc(t('planner.agenda.statements_heading'))}</h4>"
                   f"<p class='wb-hint'>{esc(t('planner.agenda.statements_explain'))}</p>"),
            self.statements_input, self.statements_error, self.statements_button])

    def _build_merge_tab(self, safe, wide) -> None:
        t = self.t
        self.merge_input = w.SelectMultiple(description=t("planner.agenda.merge_sources"),
                                            rows=6, layout=wide)
        self.merge_reason = w.Textarea(description=t("planner.agenda.reason"), rows=2,
                                       layout=wide, continuous_update=False)
        self.merge_errors = {name: self._field_error() for name in ("sources", "reason")}
        self.merge_button = w.Button(description=t("planner.agenda.merge"),
                                     button_style="warning", layout=w.Layout(width="auto"))
        self.merge_button.on_click(safe(lambda _b: self.merge(list(self.merge_input.value),
                                                               self.merge_reason.value)))
        self.split_input = w.SelectMultiple(description=t("planner.agenda.split_proposals"),
                                            rows=6, layout=wide)
        self.split_title = w.Text(description=t("planner.agenda.split_title"), layout=wide,
                                  placeholder=t("planner.agenda.split_title_placeholder"),
                                  continuous_update=False)
        self.split_errors = {name: self._field_error() for name in ("proposals", "title")}
        self.split_button = w.Button(description=t("planner.agenda.split"),
                                     layout=w.Layout(width="auto"))
        self.split_button.on_click(safe(lambda _b: self.split(list(self.split_input.value),
                                                               self.split_title.value)))
        self.merge_status = w.HTML()
        self.merge_tab = w.VBox([
            w.HTML(f"<h4>{esc(t('planner.agenda.merge_heading'))}</h4>"
                   f"<p class='wb-hint'>{esc(t('planner.agenda.merge_explain'))}</p>"),
            self.merge_input, self.merge_errors["sources"], self.merge_reason,
            self.merge_errors["reason"], w.HBox([self.merge_button]),
            w.HTML(f"<h4>{esc(t('planner.agenda.split_heading'))}</h4>"
                   f"<p class='wb-hint'>{esc(t('planner.agenda.split_explain'))}</p>"),
            self.split_input, self.split_errors["proposals"], self.split_title,
            self.split_errors["title"], w.HBox([self.split_button]), self.merge_status])

    def _build_decision_tab(self, safe, wide) -> None:
        t = self.t
        self.decision_input = w.ToggleButtons(
            options=[(self.decision_label(d), d) for d in DECISION_CHOICES], value=None,
            description=t("planner.agenda.decision"), style={"button_width": "90px"})
        self.decision_input.observe(safe(lambda _c: self._show_adopt_fields()), names="value")
        self.reason_input = w.Textarea(description=t("planner.agenda.reason"), rows=3,
                                       layout=wide, continuous_update=False,
                                       placeholder=t("planner.agenda.reason_placeholder"))
        self.owner_input = w.Dropdown(
            description=t("planner.agenda.owner"),
            options=[(t("planner.agenda.owner_choose"), None)]
            + [(self.owner_label(o), o) for o in decisions.OWNERS])
        self.budget_input = w.Text(description=t("planner.agenda.budget"), layout=wide,
                                   continuous_update=False)
        self.milestones_input = w.Textarea(
            description=t("planner.agenda.milestones"), rows=4, layout=wide,
            placeholder=t("planner.agenda.milestones_placeholder"), continuous_update=False)
        self.target_input = w.DatePicker(description=t("planner.agenda.target_date"))
        self.decision_errors = {name: self._field_error() for name in (
            "decision", "reason", "owner", "budget_line", "milestones", "target_date")}
        self.adopt_box = w.VBox([self.owner_input, self.decision_errors["owner"],
                                 self.budget_input, self.decision_errors["budget_line"],
                                 self.milestones_input, self.decision_errors["milestones"],
                                 self.target_input, self.decision_errors["target_date"]])
        self.decision_button = w.Button(description=t("planner.agenda.save_decision"),
                                        button_style="primary", layout=w.Layout(width="auto"))
        self.decision_button.on_click(safe(lambda _b: self.save_decision()))
        self.decision_status = w.HTML()
        self.decision_tab = w.VBox([
            w.HTML(f"<p class='wb-hint'>{esc(t('planner.agenda.decision_explain'))}</p>"),
            self.decision_input, self.decision_errors["decision"], self.reason_input,
            self.decision_errors["reason"], self.adopt_box,
            w.HBox([self.decision_button, self.decision_status])])

    def _build_tracking_tab(self, safe, wide) -> None:
        t = self.t
        self.status_input = w.Dropdown(
            description=t("planner.agenda.status"),
            options=[(self.status_label(s), s) for s in decisions.STATUSES])
        self.progress_input = w.IntSlider(description=t("planner.agenda.progress"), min=0,
                                          max=100, step=5, value=0)
        self.note_input = w.Textarea(description=t("planner.agenda.note"), rows=2,
                                     layout=wide, continuous_update=False)
        self.update_errors = {name: self._field_error() for name in
                              ("status", "progress", "note")}
        self.update_button = w.Button(description=t("planner.agenda.add_update"),
                                      button_style="primary", layout=w.Layout(width="auto"))
        self.update_button.on_click(safe(lambda _b: self.save_update()))
        self.update_status = w.HTML()
        self.history_html = w.HTML()
        self.tracking_form = w.VBox([
            self.status_input, self.update_errors["status"], self.progress_input,
            self.update_errors["progress"], self.note_input, self.update_errors["note"],
            w.HBox([self.update_button, self.update_status])])
        self.tracking_hint = w.HTML()
        self.tracking_tab = w.VBox([self.tracking_hint, self.tracking_form,
                                    w.HTML(f"<h4>{esc(t('planner.agenda.history'))}</h4>"),
                                    self.history_html])

    def _build_publish(self, safe) -> None:
        t = self.t
        self.confirm_input = w.Checkbox(description=t("planner.agenda.confirm"), indent=False,
                                        layout=w.Layout(width="auto"))
        self.publish_button = w.Button(description=t("planner.agenda.publish"),
                                       button_style="success", icon="check",
                                       layout=w.Layout(width="auto"))
        self.publish_button.on_click(safe(lambda _b: self.publish()))
        self.publish_status = w.HTML()
        self.versions_html = w.HTML()
        self.diff_from = w.Dropdown(description=t("planner.agenda.diff_from"),
                                    layout=w.Layout(width="260px"))
        self.diff_to = w.Dropdown(description=t("planner.agenda.diff_to"),
                                  layout=w.Layout(width="260px"))
        self.diff_button = w.Button(description=t("planner.agenda.diff"),
                                    layout=w.Layout(width="auto"))
        self.diff_button.on_click(safe(lambda _b: self.show_diff(self.diff_from.value,
                                                                  self.diff_to.value)))
        self.diff_html = w.HTML()
        self.publish_box = w.VBox([
            w.HTML(f"<h3>{esc(t('planner.agenda.publish_heading'))}</h3>"
                   f"<p class='wb-hint'>{esc(t('planner.agenda.publish_explain'))}</p>"),
            w.HBox([self.confirm_input, self.publish_button, self.publish_status]),
            w.HTML(f"<h4>{esc(t('planner.agenda.versions'))}</h4>"), self.versions_html,
            w.HBox([self.diff_from, self.diff_to, self.diff_button]), self.diff_html])

    # -- messages ---------------------------------------------------------------------------
    def _show_unexpected(self) -> None:
        self._message(self.status, ("error.unexpected", {}))

    def _message(self, widget: w.HTML, problem, ok: bool = False) -> None:
        if not problem:
            widget.value = ""
            return
        css = "wb-ok" if ok else "wb-error"
        widget.value = f"<span class='{css}'>{esc(_problem_text(self.lang, problem))}</span>"

    def _show_errors(self, labels: dict[str, w.HTML], errors: dict) -> None:
        for name, label in labels.items():
            self._message(label, errors.get(name))

    # -- reading ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the items, proposals and evidence again, compute the score parts once, rank
        and redraw."""
        self.all_items = self.store.agenda_items(self.community_id)
        live = [i for i in self.all_items if i["decision"] != "merge"]
        self.items = {i["id"]: i for i in live}
        self.proposals = {p["id"]: p for p in self.store.list_proposals(self.community_id)}
        self.support_counts = self.store.support_counts(self.community_id)
        self.evidence = workflow.gather_evidence(self.store, self.community, self.layers,
                                                 self.lang, items=live)
        self.evidence_rows = {int(r["item_id"]): r for r in self.evidence.to_dict("records")}
        self.parts = (scoring.score_parts(self.evidence) if len(self.evidence)
                      else pd.DataFrame(columns=list(scoring.PARTS)))
        self._cell_cache = {}
        self._map_key = ()
        self._load_statements()
        self._rerank()
        self._set_picker_options()
        if self.selected_id not in self.items:
            self.selected_id = self.order[0] if self.order else None
        self.select(self.selected_id)
        self._show_versions()

    def _load_statements(self) -> None:
        """Statements that can be linked: shown ones of open topics, and those linked now."""
        linked = {s for i in self.items.values() for s in i.get("statement_ids") or []}
        options = []
        for topic in self.store.topics(self.community_id):
            for s in self.store.statements_of(topic["id"]):
                if (topic["status"] == "open" and s["status"] == "shown") or s["id"] in linked:
                    label = f"#{s['id']} {topic['title']} · {s['body']}"
                    options.append((label[:160], s["id"]))
        self.statement_options = options

    @property
    def ranked(self) -> pd.DataFrame:
        """The current ranking: item_id, the parts, their weighted contributions
        (``w_<part>``), score and rank."""
        return self.ranking

    # -- weights and ranking ----------------------------------------------------------------
    def _rerank(self) -> None:
        if len(self.parts):
            self.ranking = scoring.rank(self.parts, self.weights)
            self.order = self.ranking["item_id"].tolist()
        else:
            self.ranking = pd.DataFrame(columns=["item_id", "score", "rank"])
            self.order = []
        self._draw_list()
        self._draw_map()
        if self.selected_id is not None:
            self.score_html.value = self.score_parts_html(self.selected_id)

    def set_weights(self, weights: dict) -> pd.DataFrame | None:
        """Set the weights (the sliders follow) and re-rank from the parts computed on the
        last refresh; the ranking, or None when the weights are refused."""
        try:
            clean = scoring.check_weights({**self.weights, **weights})
        except ValueError:
            self._message(self.weights_error, ("planner.agenda.weights_invalid", {}))
            return None
        self._message(self.weights_error, None)
        self.weights = clean
        self._quiet = True
        try:
            for part, slider in self.sliders.items():
                if slider.value != clean[part]:
                    slider.value = min(clean[part], WEIGHT_MAX)
        finally:
            self._quiet = False
        self._rerank()
        return self.ranking

    def _on_weight(self, _change) -> None:
        if self._quiet:
            return
        values = {part: float(s.value) for part, s in self.sliders.items()}
        if not any(values.values()):
            self._message(self.weights_error, ("planner.agenda.weights_invalid", {}))
            return
        self.set_weights(values)

    def show_more(self) -> None:
        self.shown += LIST_LIMIT
        self._draw_list()

    # -- the list ---------------------------------------------------------------------------
    def _item_cells(self, item_id: int) -> str:
        """The cells of a row that do not depend on the weights (cached until refresh)."""
        cached = self._cell_cache.get(item_id)
        if cached is not None:
            return cached
        item = self.items[item_id]
        e = self.evidence_rows.get(item_id, {})
        cells = (f"<td>{self.title_html(item)}</td>"
                 f"<td class='wb-num'>{self.supporters_html(e)}</td>"
                 f"<td>{self.stance_html(e)}</td>"
                 f"<td class='wb-num'>{self._fmt(e.get('consensus'), '.2f')}</td>"
                 f"<td>{self.survey_html(e)}</td>"
                 f"<td class='wb-num'>{self.households_html(e)}</td>")
        self._cell_cache[item_id] = cells
        return cells

    def _draw_list(self) -> None:
        t = self.t
        if not self.order:
            self.list_html.value = f"<p class='wb-hint'>{esc(t('planner.agenda.empty'))}</p>"
            self.more_button.layout.display = "none"
            return
        head = "".join(f"<th>{esc(t(k))}</th>" for k in (
            "planner.agenda.col_rank", "planner.agenda.col_item",
            "planner.agenda.col_supporters", "planner.agenda.col_comments",
            "planner.agenda.col_consensus", "planner.agenda.col_survey",
            "planner.agenda.col_households", "planner.agenda.col_score"))
        top = self.ranking.head(self.shown)
        rows = []
        for r in top.to_dict("records"):
            item_id = int(r["item_id"])
            css = " class='wb-selected'" if item_id == self.selected_id else ""
            rows.append(f"<tr{css}><td class='wb-num'><b>{int(r['rank'])}</b></td>"
                        f"{self._item_cells(item_id)}"
                        f"<td>{self.score_bar_html(r)}</td></tr>")
        more = len(self.order) - len(top)
        self.list_html.value = (
            f"<table class='wb-table wb-agenda-list'><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
            f"<p class='wb-small'>"
            f"{esc(t('planner.agenda.list_count', shown=len(top), total=len(self.order)))}</p>")
        self.more_button.layout.display = None if more > 0 else "none"

    def title_html(self, item: dict) -> str:
        scenario = next((s for s in vocabulary.scenarios() if s["code"] == item["scenario"]),
                        None)
        chip = (f"<span class='wb-chip' style='background:{scenario['color']}'>"
                f"{esc(scenario[self.lang])}</span>" if scenario else "")
        return (f"<span class='wb-item-title'>{esc(item['title'])}</span> "
                f"<span class='wb-small'>#{int(item['id'])}</span><br>{chip}"
                f"{self.badges_html(item)}")

    def badges_html(self, item: dict) -> str:
        decision = item.get("decision")
        css = _DECISION_CSS.get(decision, "wb-candidate")
        out = f"<span class='wb-badge {css}'>{esc(self.decision_label(decision))}</span>"
        if decision == "adopt" and item.get("status"):
            out += (f"<span class='wb-badge'>{esc(self.status_label(item['status']))} "
                    f"{int(item.get('progress') or 0)}%</span>")
        return out

    def supporters_html(self, e: dict) -> str:
        if not e:
            return "–"
        external = int(e.get("external_supports") or 0)
        extra = f" <span class='wb-small'>+{external}</span>" if external else ""
        return (f"<b>{int(e['supporters'])}</b>{extra}<br><span class='wb-small'>"
                f"{esc(self.t('planner.agenda.proposals_n', n=int(e['proposals'])))}</span>")

    def stance_html(self, e: dict) -> str:
        if not e:
            return "–"
        f, a, n = (int(e.get("comments_for") or 0), int(e.get("comments_against") or 0),
                   int(e.get("comments_neutral") or 0))
        total = f + a + n
        if not total:
            return "<span class='wb-small'>–</span>"
        width = 70
        segments = "".join(
            f"<span style='width:{round(width * k / total)}px;background:{colour}'></span>"
            for k, colour in ((f, "#2e7d32"), (n, "#9e9e9e"), (a, "#c62828")) if k)
        label = esc(self.t("planner.agenda.stance_counts", f=f, a=a, n=n))
        return (f"<span class='wb-bar' style='width:{width}px' title='{label}'>{segments}"
                f"</span><br><span class='wb-small wb-nowrap'>{label}</span>")

    def survey_html(self, e: dict) -> str:
        if not e:
            return "–"
        parts = []
        if _is_number(e.get("satisfaction")):
            parts.append(esc(self.t("planner.agenda.satisfaction", x=float(e["satisfaction"]))))
        needs = e.get("needs") or {}
        if needs:
            top = sorted(needs.items(), key=lambda kv: -kv[1])[:2]
            parts.append("<span class='wb-small'>" + " · ".join(
                f"{esc(label)} {int(n)}" for label, n in top) + "</span>")
        return "<br>".join(parts) or "–"

    def households_html(self, e: dict) -> str:
        if not e or not _is_number(e.get("households_500")):
            return "<span class='wb-small'>–</span>"
        return (f"{int(e['households_300'])} / {int(e['households_500'])}<br>"
                f"<span class='wb-small'>"
                f"{esc(self.t('planner.agenda.underserved', n=int(e['underserved_households'])))}"
                "</span>")

    def score_bar_html(self, r: dict) -> str:
        segments, tips = [], []
        for part in scoring.PARTS:
            value = float(r.get(f"w_{part}", 0.0) or 0.0)
            tips.append(f"{self.part_label(part)} {float(r.get(part, 0.0)):.2f}")
            px = round(value * BAR_PX)
            if px:
                segments.append(f"<span style='width:{px}px;background:{PART_COLOURS[part]}'>"
                                "</span>")
        tip = esc(" · ".join(tips))
        return (f"<span class='wb-bar' style='width:{BAR_PX}px' title='{tip}'>"
                f"{''.join(segments)}</span> <b>{float(r['score']):.2f}</b>")

    @staticmethod
    def _fmt(value, spec: str) -> str:
        return format(float(value), spec) if _is_number(value) else "–"

    # -- the map ----------------------------------------------------------------------------
    def _draw_map(self) -> None:
        top = [i for i in self.order[:MAP_LIMIT]
               if _is_number(self.items[i].get("lon")) and _is_number(self.items[i].get("lat"))]
        key = (tuple(top), self.selected_id)
        if key == self._map_key:
            return
        self._map_key = key
        from ipyleaflet import DivIcon, Marker

        markers = []
        for rank, item_id in enumerate(self.order[:MAP_LIMIT], start=1):
            item = self.items[item_id]
            if item_id not in top:
                continue
            colour = "#d84315" if item_id == self.selected_id else "#263238"
            icon = DivIcon(html=(f"<div style='width:22px;height:22px;border-radius:11px;"
                                 f"background:{colour};color:#fff;font:bold 12px/22px sans-serif;"
                                 f"text-align:center;border:2px solid #fff;"
                                 f"box-shadow:0 0 2px #000'>{rank}</div>"),
                           icon_size=[26, 26], icon_anchor=[13, 13])
            markers.append(Marker(location=(float(item["lat"]), float(item["lon"])), icon=icon,
                                  draggable=False, title=f"{rank}. {item['title']}",
                                  z_index_offset=1000 if item_id == self.selected_id else 0))
        self.rank_markers.layers = tuple(markers)

    # -- the chosen item --------------------------------------------------------------------
    def _set_picker_options(self) -> None:
        options = [(f"#{i} {self.items[i]['title']}"[:120], i) for i in sorted(self.items)]
        self._quiet = True
        try:
            self.picker.options = options
            self.picker.value = self.selected_id if self.selected_id in self.items else None
        finally:
            self._quiet = False

    def _on_pick(self, change) -> None:
        if self._quiet:
            return
        self.select(change["new"])

    def select(self, item_id: int | None) -> None:
        """Show an item's evidence, proposals and forms."""
        if item_id is not None and item_id not in self.items:
            self._message(self.status, ("planner.agenda.unknown_item", {}))
            return
        self.selected_id = item_id
        self._quiet = True
        try:
            if self.picker.value != item_id:
                self.picker.value = item_id
        finally:
            self._quiet = False
        for labels in (self.edit_errors, self.merge_errors, self.split_errors,
                       self.decision_errors, self.update_errors):
            self._show_errors(labels, {})
        for status in (self.edit_status, self.merge_status, self.decision_status,
                       self.update_status):
            status.value = ""
        if item_id is None:
            self.detail_html.value = ""
            self.score_html.value = ""
            self.tabs.layout.display = "none"
            self._draw_list()
            return
        self.tabs.layout.display = None
        item = self.items[item_id]
        self.detail_html.value = self.detail_of(item)
        self.score_html.value = self.score_parts_html(item_id)
        self._fill_proposals(item)
        self._fill_edit(item)
        self._fill_merge(item)
        self._fill_decision(item)
        self._fill_tracking(item)
        self._draw_list()
        self._draw_map()

    def detail_of(self, item: dict) -> str:
        """The chosen item's evidence in full, its linked statements and what was merged
        into it (links back to the merged items)."""
        t = self.t
        e = self.evidence_rows.get(item["id"], {})
        rows = [
            (t("planner.agenda.col_supporters"), self.supporters_html(e)),
            (t("planner.agenda.col_comments"), self.stance_html(e)),
            (t("planner.agenda.col_consensus"), self._fmt(e.get("consensus"), ".2f")),
            (t("planner.agenda.col_survey"), self.survey_html(e) if e else "–"),
            (t("planner.agenda.col_households"), self.households_html(e)),
        ]
        needs = e.get("needs") or {}
        if needs:
            rows.append((t("planner.agenda.needs"), esc(" · ".join(
                f"{label} {int(n)}" for label, n in sorted(needs.items(),
                                                           key=lambda kv: -kv[1])[:6]))))
        linked = {sid: label for label, sid in self.statement_options}
        if item.get("statement_ids"):
            rows.append((t("planner.agenda.statements"), "<br>".join(
                esc(linked.get(s, f"#{s}")) for s in item["statement_ids"])))
        merged = [i for i in self.all_items if i.get("merged_into") == item["id"]]
        if merged:
            rows.append((t("planner.agenda.merged_from"), "<br>".join(
                f"#{int(m['id'])} {esc(m['title'])} <span class='wb-small'>"
                f"{esc(m.get('reason') or '')}</span>" for m in merged)))
        if item.get("decision"):
            rows.append((t("planner.agenda.decision"),
                         f"{esc(self.decision_label(item['decision']))}: "
                         f"{esc(item.get('reason') or '')}"))
        body = "".join(f"<tr><th>{esc(k)}</th><td>{v}</td></tr>" for k, v in rows)
        place = self.community.public_spaces.get(item.get("public_space_id") or "")
        where = (f" · {esc(place['properties']['name_' + self.lang])}" if place else "")
        return (f"<div class='wb-item'>{self.title_html(item)}{where}"
                f"<div class='wb-item-text'>{esc(item.get('description') or '')}</div>"
                f"<table class='wb-table'>{body}</table></div>")

    def score_parts_html(self, item_id: int) -> str:
        """Why the item ranks where it does: each part, its weight and its share."""
        t = self.t
        if not len(self.ranking) or item_id not in self.items:
            return ""
        row = self.ranking[self.ranking["item_id"] == item_id]
        if row.empty:
            return ""
        r = row.iloc[0]
        head = "".join(f"<th>{esc(t(k))}</th>" for k in (
            "planner.agenda.col_part", "planner.agenda.col_value", "planner.agenda.col_weight",
            "planner.agenda.col_contribution"))
        body = "".join(
            f"<tr><td><span class='wb-swatch' style='background:{PART_COLOURS[p]}'></span>"
            f"{esc(self.part_label(p))}</td><td class='wb-num'>{float(r[p]):.2f}</td>"
            f"<td class='wb-num'>{self.weights[p]:.1f}</td>"
            f"<td class='wb-num'>{float(r['w_' + p]):.3f}</td></tr>" for p in scoring.PARTS)
        summary = esc(t("planner.agenda.rank_line", rank=int(r["rank"]), total=len(self.order),
                        score=float(r["score"])))
        return (f"<p><b>{summary}</b> {self.score_bar_html(r.to_dict())}</p>"
                f"<table class='wb-table'><thead><tr>{head}</tr></thead>"
                f"<tbody>{body}</tbody></table>")

    def _fill_proposals(self, item: dict) -> None:
        t = self.t
        rows = []
        self.answer_inputs = {}
        pids = item["proposal_ids"]
        for pid in pids[:PROPOSALS_LIMIT]:
            p = self.proposals.get(pid)
            if p is None:
                continue
            supports = self.support_counts.get(pid, 0) + int(p.get("external_supports") or 0)
            hidden = (f" <span class='wb-badge wb-hidden'>{esc(t('planner.agenda.hidden'))}"
                      "</span>" if p.get("hidden_reason") else "")
            answer = p.get("official_answer")
            head = w.HTML(
                f"<div><b>#{int(pid)}</b> <span class='wb-item-title'>{esc(p['title'])}</span>"
                f"{hidden} <span class='wb-small'>{esc(p['receipt_code'])} · "
                f"{esc(t('planner.agenda.supports_n', n=supports))}</span></div>"
                f"<div class='wb-item-text wb-small'>{esc(p.get('description') or '')}</div>"
                + (f"<div class='wb-small'>{esc(t('planner.agenda.answer_now'))}: "
                   f"{esc(answer)}</div>" if answer else ""))
            box = w.Textarea(value=answer or "", rows=2, continuous_update=False,
                             placeholder=t("planner.agenda.answer_placeholder"),
                             layout=w.Layout(width="560px"))
            error = self._field_error()
            button = w.Button(description=t("planner.agenda.save_answer"),
                              layout=w.Layout(width="auto"))
            button.on_click(self._safe(lambda _b, pid=pid, box=box: self.answer(pid, box.value)))
            self.answer_inputs[pid] = (box, error)
            row = w.VBox([head, w.HBox([box, button]), error])
            row.add_class("wb-item")
            rows.append(row)
        if len(pids) > PROPOSALS_LIMIT:
            more = t("planner.agenda.more_proposals", shown=PROPOSALS_LIMIT, total=len(pids))
            rows.append(w.HTML(f"<p class='wb-hint'>{esc(more)}</p>"))
        self.proposals_box.children = rows

    def _fill_edit(self, item: dict) -> None:
        self.title_input.value = item["title"]
        self.description_input.value = item.get("description") or ""
        if item["scenario"] in vocabulary.scenario_codes():
            self.scenario_input.value = item["scenario"]
        self.statements_input.options = self.statement_options
        ids = {sid for _, sid in self.statement_options}
        self.statements_input.value = tuple(s for s in item.get("statement_ids") or []
                                            if s in ids)

    def _fill_merge(self, item: dict) -> None:
        self.merge_input.options = [(f"#{i} {self.items[i]['title']}"[:120], i)
                                    for i in self.order if i != item["id"]]
        self.merge_input.value = ()
        self.merge_reason.value = ""
        self.split_input.options = [
            (f"#{pid} {self.proposals[pid]['title']}"[:120], pid)
            for pid in item["proposal_ids"] if pid in self.proposals]
        self.split_input.value = ()
        self.split_title.value = ""

    def _fill_decision(self, item: dict) -> None:
        decided = item.get("decision") in DECISION_CHOICES
        self.decision_input.value = item["decision"] if decided else None
        self.reason_input.value = (item.get("reason") or "") if decided else ""
        self.owner_input.value = item.get("owner") if item.get("owner") in decisions.OWNERS \
            else None
        self.budget_input.value = item.get("budget_line") or ""
        self.milestones_input.value = "\n".join(
            f"{m['date']} {m['title']}" if m.get("date") else m["title"]
            for m in item.get("milestones") or [])
        self.target_input.value = item.get("target_date")
        self._show_adopt_fields()

    def _show_adopt_fields(self) -> None:
        self.adopt_box.layout.display = None if self.decision_input.value == "adopt" else "none"

    def _fill_tracking(self, item: dict) -> None:
        adopted = item.get("decision") == "adopt"
        self.tracking_form.layout.display = None if adopted else "none"
        self.tracking_hint.value = "" if adopted else (
            f"<p class='wb-hint'>{esc(self.t('planner.agenda.track_adopted_only'))}</p>")
        if item.get("status") in decisions.STATUSES:
            self.status_input.value = item["status"]
        self.progress_input.value = int(item.get("progress") or 0)
        self.note_input.value = ""
        self.history_html.value = self.history_table(item["id"])

    def history_table(self, item_id: int) -> str:
        t = self.t
        updates = self.store.item_updates([item_id])
        if not updates:
            return f"<p class='wb-hint'>{esc(t('planner.agenda.no_history'))}</p>"
        head = "".join(f"<th>{esc(t(k))}</th>" for k in (
            "planner.agenda.col_date", "planner.agenda.status", "planner.agenda.progress",
            "planner.agenda.note", "planner.agenda.col_author"))
        body = "".join(
            f"<tr><td>{esc(u['created_at'].strftime('%Y-%m-%d'))}</td>"
            f"<td>{esc(self.status_label(u['status']))}</td><td>{int(u['progress'])}%</td>"
            f"<td class='wb-item-text'>{esc(u['note'])}</td><td>{esc(u['author'])}</td></tr>"
            for u in reversed(updates))
        return (f"<table class='wb-table'><thead><tr>{head}</tr></thead>"
                f"<tbody>{body}</tbody></table>")

    # -- acting -----------------------------------------------------------------------------
    def _current(self, item_id: int | None = None) -> dict | None:
        """The chosen (or given) item as stored now, if it is still on this agenda."""
        item_id = self.selected_id if item_id is None else item_id
        if item_id is None:
            return None
        item = self.store.agenda_item(item_id)
        if item is None or item["community_id"] != self.community_id \
                or item["decision"] == "merge":
            return None
        return item

    def _after_write(self, status: w.HTML, message) -> None:
        self.refresh()
        self._message(status, message, ok=True)

    def regroup(self) -> list[int] | None:
        """Group the proposals of undecided items again (decided items stay)."""
        try:
            ids = workflow.regroup(self.store, self.community_id,
                                   place_names=grouping.place_names(self.community))
        except StoreBusy:
            self._message(self.status, ("planner.busy", {}))
            return None
        self.selected_id = None
        self._after_write(self.status, ("planner.agenda.regrouped", {"n": len(ids)}))
        return ids

    def answer(self, proposal_id: int, text) -> bool:
        """The official answer to a proposal (public, beside the proposal)."""
        box, error = self.answer_inputs.get(proposal_id, (None, None))
        label = error or self.status
        if proposal_id not in self.proposals:
            self._message(label, ("planner.agenda.unknown_item", {}))
            return False
        clean, problem = check_text(text, required=True, multiline=True,
                                    max_chars=decisions.REASON_MAX_CHARS)
        if problem:
            self._message(label, problem)
            return False
        try:
            self.store.set_official_answer(proposal_id, clean)
        except StoreBusy:
            self._message(label, ("planner.busy", {}))
            return False
        self.proposals[proposal_id] = {**self.proposals[proposal_id], "official_answer": clean}
        if box is not None:
            box.value = clean
        self._message(label, ("planner.agenda.answer_saved", {"id": proposal_id}), ok=True)
        return True

    def edit(self, title=None, description=None, scenario=None) -> bool:
        """Change the chosen item's title, description and scenario (the form's values when
        not given)."""
        if title is not None:
            self.title_input.value = title
        if description is not None:
            self.description_input.value = description
        if scenario is not None:
            self.scenario_input.value = scenario
        item = self._current()
        if item is None:
            self._message(self.edit_status, ("planner.agenda.unknown_item", {}))
            return False
        errors = {}
        clean_title, problem = check_text(self.title_input.value, required=True,
                                          max_chars=TITLE_MAX_CHARS)
        if problem:
            errors["title"] = problem
        clean_description, problem = check_text(
            self.description_input.value, required=False, multiline=True,
            max_chars=settings.get("description_max_chars"))
        if problem:
            errors["description"] = problem
        if self.scenario_input.value not in vocabulary.scenario_codes():
            errors["scenario"] = ("error.scenario_required", {})
        self._show_errors(self.edit_errors, errors)
        if errors:
            self._message(self.edit_status, ("planner.agenda.fix_errors", {}))
            return False
        try:
            self.store.edit_item(item["id"], title=clean_title,
                                 description=clean_description or "",
                                 scenario=self.scenario_input.value)
        except StoreBusy:
            self._message(self.edit_status, ("planner.busy", {}))
            return False
        self._after_write(self.edit_status, ("planner.agenda.saved", {}))
        return True

    def link_statements(self, statement_ids) -> bool:
        """Link statements (from the topics) to the chosen item as evidence of consensus."""
        item = self._current()
        allowed = {sid for _, sid in self.statement_options}
        ids = list(statement_ids or [])
        if item is None or not set(ids) <= allowed:
            self._message(self.statements_error, ("planner.agenda.unknown_item", {}))
            return False
        try:
            self.store.edit_item(item["id"], statement_ids=ids)
        except StoreBusy:
            self._message(self.statements_error, ("planner.busy", {}))
            return False
        self.refresh()
        self._message(self.statements_error, ("planner.agenda.linked", {"n": len(ids)}),
                      ok=True)
        return True

    def merge(self, source_ids, reason) -> bool:
        """Merge other items into the chosen one: their proposals (with every support and
        comment) move to it, and each merged item points at it, with the public reason."""
        target = self._current()
        errors = {}
        sources = [int(s) for s in (source_ids or [])]
        if target is None or not sources or target["id"] in sources or any(
                self._current(s) is None for s in sources):
            errors["sources"] = ("planner.agenda.merge_choose", {})
        try:
            clean = decisions.validate_decision({"decision": "merge", "reason": reason}).reason
        except decisions.DecisionInvalid as exc:
            errors.update({k: v for k, v in exc.errors.items() if k == "reason"})
        self._show_errors(self.merge_errors, errors)
        if errors:
            self._message(self.merge_status, ("planner.agenda.fix_errors", {}))
            return False
        try:
            self.store.merge_items(target["id"], sources, clean)
        except StoreBusy:
            self._message(self.merge_status, ("planner.busy", {}))
            return False
        self._after_write(self.merge_status, ("planner.agenda.merged",
                                              {"n": len(sources), "id": target["id"]}))
        return True

    def split(self, proposal_ids, title=None) -> int | None:
        """Move some of the chosen item's proposals into a new item (its fields from the
        most supported of them; ``title`` replaces its title). Returns the new item's id."""
        item = self._current()
        errors = {}
        pids = sorted({int(p) for p in (proposal_ids or [])})
        if item is None or not pids or not set(pids) <= set(item["proposal_ids"]) \
                or len(pids) == len(item["proposal_ids"]):
            errors["proposals"] = ("planner.agenda.split_choose", {})
        clean_title, problem = check_text(title, required=False, max_chars=TITLE_MAX_CHARS)
        if problem:
            errors["title"] = problem
        self._show_errors(self.split_errors, errors)
        if errors:
            self._message(self.merge_status, ("planner.agenda.fix_errors", {}))
            return None
        rows = pd.DataFrame([self.proposals[p] for p in pids if p in self.proposals])
        fields = grouping.candidate_item(rows, self.support_counts)
        if clean_title:
            fields["title"] = clean_title
        try:
            new_id = self.store.add_item(self.community_id, {**fields, "proposal_ids": []})
            self.store.move_proposals(pids, new_id)
        except StoreBusy:
            self._message(self.merge_status, ("planner.busy", {}))
            return None
        self.selected_id = new_id
        self._after_write(self.merge_status, ("planner.agenda.split_done",
                                              {"n": len(pids), "id": new_id}))
        return new_id

    def decide(self, decision, reason="", owner=None, budget_line="", milestones="",
               target_date=None) -> bool:
        """Fill the decision form and save it (see :meth:`save_decision`). ``milestones``
        is text, one "YYYY-MM-DD title" a line, or a list of {title, date}."""
        self.decision_input.value = decision if decision in DECISION_CHOICES else None
        self.reason_input.value = reason or ""
        self.owner_input.value = owner if owner in decisions.OWNERS else None
        self._bad_owner = owner is not None and owner not in decisions.OWNERS
        self.budget_input.value = budget_line or ""
        if isinstance(milestones, list):
            milestones = "\n".join(f"{m.get('date') or ''} {m.get('title') or ''}".strip()
                                   for m in milestones)
        self.milestones_input.value = milestones or ""
        if isinstance(target_date, str):
            try:
                target_date = dt.date.fromisoformat(target_date)
            except ValueError:
                target_date = None
        self.target_input.value = target_date
        return self.save_decision(requested=decision)

    def save_decision(self, requested=None) -> bool:
        """The committee's decision on the chosen item, checked by
        :func:`decisions.validate_decision`: every problem beside its field, nothing saved
        until all are right."""
        item = self._current()
        if item is None:
            self._message(self.decision_status, ("planner.agenda.unknown_item", {}))
            return False
        decision = self.decision_input.value
        milestones, problem = parse_milestones(self.milestones_input.value)
        raw = {"decision": decision, "reason": self.reason_input.value,
               "owner": self.owner_input.value, "budget_line": self.budget_input.value,
               "milestones": milestones, "target_date": self.target_input.value}
        errors = {}
        if getattr(self, "_bad_owner", False):
            raw["owner"] = "?"
        self._bad_owner = False
        try:
            checked = decisions.validate_decision(raw)
        except decisions.DecisionInvalid as exc:
            errors = dict(exc.errors)
            checked = None
        if problem and decision == "adopt":
            errors["milestones"] = problem
        if decision not in DECISION_CHOICES or (requested is not None
                                                and requested not in DECISION_CHOICES):
            # merging is done by merging (it moves the proposals), not by this form
            errors["decision"] = ("planner.agenda.decision_choose", {})
        self._show_errors(self.decision_errors, errors)
        if errors:
            self._message(self.decision_status, ("planner.agenda.fix_errors", {}))
            return False
        try:
            self.store.decide(item["id"], checked)
        except StoreBusy:
            self._message(self.decision_status, ("planner.busy", {}))
            return False
        self._after_write(self.decision_status, ("planner.agenda.decided", {
            "decision": self.decision_label(checked.decision)}))
        return True

    def add_update(self, status, progress, note) -> bool:
        """Fill the tracking form and save it (see :meth:`save_update`)."""
        if status in decisions.STATUSES:
            self.status_input.value = status
        self._requested_status = status
        self._requested_progress = progress
        self.note_input.value = note or ""
        return self.save_update()

    def save_update(self) -> bool:
        """A dated progress update of the chosen adopted item: status, progress and a
        public note, checked by :func:`decisions.validate_update`."""
        item = self._current()
        if item is None:
            self._message(self.update_status, ("planner.agenda.unknown_item", {}))
            return False
        status = getattr(self, "_requested_status", None) or self.status_input.value
        progress = getattr(self, "_requested_progress", None)
        self._requested_status = self._requested_progress = None
        if progress is None:
            progress = int(self.progress_input.value)
        try:
            status, progress, note = decisions.validate_update(
                {"status": status, "progress": progress, "note": self.note_input.value}, item)
        except decisions.DecisionInvalid as exc:
            self._show_errors(self.update_errors, exc.errors)
            self._message(self.update_status, ("planner.agenda.fix_errors", {}))
            return False
        self._show_errors(self.update_errors, {})
        try:
            self.store.add_update(item["id"], status, progress, note, self.author)
        except StoreBusy:
            self._message(self.update_status, ("planner.busy", {}))
            return False
        self._after_write(self.update_status, ("planner.agenda.update_saved", {}))
        return True

    # -- publishing -------------------------------------------------------------------------
    def publish(self) -> int | None:
        """Freeze the decided items as the next version (the current weights, the author's
        name); only once "I have checked the list" is ticked. Returns the version number."""
        if not self.confirm_input.value:
            self._message(self.publish_status, ("planner.agenda.confirm_first", {}))
            return None
        if not any(i.get("decision") in DECISION_CHOICES for i in self.items.values()):
            self._message(self.publish_status, ("planner.agenda.nothing_decided", {}))
            return None
        try:
            number = workflow.publish(self.store, self.community, self.weights, self.author,
                                      self.layers)
        except StoreBusy:
            self._message(self.publish_status, ("planner.busy", {}))
            return None
        self.confirm_input.value = False
        self._show_versions()
        self._message(self.publish_status, ("planner.agenda.published", {"v": number}),
                      ok=True)
        return number

    def _show_versions(self) -> None:
        t = self.t
        versions = self.store.agenda_versions(self.community_id)
        if not versions:
            self.versions_html.value = (f"<p class='wb-hint'>"
                                        f"{esc(t('planner.agenda.no_versions'))}</p>")
            self.diff_from.options = self.diff_to.options = []
            return
        head = "".join(f"<th>{esc(t(k))}</th>" for k in (
            "planner.agenda.col_version", "planner.agenda.col_date",
            "planner.agenda.col_author"))
        body = "".join(
            f"<tr><td>v{int(v['number'])}</td>"
            f"<td>{esc(v['published_at'].strftime('%Y-%m-%d %H:%M'))}</td>"
            f"<td>{esc(v['published_by'])}</td></tr>" for v in reversed(versions))
        self.versions_html.value = (f"<table class='wb-table'><thead><tr>{head}</tr></thead>"
                                    f"<tbody>{body}</tbody></table>")
        options = [(f"v{int(v['number'])} · {v['published_at'].strftime('%Y-%m-%d')}",
                    int(v["number"])) for v in versions]
        self.diff_from.options = options
        self.diff_to.options = options
        self.diff_from.value = options[-2][1] if len(options) > 1 else options[0][1]
        self.diff_to.value = options[-1][1]

    def show_diff(self, old: int | None, new: int | None) -> dict | None:
        """What changed between two published versions: items added, removed, and fields
        changed (old → new)."""
        t = self.t
        first = self.store.agenda_version(self.community_id, old) if old else None
        second = self.store.agenda_version(self.community_id, new) if new else None
        if first is None or second is None:
            self.diff_html.value = (f"<p class='wb-hint'>"
                                    f"{esc(t('planner.agenda.diff_choose'))}</p>")
            return None
        change = snapshot.diff(first, second)
        titles = {i["id"]: i["title"] for i in first["items"] + second["items"]}
        heading = t("planner.agenda.diff_heading", a=change["from"], b=change["to"])
        parts = [f"<h4>{esc(heading)}</h4>"]

        def listing(key, items):
            if items:
                parts.append(f"<b>{esc(t(key))}</b><ul>" + "".join(
                    f"<li>#{int(i['id'])} {esc(i['title'])} · "
                    f"{esc(self.decision_label(i.get('decision')))}</li>" for i in items)
                    + "</ul>")
        listing("planner.agenda.diff_added", change["added"])
        listing("planner.agenda.diff_removed", change["removed"])
        if change["changed"]:
            parts.append(f"<b>{esc(t('planner.agenda.diff_changed'))}</b><ul>")
            for item_id, fields in change["changed"].items():
                lines = "".join(
                    f"<li>{esc(t('planner.agenda.field.' + f))}: "
                    f"<span class='wb-old'>{esc(self._value(f, a))}</span> → "
                    f"<span class='wb-new'>{esc(self._value(f, b))}</span></li>"
                    for f, (a, b) in fields.items())
                parts.append(f"<li>#{int(item_id)} {esc(titles.get(item_id, ''))}"
                             f"<ul>{lines}</ul></li>")
            parts.append("</ul>")
        if not (change["added"] or change["removed"] or change["changed"]):
            parts.append(f"<p class='wb-hint'>{esc(t('planner.agenda.diff_none'))}</p>")
        self.diff_html.value = "".join(parts)
        return change

    def _value(self, field: str, value) -> str:
        if value is None or value == "":
            return "–"
        if field == "decision":
            return self.decision_label(value)
        if field == "status":
            return self.status_label(value)
        if field == "owner":
            return self.owner_label(value)
        if field == "progress":
            return f"{int(value)}%"
        return str(value)
