"""Resident kernels under many pages: the cap (503 and a bilingual busy page), the per-client
limit (429; X-Forwarded-For believed only from a trusted proxy), a closed page's kernel ended
by the page's own goodbye or by the cull soon after it left; and the rules behind them."""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser

import pytest
import requests

from servers import VoilaServer
from workbench.busy_page import busy_page
from workbench.resident_kernels import (Admission, PageRate, client_address, kernel_cap,
                                        parse_networks)
from workbench.widget_client import WidgetClient

KERNEL_ID = re.compile(r'"kernelId"\s*:\s*"([0-9a-f-]{36})"')
PROXY = parse_networks("127.0.0.1, 10.0.0.0/8")


# -- the rules ------------------------------------------------------------------------------
def test_the_cap_is_the_memory_left_after_the_reserve_in_kernels():
    assert kernel_cap(24 * 2**30, kernel_mib=100, reserve_mib=2048) == 225
    assert kernel_cap(10 * 2**20, kernel_mib=100, reserve_mib=2048) == 1  # never none


def test_the_client_is_the_connection_unless_a_trusted_proxy_forwards():
    # no proxy trusted: the header is the client's own word and is ignored
    assert client_address("203.0.113.5", "198.51.100.1", ()) == "203.0.113.5"
    # from a trusted proxy: the right-most address that is not a proxy
    assert client_address("127.0.0.1", "198.51.100.1", PROXY) == "198.51.100.1"
    assert client_address("127.0.0.1", "1.2.3.4, 198.51.100.1, 10.1.1.1", PROXY) \
        == "198.51.100.1"  # what the client wrote itself (1.2.3.4) stands to the left
    # a client that is not a proxy cannot choose its address by the header
    assert client_address("198.51.100.7", "1.2.3.4", PROXY) == "198.51.100.7"
    # nothing usable forwarded: the proxy itself
    for header in (None, "", "10.0.0.3", "not-an-address", "1.2.3.4, <script>"):
        assert client_address("127.0.0.1", header, PROXY) == "127.0.0.1"
    assert client_address("::1", "2001:db8::1", parse_networks("::1")) == "2001:db8::1"


def test_a_proxy_setting_that_is_not_an_address_is_an_error():
    with pytest.raises(ValueError, match="trusted_proxies: 'proxy.local'"):
        parse_networks("127.0.0.1 proxy.local")


def test_pages_per_minute_count_admitted_pages_in_a_sliding_minute():
    now = [0.0]
    rate = PageRate(3, clock=lambda: now[0], clients=2)
    assert [rate.allow("a") for _ in range(5)] == [True, True, True, False, False]
    assert rate.allow("b")
    now[0] = 59.0
    assert not rate.allow("a")
    now[0] = 60.0  # the first three pages are a minute old
    assert [rate.allow("a") for _ in range(4)] == [True, True, True, False]
    rate.allow("c")  # a third client: the one least recently seen ("b") is forgotten
    assert [rate.allow("b") for _ in range(4)] == [True, True, True, False]
    assert PageRate(0).allow("a")  # 0: no limit


def test_the_cap_comes_before_the_rate_and_counts_pages_being_rendered():
    admission = Admission(3, PageRate(1), ())
    assert admission.decide(3, "192.0.2.1", None) == "busy"  # not counted against the rate
    assert admission.decide(2, "192.0.2.1", None) == "ok"
    assert admission.decide(0, "192.0.2.1", None) == "too_many"
    admission.rendering = 1
    assert admission.decide(2, "192.0.2.2", None) == "busy"


def test_the_last_tenth_of_the_cap_is_kept_for_residents_arriving():
    admission = Admission(20, PageRate(20), ())
    assert [admission.decide(0, "192.0.2.1", None) for _ in range(2)] == ["ok", "ok"]
    assert admission.decide(0, "192.0.2.2", None) == "ok"
    # 18 of 20: a client with two pages this minute waits; one with one page or none does not
    assert admission.decide(18, "192.0.2.1", None) == "busy"
    assert admission.decide(18, "192.0.2.2", None) == "ok"
    assert admission.decide(19, "192.0.2.3", None) == "ok"
    assert admission.decide(20, "192.0.2.4", None) == "busy"
    assert Admission(5, PageRate(20), ()).kept_for_newcomers == 1
    # asking again and again counts, even when refused: no newcomer after two requests
    admission = Admission(20, PageRate(20), ())
    assert [admission.decide(20, "192.0.2.5", None) for _ in range(2)] == ["busy", "busy"]
    assert admission.decide(18, "192.0.2.5", None) == "busy"
    assert admission.decide(18, "192.0.2.6", None) == "ok"


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.langs, self.title, self._in_title = [], "", False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "lang" in attrs:
            self.langs.append(attrs["lang"])
        self._in_title = tag == "title"

    def handle_data(self, data):
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag):
        self._in_title = False


def test_the_busy_page_says_it_in_both_languages_the_asked_one_first():
    page = _Page()
    page.feed(busy_page("busy", "lang=en&code=<script>alert(1)</script>"))
    assert page.langs == ["en", "en", "zh-CN"]
    assert page.title.startswith("Many people are here") and "请一分钟后再试" in page.title
    page = _Page()
    text = busy_page("too_many", "x=%3Cb%3E")
    page.feed(text)
    assert page.langs == ["zh-CN", "zh-CN", "en"] and "太多" in page.title
    assert "<b>" not in text and "%3C" not in text  # nothing of the request is echoed
    assert "http-equiv='refresh' content='60'" in text


# -- the server -----------------------------------------------------------------------------
def kernel_alive(server, kernel_id: str) -> bool:
    return requests.get(f"{server.url}api/kernels/{kernel_id}", timeout=30).status_code == 200


def open_page(server, session=None, headers=None) -> tuple[requests.Response, str | None]:
    answer = (session or requests).get(server.url, headers=headers or {}, timeout=120)
    found = KERNEL_ID.search(answer.text) if answer.status_code == 200 else None
    return answer, found.group(1) if found else None


def assert_busy_page(answer, status: int):
    assert answer.status_code == status
    assert answer.headers["Retry-After"] == "60"
    assert answer.headers["Content-Type"].startswith("text/html")
    assert "<html lang='zh-CN'>" in answer.text and "<section lang='en'>" in answer.text
    assert "kernelId" not in answer.text


def wait_until(predicate, timeout: float) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return predicate()


@pytest.mark.server
def test_past_the_cap_a_visitor_gets_the_busy_page_and_a_page_once_kernels_are_freed(tmp_path):
    # the cull is far away: only the pages' own goodbyes free kernels here
    # the cap counts the pool once more (its refill may not have started): two pages, the
    # pool's kernel, and the pool's kernel again
    with VoilaServer(tmp_path, preheat=1, extra_env={"WORKBENCH_MAX_KERNELS": "4"}) as server:
        sessions, opened = [requests.Session() for _ in range(2)], []
        for session in sessions:
            assert wait_until(lambda: len(server.kernel_pids()) == len(opened) + 1, 60)
            opened.append(open_page(server, session))
            assert opened[-1][0].status_code == 200 and opened[-1][1]
        assert wait_until(lambda: len(server.kernel_pids()) == 3, 60)  # the pool refilled
        busy, _ = open_page(server)
        assert_busy_page(busy, 503)
        assert "现在来的人很多" in busy.text and "Many people are here" in busy.text
        assert len(server.kernel_pids()) == 3
        # a page that leaves says goodbye as a browser's does (sendBeacon with its _xsrf)
        for session, (_, kernel_id) in zip(sessions, opened):
            goodbye = session.post(f"{server.url}voila/api/shutdown/{kernel_id}",
                                   data={"_xsrf": session.cookies["_xsrf"]}, timeout=30)
            assert goodbye.status_code == 204
            assert not kernel_alive(server, kernel_id)
        answer, kernel_id = open_page(server)
        assert answer.status_code == 200 and kernel_alive(server, kernel_id)
    assert " 500 " not in server.log_path.read_text()


@pytest.mark.server
def test_a_flooding_client_gets_429_and_the_header_counts_only_behind_a_trusted_proxy(tmp_path):
    limits = {"WORKBENCH_PAGES_PER_MINUTE_PER_CLIENT": "2", "WORKBENCH_MAX_KERNELS": "40"}
    behind_proxy = {**limits, "WORKBENCH_TRUSTED_PROXIES": "127.0.0.1"}
    with VoilaServer(tmp_path / "proxied", preheat=1, extra_env=behind_proxy) as server:
        flood = {"X-Forwarded-For": "198.51.100.1"}
        assert [open_page(server, headers=flood)[0].status_code for _ in range(2)] == [200, 200]
        refused, _ = open_page(server, headers=flood)
        assert_busy_page(refused, 429)
        assert "打开的页面太多了" in refused.text and "Too many pages" in refused.text
        # writing another address to the left does not help: the proxy's entry is the client
        spoofed, _ = open_page(server, headers={"X-Forwarded-For": "192.0.2.9, 198.51.100.1"})
        assert spoofed.status_code == 429
        # another resident behind the same proxy is served
        other, kernel_id = open_page(server, headers={"X-Forwarded-For": "198.51.100.2"})
        assert other.status_code == 200 and kernel_alive(server, kernel_id)
    with VoilaServer(tmp_path / "direct", preheat=1, cull_idle=3, cull_interval=1,
                     extra_env={**limits, "WORKBENCH_TRUSTED_PROXIES": "10.9.9.9"}) as server:
        # the connection is not a trusted proxy: the header is the client's own word
        answers = [open_page(server, headers={"X-Forwarded-For": f"192.0.2.{k}"})[0]
                   for k in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 429]


@pytest.mark.server
def test_a_closed_pages_kernel_is_culled_after_it_left_not_while_open(tmp_path):
    idle = 6
    with VoilaServer(tmp_path, preheat=1, cull_idle=idle, cull_interval=1) as server:
        page = WidgetClient(server.url, timeout=120).open()
        assert page.find_class("wb-submit")
        kernel_id = page.kernel_id
        # open and idle for longer than the cull's idle time: kept, a page is connected
        time.sleep(idle + 3)
        assert kernel_alive(server, kernel_id)
        page.close()
        # idle time counts from the page's leaving: still there a moment after
        time.sleep(2)
        assert kernel_alive(server, kernel_id)
        assert wait_until(lambda: not kernel_alive(server, kernel_id), timeout=60)
        # the process too (the pool's kernel stays ready)
        assert wait_until(lambda: len(server.kernel_pids()) == 1, timeout=30)


def test_in_meeting_mode_the_rooms_phones_share_one_address_and_the_limit_covers_them(
        monkeypatch):
    from workbench.serve import meeting_env

    monkeypatch.setenv("WORKBENCH_PAGES_PER_MINUTE_PER_CLIENT", "20")
    assert meeting_env({}, 60)["WORKBENCH_PAGES_PER_MINUTE_PER_CLIENT"] == "120"
    assert meeting_env({}, 5)["WORKBENCH_PAGES_PER_MINUTE_PER_CLIENT"] == "20"
    monkeypatch.setenv("WORKBENCH_PAGES_PER_MINUTE_PER_CLIENT", "0")  # no limit stays none
    assert "WORKBENCH_PAGES_PER_MINUTE_PER_CLIENT" not in meeting_env({}, 60)
