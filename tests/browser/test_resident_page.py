"""The resident page in a real browser on a phone-sized screen, against the real Voilà server:
placing a proposal on the map, the two languages, validation messages beside each field, and
escaping of resident text in the list and in map popups.

Screenshots of the key states go to $WORKBENCH_SCREENSHOTS (else the test's tmp_path).
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from workbench import i18n, settings, vocabulary
from workbench.layers.community import load_community
from workbench.proposals.rules import Proposal
from workbench.store import Store


pytestmark = pytest.mark.browser

DEMO_LAYERS = settings.PROJECT_DIR / "layers" / "demo"
COMMUNITY_ID = "heguang"
READY_TIMEOUT = 60_000
EVIL_TITLE = "<img src=x onerror=alert(1)>"
EVIL_DESCRIPTION = "<script>alert(2)</script>"
FIELD_XPATH = ("xpath=ancestor::div[contains(concat(' ', normalize-space(@class), ' '),"
               " ' wb-field ')][1]")
NEXT_SIBLING = "xpath=following-sibling::*[1]"
POINT_ON_MAP = i18n.t("en", "form.place_point", lat=0.0, lon=0.0).split("(")[0].strip()


def en(key: str, **params) -> str:
    return i18n.t("en", key, **params)


@pytest.fixture(scope="module")
def community():
    return load_community(DEMO_LAYERS)


@pytest.fixture(scope="module")
def db(voila_server):
    store = Store(voila_server.database_url)
    yield store
    store.dispose()


# -- page helpers ----------------------------------------------------------------------------
def open_resident_page(phone, query: str = "?lang=en"):
    """Load the page and wait until it is usable: the submit button is shown and the map has
    stopped moving (it zooms to fit the community once it knows its size)."""
    page = phone.page
    page.goto(phone.server_url + query, wait_until="domcontentloaded", timeout=READY_TIMEOUT)
    expect(page.locator(".wb-submit")).to_be_visible(timeout=READY_TIMEOUT)
    wait_for_map_to_settle(page)
    return page


def open_fold(page, name: str):
    """Open a folded section (the proposals, the agenda, statements, surveys: built when
    first opened) by tapping its heading, as a resident does; returns the fold."""
    fold = page.locator(f".wb-fold-{name}")
    button = fold.locator(".wb-fold-button")
    if button.get_attribute("aria-expanded") != "true":
        button.click()
    expect(button).to_have_attribute("aria-expanded", "true", timeout=30_000)
    return fold


def boundary_path(page):
    return page.locator('.leaflet-container path[stroke-dasharray="8 5"]')


def wait_for_map_to_settle(page, timeout_s: float = 15) -> None:
    expect(boundary_path(page)).to_have_count(1, timeout=READY_TIMEOUT)
    last, stable = None, 0
    for _ in range(int(timeout_s / 0.25)):
        box = boundary_path(page).bounding_box()
        key = box and tuple(round(v) for v in box.values())
        stable = stable + 1 if key == last else 0
        if stable >= 3:
            return
        last = key
        page.wait_for_timeout(250)
    raise AssertionError("the map kept moving")


def point_inside_community(page) -> tuple[float, float]:
    """A point (viewport pixels) of the map where the topmost element is the community's own
    land (the boundary polygon's fill): inside the boundary, on no building, road or public
    space. Searched outwards from the centre of the map element."""
    page.locator(".leaflet-container").evaluate("el => el.scrollIntoView({block: 'center'})")
    point = page.evaluate("""() => {
        const land = document.querySelector('.leaflet-container path[stroke-dasharray="8 5"]');
        const map = document.querySelector('.leaflet-container').getBoundingClientRect();
        const cx = map.left + map.width / 2, cy = map.top + map.height / 2;
        for (let r = 0; r < Math.min(map.width, map.height) / 2; r += 6) {
            for (let a = 0; a < 360; a += (r ? 15 : 360)) {
                const x = cx + r * Math.cos(a * Math.PI / 180);
                const y = cy + r * Math.sin(a * Math.PI / 180);
                const ok = [[0, 0], [4, 0], [-4, 0], [0, 4], [0, -4]].every(
                    ([dx, dy]) => document.elementFromPoint(x + dx, y + dy) === land);
                if (ok) return [x, y];
            }
        }
        return null;
    }""")
    assert point, "no free spot of community land on the map"
    return point[0], point[1]


def tap_inside_community(page) -> None:
    """Click a free spot of community land, once the spot holds still (the map may still be
    moving after a zoom)."""
    x, y = point_inside_community(page)
    for _ in range(20):
        page.wait_for_timeout(150)
        again = point_inside_community(page)
        if abs(again[0] - x) < 1 and abs(again[1] - y) < 1:
            break
        x, y = again
    else:
        raise AssertionError("the map kept moving")
    page.mouse.click(x, y)


def field(page, label: str):
    return page.get_by_label(label, exact=True)


def error_beside(locator):
    """The element right after a form field's widget: its error line."""
    return locator.locator(FIELD_XPATH).locator(NEXT_SIBLING)


def place_line(page):
    place = en("form.place") + ":"
    return page.locator(".widget-html").filter(
        has=page.locator("b", has_text=re.compile("^" + re.escape(place) + "$")))


def type_text(locator, value: str) -> None:
    """Fill a Text/Textarea widget and make it sync (continuous_update=False widgets send
    their value on 'change'). Falls back to setting the value in the DOM when the browser's
    text input would alter it (control characters)."""
    locator.fill(value)
    if locator.input_value() != value:
        locator.evaluate("(el, v) => { el.value = v; "
                         "el.dispatchEvent(new Event('input', {bubbles: true})); }", value)
    assert locator.input_value() == value
    locator.dispatch_event("change")


def fill_form(page, *, title: str, description: str = "", scenario: str | None = "Health",
              tap_map: bool = True) -> None:
    if tap_map:
        tap_inside_community(page)
        expect(place_line(page)).to_contain_text(POINT_ON_MAP)
    type_text(field(page, en("form.title")), title)
    type_text(field(page, en("form.description")), description)
    if scenario:
        field(page, en("form.scenario")).select_option(label=scenario)
        expect(field(page, en("form.scenario"))).to_have_value(scenario)


def submit(page) -> None:
    page.get_by_role("button", name=en("form.submit")).click()


def proposal_markers(page, colour: str):
    """SVG paths of the proposals layer (circle markers, white outline) of one colour."""
    return page.locator(f'.leaflet-container path[stroke="#ffffff" i][fill="{colour}" i]')


def assert_no_injected_markup(phone) -> None:
    page = phone.page
    assert page.locator('img[src="x"]').count() == 0
    assert page.locator("[onerror]").count() == 0
    scripts = page.locator("script").evaluate_all("els => els.map(e => e.textContent)")
    assert not [s for s in scripts if "alert(" in s]
    assert phone.dialogs == []


# -- tests -----------------------------------------------------------------------------------
def test_happy_path_in_english(phone, db, community, screenshots):
    page = open_resident_page(phone)
    screenshots(page, "1-loaded")
    before = db.count_proposals()
    title = f"Benches by the canal {uuid.uuid4().hex[:6]}"
    description = "Older residents need a place to rest\non the way to the market."

    tap_inside_community(page)
    expect(place_line(page)).to_contain_text(POINT_ON_MAP)
    shown = re.search(r"\((-?\d+\.\d+), (-?\d+\.\d+)\)", place_line(page).inner_text())
    lat_shown, lon_shown = float(shown.group(1)), float(shown.group(2))
    screenshots(page, "2-place-chosen")

    type_text(field(page, "Title"), title)
    type_text(field(page, "Description"), description)
    field(page, "Scenario").select_option(label="Health")
    field(page, "Title").scroll_into_view_if_needed()
    screenshots(page, "3-form-filled")
    submit(page)

    expect(page.get_by_text(en("receipt.heading"))).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Receipt", exact=False).first).to_be_visible()
    code = page.locator(".wb-code").inner_text().strip()
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", code), code
    screenshots(page, "4-receipt", element=page.locator(".wb-receipt"))

    row = db.proposal_by_receipt(code)
    assert row is not None, f"receipt {code} shown but not in the database"
    assert row["title"] == title
    assert row["description"] == description
    assert row["scenario"] == "health"
    assert row["source"] == "resident_page"
    assert community.contains(row["lon"], row["lat"])
    assert row["lat"] == pytest.approx(lat_shown, abs=1e-5)
    assert row["lon"] == pytest.approx(lon_shown, abs=1e-5)
    assert db.count_proposals() == before + 1

    expect(page.locator(".wb-fold-proposal_list")).to_contain_text(f"({before + 1})")
    open_fold(page, "proposal_list")
    listing = page.locator(".wb-list")
    expect(listing).to_contain_text(title)
    expect(listing).to_contain_text(en("list.count", count=before + 1))
    screenshots(page, "5-list", element=listing.get_by_text(title))
    # The form is back, empty, for another proposal.
    page.get_by_role("button", name=en("receipt.another")).click()
    expect(field(page, "Title")).to_have_value("")
    expect(place_line(page)).to_contain_text(en("form.place_choose"))
    assert phone.dialogs == [] and phone.page_errors == []


def test_chinese_is_the_default_and_english_toggle(phone, screenshots):
    page = open_resident_page(phone, query="")
    for label in ("标题", "说明", "场景"):
        expect(field(page, label)).to_be_visible()
    expect(page.get_by_role("button", name="提交提案")).to_be_visible()
    expect(page.locator(".wb-fold-proposal_list")).to_contain_text("居民提案")
    screenshots(page, "zh", element=field(page, "标题"))

    page.get_by_role("button", name="English").click()
    for label in ("Title", "Description", "Scenario"):
        expect(field(page, label)).to_be_visible()
    expect(page.get_by_role("button", name="Submit proposal")).to_be_visible()
    expect(page.locator(".wb-fold-proposal_list")).to_contain_text("Residents' proposals")
    expect(field(page, "标题")).to_have_count(0)
    expect(page.get_by_role("button", name="提交提案")).to_have_count(0)
    screenshots(page, "en", element=field(page, "Title"))


TITLE_MAX = settings.get("title_max_chars")
DESCRIPTION_MAX = settings.get("description_max_chars")
# (case, form values, field that must show the message, message). All on one page, in this
# order: "no-place" must come first (a place, once tapped, cannot be unset), and no two
# neighbours show the same message on the same field, so each expected message proves that
# the kernel has answered this very submit.
BAD_INPUTS = [
    ("no-place", dict(title="Somewhere", tap_map=False), "location",
     en("error.location_required")),
    ("empty-title", dict(title=""), "title", en("error.required")),
    ("title-too-long", dict(title="x" * (TITLE_MAX + 1)), "title",
     en("error.too_long", max=TITLE_MAX, length=TITLE_MAX + 1)),
    ("blank-title", dict(title="   "), "title", en("error.required")),
    ("huge-description", dict(title="A long story", description="y" * 100_000), "description",
     en("error.too_long", max=DESCRIPTION_MAX, length=100_000)),
    ("control-character", dict(title="abc\u0007def"), "title", en("error.control_chars")),
    ("no-scenario", dict(title="No scenario", scenario=None), "scenario",
     en("error.scenario_required")),
    ("bidi-override", dict(title="abc\u202edef"), "title", en("error.control_chars")),
    ("html-in-title", dict(title=EVIL_TITLE), "title", en("error.markup")),
    ("script-in-description", dict(title="Harmless", description=EVIL_DESCRIPTION),
     "description", en("error.markup")),
]
FIELD_LABELS = {"title": "Title", "description": "Description", "scenario": "Scenario"}


def test_bad_inputs_are_shown_beside_their_fields_and_nothing_is_saved(phone, db,
                                                                        screenshots):
    """Each bad input, submitted in turn on one page (as a resident correcting mistakes
    would), shows its message in the error line right after its field, and saves nothing."""
    page = open_resident_page(phone)
    # Only scenarios of the vocabulary can be picked (an unknown code is Python's to refuse).
    options = [o.replace("\xa0", " ")  # ipywidgets shows spaces of options as nbsp
               for o in field(page, "Scenario").locator("option").all_inner_texts()]
    assert options == [en("form.scenario_choose")] + [s["en"] for s in vocabulary.scenarios()]
    before = db.count_proposals()
    marked = page.locator(".wb-error").filter(has_text=re.compile(r"\S"))

    for case, values, field_name, message in BAD_INPUTS:
        values = {"description": "", "scenario": "Health", "tap_map": True, **values}
        values["scenario"] = values["scenario"] or en("form.scenario_choose")
        fill_form(page, **values)
        submit(page)
        if field_name == "location":
            error = place_line(page).locator(NEXT_SIBLING)
        else:
            error = error_beside(field(page, FIELD_LABELS[field_name]))
        expect(error, f"{case}: error line").to_have_class(re.compile(r"\bwb-error\b"))
        expect(error, f"{case}: message beside the field").to_have_text(message,
                                                                         timeout=30_000)
        # Only this field is marked, and the general hint under the button is shown.
        expect(marked, f"{case}: marked fields").to_have_text([message,
                                                               en("form.fix_errors")])
        expect(page.locator(".wb-submit").locator(NEXT_SIBLING)).to_have_text(
            en("form.fix_errors"))
        expect(page.locator(".wb-receipt"), f"{case}: receipt").to_have_count(0)
        assert db.count_proposals() == before, f"{case}: a proposal was saved"
        error.scroll_into_view_if_needed()
        screenshots(page, case)

    page.wait_for_timeout(500)
    assert db.count_proposals() == before
    assert_no_injected_markup(phone)
    assert phone.page_errors == []


def test_resident_text_is_escaped_in_list_and_popup(phone, db, community, screenshots):
    # Bypass validation, as a row imported by a planner or an older version might.
    space = "PS02"
    lon, lat = community.public_space_location(space)
    others = [r for r in db.list_proposals(COMMUNITY_ID)
              if (r["lon"], r["lat"]) == pytest.approx((lon, lat), abs=1e-6)]
    assert not others, "another proposal sits on the spot this test clicks"
    code = db.add_proposal(COMMUNITY_ID, Proposal(
        title=EVIL_TITLE, description=EVIL_DESCRIPTION, scenario="governance",
        lon=lon, lat=lat, public_space_id=space), source="test")

    page = open_resident_page(phone)
    open_fold(page, "proposal_list")
    listing = page.locator(".wb-list")
    expect(listing.get_by_text(EVIL_TITLE, exact=True)).to_be_visible()
    item = listing.locator(".wb-row").filter(has=page.get_by_text(EVIL_TITLE, exact=True))
    expect(item).to_contain_text(EVIL_DESCRIPTION)
    assert "&lt;img src=x onerror=alert(1)&gt;" in listing.inner_html()
    page.wait_for_timeout(500)
    assert_no_injected_markup(phone)
    screenshots(page, "list", element=listing.get_by_text(EVIL_TITLE, exact=True))

    # The proposal's dot on the map (the only governance-coloured one) opens a popup.
    colour = next(s["color"] for s in vocabulary.scenarios() if s["code"] == "governance")
    marker = proposal_markers(page, colour)
    expect(marker).to_have_count(1)
    marker.scroll_into_view_if_needed()
    box = marker.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_be_visible(timeout=15_000)
    expect(popup.get_by_text(EVIL_TITLE, exact=True)).to_be_visible()
    expect(popup).to_contain_text(EVIL_DESCRIPTION)
    expect(popup).to_contain_text("Governance")
    expect(page.locator(".leaflet-popup")).to_have_css("opacity", "1")
    screenshots(page, "popup")
    page.wait_for_timeout(500)
    assert_no_injected_markup(phone)
    assert db.proposal_by_receipt(code)["title"] == EVIL_TITLE


def gap_below(upper, lower) -> float:
    """Pixels from the bottom of ``upper`` to the top of ``lower`` (Playwright locators),
    both measured in one moment: a page still scrolling smoothly moves both alike, where two
    separate measurements would differ by how far it scrolled in between."""
    return upper.page.evaluate(
        "([a, b]) => b.getBoundingClientRect().top - a.getBoundingClientRect().bottom",
        [upper.element_handle(), lower.element_handle()])


#: Leaflet, once evaluated, is the browser's global ``L``
LEAFLET_LOADED = "() => !!(window.L && typeof window.L.map === 'function')"


def test_the_map_code_loads_with_the_page_not_after_the_widgets(phone):
    """The resident notebook says it draws the map (metadata ``workbench.map``); the template
    loads Leaflet with the page (XStatic-Leaflet's copy), not after the widgets arrive.
    With the kernel's websocket held (never connected: no widget ever arrives), Leaflet is
    loaded all the same, and ipyleaflet's front end is not fetched at all."""
    page = phone.page
    held = []
    page.route_web_socket(re.compile(r".*/api/kernels/.*"), lambda ws: held.append(ws))
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(phone.server_url + "?lang=en", wait_until="commit")
    page.wait_for_function(LEAFLET_LOADED, timeout=READY_TIMEOUT)
    assert any(url.split("?")[0].endswith("/wb-lib/leaflet/leaflet.js") for url in fetched)
    assert page.locator(".leaflet-container").count() == 0  # fetched before any widget came
    for _ in range(100):  # the websocket was asked for, and held: no widget will come
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the kernel's websocket was not held"
    page.wait_for_timeout(1000)
    assert page.locator(".leaflet-container").count() == 0
    assert not [url for url in fetched if "jupyter-leaflet" in url]
    assert phone.page_errors == []


def map_fills_its_place_and_shows_the_community(page) -> None:
    """The map fills its widget (whose height the page's stylesheet may set) and the whole
    community boundary is in view, as the map fits it when it first has a size."""
    wait_for_map_to_settle(page)
    widget = page.locator(".wb-map").bounding_box()
    shown = page.locator(".wb-map .leaflet-container").bounding_box()
    land = boundary_path(page).bounding_box()
    assert abs(shown["height"] - widget["height"]) <= 1 and shown["height"] > 200
    assert shown["x"] <= land["x"] and land["x"] + land["width"] <= shown["x"] + shown["width"]
    assert shown["y"] <= land["y"] and land["y"] + land["height"] <= shown["y"] + shown["height"]


def test_the_map_fills_its_place_and_shows_the_whole_community(phone):
    page = phone.page
    page.goto(phone.server_url + "?lang=en")
    map_fills_its_place_and_shows_the_community(page)
    page.set_viewport_size({"width": 1920, "height": 1080})  # the workshop's screen
    page.wait_for_timeout(500)
    map_fills_its_place_and_shows_the_community(page)
    assert page.locator(".wb-map").bounding_box()["height"] > 0.6 * 1080  # taller there
    assert phone.page_errors == []
