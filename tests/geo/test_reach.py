"""Households within reach of a place, and households far from every green space, on the
small community of tests/communities.py (B1: 60 households at about (-105, 57) m, B2: 90 at
(105, 57) m, B3: none; green spaces P1, P2, P4; P3 is a living room, not green)."""

import math

import pandas as pd
import pytest

from communities import ll
from communities import feature, rect
from workbench.geo.reach import (GREEN_KINDS, household_counts, homes_recorded,
                                 households_within, reach_m)
from workbench.layers.community import read_layers


@pytest.fixture
def layers(community_dir):
    return read_layers(community_dir)


def items(*places):
    rows = [{"item_id": n, "lon": p[0] if p else math.nan, "lat": p[1] if p else math.nan}
            for n, p in enumerate(places, start=1)]
    return pd.DataFrame(rows)


def test_the_reaches_come_from_the_standards_file():
    assert reach_m() == (300, 500, 300)            # GB 50180-2018 5- and 10-minute; 300米见绿
    assert "pocket_park" in GREEN_KINDS and "community_living_room" not in GREEN_KINDS


def test_households_within_the_near_and_far_reach(layers):
    out = households_within(items(ll(-105, 57), ll(-105, -300), None),
                            layers["buildings"], layers["public_spaces"])
    first, second, unlocated = out.to_dict("records")
    # on B1: B1 (0 m) and B2 (210 m) are both within 300 m
    assert first["households_300"] == 150 and first["households_500"] == 150
    # 357 m from B1 and 414 m from B2: none within 300 m, both within 500 m
    assert second["households_300"] == 0 and second["households_500"] == 150
    assert math.isnan(unlocated["households_300"])
    # every home here is within 300 m of a green space: nobody is underserved
    assert first["underserved_households"] == 0


def test_homes_far_from_every_green_space_are_underserved(layers):
    spaces = layers["public_spaces"]
    no_green = spaces[~spaces["kind"].isin(GREEN_KINDS)]
    out = households_within(items(ll(0, 57)), layers["buildings"], no_green)
    assert out.loc[0, "underserved_households"] == 150


def test_a_community_without_homes_gives_no_figures(layers):
    empty = layers["buildings"].iloc[0:0]
    out = households_within(items(ll(0, 0)), empty, layers["public_spaces"])
    assert out["households_300"].isna().all()


def test_a_building_without_a_count_is_not_known_rather_than_empty(layers):
    """A real layer mixes counted homes, buildings with none (0: a shop, a school) and
    buildings nobody counted (the property missing, null, or not a count)."""
    import geopandas as gpd

    frame = gpd.GeoDataFrame.from_features([
        feature(rect(0, 0, 10, 10), id="A", households=40),
        feature(rect(0, 0, 10, 10), id="B", households=0),
        feature(rect(0, 0, 10, 10), id="C", households=None),
        feature(rect(0, 0, 10, 10), id="D", households="many"),
        feature(rect(0, 0, 10, 10), id="E", households=-3),
        feature(rect(0, 0, 10, 10), id="F")], crs="EPSG:4326")
    counts = household_counts(frame)
    assert counts.iloc[:2].tolist() == [40, 0] and counts.iloc[2:].isna().all()
    assert homes_recorded(frame) == {"buildings": 6, "counted": 2, "without_count": 4,
                                     "households": 40}
    assert homes_recorded(layers["buildings"].iloc[0:0]) == {
        "buildings": 0, "counted": 0, "without_count": 0, "households": 0}


def test_uncounted_buildings_are_left_out_of_the_figures(layers):
    buildings = layers["buildings"].copy()
    buildings["households"] = buildings["households"].astype(object)
    buildings.loc[buildings["id"] == "B2", "households"] = None      # 90 not recorded
    out = households_within(items(ll(-105, 57)), buildings, layers["public_spaces"])
    assert out.loc[0, "households_500"] == 60


def test_where_the_layer_has_no_counted_building_within_reach_nothing_is_known(layers):
    """One placeholder building: the items near it reach its households; an item farther
    than 500 m from every counted building is unknown, not 0 (the layer does not say that
    no one lives there)."""
    placeholder = layers["buildings"][layers["buildings"]["id"] == "B1"]
    out = households_within(items(ll(-105, 57), ll(-105, 400), ll(500, 600)), placeholder,
                            layers["public_spaces"])
    near, also_near, far = out.to_dict("records")
    assert near["households_500"] == also_near["households_500"] == 60
    assert math.isnan(far["households_500"]) and math.isnan(far["households_300"])
    assert math.isnan(far["underserved_households"])
    # a counted building with no homes says the place is known: 0 there, not unknown
    shop = layers["buildings"][layers["buildings"]["id"].isin(["B1", "B3"])]
    out = households_within(items(ll(-105, -550)), shop, layers["public_spaces"])
    assert out.loc[0, "households_500"] == 0        # B3 (0) at 437 m, B1 (60) at 607 m
