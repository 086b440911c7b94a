"""The planner's chart of the use of spaces: hours used a week in each space, coloured by its
level of use, beside the hours used a month (booked and in activities, stacked). A
matplotlib Figure (no pyplot state) as the surveys' and points' charts are; the panel shows
it as a PNG."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from workbench.activities.use import LEVELS
from workbench.i18n import t
from workbench.surveys.charts import BAR_COLOUR, use_cjk_font

#: the colours of the levels of use (:data:`workbench.activities.use.LEVELS`), on the chart
#: and the map: grey for none, then light to dark (a sequential scale, readable in grey)
LEVEL_COLOURS = {"none": "#bdbdbd", "low": "#fdae6b", "medium": "#6baed6", "high": "#08519c"}
BOOKED_COLOUR = "#ff7f00"
assert set(LEVEL_COLOURS) == {name for name, _ in LEVELS}


def use_chart(spaces: pd.DataFrame, months: pd.DataFrame, names: dict[str, str],
              lang: str) -> Figure:
    """``spaces``: :func:`use.space_use`; ``months``: :func:`use.use_by` (by month);
    ``names``: space id -> name in ``lang``."""
    use_cjk_font()
    fig = Figure(figsize=(10, 3.4), layout="constrained")
    left, right = fig.subplots(1, 2, width_ratios=[1, 1.3])
    ordered = spaces.sort_values("hours_a_week")
    bars = left.barh([names.get(s, s) for s in ordered["public_space_id"]],
                     ordered["hours_a_week"],
                     color=[LEVEL_COLOURS[level] for level in ordered["level"]])
    left.bar_label(bars, labels=[f"{h:.1f}" for h in ordered["hours_a_week"]], fontsize=8,
                   padding=2)
    left.set_title(t(lang, "activities.panel.col.hours_a_week"), loc="left", fontsize=11)
    left.set_xlim(0, max(float(ordered["hours_a_week"].max() or 0) * 1.25, 1))
    left.tick_params(labelsize=8)
    right.set_title(t(lang, "activities.panel.chart_title"), loc="left", fontsize=11)
    if months.empty:
        right.text(0.5, 0.5, t(lang, "activities.panel.no_meetings"), ha="center",
                   va="center", color="#777777", transform=right.transAxes)
        right.set_axis_off()
    else:
        totals = months.groupby("month")[["hours_booked", "activity_hours"]].sum()
        span = pd.period_range(min(totals.index), max(totals.index), freq="M")
        totals = totals.reindex(span.strftime("%Y-%m"), fill_value=0.0)
        x = range(len(totals))
        right.bar(x, totals["activity_hours"], color=BAR_COLOUR, width=0.6,
                  label=t(lang, "activities.panel.series.activities"))
        right.bar(x, totals["hours_booked"], bottom=totals["activity_hours"],
                  color=BOOKED_COLOUR, width=0.6,
                  label=t(lang, "activities.panel.series.booked"))
        right.set_xlim(-0.5, max(len(totals), 6) - 0.5)
        right.set_xticks(list(x), list(totals.index), fontsize=8,
                         rotation=45 if len(totals) > 8 else 0)
        right.set_ylabel(t(lang, "activities.panel.hours_axis"), fontsize=9)
        right.legend(fontsize=8, frameon=False, loc="upper left")
        right.set_ylim(0, max(float((totals.sum(axis=1)).max()) * 1.3, 1))
    for ax in (left, right):
        ax.spines[["top", "right"]].set_visible(False)
    return fig
