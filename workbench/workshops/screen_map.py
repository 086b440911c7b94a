"""The workshop screen's live map: the community's own layers as SVG (drawn once, the agenda
report's drawing), with the workshop's proposals as numbered dots in a second, small SVG laid
over it, and the latest proposals listed under it.

A new proposal costs one short widget update of the dots, not a map redraw, and nothing is
fetched from the internet.
"""

from __future__ import annotations

import time

from workbench import i18n, vocabulary
from workbench.geo.drawing import community_svg, marker_positions
from workbench.geo.projection import PixelProjection, bounds_around
from workbench.escaping import esc

#: proposals listed under the map, newest first
LATEST_SHOWN = 3
#: a proposal counts as new (a ring pulses round its dot) this long after it appeared
NEW_SECONDS = 8.0
#: radius of a proposal's dot on the map, in the map's own units (760 across)
PIN_RADIUS = 19
#: a scenario without a colour of its own
NO_COLOUR = "#333333"


def base_map(community, lang: str) -> tuple[PixelProjection, str]:
    """The community's layers as SVG and the projection the dots are placed with."""
    projection = PixelProjection(bounds_around(community, []))
    svg = community_svg(community, projection, i18n.t(lang, "map.community_map"),
                        css_class="agenda-map")
    return projection, svg


def dots_svg(proposals: list[dict], projection: PixelProjection,
             seen_at: dict[int, float]) -> str:
    """The proposals with a place as numbered dots (numbered in the order they came), in the
    base map's coordinates; a ring pulses round those that appeared in the last
    :data:`NEW_SECONDS` (``seen_at``: when the screen first saw each, by id)."""
    colours = {s["code"]: s["color"] for s in vocabulary.scenarios()}
    now = time.monotonic()
    numbered = [dict(p, number=n) for n, p in enumerate(proposals, start=1)
                if p.get("lon") is not None and p.get("lat") is not None]
    pins = []
    for p, _x, _y, mx, my in marker_positions(numbered, projection, gap=2 * PIN_RADIUS + 4):
        new = now - seen_at.get(p["id"], 0) < NEW_SECONDS
        ring = (f"<circle class='wb-ring' cx='{mx:.1f}' cy='{my:.1f}' r='{PIN_RADIUS}'/>"
                if new else "")
        pins.append(
            f"<g class='wb-pin{' wb-new' if new else ''}' data-proposal='{p['id']}'>"
            f"<title>{p['number']}. {esc(p['title'])}</title>{ring}"
            f"<circle class='wb-dot' cx='{mx:.1f}' cy='{my:.1f}' r='{PIN_RADIUS}' "
            f"fill='{colours.get(p['scenario'], NO_COLOUR)}'/>"
            f"<text x='{mx:.1f}' y='{my + 7:.1f}'>{p['number']}</text></g>")
    return (f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {projection.width:.0f} "
            f"{projection.height:.0f}' role='img'>{''.join(pins)}</svg>")


def map_heading_html(count: int, lang: str) -> str:
    return (f"<div class='wb-panel-h'>{esc(i18n.t(lang, 'workshop.map_heading'))} · "
            f"<span class='wb-n' data-proposals='{count}'>{count}</span></div>")


def latest_html(proposals: list[dict], lang: str) -> str:
    """The newest :data:`LATEST_SHOWN` proposals with their number and scenario."""
    if not proposals:
        return f"<div class='wb-empty'>{esc(i18n.t(lang, 'workshop.map_empty'))}</div>"
    colours = {s["code"]: s["color"] for s in vocabulary.scenarios()}
    rows = []
    for n in range(len(proposals), max(0, len(proposals) - LATEST_SHOWN), -1):
        p = proposals[n - 1]
        colour = colours.get(p["scenario"], NO_COLOUR)
        rows.append(f"<div><span class='wb-num' style='background:{colour}'>{n}</span>"
                    f"{esc(p['title'])} · "
                    f"{esc(vocabulary.scenario_label(p['scenario'], lang))}</div>")
    return "".join(rows)
