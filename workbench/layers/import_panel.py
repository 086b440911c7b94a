"""The planner's import panel (JupyterLab, notebooks/import.ipynb): a community's layers from
the data files a planner has, with its boundary drawn on the map.

The data files are named by their paths on the server, one per line, and checked there:
an OpenStreetMap extract may be hundreds of MB (more than a widget's upload carries through
the kernel's websocket, and it would be held in the kernel's memory twice), a shapefile is
several files side by side, and JupyterLab's own file browser already uploads files to the
server. *Show on the map* draws the files' roads, buildings and public spaces as the
importer reads them (:mod:`workbench.layers.importing.preview`); the planner draws the
boundary with the space editor's drawing tools, sees its area (with the importer's warning
for an implausible size), fills in the new folder, id and names and presses *Import*:
:func:`~workbench.layers.importing.drawn_boundary.import_with_drawn` runs the importer with
the drawn polygon as its boundary file. The report is the one the command prints.

Every action is a plain method (:meth:`ImportPanel.show_preview`,
:meth:`~ImportPanel.set_boundary`, :meth:`~ImportPanel.run_import`), so tests drive the panel
without a browser, as the drawing tools and buttons do.
"""

from __future__ import annotations

import ipywidgets as w
from ipyleaflet import GeoJSON, Map

from workbench import i18n
from workbench.assets import style_tag
from workbench.escaping import esc
from workbench.layers.importing import ImportOptions, ImportProblem, ImportReport, ReadOptions
from workbench.layers.importing import drawn_boundary as drawn
from workbench.layers.importing.preview import MAX_FEATURES, Preview, preview, view_of
from workbench.layers.importing.report import render
from workbench.layers.map_style import ROAD_STYLE
from workbench.layers.space_panel import (FormMessages, draw_control, drawn_shape,
                                           editable_shape)
from workbench.page.language import Bilingual
from workbench.page.safety import guarded

CSS = style_tag("workbench.page", "planner.css") + style_tag("workbench.layers",
                                                              "import_panel.css")
TEXT_FIELDS = ("out", "community_id", "name_zh", "name_en")
#: fields with a message beside them
FIELDS = ("sources", "kinds", "boundary") + TEXT_FIELDS
MAX_MARGIN_M = 500


class ImportPanel(FormMessages):
    """The panel (``.widget``) in ``lang``; ``state`` (from :meth:`state`) carries what was
    typed and drawn over a switch of language."""

    #: the most features the preview draws
    preview_limit = MAX_FEATURES

    def __init__(self, lang: str = "zh", state: dict | None = None, height: str = "60vh"):
        self.lang = lang if lang in i18n.LANGUAGES else "zh"
        self.boundary: dict | None = None      # the drawn geometry, as the tools report it
        self.report: ImportReport | None = None
        self.safe = guarded(self._failed)
        self._build(height)
        self._restore(state or {})

    def t(self, key: str, **params) -> str:
        return i18n.t(self.lang, key, **params)

    # -- building ---------------------------------------------------------------------------
    def _build(self, height: str) -> None:
        t, safe = self.t, self.safe
        wide = {"width": "100%"}
        label = {"description_width": "12em"}
        self.sources = w.Textarea(description=t("import_panel.sources"), rows=3, layout=wide,
                                  placeholder=t("import_panel.sources_placeholder"),
                                  style=label)
        self.crs = w.Text(description=t("import_panel.crs"), layout=wide, style=label,
                          placeholder=t("import_panel.crs_placeholder"))
        self.gcj02 = w.Checkbox(description=t("import_panel.gcj02"), indent=False,
                                layout={"width": "auto"})
        self.margin = w.BoundedFloatText(description=t("import_panel.margin"), value=0, min=0,
                                         max=MAX_MARGIN_M, step=10, style=label)
        self.licence = w.Text(description=t("import_panel.licence"), layout=wide, style=label)
        self.kinds = w.Text(description=t("import_panel.kinds"), layout=wide, style=label,
                            placeholder=t("import_panel.kinds_placeholder"))
        self.kinds.add_class("wb-field-kinds")
        self.preview_button = w.Button(description=t("import_panel.preview"), icon="map",
                                       layout={"width": "auto"})
        self.preview_button.on_click(safe(lambda _: self.show_preview()))
        self.preview_line = w.HTML()
        self.inputs = {}
        for name, hint in (("out", "out_placeholder"), ("community_id", "id_placeholder"),
                           ("name_zh", None), ("name_en", None)):
            self.inputs[name] = w.Text(description=t(f"import_panel.{name}"), layout=wide,
                                       style=label,
                                       placeholder=t(f"import_panel.{hint}") if hint else "")
            self.inputs[name].add_class(f"wb-field-{name}")
        self.sources.add_class("wb-field-sources")
        self.errors = {name: w.HTML() for name in FIELDS}
        for box in self.errors.values():
            box.add_class("wb-field-error")

        self.roads = GeoJSON(data=_empty(), name="roads", style_callback=lambda f: {
            "opacity": 1, **ROAD_STYLE.get(f["properties"].get("class"),
                                           ROAD_STYLE["residential"])})
        self.buildings = GeoJSON(data=_empty(), name="buildings", style={
            "color": "#8d8171", "weight": 1, "fillColor": "#d7cfc2", "fillOpacity": 1})
        self.spaces = GeoJSON(data=_empty(), name="public_spaces", style={
            "color": "#2e7d32", "weight": 1, "fillColor": "#81c784", "fillOpacity": 0.6},
            point_style={"radius": 6, "fillOpacity": 0.9})
        centre, zoom = view_of(None)
        # layers given explicitly: no web tiles (the data itself is the map)
        self.map = Map(layers=(self.buildings, self.spaces, self.roads), center=centre,
                       zoom=zoom, zoom_snap=0.25, scroll_wheel_zoom=True,
                       attribution_control=False, layout={"height": height, "width": "100%"})
        self.map.add_class("wb-map")
        self.draw = draw_control(points=False)
        self.draw.on_draw(safe(self._on_draw))
        self.map.add(self.draw)
        self.area_line = w.HTML()

        self.import_button = w.Button(description=t("import_panel.import"),
                                      button_style="primary", icon="download",
                                      layout={"width": "12em"})
        self.import_button.on_click(safe(lambda _: self.run_import()))
        self.message = w.HTML()
        self.message.add_class("wb-import-message")
        self.report_box = w.HTML()

        data = w.VBox([self.sources, self.errors["sources"],
                       w.HTML(f"<p class='wb-hint'>{esc(t('import_panel.sources_hint'))}</p>"),
                       self.crs, self.gcj02, self.kinds, self.errors["kinds"],
                       w.HBox([self.preview_button, self.preview_line],
                                                    layout={"align_items": "center"})])
        form = [w.HTML(f"<p class='wb-hint'>{esc(t('import_panel.draw_hint'))}</p>"),
                self.area_line, self.errors["boundary"]]
        for name in TEXT_FIELDS:
            form += [self.inputs[name], self.errors[name]]
        form += [self.margin, self.licence, self.import_button, self.message]
        side = w.VBox(form, layout={"width": "40%", "min_width": "320px"})
        side.add_class("wb-import-form")
        self.widget = w.VBox([
            w.HTML(CSS + f"<h2>{esc(t('import_panel.title'))}</h2>"
                   f"<p class='wb-hint'>{esc(t('import_panel.explain'))}</p>"),
            data,
            w.HBox([w.VBox([self.map], layout={"flex": "1 1 55%"}), side],
                   layout={"flex_flow": "row wrap", "align_items": "flex-start"}),
            self.report_box])
        self.widget.add_class("wb-planner")
        self.widget.add_class("wb-import-panel")
        self.set_boundary(None)

    def state(self) -> dict:
        """What was typed and drawn, to build the panel again in the other language."""
        return {"sources": self.sources.value, "crs": self.crs.value, "gcj02": self.gcj02.value,
                "margin": self.margin.value, "licence": self.licence.value,
                "kinds": self.kinds.value,
                "boundary": self.boundary, "shown": bool(self.roads.data["features"] or
                                                         self.buildings.data["features"] or
                                                         self.spaces.data["features"]),
                **{name: self.inputs[name].value for name in TEXT_FIELDS}}

    def _restore(self, state: dict) -> None:
        for name in ("sources", "crs", "gcj02", "kinds", "margin", "licence"):
            if name in state:
                getattr(self, name).value = state[name]
        for name in TEXT_FIELDS:
            self.inputs[name].value = state.get(name, "")
        if state.get("boundary"):
            self.set_boundary(state["boundary"], draw=True)
        if state.get("shown"):
            self.show_preview()

    # -- the data ---------------------------------------------------------------------------
    def read_options(self) -> ReadOptions:
        return ReadOptions(crs=self.crs.value.strip() or None, gcj02=bool(self.gcj02.value))

    def show_preview(self) -> Preview | None:
        """Draw the files' roads, buildings and public spaces on the map (capped)."""
        self.errors["sources"].value = self.errors["kinds"].value = ""
        self.preview_line.value = ""
        try:
            paths = drawn.check_sources(self.sources.value)
            kinds_file = drawn.check_kinds_file(self.kinds.value)
            shown = preview(paths, self.read_options(), self.preview_limit, kinds_file)
        except drawn.DrawnInvalid as exc:
            self.show_errors(exc.errors)
            return None
        except ImportProblem as exc:
            field = "kinds" if exc.key.startswith("import.problem.mapping") else "sources"
            self.show_errors({field: (exc.key, exc.params)})
            return None
        self.roads.data = shown.layers["roads"]
        self.buildings.data = shown.layers["buildings"]
        self.spaces.data = shown.layers["public_spaces"]
        if shown.bounds:
            self.map.center, self.map.zoom = view_of(shown.bounds)
        counts = {key: len(shown.layers[name]["features"]) for key, name in (
            ("roads", "roads"), ("buildings", "buildings"), ("spaces", "public_spaces"))}
        lines = [self.t("import_panel.preview_done", **counts) if shown.found else
                 self.t("import_panel.preview_empty")]
        if shown.capped:
            lines.append(self.t("import_panel.preview_capped", shown=shown.shown,
                                found=shown.found))
        self.preview_line.value = "".join(f"<span class='wb-hint'>{esc(line)}</span> "
                                          for line in lines)
        return shown

    # -- the boundary -----------------------------------------------------------------------
    def set_boundary(self, geometry: dict | None, draw: bool = False) -> None:
        """The boundary as drawn (what the drawing tools send); ``draw``: also put it on the
        map as the editable shape. Its area and the size warning are shown at once."""
        self.boundary = geometry
        self.errors["boundary"].value = ""
        if draw:
            self.draw.data = [editable_shape(geometry)] if geometry else []
        if geometry is None:
            self.area_line.value = (f"<span class='wb-hint'>"
                                    f"{esc(self.t('import_panel.no_boundary'))}</span>")
            return
        try:
            km2 = drawn.area_km2(drawn.drawn_polygon(geometry))
        except drawn.DrawnInvalid as exc:
            self.area_line.value = ""
            self.show_errors(exc.errors)
            return
        lines = [("hint", self.t("import_panel.boundary_area", km2=f"{km2:.2f}"))]
        warning = drawn.size_warning(km2)
        if warning:
            lines.append(("warning", self.t(warning[0], **warning[1])))
        self.area_line.value = "".join(f"<span class='wb-{tone}'>{esc(text)}</span> "
                                       for tone, text in lines)

    def _on_draw(self, _control=None, action: str = "", geo_json=None, **_) -> None:
        found = drawn_shape(action, geo_json)
        if found is not None:
            # one boundary at a time: a new drawing replaces the old one on the map too
            self.set_boundary(found[1], draw=found[0] == "create")

    # -- importing --------------------------------------------------------------------------
    def run_import(self) -> ImportReport | None:
        """Check everything (every problem beside its field at once) and import; returns the
        report, or None with nothing written."""
        self.clear_errors()
        self.report_box.value = ""
        errors: dict = {}
        paths = identity = kinds_file = None
        try:
            kinds_file = drawn.check_kinds_file(self.kinds.value)
        except drawn.DrawnInvalid as exc:
            errors.update(exc.errors)
        for check in (lambda: drawn.check_sources(self.sources.value),
                      lambda: drawn.drawn_polygon(self.boundary),
                      lambda: drawn.check_identity(*(self.inputs[n].value
                                                     for n in TEXT_FIELDS))):
            try:
                result = check()
            except drawn.DrawnInvalid as exc:
                errors.update(exc.errors)
                continue
            if isinstance(result, list):
                paths = result
            elif isinstance(result, tuple):
                identity = result
        if errors:
            self.show_errors(errors)
            self.say("error", "import_panel.refused")
            return None
        out, community_id, name_zh, name_en = identity
        options = ImportOptions(out=out, community_id=community_id, name_zh=name_zh,
                                name_en=name_en, margin_m=float(self.margin.value or 0),
                                licence=self.licence.value.strip() or None,
                                kinds_file=kinds_file, read=self.read_options())
        try:
            report = drawn.import_with_drawn(paths, self.boundary, options)
        except ImportProblem as exc:
            if exc.key.startswith("import.problem.mapping"):
                self.show_errors({"kinds": (exc.key, exc.params)})
            self.say("error", "import.error", message=self.t(exc.key, **exc.params))
            return None
        text = render(report, self.lang)
        (out / "import_report.txt").write_text(text + "\n", encoding="utf-8")
        self.report = report
        self.say("ok", "import_panel.done", out=str(out))
        self.report_box.value = (f"<pre class='wb-import-report'>{esc(text)}</pre>"
                                 f"<p class='wb-ok'>{esc(self.t('import_panel.next', out=str(out)))}"
                                 f"</p>")
        return report

    # -- telling ----------------------------------------------------------------------------
    def _failed(self) -> None:
        """A callback failed (logged by :func:`guarded`): say so, briefly."""
        self.say("error", "planner.home.failed")


def _empty() -> dict:
    return {"type": "FeatureCollection", "features": []}


def import_panel_app(lang: str = "zh") -> Bilingual:
    """The import notebook's app: the panel with its 中文 / English switch; what was typed and
    drawn stays over a switch."""
    shown: list[ImportPanel] = []

    def build(language: str) -> ImportPanel:
        panel = ImportPanel(language, state=shown[-1].state() if shown else None)
        shown[:] = [panel]
        return panel

    return Bilingual(build, lang)
