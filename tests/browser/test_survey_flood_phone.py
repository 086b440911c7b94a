"""Survey answers over the flood limit, on phones: the page says so beside Submit in the
resident's language, keeps what was filled in, and saves nothing (this module's server holds
one new response per client in ten minutes; every page here comes from one address)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from servers import DEMO_LAYERS, VoilaServer
from test_accessibility import LAYOUT_PROBLEMS
from test_resident_page import open_fold
from workbench import i18n
from workbench.layers.community import load_community
from workbench.store import Store
from workbench.surveys import Survey

pytestmark = pytest.mark.browser

READY = 60_000
QUICK = Survey.model_validate({
    "id": "bench_colour", "title": {"zh": "长椅颜色", "en": "Bench colour"},
    "opens": "2026-01-01", "closes": "2099-12-31", "anonymous": True,
    "sections": [{"id": "s", "title": {"zh": "长椅", "en": "Benches"}, "questions": [
        {"id": "colour", "type": "single_choice",
         "text": {"zh": "新长椅用什么颜色？", "en": "Which colour for the new benches?"},
         "options": [{"value": "green", "label": {"zh": "绿色", "en": "Green"}},
                     {"value": "wood", "label": {"zh": "原木色", "en": "Wood"}}]}]}]})
#: per language: the survey's title, the answer chosen, and the page's words
WORDS = {lang: (QUICK.title.model_dump()[lang], QUICK.sections[0].questions[0].options[1]
                .label.model_dump()[lang], i18n.t(lang, "survey.submit"),
                i18n.t(lang, "survey.saved"), i18n.t(lang, "flood.client.survey_response"))
         for lang in ("en", "zh")}


@pytest.fixture(scope="module")
def voila_server(tmp_path_factory):
    """This module's resident server: one new survey response per client in ten minutes."""
    server = VoilaServer(tmp_path_factory.mktemp("voila-home"), extra_env={
        "WORKBENCH_FLOOD_SURVEY_RESPONSES_PER_CLIENT": "1/10min"}).start()
    store = Store(server.database_url)
    store.publish_survey(QUICK.id, "v1", QUICK.model_dump(mode="json", by_alias=True),
                         load_community(DEMO_LAYERS).id)
    store.dispose()
    yield server
    server.stop()


def answer(page, url: str, lang: str):
    """Open the quick survey on a fresh page, choose an answer and submit; the form."""
    title, wood, submit, _, _ = WORDS[lang]
    page.goto(f"{url}?lang={lang}", wait_until="domcontentloaded", timeout=READY)
    expect(page.locator(".wb-submit")).to_be_visible(timeout=READY)
    open_fold(page, "surveys")
    page.locator(".wb-survey-open", has_text=title).click()
    survey = page.locator(".wb-survey")
    expect(survey).to_be_visible(timeout=30_000)
    survey.get_by_text(wood, exact=True).click()
    page.wait_for_timeout(500)
    survey.get_by_role("button", name=submit).click()
    return survey


def test_a_flood_of_answers_is_told_beside_submit(browser, voila_server, phone, screenshots,
                                                  axe):
    db = Store(voila_server.database_url)
    first = answer(phone.page, voila_server.url, "en")
    expect(first.locator(".wb-receipt")).to_contain_text(WORDS["en"][3], timeout=15_000)
    # fresh pages of other phones on the same Wi-Fi, and of the meeting room's big screen
    for lang, (width, height) in (("en", (390, 844)), ("zh", (390, 844)), ("zh", (1920, 1080)),
                                  ("en", (1920, 1080))):
        context = browser.new_context(viewport={"width": width, "height": height},
                                      locale="zh-CN" if lang == "zh" else "en-US")
        try:
            page = context.new_page()
            survey = answer(page, voila_server.url, lang)
            expect(survey).to_contain_text(WORDS[lang][4], timeout=15_000)
            expect(survey.locator(".wb-receipt")).to_have_count(0)
            # what was chosen is still there, to send again later
            expect(survey.get_by_label(WORDS[lang][1], exact=True)).to_be_checked()
            screenshots(page, f"flood-{lang}-{width}", survey.get_by_role(
                "button", name=WORDS[lang][2]))
            axe(page, f"survey flood message ({lang}, {width} px wide)")
            if width == 390:      # the page's large-text switch (200 %): the message whole
                page.locator(".wb-large-toggle").click()
                expect(page.locator(".wb-large-toggle")).to_have_attribute("aria-pressed",
                                                                           "true")
                page.wait_for_timeout(800)
                assert page.evaluate(LAYOUT_PROBLEMS) == []
                screenshots(page, f"flood-{lang}-large", survey.get_by_role(
                    "button", name=WORDS[lang][2]))
        finally:
            context.close()
    assert len(db.survey_responses(QUICK.id)) == 1
    db.dispose()
