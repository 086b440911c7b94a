"""What the HTML and the DOCX report both show besides the items' facts: the report's own
words (``report.agenda.*``), the document's heading lines, and the map with a numbered marker
for every located item (the map itself is drawn by :mod:`workbench.geo.drawing`)."""

from __future__ import annotations

from workbench import i18n
from workbench.agenda.presenter import decision_label, format_date, ranked_items
from workbench.geo.drawing import (community_svg, draw_layers, draw_scale_bar, figure_png,
                                    map_figure, marker_positions)
from workbench.geo.projection import PixelProjection, bounds_around, located
from workbench.escaping import esc

DECISIONS = ("adopt", "defer", "decline")
DECISION_COLOURS = {"adopt": "#2e7d32", "defer": "#e65100", "decline": "#616161"}
#: an item whose decision has no colour of its own
OTHER_COLOUR = "#1565c0"


def text(lang: str, key: str, **params) -> str:
    """The report's own words (``report.agenda.<key>``)."""
    return i18n.t(lang, f"report.agenda.{key}", **params)


def check_language(lang: str) -> None:
    if lang not in i18n.LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {i18n.LANGUAGES}")


def community_name(snapshot: dict, community, lang: str) -> str:
    name = (snapshot.get("community") or {}).get("name") or getattr(community, "name", {}) or {}
    return name.get(lang) or name.get("zh") or name.get("en") or ""


def document_title(snapshot: dict, community, lang: str) -> str:
    """测试社区 · 社区公共议程 (the title alone when the community has no name)."""
    name = community_name(snapshot, community, lang)
    return f"{name} · {text(lang, 'title')}" if name else text(lang, "title")


def version_line(snapshot: dict, lang: str) -> str:
    return text(lang, "version", version=snapshot.get("version", "–"))


def published_line(snapshot: dict, lang: str) -> str:
    return text(lang, "published", date=format_date(snapshot.get("published_at"), lang),
                by=snapshot.get("published_by") or "–")


def decision_counts(items: list[dict], lang: str) -> list[tuple[str, str, int]]:
    """(decision, its label, how many items have it) for each decision."""
    return [(d, decision_label(lang, d), sum(1 for i in items if i.get("decision") == d))
            for d in DECISIONS]


def unlocated_line(items: list[dict], lang: str) -> str:
    """The items not on the map, named; empty when every item has a place."""
    unlocated = [i for i in items if not located(i)]
    if not unlocated:
        return ""
    return text(lang, "unlocated", items=", ".join(f"{i.get('rank')}. {i.get('title')}"
                                                   for i in unlocated))


# -- the map ------------------------------------------------------------------------------------
def _markers_svg(items: list[dict], proj) -> str:
    """A numbered marker (the item's rank, in its decision's colour) for every located item,
    linking to the item; markers moved apart are joined to their place by a short line."""
    parts = []
    markers = marker_positions([i for i in items if located(i)], proj)
    for item, x, y, mx, my in markers:
        if (mx, my) != (x, y):
            parts.append(f'<path d="M{x:.1f},{y:.1f} L{mx:.1f},{my:.1f}" stroke="#333" '
                         f'stroke-width="1"/><circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" '
                         f'fill="#333"/>')
    for item, x, y, mx, my in markers:
        colour = DECISION_COLOURS.get(item.get("decision"), OTHER_COLOUR)
        parts.append(
            f'<a class="marker" href="#item-{esc(item["id"])}" data-item="{esc(item["id"])}">'
            f'<title>{esc(item.get("rank"))}. {esc(item.get("title"))}</title>'
            f'<circle cx="{mx:.1f}" cy="{my:.1f}" r="13" fill="{colour}" stroke="#fff" '
            f'stroke-width="2"/>'
            f'<text x="{mx:.1f}" y="{my + 5:.1f}" font-size="14" font-weight="700" '
            f'fill="#fff" text-anchor="middle">{esc(item.get("rank"))}</text></a>')
    return "".join(parts)


def map_svg(snapshot: dict, community, lang: str = "zh") -> str:
    """The community's boundary, roads, buildings and public spaces as inline SVG, with a
    numbered marker (the item's rank) for every located item, linking to the item."""
    items = ranked_items(snapshot)
    proj = PixelProjection(bounds_around(community, items))
    return community_svg(community, proj, i18n.t(lang, "map.community_map"),
                         css_class="agenda-map", overlay=_markers_svg(items, proj))


def map_png(snapshot: dict, community, lang: str = "zh", dpi: int = 200) -> bytes:
    """The same map drawn by matplotlib, as PNG bytes (for the DOCX)."""
    from matplotlib.patches import Circle

    from workbench.surveys.charts import use_cjk_font

    use_cjk_font()
    items = ranked_items(snapshot)
    proj = PixelProjection(bounds_around(community, items))
    fig, ax = map_figure(proj)
    draw_layers(ax, community, proj)
    for item, x, y, mx, my in marker_positions([i for i in items if located(i)], proj):
        if (mx, my) != (x, y):
            ax.plot([x, mx], [y, my], color="#333333", linewidth=0.8)
            ax.add_patch(Circle((x, y), 2.5, color="#333333"))
        ax.add_patch(Circle((mx, my), 13, facecolor=DECISION_COLOURS.get(
            item.get("decision"), OTHER_COLOUR), edgecolor="white", linewidth=1.5, zorder=5))
        ax.text(mx, my, str(item.get("rank")), color="white", fontsize=8, fontweight="bold",
                ha="center", va="center", zorder=6)
    draw_scale_bar(ax, proj)
    return figure_png(fig, dpi)
