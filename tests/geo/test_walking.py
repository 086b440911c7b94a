"""Walking distances on small hand-made networks with known answers.

The layers are drawn in metres in UTM zone 51N (EPSG:32651, Hangzhou's zone), the CRS the
analysis itself picks for them, so the expected figures are exact.

The river town: a river runs east-west along y = 0; the north bank road (y = 30) and the
south bank road (y = -30) run from x = -400 to 400 and meet only at a bridge at x = 0. A
pocket park P (x 280..320, y 40..80) lies 10 m north of the north road.

- A (x 300, y -60, 50 households) is across the river from the park: 100 m in a straight
  line, 30 + 300 + 60 + 280 + 10 = 680 m on foot;
- B (x 100, y 60, 40 households): 30 + 180 + 10 = 220 m on foot, 180 m straight;
- C (x -350, y 60, 20 households): 30 + 630 + 10 = 670 m.
"""

from __future__ import annotations

import json

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Point, box

from workbench.cli import main
from workbench.geo import network as nw
from workbench.geo.coverage import coverage_rows, coverage_table, sentence, table_text
from workbench.geo.service_areas import (gap_homes, kind_service_area, service_areas,
                                         to_geojson)
from workbench.geo.siting import greedy_sites, rank_sites
from workbench.geo.walking import (NETWORK, STRAIGHT, Threshold, WalkingAnalysis,
                                   kind_threshold, life_circle_levels, life_circles, threshold)

X0, Y0 = 500_000.0, 3_350_000.0       # UTM 51N, near Hangzhou
UTM = "EPSG:32651"


def at(x, y):
    return X0 + x, Y0 + y


def line(*points, **props):
    return {"geometry": LineString([at(*p) for p in points]), **props}


def home(name, x, y, households, size=10):
    cx, cy = at(x, y)
    return {"id": name, "households": households,
            "geometry": box(cx - size / 2, cy - size / 2, cx + size / 2, cy + size / 2)}


def space(name, kind, x0, y0, x1, y1):
    ring = [at(x0, y0), at(x1, y0), at(x1, y1), at(x0, y1), at(x0, y0)]
    return {"id": name, "kind": kind, "geometry": shapely.Polygon(ring)}


def frame(rows, columns):
    return gpd.GeoDataFrame(rows, columns=columns + ["geometry"], geometry="geometry", crs=UTM)


def layers(roads, homes, spaces):
    return {"roads": frame(roads, ["id", "class", "bridge"]),
            "buildings": frame(homes, ["id", "households"]),
            "public_spaces": frame(spaces, ["id", "kind"])}


def river_town(with_bridge=True, roads=True):
    streets = [line((-400, 30), (400, 30), id="N", **{"class": "residential"}),
               line((-400, -30), (400, -30), id="S", **{"class": "residential"})]
    if with_bridge:
        streets.append(line((0, -30), (0, 30), id="bridge", bridge="yes",
                            **{"class": "footway"}))
    return layers(streets if roads else [],
                  [home("A", 300, -60, 50), home("B", 100, 60, 40), home("C", -350, 60, 20)],
                  [space("P", "pocket_park", 280, 40, 320, 80)])


def distances(analysis, kind="pocket_park"):
    access = analysis.access(kind)
    return dict(zip(access.homes["id"], access.homes["distance_m"])), access


# -- distances --------------------------------------------------------------------------------

def test_across_the_river_the_walk_goes_by_the_bridge():
    analysis = WalkingAnalysis(river_town())
    got, access = distances(analysis)
    assert got["A"] == pytest.approx(680, abs=0.5)
    assert got["B"] == pytest.approx(220, abs=0.5)
    assert got["C"] == pytest.approx(670, abs=0.5)
    assert set(access.homes["method"]) == {NETWORK} and analysis.messages == []
    assert set(access.homes["space_id"]) == {"P"}
    straight, _ = analysis.straight_distance(analysis.spaces)
    # the straight line would have put A within a 5-minute walk: it is a 680 m walk
    assert straight[0] == pytest.approx(100, abs=0.5) and straight[1] == pytest.approx(180)


def test_a_crossing_road_is_joined_where_it_crosses_but_a_bridge_is_not():
    # a north-south road drawn through both banks' roads without shared vertices: joined at
    # the crossings; the same line marked as a bridge passes over them
    def town(bridge):
        crossing = line((200, -100), (200, 100), id="X", bridge=bridge,
                        **{"class": "residential"})
        town = river_town(with_bridge=False)
        town["roads"] = frame(town["roads"].to_dict("records") + [crossing],
                              ["id", "class", "bridge"])
        return town

    got, _ = distances(WalkingAnalysis(town("no")))
    assert got["A"] == pytest.approx(30 + 100 + 60 + 80 + 10, abs=0.5)
    analysis = WalkingAnalysis(town("yes"))
    got, access = distances(analysis)
    # the raised line touches nothing: A's bank has no way to the park any more
    assert access.homes.set_index("id").loc["A", "method"] == STRAIGHT
    assert got["A"] == pytest.approx(100, abs=0.5)
    assert {m.key for m in analysis.messages} >= {"parts", "no_path"}


def test_one_search_per_kind_agrees_with_networkx_on_a_random_grid():
    rng = np.random.default_rng(7)
    streets = []
    for i in range(8):        # an irregular grid of 8 x 8 streets with a few missing pieces
        xs = np.sort(rng.uniform(-400, 400, 8))
        streets += [line((-400, -400 + 100 * i), (400, -400 + 100 * i), id=f"h{i}"),
                    line((xs[i], -400), (xs[i], 300), id=f"v{i}")]
    homes = [home(f"H{i}", *rng.uniform(-390, 390, 2), 10) for i in range(40)]
    spaces = [space(f"P{i}", "square", x, y, x + 20, y + 20)
              for i, (x, y) in enumerate(rng.uniform(-380, 360, (3, 2)))]
    town = layers([{**s, "class": "residential", "bridge": None} for s in streets], homes, spaces)
    analysis = WalkingAnalysis(town, access_max_m=1e9)
    got, access = distances(analysis, "square")
    g = nx.Graph()
    graph = analysis.graph
    for u, v, w in zip(graph.edge_u, graph.edge_v, graph.edge_length):
        if not g.has_edge(u, v) or g[u][v]["weight"] > w:
            g.add_edge(int(u), int(v), weight=float(w))
    rows, cols = graph.matrix.nonzero()
    for p, place in enumerate(graph.place):      # each place's entrances, one search each
        for stop in cols[rows == place]:
            g.add_edge(("place", p), int(stop), weight=float(graph.matrix[place, stop]))
    for i, stop in enumerate(graph.stop[:len(homes)]):
        best = min(nx.shortest_path_length(g, ("place", p), int(stop), weight="weight")
                   if nx.has_path(g, ("place", p), int(stop)) else np.inf
                   for p in range(len(spaces)))
        assert got[f"H{i}"] == pytest.approx(best + analysis.home_access[i], abs=1e-6)


# -- thresholds and the table -----------------------------------------------------------------

def test_thresholds_come_from_the_standard_and_the_settings(monkeypatch):
    assert [(c.minutes, c.metres) for c in life_circles()] == [(5, 300), (10, 500), (15, 1000)]
    assert "GB 50180-2018" in life_circles()[0].source
    assert threshold(7).metres == 7 * 60 and "m/min" in threshold(7).source
    assert {"5min", "10min", "15min"} == set(life_circle_levels())
    assert all(level["facilities"] and "GB 50180-2018" in level["facilities_source"]
               for level in life_circle_levels().values())
    assert kind_threshold("pocket_park").minutes == 5
    assert kind_threshold("neighbourhood_centre").minutes == 15
    monkeypatch.setenv("WORKBENCH_WALKING_THRESHOLDS_M", "250,450,800")
    assert [c.metres for c in life_circles()] == [250, 450, 800]
    monkeypatch.setenv("WORKBENCH_WALKING_THRESHOLDS_M", "speed")
    monkeypatch.setenv("WORKBENCH_WALKING_SPEED_M_PER_MIN", "80")
    assert [c.metres for c in life_circles()] == [400, 800, 1200]
    monkeypatch.setenv("WORKBENCH_WALKING_THRESHOLDS_M", "300,abc")
    with pytest.raises(ValueError, match="walking_thresholds_m"):
        life_circles()
    with pytest.raises(ValueError, match="minutes"):
        threshold(0)


def test_the_coverage_table_says_who_is_not_within_in_both_languages():
    analysis = WalkingAnalysis(river_town())
    five, ten, fifteen = coverage_rows(analysis.access("pocket_park"))
    assert five["households"] == 110 and five["households_within"] == 40
    assert five["buildings_outside"] == ["A", "C"] and five["households_outside"] == 70
    assert fifteen["share"] == 1.0
    en, zh = sentence(five, "en"), sentence(five, "zh")
    assert en == ("36 % of households are within a 5-minute walk (300 m along roads and "
                  "paths) of the nearest pocket park; buildings A and C, 70 households, are "
                  "not.")
    assert zh.startswith("36%的住户步行5分钟") and "A和C共70户不能" in zh
    text = table_text(coverage_table(analysis), "en", analysis.messages)
    assert "Pocket park | 5-minute walk (300 m) | 36 %" in text


def test_without_roads_every_figure_is_a_straight_line_and_says_so():
    analysis = WalkingAnalysis(river_town(roads=False))
    got, access = distances(analysis)
    assert analysis.method == STRAIGHT and set(access.homes["method"]) == {STRAIGHT}
    assert got["A"] == pytest.approx(100)
    row = coverage_rows(access)[0]
    assert row["method"] == STRAIGHT and row["households_within"] == 90
    assert "straight line" in sentence(row, "en") and "直线" in sentence(row, "zh")
    assert [m.key for m in analysis.messages] == ["no_roads"]
    assert "no road layer" in analysis.messages[0].text("en")
    areas = kind_service_area(analysis, "pocket_park", [life_circles()[0]])
    assert set(areas["method"]) == {STRAIGHT}


def test_a_building_far_from_every_road_is_measured_in_a_straight_line_and_named():
    town = river_town()
    town["buildings"] = frame(town["buildings"].to_dict("records")
                              + [home("D", 300, 300, 30)], ["id", "households"])
    analysis = WalkingAnalysis(town)
    got, access = distances(analysis)
    assert access.homes.set_index("id").loc["D", "method"] == STRAIGHT
    assert got["D"] == pytest.approx(220, abs=0.5)          # to the park's north edge
    (message,) = [m for m in analysis.messages if m.key == "far_from_road"]
    assert "D" in message.text("en") and "150 m" in message.text("en")
    assert "直线" in message.text("zh")
    row = coverage_rows(access)[0]
    assert row["buildings_straight"] == 1 and "straight line" in sentence(row, "en")


def test_a_kind_with_no_space_is_unreachable_not_an_error():
    analysis = WalkingAnalysis(river_town())
    _, access = distances(analysis, "square")
    assert np.isinf(access.homes["distance_m"]).all()
    assert coverage_rows(access)[0]["share"] == 0
    assert any(m.key == "no_space" for m in analysis.messages)


# -- service areas and gaps -------------------------------------------------------------------

@pytest.mark.parametrize("metres", [250, 300, 700])
def test_a_service_area_holds_exactly_the_buildings_within_the_walk(metres):
    analysis = WalkingAnalysis(river_town())
    th = Threshold(metres / 60, metres, "test")
    got, access = distances(analysis)
    for areas in (service_areas(analysis, "pocket_park", [th]),
                  kind_service_area(analysis, "pocket_park", [th])):
        (area,) = areas.to_crs(UTM).geometry
        inside = {h for h, p in zip(access.homes["id"], analysis.home_xy)
                  if area.covers(Point(p))}
        assert inside == {h for h, d in got.items() if d <= metres}
        assert set(areas["method"]) == {NETWORK}
    # the band follows the paths: at 300 m A, 100 m away across the river, stays outside


def test_the_gap_map_and_geojson():
    analysis = WalkingAnalysis(river_town())
    th = life_circles()[0]
    access = analysis.access("pocket_park")
    gaps = gap_homes(analysis, access, th)
    assert list(gaps["id"]) == ["A", "C"] and gaps.crs.to_epsg() == 4326
    data = json.loads(to_geojson(kind_service_area(analysis, "pocket_park", [th]), gaps))
    assert len(data["features"]) == 3
    assert {f["properties"]["method"] for f in data["features"]} == {NETWORK}


# -- where to build ---------------------------------------------------------------------------

def test_candidate_sites_are_ranked_by_households_brought_inside():
    analysis = WalkingAnalysis(river_town())
    th = life_circles()[0]
    access = analysis.access("pocket_park")
    sites = frame([space("south", "pocket_park", 280, -80, 320, -40),
                   space("west", "pocket_park", -380, 40, -340, 80),
                   space("middle", "pocket_park", 80, 40, 120, 80)], ["id", "kind"])
    ranking = rank_sites(analysis, access, sites, th)
    assert list(ranking["site"]) == ["south", "west", "middle"]
    assert list(ranking["households_gained"]) == [50, 20, 0]
    assert ranking.loc[0, "buildings"] == ["A"]


def test_greedy_coverage_finds_the_known_optimum_and_shows_each_gain():
    # six blocks 20 m north of a street; four sites on its south side reach, within 130 m
    # (20 m from a block to the street), a = {H1, H2, H3}, b = {H3, H4}, c = {H4, H5, H6},
    # d = {H1, H2}; with k = 2 the best choice, c and a, brings in every household
    xs = [0, 100, 200, 300, 400, 500]
    homes = [home(f"H{i + 1}", x, 20, 10 * (i + 1)) for i, x in enumerate(xs)]
    town = layers([line((-600, 0), (1100, 0), id="street", **{"class": "residential"})],
                  homes, [space("far", "pocket_park", 1000, 10, 1040, 50)])
    analysis = WalkingAnalysis(town)
    th = Threshold(2, 130, "test")
    access = analysis.access("pocket_park")
    assert (access.homes["distance_m"] > 130).all()
    sites = frame([space("a", "pocket_park", 90, -40, 110, 0),
                   space("b", "pocket_park", 240, -40, 260, 0),
                   space("c", "pocket_park", 390, -40, 410, 0),
                   space("d", "pocket_park", -10, -40, 10, 0)], ["id", "kind"])
    ranking = rank_sites(analysis, access, sites, th)
    assert dict(zip(ranking["site"], ranking["households_gained"])) == {
        "c": 150, "b": 70, "a": 60, "d": 30}
    gained = {r["site"]: set(r["buildings"]) for r in ranking.to_dict("records")}
    households = dict(zip(access.homes["id"], access.homes["households"]))
    best = max(sum(households[h] for h in gained[x] | gained[y])
               for x in gained for y in gained)     # the optimum of k = 2, by brute force
    assert best == 210
    steps = greedy_sites(analysis, access, sites, th, k=3)
    assert list(steps["site"]) == ["c", "a"]         # a third site would add no one
    assert list(steps["gain"]) == [150, 60] and steps["total"].iloc[-1] == 210
    assert steps["share"].iloc[-1] == 1.0
    with pytest.raises(ValueError, match="k must be"):
        greedy_sites(analysis, access, sites, th, k=0)


# -- the command ------------------------------------------------------------------------------

def test_workbench_coverage_prints_the_table(capsys):
    assert main(["coverage", "--kind", "pocket_park", "--minutes", "5", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Pocket park | 5-minute walk (300 m)" in out and "along roads" in out
    assert "GB 50180-2018" in out
    assert main(["coverage", "--kind", "nope", "--lang", "en"]) == 2
    assert "Unknown kind" in capsys.readouterr().err
    assert main(["coverage", "--kind", "square", "--minutes", "99"]) == 2


# -- the agenda's households within reach -----------------------------------------------------

def items_at(town, *places):
    """Agenda items at (x, y) metres, or at a public space by id."""
    import pandas as pd

    spaces = town["public_spaces"].set_index("id")
    rows = []
    for n, place in enumerate(places, start=1):
        point = spaces.geometry[place].centroid if isinstance(place, str) else Point(at(*place))
        lon, lat = gpd.GeoSeries([point], crs=UTM).to_crs(4326).iloc[0].coords[0]
        rows.append({"item_id": n, "lon": lon, "lat": lat,
                     "public_space_id": place if isinstance(place, str) else None})
    return pd.DataFrame(rows)


def test_the_agenda_counts_households_by_walking_where_there_are_roads():
    from workbench.geo import reach
    from workbench.geo.walking_reach import households_within

    town = river_town()
    items = items_at(town, "P", (300, -60))
    walked = households_within(items, town["buildings"], town["public_spaces"], town["roads"])
    park, south = walked.to_dict("records")
    # the park serves B (220 m on foot); A, 100 m across the river, walks 680 m
    assert (park["households_300"], park["households_500"]) == (40, 40)
    assert park["reach_method"] == NETWORK
    # from A's own door: A itself, and C (30 + 650 + 30 m) is beyond the 10-minute walk
    assert south["households_300"] == 50 and south["households_500"] == 50
    straight = reach.households_within(items, town["buildings"], town["public_spaces"])
    assert straight.loc[0, "households_300"] == 90       # the proxy counted A too
    # no roads: the straight-line proxy, named so
    plain = households_within(items, town["buildings"], town["public_spaces"], None)
    assert plain.loc[0, "households_300"] == 90 and set(plain["reach_method"]) == {STRAIGHT}
    # no household counts at all: unknown, not 0
    town["buildings"]["households"] = None
    unknown = households_within(items, town["buildings"], town["public_spaces"], town["roads"])
    assert unknown["households_300"].isna().all()
