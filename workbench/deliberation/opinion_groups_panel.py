"""The opinion groups of a topic, for planners: the participants' map, each group's
representative statements, the consensus statements and every statement's agreement by group.

Opinion groups follow the Pol.is method (:mod:`workbench.deliberation.opinion_groups`). The
number of groups is "sticky": each computation passes the k shown last, so that a refresh with
a few more votes does not flip between two and three groups.
"""

from __future__ import annotations

import math

import ipywidgets as w

from workbench import i18n
from workbench.deliberation.moderation_panel import CSS
from workbench.deliberation.topic_groups import TopicGroups, group_name, topic_groups
from workbench.escaping import esc
from workbench.page.figures import figure_png
from workbench.page.safety import guarded
from workbench.store import Store

#: a statement's moderation status, as the planners' panels name it
STATUS_KEYS = {"pending": "planner.topic.st_pending", "shown": "planner.topic.st_shown",
               "hidden": "planner.topic.st_hidden"}
_DIRECTION_KEYS = {"agree": "planner.groups.agree", "disagree": "planner.groups.disagree"}


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
                                 f"{esc(self.t(result.problem[0], **result.problem[1]))}</span>")
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
            f"<tr><td>{esc(r['text'])}</td><td>{esc(t(STATUS_KEYS[r['status']]))}</td>"
            f"<td>{r['agrees']}</td><td>{r['disagrees']}</td><td>{r['passes']}</td>"
            f"<td>{_fmt(r['group_informed_consensus'])}</td></tr>"
            for _, r in result.table.iterrows())
        parts.append(f"<table class='wb-table'><thead><tr>{head}</tr></thead>"
                     f"<tbody>{body}</tbody></table>")
        return "".join(parts)


def _fmt(value: float) -> str:
    return "" if value is None or math.isnan(value) else f"{value:.3f}"


# -- the panel -------------------------------------------------------------------------------
