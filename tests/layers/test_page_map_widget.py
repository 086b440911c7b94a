"""The residents' map (workbench/layers/page_map_widget.py): what it sends the browser, and what it
takes from any client of the kernel. The drawing itself is looked at in the browser tests."""

import json
import subprocess
import sys

import pytest

from workbench.layers.map_style import PIN_STYLE
from workbench.layers.page_map_widget import PLACES, PageMap, layer_spec


@pytest.fixture
def page_map(community):
    return PageMap(community, "en")


@pytest.fixture
def tapped(page_map):
    """The taps the page hears of: ("map", coordinates) and ("layer", properties)."""
    heard = []
    page_map.widget.on_interaction(lambda **event: heard.append(("map", event["coordinates"])))
    for layer in (page_map.public_spaces, page_map.proposals):
        layer.on_click(lambda layer=layer, **event: heard.append(
            (layer.name, event["properties"])))
    return heard


def test_the_browser_gets_each_feature_with_its_id_style_and_no_more(page_map, community):
    sent = page_map.widget.public_spaces["features"]
    assert [f["id"] for f in sent] == [f["properties"]["id"]
                                       for f in community.layers["public_spaces"]["features"]]
    assert all(f["properties"] == {} and f["style"]["fillColor"] for f in sent)
    text = json.dumps(page_map.widget.base)
    assert all(len(number.split(".")[-1]) <= PLACES
               for number in text.replace("[", " ").replace("]", " ").replace(",", " ").split()
               if number.replace(".", "").replace("-", "").isdigit())


def test_proposals_pin_and_note_go_to_the_browser(page_map):
    page_map.show_proposals([{"id": 7, "title": "<b>Shade</b>", "scenario": "health",
                              "lon": 120.1, "lat": 30.2}])
    (dot,) = page_map.widget.proposals["features"]
    assert dot["id"] == 7 and dot["properties"] == {} and dot["style"]["fillColor"]
    assert "Shade" not in json.dumps(page_map.widget.proposals)  # titles stay in the kernel
    page_map.show_pin(120.1, 30.2)
    assert page_map.widget.pin == [30.2, 120.1] and page_map.widget.pin_style == PIN_STYLE
    page_map.show_pin(None, None)
    assert page_map.widget.pin == []
    page_map.show_popup(30.2, 120.1, "one")
    page_map.show_popup(30.2, 120.1, "one")  # the same note again opens again
    assert page_map.widget.popup["n"] == 2


def test_a_tap_on_a_feature_is_told_with_the_kernels_own_properties(page_map, tapped):
    page_map.show_proposals([{"id": 7, "title": "Shade", "scenario": "health",
                              "lon": 120.1, "lat": 30.2}])
    page_map.widget.handle_message({"event": "feature", "layer": "proposals", "id": 7,
                                    "properties": {"title": "forged"}})
    page_map.widget.handle_message({"event": "feature", "layer": "public_spaces", "id": "P1"})
    assert tapped == [("proposals", {"id": 7, "title": "Shade", "scenario": "health"}),
                      ("public_spaces", page_map.public_spaces.feature("P1")["properties"])]


@pytest.mark.parametrize("message", [
    None, "click", [], {}, {"event": "feature"},
    {"event": "feature", "layer": "proposals", "id": 999},
    {"event": "feature", "layer": "proposals", "id": True},
    {"event": "feature", "layer": "proposals", "id": [7]},
    {"event": "feature", "layer": "base", "id": 0},
    {"event": "feature", "layer": ["proposals"], "id": 7},
    {"event": "feature", "layer": "__class__", "id": 7},
    {"event": "interaction", "type": "dblclick", "coordinates": [30.2, 120.1]},
])
def test_a_message_that_is_no_tap_is_heard_by_nobody(page_map, tapped, message):
    page_map.show_proposals([{"id": 7, "title": "Shade", "scenario": "health",
                              "lon": 120.1, "lat": 30.2}])
    page_map.widget.handle_message(message)
    assert tapped == []


def test_a_tap_on_the_map_passes_its_coordinates_on_as_sent(page_map, tapped):
    # the pages check them (workbench.page.places.tapped_point)
    page_map.widget.handle_message({"event": "interaction", "type": "click",
                                    "coordinates": ["x", 1e400]})
    assert tapped == [("map", ["x", 1e400])]


@pytest.mark.parametrize("sent, kept", [(float("nan"), 16.0), (float("inf"), 16.0),
                                        (99.0, 19.0), (-3.0, 14.0), (17.25, 17.25)])
def test_the_zoom_a_client_sends_stays_in_the_maps_range(page_map, sent, kept):
    page_map.widget.zoom = 16.0
    page_map.widget.zoom = sent
    assert page_map.widget.zoom == kept


def test_layer_spec_takes_a_style_function_or_a_style():
    collection = {"features": [{"type": "Feature", "properties": {"id": "a", "k": 1},
                                "geometry": {"type": "Point",
                                             "coordinates": [1.123456789, 2.0]}}]}
    (f,) = layer_spec(collection, lambda feature: {"n": feature["properties"]["k"]})["features"]
    assert f == {"type": "Feature", "id": "a", "properties": {}, "style": {"n": 1},
                 "geometry": {"type": "Point", "coordinates": [1.123457, 2.0]}}
    assert layer_spec(collection, {"n": 2})["features"][0]["style"] == {"n": 2}


def test_the_resident_page_imports_no_ipyleaflet():
    """The residents' kernel stays without ipyleaflet (9 MiB: the planners' map)."""
    code = ("import sys, workbench.page.resident, workbench.surveys.page, "
            "workbench.agenda.page; print('ipyleaflet' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
