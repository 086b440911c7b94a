"""Fixtures for the browser tests: Debian's Chromium driven by Playwright (sync API), one
browser per test module, a fresh phone-sized context per test. The resident Voilà server is
``voila_server`` of tests/conftest.py (one per module).

The tests are offline: every request that does not go to the local server is aborted.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PHONE = {"width": 390, "height": 844}
TESTS_DIR = Path(__file__).resolve().parent.parent


class PhonePage:
    """A page in its own browser context, plus what the test wants to know about it."""

    def __init__(self, page, server_url: str):
        self.page = page
        self.server_url = server_url
        self.dialogs: list[str] = []
        self.blocked: list[str] = []
        self.page_errors: list[str] = []


@pytest.fixture
def phone(browser, voila_server):
    """A phone-sized page, offline (only the local server is reachable). JavaScript dialogs
    (alert, confirm, prompt) are recorded in ``phone.dialogs`` and dismissed."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, locale="en-US")
    context.set_default_timeout(30_000)
    page = context.new_page()
    phone = PhonePage(page, voila_server.url)

    def route(route):
        if route.request.url.startswith(voila_server.url):
            route.continue_()
        else:
            phone.blocked.append(route.request.url)
            route.abort()

    def on_dialog(dialog):
        phone.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    context.route("**/*", route)
    page.on("dialog", on_dialog)
    page.on("pageerror", lambda exc: phone.page_errors.append(str(exc)))
    try:
        yield phone
    finally:
        # Let the page say goodbye (Voilà shuts its kernel down when the page unloads).
        try:
            page.close(run_before_unload=True)
        except Exception:
            pass
        context.close()


@pytest.fixture
def screenshots(request, tmp_path):
    """Folder for screenshots: $WORKBENCH_SCREENSHOTS if set, else the test's tmp_path."""
    root = os.environ.get("WORKBENCH_SCREENSHOTS")
    folder = Path(root) if root else tmp_path / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    prefix = request.node.name.replace("/", "_").replace("[", "-").replace("]", "")

    def shoot(page, name: str, element=None) -> Path:
        path = folder / f"{prefix}-{name}.png"
        if element is not None:
            element.scroll_into_view_if_needed()
        page.screenshot(path=str(path))
        return path

    return shoot


#: what fails an accessibility check: axe-core's critical and serious findings, and content
#: outside landmarks (moderate for axe, but every part of the page must be reachable by them)
AXE_FAILS = ("critical", "serious")
AXE_ALWAYS = ("region",)


def axe_problems(results: dict) -> list[str]:
    """axe-core's violations that fail a view, one line each with a few of their nodes."""
    return [f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes: "
            f"{[n['target'] for n in v['nodes'][:3]]}): {v['help']}"
            for v in results["violations"]
            if v["impact"] in AXE_FAILS or v["id"] in AXE_ALWAYS]


@pytest.fixture
def axe():
    """``axe(page, view)``: run axe-core (bundled with axe-playwright-python, offline) on the
    page as it is, and fail on a critical or serious violation or content outside landmarks;
    the document must name its language (zh-CN or en) and have a real title. Returns all of
    axe's violations (the minor ones too)."""
    from axe_playwright_python.sync_playwright import Axe

    runner = Axe()

    def check(page, view: str) -> list[dict]:
        # the page's script sets names and states within a few tens of milliseconds
        page.wait_for_timeout(300)
        results = runner.run(page).response
        problems = axe_problems(results)
        assert not problems, f"{view}: " + "\n".join(problems)
        lang = page.evaluate("document.documentElement.lang")
        assert lang in ("zh-CN", "en"), f"{view}: <html lang={lang!r}>"
        title = page.title()
        assert title and title != "resident", f"{view}: <title>{title}</title>"
        return results["violations"]

    return check
