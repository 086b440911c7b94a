"""Activities and room booking on a phone (390x844) in zh and en, against the real Voilà
server: the calendar filtered by space, signing up (a place, then a full activity's waiting
list) with the code the slip's link brought, a room's free times, a refused time beside its
field and a booking request with its receipt, then that booking under "My bookings",
cancelled after a confirmation with the points back; axe-core finds nothing critical or
serious.
Also the calendar on a 1920x1080 screen.

Screenshots go to $WORKBENCH_SCREENSHOTS (else the test's tmp_path)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from test_accessibility import LAYOUT_PROBLEMS, SMALL_CONTROLS
from test_resident_page import open_fold
from workbench import i18n
from workbench.activities import checkin, workflow
from workbench.activities.wording import day_text
from workbench.layers.community import load_community
from workbench.layers.editing import from_layer_file, snapshot
from workbench.participation.codes import hash_code, issue_codes, normalise_code
from workbench.store import Store
from servers import DEMO_LAYERS

pytestmark = pytest.mark.browser

READY = 60_000
ZONE = ZoneInfo("Asia/Shanghai")
CENTRE, LIVING_ROOM = "PS06", "PS07"
BOOKING_DAYS = {"zh": 6, "en": 7}


def at(days: int, hour: int) -> datetime:
    day = datetime.now(ZONE).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour)


def activity(**values) -> dict:
    start = values.pop("starts_at")
    return {"description": "", "room_id": None, "scenario": "neighbourhood",
            "organiser": "李阿姨", "capacity": 20, "starts_at": start,
            "ends_at": start + timedelta(hours=2), "repeat": "once", **values}


@pytest.fixture(scope="module")
def seeded(voila_server):
    """The demo community's spaces in the database, three activities (one already full) and
    a bookable room of the neighbourhood centre with one booking."""
    store = Store(voila_server.database_url)
    community = load_community(DEMO_LAYERS)
    store.load_public_spaces(community.id, [snapshot(*from_layer_file(f)) for f in
                                            community.layers["public_spaces"]["features"]],
                             "browser test")
    choir = workflow.post_activity(store, community, activity(
        title="社区合唱团 Choir", public_space_id=CENTRE, starts_at=at(3, 19)), "王管家")
    full = workflow.post_activity(store, community, activity(
        title="剪纸课 Paper cutting", public_space_id=CENTRE, starts_at=at(4, 14), capacity=2,
        scenario="education"), "王管家")
    workflow.post_activity(store, community, activity(
        title="邻里茶话会 Tea and talk", public_space_id=LIVING_ROOM, starts_at=at(5, 15),
        scenario="health", organiser="张老师"), "王管家")
    for code_id in store.add_codes(community.id, ["browser-a", "browser-b"]):
        store.sign_up(full, at(4, 14).date(), code_id)
    room = workflow.add_room(store, community, CENTRE, {
        "name": "乒乓球室", "opens": "08:00", "closes": "21:00", "points_cost": 20})
    booker = store.add_codes(community.id, ["browser-booker"])[0]
    credit(store, community, booker, 1000, "seed")
    for days in BOOKING_DAYS.values():  # each language's run books on a day of its own
        workflow.request_booking(store, community, room, booker, {
            "purpose": "居民乒乓球赛", "starts_at": at(days, 10), "ends_at": at(days, 12)})
    yield {"store": store, "community": community, "choir": choir, "full": full}
    store.dispose()


def credit(store, community, code_id: int, points: int, key: str) -> None:
    """Points for a resident (awarded and approved): rooms cost points."""
    store.open_points_account(code_id)
    credit_id, _ = store.award_points(community.id, code_id, f"browser:{key}:{code_id}",
                                      "elderly_care", points, 0, "steward")
    store.review_credit(credit_id, "王管家", approve=True)


def code_id(store, community, code: str) -> int:
    salt = store.code_salt(community.id)
    return store.code_id_of(community.id, hash_code(normalise_code(code), salt))


def taken(seeded, name: str, start: datetime, status: str) -> int:
    """How many of a seeded activity's meeting are accepted, or waiting."""
    signups = seeded["store"].signups(seeded[name], start.date())
    return sum(s["status"] == status for s in signups)


def open_page(phone, lang: str, code: str):
    page = phone.page
    page.goto(f"{phone.server_url}?lang={lang}&code={code}", wait_until="domcontentloaded",
              timeout=READY)
    expect(page.locator(".wb-code-box")).to_contain_text(code[-4:], timeout=READY)
    return page


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_calendar_sign_up_and_booking_on_a_phone(phone, seeded, axe, screenshots, lang):
    t = lambda key, **p: i18n.t(lang, key, **p)  # noqa: E731
    store, community = seeded["store"], seeded["community"]
    code = issue_codes(store, community.id, 1, batch="browser")[0]
    resident = code_id(store, community, code)
    credit(store, community, resident, 10, "start")  # not enough for an hour at 20
    page = open_page(phone, lang, code)

    # the calendar: every space, then the neighbourhood centre's
    fold = open_fold(page, "activities")
    cards = fold.locator(".wb-activity")
    expect(cards.first).to_be_visible(timeout=30_000)
    expect(fold.get_by_text("邻里茶话会 Tea and talk")).to_be_visible()
    centre = seeded["community"].public_spaces[CENTRE]["properties"][f"name_{lang}"]
    fold.get_by_label(t("activities.space_label")).select_option(label=centre)
    expect(fold.get_by_text("邻里茶话会 Tea and talk")).to_have_count(0, timeout=15_000)
    choir = cards.filter(has_text="社区合唱团 Choir").first
    expect(choir).to_contain_text(day_text(lang, at(3, 19).date()) + " 19:00–21:00")
    # (the other language's run signed up before: the counts are the database's)
    places = 20 - taken(seeded, "choir", at(3, 19), "accepted")
    expect(choir).to_contain_text(t("activities.places_left", n=places, capacity=20))
    paper = cards.filter(has_text="剪纸课 Paper cutting")
    waiting = taken(seeded, "full", at(4, 14), "waiting")
    expect(paper).to_contain_text(t("activities.full", waiting=waiting))
    fold.locator(".wb-activity-space").evaluate("el => el.scrollIntoView({block: 'start'})")
    screenshots(page, "calendar")

    # signing up: a place, with its receipt in view below the card
    choir.get_by_role("button", name=t("activities.sign_up")).click()
    receipt = fold.locator(".wb-receipt")
    when = day_text(lang, at(3, 19).date()) + " 19:00–21:00"
    expect(receipt).to_have_text(t("activities.signed_up", title="社区合唱团 Choir", when=when),
                                 timeout=15_000)
    expect(receipt).to_be_in_viewport(ratio=1)
    expect(choir).to_contain_text(t("activities.you_have_place"))
    expect(choir.get_by_role("button", name=t("activities.cancel"))).to_be_visible()
    # the full one: the waiting list
    paper.get_by_role("button", name=t("activities.join_waiting")).click()
    expect(receipt).to_contain_text(t("activities.on_waiting_list", title="剪纸课 Paper cutting",
                                      when=day_text(lang, at(4, 14).date()) + " 14:00–16:00",
                                      position=waiting + 1), timeout=15_000)
    expect(paper).to_contain_text(t("activities.you_wait", position=waiting + 1))
    screenshots(page, "sign-up")
    axe(page, f"activities, {lang}")

    # booking: a room and a day, the free times, a refused time, then a request
    booking = open_fold(page, "room_booking")
    booking.get_by_label(t("activities.booking.room"), exact=True).select_option(index=1)
    expect(booking).to_contain_text(t("activities.booking.price", points=20))
    day = day_text(lang, at(BOOKING_DAYS[lang], 10).date())
    booking.get_by_label(t("activities.booking.day"), exact=True).select_option(label=day)
    slots = booking.locator(".wb-slot")
    expect(slots).to_have_count(2, timeout=15_000)
    expect(slots.nth(0)).to_have_text("08:00–10:00")
    expect(slots.nth(1)).to_have_text("12:00–21:00")
    start = booking.get_by_label(t("activities.booking.from"), exact=True)
    end = booking.get_by_label(t("activities.booking.to"), exact=True)
    start.fill("10:30")
    start.press("Enter")
    end.fill("11:30")
    end.press("Enter")
    booking.get_by_label(t("activities.booking.purpose"), exact=True).fill("象棋 chess")
    booking.get_by_role("button", name=t("activities.booking.request")).click()
    refusal = booking.locator(".wb-msg-booking-starts-at")
    expect(refusal).to_have_text(t("activities.refused.taken"), timeout=15_000)
    expect(start).to_have_attribute("aria-invalid", "true")
    screenshots(page, "booking-refused", refusal)
    axe(page, f"booking refused, {lang}")
    slots.nth(1).click()
    expect(start).to_have_value("12:00")
    expect(end).to_have_value("13:00")
    expect(booking.locator(".wb-booking-price")).to_contain_text(
        t("activities.booking.cost", points=20), timeout=15_000)
    # 10 points for an hour at 20: refused beside the time, nothing booked
    booking.get_by_role("button", name=t("activities.booking.request")).click()
    expect(refusal).to_have_text(t("activities.refused.points", needed=20, balance=10),
                                 timeout=15_000)
    screenshots(page, "booking-short", refusal)
    axe(page, f"booking short of points, {lang}")
    credit(store, community, resident, 50, "more")
    booking.get_by_role("button", name=t("activities.booking.request")).click()
    sent = booking.locator(".wb-receipt")
    expect(sent).to_contain_text(t("activities.booking.requested"), timeout=15_000)
    expect(sent).to_contain_text(t("activities.booking.charged", points=20))
    expect(sent).to_be_in_viewport(ratio=1)
    expect(refusal).to_have_text("")
    expect(slots.nth(1)).to_have_text("13:00–21:00")
    screenshots(page, "booking")
    axe(page, f"booking, {lang}")
    assert store.points_balance(resident) == 40  # 10 + 50 - one hour at 20

    # my bookings: the one just requested; cancelled after a confirmation, the points back
    mine = booking.locator(".wb-my-booking")
    expect(mine).to_have_count(1, timeout=15_000)
    expect(mine).to_contain_text(f"{day} 12:00–13:00")
    expect(mine).to_contain_text(t("activities.mine.status.requested"))
    number = store.bookings_of(community.id, code_id=resident)[0]["id"]
    mine.get_by_role("button", name=t("activities.mine.cancel", number=number)).click()
    confirm = booking.locator(".wb-my-booking-confirm-box")
    expect(confirm).to_contain_text(t("activities.mine.confirm_button"), timeout=15_000)
    screenshots(page, "my-booking-confirm", confirm)
    confirm.get_by_role("button", name=t("activities.mine.confirm_button")).click()
    back = booking.locator(".wb-my-bookings .wb-receipt")
    expect(back).to_have_text(t("activities.mine.cancelled", number=number, points=20),
                              timeout=15_000)
    expect(back).to_be_in_viewport(ratio=1)
    expect(mine).to_contain_text(t("activities.mine.status.cancelled"))
    screenshots(page, "my-booking-cancelled")
    axe(page, f"my booking cancelled, {lang}")
    assert store.points_balance(resident) == 60  # the hour's 20 given back
    assert not phone.page_errors and not phone.dialogs


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_new_sections_at_large_text_on_a_phone(phone, seeded, axe, screenshots, lang):
    """The page's large-text switch (200 %) with the activities, booking, points and needs
    pool sections open, on a 390x844 phone: nothing sticks out or is cut, every control is
    big enough, axe finds nothing critical or serious."""
    store, community = seeded["store"], seeded["community"]
    code = issue_codes(store, community.id, 1, batch="browser large")[0]
    credit(store, community, code_id(store, community, code), 100, "large")
    page = open_page(phone, lang, code)
    page.locator(".wb-large-toggle").click()
    expect(page.locator(".wb-large-toggle")).to_have_attribute("aria-pressed", "true")
    for name in ("activities", "room_booking", "points", "needs_pool"):
        fold = open_fold(page, name)
        if name == "room_booking":
            fold.get_by_label(i18n.t(lang, "activities.booking.room"), exact=True
                              ).select_option(index=1)
            fold.get_by_label(i18n.t(lang, "activities.booking.day"), exact=True
                              ).select_option(index=3)
            expect(fold.locator(".wb-slot").first).to_be_visible(timeout=15_000)
        page.wait_for_timeout(800)
        fold.evaluate("el => el.scrollIntoView({block: 'start'})")
        screenshots(page, f"large-{name}")
        if name == "needs_pool":  # the volunteer's skills and when they can help
            screenshots(page, "large-needs-skills", fold.locator(".wb-needs-availability"))
        assert page.evaluate(LAYOUT_PROBLEMS) == [], name
        assert page.evaluate(SMALL_CONTROLS) == [], name
    axe(page, f"new sections at large text, {lang}")
    assert not phone.page_errors and not phone.dialogs


def test_the_calendar_on_a_large_screen(browser, voila_server, seeded, screenshots):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    try:
        page = context.new_page()
        page.goto(voila_server.url + "?lang=en", wait_until="domcontentloaded", timeout=READY)
        expect(page.locator(".wb-submit")).to_be_visible(timeout=READY)
        fold = open_fold(page, "activities")
        expect(fold.locator(".wb-activity").first).to_be_visible(timeout=30_000)
        fold.locator(".wb-fold-button").evaluate("el => el.scrollIntoView({block: 'start'})")
        screenshots(page, "calendar-1920-en")
        box = fold.locator(".wb-activity").first.bounding_box()
        assert box["width"] <= 47.5 * 16 + 1  # a readable column, not stretched across
    finally:
        context.close()


def test_checking_in_at_the_door_from_the_qr_link(phone, seeded, axe, screenshots):
    """The organiser's QR code opens the page on the check-in, in view; "I am here" with the
    code the slip's link brought."""
    store, community = seeded["store"], seeded["community"]
    start = datetime.now(ZONE).replace(tzinfo=None, second=0, microsecond=0) + \
        timedelta(minutes=30)
    activity_id = workflow.post_activity(store, community, activity(
        title="太极拳 Tai chi", public_space_id=LIVING_ROOM, starts_at=start,
        scenario="health"), "王管家")
    code = issue_codes(store, community.id, 1, batch="browser")[0]
    page = open_page(phone, "zh", code)  # signs up as a resident would, then scans
    fold = open_fold(page, "activities")
    fold.locator(".wb-activity", has_text="太极拳 Tai chi").get_by_role(
        "button", name=i18n.t("zh", "activities.sign_up")).click()
    expect(fold.locator(".wb-receipt")).to_be_visible(timeout=15_000)

    key = checkin.checkin_key(store, community.id)
    link = checkin.checkin_url(key, activity_id, start.date(), base_url=phone.server_url,
                               lang="zh")
    page.goto(f"{link}&code={code}", wait_until="domcontentloaded", timeout=READY)
    box = page.locator(".wb-checkin")
    expect(box).to_contain_text("太极拳 Tai chi", timeout=READY)
    expect(box).to_be_in_viewport(timeout=15_000)
    here = box.get_by_role("button", name=i18n.t("zh", "activities.checkin.here"))
    expect(page.locator(".wb-code-box")).to_contain_text(code[-4:], timeout=15_000)
    here.click()
    expect(box.locator(".wb-receipt")).to_have_text(i18n.t("zh", "activities.checkin.done"),
                                                    timeout=15_000)
    expect(here).to_be_hidden()
    screenshots(page, "checked-in-zh")
    axe(page, "checked in, zh")
    signups = store.signups(activity_id, start.date())
    assert [s["attended_at"] is not None for s in signups] == [True]
