"""A resident answers the public-space needs survey on a phone: a draft survives a reload
(the browser's device key), every answer is checked in Python, the map point is placed by a
tap, and the saved response comes with a receipt."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from servers import DEMO_LAYERS
from test_resident_page import open_fold
from workbench.layers.community import load_community
from workbench.store import Store

pytestmark = pytest.mark.browser

READY = 60_000


def open_needs_survey(page, url):
    page.goto(url + "?lang=en", wait_until="domcontentloaded", timeout=READY)
    expect(page.locator(".wb-submit")).to_be_visible(timeout=READY)
    open_fold(page, "surveys")
    page.locator(".wb-survey-open", has_text="needs").click()
    expect(page.locator(".wb-survey")).to_be_visible(timeout=30_000)
    return page.locator(".wb-survey")


def question(survey, text):
    return survey.locator(".wb-question", has_text=text)


def test_needs_survey_on_a_phone(phone, voila_server, screenshots):
    page = phone.page
    survey = open_needs_survey(page, voila_server.url)
    expect(survey.get_by_text(re.compile(r"0 of \d+ questions answered"))).to_be_visible()
    question(survey, "How often do you go").get_by_text("Never").click()
    question(survey, "What is your age group").get_by_text("60 to 74").click()
    expect(question(survey, "main reasons you rarely or never go")).to_be_visible()
    page.wait_for_timeout(800)  # the kernel has the draft once the change is handled

    # a reload keeps the draft: same browser, same device key
    page.reload(wait_until="domcontentloaded")
    expect(page.locator(".wb-submit")).to_be_visible(timeout=READY)
    survey = open_needs_survey(page, voila_server.url)
    never = question(survey, "How often do you go").get_by_label("Never")
    expect(never).to_be_checked(timeout=15_000)
    expect(question(survey, "What is your age group").get_by_label("60 to 74")).to_be_checked()

    # submitting with required answers missing: messages beside them, nothing saved
    survey.get_by_role("button", name="Submit answers").click()
    expect(question(survey, "How many people live in your household")
           .locator(".wb-error")).to_have_text("Please fill this in.")
    db = Store(voila_server.database_url)
    assert not db.survey_responses("public_space_needs")

    question(survey, "main reasons you rarely or never go").get_by_text(
        "They are too far from home").click()
    top = question(survey, "Which three of these improvements")
    selects = top.locator("select")
    for i in range(3):
        selects.nth(i).select_option(index=i + 1)
    # the map point: tap the survey's own map inside the community
    place = question(survey, "Mark on the map one place")
    place.locator(".leaflet-container").scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    # a public space's dot: the place line names the space, as the proposal form's does
    spaces = load_community(DEMO_LAYERS).public_spaces.values()
    named = re.compile("|".join(re.escape(s["properties"]["name_en"]) for s in spaces))
    # (the smallest space drawn: a point space's dot, whose centre is surely inside it)
    x, y = place.locator(".leaflet-container").evaluate("""map => {
        const spaces = [...map.querySelectorAll('path[fill-opacity="0.55"][stroke-width="2"]')]
            .map(p => p.getBoundingClientRect()).filter(r => r.width > 0);
        spaces.sort((a, b) => a.width * a.height - b.width * b.height);
        return [spaces[0].x + spaces[0].width / 2, spaces[0].y + spaces[0].height / 2];
    }""")
    page.mouse.click(x, y)
    expect(place.locator(".wb-live")).to_have_text(named, timeout=15_000)
    expect(place.get_by_text("Point on the map")).to_have_count(0)
    # a point of the community's own land, on no space: its coordinates
    x, y = place.locator(".leaflet-container").evaluate("""map => {
        const land = map.querySelector('path[stroke-dasharray="8 5"]');
        const r = map.getBoundingClientRect(), cx = r.left + r.width / 2, cy = r.top + r.height / 2;
        for (let d = 0; d < Math.min(r.width, r.height) / 2; d += 6)
            for (let a = 0; a < 360; a += (d ? 15 : 360)) {
                const x = cx + d * Math.cos(a * Math.PI / 180), y = cy + d * Math.sin(a * Math.PI / 180);
                // land all round, further than a tap on a point space's dot may be from it
                if ([0, 45, 90, 135, 180, 225, 270, 315].map(b => [16 * Math.cos(b * Math.PI / 180),
                        16 * Math.sin(b * Math.PI / 180)]).concat([[0, 0]]).every(
                        ([dx, dy]) => document.elementFromPoint(x + dx, y + dy) === land))
                    return [x, y];
            }
        return null;
    }""")
    page.mouse.click(x, y)
    expect(place.get_by_text("Point on the map")).to_be_visible()
    place.locator("input[type=radio]").first.check()  # the follow-up: what kind of problem
    ideas = question(survey, "Which of these two ideas")
    ideas.locator(".wb-idea").first.click()
    expect(ideas.get_by_text("Pair 2 of")).to_be_visible()
    household = question(survey, "How many people live in your household").locator("input")
    household.fill("200")
    household.press("Tab")
    question(survey, "children under 12").get_by_text("No", exact=True).click()
    question(survey, "Which part of the community").get_by_text("North of Heguang Road").click()
    survey.get_by_role("button", name="Submit answers").click()
    expect(question(survey, "How many people live in your household")
           .locator(".wb-error")).to_have_text("Please enter a number from 1 to 15.")
    household.fill("3")
    household.press("Tab")
    survey.get_by_role("button", name="Submit answers").click()
    receipt = survey.locator(".wb-receipt")
    page.wait_for_timeout(1500)
    problems = [(q.inner_text()[:50], q.locator(".wb-error").inner_text())
                for q in survey.locator(".wb-question").all()
                if q.locator(".wb-error").inner_text().strip()]
    assert receipt.count() == 1, problems
    expect(receipt).to_contain_text("Answers saved", timeout=15_000)
    # the receipt is brought into view
    page.wait_for_timeout(1_000)
    assert receipt.evaluate("el => { const r = el.getBoundingClientRect();"
                            " return r.top >= -2 && r.bottom <= innerHeight + 2; }")
    screenshots(page, "survey-receipt", receipt)
    code = receipt.locator(".wb-code").inner_text()

    rows = db.survey_responses("public_space_needs")
    assert len(rows) == 1 and rows[0]["receipt_code"] == code
    answers = rows[0]["answers"]
    assert answers["visit_frequency"] == "never" and answers["household_size"] == 3
    assert len(answers["top_improvements"]) == 3 and "lon" in answers["problem_place"]
    assert answers["pocket_park_ideas"][0]["pick"] in (answers["pocket_park_ideas"][0]["a"],
                                                       answers["pocket_park_ideas"][0]["b"])
    db.dispose()
    assert not phone.dialogs
