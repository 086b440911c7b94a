"""The planner's walking tool (notebooks/walking.ipynb, or as a Voilà app): choose a kind of
public space and a life circle; the share of households within the walk, the buildings
outside it, the service areas and the gaps on the map, and files to take away follow. Then
candidate sites (drawn on the map or a GeoJSON file) ranked by the households they would
bring inside, and the best few chosen one at a time with each step's gain.

Every figure comes from :mod:`workbench.geo.walking` and its neighbours; this module only
shows them. Every value a widget sends is checked there or here before use.
"""

from __future__ import annotations

import io

import ipywidgets as w
from ipyleaflet import DrawControl, GeoJSON

from workbench import i18n, settings, vocabulary
from workbench.assets import style_tag
from workbench.escaping import esc
from workbench.geo import service_areas as sa
from workbench.geo.coverage import coverage_rows, sentence
from workbench.geo.gap_map import AREA_COLOUR, GAP_COLOUR, gap_map_png
from workbench.geo.siting import (SitesInvalid, candidate_reach, candidate_sites,
                                  greedy_sites, rank_sites)
from workbench.geo.walking import (NETWORK, WalkingAnalysis, kind_label, kind_threshold,
                                   life_circles)
from workbench.page.download import CSV, DownloadLink
from workbench.page.language import Bilingual
from workbench.page.safety import guarded

CSS = style_tag("workbench.page", "planner.css")
GEOJSON = "application/geo+json"
PNG = "image/png"
#: the most sites chosen in one go
MAX_K = 10


class WalkingPanel:
    """The tool (``.widget``) over a community (for the map) and its layers (GeoDataFrames,
    :func:`workbench.layers.community.read_layers`)."""

    def __init__(self, community, layers: dict, lang: str = "zh"):
        from workbench.layers.map_widget import CommunityMap

        self.community, self.layers = community, layers
        self.lang = lang if lang in i18n.LANGUAGES else "zh"
        self.analysis: WalkingAnalysis | None = None
        self.result: dict | None = None
        self.drawn: list[dict] = []
        present = sorted(set(layers["public_spaces"].get("kind", ())))
        kinds = [k for k in vocabulary.public_space_kinds(str(community.folder)) if k in present]
        self.kind = w.Dropdown(options=[(kind_label(k, self.lang), k) for k in kinds],
                               description=self.t("walk.panel.kind"))
        self.minutes = w.Dropdown(options=[(c.label(self.lang), c.minutes)
                                           for c in life_circles()],
                                  description=self.t("walk.panel.walk"))
        if kinds:
            self.kind.value = "pocket_park" if "pocket_park" in kinds else kinds[0]
            self.minutes.value = kind_threshold(self.kind.value).minutes
        # which service area the map draws: where any space of the kind reaches, or one
        # space's own (its reach alone: overlaps with the others show)
        self.area_of = w.Dropdown(options=[(self.t("walk.panel.area_all"), "")],
                                  description=self.t("walk.panel.area_of"), disabled=True,
                                  style={"description_width": "initial"})
        self.area_of.observe(guarded(self._failed)(lambda _c: self.draw_area()), names="value")
        self.run = w.Button(description=self.t("walk.panel.run"), button_style="primary")
        self.progress = w.FloatProgress(value=0, min=0, max=1, layout={"width": "240px"})
        self.step = w.HTML()
        self.summary, self.table, self.notes = w.HTML(), w.HTML(), w.HTML()
        self.map = CommunityMap(community, self.lang, height="56vh")
        self.area_layer = GeoJSON(data=_empty(), name="service_area", style={
            "color": AREA_COLOUR, "weight": 1, "fillColor": AREA_COLOUR, "fillOpacity": 0.25})
        self.gap_layer = GeoJSON(data=_empty(), name="gaps", style={
            "color": "#7f0000", "weight": 2, "fillColor": GAP_COLOUR, "fillOpacity": 0.85})
        self.site_layer = GeoJSON(data=_empty(), name="sites", style={
            "color": "#1a237e", "weight": 3, "fillColor": "#3f51b5", "fillOpacity": 0.5},
            point_style={"radius": 8})
        for layer in (self.area_layer, self.gap_layer, self.site_layer):
            self.map.widget.add(layer)
        self.draw = DrawControl(polygon={"shapeOptions": {"color": "#3f51b5"}},
                                # a non-empty dict turns a tool on, an empty one off
                                marker={"repeatMode": False}, circlemarker={}, polyline={},
                                rectangle={})
        self.draw.on_draw(guarded(self._failed)(self._on_draw))
        self.map.widget.add(self.draw)
        self.downloads = [
            DownloadLink(self.t("walk.panel.geojson"), self._name("geojson"), GEOJSON,
                         self._geojson, self.t("walk.panel.too_large")),
            DownloadLink(self.t("walk.panel.png"), self._name("png"), PNG, self._png,
                         self.t("walk.panel.too_large")),
            DownloadLink(self.t("walk.panel.csv"), self._name("csv"), CSV, self._csv,
                         self.t("walk.panel.too_large"))]
        self.upload = w.FileUpload(accept=".geojson,.json", multiple=False,
                                   description=self.t("walk.panel.upload"))
        self.k = w.BoundedIntText(value=3, min=1, max=MAX_K, description=self.t("walk.panel.k"))
        self.rank = w.Button(description=self.t("walk.panel.rank"))
        self.clear = w.Button(description=self.t("walk.panel.clear"))
        self.site_message, self.sites_out = w.HTML(), w.HTML()
        self.run.on_click(guarded(self._failed)(lambda _b: self.compute()))
        self.rank.on_click(guarded(self._failed)(lambda _b: self.choose_sites()))
        self.clear.on_click(guarded(self._failed)(lambda _b: self.clear_sites()))
        self.widget = w.VBox([
            w.HTML(CSS + f"<h3>{esc(self.t('walk.panel.title'))}</h3>"
                   f"<p class='wb-hint'>{esc(self.t('walk.panel.explain'))}</p>"),
            w.HBox([self.kind, self.minutes, self.run]), w.HBox([self.progress, self.step]),
            self.summary, self.notes, self.area_of, self.map.widget,
            w.HTML(f"<p class='wb-hint'>{esc(self.t('walk.panel.legend'))}</p>"),
            self.table, w.HBox([d.widget for d in self.downloads]),
            w.HTML(f"<h3>{esc(self.t('walk.panel.sites'))}</h3>"
                   f"<p class='wb-hint'>{esc(self.t('walk.panel.sites_explain'))}</p>"),
            w.HBox([self.upload, self.k, self.rank, self.clear]), self.site_message,
            self.sites_out])
        self.widget.add_class("wb-planner")

    @classmethod
    def from_settings(cls, lang: str = "zh") -> "WalkingPanel":
        from workbench.layers.community import layer_frames
        from workbench.layers.current import current_community
        from workbench.store import Store

        # the spaces as planners edited them (planned ones included: where to build)
        community = current_community(settings.get("layers_dir"), Store())
        return cls(community, layer_frames(community), lang)

    def t(self, key: str, **params) -> str:
        return i18n.t(self.lang, key, **params)

    def _failed(self) -> None:
        self.step.value = f"<span class='wb-error' role='alert'>{esc(self.t('error.unexpected'))}</span>"

    def _name(self, ext: str):
        return lambda: f"walking-{self.kind.value}-{self.minutes.value:g}min.{ext}"

    def _progress(self, fraction: float, key: str) -> None:
        self.progress.value = fraction
        self.step.value = f"<span class='wb-hint'>{esc(self.t(key))}</span>"

    # -- the analysis ---------------------------------------------------------------------

    def threshold(self):
        return next(c for c in life_circles() if c.minutes == self.minutes.value)

    def compute(self) -> None:
        """The coverage of the chosen kind and walk: figures, map and files."""
        if self.kind.value is None:
            self.summary.value = f"<p>{esc(self.t('walk.panel.no_spaces'))}</p>"
            return
        self.run.disabled = True
        try:
            if self.analysis is None:       # the network is built once, with progress shown
                self.analysis = WalkingAnalysis(self.layers, progress=self._progress)
            self._progress(0.7, "walk.step.search")
            kind, th = self.kind.value, self.threshold()
            access = self.analysis.access(kind)
            rows = coverage_rows(access)
            row = next(r for r in rows if r["minutes"] == th.minutes)
            areas = sa.service_areas(self.analysis, kind, [th])
            self._progress(0.9, "walk.step.map")
            kind_area = sa.kind_service_area(self.analysis, kind, [th])
            gaps = sa.gap_homes(self.analysis, access, th)
            self.result = {"access": access, "rows": rows, "row": row, "areas": areas,
                           "kind_area": kind_area, "gaps": gaps, "threshold": th}
            self.show()
            self._progress(1.0, "walk.step.done")
        finally:
            self.run.disabled = False

    def show(self) -> None:
        r = self.result
        row = r["row"]
        self.summary.value = f"<p><b>{esc(sentence(row, self.lang))}</b></p>"
        notes = [m.text(self.lang) for m in self.analysis.messages     # this kind's, or all's
                 if m.params.get("kind") in (None, self.kind.value)]
        method = self.t("walk.panel.method_network" if row["method"] == NETWORK
                        else "walk.panel.method_straight")
        self.notes.value = "".join(f"<p class='wb-hint'>{esc(n)}</p>" for n in [method] + notes)
        self.table.value = self._table_html(r["rows"])
        names = {str(f["properties"].get("id")): f["properties"].get(f"name_{self.lang}")
                 or f["properties"].get("id") for f in self.community.layers[
                     "public_spaces"]["features"]}
        self.area_of.options = [(self.t("walk.panel.area_all"), "")] + [
            (str(names.get(s, s)), s) for s in r["areas"]["space_id"]]
        self.area_of.value, self.area_of.disabled = "", False
        self.draw_area()
        self.gap_layer.data = _features(r["gaps"])
        for link in self.downloads:
            link.refresh()

    def draw_area(self) -> None:
        """The service area the picker names on the map: the kind's, or one space's."""
        if self.result is None:
            return
        chosen = self.area_of.value
        areas = self.result["areas"]
        self.area_layer.data = _features(areas[areas["space_id"] == chosen] if chosen
                                         else self.result["kind_area"])

    def _table(self, head_keys, rows) -> str:
        """An escaped table: headings by catalogue key, then rows of cells."""
        head = "".join(f"<th scope='col'>{esc(self.t(k))}</th>" for k in head_keys)
        body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in cells) + "</tr>"
                       for cells in rows)
        return (f"<div class='wb-table-wrap'><table class='wb-table'><thead><tr>{head}</tr>"
                f"</thead><tbody>{body}</tbody></table></div>")

    def _table_html(self, rows: list[dict]) -> str:
        def cells(row):
            method = "walk.method.network" if row["method"] == NETWORK else "walk.method.straight"
            return [self.t("walk.threshold", minutes=f"{row['minutes']:g}",
                           metres=f"{row['metres']:g}"), _percent(row["share"]),
                    f"{row['households_within']:.0f} / {row['households']:.0f}",
                    f"{row['households_outside']:.0f}", ", ".join(row["buildings_outside"]),
                    self.t(method)]

        return self._table(("walk.col.walk", "walk.col.share", "walk.col.within",
                            "walk.col.outside", "walk.panel.buildings_outside",
                            "walk.col.method"), [cells(r) for r in rows])

    # -- files ----------------------------------------------------------------------------

    def _geojson(self) -> bytes | None:
        if not self.result:
            return None
        r = self.result
        return sa.to_geojson(r["areas"], r["kind_area"], r["gaps"])

    def _png(self) -> bytes | None:
        if not self.result:
            return None
        from workbench.surveys.charts import use_cjk_font

        use_cjk_font()          # the title may be in Chinese
        r = self.result
        title = f"{kind_label(self.kind.value, self.lang)} · {r['threshold'].label(self.lang)}"
        return gap_map_png(self.community, r["kind_area"], r["gaps"], title)

    def _csv(self) -> bytes | None:
        if not self.result:
            return None
        from workbench.cells import neutralise_frame

        homes = self.result["access"].homes.copy()
        homes["distance_m"] = homes["distance_m"].round(0)
        homes = neutralise_frame(homes)      # ids from a layer file, opened in a spreadsheet
        buffer = io.StringIO()
        homes.to_csv(buffer, index=False)
        return buffer.getvalue().encode("utf-8-sig")

    # -- candidate sites ------------------------------------------------------------------

    def _on_draw(self, target=None, action=None, geo_json=None, **_) -> None:
        if action == "created" and geo_json and len(self.drawn) < 200:
            self.drawn.append({"type": "Feature", "properties": {"id": str(len(self.drawn) + 1)},
                               "geometry": geo_json.get("geometry")})
        elif action == "deleted":
            self.drawn = []

    def clear_sites(self) -> None:
        self.drawn = []
        self.draw.clear()
        self.upload.value = ()
        self.site_layer.data = _empty()
        self.site_message.value = self.sites_out.value = ""

    def sites(self):
        """The candidate sites: the uploaded file if there is one, else those drawn."""
        if self.upload.value:
            return candidate_sites(bytes(self.upload.value[0]["content"]),
                                   self.community.boundary)
        return candidate_sites(self.drawn, self.community.boundary)

    def choose_sites(self) -> None:
        """Rank the sites and choose the best ``k`` greedily for the chosen kind and walk."""
        if not self.result:
            self.compute()
        try:
            sites = self.sites()
            k = int(self.k.value)
            if not 1 <= k <= MAX_K:
                raise SitesInvalid("bad_k", most=MAX_K)
        except SitesInvalid as exc:
            self.site_message.value = (f"<span class='wb-error' role='alert'>"
                                       f"{esc(self.t('walk.sites.' + exc.key, **exc.params))}"
                                       f"</span>")
            return
        self.site_message.value = ""
        self._progress(0.5, "walk.step.sites")
        r = self.result
        reach = candidate_reach(self.analysis, sites, r["threshold"])
        ranking = rank_sites(self.analysis, r["access"], sites, r["threshold"], reach)
        steps = greedy_sites(self.analysis, r["access"], sites, r["threshold"], k, reach)
        self.site_layer.data = _features(sites)
        self.sites_out.value = self._sites_html(ranking, steps)
        self._progress(1.0, "walk.step.done")

    def _sites_html(self, ranking, steps) -> str:
        ranked = self._table(("walk.panel.site", "walk.panel.gained", "walk.panel.buildings"),
                             [(r["site"], f"{r['households_gained']:.0f}",
                               ", ".join(r["buildings"])) for r in ranking.to_dict("records")])
        chosen = self._table(("walk.panel.step", "walk.panel.site", "walk.panel.gain",
                              "walk.panel.total", "walk.col.share"),
                             [(s["step"], s["site"], f"{s['gain']:.0f}", f"{s['total']:.0f}",
                               _percent(s["share"])) for s in steps.to_dict("records")])
        none = "" if len(steps) else f"<p class='wb-hint'>{esc(self.t('walk.panel.no_gain'))}</p>"
        return (f"<h4>{esc(self.t('walk.panel.ranking'))}</h4>{ranked}"
                f"<h4>{esc(self.t('walk.panel.greedy'))}</h4>{chosen}{none}")


def _percent(share) -> str:
    return "—" if share != share else f"{100 * share:.0f} %"


def _empty() -> dict:
    return {"type": "FeatureCollection", "features": []}


def _features(frame) -> dict:
    import json

    return json.loads(sa.to_geojson(frame)) if len(frame) else _empty()


def walking_app(lang: str = "zh") -> Bilingual:
    """The walking notebook's app: the tool with its 中文 / English switch."""
    return Bilingual(lambda language: WalkingPanel.from_settings(language), lang)
