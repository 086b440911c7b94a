"""The points notebook as a Voilà app in Chromium, offline: the pending credits listed, one
approved (the balance follows), a refusal without a reason refused beside its field, the
public notice offered as a CSV file, the team and the hours chart drawn, in zh and en."""

from __future__ import annotations

import pytest

from lab import offline_page
from servers import DEMO_LAYERS, PROJECT_DIR, VoilaServer
from test_panel import fill
from workbench.layers.community import load_community
from workbench.points.rule_file import load_rules
from workbench.store import Store

pytestmark = [pytest.mark.browser, pytest.mark.server]


def test_the_points_app_reviews_credits_and_offers_the_notice(browser, tmp_path):
    server = VoilaServer(tmp_path / "home", notebook=PROJECT_DIR / "notebooks" / "points.ipynb",
                         preheat=0).start()
    store = Store(server.database_url)
    try:
        store.upgrade()
        community = load_community(DEMO_LAYERS)
        store.ensure_community(community)
        people = fill(store, community, load_rules(PROJECT_DIR / "points" / "rules.yaml"))
        context, page, errors = offline_page(browser, server.url,
                                             {"width": 1920, "height": 1080})
        page.goto(server.url)
        page.locator(".wb-points").first.wait_for(state="visible")
        assert "from workbench" not in page.locator("body").inner_text()
        assert page.locator("a.wb-download[download$='.csv']").count() == 1
        assert page.locator(".wb-points img").count() == 1            # the hours chart
        page.locator(".wb-points select").first.select_option(index=0)
        page.locator(".wb-points button", has_text="通过所选").first.click()
        page.get_by_text("已通过 1 条，共 8 积分").wait_for()
        assert store.points_balance(people["other"]) == 8
        page.locator(".wb-language").first.get_by_text("English").click()
        page.get_by_text("Points (积分) and the needs pool").wait_for()
        page.locator(".wb-points select").first.select_option(index=0)
        page.get_by_role("button", name="Refuse chosen").click()
        page.get_by_text("Give the reason for refusing").wait_for()
        assert len(store.points_credits(community.id)) == 1           # nothing written
        assert "Traceback" not in page.content() and not errors
        context.close()
    finally:
        store.dispose()
        server.stop()
