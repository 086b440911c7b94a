"""A closed page leaves its kernel running (its shutdown request is refused by Voilà for a
missing _xsrf cookie), so idle kernels are culled: after pages are opened and closed, the
kernel count falls back to the preheated pool."""

import time

import pytest

from servers import VoilaServer

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture(scope="module")
def voila_server(tmp_path_factory):
    server = VoilaServer(tmp_path_factory.mktemp("cull-home"), preheat=1, cull_idle=4,
                         cull_interval=1).start()
    yield server
    server.stop()


def kernel_processes(server):
    return server.kernel_pids()


def wait_for_count(server, expected, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if len(kernel_processes(server)) == expected:
            return True
        time.sleep(0.5)
    return False


def test_idle_kernels_are_culled_back_to_the_pool(voila_server, browser):
    assert wait_for_count(voila_server, 1, 60), "the preheated pool never filled"
    for _ in range(4):
        page = browser.new_page()
        page.goto(voila_server.url)
        page.wait_for_selector(".wb-submit", timeout=60_000)
        page.close()
    # at least one page's kernel is still alive right after the closes ...
    assert len(kernel_processes(voila_server)) >= 2
    # ... and all are culled once idle, leaving the pool
    assert wait_for_count(voila_server, 1, 40), \
        f"{len(kernel_processes(voila_server))} kernels left"
