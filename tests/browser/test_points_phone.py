"""Points on the resident page in Chromium, on a 390x844 phone in zh and en: a resident
arriving from a slip's QR link opens "my points", sees the balance and the credit under
review, redeems a meal (the receipt scrolled into view), and opens the needs pool; axe-core
finds nothing critical or serious. A wide screen (1920x1080) is shot too."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect
from test_resident_page import open_fold

from workbench.participation.codes import AttemptLimiter, check_code, issue_codes
from workbench.points.needs import Need
from workbench.store import Store

pytestmark = pytest.mark.browser

READY = 60_000
WORDS = {
    "en": {"left": " left", "redeem": "Redeem", "confirm": "Confirm", "done": "Redeemed",
           "balance": "Balance now: 70 points", "pending": "waiting for review",
           "post": "Post the need", "title": "What is needed", "claim": "Claim",
           "minutes": "Minutes spent", "claimed": "Claimed: it is yours"},
    "zh": {"left": "剩余", "redeem": "兑换", "confirm": "确认兑换", "done": "兑换成功",
           "balance": "当前余额：70 积分", "pending": "正在审核",
           "post": "发布需求", "title": "需要什么", "claim": "认领",
           "minutes": "用时（分钟）", "claimed": "已认领"},
}


def resident_with_points(db) -> tuple[str, int]:
    """A new code with 100 approved points and 2 under review: (the code, its id)."""
    code, = issue_codes(db, "heguang", 1, batch="points browser test")
    code_id, _ = check_code(db, "heguang", code, AttemptLimiter())
    credit, _ = db.award_points("heguang", code_id, f"test:{code}", "elderly_care", 100, 600,
                                "steward")
    db.review_credit(credit, "王管家", approve=True)
    db.award_points("heguang", code_id, f"survey:{code}", "survey_completed", 2, 0, "steward")
    return code, code_id


def open_points(page, url, lang, code):
    page.goto(f"{url}?lang={lang}&code={code}", wait_until="domcontentloaded", timeout=READY)
    expect(page.locator(".wb-submit")).to_be_visible(timeout=READY)
    return open_fold(page, "points")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_redeem_on_a_phone(phone, voila_server, screenshots, axe, lang):
    words = WORDS[lang]
    db = Store(voila_server.database_url)
    page = phone.page
    try:
        code, code_id = resident_with_points(db)
        fold = open_points(page, voila_server.url, lang, code)
        expect(fold.locator(".wb-points-figure")).to_have_text("100", timeout=30_000)
        expect(fold.locator(".wb-points-balance")).to_contain_text(words["pending"])
        item = fold.locator(".wb-points-item").nth(1)                  # the canteen meal
        expect(item).to_contain_text(words["left"])
        screenshots(page, f"phone-{lang}-balance", fold)
        axe(page, f"points {lang}")
        item.get_by_role("button", name=words["redeem"], exact=True).click()
        confirm = fold.locator(".wb-points-confirm-box")
        expect(confirm).to_be_visible(timeout=15_000)
        confirm.get_by_role("button", name=words["confirm"], exact=True).dblclick()
        receipt = fold.locator(".wb-receipt")
        expect(receipt).to_contain_text(words["balance"], timeout=15_000)
        expect(receipt).to_contain_text(words["done"])
        page.wait_for_timeout(1_000)                                    # the scroll
        top = receipt.evaluate("el => el.getBoundingClientRect().top")
        assert 0 <= top < 844, f"the receipt is off the screen ({top})"
        redeemed = [e for e in db.points_history(code_id) if e["kind"] == "redeem"]
        assert len(redeemed) == 1                                       # a double tap: once
        screenshots(page, f"phone-{lang}-receipt")
        axe(page, f"points receipt {lang}")
        # a need of the committee's, and this resident volunteers with its skill
        start = datetime.now(timezone.utc) + timedelta(days=1)
        need = Need(f"Walk with Mr Li <{lang}>", "Mornings", "elderly_care", "PS01", start,
                    start + timedelta(hours=2))
        need_id = db.post_need("heguang", need, None, "committee")
        db.register_volunteer(code_id, "heguang", ["elderly_care"])
        needs = open_fold(page, "needs_pool")
        expect(needs.get_by_role("button", name=words["post"])).to_be_visible(timeout=30_000)
        expect(needs.get_by_label(words["title"])).to_be_visible()
        screenshots(page, f"phone-{lang}-needs", needs.locator(".wb-needs-form"))
        axe(page, f"needs pool {lang}")
        card = needs.locator(f".wb-need-{need_id}")
        expect(card).to_contain_text(f"Walk with Mr Li <{lang}>")       # shown as text
        card.get_by_role("button", name=words["claim"], exact=True).click()
        expect(card).to_contain_text(words["claimed"], timeout=15_000)
        expect(card.get_by_label(words["minutes"])).to_be_visible()
        assert db.need(need_id)["status"] == "claimed"
        screenshots(page, f"phone-{lang}-claimed", card)
        axe(page, f"needs pool claimed {lang}")
        assert not phone.page_errors and not phone.dialogs
    finally:
        db.dispose()


def test_points_on_a_wide_screen(browser, voila_server, screenshots, axe):
    db = Store(voila_server.database_url)
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    context.set_default_timeout(30_000)
    try:
        page = context.new_page()
        fold = open_points(page, voila_server.url, "en", resident_with_points(db)[0])
        expect(fold.locator(".wb-points-figure")).to_have_text("100", timeout=30_000)
        fold.locator(".wb-points-item").nth(0).get_by_role("button", name="Redeem").click()
        fold.get_by_role("button", name="Confirm", exact=True).click()
        expect(fold.locator(".wb-receipt")).to_contain_text("Balance now: 50 points",
                                                            timeout=15_000)
        axe(page, "points wide")
        screenshots(page, "wide-en", fold)
    finally:
        context.close()
        db.dispose()
