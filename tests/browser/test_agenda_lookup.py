"""A resident looks up their proposal by its receipt code on a phone and sees the committee's
decision, its reason and the item's progress; the agenda is also shown at workshop size.
Screenshots in both languages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from workbench.agenda import decisions, scoring, workflow
from workbench.layers.community import load_community
from workbench.store import Store

from servers import DEMO_LAYERS
from test_resident_page import open_fold

pytestmark = pytest.mark.browser

READY = 60_000


@pytest.fixture(scope="module")
def published(voila_server):
    db = Store(voila_server.database_url)
    community = load_community(DEMO_LAYERS)
    workflow.regroup(db, "heguang")
    rows = db.list_proposals("heguang")
    items = {p: i for i in db.agenda_items("heguang") for p in i["proposal_ids"]}
    adopted, declined = rows[-1], rows[-2]
    db.decide(items[adopted["id"]]["id"], decisions.validate_decision({
        "decision": "adopt", "owner": "residents_committee", "target_date": "2027-04-30",
        "reason": "38 位居民支持 · 38 residents support it"}))
    db.add_update(items[adopted["id"]]["id"], "in_progress", 45,
                  "已选定长椅样式 · bench model chosen", "居委会")
    db.decide(items[declined["id"]]["id"], decisions.validate_decision({
        "decision": "decline", "reason": "场地归物业所有 · the site belongs to the estate"}))
    workflow.publish(db, community, scoring.DEFAULT_WEIGHTS, "居委会")
    yield {"adopted": adopted, "declined": declined}
    db.dispose()


@pytest.mark.parametrize("lang, words", [
    ("en", {"look": "Look up", "adopted": "Adopted", "declined": "Declined",
            "progress": "In progress · 45%"}),
    ("zh", {"look": "查询", "adopted": "采纳", "declined": "不采纳",
            "progress": "进行中 · 45%"}),
])
def test_a_resident_looks_up_a_receipt_and_sees_the_decision(browser, voila_server,
                                                             published, screenshots, axe,
                                                             lang, words):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(f"{voila_server.url}?lang={lang}", wait_until="domcontentloaded",
                  timeout=READY)
        expect(page.locator(".wb-submit")).to_be_visible(timeout=READY)
        open_fold(page, "agenda_section")
        agenda = page.locator(".wb-agenda")
        expect(agenda).to_contain_text(words["progress"])
        expect(agenda).to_contain_text(words["declined"])
        agenda.scroll_into_view_if_needed()
        axe(page, f"agenda {lang}")
        # a code that matches nothing: the message is tied to the field
        field = agenda.locator("input")
        field.fill("ZZZZ-ZZZZ")
        agenda.get_by_role("button", name=words["look"], exact=True).click()
        expect(field).to_have_attribute("aria-invalid", "true", timeout=15_000)
        expect(page.locator("#" + field.get_attribute("aria-describedby"))).not_to_be_empty()
        axe(page, f"lookup refused {lang}")
        # the receipt as a resident types it from paper: lower case, no dash
        agenda.locator("input").fill(published["adopted"]["receipt_code"].lower()
                                     .replace("-", ""))
        agenda.get_by_role("button", name=words["look"], exact=True).click()
        found = agenda.locator(".wb-found")
        expect(found).to_contain_text(published["adopted"]["title"], timeout=15_000)
        expect(found).to_contain_text(words["adopted"])
        expect(found).to_contain_text("38")
        expect(found).to_contain_text(words["progress"])
        expect(field).not_to_have_attribute("aria-invalid", "true")
        # what was found is brought into view, and says whose proposal it is
        page.wait_for_timeout(800)
        assert found.first.evaluate("el => el.getBoundingClientRect().top < innerHeight")
        axe(page, f"lookup {lang}")
        found.scroll_into_view_if_needed()
        screenshots(page, f"lookup-{lang}", found)
        agenda.locator("input").fill(published["declined"]["receipt_code"])
        agenda.get_by_role("button", name=words["look"], exact=True).click()
        expect(found.first).to_contain_text(words["declined"], timeout=15_000)
        expect(found.first).to_contain_text(published["declined"]["title"])
    finally:
        context.close()


def test_the_agenda_at_workshop_size(browser, voila_server, published, screenshots):
    for lang in ("zh", "en"):
        context = browser.new_context(viewport={"width": 1920, "height": 1080})
        try:
            page = context.new_page()
            page.goto(f"{voila_server.url}?lang={lang}", wait_until="domcontentloaded",
                      timeout=READY)
            expect(page.locator(".wb-submit")).to_be_visible(timeout=READY)
            open_fold(page, "agenda_section")
            agenda = page.locator(".wb-agenda")
            expect(agenda).to_contain_text("45%")
            agenda.scroll_into_view_if_needed()
            screenshots(page, f"agenda-1920-{lang}", agenda)
            # the items are on the map too
            assert page.locator(".leaflet-container path.leaflet-interactive").count() > 0
        finally:
            context.close()
