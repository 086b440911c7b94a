"""What the community maps draw, shared by the planners' map (ipyleaflet,
:mod:`.map_widget`) and the residents' (:mod:`.page_map_widget`): the layers' styles, proposals and
agenda items as GeoJSON, the labels of spaces that are not simply there, the zoom that shows
the whole community, and the legend. Plain Python: no widget library is imported here.
"""

from __future__ import annotations

import math
from html import escape

from workbench import vocabulary

ROAD_STYLE = {
    "primary": {"color": "#8d8d8d", "weight": 7},
    "secondary": {"color": "#a5a5a5", "weight": 5},
    "residential": {"color": "#b8b8b8", "weight": 3.5},
    "footway": {"color": "#9e8a6a", "weight": 2, "dashArray": "4 4"},
}
LAND_COLOUR = "#f4f1e8"


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


def fit_zoom(zoom: float, bounds, span: tuple[float, float], min_zoom: float,
             max_zoom: float) -> float | None:
    """The zoom at which a map now at ``zoom`` showing ``bounds`` ((south, west), (north,
    east)) shows ``span`` (width, height in degrees) whole, in steps of :data:`ZOOM_STEP`;
    None when the bounds a client sent make no sense."""
    try:
        (south, west), (north, east) = bounds
        ratio = min((east - west) / span[0], (north - south) / span[1])
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if not (ratio > 0 and math.isfinite(ratio)):
        return None
    zoom = zoom + math.floor(math.log2(ratio) / ZOOM_STEP) * ZOOM_STEP
    return max(min_zoom, min(max_zoom, zoom))


def community_span(community) -> tuple[float, float]:
    """The community's width and height in degrees, with a margin around it."""
    (south, west), (north, east) = community.bounds_latlon()
    return (east - west) * 1.04, (north - south) * 1.04


def status_marks(community, lang: str) -> list[dict]:
    """A label for each space that is planned, under construction or closed: where it goes
    (above the space's representative point), its text, and its box's size and anchor."""
    from shapely.geometry import shape

    marks = []
    west, _south, east, _north = community.boundary.bounds
    for feature in community.layers["public_spaces"]["features"]:
        label = status_label(lang, feature["properties"])
        if label is None:
            continue
        point = shape(feature["geometry"]).representative_point()
        # Leaflet's own div icon (white, thin border) is the label's box; sized to the text
        # (a Chinese character is about twice a Latin letter) and set above the space, so
        # that the space itself still takes the tap. A space near the west edge has its
        # label reach east, one near the east edge west: it stays on a phone's narrow map
        width = sum(13 if ord(ch) > 0x2e80 else 7 for ch in label) + 10
        share = min(1.0, max(0.0, (point.x - west) / ((east - west) or 1)))
        marks.append({"lat": point.y, "lon": point.x, "title": label,
                      "html": f"<span class='wb-status-label'>{escape(label)}</span>",
                      "size": [width, 18], "anchor": [round(width * share), 30]})
    return marks


def legend_html(community, lang: str, with_agenda: bool) -> str:
    """The legend as compact HTML for below the map: a control on the map would cover half
    of it on a phone."""
    from workbench.i18n import t

    kinds = community.kinds
    features = community.layers["public_spaces"]["features"]
    present = {f["properties"]["kind"] for f in features}
    entries = [(kinds[k][lang], kinds[k]["color"], "square", "") for k in kinds if k in present]
    statuses = {f["properties"].get("status") or "existing" for f in features}
    # a status's key is drawn as the map draws it: its outline (dashed, dotted) or grey
    outlines = {"planned": ";border:2px dashed #555",
                "under_construction": ";border:2px dotted #555", "closed": ""}
    entries += [(t(lang, f"map.status.{status}"),
                 STATUS_STYLE[status].get("fillColor", "#ffffff"), "square",
                 outlines[status]) for status in outlines if status in statuses]
    entries.append((t(lang, "map.buildings"), BUILDING_STYLE["fillColor"], "square", ""))
    entries.append((t(lang, "map.proposals"), "#e41a1c", "dot", ""))
    entries.append((t(lang, "map.your_pin"), PIN_STYLE["fillColor"], "dot", ""))
    if with_agenda:
        entries.append((t(lang, "map.agenda"), DECISION_COLOURS["adopt"], "dot", ""))
    items = "".join(
        f"<span class='wb-key'><i class='wb-{shape}' style='background:{colour}{outline}'>"
        f"</i>{escape(label)}</span>" for label, colour, shape, outline in entries)
    return (f"<div class='wb-legend' aria-label='{escape(t(lang, 'map.legend'))}'>"
            f"{items}</div>")


def scenario_fill(feature: dict) -> dict:
    """A proposal's dot is its scenario's colour."""
    return {"fillColor": next((s["color"] for s in vocabulary.scenarios()
                               if s["code"] == feature["properties"]["scenario"]), "#333333")}


def decision_fill(feature: dict) -> dict:
    """An agenda item's dot is its decision's colour."""
    return {"fillColor": DECISION_COLOURS.get(feature["properties"]["decision"], "#777777")}


def road_style(feature: dict) -> dict:
    return {"opacity": 1, **ROAD_STYLE.get(feature["properties"].get("class"),
                                           ROAD_STYLE["residential"])}


def boundary_style(with_tiles: bool) -> dict:
    """The community's outline; over no tiles, filled with the land's colour."""
    return {"color": "#5d4037", "weight": 2.5, "dashArray": "8 5", "fillColor": LAND_COLOUR,
            "fillOpacity": 0.0 if with_tiles else 1.0}


BUILDING_STYLE = {"color": "#8d8171", "weight": 1, "fillColor": "#d7cfc2", "fillOpacity": 1}
#: public spaces drawn as points (no outline in the data)
SPACE_POINT = {"radius": 9, "fillOpacity": 0.9, "weight": 2}
SPACE_HOVER = {"fillOpacity": 0.8, "weight": 3}
PROPOSAL_POINT = {"radius": 7, "color": "#ffffff", "weight": 2, "fillOpacity": 0.95}
AGENDA_POINT = {"radius": 12, "color": "#1a237e", "weight": 4, "fillOpacity": 0.9}
PIN_STYLE = {"radius": 11, "color": "#000000", "weight": 3, "fillColor": "#ffeb3b",
             "fillOpacity": 0.9}
