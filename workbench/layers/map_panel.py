"""The planner's map tool (notebook or Voilà app): the community's layers with the names of
its public spaces, residents' proposals coloured by scenario (a tap opens a popup), a legend,
scroll-zoom, and the proposals as a table in words (labels, not codes; local dates)."""

from __future__ import annotations

import math

import ipywidgets as w
from ipyleaflet import DivIcon, LayerGroup, Marker, Popup

from workbench import i18n, settings, vocabulary
from workbench.assets import style_tag
from workbench.escaping import esc
from workbench.layers.current import current_community
from workbench.layers.map_widget import CommunityMap
from workbench.layers.take_away_panel import TakeAwayMap
from workbench.page.formats import NO_VALUE, local_time
from workbench.page.language import Bilingual
from workbench.page.safety import guarded
from workbench.store import Store

CSS = style_tag("workbench.page", "planner.css")
#: proposals at one place are drawn on a small ring around it (metres), so none hides another
RING_METRES = 9.0
#: names of public spaces show from this zoom on: zoomed further out they pile up unreadably
NAMES_FROM_ZOOM = 15.5
#: the table lists this many proposals, newest first
TABLE_ROWS = 200


def spread(rows: list[dict]) -> list[dict]:
    """Copies of ``rows`` where proposals sharing a place sit on a ring around it (the
    first stays at the place): every marker can be seen and tapped."""
    by_place: dict[tuple[float, float], int] = {}
    for row in rows:
        key = (round(row["lon"], 6), round(row["lat"], 6))
        by_place[key] = by_place.get(key, 0) + 1
    seen: dict[tuple[float, float], int] = {}
    out = []
    for row in rows:
        key = (round(row["lon"], 6), round(row["lat"], 6))
        n, i = by_place[key], seen.get(key, 0)
        seen[key] = i + 1
        if n > 1 and i > 0:
            angle = 2 * math.pi * (i - 1) / (n - 1)
            ring = RING_METRES * (1 + (i - 1) // 8)
            dlat = ring * math.sin(angle) / 111_320
            dlon = ring * math.cos(angle) / (111_320 * math.cos(math.radians(row["lat"])))
            row = {**row, "lon": row["lon"] + dlon, "lat": row["lat"] + dlat}
        out.append(row)
    return out


class PlannerMap:
    """The tool (``.widget``): map, legend, counts and the proposals' table."""

    def __init__(self, community, store: Store, lang: str = "zh", basemap: str = "none",
                 height: str = "70vh"):
        self.community = community
        self.store = store
        self.lang = lang if lang in i18n.LANGUAGES else "zh"
        self.scenarios = {s["code"]: s for s in vocabulary.scenarios()}
        self.map = CommunityMap(community, self.lang, basemap=basemap, height=height)
        self.map.widget.scroll_wheel_zoom = True
        self.popup = Popup(location=community.center, child=w.HTML(), close_button=True,
                           auto_close=True, max_width=320, min_width=180)
        self.name_markers = tuple(self._name_markers())
        self.names = LayerGroup(layers=self.name_markers, name="names")
        self.map.widget.add(self.names)
        self.map.widget.observe(lambda change: self.show_names(change["new"]), names="zoom")
        safe = guarded(lambda: None)
        self.map.proposals.on_click(safe(self._on_proposal_click))
        self.map.public_spaces.on_click(safe(self._on_space_click))
        self.status = w.HTML()
        self.legend = w.HTML(self.legend_html())
        self.counts = w.HTML()
        self.table = w.HTML()
        self.widget = w.VBox([
            w.HTML(CSS + f"<h2>{esc(self.t('planner.map.title', name=community.name.get(self.lang, community.id)))}</h2>"
                   f"<p class='wb-hint'>{esc(self.t('planner.map.explain'))}</p>"),
            self.map.widget, self.legend, self.status, self.counts, self.table,
            TakeAwayMap(community, store, self.lang).widget])
        self.widget.add_class("wb-planner")
        self.widget.add_class("wb-planner-map")
        self.refresh()

    @classmethod
    def from_settings(cls, lang: str = "zh", store: Store | None = None) -> "PlannerMap":
        store = store or Store()
        return cls(current_community(settings.get("layers_dir"), store), store, lang,
                   basemap=settings.get("basemap"))

    def t(self, key: str, **params) -> str:
        return i18n.t(self.lang, key, **params)

    # -- reading ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the proposals again and redraw the markers, the counts and the table."""
        self.rows = self.store.list_proposals(self.community.id)
        self.supports = self.store.support_counts(self.community.id)
        self.by_id = {r["id"]: r for r in self.rows}
        visible = [r for r in self.rows if not r.get("hidden_reason")]
        self.map.show_proposals(spread(visible))
        self.counts.value = self.counts_html()
        self.table.value = self.table_html()

    def space_name(self, space_id) -> str:
        feature = self.community.public_spaces.get(space_id) if space_id else None
        if feature is None:
            return NO_VALUE
        return feature["properties"].get(f"name_{self.lang}") or space_id

    def scenario_label(self, code) -> str:
        return self.scenarios.get(code, {}).get(self.lang, NO_VALUE)

    # -- drawing ----------------------------------------------------------------------------
    def show_names(self, zoom: float) -> None:
        shown = self.name_markers if zoom >= NAMES_FROM_ZOOM else ()
        if self.names.layers != shown:
            self.names.layers = shown

    def _name_markers(self) -> list[Marker]:
        """A name above each public space; the label never takes a tap (CSS)."""
        markers = []
        for space_id, feature in self.community.public_spaces.items():
            lon, lat = self.community.public_space_location(space_id)
            name = feature["properties"].get(f"name_{self.lang}") or space_id
            icon = DivIcon(html=f"<span class='wb-space-name'>{esc(name)}</span>",
                           icon_size=[160, 16], icon_anchor=[80, 24])
            markers.append(Marker(location=(lat, lon), icon=icon, draggable=False,
                                  keyboard=False, title=name))
        return markers

    def legend_html(self) -> str:
        kinds = self.community.kinds
        present = {f["properties"]["kind"]
                   for f in self.community.layers["public_spaces"]["features"]}
        keys = [(kinds[k][self.lang], kinds[k]["color"], "square") for k in kinds if k in present]
        keys.append((self.t("map.buildings"), "#d7cfc2", "square"))
        keys += [(s[self.lang], s["color"], "dot") for s in self.scenarios.values()]
        items = "".join(f"<span class='wb-key'><i class='wb-{shape}' style='background:{esc(colour)}'>"
                        f"</i>{esc(label)}</span>" for label, colour, shape in keys)
        return (f"<div class='wb-legend' role='list' aria-label='{esc(self.t('map.legend'))}'>"
                f"<b>{esc(self.t('map.legend'))}</b> {items}"
                f"<span class='wb-hint'>{esc(self.t('planner.map.dots'))}</span></div>")

    def counts_html(self) -> str:
        layers = self.community.layers
        text = self.t("planner.map.counts", proposals=len(self.rows),
                      spaces=len(layers["public_spaces"]["features"]),
                      buildings=len(layers["buildings"]["features"]),
                      households=sum(int(f["properties"].get("households") or 0)
                                     for f in layers["buildings"]["features"]))
        per = {}
        for r in self.rows:
            per[r["scenario"]] = per.get(r["scenario"], 0) + 1
        scenarios = " · ".join(f"{self.scenario_label(code)} {n}"
                               for code, n in per.items()) if per else ""
        return f"<p>{esc(text)}</p>" + (f"<p class='wb-hint'>{esc(scenarios)}</p>" if scenarios else "")

    def table_html(self) -> str:
        if not self.rows:
            return f"<p class='wb-hint'>{esc(self.t('planner.map.no_proposals'))}</p>"
        heads = [self.t(k) for k in ("planner.map.col_title", "planner.map.col_scenario",
                                     "planner.map.col_place", "planner.map.col_supporters",
                                     "planner.map.col_received", "planner.map.col_state")]
        body = []
        for r in sorted(self.rows, key=lambda r: r["created_at"], reverse=True)[:TABLE_ROWS]:
            state = (self.t("planner.map.hidden") if r.get("hidden_reason")
                     else self.t("planner.map.answered") if r.get("official_answer")
                     else self.t("planner.map.open"))
            cells = [r["title"], self.scenario_label(r["scenario"]),
                     self.space_name(r.get("public_space_id")),
                     str(self.supports.get(r["id"], 0) + int(r.get("external_supports") or 0)),
                     local_time(r["created_at"], self.community.time_zone), state]
            body.append("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in cells) + "</tr>")
        head = "".join(f"<th scope='col'>{esc(h)}</th>" for h in heads)
        more = ""
        if len(self.rows) > TABLE_ROWS:
            more = f"<p class='wb-hint'>{esc(self.t('planner.map.more', shown=TABLE_ROWS, total=len(self.rows)))}</p>"
        return (f"<h3>{esc(self.t('planner.map.table'))}</h3><div class='wb-table-wrap'>"
                f"<table class='wb-table'><thead><tr>{head}</tr></thead>"
                f"<tbody>{''.join(body)}</tbody></table></div>{more}")

    # -- popups -----------------------------------------------------------------------------
    def _open_popup(self, lat: float, lon: float, html: str) -> None:
        self.popup.child.value = html
        if self.popup not in self.map.widget.layers:
            self.popup.location = (lat, lon)
            self.map.widget.add(self.popup)
        else:
            self.popup.open_popup((lat, lon))

    def proposal_popup_html(self, proposal_id: int) -> str:
        r = self.by_id[proposal_id]
        lines = [f"<b>{esc(r['title'])}</b>",
                 esc(f"{self.scenario_label(r['scenario'])} · {self.space_name(r.get('public_space_id'))}"),
                 esc(self.t("planner.map.popup_line",
                            supporters=self.supports.get(r["id"], 0) + int(r.get("external_supports") or 0),
                            when=local_time(r["created_at"], self.community.time_zone)))]
        if r.get("description"):
            lines.append(f"<span class='wb-item-text'>{esc(r['description'][:300])}</span>")
        return "<div class='wb-popup'>" + "<br>".join(lines) + "</div>"

    def _on_proposal_click(self, event=None, feature=None, properties=None, **_) -> None:
        proposal_id = (properties or {}).get("id")
        if proposal_id in self.by_id:
            lon, lat = feature["geometry"]["coordinates"]
            self._open_popup(lat, lon, self.proposal_popup_html(proposal_id))

    def _on_space_click(self, event=None, feature=None, properties=None, **_) -> None:
        space_id = (properties or {}).get("id")
        if space_id not in self.community.public_spaces:
            return
        p = self.community.public_spaces[space_id]["properties"]
        kind = self.community.kinds.get(p["kind"], {}).get(self.lang, NO_VALUE)
        count = sum(1 for r in self.rows if r.get("public_space_id") == space_id)
        lon, lat = self.community.public_space_location(space_id)
        self._open_popup(lat, lon, f"<div class='wb-popup'><b>{esc(self.space_name(space_id))}</b>"
                                   f"<br>{esc(kind)}<br>{esc(self.t('planner.map.space_line', n=count))}</div>")


def planner_map_app(lang: str = "zh") -> Bilingual:
    """The planner notebook's app: the map tool with its 中文 / English switch."""
    return Bilingual(lambda language: PlannerMap.from_settings(language), lang)
