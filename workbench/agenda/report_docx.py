"""The agenda report as a Word document (DOCX) for the committee's own papers: headings, the
map as a picture, a summary table, and a table per item with the same facts, in the same
words, as the HTML report (:mod:`.presenter`). The East Asian font is named on every style,
so Chinese renders in Word and LibreOffice alike."""

from __future__ import annotations

import io
from pathlib import Path

from workbench import i18n, vocabulary
from workbench.layers.sources import attribution_text
from workbench.agenda import presenter as show
from workbench.agenda.report_parts import (check_language, decision_counts, document_title,
                                           map_png, published_line, text, unlocated_line,
                                           version_line)

#: East Asian font of the DOCX when the machine has none of charts.CJK_FONTS (Word on
#: Chinese Windows has it; LibreOffice substitutes its own CJK font).
DOCX_FALLBACK_FONT = "SimSun"
_THEME_FONTS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def docx_east_asian_font() -> str:
    """The East Asian font named in the DOCX: the machine's CJK font, else SimSun."""
    from workbench.surveys.charts import cjk_fonts

    found = cjk_fonts()
    return found[0] if found else DOCX_FALLBACK_FONT


# -- fonts and tables ---------------------------------------------------------------------------
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
    for cell, heading in zip(table.rows[0].cells, header):
        cell.text = ""
        run = cell.paragraphs[0].add_run(heading)
        run.bold = True
        _shade(cell, "#EEEEEE")
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values):
            cell.text = "" if value is None else str(value)
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


def _styled_document(east_asian: str):
    """An A4 document whose every style names the East Asian font."""
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Cm, Pt, RGBColor

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
    return doc


# -- an item ------------------------------------------------------------------------------------
def _fact_rows(item: dict, lang: str, unknown: dict | None = None
               ) -> list[tuple[str, list[str]]]:
    """(label, lines) of the item's table: its decision, the decision's fields, its evidence
    (a fact's notes on lines of their own; ``unknown``: why score parts were left out)."""
    rows = [(show.field_label(lang, "decision"), [show.decision_label(lang, item.get("decision"))])]
    rows += [(f.label, [f.text]) for f in show.item_facts(item, lang)]
    for fact in show.evidence_facts(item, lang, unknown=unknown):
        notes = [f"{note} ({aside})" if aside else note for note, aside in fact.notes]
        rows.append((fact.label, [fact.text, *notes]))
    return rows


def _item_section(doc, item: dict, lang: str, unknown: dict | None = None) -> None:
    from docx.shared import Cm, Pt

    doc.add_heading(f"{item.get('rank')}. {item.get('title') or ''}", level=2)
    colon = "：" if lang == "zh" else ": "
    place = show.place_name(item, lang) or text(lang, "no_place")
    doc.add_paragraph(f"{show.field_label(lang, 'scenario')}{colon}"
                      f"{vocabulary.scenario_label(item.get('scenario'), lang)} · "
                      f"{show.field_label(lang, 'place')}{colon}{place}")
    if item.get("description"):
        doc.add_paragraph(item["description"])
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, lines in _fact_rows(item, lang, unknown):
        cells = table.add_row().cells
        cells[0].text = ""
        cells[0].paragraphs[0].add_run(label).bold = True
        _shade(cells[0], "#F2F2F2")
        cells[1].text = lines[0]
        for line in lines[1:]:
            cells[1].add_paragraph(line)
    _widths(table, [4.6, 12.4])
    milestones = show.milestone_lines(item, lang)
    if milestones:
        doc.add_heading(text(lang, "milestones"), level=3)
        for done, title, when in milestones:
            line = doc.add_paragraph(f"{'✓' if done else '○'} {title}"
                                     + (f" · {when}" if when else ""))
            line.paragraph_format.left_indent = Cm(0.5)
            line.paragraph_format.space_after = Pt(2)
    history = show.history_lines(item, lang)
    if history:
        doc.add_heading(text(lang, "history"), level=3)
        _table(doc, [text(lang, "col.date"), show.field_label(lang, "status"),
                     show.field_label(lang, "progress"), text(lang, "col.note")],
               [list(h) for h in history], [3.8, 2.2, 1.6, 9.4])
    if item.get("proposals"):
        doc.add_heading(text(lang, "proposals"), level=3)
        _table(doc, [text(lang, "col.receipt"), text(lang, "col.proposal"),
                     text(lang, "col.supports"), text(lang, "col.answer")],
               [[p.get("receipt_code") or "", p.get("title") or "", str(p.get("supports")),
                 p.get("official_answer") or text(lang, "no_answer")]
                for p in item["proposals"]], [2.9, 5.8, 1.7, 6.6])


# -- the document -------------------------------------------------------------------------------
def agenda_docx(snapshot: dict, community, path, lang: str = "zh") -> Path:
    """The agenda as a Word document: headings, the map as a picture, a summary table, a
    table per item (decision, its fields, evidence), its milestones, history and proposals."""
    from docx.shared import Cm

    check_language(lang)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    items = show.ranked_items(snapshot)
    doc = _styled_document(docx_east_asian_font())
    title = document_title(snapshot, community, lang)
    doc.core_properties.title = title
    doc.core_properties.language = "zh-CN" if lang == "zh" else "en"

    doc.add_heading(title, level=0)
    doc.add_paragraph(f"{version_line(snapshot, lang)} · {published_line(snapshot, lang)}")
    doc.add_paragraph(text(lang, "intro"))
    homes = show.homes_note(snapshot.get("homes"), lang)
    if homes:
        doc.add_paragraph(homes)
    doc.add_paragraph(" · ".join(f"{label} {n}" for _, label, n in decision_counts(items, lang)))

    doc.add_heading(i18n.t(lang, "map.community_map"), level=1)
    doc.add_picture(io.BytesIO(map_png(snapshot, community, lang)), width=Cm(16.5))
    doc.add_paragraph(text(lang, "map_note"))
    unlocated = unlocated_line(items, lang)
    if unlocated:
        doc.add_paragraph(unlocated)

    doc.add_heading(text(lang, "contents"), level=1)
    _table(doc, [text(lang, "col.rank"), text(lang, "col.title"),
                 show.field_label(lang, "decision"), show.field_label(lang, "status"),
                 show.field_label(lang, "progress")],
           [[str(i.get("rank")), i.get("title") or "", show.decision_label(lang, i.get("decision")),
             show.status_label(lang, show.item_status(i)),
             f"{show.progress_of(i)}%" if i.get("decision") == "adopt" else ""] for i in items],
           [1.3, 9.4, 2.2, 2.4, 1.7])

    doc.add_heading(text(lang, "items"), level=1)
    for item in items:
        _item_section(doc, item, lang, snapshot.get("score_unknown"))
    doc.add_paragraph()
    doc.add_paragraph(text(lang, "footer", version=snapshot.get("version", "–")))
    # the map's layers may carry a licence that asks for credit (OpenStreetMap's ODbL)
    credit = attribution_text(getattr(community, "folder", None))
    if credit:
        doc.add_paragraph(credit)
    doc.save(str(path))
    return path
