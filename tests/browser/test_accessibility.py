"""The resident page for every resident, in a real browser on a 390x844 phone, in zh and en:
axe-core on the start, the form's errors, a survey and the lookup; the large-text switch
(kept per browser) at 200 % with nothing cut or overlapping; tap targets and form controls big
enough; a tap on a proposal's marker at a space's centre proposes in that space; a place
chosen without the map (the list of spaces, the arrow buttons); views opened by an action
scrolled into view. Screenshots go to $WORKBENCH_SCREENSHOTS (else the test's tmp_path)."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from test_resident_page import gap_below, open_fold, open_resident_page, type_text
from workbench import i18n, vocabulary
from workbench.layers.community import load_community
from workbench.proposals.rules import Proposal
from workbench.store import Store
from servers import DEMO_LAYERS

pytestmark = pytest.mark.browser

LANGS = ("zh", "en")
POINT_SPACE = "PS07"  # drawn as a point: about the size of a marker


@pytest.fixture(scope="module")
def db(voila_server):
    store = Store(voila_server.database_url)
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def community():
    return load_community(DEMO_LAYERS)


def t(lang: str, key: str, **params) -> str:
    return i18n.t(lang, key, **params)


def in_view(locator) -> bool:
    """Whether the element's top is on the screen (after it was scrolled to)."""
    return locator.evaluate(
        "el => { const r = el.getBoundingClientRect();"
        " return r.top >= -2 && r.top < window.innerHeight - 40; }")


def wait_in_view(page, locator, timeout_ms: int = 5_000) -> None:
    for _ in range(timeout_ms // 100):
        if in_view(locator):
            return
        page.wait_for_timeout(100)
    raise AssertionError("not scrolled into view")


# what measures the page: elements that stick out to the right, controls too small, text cut
LAYOUT_PROBLEMS = """() => {
  const problems = [], width = document.documentElement.clientWidth;
  const shown = el => { const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden'; };
  for (const el of document.querySelectorAll('.wb-app *')) {
    if (el.closest('.leaflet-container') || !shown(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.right > width + 1)
      problems.push('sticks out: ' + el.className + ' ' + Math.round(r.right));
  }
  for (const el of document.querySelectorAll('.wb-app button, .wb-app select')) {
    if (!shown(el)) continue;
    if (el.scrollWidth > el.clientWidth + 1 && el.tagName === 'BUTTON')
      problems.push('text cut: ' + el.textContent.trim());
  }
  if (document.scrollingElement.scrollWidth > width + 1) problems.push('page scrolls sideways');
  return problems;
}"""

SMALL_CONTROLS = """() => {
  const problems = [];
  for (const el of document.querySelectorAll(
      '.wb-app button, .wb-app select, .wb-app input, .wb-app textarea, .wb-app summary')) {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || el.closest('.wb-device')) continue;
    const tiny = el.type === 'radio' || el.type === 'checkbox';
    const box = tiny ? el.closest('label').getBoundingClientRect() : r;
    if (box.height < 44 - 0.5 || (!tiny && box.width < 44 - 0.5))
      problems.push('small: ' + (el.textContent || el.type) + ' '
                    + Math.round(box.width) + 'x' + Math.round(box.height));
    // a control that shows its name in ::after (the photo button) is read at that size
    const size = parseFloat(s.fontSize)
      || parseFloat(getComputedStyle(el, '::after').fontSize);
    if (tiny ? r.width < 16 : size < 16)
      problems.push('font or box under 16px: ' + (el.textContent || el.type));
  }
  return problems;
}"""


def measure_map(page) -> dict:
    """The community's boundary and the map element, in screen pixels."""
    return page.evaluate("""() => {
        const map = document.querySelector('.wb-main .leaflet-container');
        const land = map.querySelector('path[stroke-dasharray="8 5"]');
        return {land: land.getBoundingClientRect().toJSON(),
                map: map.getBoundingClientRect().toJSON()};
    }""")


@pytest.mark.parametrize("lang", LANGS)
def test_start_and_form_errors_pass_axe_with_errors_tied_to_fields(phone, axe, screenshots,
                                                                  lang):
    page = open_resident_page(phone, f"?lang={lang}")
    axe(page, f"start {lang}")
    assert page.evaluate("document.documentElement.lang") == ("zh-CN" if lang == "zh" else "en")
    # the map has a name and a list of what it shows
    expect(page.locator(".wb-main .leaflet-container")).to_have_attribute(
        "aria-label", t(lang, "map.name"))
    page.get_by_text(t(lang, "map.as_list")).click()
    expect(page.locator(".wb-map-list li").first).to_be_visible()
    # controls at least 44x44 and 16 px
    assert page.evaluate(SMALL_CONTROLS) == []

    page.locator(".wb-submit").click()
    title = page.get_by_label(t(lang, "form.title"), exact=True)
    expect(title).to_have_attribute("aria-invalid", "true", timeout=15_000)
    described = title.get_attribute("aria-describedby")
    message = page.locator(f"#{described}")
    expect(message).to_have_text(t(lang, "error.required"))
    expect(message).to_have_attribute("aria-live", "polite")
    place = page.locator(".wb-for-proposal-location select")
    expect(place).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".wb-submit + .wb-live")).to_have_attribute("aria-live", "polite")
    axe(page, f"form errors {lang}")
    screenshots(page, f"errors-{lang}", title)
    # fixed, the field is no longer marked
    type_text(title, "Shade")
    page.locator(".wb-submit").click()
    expect(title).not_to_have_attribute("aria-invalid", "true", timeout=15_000)


@pytest.mark.parametrize("lang", LANGS)
def test_large_text_doubles_the_text_and_nothing_is_cut(phone, axe, screenshots, lang):
    page = open_resident_page(phone, f"?lang={lang}")
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "16px"
    normal = page.locator(".wb-submit").evaluate("el => getComputedStyle(el).fontSize")
    # a browser set to a larger default font: the page's text follows it
    bigger = page.add_style_tag(content="html:not(.wb-large-text) { font-size: 20px; }")
    assert page.locator(".wb-submit").evaluate("el => getComputedStyle(el).fontSize") == \
        f"{float(normal[:-2]) * 20 / 16:g}px"
    assert page.locator(".wb-hint").first.evaluate("el => getComputedStyle(el).fontSize") == "18px"
    bigger.evaluate("el => el.remove()")
    switch = page.locator(".wb-large-toggle")
    expect(switch).to_have_attribute("aria-pressed", "false")
    switch.click()
    expect(switch).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "32px"
    large = page.locator(".wb-submit").evaluate("el => getComputedStyle(el).fontSize")
    assert float(large[:-2]) == pytest.approx(2 * float(normal[:-2]))
    # kept for this browser: a reload opens large
    page.reload(wait_until="domcontentloaded")
    expect(page.locator(".wb-submit")).to_be_visible(timeout=60_000)
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "32px"
    expect(page.locator(".wb-large-toggle")).to_have_attribute("aria-pressed", "true")
    page.wait_for_timeout(1_500)
    screenshots(page, f"large-start-{lang}")
    assert page.evaluate(LAYOUT_PROBLEMS) == []
    # the whole community is on the map
    box = measure_map(page)
    assert box["land"]["left"] >= box["map"]["left"] - 1
    assert box["land"]["right"] <= box["map"]["right"] + 1
    # the folded sections' headings fit too, and open
    open_fold(page, "statement_voting")
    # the stance buttons read in full
    votes = page.locator(".wb-vote-row")
    for word in ("agree", "disagree", "pass"):
        expect(votes.get_by_role("button", name=t(lang, f"statements.{word}"), exact=True)
               ).to_have_count(1)
    votes.first.scroll_into_view_if_needed()
    screenshots(page, f"large-statements-{lang}", votes.first)
    open_fold(page, "proposal_list")
    page.locator(".wb-discuss").first.click()
    expect(page.locator(".wb-discussion")).to_be_visible(timeout=15_000)
    page.wait_for_timeout(800)
    assert page.evaluate(LAYOUT_PROBLEMS) == []
    assert page.evaluate(SMALL_CONTROLS) == []
    stance = page.locator(".wb-stance")
    screenshots(page, f"large-discussion-{lang}", stance)
    for word in ("for", "against", "neutral"):
        expect(stance.get_by_role("button", name=t(lang, f"stance.{word}"), exact=True)
               ).to_have_count(1)
    axe(page, f"large text {lang}")


def test_a_tap_on_a_marker_at_a_space_proposes_in_that_space(phone, db, community,
                                                             screenshots):
    """Proposals made about a space sit at its centre, where residents tap: a tap on such a
    marker opens its popup and also puts the new proposal in that space (a point space)."""
    lon, lat = community.public_space_location(POINT_SPACE)
    colour = next(s["color"] for s in vocabulary.scenarios() if s["code"] == "service")
    assert not [r for r in db.list_proposals("heguang") if r["scenario"] == "service"]
    db.add_proposal("heguang", Proposal(title="Longer opening hours", description="",
                                        scenario="service", lon=lon, lat=lat,
                                        public_space_id=POINT_SPACE), source="test")
    page = open_resident_page(phone)
    marker = page.locator(f'.leaflet-container path[stroke="#ffffff" i][fill="{colour}" i]')
    expect(marker).to_have_count(1)
    marker.scroll_into_view_if_needed()
    box = marker.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.7, box["y"] + box["height"] / 2)
    expect(page.locator(".leaflet-popup-content")).to_contain_text(t("en", "map.pin_here_too"),
                                                                   timeout=15_000)
    name = community.public_spaces[POINT_SPACE]["properties"]["name_en"]
    place = page.locator(".wb-for-proposal-location + .widget-html")
    expect(place).to_contain_text(name)
    expect(place).not_to_contain_text("Point on the map")
    screenshots(page, "marker-tapped")
    title = f"Chairs inside {uuid.uuid4().hex[:6]}"
    type_text(page.get_by_label("Title", exact=True), title)
    page.get_by_label("Scenario", exact=True).select_option(label="Health")
    page.locator(".wb-submit").click()
    expect(page.locator(".wb-receipt")).to_be_visible(timeout=30_000)
    wait_in_view(page, page.locator(".wb-receipt"))
    code = page.locator(".wb-code").inner_text().strip()
    assert db.proposal_by_receipt(code)["public_space_id"] == POINT_SPACE


def test_a_place_is_chosen_without_the_map(phone, db, community):
    page = open_resident_page(phone)
    place = page.locator(".wb-for-proposal-location + .widget-html")
    north = page.get_by_role("button", name=t("en", "form.nudge_north"))
    north.focus()
    page.keyboard.press("Enter")
    expect(place).not_to_contain_text(t("en", "form.place_choose"), timeout=15_000)
    pin = page.locator('.leaflet-container path[fill="#ffeb3b" i]')
    expect(pin).to_have_count(1)
    before = pin.get_attribute("d")
    page.get_by_role("button", name=t("en", "form.nudge_east")).press("Enter")
    expect(pin).not_to_have_attribute("d", before, timeout=15_000)
    # the list of spaces places the pin in the space, named
    name = community.public_spaces["PS03"]["properties"]["name_en"]
    page.get_by_label(t("en", "form.space"), exact=True).select_option(
        index=1 + list(community.public_spaces).index("PS03"))
    expect(place).to_contain_text(name, timeout=15_000)


@pytest.mark.parametrize("lang", LANGS)
def test_a_survey_opens_below_its_button_in_view_and_passes_axe(phone, axe, screenshots,
                                                                 lang):
    page = open_resident_page(phone, f"?lang={lang}")
    open_fold(page, "surveys")
    button = page.locator(".wb-survey-open").first
    button.click()
    survey = page.locator(".wb-survey")
    expect(survey).to_be_visible(timeout=30_000)
    wait_in_view(page, survey)
    # right below the button tapped
    assert 0 <= gap_below(button, survey) < 80
    axe(page, f"survey {lang}")
    # radio buttons, check boxes, selects and text fields of every kind of question
    page.wait_for_timeout(500)
    assert page.evaluate(SMALL_CONTROLS) == []
    assert page.evaluate(LAYOUT_PROBLEMS) == []
    survey.locator(".wb-submit-survey").click()
    expect(survey.locator(".wb-error").filter(has_text=re.compile(r"\S")).first).to_be_visible(
        timeout=15_000)
    invalid = survey.locator("[aria-invalid=true]")
    expect(invalid.first).to_be_attached()
    axe(page, f"survey errors {lang}")
    screenshots(page, f"survey-errors-{lang}")
