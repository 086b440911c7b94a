"""How the resident page names a place a resident picked: the public space by its name and
kind when the tap meant one (:func:`workbench.geo.tapping.space_at_tap`), else the point's
coordinates. The proposal form and a survey's map question say it the same way, and read a
tap the same way (:func:`tapped_point`)."""

from __future__ import annotations

import math

from workbench import i18n
from workbench.geo.tapping import metres_per_pixel, space_at_tap
from workbench.proposals.rules import finite_number

#: the zoom a tap is judged at when the map's own is unknown (the page's map opens near it)
DEFAULT_ZOOM = 16


def tapped_point(event: dict) -> tuple[float, float] | None:
    """(lon, lat) of a map click as the map widget delivers it (``coordinates``: [lat, lon]),
    or None when it is not a click with two finite numbers: any client of the kernel can
    send any value there."""
    if not isinstance(event, dict) or event.get("type") != "click":
        return None
    where = event.get("coordinates")
    if not isinstance(where, (list, tuple)) or len(where) != 2:
        return None
    lat, lon = (finite_number(v) for v in where)
    return None if lat is None or lon is None else (lon, lat)


def space_tapped(community, lon: float, lat: float, zoom: float | None) -> str | None:
    """The public space a tap at (lon, lat) on a map at ``zoom`` means, or None."""
    if not (math.isfinite(lon) and math.isfinite(lat) and abs(lat) < 90):
        return None
    return space_at_tap(community, lon, lat, metres_per_pixel(lat, zoom or DEFAULT_ZOOM))


def place_text(community, lang: str, lon: float, lat: float, space_id: str | None) -> str:
    """The place line's text (not escaped): "Central pocket park (pocket park)" for a space,
    else "Point on the map (lat, lon)"."""
    space = community.public_spaces.get(space_id or "")
    if space is None:
        return i18n.t(lang, "form.place_point", lat=lat, lon=lon)
    p = space["properties"]
    kind = community.kinds.get(p["kind"], {}).get(lang, p["kind"])
    return i18n.t(lang, "form.place_space", space=p.get(f"name_{lang}") or space_id,
                  kind=kind)
