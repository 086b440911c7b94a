"""The agenda report as a resident opens it from a USB stick: the HTML file alone in
Chromium, offline. Every request other than the file itself is aborted and recorded; the
page must make none, fire no JavaScript dialog, and show every title as text."""

import pytest

from agenda_samples import MARKUP_TITLE, TITLES, sample_snapshot
from workbench.agenda.report import write_agenda_html

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_opens_offline_and_shows_resident_text_as_text(browser, tmp_path, community,
                                                              screenshots, lang):
    snapshot = sample_snapshot(community)
    path = write_agenda_html(snapshot, community, tmp_path / "usb" / "agenda.html", lang)
    url = path.resolve().as_uri()
    context = browser.new_context(viewport={"width": 1024, "height": 900}, locale="en-US")
    page = context.new_page()
    blocked, requests, dialogs, errors = [], [], [], []

    def route(route):
        if route.request.url == url:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    page.on("request", lambda r: requests.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(url, wait_until="load")
        page.wait_for_timeout(300)  # a late onerror would have fired by now
        assert requests == [url], requests
        assert blocked == [] and dialogs == [] and errors == []
        assert page.locator("img, script, iframe, object").count() == 0
        for item_id, title in TITLES.items():
            heading = page.locator(f"#item-{item_id} h3.title")
            assert heading.inner_text() == title
            assert heading.is_visible()
        assert page.get_by_text(MARKUP_TITLE, exact=True).first.is_visible()
        markers = page.locator("svg.agenda-map a.marker")
        located = [i for i in snapshot["items"] if i["lon"] is not None]
        assert markers.count() == len(located) == 3
        for marker, item in zip(markers.all(), located):
            assert marker.get_attribute("data-item") == str(item["id"])
            assert marker.locator("text").text_content() == str(item["rank"])
            assert page.locator(f"#item-{item['id']} .num").inner_text() == str(item["rank"])
        # a marker leads to its item
        markers.nth(1).click()
        assert page.evaluate("location.hash") == "#item-7"
        screenshots(page, f"agenda-{lang}")
    finally:
        context.close()
