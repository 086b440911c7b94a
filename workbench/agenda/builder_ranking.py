"""The agenda builder's ranking: the weight sliders, the filters and the ranked list with each
item's evidence side by side with its score. A row of the list is a button: clicking it (or
its numbered marker on the map, :mod:`.builder_map`) chooses the item.

Moving a slider re-ranks from the score parts of the last refresh (the evidence is not
gathered again): the cells that do not depend on the weights are kept until the next refresh.
A part without data for any item (no statements linked, no survey answers, no households
recorded...) reads "no data": its slider is disabled and says why, and it is left out of the
score (:func:`workbench.agenda.actions.parts_without_data`).
"""

from __future__ import annotations

import ipywidgets as w

from workbench import vocabulary
from workbench.agenda import browsing, decisions, scoring
from workbench.agenda import presenter as show
from workbench.agenda.builder_html import PART_COLOURS, Panel
from workbench.escaping import esc

#: Rows of the ranked list drawn at once ("show more" adds as many again).
LIST_LIMIT = 30
WEIGHT_MAX = 5.0
#: the evidence under an item's title in the list (the columns hold the rest)
LIST_FACTS = ("supporters", "proposals", "comments", "consensus", "satisfaction", "needs",
              "households_300", "households_500", "underserved_households")
#: the list's columns: (label key, width); the item's column takes what is left
COLUMNS = (("planner.agenda.col_rank", "52px"), ("planner.agenda.col_item", None),
           ("planner.agenda.col_supporters", "96px"), ("planner.agenda.col_comments", "118px"),
           ("planner.agenda.col_score", "150px"))
ANY = ""


class RankedList(Panel):
    """The weights, the filters and the ranked list of a builder's items."""

    def __init__(self, builder):
        super().__init__(builder)
        html, t, safe = self.html, self.html.t, builder.safe
        self.shown = LIST_LIMIT
        self._cells: dict[int, str] = {}
        self._rows: dict[int, tuple[w.Box, w.HTML]] = {}
        self._quiet = False
        self.visible: list[int] = []
        # the weights
        self.sliders: dict[str, w.FloatSlider] = {}
        self.slider_notes: dict[str, w.HTML] = {}
        rows = []
        for part in scoring.PARTS:
            slider = w.FloatSlider(value=scoring.DEFAULT_WEIGHTS[part], min=0.0,
                                   max=WEIGHT_MAX, step=0.5, description=html.part_label(part),
                                   tooltip=html.part_help(part), continuous_update=True,
                                   readout_format=".1f", style={"description_width": "132px"},
                                   layout=w.Layout(width="350px"))
            slider.observe(safe(self._on_weight), names="value")
            self.sliders[part] = slider
            self.slider_notes[part] = w.HTML()
            rows += [slider, self.slider_notes[part]]
        self.reset_button = w.Button(description=t("planner.agenda.reset_weights"),
                                     icon="undo", layout=w.Layout(width="auto"))
        self.reset_button.on_click(
            safe(lambda _b: builder.set_weights(scoring.DEFAULT_WEIGHTS)))
        self.weights_error = w.HTML()
        legend = "".join(
            f"<div class='wb-small'><span class='wb-swatch' style='background:"
            f"{PART_COLOURS[p]}'></span><b>{esc(html.part_label(p))}</b>: "
            f"{esc(html.part_help(p))}</div>" for p in scoring.PARTS)
        self.weights_box = w.VBox(
            [w.HTML(html.heading("planner.agenda.weights", "planner.agenda.weights_explain",
                                 level=3)),
             *rows, w.HBox([self.reset_button, self.weights_error]), w.HTML(legend)],
            layout=w.Layout(width="360px", min_width="360px"))
        # the filters
        community = builder.community
        spaces = sorted(community.public_spaces.items(),
                        key=lambda kv: kv[1]["properties"].get(f"name_{builder.lang}") or kv[0])
        self.filters = {
            "scenario": w.Dropdown(description=t("planner.agenda.scenario"), options=[
                (t("planner.agenda.filter_all"), ANY)] + [
                (s[builder.lang], s["code"]) for s in vocabulary.scenarios()]),
            "space": w.Dropdown(description=t("planner.agenda.filter_space"), options=[
                (t("planner.agenda.filter_all"), ANY),
                (t("planner.agenda.filter_no_space"), browsing.NO_SPACE)] + [
                (f["properties"].get(f"name_{builder.lang}") or sid, sid)
                for sid, f in spaces]),
            "decision": w.Dropdown(description=html.field_label("decision"), options=[
                (t("planner.agenda.filter_all"), ANY)] + [
                (html.decision_label(d), d or browsing.UNDECIDED)
                for d in (None, *decisions.COMMITTEE_DECISIONS)]),
            "status": w.Dropdown(description=html.field_label("status"), options=[
                (t("planner.agenda.filter_all"), ANY)] + [
                (html.status_label(s), s) for s in decisions.STATUSES]),
        }
        for box in self.filters.values():
            box.layout = w.Layout(width="250px")
            box.style = {"description_width": "70px"}
            box.observe(safe(lambda _c: self.filter_changed()), names="value")
        self.filters_box = w.HBox(list(self.filters.values()),
                                  layout=w.Layout(flex_flow="row wrap"))
        # the list: a header, then one clickable row per item
        self.head_html = w.HTML(self._table(f"<thead><tr>{self._head()}</tr></thead>"))
        self.rows_box = w.VBox()
        self.count_html = w.HTML()
        self.more_button = w.Button(description=t("planner.agenda.more", n=LIST_LIMIT),
                                    layout=w.Layout(width="auto"))
        self.more_button.on_click(safe(lambda _b: self.show_more()))
        self.box = w.VBox([
            w.HTML(f"<h3>{esc(t('planner.agenda.list'))}</h3>"
                   f"<p class='wb-hint'>{esc(t('planner.agenda.list_explain'))}</p>"),
            self.filters_box, self.head_html, self.rows_box, self.count_html,
            self.more_button], layout=w.Layout(flex="1 1 520px", min_width="460px"))
        self.box.add_class("wb-agenda-ranked")

    # -- weights ----------------------------------------------------------------------------
    def show_weights(self, weights: dict) -> None:
        """Move the sliders to ``weights`` (without re-ranking once per slider)."""
        self._quiet = True
        try:
            for part, slider in self.sliders.items():
                if slider.value != weights[part]:
                    slider.value = min(weights[part], WEIGHT_MAX)
        finally:
            self._quiet = False

    def show_without_data(self, without: dict[str, str]) -> None:
        """Disable the sliders of parts without data, each saying why."""
        for part, slider in self.sliders.items():
            reason = without.get(part)
            slider.disabled = reason is not None
            self.slider_notes[part].value = "" if reason is None else (
                f"<div class='wb-small wb-no-data'>{esc(self.html.no_data_reason(reason))}"
                "</div>")

    def _on_weight(self, _change) -> None:
        if self._quiet:
            return
        values = {part: float(s.value) for part, s in self.sliders.items()}
        if not any(values.values()):
            self.html.message(self.weights_error, ("planner.agenda.weights_invalid", {}))
            return
        self.builder.set_weights(values)

    # -- filters ----------------------------------------------------------------------------
    def filter_values(self) -> dict[str, str]:
        return {name: box.value for name, box in self.filters.items()}

    def set_filters(self, **values) -> None:
        """Choose filters (scenario, space, decision, status; "" for any) and redraw."""
        self._quiet = True
        try:
            for name, value in values.items():
                self.filters[name].value = value or ANY
        finally:
            self._quiet = False
        self.filter_changed()

    def filter_changed(self) -> None:
        if self._quiet:
            return
        self.shown = LIST_LIMIT
        self.draw_list()
        self.builder.map_panel.draw()

    # -- drawing ----------------------------------------------------------------------------
    def forget(self) -> None:
        """Drop what was drawn from the evidence (after a refresh read it again)."""
        self._cells = {}
        self._rows = {}

    def show_more(self) -> None:
        self.shown += LIST_LIMIT
        self.draw_list()

    def _table(self, inner: str) -> str:
        cols = "".join(f"<col style='width:{width}'>" if width else "<col>"
                       for _, width in COLUMNS)
        return (f"<table class='wb-table wb-agenda-list'><colgroup>{cols}</colgroup>"
                f"{inner}</table>")

    def _head(self) -> str:
        return self.html.table_head(*(key for key, _ in COLUMNS))

    def _item_cells(self, item_id: int) -> str:
        """The cells of a row that do not depend on the weights (kept until refresh)."""
        cached = self._cells.get(item_id)
        if cached is not None:
            return cached
        html, builder = self.html, self.builder
        item = builder.items[item_id]
        facts = html.facts(item, builder.evidence_rows.get(item_id, {}), LIST_FACTS)
        place = show.place_name(item, builder.lang)
        where = f"<span class='wb-small'>{esc(place)}</span><br>" if place else ""
        survey = html.survey_html(facts)
        extra = [] if facts["consensus"].missing else [
            f"{esc(self.html.t('planner.agenda.col_consensus'))} "
            f"{esc(html.compact(facts['consensus']))}"]
        if survey != show.DASH:
            extra.append(f"{esc(self.html.t('planner.agenda.col_survey'))} {survey}")
        far = facts.get("households_500")
        if far is not None and not far.missing:
            extra.append(f"{esc(self.html.t('planner.agenda.col_households'))} "
                         f"{html.households_html(facts)}")
        cells = (f"<td>{html.title_html(item)}<br>{where}"
                 f"<span class='wb-small'>{' · '.join(extra)}</span></td>"
                 f"<td class='wb-num'>{html.supporters_html(facts)}</td>"
                 f"<td>{html.stance_html(facts['comments'])}</td>")
        self._cells[item_id] = cells
        return cells

    def _row(self, item_id: int) -> tuple[w.Box, w.HTML]:
        """An item's row: its cells, and over them a button that chooses it."""
        if item_id in self._rows:
            return self._rows[item_id]
        cells = w.HTML()
        item = self.builder.items[item_id]
        pick = w.Button(description=item["title"][:80],
                        tooltip=self.html.t("planner.agenda.pick", title=item["title"][:80]),
                        layout=w.Layout(width="100%", height="100%"))
        pick.add_class("wb-row-pick")
        pick.on_click(self.builder.safe(lambda _b, i=item_id: self.builder.select(i)))
        row = w.Box([cells, pick], layout=w.Layout(width="100%"))
        row.add_class("wb-row")
        self._rows[item_id] = (row, cells)
        return row, cells

    def draw_list(self) -> None:
        builder, html = self.builder, self.html
        self.visible = browsing.filter_items(builder.items, builder.order, self.filter_values())
        if not self.visible:
            key = "planner.agenda.empty" if not builder.order else "planner.agenda.none_match"
            self.count_html.value = f"<p class='wb-hint'>{esc(html.t(key))}</p>"
            self.rows_box.children = ()
            self.head_html.layout.display = "none"
            self.more_button.layout.display = "none"
            return
        self.head_html.layout.display = None
        ranks = builder.ranking.set_index("item_id")
        rows = []
        for item_id in self.visible[:self.shown]:
            r = ranks.loc[item_id].to_dict()
            row, cells = self._row(item_id)
            cells.value = self._table(
                f"<tbody><tr><td class='wb-num'><b>{int(r['rank'])}</b></td>"
                f"{self._item_cells(item_id)}<td>{html.score_bar_html(r)}</td></tr></tbody>")
            if item_id == builder.selected_id:
                row.add_class("wb-selected")
            else:
                row.remove_class("wb-selected")
            rows.append(row)
        self.rows_box.children = rows
        count = html.t("planner.agenda.list_count", shown=len(rows), total=len(self.visible))
        self.count_html.value = f"<p class='wb-small'>{esc(count)}</p>"
        self.more_button.layout.display = None if len(self.visible) > len(rows) else "none"

    def list_text(self) -> str:
        """The list as drawn, its header and rows (HTML), for reading it back."""
        return self.head_html.value + "".join(
            self._rows[i][1].value for i in self.visible[:self.shown] if i in self._rows)
