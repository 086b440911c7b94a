"""The walking notebook as a Voilà app in Chromium, offline: measure, read the sentence, see
the service area on the map, take the files away, switch to English."""

from __future__ import annotations

import pytest

from lab import offline_page
from servers import PROJECT_DIR, VoilaServer

pytestmark = [pytest.mark.browser, pytest.mark.server]


def test_the_walking_app_measures_and_offers_the_files(browser, tmp_path):
    server = VoilaServer(tmp_path / "home", notebook=PROJECT_DIR / "notebooks" / "walking.ipynb",
                         preheat=0).start()
    try:
        context, page, errors = offline_page(browser, server.url, {"width": 1280, "height": 900})
        page.goto(server.url)
        page.locator(".wb-planner").first.wait_for(state="visible")
        assert "from workbench" not in page.locator("body").inner_text()
        page.get_by_role("button", name="计算").click()
        page.get_by_text("完成。").wait_for()
        body = page.locator("body").inner_text()
        assert "的住户步行5分钟（沿道路步行300米）内可到达口袋公园" in body
        assert "沿道路和小路网络计算" in body
        # the service area and the gap buildings are drawn on the map
        assert page.locator(".leaflet-overlay-pane path").count() > 20
        for name in ("geojson", "png", "csv"):
            assert page.locator(f"a.wb-download[download$='.{name}']").count() == 1
        page.locator(".wb-language").first.get_by_text("English").click()
        page.get_by_role("button", name="Measure").click()
        page.get_by_text("Done.").wait_for()
        assert "of households are within a 5-minute walk" in page.locator("body").inner_text()
        assert "Traceback" not in page.content() and not errors
        context.close()
    finally:
        server.stop()
