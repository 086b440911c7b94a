"""The resident page for every resident, driven through its widgets without a browser: the
tap that means a public space, a place chosen without the map, messages tied to their fields,
views opening where the resident acted, fair limits per kind of action, and readable colours.
(The browser's side, the template's script, is checked in tests/browser.)"""

import pytest

from communities import INSIDE_OPEN, INSIDE_P1, LAT0, ll
from workbench import vocabulary
from workbench.escaping import esc
from workbench.geo.tapping import metres_per_pixel, space_at_tap
from workbench.page import access
from workbench.page.resident import ResidentApp
from workbench.participation.codes import issue_codes
from workbench.proposals.rules import Proposal


@pytest.fixture
def app(community, store):
    return ResidentApp(community, store, lang="en")


def add_proposal(store, title="More benches", at=INSIDE_OPEN, space=None):
    receipt = store.add_proposal("test", Proposal(title, "", "health", *at,
                                                  public_space_id=space))
    return store.proposal_by_receipt(receipt)["id"]


# -- the tap that means a space ----------------------------------------------------------------
def test_a_tap_beside_a_point_space_picks_it_and_far_away_does_not(community):
    # P3 is drawn as a point, 100 m east and 100 m south of the centre; at zoom 17 a pixel is
    # about a metre here
    scale = metres_per_pixel(LAT0, 17)
    assert 1.0 < scale < 1.1
    assert space_at_tap(community, *ll(104, -100), scale) == "P3"
    assert space_at_tap(community, *ll(100, -111), scale) == "P3"  # on the dot's ring
    assert space_at_tap(community, *ll(100, -116), scale) is None
    assert space_at_tap(community, *ll(160, -100), scale) is None
    # zoomed out, the same tap is fewer metres of finger: farther off still means the dot
    assert space_at_tap(community, *ll(100, -116), metres_per_pixel(LAT0, 16)) == "P3"
    # an area: inside, or a finger's slop outside its edge, but not beside it
    assert space_at_tap(community, *INSIDE_P1, scale) == "P1"
    assert space_at_tap(community, *ll(92, 125), scale) == "P1"
    assert space_at_tap(community, *ll(97, 125), scale) is None


def test_a_tap_on_a_marker_at_a_spaces_centre_places_the_proposal_there(app, community):
    lon, lat = community.public_space_location("P3")
    app.map.widget.zoom = 17
    app.place_at(lon + 0.00003, lat)  # where the marker's edge was tapped
    assert app.space_input.value == "P3"
    assert app.lon == pytest.approx(lon + 0.00003)
    place = app.place_text.value
    name = community.public_spaces["P3"]["properties"]["name_en"]
    assert name in place and "(" in place and "Point on the map" not in place


def test_the_popup_of_a_proposal_says_the_pin_is_there_too(app, store):
    pid = add_proposal(store, at=INSIDE_P1, space="P1")
    app.refresh()
    app.proposal_list._on_proposal_click(properties={"id": pid})
    assert "placed here too" in app.map.widget.popup["html"]


def test_the_place_line_names_the_space_and_follows_the_language(app, community):
    app.place_at(*INSIDE_P1)
    assert community.public_spaces["P1"]["properties"]["name_en"] in app.place_text.value
    app.set_language("zh")
    assert "小桥口袋公园" in app.place_text.value
    app.place_at(*INSIDE_OPEN)
    assert "地图上的点" in app.place_text.value  # no space there: the point


def test_arrow_buttons_place_and_move_the_pin_without_the_map(app, community):
    assert app.lon is None
    app.nudge_buttons["north"].click()
    lat0, lon0 = community.center
    assert app.lon == pytest.approx(lon0) and app.lat > lat0
    start = (app.lon, app.lat)
    app.nudge_buttons["east"].click()
    app.nudge_buttons["east"].click()
    east_m = (app.lon - start[0]) * 111_320 * 0.864
    assert 25 < east_m < 35 and app.lat == pytest.approx(start[1])
    app.nudge("up")  # not a way: nothing moves
    assert app.lon == pytest.approx(start[0] + 2 * (app.lon - start[0]) / 2)
    assert app.map.widget.pin == [app.lat, app.lon]


# -- messages tied to their fields -----------------------------------------------------------
def test_each_field_of_the_form_is_tied_to_its_message_line(app):
    for name, widget in (("title", app.title_input), ("scenario", app.scenario_input),
                         ("location", app.space_input), ("name", app.name_input)):
        assert f"wb-for-proposal-{name}" in widget._dom_classes
        assert f"wb-msg-proposal-{name}" in app.field_errors[name]._dom_classes
    assert "wb-live" in app.form_error._dom_classes


def test_every_control_of_the_page_has_a_label(app, store):
    import ipywidgets as w

    pid = add_proposal(store)
    app.refresh()
    app.open_discussion(pid)
    unlabelled = [widget for widget in _page_widgets(app)
                  if isinstance(widget, (w.Text, w.Textarea, w.Dropdown))
                  and "wb-device" not in widget._dom_classes and not widget.description]
    assert unlabelled == []


def _page_widgets(app):
    seen, todo = [], [app.widget]
    while todo:
        widget = todo.pop()
        seen.append(widget)
        todo.extend(getattr(widget, "children", ()))
    return seen


def test_the_document_has_a_language_and_a_title(app):
    assert "data-lang='en'" in app.title.value and "data-title=" in app.title.value
    app.set_language("zh")
    assert "data-lang='zh-CN'" in app.title.value
    assert "wb-large-toggle" in app.title.value and "大字" in app.title.value


def test_the_map_has_a_name_and_a_list_of_its_spaces_and_proposals(app, store, community):
    add_proposal(store, "Shade sails", at=INSIDE_P1, space="P1")
    app.refresh()
    assert "data-target='wb-map'" in app.title.value
    text = app.legend.value
    assert "wb-map-list" in text
    for feature in community.public_spaces.values():
        assert esc(feature["properties"]["name_en"]) in text
    assert "Shade sails" in text and "At: " in text


# -- views open where the resident acted --------------------------------------------------------
def test_a_discussion_opens_right_below_its_proposal_and_is_scrolled_to(app, store):
    first = add_proposal(store, "First")
    second = add_proposal(store, "Second")
    app.refresh()
    app.open_discussion(first)
    rows = list(app.proposal_list.list_rows.children)
    panel = app.discussions.discussion.widget
    assert rows.index(panel) == rows.index(app.proposal_list._row_boxes[first]) + 1
    assert any(c.startswith("wb-scroll-") for c in panel._dom_classes)
    marks = [c for c in panel._dom_classes if c.startswith("wb-scroll-")]
    app.open_discussion(second)
    rows = list(app.proposal_list.list_rows.children)
    assert rows.index(panel) == rows.index(app.proposal_list._row_boxes[second]) + 1
    assert rows.count(panel) == 1
    assert [c for c in panel._dom_classes if c.startswith("wb-scroll-")] != marks
    assert app.discussions.widget.children == ()


def test_the_receipt_is_scrolled_into_view(app):
    app.title_input.value = "More benches"
    app.scenario_input.value = "health"
    app.place_at(*INSIDE_OPEN)
    assert app.submit_proposal()
    assert any(c.startswith("wb-scroll-") for c in app.receipt_box._dom_classes)


# -- fair limits -----------------------------------------------------------------------------
def test_a_reply_right_after_ones_comment_is_not_too_fast(monkeypatch, community, store):
    monkeypatch.setenv("WORKBENCH_SECONDS_BETWEEN_SUBMISSIONS", "5")
    pid = add_proposal(store)
    app = ResidentApp(community, store, lang="en")
    assert app.use_code(issue_codes(store, "test", 1)[0])
    app.open_discussion(pid)
    d = app.discussion
    d.stance_input.value, d.body_input.value = "for", "Good idea"
    first = d.post_comment()
    assert first
    d.stance_input.value, d.reply_input.value, d.body_input.value = "neutral", first, "By day"
    assert d.post_comment(), d.status.value  # a reply is a kind of its own
    d.stance_input.value, d.reply_input.value, d.body_input.value = "for", first, "Again"
    assert d.post_comment() is None and "try again" in d.status.value.lower()
    d.stance_input.value, d.reply_input.value, d.body_input.value = "for", 0, "Another"
    assert d.post_comment() is None  # two comments 5 s apart still


# -- colours ---------------------------------------------------------------------------------
def test_every_chip_reads_at_4_5_to_1_at_least():
    colours = [s["color"] for s in vocabulary.scenarios()] + [
        "#2e7d32", "#c62828", "#546e7a", "#f9a825", "#757575", "#ffffff", "#000000", "#777"]
    for colour in colours:
        html = access.chip("x", colour)
        text = access.text_colour_on(colour)
        assert f"color:{text}" in html
        assert access.contrast(colour, text) >= 4.5, colour
    assert access.contrast("#4daf4a", "#ffffff") < 3  # white on the health green was not
    assert "background:#333333" in access.chip("x", "red;}</style><script>")
    assert "&lt;b&gt;" in access.chip("<b>", "#000")


def test_a_message_key_is_letters_digits_and_dashes():
    import ipywidgets as w

    with pytest.raises(ValueError):
        access.link_message("a b", w.Text(), w.HTML())


# -- the map shows the whole community ---------------------------------------------------------
def test_the_map_opens_on_the_whole_community_with_a_margin(app, community):
    """The box the browser fits when the map first has a size (page_map_widget.js; the browser
    tests look at it on a phone at 200 %)."""
    (south, west), (north, east) = community.bounds_latlon()
    (s, w), (n, e) = app.map.widget.fit
    assert s < south and w < west and n > north and e > east
    assert (e - w) == pytest.approx((east - west) * 1.04)
    assert (n - s) == pytest.approx((north - south) * 1.04)
