"""The community map as an ipyleaflet widget, drawn from the community's own layers.

No web tiles by default: at a workshop or in a test there may be no internet, and the map
must still make sense. The boundary, roads, buildings and public spaces (coloured by kind,
with a legend) are drawn from the project's GeoJSON; tiles are a setting.
"""

from __future__ import annotations

import math
from html import escape

from ipyleaflet import (AttributionControl, CircleMarker, DivIcon, GeoJSON, LayerGroup, Map,
                        Marker, TileLayer, basemaps, basemap_to_tiles)

from workbench import vocabulary
from workbench.layers.sources import attribution_text

ROAD_STYLE = {
    "primary": {"color": "#8d8d8d", "weight": 7},
    "secondary": {"color": "#a5a5a5", "weight": 5},
    "residential": {"color": "#b8b8b8", "weight": 3.5},
    "footway": {"color": "#9e8a6a", "weight": 2, "dashArray": "4 4"},
}
LAND_COLOUR = "#f4f1e8"


def basemap_layer(setting: str):
    """None for 'none'; OSM tiles for 'osm'; else the value is a tile URL template."""
    if not setting or setting == "none":
        return None
    if setting == "osm":
        return basemap_to_tiles(basemaps.OpenStreetMap.Mapnik)
    return TileLayer(url=setting, max_zoom=19, name="basemap")


def kind_colour(kinds: dict, kind: str) -> str:
    return kinds.get(kind, {}).get("color", "#555555")


#: how a space's status changes its drawing: a planned space has a dashed outline and a faint
#: fill (it is not there yet), one under construction a dotted outline, a closed one is grey
STATUS_STYLE = {
    "existing": {},
    "planned": {"dashArray": "7 5", "weight": 3, "fillOpacity": 0.18},
    "under_construction": {"dashArray": "2 5", "weight": 3, "fillOpacity": 0.35},
    "closed": {"color": "#757575", "fillColor": "#bdbdbd", "fillOpacity": 0.3},
}
#: the words for a status, on the map's labels and in the legend
STATUS_KEYS = {status: f"space.status.{status}" for status in STATUS_STYLE}


def space_style(kinds: dict, feature: dict) -> dict:
    """A public space's style on the map: its kind's colour, changed by its status."""
    p = feature["properties"]
    colour = kind_colour(kinds, p.get("kind"))
    return {"color": colour, "weight": 2, "fillColor": colour, "fillOpacity": 0.55,
            **STATUS_STYLE.get(p.get("status") or "existing", {})}


def status_label(lang: str, properties: dict) -> str | None:
    """"name · planned" for a space that is not simply there (planned, under construction,
    closed); None for an existing one."""
    from workbench.i18n import t

    status = properties.get("status") or "existing"
    if status == "existing" or status not in STATUS_KEYS:
        return None
    name = properties.get(f"name_{lang}") or properties.get("id", "")
    return f"{name} · {t(lang, STATUS_KEYS[status])}"


def proposal_features(rows: list[dict]) -> dict:
    """Proposal rows as a GeoJSON FeatureCollection for the map (public fields only)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": row["id"],
                "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
                "properties": {"id": row["id"], "title": row["title"],
                               "scenario": row["scenario"]},
            }
            for row in rows
        ],
    }


#: the finest zoom the map takes: the whole community fits a narrow phone without showing it
#: at half the size a whole step would
ZOOM_STEP = 0.25

#: colours of agenda decisions, on the map and in the lists
DECISION_COLOURS = {"adopt": "#2e7d32", "defer": "#f9a825", "decline": "#757575"}


def agenda_features(items: list[dict]) -> dict:
    """Located items of a published agenda as GeoJSON (rank, title, decision)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": item["id"],
             "geometry": {"type": "Point", "coordinates": [item["lon"], item["lat"]]},
             "properties": {"id": item["id"], "rank": item["rank"], "title": item["title"],
                            "decision": item["decision"]}}
            for item in items if item.get("lon") is not None and item.get("lat") is not None
        ],
    }


class CommunityMap:
    """The map widget and the layers the pages update (proposals, the resident's pin)."""

    def __init__(self, community, lang: str, basemap: str = "none", height: str = "48vh"):
        self.community = community
        self.lang = lang
        tiles = basemap_layer(basemap)
        kinds = community.kinds

        self.boundary = GeoJSON(
            data=community.layers["boundary"], name="boundary",
            style={"color": "#5d4037", "weight": 2.5, "dashArray": "8 5",
                   "fillColor": LAND_COLOUR, "fillOpacity": 0.0 if tiles else 1.0})
        self.roads = GeoJSON(
            data=community.layers["roads"], name="roads",
            style_callback=lambda f: {"opacity": 1, **ROAD_STYLE.get(
                f["properties"].get("class"), ROAD_STYLE["residential"])})
        self.buildings = GeoJSON(
            data=community.layers["buildings"], name="buildings",
            style={"color": "#8d8171", "weight": 1, "fillColor": "#d7cfc2", "fillOpacity": 1})
        self.public_spaces = GeoJSON(
            data=community.layers["public_spaces"], name="public_spaces",
            style_callback=lambda f: space_style(kinds, f),
            point_style={"radius": 9, "fillOpacity": 0.9, "weight": 2},
            hover_style={"fillOpacity": 0.8, "weight": 3})
        # planned, under construction or closed: said in words beside the space too
        self.status_labels = LayerGroup(layers=(), name="space_status")
        self.proposals = GeoJSON(
            data=proposal_features([]), name="proposals",
            # a tap on a proposal opens it and goes on to the map: proposals about a space sit
            # at its centre, where residents tap to propose about that space too
            point_style={"radius": 7, "color": "#ffffff", "weight": 2, "fillOpacity": 0.95},
            style_callback=lambda f: {"fillColor": next(
                (s["color"] for s in vocabulary.scenarios()
                 if s["code"] == f["properties"]["scenario"]), "#333333")})
        # items of the published agenda: larger, dark-ringed, so they read apart from
        # the proposals they grew out of
        self.agenda = GeoJSON(
            data=agenda_features([]), name="agenda",
            point_style={"radius": 12, "color": "#1a237e", "weight": 4, "fillOpacity": 0.9},
            style_callback=lambda f: {"fillColor": DECISION_COLOURS.get(
                f["properties"]["decision"], "#777777")})
        self.pin = CircleMarker(location=community.center, radius=11, color="#000000",
                                weight=3, fill_color="#ffeb3b", fill_opacity=0.9, name="pin")
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
        bounds = change.get("new")
        if self._fitted or not bounds or len(bounds) != 2:
            return
        try:
            (south, west), (north, east) = bounds
            ratio = min((east - west) / self._span()[0], (north - south) / self._span()[1])
        except (TypeError, ValueError, ZeroDivisionError):
            return
        if not (ratio > 0 and math.isfinite(ratio)):
            return
        self._fitted = True
        zoom = self.widget.zoom + math.floor(math.log2(ratio) / ZOOM_STEP) * ZOOM_STEP
        zoom = max(self.widget.min_zoom, min(self.widget.max_zoom, zoom))
        if zoom != self.widget.zoom:
            self.widget.zoom = zoom

    def _span(self) -> tuple[float, float]:
        """The community's width and height in degrees, with a margin around it."""
        (south, west), (north, east) = self.community.bounds_latlon()
        return (east - west) * 1.04, (north - south) * 1.04

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.show_status_labels()

    def show_spaces(self) -> None:
        """Draw the community's public spaces again (after they were edited)."""
        self.public_spaces.data = self.community.layers["public_spaces"]
        self.show_status_labels()

    def show_status_labels(self) -> None:
        """A label above each space that is planned, under construction or closed."""
        from shapely.geometry import shape

        markers = []
        west, _south, east, _north = self.community.boundary.bounds
        for feature in self.community.layers["public_spaces"]["features"]:
            label = status_label(self.lang, feature["properties"])
            if label is None:
                continue
            point = shape(feature["geometry"]).representative_point()
            # Leaflet's own div icon (white, thin border) is the label's box; sized to the
            # text (a Chinese character is about twice a Latin letter) and set above the
            # space, so that the space itself still takes the tap. A space near the west
            # edge has its label reach east, one near the east edge west: it stays on a
            # phone's narrow map
            width = sum(13 if ord(ch) > 0x2e80 else 7 for ch in label) + 10
            share = min(1.0, max(0.0, (point.x - west) / ((east - west) or 1)))
            icon = DivIcon(html=f"<span class='wb-status-label'>{escape(label)}</span>",
                           icon_size=[width, 18], icon_anchor=[round(width * share), 30])
            markers.append(Marker(location=(point.y, point.x), icon=icon, draggable=False,
                                  keyboard=False, title=label))
        self.status_labels.layers = tuple(markers)

    def legend_html(self) -> str:
        """The legend as compact HTML for below the map: a control on the map would cover
        half of it on a phone."""
        from workbench.i18n import t

        lang = self.lang
        kinds = self.community.kinds
        present = {f["properties"]["kind"]
                   for f in self.community.layers["public_spaces"]["features"]}
        entries = [(kinds[k][lang], kinds[k]["color"], "square", "")
                   for k in kinds if k in present]
        statuses = {f["properties"].get("status") or "existing"
                    for f in self.community.layers["public_spaces"]["features"]}
        # a status's key is drawn as the map draws it: its outline (dashed, dotted) or grey
        outlines = {"planned": ";border:2px dashed #555",
                    "under_construction": ";border:2px dotted #555", "closed": ""}
        entries += [(t(lang, f"map.status.{status}"),
                     STATUS_STYLE[status].get("fillColor", "#ffffff"), "square",
                     outlines[status]) for status in outlines if status in statuses]
        entries.append((t(lang, "map.buildings"), "#d7cfc2", "square", ""))
        entries.append((t(lang, "map.proposals"), "#e41a1c", "dot", ""))
        entries.append((t(lang, "map.your_pin"), "#ffeb3b", "dot", ""))
        if self.agenda.data["features"]:
            entries.append((t(lang, "map.agenda"), DECISION_COLOURS["adopt"], "dot", ""))
        items = "".join(
            f"<span class='wb-key'><i class='wb-{shape}' style='background:{colour}{outline}'>"
            f"</i>{escape(label)}</span>" for label, colour, shape, outline in entries)
        return (f"<div class='wb-legend' aria-label='{escape(t(lang, 'map.legend'))}'>"
                f"{items}</div>")

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
