"""Downloads and tables in the agenda builder: a published version as the report (HTML, PDF,
Word) and as open data (CSV in a zip, GeoJSON), the same files ``workbench export-agenda``
writes; and the ranking and evidence as tables that follow the builder (with their CSV).

A download is a link holding its file (:func:`workbench.page.download.download_html`: a
``data:`` URL with the ``download`` attribute) in an HTML widget: it works alike in JupyterLab
and in Voilà, with nothing on the server to serve it. A file too large for a link says so
(and names the command that writes it). The PDF is printed by headless Chromium, so it is
made when asked for.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path

import ipywidgets as w
import pandas as pd

from workbench import i18n
from workbench.agenda import open_data, report
from workbench.agenda.builder_html import Panel
from workbench.cells import neutralise
from workbench.escaping import esc
from workbench.page.download import FileTooLarge, download_html

#: rows of the tables drawn in the widget (their CSV holds every row)
TABLE_ROWS = 30
TYPES = {"html": "text/html", "pdf": "application/pdf", "zip": "application/zip",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "geojson": "application/geo+json", "csv": "text/csv"}


def download_link(data: bytes, filename: str, label: str, lang: str) -> str:
    """A link that saves ``data`` as ``filename`` (its type from the suffix), or, when the
    file is too large for a link, a line saying so."""
    kind = TYPES.get(filename.rsplit(".", 1)[-1], "application/octet-stream")
    try:
        return download_html(data, filename, label, kind)
    except FileTooLarge:
        return (f"<span class='wb-hint'>"
                f"{esc(i18n.t(lang, 'planner.agenda.too_large', file=filename))}</span>")


def version_files(snapshot: dict, community, lang: str, pdf: bool = False
                  ) -> dict[str, tuple[str, bytes]]:
    """A version's files by format: (file name, bytes). ``pdf`` adds the PDF."""
    number = snapshot.get("version")
    stem = f"agenda-v{number}"
    out = {"html": (f"{stem}.html", report.agenda_html(snapshot, community, lang)
                    .encode("utf-8"))}
    with tempfile.TemporaryDirectory(prefix="agenda-export-") as tmp:
        folder = Path(tmp)
        out["docx"] = (f"{stem}.docx",
                       report.agenda_docx(snapshot, community, folder / "a.docx", lang)
                       .read_bytes())
        if pdf:
            out["pdf"] = (f"{stem}.pdf", report.agenda_pdf(snapshot, community,
                                                           folder / "a.pdf", lang).read_bytes())
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in open_data.agenda_csv(snapshot, folder / "csv"):
                archive.write(path, path.name)
        out["zip"] = (f"{stem}-csv.zip", buffer.getvalue())
    out["geojson"] = (f"{stem}.geojson", (json.dumps(
        open_data.agenda_feature_collection(snapshot), ensure_ascii=False, indent=1) + "\n")
        .encode("utf-8"))
    return out


class ExportsPanel(Panel):
    """Downloads of a published version."""

    def __init__(self, builder):
        super().__init__(builder)
        t, safe = self.html.t, builder.safe
        self.version_input = w.Dropdown(description=t("planner.agenda.col_version"),
                                        layout=w.Layout(width="220px"))
        self.version_input.observe(safe(lambda _c: self.show_links()), names="value")
        self.pdf_button = w.Button(description=t("planner.agenda.make_pdf"),
                                   icon="file-pdf-o", layout=w.Layout(width="auto"))
        self.pdf_button.on_click(safe(lambda _b: self.show_links(pdf=True)))
        self.links_html = w.HTML()
        self.box = w.VBox([
            w.HTML(self.html.heading("planner.agenda.downloads",
                                     "planner.agenda.downloads_explain", level=3)),
            w.HBox([self.version_input, self.pdf_button]), self.links_html])
        self._files: dict = {}

    def show_versions(self, versions: list[dict]) -> None:
        """The versions to choose from, the newest chosen."""
        options = [(f"v{int(v['number'])}", int(v["number"])) for v in reversed(versions)]
        if options == list(self.version_input.options):
            return
        self.version_input.options = options
        self.version_input.value = options[0][1] if options else None
        self.pdf_button.layout.display = None if options else "none"
        self.show_links()

    def show_links(self, pdf: bool = False) -> dict[str, tuple[str, bytes]]:
        """The chosen version's download links (with the PDF when ``pdf``); its files."""
        builder, t = self.builder, self.html.t
        number = self.version_input.value
        if number is None:
            self.links_html.value = (f"<p class='wb-hint'>"
                                     f"{esc(t('planner.agenda.no_versions'))}</p>")
            return {}
        files = self._files.get((number, pdf))
        if files is None:
            snapshot = builder.store.agenda_version(builder.community_id, number)
            files = version_files(snapshot, builder.community, builder.lang, pdf)
            self._files[(number, pdf)] = files
        self.links_html.value = "<div class='wb-downloads'>" + " ".join(
            download_link(data, name, t(f"planner.agenda.download.{kind}", file=name),
                          builder.lang)
            for kind, (name, data) in files.items()) + "</div>"
        return files


class TablesPanel(Panel):
    """The ranking and the evidence as tables (their first rows), and their CSV."""

    def __init__(self, builder):
        super().__init__(builder)
        self.ranking_html = w.HTML()
        self.evidence_html = w.HTML()
        self.box = w.Accordion(children=[self.ranking_html, self.evidence_html],
                               selected_index=None)
        self.box.set_title(0, self.html.t("planner.agenda.table_ranking"))
        self.box.set_title(1, self.html.t("planner.agenda.table_evidence"))
        self.box.observe(builder.safe(lambda _c: self.draw()), names="selected_index")

    def draw(self) -> None:
        """Draw the open table (a closed one is drawn when it is opened)."""
        builder = self.builder
        if self.box.selected_index == 0:
            self.ranking_html.value = self._table(builder.ranked, "agenda-ranking.csv")
        elif self.box.selected_index == 1:
            self.evidence_html.value = self._table(builder.evidence, "agenda-evidence.csv")

    def _table(self, frame: pd.DataFrame, filename: str) -> str:
        t = self.html.t
        if not len(frame):
            return f"<p class='wb-hint'>{esc(t('planner.agenda.empty'))}</p>"
        titles = {i: item["title"] for i, item in self.builder.items.items()}
        frame = frame.copy()
        frame.insert(1, "title", frame["item_id"].map(titles))
        # a title a spreadsheet would run as a formula stays text
        csv = frame.assign(title=frame["title"].map(lambda v: neutralise(v or ""))) \
            .to_csv(index=False).encode("utf-8-sig")
        shown = frame.head(TABLE_ROWS).round(3)
        note = t("planner.agenda.list_count", shown=len(shown), total=len(frame))
        link = download_link(csv, filename, t("planner.agenda.download.csv", file=filename),
                             self.builder.lang)
        return (f"<div class='wb-table-scroll'>"
                f"{shown.to_html(index=False, escape=True, classes='wb-table', border=0)}"
                f"</div><p class='wb-small'>{esc(note)} · "
                f"{link}"
                "</p>")
