"""A resident's kernel is ended only by the browser its page was rendered for.

Jupyter's xsrf check compares a cookie with a header or form field, which any program can make
up as a pair: with it alone, any client that knew a kernel's id could shut down a resident's
page. The page's goodbye (``/voila/api/shutdown/<id>``), ``DELETE /api/kernels/<id>`` and a
``shutdown_request`` over the kernel's websocket are refused to anyone else; the page's own
goodbye still ends it at once. Both ways a page gets its kernel: from the preheated pool, and
started for it.
"""

from __future__ import annotations

import json
import re
import time
import uuid

import pytest
import requests
import websocket

from servers import VoilaServer

pytestmark = pytest.mark.server

KERNEL_ID = re.compile(r'"kernelId"\s*:\s*"([0-9a-f-]{36})"')
FORGED = "made-up-by-any-client"  # sent as the _xsrf cookie and in the header


def open_page(server: VoilaServer) -> tuple[requests.Session, str]:
    browser = requests.Session()
    page = browser.get(server.url, timeout=120)
    assert page.status_code == 200
    return browser, KERNEL_ID.search(page.text).group(1)


def alive(server: VoilaServer, kernel_id: str) -> bool:
    return requests.get(f"{server.url}api/kernels/{kernel_id}", timeout=30).status_code == 200


def forged(browser: requests.Session) -> requests.Session:
    """The same client with a made-up xsrf pair: Tornado's own check lets it through."""
    for cookie in [c for c in browser.cookies if c.name == "_xsrf"]:
        browser.cookies.clear(cookie.domain, cookie.path, cookie.name)
    browser.cookies.set("_xsrf", FORGED)
    browser.headers["X-XSRFToken"] = FORGED
    return browser


def shutdown_over_the_websocket(server: VoilaServer, kernel_id: str,
                                browser: requests.Session) -> None:
    cookies = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
    ws = websocket.create_connection(
        server.url.replace("http://", "ws://")
        + f"api/kernels/{kernel_id}/channels?session_id={uuid.uuid4().hex}",
        timeout=30, header=[f"Cookie: {cookies}"])
    try:
        for channel in ("control", "shell"):
            ws.send(json.dumps({
                "header": {"msg_id": uuid.uuid4().hex, "username": "x",
                           "session": uuid.uuid4().hex, "msg_type": "shutdown_request",
                           "version": "5.3", "date": ""},
                "parent_header": {}, "metadata": {}, "channel": channel,
                "content": {"restart": False}}))
        time.sleep(3)  # a kernel told to shut down exits within a second
    finally:
        ws.close()


@pytest.mark.parametrize("preheat", [1, 0], ids=["pool kernel", "kernel started for it"])
def test_only_the_pages_own_browser_can_end_its_kernel(tmp_path, preheat):
    with VoilaServer(tmp_path, preheat=preheat) as server:
        resident, kernel = open_page(server)
        attacker, own = open_page(server)  # a client with a page (and cookies) of its own
        forged(attacker)

        # the forged pair passes Jupyter's xsrf check: the attacker may end its own kernel
        assert attacker.post(f"{server.url}voila/api/shutdown/{own}",
                             timeout=30).status_code == 204
        assert not alive(server, own)

        # but not the resident's, by any of the three ways a kernel can be ended
        goodbye = attacker.post(f"{server.url}voila/api/shutdown/{kernel}", timeout=30)
        assert goodbye.status_code == 403
        delete = attacker.delete(f"{server.url}api/kernels/{kernel}", timeout=30)
        assert delete.status_code == 403
        stranger = forged(requests.Session())  # no page at all, no owner cookie
        assert stranger.post(f"{server.url}voila/api/shutdown/{kernel}",
                             timeout=30).status_code == 403
        assert stranger.delete(f"{server.url}api/kernels/{kernel}",
                               timeout=30).status_code == 403
        shutdown_over_the_websocket(server, kernel, attacker)
        assert alive(server, kernel)
        log = server.log_path.read_text(errors="replace")
        assert "kernel shutdown refused: not the page's own browser" in log
        assert 'Received message of type "shutdown_request", which is not allowed' in log

        # the page's own browser ends it, with its xsrf token as the page's goodbye sends it
        goodbye = resident.post(f"{server.url}voila/api/shutdown/{kernel}",
                                data={"_xsrf": resident.cookies["_xsrf"]}, timeout=30)
        assert goodbye.status_code == 204
        assert not alive(server, kernel)
    assert " 500 " not in server.log_path.read_text(errors="replace")


def test_an_owner_cookie_a_client_made_up_is_replaced(tmp_path):
    with VoilaServer(tmp_path, preheat=0) as server:
        page = requests.get(server.url, headers={"Cookie": "wb_page_owner=not-a-token"},
                            timeout=120)
        kernel = KERNEL_ID.search(page.text).group(1)
        owner = [c for c in page.raw.headers.getlist("Set-Cookie")
                 if c.startswith("wb_page_owner=")]
        assert len(owner) == 1 and "httponly" in owner[0].lower(), owner
        token = page.cookies["wb_page_owner"]
        assert re.fullmatch(r"[0-9a-f]{32}", token)
        # the made-up value owns nothing; the token the server gave does
        impostor = forged(requests.Session())
        impostor.cookies.set("wb_page_owner", "not-a-token")
        assert impostor.post(f"{server.url}voila/api/shutdown/{kernel}",
                             timeout=30).status_code == 403
        assert alive(server, kernel)
        browser = forged(requests.Session())
        browser.cookies.set("wb_page_owner", token)
        assert browser.delete(f"{server.url}api/kernels/{kernel}", timeout=30).status_code == 204
        assert not alive(server, kernel)
