"""The planner's chart of the needs pool: approved service hours by month, a matplotlib
Figure (no pyplot state) as the surveys' charts are; the panel shows it as a PNG."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from workbench.i18n import t
from workbench.surveys.charts import BAR_COLOUR, use_cjk_font


def hours_by_month_chart(hours: pd.Series, lang: str) -> Figure:
    """Bars of service hours a month (``team.hours_by_month``: '2026-12' -> hours), each
    labelled with its hours; a line saying so when there are none yet."""
    use_cjk_font()
    fig = Figure(figsize=(7, 2.8), layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(t(lang, "points.panel.chart_title"), loc="left", fontsize=11)
    if hours.empty:
        ax.text(0.5, 0.5, t(lang, "points.panel.no_hours"), ha="center", va="center",
                color="#777777", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    # every month from the first to the last, none left out for having no hours
    span = pd.period_range(min(hours.index), max(hours.index), freq="M").strftime("%Y-%m")
    hours = hours.reindex(span, fill_value=0.0)
    months = list(hours.index)
    bars = ax.bar(range(len(months)), hours.to_list(), color=BAR_COLOUR, width=0.6)
    ax.set_xlim(-0.5, max(len(months), 6) - 0.5)  # one month is a bar, not the whole width
    ax.bar_label(bars, labels=[f"{h:g}" for h in hours], fontsize=8, padding=2)
    ax.set_xticks(range(len(months)), months, fontsize=8,
                  rotation=45 if len(months) > 8 else 0)
    ax.set_ylabel(t(lang, "points.panel.hours_axis"), fontsize=9)
    ax.set_ylim(0, max(float(hours.max()) * 1.2, 1))
    ax.spines[["top", "right"]].set_visible(False)
    return fig
