"""Maps people take away: one self-contained HTML file made with folium, for
``workbench export-map`` and the planner's map panel.

The page works with no internet. Leaflet, Leaflet.markercluster and Leaflet.heat are read
from installed packages (see ``map_libraries.yaml``: where each comes from, its licence) and
inlined into the page's head, with their notices; folium's links to its CDN are emptied on
each element of this map only (``default_js`` / ``default_css`` set on the instance: the
class lists are shared by every folium map in the process). There are no tiles: the
community's own layers (boundary, roads, buildings, public spaces) make the map readable, on a
plain land colour. Overlays can be toggled: the layers, the residents' proposals (clustered,
coloured by scenario), a heat map of the proposals and the published agenda's items (by
rank). Data from OpenStreetMap carries its ODbL attribution.

Everything written by residents or planners (titles, names) is escaped here, in Python, and
handed to the page as JSON: Leaflet then shows it as text, whatever it holds.
"""

from __future__ import annotations

import base64
import re
from datetime import date
from functools import cache
from importlib import import_module
from importlib.resources import files
from pathlib import Path

import folium
import yaml
from branca.element import Element, MacroElement
from folium.elements import JSCSSMixin
from folium.plugins import HeatMap, MarkerCluster
from folium.template import Template
from folium.utilities import JsCode

from workbench import i18n, vocabulary
from workbench.assets import stylesheet
from workbench.escaping import esc
from workbench.layers.sources import attribution_text, layer_sources

MIN_ZOOM, MAX_ZOOM = 12, 20
ROAD_STYLES = {"primary": (7, "#8d8d8d"), "secondary": (5, "#a5a5a5"),
               "residential": (3.5, "#b8b8b8"), "footway": (2, "#9e8a6a")}
#: a space not (or no longer) there is drawn apart, as on the planner's map: planned dashed and
#: faint, under construction dotted, closed grey (the legend says which is which)
SPACE_STATUS = {"planned": {"dashArray": "7 5", "weight": 3, "fillOpacity": 0.18},
                "under_construction": {"dashArray": "2 5", "weight": 3, "fillOpacity": 0.35},
                "closed": {"color": "#757575", "fillColor": "#bdbdbd", "fillOpacity": 0.3}}
DECISION_COLOURS = {"adopt": "#2e7d32", "defer": "#f9a825", "decline": "#757575"}
_COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}")
_CSS_IMAGE = re.compile(r"url\((['\"]?)images/([\w.-]+\.png)\1\)")


def _colour(value, default: str = "#555555") -> str:
    """A colour from a data file, used only if it is a plain hex colour."""
    return value if isinstance(value, str) and _COLOUR.fullmatch(value) else default


# -- the bundled libraries ----------------------------------------------------------------
@cache
def libraries() -> dict:
    """``map_libraries.yaml``: the libraries inlined into the page and their licences."""
    return yaml.safe_load(files("workbench.layers").joinpath("map_libraries.yaml")
                          .read_text(encoding="utf-8"))


def _library_folder(library: dict) -> Path:
    if library["package"].startswith("xstatic."):
        return Path(import_module(library["package"]).BASE_DIR)
    return Path(str(files(library["package"]).joinpath(library.get("folder", ""))))


@cache
def bundled() -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """((name, JavaScript), ...), ((name, CSS), ...) of every library, in load order. The
    images Leaflet's CSS names (the layers button, the default marker) become data URLs, so
    even those are not fetched."""
    scripts, styles = [], []
    for library in libraries()["libraries"]:
        folder = _library_folder(library)
        for name in library["js"]:
            scripts.append((name, (folder / name).read_text(encoding="utf-8")))
        for name in library["css"]:
            text = (folder / name).read_text(encoding="utf-8")
            styles.append((name, _CSS_IMAGE.sub(lambda m: _data_url(folder, m.group(2)), text)))
    return tuple(scripts), tuple(styles)


def _data_url(folder: Path, image: str) -> str:
    payload = base64.b64encode((folder / "images" / image).read_bytes()).decode("ascii")
    return f"url(data:image/png;base64,{payload})"


def notices() -> str:
    """The libraries' copyright and licence notices, as the page's comment carries them."""
    data = libraries()
    parts = []
    for library in data["libraries"]:
        parts.append(f"{library['name']} ({library['licence']})\n{library['copyright']}\n"
                     f"{data['licences'][library['licence']]}")
    return "\n\n".join(parts)


# -- what the page shows ------------------------------------------------------------------
def sources(folder: Path) -> list[dict]:
    """The layers' sources as ``community.yaml`` keeps them (written by ``layers import``)."""
    return layer_sources(folder)


def attribution(folder: Path) -> str:
    """The attribution the layers carry on the map (HTML, escaped): OpenStreetMap's for
    OSM-sourced layers (ODbL asks for it wherever the data is shown)."""
    return esc(attribution_text(folder))


def proposal_points(community, rows: list[dict], supports: dict, lang: str) -> list[dict]:
    """The proposals shown (not those hidden by the moderator), each with its place, colour,
    title and popup (HTML, escaped)."""
    scenarios = {s["code"]: s for s in vocabulary.scenarios()}
    spaces = community.public_spaces
    points = []
    for r in rows:
        if r.get("hidden_reason") or r.get("lon") is None or r.get("lat") is None:
            continue
        scenario = scenarios.get(r.get("scenario"), {})
        space = spaces.get(r.get("public_space_id"))
        place = space["properties"].get(f"name_{lang}") if space else None
        supporters = supports.get(r["id"], 0) + int(r.get("external_supports") or 0)
        lines = [f"<b>{esc(r.get('title'))}</b>", esc(scenario.get(lang, "")),
                 esc(i18n.t(lang, "export_map.supporters", n=supporters))]
        if place:
            lines.insert(2, esc(place))
        if r.get("official_answer"):
            lines.append(esc(i18n.t(lang, "export_map.answered")))
        colour = _colour(scenario.get("color"), "#333333")
        points.append({"lat": float(r["lat"]), "lon": float(r["lon"]),
                       "title": str(r.get("title") or ""),
                       "icon": f"<span class='wb-dot' style='background:{colour}'></span>",
                       "popup": "<div class='wb-popup'>" + "<br>".join(lines) + "</div>"})
    return points


def agenda_points(snapshot: dict | None, lang: str) -> list[dict]:
    """The published agenda's located items, by rank, coloured by decision."""
    if not snapshot:
        return []
    from workbench.agenda.open_data import item_rows

    points = []
    for row in item_rows(snapshot):
        if row["lon"] is None or row["lat"] is None:
            continue
        decision = row.get("decision") or "none"
        lines = [f"<b>{esc(row.get('rank'))}. {esc(row.get('title'))}</b>",
                 esc(vocabulary.scenario_label(row.get("scenario"), lang)
                     if row.get("scenario") in vocabulary.scenario_codes() else ""),
                 esc(f"{i18n.t(lang, 'agenda.field.decision')}: "
                     f"{i18n.t(lang, f'agenda.decision.{decision}')}")]
        if row.get("status"):
            lines.append(esc(f"{i18n.t(lang, 'agenda.field.status')}: "
                             f"{i18n.t(lang, 'agenda.status.' + str(row['status']))}"))
        if row.get("progress"):
            lines.append(f"<span class='wb-item-text'>{esc(row['progress'])}</span>")
        colour = DECISION_COLOURS.get(decision, "#1a237e")
        points.append({"lat": float(row["lat"]), "lon": float(row["lon"]),
                       "title": f"{row.get('rank')}. {row.get('title') or ''}",
                       "icon": f"<span class='wb-rank' style='background:{colour}'>"
                               f"{esc(row.get('rank'))}</span>",
                       "popup": "<div class='wb-popup'>" + "<br>".join(lines) + "</div>"})
    return points


def _with_popups(fc: dict, popup) -> dict:
    """A copy of the layer holding only what the page needs: geometry, style keys, popup."""
    features = []
    for f in fc["features"]:
        p = f["properties"]
        props = {"id": p["id"], "kind": p.get("kind"), "class": p.get("class"),
                 "status": p.get("status") if p.get("status") in SPACE_STATUS else None}
        text = popup(p)
        if text:
            props["popup"] = text
        features.append({"type": "Feature", "geometry": f["geometry"], "properties": props})
    return {"type": "FeatureCollection", "features": features}


def legend_html(community, lang: str, n_proposals: int, n_items: int, credit: str) -> str:
    kinds = community.kinds
    present = {f["properties"]["kind"] for f in community.layers["public_spaces"]["features"]}
    keys = [(kinds[k][lang], _colour(kinds[k].get("color")), "square")
            for k in kinds if k in present]
    statuses = {f["properties"].get("status")
                for f in community.layers["public_spaces"]["features"]}
    keys += [(i18n.t(lang, f"map.status.{status}"), "#ffffff", f"status-{status}")
             for status in SPACE_STATUS if status in statuses]
    keys.append((i18n.t(lang, "map.buildings"), "#d7cfc2", "square"))
    keys += [(s[lang], _colour(s.get("color")), "dot") for s in vocabulary.scenarios()]
    items = "".join(f"<span class='wb-key'><i class='wb-key-{shape}' style='background:{colour}'>"
                    f"</i>{esc(label)}</span>" for label, colour, shape in keys)
    name = community.name.get(lang) or community.id
    counts = i18n.t(lang, "export_map.counts", proposals=n_proposals, items=n_items,
                    day=date.today().isoformat())
    # a <details> the reader can fold away on a small screen
    return (f"<details class='wb-export-legend' open "
            f"aria-label='{esc(i18n.t(lang, 'map.legend'))}'>"
            f"<summary><b>{esc(i18n.t(lang, 'export_map.title', name=name))}</b></summary>"
            f"<p>{esc(counts)}</p><div class='wb-keys'>{items}</div>"
            + (f"<p class='wb-credit'>{credit}</p>" if credit else "") + "</details>")


# -- the folium map -----------------------------------------------------------------------
def take_away_map(community, proposals: list[dict], agenda: list[dict], lang: str = "zh"):
    """The folium map (not yet rendered): layers, proposals, heat, agenda items, legend."""
    lang = lang if lang in i18n.LANGUAGES else "zh"
    t = lambda key, **kw: i18n.t(lang, key, **kw)  # noqa: E731
    credit = attribution(community.folder)
    m = folium.Map(location=list(community.center), zoom_start=community.zoom, tiles=None,
                   control_scale=True)
    # without tiles the map has no zoom range of its own (the cluster plugin needs one)
    m.options.update(min_zoom=MIN_ZOOM, max_zoom=MAX_ZOOM)
    m.fit_bounds(community.bounds_latlon())
    FitWhenSized(community.bounds_latlon()).add_to(m)
    bind_popup = JsCode("function (feature, layer) { if (feature.properties.popup) "
                        "{ layer.bindPopup(feature.properties.popup); } }")
    kinds = community.kinds

    def space_popup(p):
        kind = kinds.get(p.get("kind"), {}).get(lang, "")
        if p.get("status") in SPACE_STATUS:
            kind = f"{kind} · {t('space.status.' + p['status'])}"
        return (f"<div class='wb-popup'><b>{esc(p.get(f'name_{lang}') or p['id'])}</b>"
                f"<br>{esc(kind)}</div>")

    layers = community.layers
    options = {"attribution": credit} if credit else {}
    folium.GeoJson(_with_popups(layers["boundary"], lambda p: None),
                   name=t("export_map.layer.boundary"), **options,
                   style_function=lambda f: {"color": "#5d4037", "weight": 2.5,
                                             "dashArray": "8 5", "fillColor": "#ffffff",
                                             "fillOpacity": 0.5}).add_to(m)
    folium.GeoJson(_with_popups(layers["roads"], lambda p: None),
                   name=t("export_map.layer.roads"), **options,
                   style_function=_road_style).add_to(m)
    folium.GeoJson(_with_popups(layers["buildings"], lambda p: None),
                   name=t("map.buildings"), **options,
                   style_function=lambda f: {"color": "#8d8171", "weight": 1,
                                             "fillColor": "#d7cfc2", "fillOpacity": 1}).add_to(m)
    folium.GeoJson(_with_popups(layers["public_spaces"], space_popup),
                   name=t("export_map.layer.public_spaces"), **options,
                   marker=folium.CircleMarker(radius=8, weight=2, fill=True, fill_opacity=0.9),
                   on_each_feature=bind_popup,
                   style_function=lambda f: _space_style(kinds, f)).add_to(m)

    cluster = MarkerCluster(name=t("map.proposals")).add_to(m)
    Points(proposals).add_to(cluster)
    HeatMap([[p["lat"], p["lon"]] for p in proposals], name=t("export_map.layer.heat"),
            show=False, radius=28, blur=18, min_opacity=0.3, max_zoom=MAX_ZOOM).add_to(m)
    if agenda:
        items = folium.FeatureGroup(name=t("export_map.layer.agenda")).add_to(m)
        Points(agenda).add_to(items)
    folium.LayerControl(collapsed=False).add_to(m)
    root = m.get_root()
    root.html.add_child(Element(legend_html(community, lang, len(proposals), len(agenda),
                                            credit)))
    _inline_libraries(m, root)
    root.title = esc(t("export_map.title", name=community.name.get(lang) or community.id))
    return m


def _road_style(feature) -> dict:
    weight, colour = ROAD_STYLES.get(feature["properties"]["class"], (3, "#b8b8b8"))
    return {"color": colour, "weight": weight}


def _space_style(kinds: dict, feature) -> dict:
    colour = _colour(kinds.get(feature["properties"]["kind"], {}).get("color"))
    return {"color": colour, "fillColor": colour, "weight": 2, "fillOpacity": 0.55,
            **SPACE_STATUS.get(feature["properties"].get("status"), {})}


class Points(MacroElement):
    """Markers with a small HTML icon and a popup, added to their parent layer (a cluster,
    a feature group) from JSON: Leaflet sets the title as text, and the popup's HTML was
    escaped in Python."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (points, layer) {
            points.forEach(function (p) {
                L.marker([p.lat, p.lon], {title: p.title, alt: p.title,
                    icon: L.divIcon({className: 'wb-icon', html: p.icon,
                                     iconSize: [22, 22], iconAnchor: [11, 11]})})
                 .bindPopup(p.popup, {maxWidth: 300}).addTo(layer);
            });
        })({{ this.points|tojson }}, {{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, points: list[dict]):
        super().__init__()
        self._name = "Points"
        self.points = points


class FitWhenSized(MacroElement):
    """Fits the community again once the map has its real size: a page shown in a frame (the
    planner's panel) may be laid out after the map is made, at no size or a default one."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map, bounds) {
            var first = map.getSize();
            if (first.x >= 200 && first.y >= 200) { return; }
            window.addEventListener('resize', function fit() {
                map.invalidateSize();      // getSize() keeps the old size until this
                var now = map.getSize();
                if (now.x < 200 || now.y < 200) { return; }
                map.fitBounds(bounds);
                window.removeEventListener('resize', fit);
            });
        })({{ this._parent.get_name() }}, {{ this.bounds|tojson }});
        {% endmacro %}
    """)

    def __init__(self, bounds):
        super().__init__()
        self._name = "FitWhenSized"
        self.bounds = bounds


def _inline_libraries(m, root) -> None:
    """Leaflet and the plugins inlined in the head; folium's CDN links emptied on this map's
    elements only (instance attributes: the class lists stay as they are)."""
    for element in _walk(m):
        if isinstance(element, JSCSSMixin):
            element.default_js = []
            element.default_css = []
    scripts, styles = bundled()
    root.header.add_child(Element(f"<!--\n{notices()}\n-->"), name="map_libraries_licences")
    for name, text in styles:
        root.header.add_child(Element(f"<style>\n{text}\n</style>"), name=name)
    root.header.add_child(Element("<style>\n" + stylesheet("workbench.layers", "export_map.css")
                                  + "\n</style>"), name="export_map_css")
    for name, text in scripts:
        safe = text.replace("</script", "<\\/script")
        root.header.add_child(Element(f"<script>\n{safe}\n</script>"), name=name)


def _walk(element):
    yield element
    for child in list(element._children.values()):
        yield from _walk(child)


def page_html(community, proposals: list[dict], agenda: list[dict], lang: str = "zh") -> str:
    """The whole page, as the file people take away."""
    html = take_away_map(community, proposals, agenda, lang).get_root().render()
    tag = "zh-CN" if lang == "zh" else "en"
    return html.replace("<html>", f"<html lang=\"{tag}\">", 1)


def community_page(store, community, lang: str = "zh") -> str:
    """The page of a community as the store holds it now: its current public spaces, its
    proposals and the newest published agenda."""
    from workbench.layers.current import current_community

    # the spaces as the planners have edited them, as the resident page shows them
    community = current_community(community.folder, store)
    rows = store.list_proposals(community.id)
    supports = store.support_counts(community.id)
    snapshot = store.agenda_version(community.id, None)
    return page_html(community, proposal_points(community, rows, supports, lang),
                     agenda_points(snapshot, lang), lang)
