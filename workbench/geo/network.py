"""The walking network: a roads layer as a graph in metres, places snapped onto it, and one
shortest-path search from many places at once.

- :func:`build_network`: lines split at their shared vertices and where they cross (a line
  marked ``bridge``, ``tunnel`` or with a ``layer`` other than 0 joins others only at shared
  vertices: a footbridge does not meet the road under it). Every edge is one straight piece,
  so a node's coordinates draw the network.
- :func:`snap`: the nearest point of the network to each point (an edge and the fraction
  along it, and the straight "access" leg from the point to the network).
- :func:`search_graph` and :func:`nearest_source`: the snapped points become nodes (their
  edge split there), every place gets a virtual node with one-way edges to its entrances
  (weighted by the access leg), and one Dijkstra from all the places of a kind
  (``scipy.sparse.csgraph.dijkstra(indices=places, min_only=True)``) gives every node its
  distance to the nearest place and which place that is: one search per kind of space, not
  one per building.

Plain numpy, scipy and shapely; coordinates are metres in a projected CRS (the caller
projects, :func:`metric_crs`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra

__all__ = ["WalkingNetwork", "Snapped", "SearchGraph", "build_network", "metric_crs", "snap",
           "search_graph", "nearest_source", "reach_from"]

#: nodes closer than this (metres) are one node: digitised lines that "meet" rarely share a
#: vertex to the last bit
GRID_M = 0.01
#: scipy's sparse graphs read a stored 0 as "no edge": a zero-length piece weighs this much
TINY_M = 1e-6
#: how far :func:`snap` looks first (most points are this close to a road)
NEAR_M = 60.0


def metric_crs(frame):
    """The CRS to measure a WGS-84 layer in: its UTM zone (metres, below 0.1 % error across a
    community)."""
    return frame.estimate_utm_crs()


@dataclass
class WalkingNetwork:
    """Nodes (``xy``, metres) and undirected straight edges (``u``, ``v``, ``length``);
    ``part`` labels the connected part of each node."""

    xy: np.ndarray
    u: np.ndarray
    v: np.ndarray
    length: np.ndarray
    part: np.ndarray

    @property
    def n_nodes(self) -> int:
        return len(self.xy)

    @property
    def n_edges(self) -> int:
        return len(self.u)

    def segments(self) -> np.ndarray:
        """Edge geometries as shapely LineStrings (for snapping and drawing)."""
        return shapely.linestrings(np.stack([self.xy[self.u], self.xy[self.v]], axis=1))

    def parts(self) -> tuple[int, np.ndarray]:
        """(number of connected parts, total edge length of each part in metres)."""
        n = int(self.part.max()) + 1 if len(self.part) else 0
        return n, np.bincount(self.part[self.u], weights=self.length, minlength=n)


def _raised(roads) -> np.ndarray:
    """Lines that cross others without meeting them (bridges, tunnels, other levels)."""
    raised = np.zeros(len(roads), dtype=bool)
    for col in ("bridge", "tunnel"):
        if col in roads.columns:
            values = roads[col].astype(object).fillna("").astype(str).str.lower()
            raised |= ~values.isin(["", "no", "none", "nan", "false", "0"]).to_numpy()
    if "layer" in roads.columns:
        layer = np.asarray(roads["layer"].apply(_number), dtype=float)
        raised |= np.nan_to_num(layer) != 0
    return raised


def _number(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _pieces(geoms) -> tuple[np.ndarray, np.ndarray]:
    """The straight pieces (a, b) of lines: consecutive vertices of each part."""
    parts = shapely.get_parts(np.asarray(geoms, dtype=object))
    parts = parts[shapely.get_type_id(parts) == 1]          # LineStrings only
    coords, index = shapely.get_coordinates(parts, return_index=True)
    same = index[1:] == index[:-1]
    return coords[:-1][same], coords[1:][same]


def _split_at(a: np.ndarray, b: np.ndarray, points: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
    """Pieces (a, b) split at the points lying on them (within :data:`GRID_M`)."""
    if not len(points) or not len(a):
        return a, b
    tree = shapely.STRtree(shapely.linestrings(np.stack([a, b], axis=1)))
    point, piece = tree.query(shapely.points(points), predicate="dwithin", distance=GRID_M)
    cuts: dict[int, list[np.ndarray]] = {}
    for p, i in zip(point, piece):
        cuts.setdefault(int(i), []).append(points[p])
    if not cuts:
        return a, b
    keep = np.ones(len(a), dtype=bool)
    keep[list(cuts)] = False
    new_a, new_b = [a[keep]], [b[keep]]
    for i, found in cuts.items():
        along = sorted(found, key=lambda q: np.hypot(*(q - a[i])))
        chain = np.array([a[i], *along, b[i]])
        new_a.append(chain[:-1])
        new_b.append(chain[1:])
    return np.concatenate(new_a), np.concatenate(new_b)


def build_network(roads) -> WalkingNetwork:
    """The walking graph of a roads GeoDataFrame already in metres."""
    geoms = roads.geometry.to_numpy()
    raised = _raised(roads)
    pieces = []
    level = geoms[~raised]
    if len(level):
        # union_all nodes the lines: split where they cross as well as at shared vertices
        pieces.append(_pieces([shapely.union_all(level)]))
    if raised.any():
        ends = shapely.get_coordinates(shapely.boundary(geoms[raised]))
        if pieces:   # a bridge's ends join the road they land on, vertex there or not
            pieces[0] = _split_at(*pieces[0], ends)
        pieces.append(_pieces(geoms[raised]))
    a = np.concatenate([p[0] for p in pieces]) if pieces else np.empty((0, 2))
    b = np.concatenate([p[1] for p in pieces]) if pieces else np.empty((0, 2))
    keys = np.round(np.concatenate([a, b]) / GRID_M).astype(np.int64)
    unique, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    xy = unique.astype(float) * GRID_M
    u, v = inverse[:len(a)], inverse[len(a):]
    length = np.hypot(*(xy[v] - xy[u]).T)
    keep = u != v
    u, v, length = np.minimum(u, v)[keep], np.maximum(u, v)[keep], length[keep]
    # the same pair twice (a line drawn twice): keep the shorter
    order = np.lexsort((length, v, u))
    u, v, length = u[order], v[order], length[order]
    first = np.r_[True, (u[1:] != u[:-1]) | (v[1:] != v[:-1])]
    u, v, length = u[first], v[first], length[first]
    n = len(xy)
    graph = csr_matrix((np.ones(len(u)), (u, v)), shape=(n, n))
    _count, part = connected_components(graph, directed=False)
    return WalkingNetwork(xy=xy, u=u, v=v, length=length, part=part)


@dataclass
class Snapped:
    """Points snapped onto a network: the ``edge`` each lands on, ``t`` the fraction along it
    from ``u`` to ``v``, the snapped point ``xy`` and the ``access`` leg in metres."""

    edge: np.ndarray
    t: np.ndarray
    xy: np.ndarray
    access: np.ndarray


def snap(network: WalkingNetwork, xy: np.ndarray, tree=None) -> Snapped:
    """Each point (rows of ``xy``, metres) onto its nearest edge."""
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    if tree is None:
        tree = shapely.STRtree(network.segments())
    points = shapely.points(xy)
    edge = np.full(len(xy), -1, dtype=np.int64)
    # the edges whose boxes are near each point, the nearest picked in numpy (far faster
    # than GEOS's nearest search over many segments); the points with none: unbounded
    boxes = shapely.box(xy[:, 0] - NEAR_M, xy[:, 1] - NEAR_M, xy[:, 0] + NEAR_M,
                        xy[:, 1] + NEAR_M)
    point, near = tree.query(boxes)           # bounding boxes only: no GEOS distance
    _t, gap = _onto(network, xy[point], near) if len(point) else (None, None)
    keep = gap <= NEAR_M if len(point) else np.zeros(0, bool)
    point, near = point[keep], near[keep]
    if len(point):
        gap = gap[keep]
        order = np.lexsort((gap, point))
        first = np.r_[True, point[order][1:] != point[order][:-1]]
        edge[point[order][first]] = near[order][first]
    rest = np.flatnonzero(edge < 0)
    if len(rest):
        found = tree.query_nearest(points[rest], all_matches=False)
        edge[rest[found[0]]] = found[1]
    t, access = _onto(network, xy, edge)
    a, b = network.xy[network.u[edge]], network.xy[network.v[edge]]
    return Snapped(edge=edge, t=t, xy=a + t[:, None] * (b - a), access=access)


def _onto(network: WalkingNetwork, xy: np.ndarray, edge: np.ndarray
          ) -> tuple[np.ndarray, np.ndarray]:
    """(fraction along each edge of the point's projection onto it, distance to it)."""
    a, b = network.xy[network.u[edge]], network.xy[network.v[edge]]
    ab = b - a
    denom = np.maximum((ab * ab).sum(axis=1), TINY_M)
    t = np.clip(((xy - a) * ab).sum(axis=1) / denom, 0.0, 1.0)
    on = a + t[:, None] * ab
    return t, np.hypot(*(xy - on).T)


@dataclass
class SearchGraph:
    """The network with snapped points as nodes and a virtual node per place: ``matrix`` is
    the directed sparse graph, ``stop`` the node of each snapped point, ``place`` the virtual
    node of each place; ``n_real`` nodes before the virtual ones (road nodes and stops)."""

    matrix: csr_matrix
    stop: np.ndarray
    place: np.ndarray
    n_real: int
    edge_u: np.ndarray
    edge_v: np.ndarray
    edge_length: np.ndarray
    node_xy: np.ndarray


def search_graph(network: WalkingNetwork, snapped: Snapped,
                 entrances: list[tuple[np.ndarray, np.ndarray]]) -> SearchGraph:
    """The graph to search: every snapped point is a node (its edge split there, so two
    points on one edge are as far apart as along it), and place ``i`` of ``entrances`` — a
    pair (indices into ``snapped``, extra metres at each, e.g. the walk from the place's edge
    to the road) — is a virtual node with one-way edges to those stops. Paths never pass
    through a place's virtual node."""
    n0, k = network.n_nodes, len(snapped.edge)
    stop = n0 + np.arange(k)
    order = np.lexsort((snapped.t, snapped.edge))
    e, t, ids = snapped.edge[order], snapped.t[order], stop[order]
    first = np.r_[True, e[1:] != e[:-1]] if k else np.zeros(0, bool)
    last = np.r_[e[1:] != e[:-1], True] if k else np.zeros(0, bool)
    length = network.length[e]
    # each stop joins the stop before it on the same edge, or the edge's u
    before = np.where(first, network.u[e], np.r_[-1, ids[:-1]][:k])
    t_before = np.where(first, 0.0, np.r_[0.0, t[:-1]][:k])
    split = np.zeros(network.n_edges, dtype=bool)
    split[e] = True
    eu = np.concatenate([network.u[~split], before, ids[last]])
    ev = np.concatenate([network.v[~split], ids, network.v[e[last]]])
    el = np.concatenate([network.length[~split], (t - t_before) * length,
                         (1.0 - t[last]) * length[last]])
    el = np.maximum(el, TINY_M)
    n_real = n0 + k
    place = n_real + np.arange(len(entrances))
    pu = [np.full(len(idx), p) for p, (idx, _extra) in zip(place, entrances)]
    pv = [stop[np.asarray(idx, dtype=np.int64)] for idx, _extra in entrances]
    pw = [np.asarray(extra, dtype=float) + snapped.access[np.asarray(idx, dtype=np.int64)]
          for idx, extra in entrances]
    cat = (lambda parts, dtype: np.concatenate(parts).astype(dtype) if parts
           else np.zeros(0, dtype))
    rows = np.concatenate([eu, ev, cat(pu, np.int64)])
    cols = np.concatenate([ev, eu, cat(pv, np.int64)])
    weights = np.concatenate([el, el, np.maximum(cat(pw, float), TINY_M)])
    n = n_real + len(entrances)
    # csr sums duplicates; a place's two entrances on one stop keep the shorter instead
    order = np.lexsort((weights, cols, rows))
    rows, cols, weights = rows[order], cols[order], weights[order]
    keep = np.r_[True, (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])] if len(rows) \
        else np.zeros(0, bool)
    matrix = csr_matrix((weights[keep], (rows[keep], cols[keep])), shape=(n, n))
    xy = np.concatenate([network.xy, snapped.xy]) if k else network.xy
    return SearchGraph(matrix=matrix, stop=stop, place=place, n_real=n_real, edge_u=eu,
                       edge_v=ev, edge_length=el, node_xy=xy)


def nearest_source(graph: SearchGraph, places: np.ndarray | None = None
                   ) -> tuple[np.ndarray, np.ndarray]:
    """One search from many places: (distance in metres from every real node to the nearest
    of ``places`` (indices into ``graph.place``; all by default), the index into
    ``graph.place`` of that place, or -1 where none is reachable)."""
    chosen = graph.place if places is None else graph.place[np.asarray(places, dtype=np.int64)]
    n = graph.n_real
    if len(chosen) == 0:
        return np.full(n, np.inf), np.full(n, -1, dtype=np.int64)
    dist, _pred, source = dijkstra(graph.matrix, directed=True, indices=chosen,
                                   min_only=True, return_predecessors=True)
    which = np.full(len(dist), -1, dtype=np.int64)
    ok = source >= 0
    which[ok] = source[ok] - graph.n_real
    return dist[:n], which[:n]


def reach_from(graph: SearchGraph, place: int, limit: float) -> np.ndarray:
    """Distances from one place to every real node, searched no farther than ``limit``
    metres (inf beyond): a service area or a candidate site's reach."""
    dist = dijkstra(graph.matrix, directed=True, indices=int(graph.place[place]),
                    limit=float(limit))
    return dist[:graph.n_real]
