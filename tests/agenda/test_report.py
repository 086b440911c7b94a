"""The agenda report: one self-contained HTML file (nothing to fetch, resident text escaped,
both languages), the same printed to PDF by Chromium, a DOCX with the East Asian font named,
and `workbench export-agenda` writing every format from the newest published version."""

import html
import json
import re
import subprocess
from html.parser import HTMLParser

import docx
import pytest
from docx.oxml.ns import qn

from agenda_samples import (AMPERSAND_TITLE, MARKUP_TITLE, RECEIPTS, TITLES,
                            sample_snapshot)
from workbench.agenda import presenter
from workbench.agenda.report import agenda_docx, agenda_html, agenda_pdf, map_svg


def owner_label(lang, code="residents_committee"):
    """The owner's label, shared with the resident page; never the bare code."""
    label = presenter.owner_label(lang, code)
    assert label and label != code.replace("_", " ")
    return label
from workbench.cli import main


@pytest.fixture
def snapshot(community):
    return sample_snapshot(community)


class Tags(HTMLParser):
    """Every tag with its attributes, and the text of style elements."""

    def __init__(self):
        super().__init__()
        self.tags, self.styles, self._in_style = [], [], False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


def test_html_is_self_contained_and_fetches_nothing(snapshot, community):
    page = agenda_html(snapshot, community, "zh")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in page
    parsed = Tags()
    parsed.feed(page)
    names = {tag for tag, _ in parsed.tags}
    assert not names & {"script", "link", "img", "iframe", "object", "embed", "base",
                        "image", "use", "video", "audio", "source", "form"}
    attributes = [(tag, name, value) for tag, attrs in parsed.tags
                  for name, value in attrs.items()]
    assert not [a for a in attributes if a[1] in ("src", "srcset", "xlink:href", "action")
                or a[1].startswith("on")]
    # links lead to items of the page; the one absolute address is the SVG namespace
    assert {v for _, n, v in attributes if n == "href"} <= {f"#item-{i}" for i in TITLES}
    assert {v for _, n, v in attributes if "http" in (v or "")} == \
        {"http://www.w3.org/2000/svg"}
    assert len(parsed.styles) == 1 and "url(" not in parsed.styles[0]
    assert "@import" not in parsed.styles[0]
    assert not any("url(" in (v or "") for _, n, v in attributes if n == "style")
    assert "default-src 'none'" in page  # and the browser refuses any fetch anyway
    assert "@media print" in page and "size: A4" in page


def test_resident_text_is_escaped(snapshot, community):
    page = agenda_html(snapshot, community, "en")
    assert MARKUP_TITLE not in page and "<img" not in page and "<b>使用" not in page
    assert html.escape(MARKUP_TITLE) in page
    assert html.escape(AMPERSAND_TITLE) in page  # &amp; and &quot;
    assert "&lt;script&gt;alert(&#x27;d&#x27;)&lt;/script&gt;" in page


def test_html_holds_items_in_rank_order_with_decision_progress_evidence_and_receipts(
        snapshot, community):
    page = agenda_html(snapshot, community, "zh")
    assert "测试社区" in page and "社区公共议程" in page and "第 3 版" in page
    assert "2026年11月27日" in page
    positions = [page.index(f'id="item-{i}"') for i in (12, 7, 9, 15)]
    assert positions == sorted(positions)
    first = page[positions[0]:positions[1]]
    for text in ("采纳", "进行中", "width:40%", owner_label("zh"), "2027 社区微更新", "2027年6月30日",
                 "方案设计与居民意见征询", "议事会通过", "遮阳", "420", "910", "62%", "2.8 / 5",
                 "已采纳，计划 2027 年 6 月前完工。", "尚未答复"):
        assert text in first, text
    assert 'class="chart stance"' in first and 'class="chart satisfaction"' in first
    for code in RECEIPTS:
        assert page.count(code) == 2  # in its item's table and in the receipt index
    assert "暂缓" in page[positions[1]:positions[2]]
    assert "不采纳" in page[positions[2]:positions[3]]
    assert "未标注位置" in page[positions[3]:]


def test_english_labels_keep_the_texts_as_written(snapshot, community):
    page = agenda_html(snapshot, community, "en")
    assert '<html lang="en">' in page and "Community public agenda" in page
    for label in ("Version 3", "Adopted", "Deferred", "Declined", "In progress",
                  html.escape(owner_label("en")), html.escape(owner_label("en", "steward")),
                  "Receipt code", "Official answer", "30 Jun 2027"):
        assert label in page, label
    assert "社区公共议程" not in page and TITLES[12] in page
    with pytest.raises(ValueError):
        agenda_html(snapshot, community, "fr")


def test_map_has_the_community_layers_and_one_marker_per_located_item(snapshot, community):
    svg = map_svg(snapshot, community)
    markers = re.findall(r'<a class="marker" href="#item-(\d+)" data-item="\d+">.*?'
                         r'<text[^>]*>(\d+)</text></a>', svg)
    assert markers == [("12", "1"), ("7", "2"), ("9", "3")]  # item 15 has no place
    layers = community.layers
    assert svg.count('class="space"') == len(layers["public_spaces"]["features"])
    assert svg.count("<path") >= sum(len(layers[n]["features"]) for n in
                                     ("boundary", "buildings", "roads"))
    assert "100 m" in svg or "50 m" in svg  # a scale bar


@pytest.mark.browser
def test_pdf_prints_chinese_text(tmp_path, snapshot, community):
    pdf = agenda_pdf(snapshot, community, tmp_path / "out" / "agenda.pdf", "zh")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = re.sub(r"\s+", "", text)
    for expected in ("社区公共议程", "测试社区", TITLES[12], TITLES[15], RECEIPTS[0],
                     "官方答复"):
        assert expected in flat, expected
    assert re.sub(r"\s+", "", MARKUP_TITLE) in flat
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    assert re.search(r"Page size:.*\(A4\)", info)


def _run_fonts(document):
    """Every w:rFonts of the styles part and the document defaults."""
    return document.styles.element.iter(qn("w:rFonts"))


def test_docx_has_headings_tables_the_map_and_the_east_asian_font(tmp_path, snapshot,
                                                                  community):
    path = agenda_docx(snapshot, community, tmp_path / "agenda.docx", "zh")
    document = docx.Document(str(path))
    paragraphs = [p.text for p in document.paragraphs]
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading",
                                                                                "Title"))]
    assert headings[0] == "测试社区 · 社区公共议程"
    for rank, item_id in enumerate((12, 7, 9, 15), start=1):
        assert f"{rank}. {TITLES[item_id]}" in headings
    assert any("第 3 版" in p for p in paragraphs)
    assert len(document.inline_shapes) == 1  # the map
    blip = document.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip
    assert document.part.related_parts[blip.embed].content_type == "image/png"
    cells = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    flat = [text for row in cells for text in row]
    for text in ("采纳", "暂缓", "不采纳", "进行中", "40%", owner_label("zh"), "2027年6月30日",
                 RECEIPTS[0], "已采纳，计划 2027 年 6 月前完工。", MARKUP_TITLE, AMPERSAND_TITLE):
        assert any(text in cell for cell in flat), text
    assert ["理由", snapshot["items"][0]["reason"]] in cells
    # Chinese renders in Word and LibreOffice: the East Asian font is named everywhere
    defaults = document.styles.element.find(
        f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    assert defaults.get(qn("w:eastAsia"))
    normal = document.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == defaults.get(qn("w:eastAsia"))
    heading = document.styles["Heading 1"].element.rPr.rFonts
    assert heading.get(qn("w:eastAsia")) and heading.get(qn("w:eastAsiaTheme")) is None


def test_docx_in_english(tmp_path, snapshot, community):
    document = docx.Document(str(agenda_docx(snapshot, community, tmp_path / "a.docx", "en")))
    assert document.paragraphs[0].text == "Test Community · Community public agenda"
    flat = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "Adopted" in flat and owner_label("en") in flat



@pytest.mark.parametrize("lang", ["zh", "en"])
def test_html_and_docx_tell_each_item_with_the_same_facts(tmp_path, snapshot, community, lang):
    """One presenter: every fact of every item, under the same label, in both formats."""
    page = html.unescape(agenda_html(snapshot, community, lang))
    document = docx.Document(str(agenda_docx(snapshot, community, tmp_path / "a.docx", lang)))
    rows = {(row.cells[0].text, row.cells[1].text.split("\n")[0])
            for t in document.tables for row in t.rows if len(row.cells) == 2}
    for item in snapshot["items"]:
        start = page.index(f'id="item-{item["id"]}"')
        section = page[start:page.find('<section class="item"', start)]
        for fact in presenter.item_facts(item, lang) + presenter.evidence_facts(item, lang):
            assert (fact.label, fact.text) in rows, fact
            assert fact.label in section, fact

# -- the command ---------------------------------------------------------------------------
@pytest.fixture
def demo_snapshot():
    from workbench import settings
    from workbench.layers.community import load_community

    demo = load_community(settings.get("layers_dir"))  # layers/demo in the tests
    snapshot = sample_snapshot(demo)
    assert snapshot["items"][0]["public_space_id"] == "PS01"
    assert (snapshot["items"][0]["lon"], snapshot["items"][0]["lat"]) == pytest.approx(
        demo.public_space_location("PS01"))
    return snapshot


def test_export_without_a_published_version_says_so(tmp_path, capsys):
    assert main(["export-agenda", "--format", "html", str(tmp_path / "a.html")]) == 1
    assert capsys.readouterr().err.strip() == \
        "error: no published agenda yet (publish one in the agenda notebook)"
    assert not (tmp_path / "a.html").exists()


def _publish(snapshot) -> int:
    from workbench.demo import init
    from workbench.store import Store

    init()
    store = Store()
    try:
        return store.publish_agenda("heguang", snapshot, "test")
    finally:
        store.dispose()


@pytest.mark.parametrize("fmt, name", [
    ("html", "agenda.html"), ("docx", "agenda.docx"), ("csv", "open"),
    ("geojson", "agenda.geojson"),
    pytest.param("pdf", "agenda.pdf", marks=pytest.mark.browser),
])
def test_export_writes_each_format(tmp_path, capsys, demo_snapshot, fmt, name):
    assert _publish(demo_snapshot) == 1
    out = tmp_path / name
    assert main(["export-agenda", "--format", fmt, str(out)]) == 0
    assert "agenda version 1 written" in capsys.readouterr().out
    if fmt == "csv":
        assert sorted(p.name for p in out.iterdir()) == ["agenda_items.csv", "proposals.csv",
                                                         "updates.csv"]
    elif fmt == "geojson":
        assert len(json.loads(out.read_text(encoding="utf-8"))["features"]) == 3
    elif fmt == "html":
        page = out.read_text(encoding="utf-8")
        assert "和光未来社区" in page and "第 1 版" in page  # the store numbered it
    else:
        assert out.stat().st_size > 10_000


def test_export_picks_the_version_and_language(tmp_path, capsys, demo_snapshot):
    _publish(demo_snapshot)
    second = dict(demo_snapshot, items=demo_snapshot["items"][:1])
    assert _publish(second) == 2
    out = tmp_path / "v1.html"
    assert main(["export-agenda", "--format", "html", "--version", "1", "--lang", "en",
                 str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "Version 1" in page and page.count('class="item"') == 4
    assert main(["export-agenda", "--format", "html", str(tmp_path / "new.html")]) == 0
    assert (tmp_path / "new.html").read_text(encoding="utf-8").count('class="item"') == 1
    assert main(["export-agenda", "--format", "html", "--version", "9",
                 str(tmp_path / "x.html")]) == 1
    assert "no published agenda version 9" in capsys.readouterr().err
