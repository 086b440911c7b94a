"""Walking distance from every home to the nearest public space of each kind, along the roads
and paths of the community (:mod:`workbench.geo.network`), and the life-circle thresholds
they are judged by.

- A home is a building's centroid snapped to its nearest road; a public space is reached at
  its edge: points every ``step_m`` along its boundary, each snapped to its nearest road, plus
  any path node inside it (a path through a park enters it).
- One search per kind of space (all the spaces of the kind at once), not one per building.
- Where the layers cannot say more, a straight line, always named so (``method``): a
  community without roads, a building farther than ``walking_access_max_m`` from every road,
  a building whose part of the network reaches no space of the kind (roads that do not
  connect). :attr:`WalkingAnalysis.messages` says which and why.

No widgets, no SQL: the notebook's panel, the CLI and the agenda read this.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

import numpy as np
import pandas as pd
import shapely

from workbench import settings, vocabulary
from workbench.geo import network as nw
from workbench.geo.reach import household_counts
from workbench.i18n import t

__all__ = ["NETWORK", "STRAIGHT", "Threshold", "Message", "Access", "WalkingAnalysis",
           "life_circles", "threshold", "kind_threshold", "life_circle_levels", "kind_label"]

NETWORK = "network"
STRAIGHT = "straight_line"
#: ids named in a message before "and N more"
SHOWN_IDS = 12


@dataclass(frozen=True)
class Threshold:
    """A walking threshold: ``minutes`` and ``metres``, with where the figure comes from
    (``source``: the standard's clause, or "minutes × speed")."""

    minutes: float
    metres: float
    source: str
    code: str = ""

    def label(self, lang: str) -> str:
        return t(lang, "walk.threshold", minutes=f"{self.minutes:g}", metres=f"{self.metres:g}")


@lru_cache(maxsize=1)
def life_circle_levels() -> dict[str, dict]:
    """GB 50180-2018's life circles by code (workbench/data/life_circles.yaml): facilities,
    green space and the kinds of public space each answers for."""
    import yaml

    with open(vocabulary.DATA_DIR / "life_circles.yaml", encoding="utf-8") as f:
        return {level["code"]: level for level in yaml.safe_load(f)["levels"]}


def life_circles() -> list[Threshold]:
    """The 5-, 10- and 15-minute thresholds: the standard's distances
    (standards.yaml), or the ``walking_thresholds_m`` setting's, or minutes × speed."""
    circles = vocabulary.standards()["life_circles"]
    chosen = str(settings.get("walking_thresholds_m") or "").strip().lower()
    speed = float(settings.get("walking_speed_m_per_min"))
    if chosen == "speed":
        return [Threshold(c["minutes"], c["minutes"] * speed,
                          f"{c['minutes']} min × {speed:g} m/min", c["code"]) for c in circles]
    if chosen:
        try:
            metres = [float(x) for x in chosen.split(",")]
        except ValueError:
            raise ValueError(f"walking_thresholds_m must be three distances in metres such as "
                             f"300,500,800, or 'speed'; got {chosen!r}") from None
        if len(metres) != len(circles) or any(not 0 < m <= 5000 for m in metres):
            raise ValueError(f"walking_thresholds_m must be {len(circles)} distances between "
                             f"0 and 5000 m; got {chosen!r}")
        return [Threshold(c["minutes"], m, "WORKBENCH_WALKING_THRESHOLDS_M", c["code"])
                for c, m in zip(circles, metres)]
    return [Threshold(c["minutes"], float(c["walk_m"]), c["source"], c["code"])
            for c in circles]


def threshold(minutes: float) -> Threshold:
    """The threshold for a walk of ``minutes``: a life circle's distance when there is one,
    else minutes × the walking speed setting."""
    if not 0 < float(minutes) <= 60:
        raise ValueError(f"minutes must be between 0 and 60; got {minutes!r}")
    for circle in life_circles():
        if float(circle.minutes) == float(minutes):
            return circle
    speed = float(settings.get("walking_speed_m_per_min"))
    return Threshold(float(minutes), float(minutes) * speed,
                     f"{minutes:g} min × {speed:g} m/min")


def kind_threshold(kind: str) -> Threshold:
    """The life circle a kind of public space answers for (life_circles.yaml ``kinds``);
    the 5-minute one for a kind it does not name."""
    circles = {c.code: c for c in life_circles()}
    for code, level in life_circle_levels().items():
        if kind in level.get("kinds", ()):
            return circles[code]
    return life_circles()[0]


@dataclass(frozen=True)
class Message:
    """Something the planner should know about the layers, as a catalogue key and its
    parameters; ``severity`` is "warning" (a fallback was used) or "note"."""

    key: str
    params: dict = field(default_factory=dict)
    severity: str = "warning"

    def text(self, lang: str) -> str:
        params = dict(self.params)
        if "kind" in params:
            params["kind"] = kind_label(params["kind"], lang)
        return t(lang, f"walk.msg.{self.key}", **params)


def kind_label(kind: str, lang: str) -> str:
    """A kind of public space's name in ``lang`` (its code when the list lacks it)."""
    entry = vocabulary.public_space_kinds().get(kind)
    return entry.get(lang, kind) if entry else kind


def id_list(ids, lang: str = "en") -> str:
    """'7, 9 and 12' in ``lang`` (at most :data:`SHOWN_IDS`, then 'and N more')."""
    ids, sep = [str(i) for i in ids], t(lang, "walk.sep")
    if len(ids) > SHOWN_IDS:
        return t(lang, "walk.more", shown=sep.join(ids[:SHOWN_IDS]), n=len(ids) - SHOWN_IDS)
    if len(ids) <= 1:
        return "".join(ids)
    return t(lang, "walk.and", first=sep.join(ids[:-1]), last=ids[-1])


@dataclass
class Access:
    """Every home's walk to the nearest space of one ``kind``: ``homes`` has id, households
    (NaN where the layer does not say), distance_m, space_id (the nearest) and method
    (:data:`NETWORK` or :data:`STRAIGHT`, per home)."""

    kind: str
    homes: pd.DataFrame
    method: str

    def within(self, metres: float) -> np.ndarray:
        return (self.homes["distance_m"] <= metres).to_numpy()


class WalkingAnalysis:
    """The walking analysis of one community: built once from its layers (GeoDataFrames in
    EPSG:4326: roads, buildings, public_spaces, as :func:`read_layers` gives), asked per
    kind of space. ``progress(fraction, key)`` is told of the long steps."""

    def __init__(self, layers: dict, *, step_m: float = 25.0,
                 access_max_m: float | None = None,
                 progress: Callable[[float, str], None] | None = None):
        self.progress = progress or (lambda fraction, key: None)
        self.access_max_m = float(settings.get("walking_access_max_m")
                                  if access_max_m is None else access_max_m)
        self.step_m = float(step_m)
        self.messages: list[Message] = []
        buildings, spaces = layers["buildings"], layers["public_spaces"]
        anchor = next((f for f in (buildings, spaces, layers.get("boundary"))
                       if f is not None and len(f)), None)
        if anchor is None:
            raise ValueError("the community has no buildings, public spaces or boundary")
        self.crs = nw.metric_crs(anchor)
        homes = buildings.to_crs(self.crs)
        centres = homes.geometry.centroid
        self.homes = pd.DataFrame({
            "id": homes["id"].astype(str).to_numpy() if "id" in homes else
            np.arange(len(homes)).astype(str),
            "households": household_counts(buildings).to_numpy()})
        self.home_xy = np.column_stack([centres.x.to_numpy(), centres.y.to_numpy()]) \
            if len(homes) else np.empty((0, 2))
        self.footprints = homes.geometry.to_numpy()
        self.spaces = spaces.to_crs(self.crs).reset_index(drop=True)
        roads = layers.get("roads")
        roads = roads.to_crs(self.crs) if roads is not None and len(roads) else None
        self.network = None
        if roads is None:
            self.method = STRAIGHT
            self.messages.append(Message("no_roads"))
            return
        self.progress(0.05, "walk.step.network")
        self.network = nw.build_network(roads)
        self.method = NETWORK
        count, lengths = self.network.parts()
        if count > 1:
            self.messages.append(Message("parts", {
                "parts": count, "share": round(100 * lengths.max() / lengths.sum())}))
        self.progress(0.4, "walk.step.snap")
        self._tree = shapely.STRtree(self.network.segments())
        self.home_snap = nw.snap(self.network, self.home_xy, self._tree)
        self.home_access = self.home_snap.access
        far = self.home_access > self.access_max_m
        self.far_from_road = far
        if far.any():
            self.messages.append(Message("far_from_road", {
                "n": int(far.sum()), "metres": f"{self.access_max_m:g}",
                "ids": id_list(self.homes["id"][far])}))
        self.graph = self.place_graph(self.spaces)
        self.progress(0.6, "walk.step.search")

    # -- places on the network ------------------------------------------------------------

    def entrance_points(self, places) -> list[np.ndarray]:
        """Where each place is entered, metres: a point's own position; a polygon's boundary
        every ``step_m`` (at least its vertices' count of points, so a small park gets
        four sides) and the path nodes inside it."""
        out = []
        node_tree = shapely.STRtree(shapely.points(self.network.xy)) \
            if self.network is not None else None
        for geom in places.geometry:
            if geom.geom_type == "Point":
                out.append(np.array([[geom.x, geom.y]]))
                continue
            ring = geom.boundary
            n = max(int(np.ceil(ring.length / self.step_m)), 4)
            points = shapely.line_interpolate_point(ring, np.linspace(0, 1, n, endpoint=False),
                                                    normalized=True)
            xy = shapely.get_coordinates(points)
            if node_tree is not None:
                inside = node_tree.query(geom, predicate="intersects")
                xy = np.vstack([xy, self.network.xy[inside]])
            out.append(xy)
        return out

    def entrance_access(self, places) -> np.ndarray:
        """Each place's shortest straight leg from its edge to a road, metres."""
        return np.array([nw.snap(self.network, xy, self._tree).access.min()
                         for xy in self.entrance_points(places)])

    def place_graph(self, places) -> nw.SearchGraph:
        """The search graph with the homes and these places (each entered at its edge)."""
        entrances = self.entrance_points(places)
        xy = np.vstack([self.home_xy] + entrances) if entrances else self.home_xy
        snapped = nw.snap(self.network, xy, self._tree)
        start, groups = len(self.home_xy), []
        for points in entrances:
            idx = np.arange(start, start + len(points))
            groups.append((idx, np.zeros(len(points))))
            start += len(points)
        return nw.search_graph(self.network, snapped, groups)

    # -- distances ------------------------------------------------------------------------

    def straight_distance(self, places) -> tuple[np.ndarray, np.ndarray]:
        """(metres in a straight line from every home to the nearest of ``places``, its
        index); 0 inside a space."""
        if len(places) == 0 or len(self.home_xy) == 0:
            return np.full(len(self.home_xy), np.inf), np.full(len(self.home_xy), -1)
        tree = shapely.STRtree(places.geometry.to_numpy())
        (home, which), dist = tree.query_nearest(shapely.points(self.home_xy),
                                                 all_matches=False, return_distance=True)
        out, idx = np.full(len(self.home_xy), np.inf), np.full(len(self.home_xy), -1)
        out[home], idx[home] = dist, which
        return out, idx

    def kinds(self) -> list[str]:
        return sorted(self.spaces["kind"].unique()) if "kind" in self.spaces else []

    def access(self, kind: str) -> Access:
        """Every home's walk to the nearest space of ``kind``."""
        chosen = np.flatnonzero((self.spaces["kind"] == kind).to_numpy()) \
            if "kind" in self.spaces else np.zeros(0, dtype=int)
        straight, s_idx = self.straight_distance(self.spaces.iloc[chosen])
        s_idx = np.where(s_idx >= 0, chosen[np.maximum(s_idx, 0)] if len(chosen) else -1, -1)
        homes = self.homes.copy()
        if self.method == STRAIGHT:
            homes["distance_m"], idx = straight, s_idx
            homes["method"] = STRAIGHT
        else:
            dist, which = nw.nearest_source(self.graph, chosen)
            stops = self.graph.stop[:len(self.home_xy)]
            walk = dist[stops] + self.home_snap.access
            idx = which[stops]
            fallback = self.far_from_road | ~np.isfinite(walk)
            fallback &= np.isfinite(straight)
            walk = np.where(fallback, straight, walk)
            idx = np.where(fallback, s_idx, idx)
            homes["distance_m"] = walk
            homes["method"] = np.where(fallback, STRAIGHT, NETWORK)
            cut = ~self.far_from_road & ~np.isfinite(dist[stops]) & np.isfinite(straight)
            if cut.any() and len(chosen):
                self.note(Message("no_path", {"kind": kind, "n": int(cut.sum()),
                                              "ids": id_list(homes["id"][cut])}))
        ids = self.spaces["id"].astype(str).to_numpy() if "id" in self.spaces else None
        homes["space_id"] = [ids[i] if i >= 0 and ids is not None else None for i in idx]
        if not len(chosen):
            self.note(Message("no_space", {"kind": kind}, "note"))
        return Access(kind=kind, homes=homes, method=self.method)

    def note(self, message: Message) -> None:
        if message not in self.messages:
            self.messages.append(message)
