"""The resident page as a phone meets it: time until usable, kernel memory, page weight, and
kernels left behind.

The baseline is a minimal Voilà notebook (one ipywidgets button, ``bench/minimal``) served by
the same Voilà with the same settings in the same run; loads of the two alternate, so a busy
machine slows both alike. The ratio is the figure; absolute times are printed beside it.
"""

from __future__ import annotations

import re
import statistics
import tempfile
import time
from pathlib import Path

import psutil

from workbench import settings
from workbench.serve import VoilaServer

from ._report import Figure, check

NAME = "resident_page"
MINIMAL = Path(__file__).resolve().parent / "minimal" / "minimal.ipynb"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
PHONE = {"width": 390, "height": 844}
# What "usable" means for each page: the control a visitor came for is visible (and, for the
# resident page, the map has drawn the community boundary).
READY = {
    "resident": [".wb-submit", ".leaflet-container path.leaflet-interactive"],
    "minimal": [".widget-button"],
}
#: The benchmark measures the demo community whatever the caller's settings say.
DEMO_ENV = {"WORKBENCH_LAYERS_DIR": str(settings.PROJECT_DIR / "layers" / "demo")}
#: A busy evening's page: the list full (more proposals than it shows), comments, a topic.
BUSY_PROPOSALS = 60


def seed_busy_community(database_url: str) -> None:
    """Fill the resident server's database as a real community's would be after some weeks,
    so that memory is measured on a full page, not an empty one."""
    from workbench.deliberation.discussion import Comment
    from workbench.layers.community import load_community
    from workbench.participation.codes import hash_code, issue_codes, normalise_code
    from workbench.proposals.rules import validate_proposal
    from workbench.store import Store

    store = Store(database_url)
    community = load_community(DEMO_ENV["WORKBENCH_LAYERS_DIR"])
    spaces = list(community.public_spaces)
    salt = store.code_salt(community.id)
    # a neighbour per proposal supports it and comments on it (weeks of activity: no one
    # code's share within a flood window)
    codes = [store.active_code_id(community.id, hash_code(normalise_code(code), salt))
             for code in issue_codes(store, community.id, BUSY_PROPOSALS)]
    for i, code_id in enumerate(codes):
        receipt = store.add_proposal(community.id, validate_proposal({
            "title": f"第{i}号提案：口袋公园加装遮阳和长椅", "scenario": "health",
            "description": "夏天下午太晒，老人和带孩子的家长没有地方坐。" * 4,
            "public_space_id": spaces[i % len(spaces)]}, community))
        pid = store.proposal_by_receipt(receipt)["id"]
        store.set_support(pid, code_id, True)
        for stance in ("for", "against", "neutral"):
            store.add_comment(Comment(pid, stance, "同意，但要注意晚上的噪音。"), code_id)
    store.dispose()


_KERNEL_ID = re.compile(r'"kernelId"\s*:\s*"([0-9a-f-]{36})"')


def load_once(browser, server: VoilaServer, which: str) -> dict:
    """Open the page in a fresh phone context; time until usable, bytes, outside requests."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    outside: list[str] = []

    def route(route):
        if route.request.url.startswith(server.url):
            route.continue_()
        else:  # offline, as at a workshop: note anything the page asks of the internet
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    sizes: dict[str, int] = {}
    urls: dict[str, str] = {}
    cdp.on("Network.responseReceived", lambda e: urls.__setitem__(e["requestId"],
                                                                   e["response"]["url"]))
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(
        e["requestId"], int(e["encodedDataLength"])))
    # the widgets' models and messages come over the kernel's websocket, not as responses
    frames = {"bytes": 0}
    cdp.on("Network.webSocketFrameReceived", lambda e: frames.__setitem__(
        "bytes", frames["bytes"] + len(e["response"]["payloadData"].encode())))
    t0 = time.perf_counter()
    page.goto(server.url, wait_until="commit", timeout=120_000)
    for selector in READY[which]:
        page.locator(selector).first.wait_for(state="visible", timeout=120_000)
    seconds = time.perf_counter() - t0
    match = _KERNEL_ID.search(page.content())
    kernel_rss = kernel_rss_mib(match.group(1)) if match else None
    page.wait_for_timeout(300)  # let late requests finish so the bytes are complete
    by_url: dict[str, int] = {}
    for request_id, size in sizes.items():
        url = urls.get(request_id, "?").replace(server.url, "/").split("?")[0]
        by_url[url] = by_url.get(url, 0) + size
    context.close()
    return {"seconds": seconds, "bytes": sum(sizes.values()) + frames["bytes"],
            "websocket": frames["bytes"], "by_url": by_url,
            "outside": outside, "kernel_rss": kernel_rss}


def kernel_rss_mib(kernel_id: str) -> float | None:
    for proc in psutil.process_iter(["cmdline"]):
        cmdline = " ".join(proc.info["cmdline"] or [])
        if "ipykernel" in cmdline and kernel_id in cmdline:
            return proc.memory_info().rss / 2**20
    return None


def kernels_left_behind(browser, home: Path, opens: int) -> tuple[int, int, float]:
    """Open and close the page ``opens`` times, wait for the cull, count live kernels."""
    cull_idle, cull_interval, pool = 10, 2, 1
    with VoilaServer(home, preheat=pool, cull_idle=cull_idle, cull_interval=cull_interval,
                     extra_env=DEMO_ENV) as server:
        for _ in range(opens):
            load_once(browser, server, "resident")
        peak = len(server.kernel_pids())
        deadline = time.time() + cull_idle + 4 * cull_interval + 20
        while time.time() < deadline and len(server.kernel_pids()) > pool:
            time.sleep(1)
        return peak, len(server.kernel_pids()), cull_idle


def run(quick: bool = False, browser=None) -> list[Figure]:
    """The figures; ``browser`` is a Playwright browser to use (a test session's own),
    else one is launched here."""
    from contextlib import ExitStack

    loads = 1 if quick else 7
    opens = 2 if quick else 20
    results: dict[str, list[dict]] = {"resident": [], "minimal": []}
    with tempfile.TemporaryDirectory(prefix="wb-bench-") as tmp, ExitStack() as stack:
        if browser is None:
            from playwright.sync_api import sync_playwright

            p = stack.enter_context(sync_playwright())
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            stack.callback(browser.close)
        home = Path(tmp)
        with VoilaServer(home / "r", extra_env=DEMO_ENV) as resident, \
                VoilaServer(home / "m", notebook=MINIMAL, extra_env=DEMO_ENV) as minimal:
            seed_busy_community(resident.database_url)
            if not quick:  # one warm-up load each (caches, the pool's first kernel)
                load_once(browser, resident, "resident")
                load_once(browser, minimal, "minimal")
            for _ in range(loads):
                for which, server in (("resident", resident), ("minimal", minimal)):
                    time.sleep(1.5)  # let the pool refill, as between two visitors
                    results[which].append(load_once(browser, server, which))
        peak, left, cull_idle = kernels_left_behind(browser, home / "c", opens)

    med = {k: statistics.median(r["seconds"] for r in v) for k, v in results.items()}
    ratio = med["resident"] / med["minimal"]
    last = results["resident"][-1]
    rss = max((r["kernel_rss"] or 0) for r in results["resident"])
    outside = sorted({u for r in results["resident"] for u in r["outside"]})
    largest = sorted(last["by_url"].items(), key=lambda kv: -kv[1])[:5]
    note_times = (f"median of {loads}: resident {med['resident']:.2f} s, "
                  f"minimal {med['minimal']:.2f} s")
    return [
        Figure(NAME, "time to usable, resident / minimal page", round(ratio, 2), "×",
               "<= 1.2", check(ratio, "<=", 1.2), note_times),
        Figure(NAME, "time to usable, resident page", round(med["resident"], 2), "s",
               note="phone viewport, Chromium, loopback"),
        Figure(NAME, "resident kernel memory (RSS) after usable", round(rss, 1), "MiB",
               "<= 90", check(rss, "<=", 90),
               f"largest over the loads; {BUSY_PROPOSALS} proposals with comments, a topic"),
        Figure(NAME, "page weight", round(last["bytes"] / 2**20, 2), "MiB",
               note=f"responses and the kernel's websocket "
                    f"({last['websocket'] / 1024:.0f} KiB) until usable and 0.3 s after; "
                    "largest: " + ", ".join(f"{u} {b / 1024:.0f} KiB" for u, b in largest)),
        Figure(NAME, "requests to the internet", len(outside), "", "== 0",
               check(len(outside), "==", 0), " ".join(outside[:3])),
        Figure(NAME, f"kernels alive after {opens} opens and closes", left, "",
               "<= 1 (the pool)", check(left, "<=", 1),
               f"peak {peak}; cull after {cull_idle} s idle"),
    ]
