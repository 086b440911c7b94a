"""A page closed in a real browser ends its kernel itself, at once (Voilà's goodbye beacon
with the page's _xsrf cookie), long before any cull; and the busy page a browser gets past the
cap is a whole page in both languages."""

from __future__ import annotations

import re
import time

import pytest
import requests

from servers import CHROMIUM, CHROMIUM_ARGS, VoilaServer

pytestmark = [pytest.mark.server, pytest.mark.browser]

KERNEL_ID = re.compile(r'"kernelId"\s*:\s*"([0-9a-f-]{36})"')


def kernel_alive(server, kernel_id: str) -> bool:
    return requests.get(f"{server.url}api/kernels/{kernel_id}", timeout=30).status_code == 200


def test_a_page_closed_in_the_browser_shuts_its_kernel_down(tmp_path):
    from playwright.sync_api import sync_playwright

    # the cull is ten minutes away and the cap leaves room for one page only
    with VoilaServer(tmp_path, preheat=1, extra_env={"WORKBENCH_MAX_KERNELS": "3"}) as server, \
            sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 390, "height": 844})
            context.route("**/*", lambda route: route.continue_()
                          if route.request.url.startswith(server.url) else route.abort())
            page = context.new_page()
            page.goto(server.url + "?lang=en")
            page.wait_for_selector(".wb-submit", timeout=90_000)
            kernel_id = KERNEL_ID.search(page.content()).group(1)
            assert kernel_alive(server, kernel_id)
            deadline = time.time() + 60  # the pool's refill: the cap is then reached
            while len(server.kernel_pids()) < 2 and time.time() < deadline:
                time.sleep(0.5)

            second = context.new_page()
            answer = second.goto(server.url + "?lang=en")
            assert answer.status == 503
            assert second.title().startswith("Many people are here")
            assert second.locator("section[lang=zh-CN] h1").inner_text().startswith("现在")
            assert second.locator("a.again").count() == 2
            second.close()

            page.close(run_before_unload=True)
            deadline = time.time() + 15
            while kernel_alive(server, kernel_id) and time.time() < deadline:
                time.sleep(0.25)
            assert not kernel_alive(server, kernel_id)
            assert "Kernel shutdown: " + kernel_id in server.log_path.read_text()
            assert "due to" not in server.log_path.read_text()  # no cull did it
        finally:
            browser.close()
