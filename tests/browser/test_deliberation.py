"""Deliberation in a real browser on a phone: a resident arrives from a slip's QR link,
comments on a proposal, replies, reports a comment, and votes on statements one at a time;
a second phone with another code votes too, and a moderator's hiding shows up with its
reason. Screenshots in both languages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from test_resident_page import gap_below, open_fold

from workbench.participation.codes import issue_codes
from workbench.store import Store

pytestmark = pytest.mark.browser

READY = 60_000


def open_page(context, url, lang, code=None):
    page = context.new_page()
    page.goto(f"{url}?lang={lang}" + (f"&code={code}" if code else ""),
              wait_until="domcontentloaded", timeout=READY)
    expect(page.locator(".wb-submit")).to_be_visible(timeout=READY)
    # the proposals and the statements are folded until tapped
    open_fold(page, "proposal_list")
    open_fold(page, "statement_voting")
    return page


@pytest.mark.parametrize("lang, words", [
    ("en", {"discuss": "Discuss", "post": "Post", "agree": "Agree", "for": "For",
            "report": "Report", "hidden": "Hidden by the moderator", "done": "every statement",
            "using": "Using code", "received": "report was received", "one": "voted on 1 of"}),
    ("zh", {"discuss": "讨论", "post": "发表", "agree": "同意", "for": "支持",
            "report": "举报", "hidden": "已被管理员隐藏", "done": "所有观点",
            "using": "已使用参与码", "received": "已收到举报", "one": "已表态 1 /"}),
])
def test_comment_reply_report_and_vote_on_a_phone(browser, voila_server, screenshots, axe,
                                                  lang, words):
    db = Store(voila_server.database_url)
    first, second = issue_codes(db, "heguang", 2, batch=f"deliberation {lang}")
    topic = db.topics("heguang", open_only=True)[0]
    # each language its own demo proposal: the server (and database) serves both runs
    proposal = db.list_proposals("heguang")[-1 if lang == "en" else -2]
    phone_a = browser.new_context(viewport={"width": 390, "height": 844})
    phone_b = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = open_page(phone_a, voila_server.url, lang, first)
        expect(page.locator(".wb-code-box")).to_contain_text(words["using"], timeout=15_000)
        row = page.locator(".wb-list .widget-hbox", has_text=proposal["title"])
        row.locator(".wb-discuss").click()
        panel = page.locator(".wb-discussion")
        expect(panel).to_be_visible()
        # it opens right below its proposal's row, brought into view
        page.wait_for_timeout(1_000)
        assert 0 <= gap_below(row, panel) < 40
        assert -2 <= panel.evaluate("el => el.getBoundingClientRect().top") < 400
        axe(page, f"discussion {lang}")
        panel.get_by_role("button", name=words["for"], exact=True).click()
        panel.locator("textarea").fill(f"{lang}: 好主意 good idea, 5 < 6 & 7 > 3")
        panel.get_by_role("button", name=words["post"], exact=True).click()
        expect(panel.locator(".wb-comment")).to_have_count(1, timeout=15_000)
        # the refusal of markup is tested elsewhere; here '<' and '&' come back as typed
        expect(panel.locator(".wb-comment")).to_contain_text(f"{lang}: 好主意 good idea, 5 < 6")
        # a reply to it, from the same phone
        panel.get_by_role("button", name=words["for"], exact=True).click()
        panel.locator("select").first.select_option(index=1)
        panel.locator("textarea").fill("↳ reply")
        page.wait_for_timeout(300)
        panel.get_by_role("button", name=words["post"], exact=True).click()
        expect(panel.locator(".wb-reply")).to_have_count(1, timeout=15_000)
        expect(row.locator(".wb-discuss")).to_contain_text("2")
        screenshots(page, f"discussion-{lang}", panel)
        axe(page, f"discussion with comments {lang}")
        # report the first comment
        panel.locator("select").nth(1).select_option(index=2)
        panel.locator("input[type=text]").fill("spam")
        panel.get_by_role("button", name=words["report"], exact=True).click()
        expect(panel).to_contain_text(words["received"], timeout=15_000)
        queue = db.moderation_queue("heguang")
        assert [q["kind"] for q in queue] == ["comment"]
        assert queue[0]["text"] == f"{lang}: 好主意 good idea, 5 < 6 & 7 > 3"

        # statements, one at a time, on two phones
        cards = page.locator(".wb-statements")
        statements = [s for s in db.statements_of(topic["id"]) if s["status"] == "shown"]
        seen = []
        for _ in statements:
            text = cards.locator(".wb-statement").inner_text()
            seen.append(text)
            cards.get_by_role("button", name=words["agree"], exact=True).click()
            expect(cards.locator(".wb-statement, .wb-ok").first).not_to_have_text(
                text, timeout=15_000)
            page.wait_for_timeout(600)  # the page takes a vote every half second
        expect(cards).to_contain_text(words["done"], timeout=15_000)
        assert sorted(seen) == sorted(s["body"] for s in statements)
        voter = f"code-{db.list_codes('heguang')[-2]['id']}"
        assert set(db.votes_of(voter, topic["id"]).values()) == {1}
        page_b = open_page(phone_b, voila_server.url, lang, second)
        cards_b = page_b.locator(".wb-statements")
        expect(cards_b.locator(".wb-statement")).to_be_visible(timeout=15_000)
        cards_b.scroll_into_view_if_needed()
        screenshots(page_b, f"statement-{lang}", cards_b)
        axe(page_b, f"statements {lang}")
        cards_b.get_by_role("button", name=words["agree"], exact=True).click()
        expect(cards_b).to_contain_text(words["one"], timeout=15_000)

        # a moderator hides the comment; a reload shows the reason in its place
        cid = queue[0]["id"]
        db.moderate("heguang", "comment", cid, "hide", "广告 <i>ad</i>", "moderator")
        page.reload(wait_until="domcontentloaded")
        expect(page.locator(".wb-submit")).to_be_visible(timeout=READY)
        open_fold(page, "proposal_list")
        page.locator(".wb-list .widget-hbox", has_text=proposal["title"]).locator(
            ".wb-discuss").click()
        expect(page.locator(".wb-discussion")).to_contain_text(
            f"{words['hidden']}", timeout=15_000)
        expect(page.locator(".wb-discussion")).to_contain_text("广告 <i>ad</i>")
        assert "好主意" not in page.locator(".wb-discussion").inner_text()
    finally:
        phone_a.close()
        phone_b.close()
        db.dispose()
