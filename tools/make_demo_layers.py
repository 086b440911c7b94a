#!/usr/bin/env python3
"""Generate the fictional demo community "和光未来社区 / Heguang Future Community".

Writes WGS-84 GeoJSON layers (RFC 7946) plus community.yaml into layers/demo/.
The output is fully deterministic: the layout is designed by hand in a local
metric frame (metres east/north of the community centre) and converted to
longitude/latitude with a local equirectangular approximation:

    1 degree of latitude  = 110,574 m
    1 degree of longitude = 111,320 m * cos(latitude of the centre)

Coordinates are rounded to 6 decimals (about 0.1 m). Polygons follow the
right-hand rule (exterior ring counter-clockwise).

Usage (from the repository root):

    python tools/make_demo_layers.py

Dependencies: the Python standard library and shapely.
All names are invented; any likeness to a real place is coincidence.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from shapely import affinity
from shapely.geometry import LineString, Point, Polygon, box
from shapely.geometry.polygon import orient

OUT_DIR = Path(__file__).resolve().parent.parent / "layers" / "demo"

# Community centre (WGS-84) and local metric conversion factors.
LAT0 = 30.3005
LON0 = 120.1545
M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON = 111_320.0 * math.cos(math.radians(LAT0))
NDIGITS = 6

COMMUNITY = {
    "id": "heguang",
    "name_zh": "和光未来社区",
    "name_en": "Heguang Future Community",
}

# ---------------------------------------------------------------------------
# Coordinate helpers
# ---------------------------------------------------------------------------


def to_lonlat(x: float, y: float) -> tuple[float, float]:
    """Local metres (east, north of the centre) -> rounded (lon, lat)."""
    lon = LON0 + x / M_PER_DEG_LON
    lat = LAT0 + y / M_PER_DEG_LAT
    return (round(lon, NDIGITS), round(lat, NDIGITS))


def to_metric(lon: float, lat: float) -> tuple[float, float]:
    """(lon, lat) -> local metres; inverse of to_lonlat without rounding."""
    return ((lon - LON0) * M_PER_DEG_LON, (lat - LAT0) * M_PER_DEG_LAT)


def polygon_lonlat(poly_m: Polygon) -> Polygon:
    ring = [to_lonlat(x, y) for x, y in poly_m.exterior.coords]
    poly = orient(Polygon(ring), 1.0)
    if not poly.is_valid:
        raise ValueError("invalid polygon after conversion")
    return poly


def area_m2(poly_ll: Polygon) -> int:
    """Area of a lon/lat polygon in m2, using the same local approximation."""
    ring = [to_metric(lon, lat) for lon, lat in poly_ll.exterior.coords]
    return int(round(Polygon(ring).area))


def geom_json(geom) -> dict:
    if isinstance(geom, Polygon):
        return {
            "type": "Polygon",
            "coordinates": [[[c[0], c[1]] for c in geom.exterior.coords]],
        }
    if isinstance(geom, LineString):
        return {"type": "LineString", "coordinates": [[c[0], c[1]] for c in geom.coords]}
    if isinstance(geom, Point):
        return {"type": "Point", "coordinates": [geom.x, geom.y]}
    raise TypeError(type(geom))


def rect(cx: float, cy: float, length: float, depth: float, angle: float = 0.0) -> Polygon:
    """Rectangle centred on (cx, cy), long axis east-west, rotated by angle (deg, CCW)."""
    r = box(cx - length / 2, cy - depth / 2, cx + length / 2, cy + depth / 2)
    if angle:
        r = affinity.rotate(r, angle, origin=(cx, cy))
    return r


def stadium(cx: float, cy: float, straight: float, radius: float, steps: int = 12) -> Polygon:
    """Running-track shape: two straights joined by semicircles (long axis east-west)."""
    pts = []
    half = straight / 2
    for i in range(steps + 1):  # east bend, from south to north
        a = -math.pi / 2 + math.pi * i / steps
        pts.append((cx + half + radius * math.cos(a), cy + radius * math.sin(a)))
    for i in range(steps + 1):  # west bend, from north to south
        a = math.pi / 2 + math.pi * i / steps
        pts.append((cx - half + radius * math.cos(a), cy + radius * math.sin(a)))
    return Polygon(pts)


# ---------------------------------------------------------------------------
# Layout (local metres; x east, y north, origin at the community centre)
# ---------------------------------------------------------------------------

BOUNDARY_M = Polygon([
    (-350, -265), (-200, -272), (-20, -268), (120, -273), (345, -266),
    (352, -120), (348, 40), (353, 170), (345, 276), (150, 270),
    (-60, 279), (-250, 273), (-348, 276), (-354, 120), (-349, -60),
])

# Grid lines of the estate roads.
X_W, X_ZHULI, X_TONGYIN, X_E = -335, -168, 168, 335
Y_S, Y_MINGYUE, Y_QINGFENG, Y_N = -255, -125, 128, 258
Y_LANES = 193

# id, name_zh, name_en, class, vertices (metres)
ROADS = [
    ("R01", "和光路", "Heguang Road", "primary", [(-344, -6), (0, 0), (342, 8)]),
    ("R02", "桥东街", "Qiaodong Street", "secondary", [(-4, -262), (0, 0), (5, 270)]),
    ("R03", "和光北街", "Heguang North Street", "residential", [(X_W, Y_N), (X_E, Y_N)]),
    ("R04", "和光南街", "Heguang South Street", "residential", [(X_W, Y_S), (X_E, Y_S)]),
    ("R05", "临河路", "Linhe Road", "residential", [(X_W, Y_S), (X_W, Y_N)]),
    ("R06", "桂香路", "Guixiang Road", "residential", [(X_E, Y_S), (X_E, Y_N)]),
    ("R07", "清风路", "Qingfeng Road", "residential", [(X_W, Y_QINGFENG), (X_E, Y_QINGFENG)]),
    ("R08", "明月路", "Mingyue Road", "residential", [(X_W, Y_MINGYUE), (X_E, Y_MINGYUE)]),
    ("R09", "竹里街", "Zhuli Street", "residential", [(X_ZHULI, Y_S), (X_ZHULI, Y_N)]),
    ("R10", "桐荫街", "Tongyin Street", "residential", [(X_TONGYIN, Y_S), (X_TONGYIN, Y_N)]),
    ("R11", "银杏巷", "Yinxing Lane", "residential", [(X_W, Y_LANES), (X_ZHULI, Y_LANES)]),
    ("R12", "桂花巷", "Guihua Lane", "residential", [(X_TONGYIN, Y_LANES), (X_E, Y_LANES)]),
    ("R13", "运河公园步道", "Canal Park Footpath", "footway",
     [(X_W, 40), (-290, 72), (-230, 58), (X_ZHULI, 95)]),
    ("R14", "桥头公园步道", "Bridgehead Park Footpath", "footway",
     [(X_TONGYIN, -35), (130, -60), (105, -95), (90, Y_MINGYUE)]),
    ("R15", "银杏园步道", "Ginkgo Garden Footpath", "footway",
     [(X_ZHULI, 170), (-125, 170), (-91, 198), (-91, Y_N)]),
    ("R16", "晨曦步道", "Morning Light Footpath", "footway",
     [(X_ZHULI, -215), (-110, -215), (-62, -175), (-62, Y_MINGYUE)]),
]

# Residential slab blocks: (cx, cy, length, depth, angle, floors, households)
# households = dwellings; roughly (units per floor) x floors.
RESIDENTIAL = [
    # north-west estate (rotated slightly as one group)
    (-290, 160, 60, 14, 3, 11, 88),
    (-213, 160, 60, 14, 3, 11, 88),
    (-290, 225, 60, 14, 3, 18, 144),
    (-213, 225, 60, 14, 3, 18, 144),
    # north-east estate
    (212, 160, 60, 14, -5, 15, 120),
    (290, 160, 60, 14, -5, 15, 120),
    (212, 225, 60, 14, -5, 18, 144),
    (290, 225, 60, 14, -5, 17, 136),
    # between Heguang Road and Qingfeng Road, east of Qiaodong Street
    (48, 98, 60, 14, 0, 6, 36),
    (124, 98, 60, 14, 0, 6, 36),
    (212, 98, 62, 14, 2, 12, 96),
    (290, 98, 62, 14, 2, 12, 96),
    # south of Heguang Road (staggered)
    (-290, -40, 58, 14, 0, 7, 42),
    (-213, -95, 58, 14, 0, 7, 42),
    (212, -40, 60, 15, -3, 16, 128),
    (290, -95, 60, 15, -3, 16, 128),
    # south-west corner (older six-storey walk-ups)
    (-290, -190, 54, 13, 0, 6, 24),
    (-213, -190, 54, 13, 0, 6, 36),
    # south-east corner
    (212, -190, 60, 14, 4, 11, 88),
    (290, -190, 60, 14, 4, 11, 88),
]

# Non-residential buildings: (polygon, use, name_zh, name_en, floors)
NON_RESIDENTIAL = [
    # U-shaped teaching building around a south-facing courtyard
    (Polygon([(25, -200), (45, -200), (45, -158), (115, -158), (115, -200),
              (135, -200), (135, -140), (25, -140)]), "school", "和光小学", "Heguang Primary School", 4),
    (rect(-130, -155, 40, 20), "clinic", "和光社区卫生服务站", "Heguang Community Health Station", 3),
    (rect(45, 40, 60, 24), "commercial", "和光商业楼", "Heguang Commercial Building", 3),
]

H_PARK = "06:00-22:00"

# id, kind, name_zh, name_en, description_zh, description_en, geometry (m), opening_hours
PUBLIC_SPACES = [
    ("PS01", "pocket_park", "银杏口袋公园", "Ginkgo Pocket Park",
     "以银杏林荫和休憩座椅为主的街角小公园，银杏园步道从中穿过。",
     "A small corner park of ginkgo trees and benches, crossed by the Ginkgo Garden Footpath.",
     Polygon([(-155, 142), (-97, 142), (-88, 185), (-118, 202), (-155, 196)]), H_PARK),
    ("PS02", "pocket_park", "樟树口袋公园", "Camphor Pocket Park",
     "几株老樟树下的林荫小公园，设有环形步道和健身器材。",
     "A shady small park under old camphor trees with a loop path and fitness equipment.",
     Polygon([(-150, -100), (-95, -108), (-78, -80), (-88, -48), (-140, -45), (-155, -70)]), H_PARK),
    ("PS03", "pocket_park", "桂花口袋公园", "Osmanthus Pocket Park",
     "种满桂花的口袋公园，紧邻商业楼，秋季花香满园。",
     "A pocket park planted with osmanthus next to the commercial building, fragrant in autumn.",
     Polygon([(100, 28), (150, 28), (150, 62), (118, 68), (100, 60)]), H_PARK),
    ("PS04", "pocket_park", "桥头口袋公园", "Bridgehead Pocket Park",
     "桐荫街与明月路之间的带状绿地，设有小型草坪和读书角。",
     "A strip of green between Tongyin Street and Mingyue Road with a small lawn and a reading corner.",
     Polygon([(95, -100), (150, -110), (155, -40), (122, -22), (90, -50)]), H_PARK),
    ("PS05", "cultural_park", "运河文化公园", "Canal Cultural Park",
     "沿社区西侧水系布置的文化公园，有运河历史展示墙和露天小剧场。",
     "A cultural park along the western waterway with a canal history wall and a small open-air stage.",
     Polygon([(-322, 12), (-182, 14), (-180, 114), (-250, 118), (-322, 110)]), "05:30-22:00"),
    ("PS06", "neighbourhood_centre", "和光邻里中心", "Heguang Neighbourhood Centre",
     "集社区服务、食堂、图书室和议事厅于一体的邻里中心。",
     "A neighbourhood centre combining community services, a canteen, a library and a meeting hall.",
     rect(-115, 52, 70, 45), "08:00-21:00"),
    ("PS07", "community_living_room", "和光社区客厅", "Heguang Community Living Room",
     "位于9幢底层的社区客厅，供居民议事、茶叙和小型活动使用。",
     "A community living room on the ground floor of Building 9 for residents' meetings, tea and small events.",
     Point(36, 97), "08:30-20:30"),
    ("PS08", "community_living_room", "桥东社区客厅", "Qiaodong Community Living Room",
     "樟树口袋公园旁的单层社区客厅，可预约举办邻里活动。",
     "A single-storey community living room beside Camphor Pocket Park that can be booked for neighbourhood events.",
     rect(-40, -48, 40, 25), "08:30-20:30"),
    ("PS09", "square", "和光广场", "Heguang Square",
     "邻里中心前的铺装广场，是社区集市和广场舞的主要场地。",
     "A paved square in front of the neighbourhood centre, the main venue for markets and square dancing.",
     Polygon([(-70, 25), (-18, 25), (-18, 80), (-58, 80), (-70, 68)]), None),
    ("PS10", "square", "晨曦广场", "Morning Light Square",
     "社区南部的小广场，早晨常有居民打太极和晨练。",
     "A small square in the south of the community where residents practise tai chi in the morning.",
     Polygon([(-100, -205), (-72, -205), (-72, -150), (-100, -150)]), None),
    ("PS11", "sports_ground", "和光运动场", "Heguang Sports Ground",
     "带环形跑道的公共运动场，中间为五人制足球场。",
     "A public sports ground with a running loop around a five-a-side football pitch.",
     stadium(85, 193, 60, 30), "06:00-21:30"),
    ("PS12", "sports_ground", "桐荫篮球场", "Tongyin Basketball Courts",
     "两片室外篮球场，夜间有照明。",
     "Two outdoor basketball courts with floodlights for evening play.",
     rect(45, -92, 60, 34), H_PARK),
    ("PS13", "elderly_activity", "颐年长者活动站", "Yinian Seniors' Activity Station",
     "为老年人提供棋牌、健身和助餐服务的活动站。",
     "An activity station for older residents offering board games, exercise classes and meal support.",
     rect(-52, 222, 55, 35), "08:00-17:30"),
    ("PS14", "children_play", "童趣乐园", "Tongqu Children's Playground",
     "设有沙坑、滑梯和攀爬架的儿童游乐场。",
     "A children's playground with a sandpit, slides and a climbing frame.",
     rect(-52, 162, 50, 34), "07:00-21:00"),
    ("PS15", "children_play", "萤火虫儿童乐园", "Firefly Children's Play Area",
     "住宅楼之间的儿童游乐场，有软质地面和亲子座椅。",
     "A play area between housing blocks with soft surfacing and seats for parents.",
     Polygon([(190, 30), (255, 30), (260, 52), (240, 66), (190, 66)]), "07:00-21:00"),
]

# ---------------------------------------------------------------------------
# Road network: make every crossing/junction a shared vertex
# ---------------------------------------------------------------------------

SNAP_M = 1.0


def _insert_node(coords: list[tuple[float, float]], node: tuple[float, float]) -> list:
    """Put node into a polyline: replace a vertex within SNAP_M, else split a segment."""
    for i, c in enumerate(coords):
        if math.dist(c, node) <= SNAP_M:
            coords[i] = node
            return coords
    line = LineString(coords)
    d_node = line.project(Point(node))
    for i in range(len(coords) - 1):
        d_next = line.project(Point(coords[i + 1]))
        if d_node < d_next:
            coords.insert(i + 1, node)
            return coords
    raise ValueError(f"could not insert node {node}")


def build_road_network(roads):
    coords = {rid: [tuple(map(float, c)) for c in pts] for rid, _, _, _, pts in roads}
    ids = [r[0] for r in roads]
    for a_i, a in enumerate(ids):
        for b in ids[a_i + 1:]:
            inter = LineString(coords[a]).intersection(LineString(coords[b]))
            if inter.is_empty:
                continue
            points = getattr(inter, "geoms", [inter])
            for p in points:
                if not isinstance(p, Point):
                    raise ValueError(f"roads {a} and {b} overlap")
                node = (round(p.x, 3), round(p.y, 3))
                coords[a] = _insert_node(coords[a], node)
                coords[b] = _insert_node(coords[b], node)
    return coords


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------


def feature(props: dict, geom) -> dict:
    return {"type": "Feature", "properties": props, "geometry": geom_json(geom)}


def write_geojson(name: str, features: list[dict]) -> None:
    lines = ['{"type": "FeatureCollection", "features": [']
    body = [json.dumps(f, ensure_ascii=False) for f in features]
    lines.append(",\n".join(body))
    lines.append("]}")
    (OUT_DIR / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def yaml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def write_community_yaml() -> None:
    text = f"""# Demo community metadata. Generated by tools/make_demo_layers.py - do not edit by hand.
id: {COMMUNITY["id"]}
name:
  zh: {yaml_str(COMMUNITY["name_zh"])}
  en: {yaml_str(COMMUNITY["name_en"])}
city:
  zh: {yaml_str("杭州市")}
  en: {yaml_str("Hangzhou")}
center: [{LAT0}, {LON0}]  # [lat, lon], as Leaflet expects
zoom: 16
description:
  zh: {yaml_str("虚构的演示社区：所有边界、道路、建筑、公共空间和名称均为程序生成的演示数据，并非真实地点。")}
  en: {yaml_str("A fictional demo community: all boundaries, roads, buildings, public spaces and names are generated demo data, not a real place.")}
# Parts of the community, by the buildings they hold: surveys ask residents which part they
# live in (option values = these ids), and response rates are counted against households.
areas:
  north: [{", ".join(f"B{i:02d}" for i in range(1, 13))}]
  south: [{", ".join(f"B{i:02d}" for i in range(13, 21))}]
# Who may own an adopted agenda item, offered beside the usual roles (any name may be
# written): the community's own offices and partners.
owners: ["和光物业服务中心", "和光社区卫生服务站", "和光小学"]
"""
    (OUT_DIR / "community.yaml").write_text(text, encoding="utf-8")


def main() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    write_community_yaml()

    # boundary
    boundary = polygon_lonlat(BOUNDARY_M)
    write_geojson("boundary.geojson", [feature(dict(COMMUNITY), boundary)])

    # roads
    network = build_road_network(ROADS)
    road_features = []
    for rid, name_zh, name_en, cls, _ in ROADS:
        line = LineString([to_lonlat(x, y) for x, y in network[rid]])
        road_features.append(feature(
            {"id": rid, "name_zh": name_zh, "name_en": name_en, "class": cls}, line))
    write_geojson("roads.geojson", road_features)

    # buildings
    building_features = []
    n = 0
    for cx, cy, length, depth, angle, floors, households in RESIDENTIAL:
        n += 1
        poly = polygon_lonlat(rect(cx, cy, length, depth, angle))
        building_features.append(feature({
            "id": f"B{n:02d}", "name_zh": f"{n}幢", "name_en": f"Building {n}",
            "use": "residential", "households": households, "floors": floors,
        }, poly))
    for poly_m, use, name_zh, name_en, floors in NON_RESIDENTIAL:
        n += 1
        building_features.append(feature({
            "id": f"B{n:02d}", "name_zh": name_zh, "name_en": name_en,
            "use": use, "households": 0, "floors": floors,
        }, polygon_lonlat(poly_m)))
    write_geojson("buildings.geojson", building_features)

    # public spaces
    ps_features = []
    for psid, kind, name_zh, name_en, desc_zh, desc_en, geom_m, hours in PUBLIC_SPACES:
        if isinstance(geom_m, Point):
            geom = Point(to_lonlat(geom_m.x, geom_m.y))
            area = None
        else:
            geom = polygon_lonlat(geom_m)
            area = area_m2(geom)
        ps_features.append(feature({
            "id": psid, "kind": kind, "name_zh": name_zh, "name_en": name_en,
            "description_zh": desc_zh, "description_en": desc_en,
            "area_m2": area, "opening_hours": hours,
        }, geom))
    write_geojson("public_spaces.geojson", ps_features)

    print(f"wrote {len(road_features)} roads, {len(building_features)} buildings, "
          f"{len(ps_features)} public spaces to layers/demo/")


if __name__ == "__main__":
    main()
