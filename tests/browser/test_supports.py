"""Supports in real browsers: two residents with two codes support the same proposal (two
supports), and one code used in two tabs of one phone counts once."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from test_resident_page import open_fold
from workbench.participation.codes import issue_codes
from workbench.store import Store

pytestmark = pytest.mark.browser

READY = 60_000


def open_page(context, url, code=None):
    page = context.new_page()
    page.goto(url + "?lang=en" + (f"&code={code}" if code else ""),
              wait_until="domcontentloaded", timeout=READY)
    expect(page.locator(".wb-submit")).to_be_visible(timeout=READY)
    open_fold(page, "proposal_list")
    return page


def support_button(page, title):
    row = page.locator(".wb-list .widget-hbox", has_text=title)
    return row.locator(".wb-support")


def test_two_codes_two_supports_one_code_two_tabs_counts_once(browser, voila_server,
                                                              screenshots):
    db = Store(voila_server.database_url)
    first, second = issue_codes(db, "heguang", 2, batch="browser test")
    title = db.list_proposals("heguang")[-1]["title"]  # a demo proposal
    pid = db.list_proposals("heguang")[-1]["id"]
    before = db.support_counts("heguang").get(pid, 0)

    phone_a = browser.new_context(viewport={"width": 390, "height": 844})
    phone_b = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        # resident A arrives from the slip's QR link: the code is filled in
        a1 = open_page(phone_a, voila_server.url, first)
        expect(a1.locator(".wb-code-box")).to_contain_text("Using code", timeout=15_000)
        support_button(a1, title).click()
        expect(support_button(a1, title)).to_contain_text(f"Supported ✓ {before + 1}")
        # resident B types the code by hand
        b = open_page(phone_b, voila_server.url)
        support_button(b, title).click()
        expect(b.locator(".wb-code-box")).to_contain_text("participation code first")
        b.get_by_label("Participation code").fill(second.lower())
        b.get_by_role("button", name="Use code").click()
        expect(b.locator(".wb-code-box")).to_contain_text("Using code", timeout=15_000)
        support_button(b, title).click()
        expect(support_button(b, title)).to_contain_text(f"Supported ✓ {before + 2}")
        screenshots(b, "two-supports", b.locator(".wb-list"))
        # A opens a second tab with the same code and clicks support there too, fast
        a2 = open_page(phone_a, voila_server.url, first)
        expect(a2.locator(".wb-code-box")).to_contain_text("Using code", timeout=15_000)
        expect(support_button(a2, title)).to_contain_text("Supported ✓")
        for _ in range(3):
            support_button(a2, title).click()  # off, on, off, ... from a second tab
        a2.wait_for_timeout(1500)
        counts = db.support_counts("heguang").get(pid, 0)
        assert counts in (before + 1, before + 2)
        mine = {(pid in db.supports_of(c["id"])) for c in db.list_codes("heguang")
                if c["batch"] == "browser test"}
        assert counts - before == sum(mine)  # every support is one code's, never two
    finally:
        phone_a.close()
        phone_b.close()
        db.dispose()
