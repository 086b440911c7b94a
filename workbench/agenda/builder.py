"""The agenda builder for planners (``AgendaBuilder.widget``): from proposals to a short,
public, reasoned list of what the community will do.

Candidate items come from grouping similar proposals (:func:`workbench.agenda.actions.regroup`);
a planner merges, splits and edits them, links statements from the topics as evidence, and
sees each item's evidence side by side with a score made of visible parts. The weights are
sliders: moving one re-ranks at once from the parts computed on the last refresh (the evidence
is not gathered again). The committee's decision (adopt, defer, decline; merge is done by
merging) carries a public reason; adopted items get an owner, a budget line, milestones and a
target date, then dated progress updates. Publishing freezes a numbered version; two versions
can be compared.

This module is the shell: what was read on the last refresh, the ranking, the chosen item,
and :meth:`AgendaBuilder.act`, the one way a button writes. The panels draw and fill forms:
:mod:`.builder_ranking` (weights, map, ranked list), :mod:`.builder_items` (the chosen item,
its proposals, editing, merging, splitting), :mod:`.builder_decisions` (decision, progress)
and :mod:`.builder_versions` (publishing, versions). The rules and the writing are
:mod:`workbench.agenda.actions`; no SQL and no scoring in the widgets. The methods the buttons
call can be called directly, as the tests do: ``set_weights``, ``select``, ``regroup``,
``merge``, ``split``, ``edit``, ``link_statements``, ``answer``, ``decide``, ``add_update``,
``publish``, ``show_diff``.
"""

from __future__ import annotations

from typing import Any, Callable

import ipywidgets as w
import pandas as pd

from workbench import i18n, settings
from workbench.agenda import actions, browsing, scoring, workflow
from workbench.agenda.builder_decisions import DecisionPanel
from workbench.agenda.builder_exports import ExportsPanel, TablesPanel
from workbench.agenda.builder_html import AGENDA_CSS, AgendaHtml
from workbench.agenda.builder_items import ItemPanel
from workbench.agenda.builder_map import MAP_LIMIT, AgendaMap
from workbench.agenda.builder_ranking import LIST_LIMIT, RankedList
from workbench.agenda.builder_versions import VersionsPanel
from workbench.deliberation.moderation_panel import CSS, check_moderator
from workbench.escaping import esc
from workbench.page.safety import guarded, server_log
from workbench.proposals.rules import InputInvalid
from workbench.store import Store, StoreBusy

__all__ = ["AgendaBuilder", "LIST_LIMIT", "MAP_LIMIT"]


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
        self.html = AgendaHtml(self.lang)
        # what the last refresh read, and the ranking under the current weights
        self.weights: dict[str, float] = dict(scoring.DEFAULT_WEIGHTS)
        self.items: dict[int, dict] = {}
        self.all_items: list[dict] = []
        self.proposals: dict[int, dict] = {}
        self.support_counts: dict[int, int] = {}
        self.evidence = pd.DataFrame()
        self.evidence_rows: dict[int, dict] = {}
        self.parts = pd.DataFrame()
        # what the buildings layer tells of homes, and why reach or gap is left out
        self.homes = workflow.homes_of(layers)
        self.unknown: dict[str, str] = {}
        self.without: dict[str, str] = {}
        self.ranking = pd.DataFrame()
        self.order: list[int] = []
        self.statement_options: list[tuple[str, int]] = []
        self.selected_id: int | None = None
        # the widgets
        t = self.html.t
        self.safe = guarded(lambda: self.html.message(self.status, ("error.unexpected", {})))
        self.status = w.HTML()
        self.regroup_button = w.Button(description=t("planner.agenda.regroup"),
                                       icon="object-group", layout=w.Layout(width="auto"))
        self.regroup_button.on_click(self.safe(lambda _b: self.regroup()))
        refresh_button = w.Button(description=t("planner.refresh"), icon="refresh",
                                  layout=w.Layout(width="auto"))
        refresh_button.on_click(self.safe(lambda _b: self.refresh()))
        self.list_panel = RankedList(self)
        self.map_panel = AgendaMap(self)
        self.item_panel = ItemPanel(self)
        self.decision_panel = DecisionPanel(self)
        self.versions_panel = VersionsPanel(self)
        self.exports_panel = ExportsPanel(self)
        self.tables_panel = TablesPanel(self)
        self.tabs = w.Tab(children=[
            self.item_panel.proposals_tab, self.item_panel.edit_tab, self.item_panel.merge_tab,
            self.decision_panel.decision_tab, self.decision_panel.tracking_tab])
        for k, key in enumerate(("tab_proposals", "tab_edit", "tab_merge", "tab_decision",
                                 "tab_tracking")):
            self.tabs.set_title(k, t(f"planner.agenda.{key}"))
        self.detail_box = w.VBox([
            w.HTML(f"<h3>{esc(t('planner.agenda.item'))}</h3>"), self.item_panel.detail_html,
            self.item_panel.words_html, self.item_panel.score_html, self.tabs],
            layout=w.Layout(flex="1 1 480px", min_width="420px"))
        self.detail_box.add_class("wb-agenda-detail")
        wrap = {"flex_flow": "row wrap", "align_items": "flex-start", "width": "100%"}
        self.widget = w.VBox([
            w.HTML(CSS), w.HTML(AGENDA_CSS),
            w.HTML(self.html.heading("planner.agenda.heading", "planner.agenda.explain",
                                     level=2)),
            w.HBox([self.regroup_button, refresh_button, self.status]),
            w.HTML(f"<p class='wb-hint'>{esc(t('planner.agenda.regroup_explain'))}</p>"),
            w.HBox([self.list_panel.weights_box, self.map_panel.box], layout=w.Layout(**wrap)),
            w.HBox([self.list_panel.box, self.detail_box], layout=w.Layout(**wrap)),
            w.HTML(f"<h3>{esc(t('planner.agenda.tables'))}</h3>"), self.tables_panel.box,
            self.versions_panel.box, self.exports_panel.box])
        self.widget.add_class("wb-planner")
        self.widget.add_class("wb-agenda")
        self.refresh()
        if not self.items and self.proposals:
            # proposals but no items yet: a working list at once, not after a button
            self.regroup()

    @classmethod
    def from_settings(cls, author: str, lang: str = "zh",
                      store: Store | None = None) -> "AgendaBuilder":
        """The builder for the settings' community, acting as ``author`` (e.g. "王主任")."""
        from workbench.layers.community import layer_frames
        from workbench.layers.current import current_community

        store = store or Store()
        # the spaces as planners edited them (the database's), not as first imported
        community = current_community(settings.get("layers_dir"), store)
        return cls(store, community, layer_frames(community), lang=lang, author=author)

    # -- writing ----------------------------------------------------------------------------
    def act(self, action: Callable[[], Any], status: w.HTML,
            fields: dict[str, w.HTML] | None = None) -> tuple[bool, Any]:
        """The one way a button writes: run ``action()`` (one of :mod:`.actions`) and return
        (done, its result). A refusal is shown beside its ``fields`` (``status`` says to fix
        them), or in ``status`` when it is about none of them; a busy store says, in the
        planner's language, that nothing was saved (an action writes in one transaction)."""
        fields = fields or {}
        try:
            result = action()
        except InputInvalid as exc:
            self.html.show_errors(fields, exc.errors)
            beside = any(name in fields for name in exc.errors)
            self.html.message(status, ("planner.agenda.fix_errors", {}) if beside
                              else next(iter(exc.errors.values())))
            return False, None
        except StoreBusy:
            self.html.show_errors(fields, {})
            self.html.message(status, ("planner.busy", {}))
            return False, None
        self.html.show_errors(fields, {})
        return True, result

    def after_write(self, status: w.HTML, message) -> None:
        """Read the agenda again, then say what was done."""
        self.refresh()
        self.html.message(status, message, ok=True)

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
        self.unknown = scoring.unknown_reasons(self.evidence, self.homes)
        self.without = browsing.parts_without_data(self.evidence, self.homes)
        self.list_panel.show_without_data(self.without)
        self.list_panel.forget()
        self.item_panel.forget()
        self.statement_options = [
            (f"#{s['id']} {s['topic']} · {s['text']}"[:160], s["id"])
            for s in actions.linkable_statements(self.store, self.community_id, live)]
        self._rerank()
        if self.selected_id not in self.items:
            self.selected_id = self.order[0] if self.order else None
        self.select(self.selected_id)
        self.versions_panel.show_versions()

    @property
    def ranked(self) -> pd.DataFrame:
        """The current ranking: item_id, the parts, their weighted contributions
        (``w_<part>``), score and rank."""
        return self.ranking

    # -- weights and ranking ----------------------------------------------------------------
    def _rerank(self) -> None:
        if len(self.parts):
            self.ranking = scoring.rank(self.parts, browsing.weights_in_use(self.weights,
                                                                             self.without))
            self.order = self.ranking["item_id"].tolist()
        else:
            self.ranking = pd.DataFrame(columns=["item_id", "score", "rank"])
            self.order = []
        self.list_panel.draw_list()
        self.map_panel.draw()
        self.tables_panel.draw()
        if self.selected_id is not None:
            self.item_panel.score_html.value = self.item_panel.score_parts_html(
                self.selected_id)

    def set_weights(self, weights: dict) -> pd.DataFrame | None:
        """Set the weights (the sliders follow) and re-rank from the parts computed on the
        last refresh; the ranking, or None when the weights are refused."""
        error = self.list_panel.weights_error
        try:
            clean = scoring.check_weights({**self.weights, **weights})
        except ValueError:
            self.html.message(error, ("planner.agenda.weights_invalid", {}))
            return None
        self.html.message(error, None)
        self.weights = clean
        self.list_panel.show_weights(clean)
        self._rerank()
        return self.ranking

    def show_more(self) -> None:
        self.list_panel.show_more()

    def set_filters(self, **values) -> list[int]:
        """Keep the items of a scenario, public space, decision or status (see
        :func:`workbench.agenda.browsing.filter_items`); the ids the list then shows."""
        self.list_panel.set_filters(**values)
        return list(self.list_panel.visible)

    # -- the chosen item --------------------------------------------------------------------
    def select(self, item_id: int | None) -> None:
        """Show an item's evidence, proposals and forms."""
        if item_id is not None and item_id not in self.items:
            self.html.message(self.status, ("planner.agenda.unknown_item", {}))
            return
        self.selected_id = item_id
        self.item_panel.clear()
        self.decision_panel.clear()
        item = self.items.get(item_id)
        self.item_panel.show(item)
        self.tabs.layout.display = None if item else "none"
        if item:
            self.decision_panel.show(item)
        self.list_panel.draw_list()
        self.map_panel.draw()

    # -- what the buttons do ----------------------------------------------------------------
    def regroup(self) -> list[int] | None:
        """Group the proposals of undecided items again (decided items stay)."""
        done, ids = self.act(lambda: actions.regroup(self.store, self.community, self.layers),
                             self.status)
        if not done:
            return None
        self.selected_id = None
        self.after_write(self.status, ("planner.agenda.regrouped", {"n": len(ids)}))
        return ids

    def answer(self, proposal_id: int, text) -> bool:
        """See :meth:`.ItemPanel.answer`."""
        return self.item_panel.answer(proposal_id, text)

    def edit(self, title=None, description=None, scenario=None) -> bool:
        """See :meth:`.ItemPanel.edit`."""
        return self.item_panel.edit(title, description, scenario)

    def link_statements(self, statement_ids) -> bool:
        """See :meth:`.ItemPanel.link_statements`."""
        return self.item_panel.link_statements(statement_ids)

    def merge(self, source_ids, reason) -> bool:
        """See :meth:`.ItemPanel.merge`."""
        return self.item_panel.merge(source_ids, reason)

    def split(self, proposal_ids, title=None) -> int | None:
        """See :meth:`.ItemPanel.split`."""
        return self.item_panel.split(proposal_ids, title)

    def decide(self, decision, reason="", owner=None, budget_line="", milestones="",
               target_date=None) -> bool:
        """See :meth:`.DecisionPanel.decide`."""
        return self.decision_panel.decide(decision, reason, owner, budget_line, milestones,
                                          target_date)

    def withdraw(self, reason) -> bool:
        """See :meth:`.DecisionPanel.withdraw`."""
        return self.decision_panel.withdraw(reason)

    def add_update(self, status, progress, note) -> bool:
        """See :meth:`.DecisionPanel.add_update`."""
        return self.decision_panel.add_update(status, progress, note)

    def publish(self) -> int | None:
        """See :meth:`.VersionsPanel.publish`."""
        return self.versions_panel.publish()

    def show_diff(self, old: int | None, new: int | None) -> dict | None:
        """See :meth:`.VersionsPanel.show_diff`."""
        return self.versions_panel.show_diff(old, new)
