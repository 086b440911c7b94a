"""The agenda report as ONE self-contained HTML file (opens offline, from a USB stick), and the
same printed to PDF by headless Chromium.

Nothing is fetched: no scripts, no web fonts, the styles (``report.css`` beside this module)
inlined, the map and the small charts drawn as inline SVG. Every text of the snapshot is
escaped here; what each item shows, and how, comes from :mod:`.presenter`.
"""

from __future__ import annotations

from pathlib import Path

from workbench import i18n, vocabulary
from workbench.assets import stylesheet
from workbench.agenda import presenter as show
from workbench.agenda.report_parts import (DECISION_COLOURS, DECISIONS, OTHER_COLOUR,
                                           check_language, community_name, decision_counts,
                                           document_title, map_svg, published_line, text,
                                           unlocated_line, version_line)
from workbench.geo.drawing import MAP_STYLE
from workbench.escaping import esc
from workbench.layers.sources import attribution_text

STANCE_COLOURS = {"for": "#4caf50", "neutral": "#bdbdbd", "against": "#e53935"}
#: Satisfaction 1-5, very dissatisfied to very satisfied (the survey charts' colours).
LIKERT_COLOURS = ("#ca0020", "#f4a582", "#d9d9d9", "#92c5de", "#0571b0")
#: evidence shown as a figure (a big number over its label); the rest as a chart
FIGURES = ("supporters", "proposals", "score", "households_300", "households_500",
           "underserved_households", "workshop_dots")
BAR_COLOURS = {"needs": "#0571b0", "score_parts": "#90a4ae"}


def report_css() -> str:
    """The report's styles, read from the package (inlined: the report fetches nothing)."""
    return stylesheet("workbench.agenda", "report.css")


def _scenario_colour(code) -> str:
    for s in vocabulary.scenarios():
        if s["code"] == code:
            return s["color"]
    return "#777777"


# -- small charts (inline SVG) ----------------------------------------------------------------
def _stance_svg(fact: show.Fact, lang: str, width: int = 240) -> str:
    counts = fact.value
    total = sum(counts.values())
    x, bars = 0.0, []
    for key in show.STANCES:
        w = width * counts[key] / total
        if w:
            bars.append(f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="12" '
                        f'fill="{STANCE_COLOURS[key]}"/>')
        x += w
    legend = " · ".join(f'<span class="sw" style="background:{STANCE_COLOURS[k]}"></span>'
                        f'{esc(show.evidence_label(lang, k))} {counts[k]}'
                        for k in show.STANCES)
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


# -- an item ------------------------------------------------------------------------------------
def _facts(rows: list[tuple[str, str]]) -> str:
    """A definition list; the values are HTML already."""
    return ('<dl class="facts">' + "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in rows)
            + "</dl>")


def _progress_html(percent: int) -> str:
    return (f'<div class="progress"><div class="track"><div class="fill" '
            f'style="width:{percent}%"></div></div><b>{percent}%</b></div>')


def _badge(lang: str, decision) -> str:
    colour = DECISION_COLOURS.get(decision, OTHER_COLOUR)
    return (f'<span class="badge" style="background:{colour}">'
            f'{esc(show.decision_label(lang, decision))}</span>')


def _item_facts(item: dict, lang: str) -> str:
    rows = []
    for fact in show.item_facts(item, lang):
        if fact.key == "progress":
            value = _progress_html(fact.value)
        elif fact.key == "status":
            value = f'<span class="status">{esc(fact.text)}</span>'
        else:
            value = esc(fact.text)
        rows.append((fact.label, value))
    return _facts(rows)


def _milestones(item: dict, lang: str) -> str:
    lines = []
    for done, title, when in show.milestone_lines(item, lang):
        mark = (f'<span class="mark done" title="{esc(text(lang, "done"))}">✓</span>' if done
                else '<span class="mark todo">○</span>')
        lines.append(f"<li>{mark}{esc(title)}"
                     + (f' <span class="when">· {esc(when)}</span>' if when else "")
                     + (f' <span class="when">({esc(text(lang, "done"))})</span>' if done
                        else "") + "</li>")
    if not lines:
        return ""
    return f'<h4>{esc(text(lang, "milestones"))}</h4><ul class="milestones">{"".join(lines)}</ul>'


def _history(item: dict, lang: str) -> str:
    rows = "".join(
        f'<tr><td class="status">{esc(when)}</td><td class="status">{esc(status)}</td>'
        f'<td class="n">{esc(progress)}</td><td>{esc(note)}</td></tr>'
        for when, status, progress, note in show.history_lines(item, lang))
    if not rows:
        return ""
    return (f'<h4>{esc(text(lang, "history"))}</h4><table class="history"><thead><tr>'
            f'<th>{esc(text(lang, "col.date"))}</th><th>{esc(show.field_label(lang, "status"))}'
            f'</th><th class="n">{esc(show.field_label(lang, "progress"))}</th>'
            f'<th>{esc(text(lang, "col.note"))}</th></tr></thead><tbody>{rows}</tbody></table>')


def _chart(fact: show.Fact, lang: str) -> str:
    """An evidence fact other than a figure: its chart and its value, or why it has none."""
    if fact.missing:
        return f'<p class="nodata">{esc(fact.text)}</p>'
    if fact.key == "comments":
        return _stance_svg(fact, lang)
    if fact.key == "consensus":
        out = (f'<div class="progress">{_meter_svg(fact.value, "#6a1b9a", 200)}'
               f'<b>{esc(fact.text)}</b></div>')
        if fact.notes:
            out += '<ul class="statements">' + "".join(
                f'<li>{esc(note)} <span class="legend">({esc(aside)})</span></li>'
                for note, aside in fact.notes) + "</ul>"
        return out
    if fact.key == "satisfaction":
        return (f'<div class="progress">{_satisfaction_svg(fact.value, 200)}'
                f'<b>{esc(fact.text)}</b></div>')
    if fact.key in BAR_COLOURS:
        return _bar_rows(fact.value, BAR_COLOURS[fact.key]) + "".join(
            f'<p class="note">{esc(note)}</p>' for note, _ in fact.notes)
    return f"<p>{esc(fact.text)}</p>"


def _evidence(item: dict, lang: str, unknown: dict | None = None) -> str:
    facts = show.evidence_facts(item, lang, unknown=unknown)
    figures = [f for f in facts if f.key in FIGURES]
    out = [f'<h4>{esc(show.evidence_label(lang, "heading"))}</h4><div class="figures">']
    out += [f'<div class="figure"><b>{esc(f.text)}</b><span>{esc(f.label)}</span></div>'
            for f in figures]
    out.append("</div>")
    out += [f'<p class="note">{esc(note)}</p>' for f in figures for note, _ in f.notes]
    out += [f"<h4>{esc(f.label)}</h4>{_chart(f, lang)}" for f in facts if f.key not in FIGURES]
    return '<aside class="evidence">' + "".join(out) + "</aside>"


def _proposals(item: dict, lang: str) -> str:
    proposals = item.get("proposals") or []
    if not proposals:
        return ""
    rows = "".join(
        f'<tr><td class="code">{esc(p.get("receipt_code"))}</td><td>{esc(p.get("title"))}</td>'
        f'<td class="n">{esc(p.get("supports"))}</td><td>'
        + (esc(p["official_answer"]) if p.get("official_answer")
           else f'<span class="answer-none">{esc(text(lang, "no_answer"))}</span>')
        + "</td></tr>" for p in proposals)
    return (f'<h4>{esc(text(lang, "proposals"))}</h4><table class="proposals"><thead><tr>'
            f'<th>{esc(text(lang, "col.receipt"))}</th><th>{esc(text(lang, "col.proposal"))}</th>'
            f'<th class="n">{esc(text(lang, "col.supports"))}</th>'
            f'<th>{esc(text(lang, "col.answer"))}</th></tr></thead><tbody>{rows}</tbody></table>')


def _item_html(item: dict, lang: str, unknown: dict | None = None) -> str:
    """An item in full; ``unknown``: why score parts were left out (the snapshot's)."""
    decision = item.get("decision")
    colour = DECISION_COLOURS.get(decision, OTHER_COLOUR)
    sub = [f'<span class="sw dot" style="background:{_scenario_colour(item.get("scenario"))}">'
           f'</span>{esc(vocabulary.scenario_label(item.get("scenario"), lang))}',
           esc(show.place_name(item, lang) or text(lang, "no_place"))]
    description = (f'<p class="desc">{esc(item.get("description"))}</p>'
                   if item.get("description") else "")
    return (
        f'<section class="item" id="item-{esc(item.get("id"))}" data-item="{esc(item.get("id"))}" '
        f'style="border-left-color:{colour}">'
        f'<header><span class="num" style="background:{colour}">{esc(item.get("rank"))}</span>'
        f'<div class="head-text"><h3 class="title">{esc(item.get("title"))}</h3>'
        f'<div class="sub">{_badge(lang, decision)} · {" · ".join(sub)}</div></div></header>'
        f'{description}<div class="cols"><div>{_item_facts(item, lang)}'
        f'{_milestones(item, lang)}{_history(item, lang)}</div>{_evidence(item, lang, unknown)}</div>'
        f'{_proposals(item, lang)}</section>')


# -- the document -------------------------------------------------------------------------------
def _summary_table(items: list[dict], lang: str) -> str:
    rows = []
    for item in items:
        progress = (f'{show.progress_of(item)}%' if item.get("decision") == "adopt" else "")
        rows.append(
            f'<tr><td class="n">{esc(item.get("rank"))}</td><td><a href="#item-'
            f'{esc(item.get("id"))}">{esc(item.get("title"))}</a></td>'
            f'<td>{_badge(lang, item.get("decision"))}</td><td class="status">'
            f'{esc(show.status_label(lang, show.item_status(item)))}</td>'
            f'<td class="n">{progress}</td></tr>')
    return (f'<table class="summary"><thead><tr><th class="n">{esc(text(lang, "col.rank"))}</th>'
            f'<th>{esc(text(lang, "col.title"))}</th>'
            f'<th>{esc(show.field_label(lang, "decision"))}</th>'
            f'<th>{esc(show.field_label(lang, "status"))}</th>'
            f'<th class="n">{esc(show.field_label(lang, "progress"))}</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _map_legend(lang: str) -> str:
    swatches = [
        f'<span><span class="sw" style="background:{MAP_STYLE["boundary"]["fill"]};'
        f'border-color:#333"></span>{esc(text(lang, "legend.boundary"))}</span>',
        f'<span><span class="sw" style="background:{MAP_STYLE["public_spaces"]["fill"]}">'
        f'</span>{esc(text(lang, "legend.public_space"))}</span>',
        f'<span><span class="sw" style="background:{MAP_STYLE["buildings"]["fill"]}"></span>'
        f'{esc(text(lang, "legend.building"))}</span>',
        f'<span><span class="sw line" style="background:{MAP_STYLE["roads"]["stroke"]}">'
        f'</span>{esc(text(lang, "legend.road"))}</span>']
    swatches += [f'<span><span class="sw dot" style="background:{DECISION_COLOURS[d]}"></span>'
                 f'{esc(show.decision_label(lang, d))}</span>' for d in DECISIONS]
    return f'<div class="map-legend">{"".join(swatches)}</div>'


def _receipt_index(items: list[dict], lang: str) -> str:
    pairs = sorted((p.get("receipt_code") or "", item.get("rank"), item.get("id"))
                   for item in items for p in item.get("proposals") or []
                   if p.get("receipt_code"))
    if not pairs:
        return ""
    entries = "".join(
        f'<div><span class="code">{esc(code)}</span>&ensp;→&ensp;<a href="#item-{esc(item_id)}">'
        f'{esc(text(lang, "item_no", rank=rank))}</a></div>' for code, rank, item_id in pairs)
    return (f'<section class="receipt-index"><h2>{esc(text(lang, "receipts"))}</h2>'
            f'<p class="intro">{esc(text(lang, "receipts_intro"))}</p>'
            f'<div class="receipts">{entries}</div></section>')


def agenda_html(snapshot: dict, community, lang: str = "zh") -> str:
    """The published agenda version as ONE self-contained HTML document: nothing is fetched
    (no scripts at all, styles inline, the map drawn as SVG from the community's layers)."""
    check_language(lang)
    items = show.ranked_items(snapshot)
    version = version_line(snapshot, lang)
    count_list = "".join(f'<li style="background:{DECISION_COLOURS[d]}">{esc(label)} {n}</li>'
                         for d, label, n in decision_counts(items, lang))
    unlocated = unlocated_line(items, lang)
    homes = show.homes_note(snapshot.get("homes"), lang)
    # the map's layers may carry a licence that asks for credit (OpenStreetMap's ODbL)
    credit = attribution_text(getattr(community, "folder", None))
    body = (
        f'<header class="doc-head"><div class="community">'
        f'{esc(community_name(snapshot, community, lang))}</div>'
        f'<h1>{esc(text(lang, "title"))}</h1>'
        f'<div class="meta">{esc(version)} · {esc(published_line(snapshot, lang))}</div>'
        f'</header><p class="intro">{esc(text(lang, "intro"))}</p>'
        + (f'<p class="intro homes">{esc(homes)}</p>' if homes else "") +
        f'<ul class="counts">{count_list}</ul>'
        f'<section class="map-section"><h2>{esc(i18n.t(lang, "map.community_map"))}</h2>'
        f'<div class="map-wrap">{map_svg(snapshot, community, lang)}{_map_legend(lang)}'
        f'<p class="unlocated">{esc(text(lang, "map_note"))}</p>'
        + (f'<p class="unlocated">{esc(unlocated)}</p>' if unlocated else "")
        + f'</div><h2>{esc(text(lang, "contents"))}</h2>{_summary_table(items, lang)}</section>'
        f'<h2>{esc(text(lang, "items"))}</h2>'
        + "".join(_item_html(item, lang, snapshot.get("score_unknown")) for item in items)
        + _receipt_index(items, lang)
        + f'<footer>{esc(text(lang, "footer", version=snapshot.get("version", "–")))}'
        + (f'<br>{esc(credit)}' if credit else "") + '</footer>')
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (f'<!DOCTYPE html><html lang="{html_lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            f'style-src \'unsafe-inline\'; img-src data:">'
            f'<title>{esc(document_title(snapshot, community, lang))} · {esc(version)}</title>'
            f'<style>{report_css()}</style></head><body>{body}</body></html>')


def write_agenda_html(snapshot: dict, community, path, lang: str = "zh") -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(agenda_html(snapshot, community, lang), encoding="utf-8")
    return path


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
