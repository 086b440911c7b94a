"""Fixtures meant to be overridden per test module (as Voilà's own tests do): a module that
needs another community or server settings defines a fixture of the same name."""

from __future__ import annotations

from pathlib import Path

import os

import pytest

from communities import write_community
from servers import CHROMIUM, CHROMIUM_ARGS, DEMO_LAYERS, VoilaServer


@pytest.fixture(autouse=True)
def workbench_env(tmp_path, monkeypatch):
    """Every test gets its own home folder, so no test touches the developer's database."""
    home = tmp_path / "home"
    monkeypatch.setenv("WORKBENCH_HOME", str(home))
    monkeypatch.delenv("WORKBENCH_DATABASE_URL", raising=False)
    monkeypatch.setenv("WORKBENCH_LAYERS_DIR", str(DEMO_LAYERS))
    monkeypatch.setenv("WORKBENCH_SECONDS_BETWEEN_SUBMISSIONS", "0")
    return home


@pytest.fixture
def community_dir(tmp_path) -> Path:
    return write_community(tmp_path / "community")


@pytest.fixture
def community(community_dir):
    from workbench.layers.community import load_community

    return load_community(community_dir)


@pytest.fixture
def store(tmp_path, community):
    from workbench.store import Store

    s = Store(f"sqlite:///{tmp_path / 'test.db'}")
    s.upgrade()
    s.ensure_community(community)
    yield s
    s.dispose()


@pytest.fixture(scope="session")
def postgres_url():
    """A PostgreSQL server for the session (see tests/postgres.py)."""
    from postgres import TempPostgres

    server = TempPostgres()
    url = server.start()
    yield url
    server.stop()


@pytest.fixture(scope="module")
def voila_server(tmp_path_factory):
    server = VoilaServer(tmp_path_factory.mktemp("voila-home")).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    # one per module, not per session: Playwright's sync API keeps an event loop running in
    # the main thread while it is open, which would break later tests that use asyncio
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make system-deps` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
