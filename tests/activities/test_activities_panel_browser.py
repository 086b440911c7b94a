"""The activities notebook as a Voilà app in Chromium, offline, at a planner's screen size:
a bad number of places answered beside its field (nothing stored), then an activity posted;
a booking refused only with a reason; a space's .ics file offered; the use of spaces drawn
(table, chart, map); in zh and en. Screenshots go to $WORKBENCH_SCREENSHOTS when set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from activity_samples import load_spaces
from lab import offline_page
from servers import DEMO_LAYERS, PROJECT_DIR, VoilaServer
from use_samples import fill_recent

from workbench.layers.community import load_community
from workbench.store import Store

pytestmark = [pytest.mark.browser, pytest.mark.server]


def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("WORKBENCH_SCREENSHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_the_activities_app_posts_decides_and_shows_the_use(browser, tmp_path):
    server = VoilaServer(tmp_path / "home",
                         notebook=PROJECT_DIR / "notebooks" / "activities.ipynb",
                         preheat=0).start()
    store = Store(server.database_url)
    folder = shots(tmp_path)
    try:
        store.upgrade()
        community = load_community(DEMO_LAYERS)
        store.ensure_community(community)
        load_spaces(store, community)
        sample = fill_recent(store, community, "PS01", "PS06")
        context, page, errors = offline_page(browser, server.url,
                                             {"width": 1920, "height": 1080})
        page.goto(server.url)
        form = page.locator(".wb-activities-post")
        form.wait_for(state="visible")
        assert "from workbench" not in page.locator("body").inner_text()
        before = len(store.activities_of(community.id))
        form.locator("input[type=text]").first.fill("周末亲子阅读")
        form.locator("select").nth(0).select_option(label="银杏口袋公园")
        form.locator("select").nth(2).select_option(label="教育")
        places = form.locator("input[type=number]").first
        places.fill("0")
        places.press("Tab")
        form.locator("button", has_text="发布活动").click()
        page.get_by_text("名额请填 1 到 500 之间的数字。").wait_for()
        page.screenshot(path=str(folder / "activities-zh-post-errors.png"))
        assert len(store.activities_of(community.id)) == before          # nothing stored
        places.fill("15")
        places.press("Tab")
        form.locator("button", has_text="发布活动").click()
        page.get_by_text("已发布：周末亲子阅读（1 次活动）").wait_for()
        assert len(store.activities_of(community.id)) == before + 1

        page.locator(".lm-TabBar-tab", has_text="活动室与预订").click()
        page.locator(".wb-activities button", has_text="不通过").click()
        page.get_by_text("请写明理由").first.wait_for()
        assert {b["status"] for b in store.bookings_of(community.id)
                if b["id"] in sample["waiting"]} == {"requested"}
        page.get_by_placeholder("不通过或取消时必填").fill("当天场地维修")
        page.locator(".wb-activities button", has_text="不通过").click()
        page.get_by_text("预订未通过，理由已记录。").wait_for()
        assert store.bookings_of(community.id, ("refused",))[-1]["reason"] == "当天场地维修"
        page.locator(".wb-activities select:visible").last.select_option(label="银杏口袋公园")
        page.locator("a.wb-download[download$='.ics']").wait_for()
        page.screenshot(path=str(folder / "activities-zh-rooms.png"))

        page.locator(".lm-TabBar-tab", has_text="空间使用").click()
        page.locator(".wb-activities-use img").wait_for(state="visible")
        page.locator(".wb-activities-use .leaflet-container").wait_for(state="visible")
        assert page.locator(".wb-activities-use table").count() >= 3
        page.screenshot(path=str(folder / "activities-zh-use.png"))

        page.locator(".wb-language").first.get_by_text("English").click()
        page.get_by_text("Activities and bookings in public spaces").wait_for()
        page.locator(".lm-TabBar-tab", has_text="Use of spaces").click()
        page.get_by_text("Hours a week").first.wait_for()
        page.locator(".wb-activities-use .leaflet-container").scroll_into_view_if_needed()
        page.screenshot(path=str(folder / "activities-en-use-map.png"))
        assert "Traceback" not in page.content() and not errors
        context.close()
    finally:
        store.dispose()
        server.stop()
