"""A published agenda version as a report for residents and the committee: one
self-contained HTML file (opens offline, from a USB stick), the same HTML printed to PDF by
headless Chromium, and a Word document (DOCX) for the committee's own papers.

Everything comes from a snapshot (:mod:`.snapshot`) and the community's own layers (the map
is drawn from them: no tiles, no web fonts, no scripts, nothing fetched). Every text of the
snapshot is plain text written by residents or planners and is escaped where it is shown.
Labels are in the catalogue (``report.agenda.*`` keys, zh and en); the snapshot's texts stay
as they were written.
"""

from __future__ import annotations

import html
import io
from datetime import date, datetime
from pathlib import Path

from workbench import i18n, vocabulary
from workbench.geo.drawing import (MAP_STYLE, community_svg, draw_layers, draw_scale_bar,
                                    figure_png, map_figure, marker_positions)
from workbench.geo.projection import PixelProjection, bounds_around, located

#: Fonts with Chinese glyphs for the HTML and PDF (the PDF is printed where these exist).
FONT_STACK = ('"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", '
              '"PingFang SC", "WenQuanYi Micro Hei", sans-serif')
#: East Asian font of the DOCX when the machine has none of charts.CJK_FONTS (Word on
#: Chinese Windows has it; LibreOffice substitutes its own CJK font).
DOCX_FALLBACK_FONT = "SimSun"
DECISIONS = ("adopt", "defer", "decline")
DECISION_COLOURS = {"adopt": "#2e7d32", "defer": "#e65100", "decline": "#616161"}
STANCE_COLOURS = {"for": "#4caf50", "neutral": "#bdbdbd", "against": "#e53935"}
#: Satisfaction 1-5, very dissatisfied to very satisfied (the survey charts' colours).
LIKERT_COLOURS = ("#ca0020", "#f4a582", "#d9d9d9", "#92c5de", "#0571b0")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# -- text -----------------------------------------------------------------------------------
def esc(text) -> str:
    """Escape any snapshot text for HTML (None is empty)."""
    return html.escape("" if text is None else str(text), quote=True)


def _t(lang: str, key: str, **params) -> str:
    return i18n.t(lang, f"report.agenda.{key}", **params)


def _label(lang: str, group: str, code) -> str:
    """A code's label (decision, status, owner, score part): the report's own
    (``report.agenda.<group>.<code>``), else the resident page's (``agenda.<group>.<code>``,
    e.g. the owners of :data:`workbench.agenda.decisions.OWNERS`), else the code made
    readable, for a code added after this report was written."""
    if code is None or code == "":
        return ""
    catalogue = i18n.catalogue(lang)
    for key in (f"report.agenda.{group}.{code}", f"agenda.{group}.{code}"):
        if key in catalogue:
            return catalogue[key]
    return str(code).replace("_", " ")


def _decision(lang: str, decision) -> str:
    return _label(lang, "decision", decision)


def _status(lang: str, status) -> str:
    return _label(lang, "status", status)


def _scenario(lang: str, code) -> str:
    return vocabulary.scenario_label(code, lang) if code else ""


def _scenario_colour(code) -> str:
    for s in vocabulary.scenarios():
        if s["code"] == code:
            return s["color"]
    return "#777777"


def _place(item: dict, lang: str) -> str:
    name = item.get("public_space_name") or {}
    return name.get(lang) or name.get("zh") or name.get("en") or ""


def _date(value, lang: str) -> str:
    """An ISO date or timestamp as 2026年11月27日 / 27 Nov 2026; other text as it is."""
    if value is None or value == "":
        return ""
    try:
        day = (value if isinstance(value, date) else
               datetime.fromisoformat(str(value).replace("Z", "+00:00")))
        if isinstance(day, datetime):
            day = day.date()
    except ValueError:
        return str(value)
    if lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"  # not locale-dependent


def _number(value, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _percent(value) -> str:
    return "–" if value is None else f"{round(float(value) * 100):d}%"


def _progress(item: dict) -> int:
    try:
        return max(0, min(100, int(item.get("progress") or 0)))
    except (TypeError, ValueError):
        return 0


def _community_name(snapshot: dict, community, lang: str) -> str:
    name = (snapshot.get("community") or {}).get("name") or getattr(community, "name", {}) or {}
    return name.get(lang) or name.get("zh") or name.get("en") or ""


def _items(snapshot: dict) -> list[dict]:
    return sorted(snapshot.get("items") or [], key=lambda i: (i.get("rank") is None,
                                                               i.get("rank") or 0, i.get("id")))


# -- map --------------------------------------------------------------------------------------
def _markers_svg(items: list[dict], proj) -> str:
    """A numbered marker (the item's rank, in its decision's colour) for every located item,
    linking to the item; markers moved apart are joined to their place by a short line."""
    parts = []
    markers = marker_positions([i for i in items if located(i)], proj)
    for item, x, y, mx, my in markers:
        if (mx, my) != (x, y):
            parts.append(f'<path d="M{x:.1f},{y:.1f} L{mx:.1f},{my:.1f}" stroke="#333" '
                         f'stroke-width="1"/><circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" '
                         f'fill="#333"/>')
    for item, x, y, mx, my in markers:
        colour = DECISION_COLOURS.get(item.get("decision"), "#1565c0")
        parts.append(
            f'<a class="marker" href="#item-{esc(item["id"])}" data-item="{esc(item["id"])}">'
            f'<title>{esc(item.get("rank"))}. {esc(item.get("title"))}</title>'
            f'<circle cx="{mx:.1f}" cy="{my:.1f}" r="13" fill="{colour}" stroke="#fff" '
            f'stroke-width="2"/>'
            f'<text x="{mx:.1f}" y="{my + 5:.1f}" font-size="14" font-weight="700" '
            f'fill="#fff" text-anchor="middle">{esc(item.get("rank"))}</text></a>')
    return "".join(parts)


def map_svg(snapshot: dict, community, lang: str = "zh") -> str:
    """The community's boundary, roads, buildings and public spaces as inline SVG, with a
    numbered marker (the item's rank) for every located item, linking to the item."""
    items = _items(snapshot)
    proj = PixelProjection(bounds_around(community, items))
    return community_svg(community, proj, i18n.t(lang, "map.community_map"), css_class="agenda-map",
                         overlay=_markers_svg(items, proj))


def map_png(snapshot: dict, community, lang: str = "zh", dpi: int = 200) -> bytes:
    """The same map drawn by matplotlib, as PNG bytes (for the DOCX)."""
    from matplotlib.patches import Circle

    from workbench.surveys.charts import use_cjk_font

    use_cjk_font()
    items = _items(snapshot)
    proj = PixelProjection(bounds_around(community, items))
    fig, ax = map_figure(proj)
    draw_layers(ax, community, proj)
    for item, x, y, mx, my in marker_positions([i for i in items if located(i)], proj):
        if (mx, my) != (x, y):
            ax.plot([x, mx], [y, my], color="#333333", linewidth=0.8)
            ax.add_patch(Circle((x, y), 2.5, color="#333333"))
        ax.add_patch(Circle((mx, my), 13, facecolor=DECISION_COLOURS.get(
            item.get("decision"), "#1565c0"), edgecolor="white", linewidth=1.5, zorder=5))
        ax.text(mx, my, str(item.get("rank")), color="white", fontsize=8, fontweight="bold",
                ha="center", va="center", zorder=6)
    draw_scale_bar(ax, proj)
    return figure_png(fig, dpi)


# -- small charts (inline SVG) ----------------------------------------------------------------
def _stance_svg(comments: dict, lang: str, width: int = 240) -> str:
    counts = [(k, int(comments.get(k) or 0)) for k in ("for", "neutral", "against")]
    total = sum(n for _, n in counts)
    if not total:
        return f'<p class="nodata">{esc(_t(lang, "ev.no_comments"))}</p>'
    x, bars = 0.0, []
    for key, n in counts:
        w = width * n / total
        if w:
            bars.append(f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="12" '
                        f'fill="{STANCE_COLOURS[key]}"/>')
        x += w
    legend = " · ".join(f'<span class="sw" style="background:{STANCE_COLOURS[k]}"></span>'
                        f'{esc(_t(lang, "ev." + k))} {n}' for k, n in counts)
    return (f'<svg class="chart stance" width="{width}" height="12" '
            f'viewBox="0 0 {width} 12" role="img">{"".join(bars)}</svg>'
            f'<div class="legend">{legend}</div>')


def _meter_svg(share, colour: str = "#1565c0", width: int = 240) -> str:
    share = max(0.0, min(1.0, float(share)))
    return (f'<svg class="chart meter" width="{width}" height="10" viewBox="0 0 {width} 10">'
            f'<rect width="{width}" height="10" rx="2" fill="#e0e0e0"/>'
            f'<rect width="{width * share:.1f}" height="10" rx="2" fill="{colour}"/></svg>')


def _satisfaction_svg(value, width: int = 240) -> str:
    """A 1-5 scale in the survey colours with a marker at the mean."""
    step = width / 5
    cells = "".join(f'<rect x="{i * step:.1f}" y="6" width="{step:.1f}" height="10" '
                    f'fill="{c}"/>' for i, c in enumerate(LIKERT_COLOURS))
    ticks = "".join(f'<text x="{(i + 0.5) * step:.1f}" y="28" font-size="9" '
                    f'text-anchor="middle" fill="#555">{i + 1}</text>' for i in range(5))
    x = (max(1.0, min(5.0, float(value))) - 0.5) * step
    marker = (f'<path d="M{x - 5:.1f},0 L{x + 5:.1f},0 L{x:.1f},8 Z" fill="#111"/>'
              f'<rect x="{x - 1:.1f}" y="6" width="2" height="10" fill="#111"/>')
    return (f'<svg class="chart satisfaction" width="{width}" height="30" '
            f'viewBox="0 0 {width} 30">{cells}{ticks}{marker}</svg>')


def _bar_rows(rows: list[tuple[str, float, str]], colour: str) -> str:
    """Labelled horizontal bars as a table (labels wrap; printable)."""
    top = max((v for _, v, _ in rows), default=0) or 1
    return ('<table class="bars">' + "".join(
        f'<tr><td class="bl">{esc(label)}</td><td class="bb"><span style="width:'
        f'{100 * value / top:.0f}%;background:{colour}"></span></td>'
        f'<td class="bn">{esc(shown)}</td></tr>' for label, value, shown in rows) + "</table>")


# -- the HTML -----------------------------------------------------------------------------------
CSS = """
@page { size: A4; margin: 14mm 13mm 16mm 13mm;
  @bottom-center { content: counter(page) " / " counter(pages); font-size: 8pt; color: #666; } }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: %(fonts)s; color: #1a1a1a; margin: 0 auto; max-width: 980px;
  padding: 24px 28px 40px; font-size: 14px; line-height: 1.55; background: #fff; }
h1 { font-size: 26px; margin: 0 0 4px; line-height: 1.3; }
h2 { font-size: 19px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #333;
  break-after: avoid; }
h3 { font-size: 17px; margin: 0; line-height: 1.35; overflow-wrap: anywhere; }
h4 { font-size: 13px; margin: 12px 0 4px; color: #333; break-after: avoid; }
.doc-head { border-bottom: 3px solid #2e7d32; padding-bottom: 10px; }
.doc-head .community { font-size: 15px; color: #2e7d32; font-weight: 700; }
.doc-head .meta { color: #555; font-size: 13px; }
.intro { color: #333; margin: 10px 0 0; }
.counts { display: flex; gap: 10px; flex-wrap: wrap; margin: 10px 0 0; padding: 0; }
.counts li { list-style: none; border-radius: 4px; padding: 2px 10px; color: #fff;
  font-weight: 700; font-size: 13px; }
.map-wrap { break-inside: avoid; }
.figures, .chart, table.bars, ul.statements, .progress, .legend { break-inside: avoid; }
.agenda-map { display: block; margin: 0 auto; width: auto; height: auto; max-width: 100%%;
  max-height: 150mm; border: 1px solid #ccc; background: #fff; }
.agenda-map text { font-family: %(fonts)s; }
.map-legend { font-size: 12px; color: #444; margin: 6px 0 0; display: flex; flex-wrap: wrap;
  gap: 4px 14px; }
.sw { display: inline-block; width: 12px; height: 12px; vertical-align: -1px;
  margin-right: 4px; border: 1px solid rgba(0,0,0,.25); }
.sw.dot { border-radius: 50%%; border: 0; }
.sw.line { height: 4px; vertical-align: 3px; border: 0; }
.unlocated { font-size: 12px; color: #444; margin: 4px 0 0; }
table { border-collapse: collapse; width: 100%%; font-size: 13px; }
th, td { text-align: left; vertical-align: top; padding: 4px 6px; border-bottom: 1px solid #ddd;
  overflow-wrap: anywhere; }
th { background: #f2f2f2; font-weight: 700; }
tr { break-inside: avoid; }
td.n, th.n { text-align: right; white-space: nowrap; }
.badge { display: inline-block; color: #fff; border-radius: 3px; padding: 0 7px;
  font-size: 12px; font-weight: 700; white-space: nowrap; }
.status { white-space: nowrap; }
.item { border: 1px solid #cfcfcf; border-left: 6px solid #999; border-radius: 4px;
  padding: 12px 14px; margin: 0 0 16px; }
.item > header { display: flex; align-items: flex-start; gap: 10px; break-after: avoid; }
.item .num { flex: none; width: 28px; height: 28px; border-radius: 50%%; color: #fff;
  font-weight: 700; display: flex; align-items: center; justify-content: center; }
.item .head-text { flex: 1; min-width: 0; }
.item .sub { color: #555; font-size: 12.5px; margin-top: 2px; }
.item .desc { margin: 8px 0 0; color: #333; overflow-wrap: anywhere; }
.cols { display: grid; grid-template-columns: minmax(0, 1.25fr) minmax(0, 1fr); gap: 16px;
  margin-top: 10px; }
dl.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 3px 10px;
  margin: 0; }
dl.facts dt { color: #555; font-weight: 700; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.progress { display: flex; align-items: center; gap: 8px; }
.progress .track { flex: 1; height: 10px; background: #e0e0e0; border-radius: 2px;
  overflow: hidden; max-width: 220px; }
.progress .fill { height: 100%%; background: #2e7d32; }
ul.milestones { margin: 0; padding: 0; list-style: none; }
ul.milestones li { padding: 1px 0; }
ul.milestones .mark { display: inline-block; width: 1.3em; font-weight: 700; }
ul.milestones .done { color: #2e7d32; }
ul.milestones .todo { color: #999; }
ul.milestones .when { color: #555; font-size: 12.5px; white-space: nowrap; }
.evidence { background: #f7f8fa; border: 1px solid #e3e6ea; border-radius: 4px;
  padding: 8px 10px; font-size: 13px; }
.evidence h4:first-child { margin-top: 0; }
.figures { display: grid; grid-template-columns: repeat(3, 1fr); gap: 6px; margin-bottom: 4px; }
.figure { background: #fff; border: 1px solid #e3e6ea; border-radius: 3px; padding: 3px 6px; }
.figure b { display: block; font-size: 18px; line-height: 1.2; }
.figure span { font-size: 11.5px; color: #555; }
.evidence .note { color: #555; font-size: 12px; margin: 2px 0 0; }
.legend { font-size: 12px; color: #444; margin-top: 2px; }
.nodata { color: #777; margin: 0; font-size: 12.5px; }
table.bars { font-size: 12.5px; }
table.bars td { border: 0; padding: 1px 4px 1px 0; }
table.bars .bl { width: 40%%; }
table.bars .bb span { display: block; height: 10px; min-width: 1px; border-radius: 2px; }
table.bars .bn { width: 3.5em; text-align: right; white-space: nowrap; color: #333; }
ul.statements { margin: 2px 0 0; padding-left: 1.2em; }
table.proposals { margin-top: 2px; }
table.proposals .code { font-family: "DejaVu Sans Mono", Consolas, monospace;
  white-space: nowrap; font-weight: 700; letter-spacing: .5px; }
.answer-none { color: #888; }
.receipts { columns: 3; column-gap: 18px; font-size: 13px; }
.receipts div { break-inside: avoid; }
.receipts .code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-weight: 700; }
footer { margin-top: 28px; padding-top: 8px; border-top: 1px solid #ccc; color: #666;
  font-size: 12px; }
a { color: inherit; }
@media (max-width: 700px) {
  body { padding: 14px; }
  .cols { grid-template-columns: 1fr; }
  .receipts { columns: 2; }
}
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  h1 { font-size: 18pt; }
  h2 { font-size: 13.5pt; margin-top: 16pt; }
  h3 { font-size: 12pt; }
  h4 { font-size: 10pt; }
  table { font-size: 9pt; }
  .evidence, table.bars, .legend, .figure span { font-size: 8.5pt; }
  .figure b { font-size: 13pt; }
  .item { padding: 8pt 10pt; margin-bottom: 10pt; }
  .item > header { break-inside: avoid; }
  .item > .desc { break-after: avoid; }  /* a title is not left alone at a page's foot */
  .evidence h4 { margin: 5pt 0 2pt; }
  .agenda-map { max-height: 118mm; }
  a { text-decoration: none; }
}
""" % {"fonts": FONT_STACK}


def _facts(rows: list[tuple[str, str]]) -> str:
    """A definition list; the values are HTML already."""
    return ('<dl class="facts">' + "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in rows)
            + "</dl>")


def _progress_html(item: dict) -> str:
    p = _progress(item)
    return (f'<div class="progress"><div class="track"><div class="fill" style="width:{p}%">'
            f'</div></div><b>{p}%</b></div>')


def _badge(lang: str, decision) -> str:
    colour = DECISION_COLOURS.get(decision, "#1565c0")
    return (f'<span class="badge" style="background:{colour}">'
            f'{esc(_decision(lang, decision))}</span>')


def _item_facts(item: dict, lang: str) -> str:
    dash = "–"
    rows = [(_t(lang, "field.reason"), esc(item.get("reason")) or dash)]
    adopted = item.get("decision") == "adopt"
    for key, value in (("owner", _label(lang, "owner", item.get("owner"))),
                       ("budget_line", item.get("budget_line")),
                       ("target_date", _date(item.get("target_date"), lang))):
        if value or adopted:
            rows.append((_t(lang, f"field.{key}"), esc(value) or dash))
    if item.get("status") or adopted:
        rows.append((_t(lang, "field.status"),
                     f'<span class="status">{esc(_status(lang, item.get("status"))) or dash}'
                     f'</span>'))
    if adopted or _progress(item):
        rows.append((_t(lang, "field.progress"), _progress_html(item)))
    return _facts(rows)


def _milestones(item: dict, lang: str) -> str:
    milestones = item.get("milestones") or []
    if not milestones:
        return ""
    lines = []
    for m in milestones:
        done = bool(m.get("done"))
        mark = (f'<span class="mark done" title="{esc(_t(lang, "done"))}">✓</span>' if done
                else '<span class="mark todo">○</span>')
        when = _date(m.get("date"), lang)
        lines.append(f"<li>{mark}{esc(m.get('title'))}"
                     + (f' <span class="when">· {esc(when)}</span>' if when else "")
                     + (f' <span class="when">({esc(_t(lang, "done"))})</span>' if done else "")
                     + "</li>")
    return f'<h4>{esc(_t(lang, "milestones"))}</h4><ul class="milestones">{"".join(lines)}</ul>'


def _history(item: dict, lang: str) -> str:
    history = item.get("history") or []
    if not history:
        return ""
    rows = "".join(
        f'<tr><td class="status">{esc(_date(h.get("date"), lang))}</td>'
        f'<td class="status">{esc(_status(lang, h.get("status")))}</td>'
        f'<td class="n">{esc(h.get("progress"))}%</td><td>{esc(h.get("note"))}</td></tr>'
        for h in history)
    return (f'<h4>{esc(_t(lang, "history"))}</h4><table class="history"><thead><tr>'
            f'<th>{esc(_t(lang, "col.date"))}</th><th>{esc(_t(lang, "field.status"))}</th>'
            f'<th class="n">{esc(_t(lang, "field.progress"))}</th>'
            f'<th>{esc(_t(lang, "col.note"))}</th></tr></thead><tbody>{rows}</tbody></table>')


def _evidence(item: dict, lang: str) -> str:
    ev = item.get("evidence") or {}
    figures = [(ev.get("supporters"), _t(lang, "ev.supporters")),
               (ev.get("proposals"), _t(lang, "ev.proposals")),
               (_number(item.get("score")), _t(lang, "field.score"))]
    if located(item) or ev.get("households_500"):  # households in reach of the place
        figures += [(ev.get(key), _t(lang, "ev." + key)) for key in
                    ("households_300", "households_500", "underserved_households")]
    out = [f'<h4>{esc(_t(lang, "evidence"))}</h4><div class="figures">']
    for value, label in figures:
        out.append(f'<div class="figure"><b>{esc(_number(value))}</b>'
                   f'<span>{esc(label)}</span></div>')
    out.append("</div>")
    supports = _t(lang, "ev.supports", supports=ev.get("supports") or 0,
                  external=ev.get("external_supports") or 0)
    out.append(f'<p class="note">{esc(supports)}</p>')
    out.append(f'<h4>{esc(_t(lang, "ev.comments"))}</h4>'
               + _stance_svg(ev.get("comments") or {}, lang))
    out.append(f'<h4>{esc(_t(lang, "ev.consensus"))}</h4>')
    if ev.get("consensus") is None:
        out.append(f'<p class="nodata">{esc(_t(lang, "ev.no_data"))}</p>')
    else:
        out.append(f'<div class="progress">{_meter_svg(ev["consensus"], "#6a1b9a", 200)}'
                   f'<b>{_percent(ev["consensus"])}</b></div>')
        statements = ev.get("consensus_statements") or []
        if statements:
            out.append('<ul class="statements">' + "".join(
                f'<li>{esc(s.get("text"))} <span class="legend">({_percent(s.get("consensus"))})'
                f'</span></li>' for s in statements) + "</ul>")
    out.append(f'<h4>{esc(_t(lang, "ev.satisfaction"))}</h4>')
    if ev.get("satisfaction") is None:
        out.append(f'<p class="nodata">{esc(_t(lang, "ev.no_data"))}</p>')
    else:
        out.append(f'<div class="progress">{_satisfaction_svg(ev["satisfaction"], 200)}'
                   f'<b>{float(ev["satisfaction"]):.1f} / 5</b></div>')
    needs = sorted((ev.get("needs") or {}).items(), key=lambda kv: -kv[1])[:6]
    if needs:
        out.append(f'<h4>{esc(_t(lang, "ev.needs"))}</h4>'
                   + _bar_rows([(k, v, str(v)) for k, v in needs], "#0571b0"))
    parts = item.get("score_parts") or {}
    if parts:
        out.append(f'<h4>{esc(_t(lang, "ev.score_parts"))}</h4>' + _bar_rows(
            [(_label(lang, "part", k), float(v or 0), _number(v)) for k, v in parts.items()],
            "#90a4ae"))
    return '<aside class="evidence">' + "".join(out) + "</aside>"


def _proposals(item: dict, lang: str) -> str:
    proposals = item.get("proposals") or []
    if not proposals:
        return ""
    rows = "".join(
        f'<tr><td class="code">{esc(p.get("receipt_code"))}</td><td>{esc(p.get("title"))}</td>'
        f'<td class="n">{esc(p.get("supports"))}</td><td>'
        + (esc(p["official_answer"]) if p.get("official_answer")
           else f'<span class="answer-none">{esc(_t(lang, "no_answer"))}</span>')
        + "</td></tr>" for p in proposals)
    return (f'<h4>{esc(_t(lang, "proposals"))}</h4><table class="proposals"><thead><tr>'
            f'<th>{esc(_t(lang, "col.receipt"))}</th><th>{esc(_t(lang, "col.proposal"))}</th>'
            f'<th class="n">{esc(_t(lang, "col.supports"))}</th>'
            f'<th>{esc(_t(lang, "col.answer"))}</th></tr></thead><tbody>{rows}</tbody></table>')


def _item_html(item: dict, lang: str) -> str:
    decision = item.get("decision")
    colour = DECISION_COLOURS.get(decision, "#1565c0")
    sub = [f'<span class="sw dot" style="background:{_scenario_colour(item.get("scenario"))}">'
           f'</span>{esc(_scenario(lang, item.get("scenario")))}',
           esc(_place(item, lang)) if located(item) or _place(item, lang)
           else esc(_t(lang, "no_place"))]
    description = (f'<p class="desc">{esc(item.get("description"))}</p>'
                   if item.get("description") else "")
    return (
        f'<section class="item" id="item-{esc(item.get("id"))}" data-item="{esc(item.get("id"))}" '
        f'style="border-left-color:{colour}">'
        f'<header><span class="num" style="background:{colour}">{esc(item.get("rank"))}</span>'
        f'<div class="head-text"><h3 class="title">{esc(item.get("title"))}</h3>'
        f'<div class="sub">{_badge(lang, decision)} · {" · ".join(sub)}</div></div></header>'
        f'{description}<div class="cols"><div>{_item_facts(item, lang)}'
        f'{_milestones(item, lang)}{_history(item, lang)}</div>{_evidence(item, lang)}</div>'
        f'{_proposals(item, lang)}</section>')


def _summary_table(items: list[dict], lang: str) -> str:
    rows = []
    for item in items:
        progress = (f'{_progress(item)}%' if item.get("decision") == "adopt" else "")
        rows.append(
            f'<tr><td class="n">{esc(item.get("rank"))}</td><td><a href="#item-'
            f'{esc(item.get("id"))}">{esc(item.get("title"))}</a></td>'
            f'<td>{_badge(lang, item.get("decision"))}</td>'
            f'<td class="status">{esc(_status(lang, item.get("status")))}</td>'
            f'<td class="n">{progress}</td></tr>')
    return (f'<table class="summary"><thead><tr><th class="n">{esc(_t(lang, "col.rank"))}</th>'
            f'<th>{esc(_t(lang, "col.title"))}</th><th>{esc(_t(lang, "field.decision"))}</th>'
            f'<th>{esc(_t(lang, "field.status"))}</th>'
            f'<th class="n">{esc(_t(lang, "field.progress"))}</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _map_legend(lang: str) -> str:
    swatches = [
        f'<span><span class="sw" style="background:{MAP_STYLE["boundary"]["fill"]};'
        f'border-color:#333"></span>{esc(_t(lang, "legend.boundary"))}</span>',
        f'<span><span class="sw" style="background:{MAP_STYLE["public_spaces"]["fill"]}">'
        f'</span>{esc(_t(lang, "legend.public_space"))}</span>',
        f'<span><span class="sw" style="background:{MAP_STYLE["buildings"]["fill"]}"></span>'
        f'{esc(_t(lang, "legend.building"))}</span>',
        f'<span><span class="sw line" style="background:{MAP_STYLE["roads"]["stroke"]}">'
        f'</span>{esc(_t(lang, "legend.road"))}</span>']
    swatches += [f'<span><span class="sw dot" style="background:{DECISION_COLOURS[d]}"></span>'
                 f'{esc(_decision(lang, d))}</span>' for d in DECISIONS]
    return f'<div class="map-legend">{"".join(swatches)}</div>'


def _receipt_index(items: list[dict], lang: str) -> str:
    pairs = sorted((p.get("receipt_code") or "", item.get("rank"), item.get("id"))
                   for item in items for p in item.get("proposals") or []
                   if p.get("receipt_code"))
    if not pairs:
        return ""
    entries = "".join(
        f'<div><span class="code">{esc(code)}</span>&ensp;→&ensp;<a href="#item-{esc(item_id)}">'
        f'{esc(_t(lang, "item_no", rank=rank))}</a></div>' for code, rank, item_id in pairs)
    return (f'<section class="receipt-index"><h2>{esc(_t(lang, "receipts"))}</h2>'
            f'<p class="intro">{esc(_t(lang, "receipts_intro"))}</p>'
            f'<div class="receipts">{entries}</div></section>')


def agenda_html(snapshot: dict, community, lang: str = "zh") -> str:
    """The published agenda version as ONE self-contained HTML document: nothing is fetched
    (no scripts at all, styles inline, the map drawn as SVG from the community's layers)."""
    if lang not in i18n.LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {i18n.LANGUAGES}")
    items = _items(snapshot)
    name = _community_name(snapshot, community, lang)
    title = f"{name} · {_t(lang, 'title')}" if name else _t(lang, "title")
    version = _t(lang, "version", version=snapshot.get("version", "–"))
    published = _t(lang, "published", date=_date(snapshot.get("published_at"), lang),
                   by=snapshot.get("published_by") or "–")
    counts = {d: sum(1 for i in items if i.get("decision") == d) for d in DECISIONS}
    count_list = "".join(
        f'<li style="background:{DECISION_COLOURS[d]}">{esc(_decision(lang, d))} '
        f'{counts[d]}</li>' for d in DECISIONS)
    unlocated = [i for i in items if not located(i)]
    unlocated_note = ""
    if unlocated:
        listed = ", ".join(f"{i.get('rank')}. {i.get('title')}" for i in unlocated)
        unlocated_note = f'<p class="unlocated">{esc(_t(lang, "unlocated", items=listed))}</p>'

    body = (
        f'<header class="doc-head"><div class="community">{esc(name)}</div>'
        f'<h1>{esc(_t(lang, "title"))}</h1>'
        f'<div class="meta">{esc(version)} · {esc(published)}</div></header>'
        f'<p class="intro">{esc(_t(lang, "intro"))}</p><ul class="counts">{count_list}</ul>'
        f'<section class="map-section"><h2>{esc(i18n.t(lang, "map.community_map"))}</h2>'
        f'<div class="map-wrap">{map_svg(snapshot, community, lang)}{_map_legend(lang)}'
        f'<p class="unlocated">{esc(_t(lang, "map_note"))}</p>{unlocated_note}</div>'
        f'<h2>{esc(_t(lang, "contents"))}</h2>{_summary_table(items, lang)}</section>'
        f'<h2>{esc(_t(lang, "items"))}</h2>'
        + "".join(_item_html(item, lang) for item in items)
        + _receipt_index(items, lang)
        + f'<footer>{esc(_t(lang, "footer", version=snapshot.get("version", "–")))}</footer>')
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (f'<!DOCTYPE html><html lang="{html_lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            f'style-src \'unsafe-inline\'; img-src data:">'
            f'<title>{esc(title)} · {esc(version)}</title><style>{CSS}</style></head>'
            f'<body>{body}</body></html>')


def write_agenda_html(snapshot: dict, community, path, lang: str = "zh") -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(agenda_html(snapshot, community, lang), encoding="utf-8")
    return path


# -- PDF ------------------------------------------------------------------------------------------
def agenda_pdf(snapshot: dict, community, path, lang: str = "zh") -> Path:
    """The HTML report printed on A4 by headless Chromium (as the code slips are), so
    Chinese renders with the machine's CJK fonts."""
    import tempfile

    from workbench.participation.slips import html_to_pdf

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="agenda-report-") as tmp:
        source = write_agenda_html(snapshot, community, Path(tmp) / "agenda.html", lang)
        html_to_pdf(source, path)
    return path


# -- DOCX -----------------------------------------------------------------------------------------
def docx_east_asian_font() -> str:
    """The East Asian font named in the DOCX: the machine's CJK font, else SimSun."""
    from workbench.surveys.charts import cjk_fonts

    found = cjk_fonts()
    return found[0] if found else DOCX_FALLBACK_FONT


_THEME_FONTS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def _name_fonts(rpr, east_asian: str, latin: str | None = None) -> None:
    """Name the fonts of run properties (a style's, or the document defaults'): w:eastAsia
    for Chinese, the East Asian language zh-CN, and no theme fonts (they win over names)."""
    from docx.oxml.ns import qn

    rfonts = rpr.get_or_add_rFonts()
    for attr in _THEME_FONTS:
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:eastAsia"), east_asian)
    if latin:
        for attr in ("w:ascii", "w:hAnsi", "w:cs"):
            rfonts.set(qn(attr), latin)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _set_fonts(style_element, east_asian: str, latin: str | None = None) -> None:
    _name_fonts(style_element.get_or_add_rPr(), east_asian, latin)


def _set_default_fonts(doc, east_asian: str) -> None:
    """The document defaults (w:docDefaults, which the template has) name the fonts too."""
    from docx.oxml.ns import qn

    rpr = doc.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if rpr is not None:
        _name_fonts(rpr, east_asian, "Calibri")


def _shade(cell, colour: str) -> None:
    from docx.oxml.ns import qn

    tcpr = cell._tc.get_or_add_tcPr()
    shading = tcpr.makeelement(qn("w:shd"), {qn("w:val"): "clear", qn("w:color"): "auto",
                                             qn("w:fill"): colour.lstrip("#")})
    tcpr.append(shading)


def _table(doc, header: list[str], rows: list[list[str]],
           widths_cm: list[float] | None = None):
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        _shade(cell, "#EEEEEE")
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values):
            cell.text = "" if text is None else str(text)
    if widths_cm:
        _widths(table, widths_cm)
    return table


def _widths(table, widths_cm: list[float]) -> None:
    """Fixed column widths: the grid (LibreOffice reads it) and every cell (Word does)."""
    from docx.shared import Cm

    table.autofit = False
    for column, width in zip(table.columns, widths_cm):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm):
            cell.width = Cm(width)


def _evidence_text(item: dict, lang: str) -> list[tuple[str, str]]:
    ev = item.get("evidence") or {}
    comments = ev.get("comments") or {}
    rows = [
        (_t(lang, "ev.supporters"),
         f'{_number(ev.get("supporters"))} · ' + _t(lang, "ev.supports",
                                                   supports=ev.get("supports") or 0,
                                                   external=ev.get("external_supports") or 0)),
        (_t(lang, "ev.proposals"), _number(ev.get("proposals"))),
        (_t(lang, "ev.comments"), " · ".join(f'{_t(lang, "ev." + k)} {comments.get(k) or 0}'
                                            for k in ("for", "neutral", "against"))),
        (_t(lang, "ev.consensus"), _percent(ev.get("consensus")) if ev.get("consensus")
         is not None else _t(lang, "ev.no_data")),
        *[("", f'{st.get("text") or ""} ({_percent(st.get("consensus"))})')
          for st in ev.get("consensus_statements") or []],
        (_t(lang, "ev.satisfaction"), f'{float(ev["satisfaction"]):.1f} / 5'
         if ev.get("satisfaction") is not None else _t(lang, "ev.no_data")),
    ]
    needs = sorted((ev.get("needs") or {}).items(), key=lambda kv: -kv[1])
    if needs:
        rows.append((_t(lang, "ev.needs"), "，".join(f"{k} {v}" for k, v in needs)
                     if lang == "zh" else ", ".join(f"{k} {v}" for k, v in needs)))
    colon = "：" if lang == "zh" else ": "
    if located(item) or ev.get("households_500"):
        households = " · ".join(f'{_t(lang, "ev." + k)}{colon}{_number(ev.get(k))}' for k in
                                ("households_300", "households_500", "underserved_households"))
    else:
        households = _t(lang, "no_place")
    rows.append((_t(lang, "ev.households"), households))
    rows.append((_t(lang, "field.score"), _number(item.get("score"))))
    return rows


def agenda_docx(snapshot: dict, community, path, lang: str = "zh") -> Path:
    """The agenda as a Word document: headings, the map as a picture, a summary table, a
    table per item (decision, reason, owner, target date, status, progress, evidence), its
    milestones, history and proposals. The East Asian font is named on every style."""
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Cm, Pt, RGBColor

    if lang not in i18n.LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {i18n.LANGUAGES}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    items = _items(snapshot)
    east_asian = docx_east_asian_font()
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))
    section.top_margin = section.bottom_margin = Cm(1.8)
    _set_default_fonts(doc, east_asian)
    for style in doc.styles:
        if style.type in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER,
                          WD_STYLE_TYPE.TABLE):
            _set_fonts(style.element, east_asian)
    normal = doc.styles["Normal"]
    _set_fonts(normal.element, east_asian, "Calibri")
    normal.font.size = Pt(10.5)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        doc.styles[name].font.color.rgb = RGBColor(0x1A, 0x1A, 0x1A)
    name = _community_name(snapshot, community, lang)
    doc.core_properties.title = f"{name} · {_t(lang, 'title')}" if name else _t(lang, "title")
    doc.core_properties.language = "zh-CN" if lang == "zh" else "en"

    doc.add_heading(f"{name} · {_t(lang, 'title')}" if name else _t(lang, "title"), level=0)
    doc.add_paragraph(f'{_t(lang, "version", version=snapshot.get("version", "–"))} · '
                      + _t(lang, "published", date=_date(snapshot.get("published_at"), lang),
                           by=snapshot.get("published_by") or "–"))
    doc.add_paragraph(_t(lang, "intro"))
    counts = {d: sum(1 for i in items if i.get("decision") == d) for d in DECISIONS}
    doc.add_paragraph(" · ".join(f"{_decision(lang, d)} {counts[d]}" for d in DECISIONS))

    doc.add_heading(i18n.t(lang, "map.community_map"), level=1)
    doc.add_picture(io.BytesIO(map_png(snapshot, community, lang)), width=Cm(16.5))
    doc.add_paragraph(_t(lang, "map_note"))
    unlocated = [i for i in items if not located(i)]
    if unlocated:
        doc.add_paragraph(_t(lang, "unlocated", items=", ".join(
            f"{i.get('rank')}. {i.get('title')}" for i in unlocated)))

    doc.add_heading(_t(lang, "contents"), level=1)
    _table(doc, [_t(lang, "col.rank"), _t(lang, "col.title"), _t(lang, "field.decision"),
                 _t(lang, "field.status"), _t(lang, "field.progress")],
           [[str(i.get("rank")), i.get("title") or "", _decision(lang, i.get("decision")),
             _status(lang, i.get("status")),
             f"{_progress(i)}%" if i.get("decision") == "adopt" else ""] for i in items],
           [1.3, 9.4, 2.2, 2.4, 1.7])

    doc.add_heading(_t(lang, "items"), level=1)
    for item in items:
        doc.add_heading(f"{item.get('rank')}. {item.get('title') or ''}", level=2)
        place = _place(item, lang) or _t(lang, "no_place")
        doc.add_paragraph(f"{_t(lang, 'field.scenario')}：{_scenario(lang, item.get('scenario'))}"
                          f" · {_t(lang, 'field.place')}：{place}" if lang == "zh" else
                          f"{_t(lang, 'field.scenario')}: {_scenario(lang, item.get('scenario'))}"
                          f" · {_t(lang, 'field.place')}: {place}")
        if item.get("description"):
            doc.add_paragraph(item["description"])
        adopted = item.get("decision") == "adopt"
        rows = [(_t(lang, "field.decision"), _decision(lang, item.get("decision"))),
                (_t(lang, "field.reason"), item.get("reason") or "–")]
        for key, value in (("owner", _label(lang, "owner", item.get("owner"))),
                           ("budget_line", item.get("budget_line")),
                           ("target_date", _date(item.get("target_date"), lang)),
                           ("status", _status(lang, item.get("status")))):
            if value or adopted:  # a deferred or declined item shows what it has
                rows.append((_t(lang, f"field.{key}"), value or "–"))
        if adopted or _progress(item):
            rows.append((_t(lang, "field.progress"), f"{_progress(item)}%"))
        rows += _evidence_text(item, lang)
        table = doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, value in rows:
            cells = table.add_row().cells
            cells[0].text = ""
            cells[0].paragraphs[0].add_run(label).bold = True
            _shade(cells[0], "#F2F2F2")
            cells[1].text = str(value)
        _widths(table, [4.6, 12.4])
        if item.get("milestones"):
            doc.add_heading(_t(lang, "milestones"), level=3)
            for m in item["milestones"]:
                mark = "✓" if m.get("done") else "○"
                when = _date(m.get("date"), lang)
                line = doc.add_paragraph(f"{mark} {m.get('title') or ''}"
                                         + (f" · {when}" if when else ""))
                line.paragraph_format.left_indent = Cm(0.5)
                line.paragraph_format.space_after = Pt(2)
        if item.get("history"):
            doc.add_heading(_t(lang, "history"), level=3)
            _table(doc, [_t(lang, "col.date"), _t(lang, "field.status"),
                         _t(lang, "field.progress"), _t(lang, "col.note")],
                   [[_date(h.get("date"), lang), _status(lang, h.get("status")),
                     f"{h.get('progress') or 0}%", h.get("note") or ""]
                    for h in item["history"]], [3.8, 2.2, 1.6, 9.4])
        if item.get("proposals"):
            doc.add_heading(_t(lang, "proposals"), level=3)
            _table(doc, [_t(lang, "col.receipt"), _t(lang, "col.proposal"),
                         _t(lang, "col.supports"), _t(lang, "col.answer")],
                   [[p.get("receipt_code") or "", p.get("title") or "", str(p.get("supports")),
                     p.get("official_answer") or _t(lang, "no_answer")]
                    for p in item["proposals"]], [2.9, 5.8, 1.7, 6.6])
    doc.add_paragraph()
    doc.add_paragraph(_t(lang, "footer", version=snapshot.get("version", "–")))
    doc.save(str(path))
    return path
