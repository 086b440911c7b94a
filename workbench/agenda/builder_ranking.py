"""The agenda builder's ranking: the weight sliders, the map of the first items by rank,
and the ranked list with each item's evidence side by side with its score.

Moving a slider re-ranks from the score parts of the last refresh (the evidence is not
gathered again): the cells that do not depend on the weights are kept until the next refresh,
and the map's markers are drawn again only when the first items or the chosen one change.
"""

from __future__ import annotations

import ipywidgets as w

from workbench import settings
from workbench.agenda import presenter as show
from workbench.agenda import scoring
from workbench.agenda.builder_html import PART_COLOURS, Panel
from workbench.escaping import esc

#: Rows of the ranked list drawn at once ("show more" adds as many again).
LIST_LIMIT = 30
#: Items numbered on the map (the first by rank).
MAP_LIMIT = 20
WEIGHT_MAX = 5.0
#: the evidence in the list's cells (the score is drawn from the weights, beside them)
LIST_FACTS = ("supporters", "proposals", "comments", "consensus", "satisfaction", "needs",
              "households_300", "households_500", "underserved_households")


class RankedList(Panel):
    """The weights, the map and the ranked list of a builder's items."""

    def __init__(self, builder):
        super().__init__(builder)
        html = self.html
        self.shown = LIST_LIMIT
        self._cells: dict[int, str] = {}
        self._map_key: tuple = ()
        self._quiet = False
        # the weights
        self.sliders: dict[str, w.FloatSlider] = {}
        for part in scoring.PARTS:
            slider = w.FloatSlider(value=scoring.DEFAULT_WEIGHTS[part], min=0.0,
                                   max=WEIGHT_MAX, step=0.5, description=html.part_label(part),
                                   tooltip=html.part_help(part), continuous_update=True,
                                   readout_format=".1f", style={"description_width": "140px"},
                                   layout=w.Layout(width="370px"))
            slider.observe(builder.safe(self._on_weight), names="value")
            self.sliders[part] = slider
        self.reset_button = w.Button(description=html.t("planner.agenda.reset_weights"),
                                     icon="undo", layout=w.Layout(width="auto"))
        self.reset_button.on_click(
            builder.safe(lambda _b: builder.set_weights(scoring.DEFAULT_WEIGHTS)))
        self.weights_error = w.HTML()
        legend = "".join(
            f"<div class='wb-small'><span class='wb-swatch' style='background:"
            f"{PART_COLOURS[p]}'></span><b>{esc(html.part_label(p))}</b>: "
            f"{esc(html.part_help(p))}</div>" for p in scoring.PARTS)
        weights_box = w.VBox(
            [w.HTML(html.heading("planner.agenda.weights", "planner.agenda.weights_explain",
                                 level=3)),
             *self.sliders.values(), w.HBox([self.reset_button, self.weights_error]),
             w.HTML(legend)], layout=w.Layout(width="380px", min_width="380px"))
        # the map
        from ipyleaflet import LayerGroup

        from workbench.layers.map_widget import CommunityMap

        self.map = CommunityMap(builder.community, builder.lang,
                                basemap=settings.get("basemap"), height="470px")
        self.rank_markers = LayerGroup(layers=(), name="agenda")
        self.map.widget.add(self.rank_markers)
        map_box = w.VBox([w.HTML(f"<h3>{esc(html.t('planner.agenda.map'))}</h3>"
                                 f"<p class='wb-hint'>"
                                 f"{esc(html.t('planner.agenda.map_explain', n=MAP_LIMIT))}</p>"),
                          self.map.widget],
                         layout=w.Layout(flex="1 1 auto", min_width="400px"))
        # the list
        self.list_html = w.HTML()
        self.more_button = w.Button(description=html.t("planner.agenda.more", n=LIST_LIMIT),
                                    layout=w.Layout(width="auto"))
        self.more_button.on_click(builder.safe(lambda _b: self.show_more()))
        self.weights_and_map = w.HBox([weights_box, map_box], layout=w.Layout(width="100%"))
        self.box = w.VBox([self.weights_and_map,
                           w.HTML(f"<h3>{esc(html.t('planner.agenda.list'))}</h3>"),
                           self.list_html, self.more_button])

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

    def _on_weight(self, _change) -> None:
        if self._quiet:
            return
        values = {part: float(s.value) for part, s in self.sliders.items()}
        if not any(values.values()):
            self.html.message(self.weights_error,
                                      ("planner.agenda.weights_invalid", {}))
            return
        self.builder.set_weights(values)

    # -- drawing ----------------------------------------------------------------------------
    def forget(self) -> None:
        """Drop what was drawn from the evidence (after a refresh read it again)."""
        self._cells = {}
        self._map_key = ()

    def show_more(self) -> None:
        self.shown += LIST_LIMIT
        self.draw_list()

    def _item_cells(self, item_id: int) -> str:
        """The cells of a row that do not depend on the weights (kept until refresh)."""
        cached = self._cells.get(item_id)
        if cached is not None:
            return cached
        html = self.html
        item = self.builder.items[item_id]
        facts = html.facts(item, self.builder.evidence_rows.get(item_id, {}), LIST_FACTS)
        cells = (f"<td>{html.title_html(item)}</td>"
                 f"<td class='wb-num'>{html.supporters_html(facts)}</td>"
                 f"<td>{html.stance_html(facts['comments'])}</td>"
                 f"<td class='wb-num'>{html.compact(facts['consensus'])}</td>"
                 f"<td>{html.survey_html(facts)}</td>"
                 f"<td class='wb-num'>{html.households_html(facts)}</td>")
        self._cells[item_id] = cells
        return cells

    def draw_list(self) -> None:
        builder, html = self.builder, self.html
        if not builder.order:
            self.list_html.value = (f"<p class='wb-hint'>"
                                    f"{esc(html.t('planner.agenda.empty'))}</p>")
            self.more_button.layout.display = "none"
            return
        head = html.table_head(
            "planner.agenda.col_rank", "planner.agenda.col_item",
            "planner.agenda.col_supporters", "planner.agenda.col_comments",
            "planner.agenda.col_consensus", "planner.agenda.col_survey",
            "planner.agenda.col_households", "planner.agenda.col_score")
        top = builder.ranking.head(self.shown)
        rows = []
        for r in top.to_dict("records"):
            item_id = int(r["item_id"])
            css = " class='wb-selected'" if item_id == builder.selected_id else ""
            rows.append(f"<tr{css}><td class='wb-num'><b>{int(r['rank'])}</b></td>"
                        f"{self._item_cells(item_id)}"
                        f"<td>{html.score_bar_html(r)}</td></tr>")
        more = len(builder.order) - len(top)
        count = html.t("planner.agenda.list_count", shown=len(top), total=len(builder.order))
        self.list_html.value = (
            f"<table class='wb-table wb-agenda-list'><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
            f"<p class='wb-small'>{esc(count)}</p>")
        self.more_button.layout.display = None if more > 0 else "none"

    def draw_map(self) -> None:
        builder = self.builder
        first = builder.order[:MAP_LIMIT]
        top = [i for i in first if show.has_place(builder.items[i])]
        key = (tuple(top), builder.selected_id)
        if key == self._map_key:
            return
        self._map_key = key
        from ipyleaflet import DivIcon, Marker

        markers = []
        for rank, item_id in enumerate(first, start=1):
            item = builder.items[item_id]
            if item_id not in top:
                continue
            chosen = item_id == builder.selected_id
            colour = "#d84315" if chosen else "#263238"
            icon = DivIcon(html=(f"<div style='width:22px;height:22px;border-radius:11px;"
                                 f"background:{colour};color:#fff;font:bold 12px/22px sans-serif;"
                                 f"text-align:center;border:2px solid #fff;"
                                 f"box-shadow:0 0 2px #000'>{rank}</div>"),
                           icon_size=[26, 26], icon_anchor=[13, 13])
            markers.append(Marker(location=(float(item["lat"]), float(item["lon"])), icon=icon,
                                  draggable=False, title=f"{rank}. {item['title']}",
                                  z_index_offset=1000 if chosen else 0))
        self.rank_markers.layers = tuple(markers)
