"""The community map as an ipyleaflet widget, drawn from the community's own layers.

No web tiles by default: at a workshop or in a test there may be no internet, and the map
must still make sense. The boundary, roads, buildings and public spaces (coloured by kind,
with a legend) are drawn from the project's GeoJSON; tiles are a setting. The planners' map;
the residents' pages draw the same layers with :mod:`.page_map_widget`.
"""

from __future__ import annotations

from html import escape

from ipyleaflet import (AttributionControl, CircleMarker, DivIcon, GeoJSON, LayerGroup, Map,
                        Marker, TileLayer, basemaps, basemap_to_tiles)

from workbench.layers.map_style import (AGENDA_POINT, BUILDING_STYLE, PIN_STYLE,
                                        PROPOSAL_POINT, SPACE_HOVER, SPACE_POINT, ZOOM_STEP,
                                        agenda_features, boundary_style, community_span,
                                        decision_fill, fit_zoom, legend_html,
                                        proposal_features, road_style, scenario_fill,
                                        space_style, status_marks)
from workbench.layers.sources import attribution_text


def basemap_layer(setting: str):
    """None for 'none'; OSM tiles for 'osm'; else the value is a tile URL template."""
    if not setting or setting == "none":
        return None
    if setting == "osm":
        return basemap_to_tiles(basemaps.OpenStreetMap.Mapnik)
    return TileLayer(url=setting, max_zoom=19, name="basemap")


class CommunityMap:
    """The map widget and the layers the pages update (proposals, the resident's pin)."""

    def __init__(self, community, lang: str, basemap: str = "none", height: str = "48vh"):
        self.community = community
        self.lang = lang
        tiles = basemap_layer(basemap)
        kinds = community.kinds

        self.boundary = GeoJSON(data=community.layers["boundary"], name="boundary",
                                style=boundary_style(bool(tiles)))
        self.roads = GeoJSON(data=community.layers["roads"], name="roads",
                             style_callback=road_style)
        self.buildings = GeoJSON(data=community.layers["buildings"], name="buildings",
                                 style=BUILDING_STYLE)
        self.public_spaces = GeoJSON(
            data=community.layers["public_spaces"], name="public_spaces",
            style_callback=lambda f: space_style(kinds, f), point_style=SPACE_POINT,
            hover_style=SPACE_HOVER)
        # planned, under construction or closed: said in words beside the space too
        self.status_labels = LayerGroup(layers=(), name="space_status")
        self.proposals = GeoJSON(
            data=proposal_features([]), name="proposals",
            # a tap on a proposal opens it and goes on to the map: proposals about a space sit
            # at its centre, where residents tap to propose about that space too
            point_style=PROPOSAL_POINT, style_callback=scenario_fill)
        # items of the published agenda: larger, dark-ringed, so they read apart from
        # the proposals they grew out of
        self.agenda = GeoJSON(data=agenda_features([]), name="agenda",
                              point_style=AGENDA_POINT, style_callback=decision_fill)
        self.pin = CircleMarker(location=community.center, radius=PIN_STYLE["radius"],
                                color=PIN_STYLE["color"], weight=PIN_STYLE["weight"],
                                fill_color=PIN_STYLE["fillColor"],
                                fill_opacity=PIN_STYLE["fillOpacity"], name="pin")
        self.pin_group = LayerGroup(layers=(), name="pin")

        layers = ([tiles] if tiles else []) + [
            self.boundary, self.roads, self.buildings, self.public_spaces, self.status_labels,
            self.proposals, self.agenda, self.pin_group]
        # Passing layers explicitly keeps ipyleaflet from adding its default OSM tiles.
        self.widget = Map(
            layers=tuple(layers), center=community.center, zoom=community.zoom,
            min_zoom=14, max_zoom=19, scroll_wheel_zoom=False, attribution_control=bool(tiles),
            zoom_snap=ZOOM_STEP,
            layout={"height": height, "width": "100%"})
        self.widget.add_class("wb-map")
        # the layers' own licence may ask for credit wherever they are shown (OpenStreetMap's
        # ODbL does): the map says it, with or without tiles
        credit = attribution_text(getattr(community, "folder", None))
        shown = [c for c in self.widget.controls if isinstance(c, AttributionControl)]
        for extra in shown[1:]:  # ipyleaflet 0.20 puts in two: the tiles' credit shown twice
            self.widget.remove(extra)
        if credit and shown:
            shown[0].prefix = escape(credit)
        elif credit:
            self.widget.add(AttributionControl(position="bottomright", prefix=escape(credit)))
        # once the browser tells the map's size (its first bounds), zoom so that the whole
        # community shows: a narrow phone, a zoomed-in browser or a wide screen alike
        self._fitted = False
        self.widget.observe(self._fit_once, names="bounds")
        self.set_language(lang)

    def _fit_once(self, change) -> None:
        if self._fitted:
            return
        zoom = fit_zoom(self.widget.zoom, change.get("new"), community_span(self.community),
                        self.widget.min_zoom, self.widget.max_zoom)
        if zoom is None:
            return
        self._fitted = True
        if zoom != self.widget.zoom:
            self.widget.zoom = zoom

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.show_status_labels()

    def show_spaces(self) -> None:
        """Draw the community's public spaces again (after they were edited)."""
        self.public_spaces.data = self.community.layers["public_spaces"]
        self.show_status_labels()

    def show_status_labels(self) -> None:
        """A label above each space that is planned, under construction or closed."""
        self.status_labels.layers = tuple(
            Marker(location=(m["lat"], m["lon"]), draggable=False, keyboard=False,
                   title=m["title"], icon=DivIcon(html=m["html"], icon_size=m["size"],
                                                  icon_anchor=m["anchor"]))
            for m in status_marks(self.community, self.lang))

    def legend_html(self) -> str:
        return legend_html(self.community, self.lang, bool(self.agenda.data["features"]))

    def show_proposals(self, rows: list[dict]) -> None:
        self.proposals.data = proposal_features(rows)

    def show_agenda(self, items: list[dict]) -> None:
        self.agenda.data = agenda_features(items)

    def show_pin(self, lon: float | None, lat: float | None) -> None:
        if lon is None or lat is None:
            self.pin_group.layers = ()
            return
        self.pin.location = (lat, lon)
        if not self.pin_group.layers:
            self.pin_group.layers = (self.pin,)
