"""The community map on the residents' pages: Leaflet itself, through anywidget.

The planners' map (:class:`workbench.layers.map_widget.CommunityMap`) is ipyleaflet, with
every Leaflet plugin a planner may want. A resident's phone needs none of them: ipyleaflet's
front end is about 1 MiB of scripts (drawing, editing, vector tiles, projections...) and its
kernel side 9 MiB of each resident kernel (numpy's widgets, branca, jinja2, xyzservices).
With the machine loaded, a one-button page with an ipyleaflet map beside the button took
0.40 s longer to be usable than the button alone, one with an anywidget beside it 0.14 s
(medians of 7 loads each, in one run); ``python -m bench resident_page`` measures the page.

This widget draws the same layers with the same styles (the functions of ``map_widget``),
from Leaflet 1.9 that the page's template loads with the page (the XStatic-Leaflet package,
BSD-2, served by :mod:`workbench.voila_app`): the resident's phone fetches it once and keeps
it. Its script (``page_map_widget.js``) sends the
kernel three things, each checked here as any client's message is: a tap on the map, a tap on
a feature (by id only: what the feature is, the kernel knows), and what the map shows.
"""

from __future__ import annotations

import math
from html import escape
from pathlib import Path

import anywidget
import traitlets

from workbench.layers.map_style import (AGENDA_POINT, BUILDING_STYLE, PIN_STYLE,
                                         PROPOSAL_POINT, SPACE_HOVER, SPACE_POINT, ZOOM_STEP,
                                         agenda_features, boundary_style, community_span,
                                         decision_fill, legend_html, proposal_features,
                                         road_style, scenario_fill, space_style, status_marks)
from workbench.layers.sources import attribution_text

#: decimal places kept of a coordinate sent to the browser: 6 is about 0.1 m
PLACES = 6


def tile_source(setting: str) -> dict:
    """Web tiles under the map: none for 'none' (the default: no internet needed), the
    OpenStreetMap standard tiles for 'osm', else the setting is a tile URL template."""
    if not setting or setting == "none":
        return {}
    if setting == "osm":
        from xyzservices import providers

        osm = providers.OpenStreetMap.Mapnik
        return {"url": osm.build_url(), "attribution": osm.html_attribution,
                "max_zoom": osm.get("max_zoom", 19)}
    return {"url": setting, "attribution": "", "max_zoom": 19}


def _rounded(coordinates):
    if isinstance(coordinates, (int, float)):
        return round(coordinates, PLACES)
    return [_rounded(c) for c in coordinates]


def feature_id(feature: dict):
    """A feature's id: its ``id`` property (the community's layers), else its own id."""
    return (feature.get("properties") or {}).get("id", feature.get("id"))


def layer_spec(collection: dict, style=None, point: dict | None = None,
               hover: dict | None = None) -> dict:
    """A GeoJSON layer as the browser draws it: each feature with its id and its style
    (``style`` a dict, or a function of the feature), no properties (what a feature is, the
    kernel knows); coordinates rounded to :data:`PLACES`."""
    features = []
    for feature in collection.get("features", []):
        geometry = feature["geometry"]
        features.append({
            "type": "Feature",
            "id": feature_id(feature),
            "geometry": {"type": geometry["type"],
                         "coordinates": _rounded(geometry["coordinates"])},
            "properties": {},
            "style": style(feature) if callable(style) else (style or {})})
    return {"features": features, "point": point or {}, "hover": hover or {}}


class LeafletMap(anywidget.AnyWidget):
    """The map as the browser sees it. Layers are set whole; the browser redraws the one that
    changed. ``zoom`` comes back from the browser (how far a tap reaches depends on it)."""

    _esm = Path(__file__).with_name("page_map_widget.js")

    center = traitlets.List([0.0, 0.0]).tag(sync=True)
    zoom = traitlets.Float(16.0).tag(sync=True)
    min_zoom = traitlets.Float(14.0).tag(sync=True)
    max_zoom = traitlets.Float(19.0).tag(sync=True)
    zoom_snap = traitlets.Float(ZOOM_STEP).tag(sync=True)
    #: what the map shows first, whole: (south, west), (north, east)
    fit = traitlets.List([]).tag(sync=True)
    tiles = traitlets.Dict({}).tag(sync=True)
    credit = traitlets.Unicode("").tag(sync=True)
    #: the community's own layers, drawn once: boundary, roads, buildings
    base = traitlets.List([]).tag(sync=True)
    public_spaces = traitlets.Dict({}).tag(sync=True)
    labels = traitlets.List([]).tag(sync=True)
    proposals = traitlets.Dict({}).tag(sync=True)
    agenda = traitlets.Dict({}).tag(sync=True)
    pin = traitlets.List([]).tag(sync=True)
    pin_style = traitlets.Dict(PIN_STYLE).tag(sync=True)
    #: a note opened on the map: lat, lon, html (escaped by whoever builds it), n (a new one)
    popup = traitlets.Dict({}).tag(sync=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._interaction_handlers = []
        self._feature_handlers: dict[str, list] = {}
        self.on_msg(lambda _widget, content, _buffers: self.handle_message(content))

    @traitlets.validate("zoom")
    def _valid_zoom(self, proposal) -> float:
        # any client can send any number: a zoom outside the map's range is the range's end
        zoom = proposal["value"]
        if not math.isfinite(zoom):
            return self.zoom
        return max(self.min_zoom, min(self.max_zoom, zoom))

    def on_interaction(self, callback) -> None:
        """``callback(type="click", coordinates=[lat, lon])`` on a tap on the map, as
        ipyleaflet's map calls it."""
        self._interaction_handlers.append(callback)

    def on_feature_click(self, layer: str, callback) -> None:
        self._feature_handlers.setdefault(layer, []).append(callback)

    def handle_message(self, content) -> None:
        """A message from the browser (or from any client of the kernel)."""
        if not isinstance(content, dict):
            return
        if content.get("event") == "interaction" and content.get("type") == "click":
            for callback in self._interaction_handlers:
                callback(type="click", coordinates=content.get("coordinates"))
        elif content.get("event") == "feature":
            layer, sent_id = content.get("layer"), content.get("id")
            if not isinstance(layer, str) or isinstance(sent_id, bool) \
                    or not isinstance(sent_id, (str, int)):
                return
            for callback in self._feature_handlers.get(layer, []):
                callback(sent_id)


class FeatureLayer:
    """One of the map's clickable layers as the pages use it: its GeoJSON (``data``) and
    ``on_click``."""

    def __init__(self, widget: LeafletMap, name: str, data: dict):
        self.widget, self.name, self.data = widget, name, data

    def on_click(self, callback) -> None:
        """``callback(event="click", feature=..., properties=...)`` with the feature as the
        page drew it (all its properties), found by the id the browser sent; an id the page
        did not draw is no tap."""
        def tapped(sent_id) -> None:
            feature = self.feature(sent_id)
            if feature is not None:
                callback(event="click", feature=feature, properties=feature["properties"])

        self.widget.on_feature_click(self.name, tapped)

    def feature(self, wanted) -> dict | None:
        for feature in self.data.get("features", []):
            if feature_id(feature) == wanted:
                return feature
        return None


class PageMap:
    """The residents' map: the same face as the planners' ``CommunityMap`` for what the pages
    use (``widget``, ``public_spaces``, ``proposals``, ``show_*``, ``legend_html``)."""

    def __init__(self, community, lang: str, basemap: str = "none", height: str = "48vh"):
        self.community = community
        self.lang = lang
        tiles = tile_source(basemap)
        layers = community.layers
        self.widget = LeafletMap(
            center=list(community.center), zoom=float(community.zoom),
            fit=[list(corner) for corner in fit_box(community)], tiles=tiles,
            layout={"height": height, "width": "100%"},
            credit=escape(attribution_text(getattr(community, "folder", None)) or ""),
            base=[layer_spec(layers["boundary"], boundary_style(bool(tiles))),
                  layer_spec(layers["roads"], road_style),
                  layer_spec(layers["buildings"], BUILDING_STYLE)])
        self.widget.add_class("wb-map")
        self.public_spaces = FeatureLayer(self.widget, "public_spaces", {})
        self.proposals = FeatureLayer(self.widget, "proposals", proposal_features([]))
        self.agenda = FeatureLayer(self.widget, "agenda", agenda_features([]))
        self.show_spaces()

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.widget.labels = status_marks(self.community, lang)

    def show_spaces(self) -> None:
        """Draw the community's public spaces (again, after they were edited)."""
        kinds = self.community.kinds
        self.public_spaces.data = self.community.layers["public_spaces"]
        self.widget.public_spaces = layer_spec(
            self.public_spaces.data, lambda f: space_style(kinds, f), SPACE_POINT, SPACE_HOVER)
        self.set_language(self.lang)

    def show_proposals(self, rows: list[dict]) -> None:
        self.proposals.data = proposal_features(rows)
        self.widget.proposals = layer_spec(self.proposals.data, scenario_fill, PROPOSAL_POINT)

    def show_agenda(self, items: list[dict]) -> None:
        self.agenda.data = agenda_features(items)
        self.widget.agenda = layer_spec(self.agenda.data, decision_fill, AGENDA_POINT)

    def show_pin(self, lon: float | None, lat: float | None) -> None:
        self.widget.pin = [] if lon is None or lat is None else [lat, lon]

    def show_popup(self, lat: float, lon: float, html: str) -> None:
        """Open a note on the map at (lat, lon); ``html`` is shown as it is: escape what
        residents wrote in it."""
        self.widget.popup = {"lat": lat, "lon": lon, "html": html,
                             "n": self.widget.popup.get("n", 0) + 1}

    def legend_html(self) -> str:
        return legend_html(self.community, self.lang, bool(self.agenda.data["features"]))


def fit_box(community) -> tuple[tuple[float, float], tuple[float, float]]:
    """The box the map shows whole when it opens: the community with a margin."""
    (south, west), (north, east) = community.bounds_latlon()
    width, height = community_span(community)
    margin_x, margin_y = (width - (east - west)) / 2, (height - (north - south)) / 2
    return (south - margin_y, west - margin_x), (north + margin_y, east + margin_x)
