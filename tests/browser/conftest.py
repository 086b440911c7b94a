"""Fixtures for the browser tests: Debian's Chromium driven by Playwright (sync API), one
browser per session, a fresh phone-sized context per test, and the resident Voilà server.

The tests are offline: every request that does not go to the local server is aborted.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
PHONE = {"width": 390, "height": 844}
TESTS_DIR = Path(__file__).resolve().parent.parent


def _root_conftest_attr(config, name: str):
    """``name`` from tests/conftest.py, found among pytest's plugins (importing "conftest"
    by name would give this file)."""
    root_conftest = TESTS_DIR / "conftest.py"
    for plugin in config.pluginmanager.get_plugins():
        path = getattr(plugin, "__file__", None)
        if path and Path(path).resolve() == root_conftest:
            return getattr(plugin, name)
    raise LookupError(f"{name} not found in {root_conftest}")


@pytest.fixture(scope="module")
def voila_server(request):
    """The server of tests/conftest.py, but with a short home folder: kernels talk over IPC
    sockets in <home>/runtime/voila_XXXXXXXX/kernel-<uuid>-ipc-N, and a Unix socket path may
    not exceed 107 bytes, so a home longer than about 34 characters (as pytest's
    /tmp/pytest-of-<user>/pytest-<N>/voila-home<M> is) makes every kernel fail to start."""
    server_class = _root_conftest_attr(request.config, "VoilaServer")
    home = Path(tempfile.mkdtemp(prefix="wb-"))
    server = server_class(home).start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


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
