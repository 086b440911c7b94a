"""Charts of survey results: matplotlib's object-oriented API, each function returns a
:class:`~matplotlib.figure.Figure` (no pyplot state, nothing shown; a notebook displays the
figure, ``fig.savefig("x.png")`` writes it).

Chinese labels need a font with CJK glyphs: :func:`use_cjk_font` puts the first one found on
the machine (Noto Sans CJK SC from Debian's fonts-noto-cjk, or the usual Windows/macOS
ones) first in matplotlib's font list, with DejaVu Sans after it for anything it lacks.
"""

from __future__ import annotations

import logging
import math
import textwrap
from functools import lru_cache

import pandas as pd
from matplotlib import font_manager, rcParams
from matplotlib.figure import Figure
from matplotlib.patches import Polygon as PolygonPatch
from matplotlib.ticker import FuncFormatter, PercentFormatter

from workbench.surveys import results
from workbench.surveys.answers import LIKERT_POINTS

log = logging.getLogger(__name__)

#: Fonts with Simplified Chinese glyphs, best first (Linux, then Windows and macOS names).
CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "Noto Sans SC",
             "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Droid Sans Fallback",
             "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "Heiti SC", "SimHei",
             "Arial Unicode MS")
#: Likert points from very dissatisfied to very satisfied (ColorBrewer RdBu, grey middle).
LIKERT_COLOURS = ("#ca0020", "#f4a582", "#d9d9d9", "#92c5de", "#0571b0")
RATING_COLOURS = {"detractor": "#ca0020", "passive": "#bdbdbd", "promoter": "#0571b0"}
BAR_COLOUR = "#377eb8"
POINT_COLOURS = ("#e41a1c", "#377eb8", "#4daf4a", "#984ea3", "#ff7f00", "#a65628",
                 "#f781bf", "#666666", "#1b9e77", "#e6ab02")

WORDS = {
    "zh": {"answered": "回答", "mean": "平均", "satisfied": "满意", "dissatisfied": "不满意",
           "share": "占回答者比例", "score": "得分（胜出概率）", "borda": "博尔达得分",
           "count": "人数", "median": "中位数", "points": "标记", "promoters": "推荐者",
           "detractors": "贬损者", "no_answers": "暂无回答", "first": "排第一"},
    "en": {"answered": "answered", "mean": "mean", "satisfied": "satisfied",
           "dissatisfied": "dissatisfied", "share": "share of respondents",
           "score": "score (chance of winning)", "borda": "Borda points", "count": "count",
           "median": "median", "points": "points", "promoters": "promoters",
           "detractors": "detractors", "no_answers": "No answers yet", "first": "first"},
}


def _w(lang: str, key: str) -> str:
    return WORDS.get(lang, WORDS["en"])[key]


# -- fonts ----------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def cjk_fonts() -> tuple[str, ...]:
    """The fonts of :data:`CJK_FONTS` installed on this machine."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    found = tuple(name for name in CJK_FONTS if name in installed)
    if not found:
        log.warning("no font with Chinese glyphs found (install fonts-noto-cjk): Chinese "
                    "labels will show as boxes")
    return found


def use_cjk_font() -> str | None:
    """Put a CJK font first in matplotlib's font family (then sans-serif, i.e. DejaVu Sans,
    as the fallback for any glyph it lacks); returns its name, or None when there is none."""
    found = cjk_fonts()
    family = list(found) + ["sans-serif"]
    if rcParams["font.family"] != family:
        rcParams["font.family"] = family
    return found[0] if found else None


def _figure(width: float, height: float) -> Figure:
    use_cjk_font()
    return Figure(figsize=(width, height), layout="constrained")


def _wrap(text: str, lang: str, width: int | None = None) -> str:
    """Wrap a label; CJK text wraps anywhere, but a lone closing punctuation mark joins the
    line before it."""
    width = width or (22 if lang == "zh" else 44)
    lines = textwrap.wrap(str(text), width=width)
    if len(lines) > 1 and len(lines[-1]) <= 2:
        lines[-2:] = [lines[-2] + lines[-1]]
    return "\n".join(lines) or str(text)


def _title(fig: Figure, ax, title: str | None, subtitle: str | None, lang: str) -> None:
    """The question as the figure's title, the numbers (n, mean …) in small print below."""
    if title:
        fig.suptitle(_wrap(title, lang, 36 if lang == "zh" else 72), x=0.01, ha="left",
                     fontsize=11)
    if subtitle:
        ax.set_title(subtitle, loc="left", fontsize=8, color="#555555")


def _empty(fig: Figure, ax, lang: str) -> Figure:
    ax.text(0.5, 0.5, _w(lang, "no_answers"), ha="center", va="center", color="#777777",
            transform=ax.transAxes)
    ax.set_axis_off()
    return fig


def _pct(x: float) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.0%}"


# -- bars ------------------------------------------------------------------------------------
def choice_bars(table: pd.DataFrame, title: str | None = None, lang: str = "zh") -> Figure:
    """Horizontal bars of a choice question's options (a :func:`results.question_results`
    table: label, count, share), in the options' order from the top, each labelled with
    its count and share."""
    fig = _figure(7, 0.9 + 0.38 * max(len(table), 2))
    ax = fig.add_subplot()
    answered = table.attrs.get("answered", int(table["count"].sum()))
    _title(fig, ax, title or table.attrs.get("text"), f"{_w(lang, 'answered')} n = {answered}", lang)
    if not answered:
        return _empty(fig, ax, lang)
    y = range(len(table))
    shares = table["share"].fillna(0).tolist()
    ax.barh(list(y), shares, color=BAR_COLOUR)
    ax.set_yticks(list(y), [_wrap(t, lang, 16 if lang == "zh" else 34) for t in table["label"]],
                  fontsize=9)
    ax.invert_yaxis()
    for i, (count, share) in enumerate(zip(table["count"], shares)):
        ax.annotate(f"{count} ({share:.0%})", (share, i), xytext=(3, 0),
                    textcoords="offset points", va="center", fontsize=8)
    ax.set_xlim(0, max(max(shares) * 1.25, 0.1))
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel(_w(lang, "share"), fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def likert_rows(table: pd.DataFrame) -> pd.DataFrame:
    """A likert table in the wide shape (label and counts "1" … "5"): a
    :func:`results.likert_table` or likert breakdown as it is, or a single question's
    :func:`results.question_results` table turned into one row."""
    if "point" in table.columns:
        counts = {str(p): int(c) for p, c in zip(table["point"], table["count"])}
        row = {"label": table.attrs.get("text", ""), **counts}
        return pd.DataFrame([row])
    if "by_label" in table.columns and "label" not in table.columns:
        return table.rename(columns={"by_label": "label"})
    return table


def likert_bars(table: pd.DataFrame, title: str | None = None, lang: str = "zh") -> Figure:
    """Diverging stacked bars, one per row of a likert table (see :func:`likert_rows`):
    shares of the scored answers ("na" left out), dissatisfied (1, 2) to the left of zero,
    satisfied (4, 5) to the right, neutral (3) centred on zero. The share dissatisfied is
    written at the left end of each bar, the share satisfied and n at the right. A single
    question's table gives one bar under the question, with its mean."""
    single = "point" in table.columns
    rows = likert_rows(table)
    fig = _figure(8, 2.0 if single else 1.4 + 0.5 * max(len(rows), 1))
    ax = fig.add_subplot()
    sub = None
    a = table.attrs
    if single and a.get("answered"):
        sub = (f"{_w(lang, 'answered')} n = {a['answered']} · {_w(lang, 'mean')} "
               f"{a['mean']:.2f} · {_w(lang, 'satisfied')} {_pct(a['satisfied'])} · "
               f"{results.likert_label('na', lang)} {a.get('na', 0)}")
    _title(fig, ax, title or (a.get("text") if single else None), sub, lang)
    points = [str(p) for p in LIKERT_POINTS]
    counts = rows.reindex(columns=points).fillna(0).astype(float)
    totals = counts.sum(axis=1)
    if not len(rows) or not totals.sum():
        return _empty(fig, ax, lang)
    shares = counts.div(totals.where(totals > 0), axis=0).fillna(0)
    y = list(range(len(rows)))
    low = shares["1"] + shares["2"]
    high = shares["4"] + shares["5"]
    left = -(low + shares["3"] / 2)
    right = high + shares["3"] / 2
    start = left
    for point, colour in zip(points, LIKERT_COLOURS):
        ax.barh(y, shares[point], left=start, color=colour, edgecolor="white", linewidth=0.5,
                label=results.likert_label(int(point), lang), gid=f"likert-{point}")
        start = start + shares[point]
    for i in y:
        ax.annotate(_pct(low.iloc[i]), (left.iloc[i], i), xytext=(-3, 0),
                    textcoords="offset points", ha="right", va="center", fontsize=8,
                    color=LIKERT_COLOURS[0])
        ax.annotate(f"{_pct(high.iloc[i])} (n={int(totals.iloc[i])})", (right.iloc[i], i),
                    xytext=(3, 0), textcoords="offset points", ha="left", va="center",
                    fontsize=8, color=LIKERT_COLOURS[4])
    ax.axvline(0, color="#333333", linewidth=0.8)
    if single:
        ax.set_yticks([])
    else:
        ax.tick_params(axis="y", length=0)
        ax.set_yticks(y, [_wrap(t, lang, 18 if lang == "zh" else 36) for t in rows["label"]],
                      fontsize=9)
    ax.invert_yaxis()
    reach = min(1.0, max(float(-left.min()), float(right.max())) + 0.25)
    ax.set_xlim(-reach, reach)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{abs(x):.0%}"))
    ax.spines[["top", "right", "left"]].set_visible(False)
    fig.legend(*ax.get_legend_handles_labels(), ncols=5, loc="outside lower center",
               fontsize=8, frameon=False)
    return fig


def rating_bars(table: pd.DataFrame, title: str | None = None, lang: str = "zh") -> Figure:
    """Bars of a rating question's scores 0–10, coloured detractor / passive / promoter,
    with the mean and NPS above."""
    fig = _figure(7, 3.2)
    ax = fig.add_subplot()
    a = table.attrs
    sub = None
    if a.get("answered"):
        sub = (f"{_w(lang, 'answered')} n = {a['answered']} · {_w(lang, 'mean')} {a['mean']:.1f}"
               f" · NPS {a['nps']:+.0f} ({_w(lang, 'promoters')} {_pct(a['promoters'])}, "
               f"{_w(lang, 'detractors')} {_pct(a['detractors'])})")
    _title(fig, ax, title or a.get("text"), sub, lang)
    if not a.get("answered", table["count"].sum()):
        return _empty(fig, ax, lang)
    ax.bar(table["score"], table["count"],
           color=[RATING_COLOURS[g] for g in table["group"]])
    ax.set_xticks(range(11))
    ax.set_ylabel(_w(lang, "count"), fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def number_histogram(values, title: str | None = None, lang: str = "zh",
                     unit: str | None = None) -> Figure:
    """A histogram of a number question's answers, with the median marked."""
    values = pd.Series([v for v in values if results.present(v)], dtype=float)
    fig = _figure(7, 3.2)
    ax = fig.add_subplot()
    sub = None
    if len(values):
        sub = (f"{_w(lang, 'answered')} n = {len(values)} · {_w(lang, 'mean')} "
               f"{values.mean():.1f} · {_w(lang, 'median')} {values.median():g}")
    _title(fig, ax, title, sub, lang)
    if not len(values):
        return _empty(fig, ax, lang)
    ax.hist(values, bins=min(20, max(5, values.nunique())), color=BAR_COLOUR,
            edgecolor="white")
    ax.axvline(values.median(), color="#333333", linestyle="--", linewidth=1)
    ax.set_xlabel(unit or "", fontsize=9)
    ax.set_ylabel(_w(lang, "count"), fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def ranked_bars(table: pd.DataFrame, value: str, title: str | None = None, lang: str = "zh",
                reference: float | None = None, xlabel: str | None = None) -> Figure:
    """Horizontal bars of ``table[value]`` by ``table["label"]``, highest at the top: the
    pairwise scores (``value="score"``, with ``reference=0.5``, the score of an idea never
    compared) or a ranking's Borda points (``value="borda"``)."""
    data = table.sort_values(value, ascending=False, kind="stable")
    fig = _figure(7, 0.9 + 0.38 * max(len(data), 2))
    ax = fig.add_subplot()
    answered = table.attrs.get("answered")
    _title(fig, ax, title or table.attrs.get("text"),
           f"{_w(lang, 'answered')} n = {answered}" if answered is not None else None, lang)
    if answered == 0 or not len(data):
        return _empty(fig, ax, lang)
    y = list(range(len(data)))
    ax.barh(y, data[value], color=BAR_COLOUR)
    ax.set_yticks(y, [_wrap(t, lang, 16 if lang == "zh" else 34) for t in data["label"]],
                  fontsize=9)
    ax.invert_yaxis()
    for i, v in enumerate(data[value]):
        ax.annotate(f"{v:.2f}" if isinstance(v, float) else f"{v}", (v, i), xytext=(3, 0),
                    textcoords="offset points", va="center", fontsize=8)
    if reference is not None:
        ax.axvline(reference, color="#777777", linestyle="--", linewidth=0.8)
    if value == "score":
        ax.set_xlim(0, 1)
    ax.set_xlabel(xlabel or _w(lang, value if value in ("score", "borda") else "count"),
                  fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


# -- map ---------------------------------------------------------------------------------------
def _geometries(layer):
    """Shapely geometries of a layer: a GeoJSON FeatureCollection dict or a GeoDataFrame."""
    from shapely.geometry import shape

    if layer is None:
        return []
    if hasattr(layer, "geometry"):
        return [g for g in layer.geometry if g is not None]
    return [shape(f["geometry"]) for f in layer.get("features", [])]


def _draw(ax, geometry, **style) -> None:
    kind = geometry.geom_type
    if kind.startswith("Multi") or kind == "GeometryCollection":
        for part in geometry.geoms:
            _draw(ax, part, **style)
    elif kind == "Polygon":
        ax.add_patch(PolygonPatch(list(geometry.exterior.coords), closed=True, **style))
    elif kind == "LineString":
        xs, ys = geometry.xy
        ax.plot(xs, ys, color=style.get("edgecolor", "#999999"),
                linewidth=style.get("linewidth", 1))
    elif kind == "Point":
        ax.plot(geometry.x, geometry.y, marker="s", markersize=4,
                color=style.get("facecolor", "#999999"))


def point_map(points: pd.DataFrame, layers: dict | None = None, title: str | None = None,
              lang: str = "zh", categories: list[str] | None = None) -> Figure:
    """The points of a map question (a :func:`results.question_results` table: lon, lat,
    follow_up_label) over the community's boundary, roads, buildings and public spaces
    (``layers``: ``Community.layers`` GeoJSON dicts or :func:`workbench.layers.community.read_layers`
    GeoDataFrames). ``categories``, the follow-up's option labels in order, colours the
    points by follow-up answer (at most ten)."""
    fig = _figure(7.5, 5.5)
    ax = fig.add_subplot()
    _title(fig, ax, title or points.attrs.get("text"), f"{_w(lang, 'points')} n = {len(points)}",
           lang)
    layers = layers or {}
    for geometry in _geometries(layers.get("boundary")):
        _draw(ax, geometry, facecolor="#f7f7f2", edgecolor="#333333", linewidth=1.2)
    for geometry in _geometries(layers.get("public_spaces")):
        _draw(ax, geometry, facecolor="#c7e9c0", edgecolor="#74c476", linewidth=0.5)
    for geometry in _geometries(layers.get("buildings")):
        _draw(ax, geometry, facecolor="#d9d9d9", edgecolor="#969696", linewidth=0.4)
    for geometry in _geometries(layers.get("roads")):
        _draw(ax, geometry, edgecolor="#bdbdbd", linewidth=1.5)
    if len(points):
        labels = points["follow_up_label"]
        if categories and len(categories) <= len(POINT_COLOURS):
            for colour, kind in zip(POINT_COLOURS, categories):
                sel = points[labels == kind]
                if len(sel):
                    ax.scatter(sel["lon"], sel["lat"], s=28, color=colour, edgecolor="white",
                               linewidth=0.6, label=f"{kind} ({len(sel)})", zorder=5)
            rest = points[~labels.isin(categories)]
            if len(rest):
                ax.scatter(rest["lon"], rest["lat"], s=28, color="#444444", edgecolor="white",
                           linewidth=0.6, zorder=5)
            if ax.get_legend_handles_labels()[0]:
                ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8,
                          frameon=False)
        else:
            ax.scatter(points["lon"], points["lat"], s=28, color=POINT_COLOURS[0],
                       edgecolor="white", linewidth=0.6, zorder=5)
    ax.autoscale_view()
    lat = points["lat"].mean() if len(points) else None
    if layers.get("boundary") is not None:
        bounds = [g.bounds for g in _geometries(layers["boundary"])]
        if bounds:
            lat = (bounds[0][1] + bounds[0][3]) / 2
    if lat is not None and not math.isnan(lat):
        ax.set_aspect(1 / math.cos(math.radians(lat)))  # metres east ≈ metres north
        ax.set_anchor("NW")  # the map right under its title
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    return fig


# -- any question ------------------------------------------------------------------------------
def question_chart(survey, frame: pd.DataFrame, question_id: str, lang: str = "zh",
                   layers: dict | None = None, table: pd.DataFrame | None = None
                   ) -> Figure | None:
    """The chart fitting a question's type (None for free text: read the answers instead).
    ``table`` saves recomputing :func:`results.question_results` when it is at hand."""
    q = survey.question(question_id)
    if table is None:
        table = results.question_results(survey, frame, question_id, lang)
    kind = q.type
    if kind in ("single_choice", "multiple_choice"):
        return choice_bars(table, lang=lang)
    if kind == "likert":
        return likert_bars(table, lang=lang)
    if kind == "rating":
        return rating_bars(table, lang=lang)
    if kind == "number":
        unit = results.text_of(getattr(q, "unit", None), lang) or None
        values = frame[question_id] if question_id in frame.columns else []
        return number_histogram(values, title=results.text_of(q.text, lang), lang=lang,
                                unit=unit)
    if kind == "ranking":
        return ranked_bars(table, "borda", lang=lang)
    if kind == "pairwise":
        return ranked_bars(table, "score", lang=lang, reference=0.5)
    if kind == "map_point":
        follow = getattr(q, "follow_up", None)
        categories = None
        if follow is not None and follow.type == "single_choice":
            categories = list(results.option_labels(follow.options, lang).values())
        return point_map(table, layers, lang=lang, categories=categories)
    return None
