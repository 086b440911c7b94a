"""A workshop in real browsers: the screen at 1920 × 1080 with the facilitator's token and two
phones with two participation codes. Both join; a proposal reaches the screen within 3 s; the
facilitator opens a dot round from the screen's controls; both phones spend their dots and the
bars match the store's tally; an attempt to over-spend is refused. The screen has no
scrolling and its text is at least 28 px; screenshots in zh and en. Without the token (or
with a wrong one) the screen has no controls, and the residents' page never has them."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from workbench import i18n
from workbench.workshops import rules as workshop
from workbench.participation.codes import issue_codes
from workbench.serve import WORKSHOP_NOTEBOOK
from workbench.store import Store

from servers import VoilaServer

pytestmark = pytest.mark.browser

READY = 60_000
SCREEN = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
DOTS = 2
#: the issue: a proposal made on a phone is on the screen within 3 s
ON_SCREEN_MS = 3_000


@pytest.fixture(scope="module")
def screen_server(voila_server, tmp_path_factory):
    """The workshop screen's server, on the resident server's database; its QR codes point
    at the resident server."""
    server = VoilaServer(tmp_path_factory.mktemp("screen-home"), notebook=WORKSHOP_NOTEBOOK,
                         extra_env={"WORKBENCH_DATABASE_URL": voila_server.database_url,
                                    "WORKBENCH_PUBLIC_URL": voila_server.url}).start()
    yield server
    server.stop()


@pytest.fixture
def db(voila_server):
    store = Store(voila_server.database_url)
    yield store
    store.dispose()


def offline(context, *servers):
    urls = tuple(s.url for s in servers)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(urls)
                  else route.abort())


def open_screen(browser, screen_server, voila_server, query, lang="en"):
    context = browser.new_context(viewport=SCREEN, device_scale_factor=1, locale="zh-CN")
    context.set_default_timeout(30_000)
    offline(context, screen_server, voila_server)
    page = context.new_page()
    page.goto(f"{screen_server.url}?{query}&lang={lang}", wait_until="domcontentloaded",
              timeout=READY)
    expect(page.locator(".wb-screen")).to_be_visible(timeout=READY)
    return context, page


def open_phone(browser, voila_server, query):
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, locale="en-US")
    context.set_default_timeout(30_000)
    offline(context, voila_server)
    page = context.new_page()
    page.goto(f"{voila_server.url}?lang=en&{query}", wait_until="domcontentloaded",
              timeout=READY)
    expect(page.locator(".wb-submit")).to_be_visible(timeout=READY)
    return context, page


def propose(page, title: str, space_index: int) -> str:
    """A proposal at a public space (chosen in the form), as a resident makes it."""
    page.get_by_label(i18n.t("en", "form.title"), exact=True).fill(title)
    page.get_by_label(i18n.t("en", "form.title"), exact=True).dispatch_event("change")
    page.get_by_label(i18n.t("en", "form.scenario"), exact=True).select_option(label="Health")
    page.get_by_label(i18n.t("en", "form.space"), exact=True).select_option(index=space_index)
    page.locator(".wb-submit").click()
    receipt = page.locator(".wb-code")
    expect(receipt).to_be_visible(timeout=30_000)
    return receipt.inner_text().strip()


def screen_layout_problems(page) -> list[str]:
    """What a person at the back of the room would miss: scrolling, a panel cut off at the
    edge, body text under 28 px (the facilitator's controls and the map's own labels are
    not body text)."""
    return page.evaluate("""() => {
        const problems = [];
        const doc = document.scrollingElement;
        if (doc.scrollHeight > innerHeight + 1 || doc.scrollWidth > innerWidth + 1)
            problems.push(`page scrolls: ${doc.scrollWidth}x${doc.scrollHeight}`);
        for (const el of document.querySelectorAll('.wb-s-header, .wb-col, .wb-controls')) {
            const r = el.getBoundingClientRect();
            if (r.right > innerWidth + 1 || r.bottom > innerHeight + 1 || r.left < -1)
                problems.push(`${el.className} outside the screen: ${JSON.stringify(r)}`);
            if (el.scrollHeight > el.clientHeight + 2)
                problems.push(`${el.className} cut off: ${el.scrollHeight} > ${el.clientHeight}`);
        }
        for (const el of document.querySelectorAll('.wb-cname, .wb-s-title h1'))
            if (el.scrollWidth > el.clientWidth + 1)
                problems.push(`cut short: ${el.textContent.trim()}`);
        const roots = document.querySelectorAll('.wb-s-header .wb-s-title, .wb-s-main');
        for (const root of roots) {
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) {
                const node = walker.currentNode;
                const el = node.parentElement;
                if (!node.textContent.trim() || el.closest('svg') || el.closest('.wb-picker'))
                    continue;
                const size = parseFloat(getComputedStyle(el).fontSize);
                if (size < 28) problems.push(`${size}px: ${node.textContent.trim().slice(0, 40)}`);
            }
        }
        return problems;
    }""")


def test_two_phones_a_proposal_and_a_dot_round_on_the_screen(browser, voila_server,
                                                             screen_server, db, screenshots,
                                                             axe):
    wid, token = workshop.open_workshop(db, "heguang", "银杏口袋公园议事会 · Ginkgo park", DOTS)
    first, second = issue_codes(db, "heguang", 2, batch="workshop browser test")
    screen_context, screen = open_screen(browser, screen_server, voila_server,
                                         f"workshop={wid}&token={token}", lang="zh")
    contexts = [screen_context]
    try:
        expect(screen.locator(".wb-controls")).to_be_visible()
        expect(screen.locator(".wb-joined")).to_have_attribute("data-joined", "0")
        context_a, phone_a = open_phone(browser, voila_server, f"workshop={wid}&code={first}")
        context_b, phone_b = open_phone(browser, voila_server, f"workshop={wid}&code={second}")
        contexts += [context_a, context_b]
        # both phones joined: the screen counts them (it asks the store every second)
        expect(screen.locator(".wb-joined")).to_have_attribute("data-joined", "2",
                                                               timeout=5_000)
        expect(phone_a.locator(".wb-dots")).to_be_visible()
        # no facilitator controls on a resident's page
        for phone in (phone_a, phone_b):
            assert phone.locator(".wb-controls, .wb-end, .wb-new-round, .wb-timer-start, "
                                 ".wb-close-round").count() == 0
            assert i18n.t("en", "workshop.ctl.end") not in phone.content()

        # a proposal from phone A is on the screen's map within 3 s of its receipt
        receipt = propose(phone_a, "Benches with backrests 有靠背的长椅", 1)
        shown_at = time.monotonic()
        pid = db.proposal_by_receipt(receipt)["id"]
        expect(screen.locator(f".wb-map-dots [data-proposal='{pid}']")).to_be_attached(
            timeout=ON_SCREEN_MS)
        assert time.monotonic() - shown_at < ON_SCREEN_MS / 1000
        expect(screen.locator(".wb-latest")).to_contain_text("Benches with backrests")
        expect(screen.locator(".wb-crow[data-scenario='health']")).not_to_have_attribute(
            "data-count", "0")
        propose(phone_b, "Shade over the play area 游乐场遮阳", 2)
        expect(screen.locator(".wb-map-dots [data-proposal]")).to_have_count(2,
                                                                            timeout=ON_SCREEN_MS)

        # the facilitator starts the timer and opens a dot round from the screen's controls
        screen.locator(".wb-timer-start").click()
        expect(screen.locator(".wb-timer.wb-running")).to_contain_text("05:00", timeout=5_000)
        screen.locator(".wb-new-round").click()
        expect(screen.locator(".wb-picker")).to_be_visible()
        choices = screen.locator(".wb-choice input[type=checkbox]")
        expect(choices).to_have_count(2)  # no agenda yet: the workshop's two proposals
        choices.nth(0).check()
        choices.nth(1).check()
        expect(screen.locator(".wb-picker")).to_contain_text("2 项")
        screen.locator(".wb-open-round").click()
        expect(screen.locator(".wb-round-open")).to_be_visible(timeout=5_000)
        rid = db.open_round_of(wid)["id"]

        # the round reaches both phones by itself (they look every 3 s)
        for phone in (phone_a, phone_b):
            expect(phone.locator(".wb-dot-add")).to_have_count(2, timeout=15_000)
        # phone B opens a second tab before spending: it still offers all N dots there
        tab_b2 = context_b.new_page()
        tab_b2.goto(f"{voila_server.url}?lang=en&workshop={wid}&code={second}",
                    wait_until="domcontentloaded", timeout=READY)
        expect(tab_b2.locator(".wb-dot-add")).to_have_count(2, timeout=READY)
        expect(tab_b2.locator(".wb-dot-add").first).to_be_enabled()

        def spend(page, option):
            page.wait_for_timeout(400)  # a page takes one dot per 0.3 s (a double tap)
            before = page.locator(".wb-dots-left").first.inner_text()
            page.locator(".wb-dot-add").nth(option).click()
            expect(page.locator(".wb-dots-left").first).not_to_have_text(before, timeout=10_000)

        spend(phone_a, 0)
        spend(phone_a, 0)
        spend(phone_b, 0)
        spend(phone_b, 1)
        for phone in (phone_a, phone_b):
            expect(phone.locator(".wb-dots-left").first).to_contain_text("0 dots left")
            expect(phone.locator(".wb-dot-add").first).to_be_disabled()
        tally = db.dot_tally(rid)
        assert tally == {0: 3, 1: 1}
        axe(phone_a, "workshop dots en")
        # the same round in Chinese, in a second tab of phone A
        phone_zh = context_a.new_page()
        phone_zh.goto(f"{voila_server.url}?lang=zh&workshop={wid}&code={first}",
                      wait_until="domcontentloaded", timeout=READY)
        expect(phone_zh.locator(".wb-dot-add")).to_have_count(2, timeout=15_000)
        axe(phone_zh, "workshop dots zh")
        # the third attempt of phone B, from its other tab: refused, the tally unchanged
        tab_b2.locator(".wb-dot-add").nth(1).click()
        expect(tab_b2.locator(".wb-dots .wb-error")).to_contain_text(
            i18n.t("en", "dots.none_left", n=DOTS), timeout=10_000)
        assert db.dot_tally(rid) == tally
        # the bars on the screen match the store's tally
        expect(screen.locator(".wb-round-open")).to_have_attribute("data-total", "4",
                                                                   timeout=3_000)
        for option, dots in tally.items():
            row = screen.locator(f".wb-opt[data-option='{option}']")
            expect(row).to_have_attribute("data-dots", str(dots))
            expect(row.locator(".wb-opt-n")).to_have_text(str(dots))
        widths = [screen.locator(f".wb-opt[data-option='{k}'] .wb-opt-bar i").evaluate(
            "el => el.getBoundingClientRect().width") for k in (0, 1)]
        assert widths[0] > 2.5 * widths[1] > 0  # 3 dots against 1

        # readable from the back: no scrolling, nothing cut off, body text >= 28 px
        screen.wait_for_timeout(600)  # the bars' grow transition
        assert screen_layout_problems(screen) == []
        shot = screenshots(screen, "screen-zh-round")
        assert shot.exists()
        screen.locator(".wb-lang .widget-toggle-button", has_text="English").click()
        expect(screen.locator(".wb-join")).to_contain_text("Scan to join")
        screen.wait_for_timeout(300)
        assert screen_layout_problems(screen) == []
        screenshots(screen, "screen-en-round")

        # the facilitator closes the round (its result is kept) and ends the workshop
        screen.locator(".wb-close-round").click()
        expect(screen.locator(".wb-round-closed")).to_be_visible(timeout=5_000)
        assert db.dot_round(rid)["result"]["total_dots"] == 4
        screen.locator(".wb-show-counts").click()
        expect(screen.locator(".wb-counts")).to_be_visible()
        assert screen_layout_problems(screen) == []
        screenshots(screen, "screen-en-counts")
        screen.locator(".wb-end").click()
        expect(screen.locator(".wb-end")).to_have_text(i18n.t("en", "workshop.ctl.end_confirm"))
        assert db.workshop(wid)["status"] == "open"
        screen.locator(".wb-end").click()
        expect(screen.locator(".wb-ended")).to_be_visible(timeout=30_000)
        expect(screen.locator(".wb-controls")).to_have_count(0)
        screenshots(screen, "screen-en-ended")
        ended = db.workshop(wid)
        # 4: A, B, B's second tab, A's tab in Chinese
        assert ended["status"] == "closed" and ended["record"]["joined"] == 4
        assert len(ended["record"]["proposals"]) == 2
        assert db.workshop_map_png(wid).startswith(b"\x89PNG")
    finally:
        for context in contexts:
            context.close()


@pytest.mark.parametrize("query", ["workshop={wid}", "workshop={wid}&token=not-the-token-0",
                                   "workshop={wid}&token={token}X", "workshop=99999"])
def test_without_the_token_the_screen_has_no_controls(browser, voila_server, screen_server,
                                                      db, screenshots, query):
    wid, token = workshop.open_workshop(db, "heguang", "Residents' meeting", 3)
    context, page = open_screen(browser, screen_server, voila_server,
                                query.format(wid=wid, token=token))
    try:
        expect(page.locator(".wb-denied")).to_be_visible()
        expect(page.locator(".wb-denied")).to_contain_text("This is the facilitator's screen")
        expect(page.locator(".wb-denied")).to_contain_text("这是主持人的屏幕")
        assert page.locator(".wb-screen button, .wb-screen input, .wb-screen select").count() == 0
        assert page.locator(".wb-controls, .wb-end, .wb-new-round").count() == 0
        if "99999" not in query:
            # a resident who found the screen's address is shown how to join instead
            expect(page.locator(".wb-denied")).to_contain_text(f"?workshop={wid}")
            screenshots(page, "denied")
    finally:
        context.close()
