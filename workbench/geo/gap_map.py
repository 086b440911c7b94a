"""The gap map as a picture to take away (PNG): the community drawn from its own layers
(:mod:`workbench.geo.drawing`, readable without web tiles), the area within the walk of the
nearest space of a kind in green, and the buildings outside it in red, numbered by nothing
but their outline (the table beside the picture names them)."""

from __future__ import annotations

from workbench.geo.drawing import draw_layers, draw_scale_bar, figure_png, map_figure
from workbench.geo.projection import PixelProjection

__all__ = ["gap_map_png", "AREA_COLOUR", "GAP_COLOUR"]

AREA_COLOUR = "#2e7d32"
GAP_COLOUR = "#c62828"


def _rings(geometry, proj):
    if geometry is None or geometry.is_empty:
        return
    if geometry.geom_type.startswith("Multi") or geometry.geom_type == "GeometryCollection":
        for part in geometry.geoms:
            yield from _rings(part, proj)
    elif geometry.geom_type == "Polygon":
        yield [proj(*c[:2]) for c in geometry.exterior.coords]


def gap_map_png(community, areas, gaps, title: str) -> bytes:
    """PNG bytes: ``areas`` (GeoDataFrame, WGS-84: the service area) over the community,
    ``gaps`` (the buildings outside it) outlined in red, ``title`` above."""
    from matplotlib.patches import Polygon

    proj = PixelProjection(community.boundary.bounds)
    fig, ax = map_figure(proj)
    draw_layers(ax, community, proj)
    for geometry in areas.geometry:
        for ring in _rings(geometry, proj):
            ax.add_patch(Polygon(ring, closed=True, facecolor=AREA_COLOUR, alpha=0.25,
                                 edgecolor=AREA_COLOUR, linewidth=1))
    for geometry in gaps.geometry:
        for ring in _rings(geometry, proj):
            ax.add_patch(Polygon(ring, closed=True, facecolor=GAP_COLOUR, alpha=0.8,
                                 edgecolor="#7f0000", linewidth=1.2))
    draw_scale_bar(ax, proj)
    ax.text(proj.pad, proj.pad * 0.8, title, fontsize=9, va="bottom", ha="left",
            color="#212121")
    return figure_png(fig)
