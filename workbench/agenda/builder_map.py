"""The agenda builder's map: the community with its public spaces named, and the first items
of the (filtered) ranking as numbered markers coloured by decision. Clicking a marker chooses
its item (and opens a popup with its title, place and decision); markers close together fan
out around their place so none hides another, the first ranks drawn on top. A legend under
the map says what the colours mean."""

from __future__ import annotations

import math

import ipywidgets as w

from workbench import settings
from workbench.agenda import presenter as show
from workbench.agenda.builder_html import Panel
from workbench.escaping import esc

#: Items numbered on the map (the first by rank of those the filters show).
MAP_LIMIT = 20
#: markers nearer than this (metres) fan out around the first one's place
NEAR_METRES = 60
MARKER_PX = 26
FAN_PX = 24
CANDIDATE_COLOUR = "#263238"
CHOSEN_COLOUR = "#d84315"


def fan_offsets(points: list[tuple[float, float]], near: float = NEAR_METRES
                ) -> list[tuple[float, float]]:
    """A pixel offset for each (lat, lon): (0, 0) for the first of a group of points nearer
    than ``near`` metres to each other, then around it on rings of 6, 12... (in order)."""
    groups: list[tuple[float, float, int]] = []   # lat, lon, members so far
    out = []
    for lat, lon in points:
        for g, (glat, glon, n) in enumerate(groups):
            dy = (lat - glat) * 111_320
            dx = (lon - glon) * 111_320 * math.cos(math.radians(glat))
            if math.hypot(dx, dy) < near:
                groups[g] = (glat, glon, n + 1)
                ring, k = 1, n - 1
                while k >= 6 * ring:
                    k -= 6 * ring
                    ring += 1
                angle = 2 * math.pi * k / (6 * ring) - math.pi / 2
                out.append((FAN_PX * ring * math.cos(angle), FAN_PX * ring * math.sin(angle)))
                break
        else:
            groups.append((lat, lon, 1))
            out.append((0.0, 0.0))
    return out


class AgendaMap(Panel):
    """The map of the builder's items."""

    def __init__(self, builder):
        super().__init__(builder)
        from ipyleaflet import DivIcon, LayerGroup, Marker

        from workbench.layers.map_widget import CommunityMap

        t = self.html.t
        self._key: tuple = ()
        self.markers: dict[int, Marker] = {}
        self._looks: dict[int, tuple | None] = {}
        self.map = CommunityMap(builder.community, builder.lang,
                                basemap=settings.get("basemap"), height="440px")
        self.map.widget.scroll_wheel_zoom = True
        self.map.widget.add_class("wb-agenda-map")
        community = builder.community
        labels = []
        for sid, feature in community.public_spaces.items():
            lon, lat = community.public_space_location(sid)
            name = feature["properties"].get(f"name_{builder.lang}") or sid
            labels.append(Marker(
                location=(lat, lon), draggable=False, keyboard=False, title=name,
                icon=DivIcon(html=f"<span class='wb-space-label'>{esc(name)}</span>",
                             icon_size=[120, 16], icon_anchor=[60, -8])))
        self.space_labels = LayerGroup(layers=tuple(labels), name="space_names")
        self.rank_markers = LayerGroup(layers=(), name="agenda")
        self.map.widget.add(self.space_labels)
        self.map.widget.add(self.rank_markers)
        self.legend_html = w.HTML(self.legend())
        self.box = w.VBox([
            w.HTML(f"<h3>{esc(t('planner.agenda.map'))}</h3><p class='wb-hint'>"
                   f"{esc(t('planner.agenda.map_explain', n=MAP_LIMIT))}</p>"),
            self.map.widget, self.legend_html],
            layout=w.Layout(flex="1 1 480px", min_width="360px"))

    def legend(self) -> str:
        """What the markers' colours and the spaces' colours mean."""
        from workbench.layers.map_style import DECISION_COLOURS

        html, community = self.html, self.builder.community
        lang = self.builder.lang
        keys = [(html.decision_label(None), CANDIDATE_COLOUR, "dot")]
        keys += [(html.decision_label(d), c, "dot") for d, c in DECISION_COLOURS.items()]
        keys.append((self.html.t("planner.agenda.map_chosen"), CHOSEN_COLOUR, "dot"))
        present = {f["properties"]["kind"] for f in community.public_spaces.values()}
        keys += [(k[lang], k["color"], "square") for code, k in community.kinds.items()
                 if code in present]
        return ("<div class='wb-map-legend'>" + "".join(
            f"<span class='wb-key'><i class='wb-{shape}' style='background:{colour}'></i>"
            f"{esc(label)}</span>" for label, colour, shape in keys) + "</div>")

    def draw(self) -> None:
        """Number the first items the list shows, when they or the chosen one changed."""
        builder = self.builder
        visible = builder.list_panel.visible[:MAP_LIMIT]
        ranks = dict(zip(builder.order, range(1, len(builder.order) + 1)))
        placed = [i for i in visible if show.has_place(builder.items[i])]
        key = (tuple(placed), builder.selected_id,
               tuple(builder.items[i].get("decision") for i in placed))
        if key == self._key:
            return
        self._key = key
        from ipyleaflet import DivIcon, Marker

        from workbench.layers.map_style import DECISION_COLOURS

        points = [(float(builder.items[i]["lat"]), float(builder.items[i]["lon"]))
                  for i in placed]
        shown = []
        for item_id, (lat, lon), (dx, dy) in zip(placed, points, fan_offsets(points)):
            item, rank = builder.items[item_id], ranks[item_id]
            chosen = item_id == builder.selected_id
            colour = DECISION_COLOURS.get(item.get("decision"), CANDIDATE_COLOUR)
            css = "wb-rank-marker wb-chosen" if chosen else "wb-rank-marker"
            half = MARKER_PX / 2
            look = (f"<div class='{css}' style='background:{colour}'>{rank}</div>",
                    [round(half - dx), round(half - dy)])
            # the first ranks and the chosen item on top
            z_index = (10_000 if chosen else 0) + (MAP_LIMIT - rank) * 100
            marker = self.markers.get(item_id)
            if marker is None:
                # kept: a marker made again would drop its popup's view before the browser
                # ever showed it
                marker = Marker(location=(lat, lon), draggable=False)
                marker.popup = w.HTML()
                marker.on_click(builder.safe(lambda i=item_id, **_kw: builder.select(i)))
                self.markers[item_id] = marker
                self._looks[item_id] = None
            if self._looks.get(item_id) != look:
                marker.icon = DivIcon(html=look[0], icon_size=[MARKER_PX, MARKER_PX],
                                      icon_anchor=look[1])
                self._looks[item_id] = look
            marker.location = (lat, lon)
            marker.title = f"{rank}. {item['title']}"
            marker.z_index_offset = z_index
            marker.popup.value = self.popup_html(item, rank)
            shown.append(marker)
        self.rank_markers.layers = tuple(shown)

    def popup_html(self, item: dict, rank: int) -> str:
        html, lang = self.html, self.builder.lang
        place = show.place_name(item, lang)
        return (f"<b>{rank}. {esc(item['title'])}</b><br>"
                + (f"{esc(place)}<br>" if place else "")
                + html.badges_html(item))

    def click(self, item_id: int) -> None:
        """What clicking an item's marker does (as the browser would)."""
        marker = self.markers[item_id]
        marker._handle_mouse_events(marker, {"type": "click", "coordinates": marker.location},
                                    [])
