"""The community drawn from its own layers: boundary, public spaces, buildings and roads, as
inline SVG (reports, the workshop screen) or with matplotlib (PNG for Word documents and
workshop records). No tiles, no fonts or scripts fetched: it reads offline and prints.

Numbered markers are laid out apart (:func:`marker_positions`); what they mean and their
colours belong to the caller (agenda items, workshop proposals).
"""

from __future__ import annotations

import html
import io
import math

from workbench.geo.projection import PixelProjection

__all__ = ["MAP_STYLE", "ROAD_WIDTHS", "svg_path", "marker_positions", "scale",
           "scale_bar_svg", "community_svg", "layers_svg", "map_figure", "draw_layers",
           "draw_scale_bar", "figure_png"]

MAP_STYLE = {
    "boundary": {"fill": "#f7f7f2", "stroke": "#333333", "width": 1.5},
    "public_spaces": {"fill": "#c7e9c0", "stroke": "#41ab5d", "width": 0.8},
    "buildings": {"fill": "#d9d9d9", "stroke": "#969696", "width": 0.5},
    "roads": {"stroke": "#b0b0b0"},
}
ROAD_WIDTHS = {"primary": 6.0, "secondary": 4.5, "residential": 3.0, "footway": 1.5}
#: SVG pixels to matplotlib points at the PNG's figure size
LINE_SCALE = 0.6


def svg_path(geometry, proj) -> str:
    kind = geometry.geom_type
    if kind.startswith("Multi") or kind == "GeometryCollection":
        return " ".join(svg_path(g, proj) for g in geometry.geoms)
    if kind == "Polygon":
        rings = [geometry.exterior] + list(geometry.interiors)
        return " ".join("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in
                                         (proj(*c[:2]) for c in ring.coords)) + " Z"
                        for ring in rings)
    if kind == "LineString":
        return "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in
                               (proj(*c[:2]) for c in geometry.coords))
    return ""


def marker_positions(items: list[dict], proj, gap: float = 28) -> list[tuple]:
    """(item, true x, y, marker x, y): markers closer than ``gap`` pixels are moved apart
    around the place they mark (a short line joins them)."""
    placed = []
    for item in items:
        x, y = proj(item["lon"], item["lat"])
        mx, my = x, y
        step = 0
        while any(math.hypot(mx - px, my - py) < gap for _, _, _, px, py in placed):
            step += 1
            angle = -math.pi / 2 + step * 2 * math.pi / 6
            radius = gap * (1 + (step - 1) // 6)
            mx, my = x + radius * math.cos(angle), y + radius * math.sin(angle)
        placed.append((item, x, y, mx, my))
    return placed


def scale(proj) -> tuple[float, str, float, float]:
    """A round length for the scale bar: (pixels, label, x, y of its left end)."""
    target = proj.width / 5 / proj.px_per_m
    metres = max((m for m in (10, 20, 50, 100, 200, 500, 1000, 2000) if m <= target),
                 default=10)
    label = f"{metres} m" if metres < 1000 else f"{metres // 1000} km"
    return metres * proj.px_per_m, label, proj.pad, proj.map_height + 16


def scale_bar_svg(proj) -> str:
    length, label, x0, y0 = scale(proj)
    return (f'<g class="scale"><path d="M{x0:.1f},{y0 - 5:.1f} V{y0:.1f} H{x0 + length:.1f} '
            f'V{y0 - 5:.1f}" fill="none" stroke="#333" stroke-width="1.5"/>'
            f'<text x="{x0 + length + 6:.1f}" y="{y0:.1f}" font-size="13">{label}</text></g>'
            f'<g class="north" transform="translate({proj.width - proj.pad - 20:.1f},'
            f'{y0 - 12:.1f})"><path d="M0,0 L5,13 L0,10 L-5,13 Z" fill="#333"/>'
            f'<text x="9" y="12" font-size="13">N</text></g>')


def layers_svg(community, proj: PixelProjection) -> str:
    """The community's boundary, public spaces, buildings and roads as SVG elements."""
    from shapely.geometry import shape

    parts = []
    style = MAP_STYLE["boundary"]
    for f in community.layers["boundary"]["features"]:
        parts.append(f'<path d="{svg_path(shape(f["geometry"]), proj)}" fill="{style["fill"]}" '
                     f'stroke="{style["stroke"]}" stroke-width="{style["width"]}"/>')
    style = MAP_STYLE["public_spaces"]
    for f in community.layers["public_spaces"]["features"]:
        geometry = shape(f["geometry"])
        if geometry.geom_type == "Point":
            x, y = proj(geometry.x, geometry.y)
            parts.append(f'<rect class="space" x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" '
                         f'height="10" fill="{style["fill"]}" stroke="{style["stroke"]}"/>')
        else:
            parts.append(f'<path class="space" d="{svg_path(geometry, proj)}" '
                         f'fill="{style["fill"]}" stroke="{style["stroke"]}" '
                         f'stroke-width="{style["width"]}" fill-rule="evenodd"/>')
    style = MAP_STYLE["buildings"]
    for f in community.layers["buildings"]["features"]:
        parts.append(f'<path d="{svg_path(shape(f["geometry"]), proj)}" fill="{style["fill"]}" '
                     f'stroke="{style["stroke"]}" stroke-width="{style["width"]}" '
                     f'fill-rule="evenodd"/>')
    for f in sorted(community.layers["roads"]["features"],
                    key=lambda f: -ROAD_WIDTHS.get(f["properties"].get("class"), 2)):
        road_class = f["properties"].get("class")
        dash = ' stroke-dasharray="4 3"' if road_class == "footway" else ""
        parts.append(f'<path d="{svg_path(shape(f["geometry"]), proj)}" fill="none" '
                     f'stroke="{MAP_STYLE["roads"]["stroke"]}" stroke-linecap="round" '
                     f'stroke-width="{ROAD_WIDTHS.get(road_class, 2)}"{dash}/>')
    return "".join(parts)


def community_svg(community, proj: PixelProjection, label: str, css_class: str = "",
                  overlay: str = "") -> str:
    """A whole ``<svg>``: the layers, then ``overlay`` (markers, already SVG), then the scale
    bar and north arrow. ``label`` is its accessible name (escaped here)."""
    css = f' class="{html.escape(css_class)}"' if css_class else ""
    return (f'<svg{css} xmlns="http://www.w3.org/2000/svg" role="img" '
            f'width="{proj.width:.0f}" height="{proj.height:.0f}" '
            f'viewBox="0 0 {proj.width:.0f} {proj.height:.0f}" '
            f'aria-label="{html.escape(label, quote=True)}">'
            + layers_svg(community, proj) + overlay + scale_bar_svg(proj) + "</svg>")


# -- the same map with matplotlib ------------------------------------------------------------
def map_figure(proj: PixelProjection):
    """A matplotlib figure and axes in the projection's pixels (y down)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.0, 7.0 * proj.height / proj.width))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, proj.width)
    ax.set_ylim(proj.height, 0)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return fig, ax


def draw_layers(ax, community, proj: PixelProjection) -> None:
    """The community's layers on matplotlib axes made by :func:`map_figure`."""
    from matplotlib.patches import Polygon
    from shapely.geometry import shape

    def polygons(geometry):
        if geometry.geom_type.startswith("Multi"):
            for g in geometry.geoms:
                yield from polygons(g)
        elif geometry.geom_type == "Polygon":
            yield [proj(*c[:2]) for c in geometry.exterior.coords]

    def lines(geometry):
        if geometry.geom_type.startswith("Multi"):
            for g in geometry.geoms:
                yield from lines(g)
        elif geometry.geom_type == "LineString":
            yield [proj(*c[:2]) for c in geometry.coords]

    for layer in ("boundary", "public_spaces", "buildings"):
        style = MAP_STYLE[layer]
        for f in community.layers[layer]["features"]:
            geometry = shape(f["geometry"])
            if geometry.geom_type == "Point":
                x, y = proj(geometry.x, geometry.y)
                ax.add_patch(Polygon([(x - 5, y - 5), (x + 5, y - 5), (x + 5, y + 5),
                                      (x - 5, y + 5)], facecolor=style["fill"],
                                     edgecolor=style["stroke"], linewidth=0.5))
            for ring in polygons(geometry):
                ax.add_patch(Polygon(ring, closed=True, facecolor=style["fill"],
                                     edgecolor=style["stroke"],
                                     linewidth=style["width"] * LINE_SCALE))
    for f in community.layers["roads"]["features"]:
        road_class = f["properties"].get("class")
        for line in lines(shape(f["geometry"])):
            xs, ys = zip(*line)
            ax.plot(xs, ys, color=MAP_STYLE["roads"]["stroke"], solid_capstyle="round",
                    linewidth=ROAD_WIDTHS.get(road_class, 2) * LINE_SCALE,
                    linestyle=(0, (4, 3)) if road_class == "footway" else "-")


def draw_scale_bar(ax, proj: PixelProjection) -> None:
    length, label, x0, y0 = scale(proj)
    ax.plot([x0, x0, x0 + length, x0 + length], [y0 - 5, y0, y0, y0 - 5], color="#333333",
            linewidth=1)
    ax.text(x0 + length + 5, y0, label, fontsize=7, va="bottom")
    ax.annotate("N", xy=(proj.width - proj.pad - 20, y0 - 12),
                xytext=(proj.width - proj.pad - 20, y0 + 2), fontsize=7, ha="center",
                va="top", arrowprops={"arrowstyle": "-|>", "color": "#333333",
                                     "mutation_scale": 12})


def figure_png(fig, dpi: int = 200) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()
