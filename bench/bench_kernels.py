"""Floods of pages: 200 pages a minute from one client, then from twenty, against the resident
server as ``workbench serve`` runs it (same command line, settings' defaults: the cull 45 s
after a page left, checked every 15 s; 20 new pages per client a minute; a preheated pool).

The flooding clients are what a script does, not a browser: each page is fetched over HTTP
(its kernel starts and renders the page) and dropped without opening its websocket, so only the
cull ends its kernel. Each client has its own address (127.0.0.2, 127.0.0.3, ... on the
loopback: the server counts clients by the connection's address). Meanwhile real visitors open
the page every 30 s with :class:`workbench.widget_client.WidgetClient`, as a phone's page does
over the widget protocol; each is another resident, arriving through a reverse proxy on
127.0.0.1 (``trusted_proxies``) that names them in X-Forwarded-For. A page counts as working
when the form's submit button is among its widgets. Baseline: a visitor on the idle server,
before the floods.

A sampler reads, twice a second, the kernels alive and the memory (RSS) of the server and its
kernels. The cap is ``max_kernels``; the full run sets it to 60 (about 6.6 GiB) so the run
leaves a shared machine room; the cap the server would size from this machine's memory is
given beside it. A refused page must be the busy page (429 or 503 with both languages), never
an error or a dead page. After each flood: the seconds until only the pool's kernels remain.

Quick mode: floods of 24 pages over 12 s from one client and from four, a cap of 12, 4 pages
per client a minute, the cull after 5 s (checked every second).
"""

from __future__ import annotations

import http.client
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

from workbench import settings
from workbench.resident_kernels import kernel_cap
from workbench.serve import VoilaServer
from workbench.widget_client import WidgetClient

from ._report import Figure, check

NAME = "kernels"
DEMO_ENV = {"WORKBENCH_LAYERS_DIR": str(settings.PROJECT_DIR / "layers" / "demo")}
FULL = dict(pages=200, seconds=60.0, cap=60, per_client=20, cull_idle=None, cull_interval=None,
            visit_every=30.0)
QUICK = dict(pages=24, seconds=12.0, cap=12, per_client=4, cull_idle=5, cull_interval=1,
             visit_every=30.0)
CLIENTS = (1, 20)
QUICK_CLIENTS = (1, 4)
PRELOAD = 2  # the pool, as preheat_kernels' default
FETCH_TIMEOUT = 180.0
VISIT_TIMEOUT = 180.0


class Sampler(threading.Thread):
    """Kernels alive and RSS of the server with its kernels, twice a second; the peaks."""

    def __init__(self, server: VoilaServer):
        super().__init__(daemon=True)
        self.server = server
        self.peak_kernels = 0
        self.peak_mib = 0.0
        self.peak_kernel_mib = 0.0
        self.stopping = threading.Event()

    def sample(self) -> tuple[int, float, float]:
        root = psutil.Process(self.server.proc.pid)
        kernels = set(self.server.kernel_pids())
        total = kernel_total = 0.0
        for p in [root] + root.children(recursive=True):
            try:
                rss = p.memory_info().rss / 2**20
            except psutil.Error:
                continue
            total += rss
            kernel_total += rss if p.pid in kernels else 0.0
        return len(kernels), total, kernel_total

    def reset(self) -> None:
        self.peak_kernels, self.peak_mib, self.peak_kernel_mib = 0, 0.0, 0.0

    def run(self) -> None:
        while not self.stopping.wait(0.5):
            kernels, total, kernel_total = self.sample()
            self.peak_kernels = max(self.peak_kernels, kernels)
            self.peak_mib = max(self.peak_mib, total)
            self.peak_kernel_mib = max(self.peak_kernel_mib, kernel_total)


def fetch(port: int, source: str) -> tuple[int | None, bool]:
    """One page as a script fetches it, from ``source``: (status, refused with the busy page
    in both languages); status None when no answer came."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=FETCH_TIMEOUT,
                                      source_address=(source, 0))
    try:
        conn.request("GET", "/?lang=zh")
        answer = conn.getresponse()
        body = answer.read().decode("utf-8", "replace")
        busy_page = ("<section lang='en'>" in body and "<html lang='zh-CN'>" in body
                     and answer.getheader("Retry-After") == "60")
        return answer.status, busy_page
    except (OSError, http.client.HTTPException):
        return None, False
    finally:
        conn.close()


_visitors = iter(range(1, 10**6))


def visit(url: str) -> tuple[str, float]:
    """A real visitor, another resident each time (an address of the documentation range,
    forwarded by the proxy): ("working", seconds to usable), ("busy", ...), ("failed: ...")."""
    n = next(_visitors)
    forwarded = {"X-Forwarded-For": f"198.51.{100 + n // 250}.{1 + n % 250}"}
    t0 = time.perf_counter()
    try:
        client = WidgetClient(url, timeout=VISIT_TIMEOUT, headers=forwarded).open()
    except Exception as exc:  # noqa: BLE001 - every outcome is a figure
        status = getattr(getattr(exc, "response", None), "status_code", None)
        outcome = "busy" if status in (429, 503) else f"failed: {type(exc).__name__}: {exc}"
        return outcome, time.perf_counter() - t0
    try:
        working = bool(client.find_class("wb-submit"))
        return ("working" if working else "failed: no form"), time.perf_counter() - t0
    finally:
        client.close()


def flood(server: VoilaServer, clients: int, pages: int, seconds: float,
          visit_every: float) -> dict:
    """``pages`` pages over ``seconds`` from ``clients`` addresses, in turn; the visitor
    meanwhile. Returns the answers by status and the visitor's outcomes."""
    sources = [f"127.0.0.{2 + k}" for k in range(clients)]
    start = time.perf_counter() + 0.5
    visits: list[tuple[str, float]] = []

    def visitor():
        at = start + 2.0
        while at < start + seconds:
            time.sleep(max(0.0, at - time.perf_counter()))
            visits.append(visit(server.url + "?lang=zh"))
            at += visit_every

    def page(k: int):
        time.sleep(max(0.0, start + k * seconds / pages - time.perf_counter()))
        return fetch(server.port, sources[k % clients])

    watcher = threading.Thread(target=visitor, daemon=True)
    watcher.start()
    with ThreadPoolExecutor(max_workers=pages) as pool:
        answers = list(pool.map(page, range(pages)))
    watcher.join(timeout=VISIT_TIMEOUT + seconds)
    return {"answers": answers, "visits": visits, "seconds": time.perf_counter() - start}


def drain(server: VoilaServer, pool: int, timeout: float) -> float:
    """Seconds until only the pool's kernels remain (the flood's culled)."""
    t0 = time.perf_counter()
    while len(server.kernel_pids()) > pool and time.perf_counter() - t0 < timeout:
        time.sleep(0.5)
    return time.perf_counter() - t0


def run(quick: bool = False) -> list[Figure]:
    p = QUICK if quick else FULL
    cull_idle = p["cull_idle"] or settings.get("cull_idle_seconds")
    cull_interval = p["cull_interval"] or settings.get("cull_interval_seconds")
    kernel_mib = settings.get("kernel_memory_mib")
    sized = kernel_cap(psutil.virtual_memory().available, kernel_mib=kernel_mib,
                       reserve_mib=settings.get("memory_reserve_mib"))
    env = {**DEMO_ENV, "WORKBENCH_MAX_KERNELS": str(p["cap"]),
           "WORKBENCH_PAGES_PER_MINUTE_PER_CLIENT": str(p["per_client"]),
           "WORKBENCH_TRUSTED_PROXIES": "127.0.0.1"}
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="wb-bench-kernels-") as tmp:
        server = VoilaServer(Path(tmp), preheat=PRELOAD, cull_idle=cull_idle,
                             cull_interval=cull_interval, extra_env=env).start(timeout=120)
        sampler = Sampler(server)
        try:
            deadline = time.perf_counter() + 120  # the pool filled
            while len(server.kernel_pids()) < PRELOAD and time.perf_counter() < deadline:
                time.sleep(0.5)
            alone = visit(server.url + "?lang=zh")
            drain(server, PRELOAD, 120)
            sampler.start()
            for clients in (QUICK_CLIENTS if quick else CLIENTS):
                sampler.reset()
                result = flood(server, clients, p["pages"], p["seconds"], p["visit_every"])
                drained = drain(server, PRELOAD, 300)
                figures += phase_figures(clients, p, result, sampler, drained, alone,
                                         kernel_mib, cull_idle + cull_interval, sized)
        finally:
            sampler.stopping.set()
            server.stop()
    return figures


def phase_figures(clients: int, p: dict, result: dict, sampler: Sampler, drained: float,
                  alone: tuple[str, float], kernel_mib: int, cull_window: float,
                  sized: int) -> list[Figure]:
    who = "one client" if clients == 1 else f"{clients} clients"
    answers, visits = result["answers"], result["visits"]
    by_status: dict = {}
    for status, _ in answers:
        by_status[status] = by_status.get(status, 0) + 1
    refused = [(s, ok) for s, ok in answers if s in (429, 503)]
    dead = sum(1 for s, _ in answers if s not in (200, 429, 503)) + \
        sum(1 for _, ok in refused if not ok)
    working = [seconds for outcome, seconds in visits if outcome == "working"]
    other = [outcome for outcome, _ in visits if outcome != "working"]
    budget = p["cap"] * kernel_mib
    flood_note = (f"{p['pages']} pages over {p['seconds']:.0f} s from {who}: "
                  f"{by_status.get(200, 0)} pages, {by_status.get(429, 0)} × 429, "
                  f"{by_status.get(503, 0)} × 503")
    return [
        Figure(NAME, f"{who}: pages answered neither with a page nor the busy page", dead, "",
               "== 0", check(dead, "==", 0), flood_note),
        Figure(NAME, f"{who}: peak kernels", sampler.peak_kernels, f"of cap {p['cap']}",
               f"<= {p['cap']}", check(sampler.peak_kernels, "<=", p["cap"]),
               f"the cap sized from this machine's memory would be {sized}"),
        Figure(NAME, f"{who}: peak memory of the kernels (RSS)", round(sampler.peak_kernel_mib),
               "MiB", f"<= {budget}", check(sampler.peak_kernel_mib, "<=", budget),
               f"cap × kernel_memory_mib ({kernel_mib}); server and kernels together "
               f"{sampler.peak_mib:,.0f} MiB"),
        Figure(NAME, f"{who}: the real visitor's pages working", len(working),
               f"of {len(visits)}", f"== {len(visits)}",
               bool(visits) and check(len(working), "==", len(visits)),
               other[0] if other else "a separate client, every "
               f"{p['visit_every']:.0f} s during the flood"),
        Figure(NAME, f"{who}: the real visitor's time to usable, median",
               round(statistics.median(working), 2) if working else float("nan"), "s",
               note=f"alone on the idle server: {alone[1]:.2f} s ({alone[0]}); slowest "
                    + (f"{max(working):.2f} s" if working else "-")),
        Figure(NAME, f"{who}: kernels back to the pool after the flood", round(drained, 1),
               "s", f"<= {cull_window + 30:.0f}", check(drained, "<=", cull_window + 30),
               f"cull window {cull_window:.0f} s, plus pages still rendering"),
    ]
