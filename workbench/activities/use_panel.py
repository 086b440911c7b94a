"""The activities panel's use of spaces over a period: a table of each space (hours booked,
activities held, attendance, shares as percentages), the chart, the same by scenario and by
month, a map of the spaces coloured by their use, and what it says to the agenda. Widgets
only: the figures are :mod:`.use`'s, read through :func:`.workflow.space_use`."""

from __future__ import annotations

import ipywidgets as w
import pandas as pd

from workbench import settings, vocabulary
from workbench.activities import workflow
from workbench.activities.charts import LEVEL_COLOURS, use_chart
from workbench.activities.use import (
    BOOKING,
    LEVELS,
    LITTLE_USE_HOURS_A_WEEK,
    period_ending,
    space_evidence,
    use_by,
)
from workbench.escaping import esc
from workbench.page.figures import figure_png
from workbench.page.formats import frame_html, number, percent

#: the periods a planner chooses from, in days back from today
PERIODS = (30, 90, 180, 365)
#: the hours a week from which a space is "much used" (the last level's start)
MUCH_USED = dict(LEVELS)["high"]


class SpaceUse:
    """The use tab of ``panel``: drawn again when the period changes or the store did."""

    def __init__(self, panel):
        self.panel, self.t = panel, panel.t
        t = self.t
        self.period = w.Dropdown(
            options=[(t("activities.panel.period.days", n=n), n) for n in PERIODS], value=90,
            description=t("activities.panel.period"), style={"description_width": "initial"},
            layout=w.Layout(width="auto"))
        self.heading = w.HTML()
        self.table_html = w.HTML()
        self.chart = w.Image(format="png", layout=w.Layout(max_width="min(100%, 1000px)",
                                                          width="auto", height="auto"))
        self.scenario_html, self.month_html = w.HTML(), w.HTML()
        self.evidence_html = w.HTML()
        self.map = self._map()
        self.legend = w.HTML(self.legend_html())

        def section(key: str) -> w.HTML:
            return w.HTML(f"<h3>{esc(t(key))}</h3>")
        self.widget = w.VBox([
            self.period, self.heading,
            w.HTML(f"<p class='wb-hint'>{esc(t('activities.panel.use_explain'))}</p>"),
            self.table_html, self.chart,
            w.HBox([w.VBox([section("activities.panel.map_heading"), self.map.widget,
                            self.legend], layout=w.Layout(flex="0 1 480px", min_width="320px")),
                    w.VBox([section("activities.panel.evidence_heading"),
                            w.HTML(f"<p class='wb-hint'>"
                                   f"{esc(t('activities.panel.evidence_explain'))}</p>"),
                            self.evidence_html],
                           layout=w.Layout(flex="1 1 400px", min_width="300px"))],
                   layout=w.Layout(flex_flow="row wrap", grid_gap="8px 24px")),
            w.HBox([w.VBox([section("activities.panel.by_scenario"), self.scenario_html]),
                    w.VBox([section("activities.panel.by_month"), self.month_html])],
                   layout=w.Layout(flex_flow="row wrap", grid_gap="8px 24px",
                                   align_items="flex-start"))])
        self.widget.add_class("wb-activities-use")
        self.period.observe(panel.safe(lambda _c: self.refresh()), names="value")
        self.refresh()

    def heading_of(self, column: str) -> str:
        return self.t(f"activities.panel.col.{column}")

    def level_label(self, level: str) -> str:
        return self.t(f"activities.panel.level.{level}",
                      hours=number(LITTLE_USE_HOURS_A_WEEK if level == "low" else MUCH_USED))

    def scenario_label(self, code: str) -> str:
        if code == BOOKING:
            return self.t("activities.panel.scenario.booking")
        return vocabulary.scenario_label(code, self.panel.lang)

    # -- drawing ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        panel = self.panel
        first, last = period_ending(panel.today(), self.period.value)
        self.heading.value = (f"<h3>{esc(self.t('activities.panel.use_heading', first=first, last=last))}"
                              f"</h3>")
        self.events, self.spaces = workflow.space_use(panel.store, panel.community, first, last)
        names = panel.space_names()
        self.table_html.value = self.space_table(names)
        months = use_by(self.events, "month")
        self.chart.value = figure_png(use_chart(self.spaces, months, names, panel.lang))
        self.scenario_html.value = self.by_table(use_by(self.events, "scenario"), "scenario",
                                                 names)
        self.month_html.value = self.by_table(months, "month", names)
        self.evidence_html.value = self.evidence_table(names)
        self.colour_map(names)

    def space_table(self, names: dict[str, str]) -> str:
        frame = self.spaces.assign(
            space=[names.get(s, s) for s in self.spaces["public_space_id"]],
            level=[self.level_label(v) for v in self.spaces["level"]])
        # a share of opening hours is often small: to a tenth of a percent, not "0%"
        frame["use_share"] = [percent(v, 1) for v in frame["use_share"]]
        return frame_html(frame, self.heading_of, percent_columns=["fill", "turnout"],
                          columns=["space", "level", "hours_a_week", "hours_booked",
                                   "activity_hours", "meetings", "accepted", "attended",
                                   "fill", "turnout", "waiting", "refused", "unmet",
                                   "use_share"])

    def by_table(self, frame: pd.DataFrame, by: str, names: dict[str, str]) -> str:
        if frame.empty:
            return f"<p class='wb-hint'>{esc(self.t('activities.panel.no_meetings'))}</p>"
        shown = frame.assign(space=[names.get(s, s) for s in frame["public_space_id"]])
        if by == "scenario":
            shown["scenario"] = [self.scenario_label(c) for c in frame["scenario"]]
        return frame_html(shown, self.heading_of, percent_columns=["share"],
                          columns=["space", by, "hours_booked", "activity_hours", "meetings",
                                   "attended", "share"])

    def evidence_table(self, names: dict[str, str]) -> str:
        statuses = {f["properties"]["id"]: f["properties"].get("status") or "existing"
                    for f in self.panel.spaces()}
        # needs first (the most people first), then the questions (the least used first)
        rows = sorted(space_evidence(self.spaces, statuses),
                      key=lambda r: (r["kind"] != "need", -r["count"] if r["kind"] == "need"
                                     else r["count"]))
        if not rows:
            return f"<p class='wb-hint'>{esc(self.t('activities.panel.no_evidence'))}</p>"
        frame = pd.DataFrame([{
            "space": names.get(r["public_space_id"], r["public_space_id"]),
            "evidence": self.t(f"activities.evidence.{r['kind']}"), "count": r["count"]}
            for r in rows])
        return frame_html(frame, self.heading_of)

    # -- the map ---------------------------------------------------------------------------------
    def _map(self):
        from ipyleaflet import LayerGroup

        from workbench.layers.map_widget import CommunityMap

        drawn = CommunityMap(self.panel.community, self.panel.lang,
                             basemap=settings.get("basemap"), height="380px")
        drawn.widget.add_class("wb-planner-map")
        self.labels = LayerGroup(layers=(), name="use_labels")
        drawn.widget.add(self.labels)
        return drawn

    def colour_map(self, names: dict[str, str]) -> None:
        """The spaces (as the store has them now) filled by their level of use; those used
        named with their hours a week (a name on every space would hide the map)."""
        from ipyleaflet import DivIcon, Marker
        from shapely.geometry import shape

        levels = dict(zip(self.spaces["public_space_id"], self.spaces["level"]))
        weekly = dict(zip(self.spaces["public_space_id"], self.spaces["hours_a_week"]))
        features = self.panel.spaces()

        def style(feature):
            colour = LEVEL_COLOURS[levels.get(feature["properties"]["id"], "none")]
            return {"color": "#37474f", "weight": 1.5, "fillColor": colour,
                    "fillOpacity": 0.85}
        layer = self.map.public_spaces
        layer.style_callback = style
        layer.point_style = {"radius": 10, "fillOpacity": 0.9, "weight": 2}
        layer.data = {"type": "FeatureCollection", "features": features}
        markers = []
        for feature in features:
            sid = feature["properties"]["id"]
            if not weekly.get(sid):
                continue
            point = shape(feature["geometry"]).representative_point()
            text = f"{names.get(sid, sid)} · {number(weekly.get(sid, 0.0))} h"
            markers.append(Marker(
                location=(point.y, point.x), draggable=False, keyboard=False, title=text,
                icon=DivIcon(html=f"<span class='wb-space-name'>{esc(text)}</span>",
                             icon_size=[160, 16], icon_anchor=[80, -10])))
        self.labels.layers = tuple(markers)

    def legend_html(self) -> str:
        keys = "".join(
            f"<span class='wb-key'><i style='background:{LEVEL_COLOURS[name]}'></i>"
            f"{esc(self.level_label(name))}</span>" for name, _least in LEVELS)
        return f"<div class='wb-legend'>{keys}</div>"
