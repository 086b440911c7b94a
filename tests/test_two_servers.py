"""Two resident servers behind nginx, one PostgreSQL: a workshop's phones split across both,
one screen, nothing lost, counts exact.

What runs is what the README's "Two servers, one database" tells an operator to run: one
``workbench init`` into PostgreSQL, two ``workbench serve --workshop`` on two ports (the second
with ``--no-screen``), and nginx with ``deploy/nginx.conf.example`` (only the addresses made
this test's own). Phones are widget-protocol clients (the workshop benchmark's), all through
nginx; the screen is one page on the first server. Loopback only; bounded by timeouts.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import psutil
import pytest
import requests

import reliability
from postgres import TempPostgres
from servers import DEMO_LAYERS, PROJECT_DIR, free_port, wait_for_port

# The bench package lives beside tests/, at the project root.
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from bench.bench_workshop import DOTS, Phone, ScreenWatcher  # noqa: E402

pytestmark = pytest.mark.server

EXAMPLE = PROJECT_DIR / "deploy" / "nginx.conf.example"
#: the example's two servers, as written in it
EXAMPLE_SERVERS = ("127.0.0.1:8866", "127.0.0.1:8867")
PHONES = 8
#: kernels each server keeps ready: its half of the phones and one spare
POOL = PHONES // 2 + 1
#: seconds between two phones' arrivals
ARRIVAL_GAP = 0.7
#: how long the screen may take to show what is stored (it polls every second)
SCREEN_WAIT = 30
#: what nginx logs of each request: the server that answered, the status, the request, and
#: the server the browser's cookie named
LOG_FORMAT = "'$upstream_addr|$status|$request|$cookie_wb_server'"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def render_example(a: int, b: int, listen: int) -> str:
    """The example with this test's ports: the two servers and the proxy's own."""
    text = EXAMPLE.read_text(encoding="utf-8")
    for server, port in zip(EXAMPLE_SERVERS, (a, b)):
        host, example_port = server.split(":")
        assert server in text, f"the example no longer names {server}"
        text = text.replace(server, f"{host}:{port}")
        text = text.replace(re.escape(host) + ":" + example_port, re.escape(host) + f":{port}")
    assert text.count("listen 80;") == 1
    return text.replace("listen 80;", f"listen 127.0.0.1:{listen};")


def start_nginx(prefix: Path, a: int, b: int, listen: int) -> subprocess.Popen:
    """nginx in the foreground (no daemon), everything under ``prefix``, the example
    included in its http block as an operator includes it."""
    prefix.mkdir()
    (prefix / "workbench.conf").write_text(render_example(a, b, listen), encoding="utf-8")
    temp = "\n".join(f"    {kind}_temp_path {prefix / kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (prefix / "nginx.conf").write_text(f"""
daemon off;
worker_processes 1;
{"user root root;" if os.geteuid() == 0 else ""}
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} info;
events {{ worker_connections 512; }}
http {{
    log_format split {LOG_FORMAT};
    access_log {prefix / "access.log"} split;
{temp}
    include {prefix / "workbench.conf"};
}}
""", encoding="utf-8")
    conf = ["-p", str(prefix), "-e", str(prefix / "error.log"), "-c", str(prefix / "nginx.conf")]
    checked = subprocess.run([NGINX, *conf, "-t"], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr
    return subprocess.Popen([NGINX, *conf], stdout=subprocess.DEVNULL,
                            stderr=open(prefix / "stderr.log", "w"), start_new_session=True)


def start_serve(home: Path, env: dict, *args: str) -> subprocess.Popen:
    home.mkdir()
    log = open(home / "serve.log", "w")
    # its own session, as a terminal's job is; serve stops its servers when told to stop
    return subprocess.Popen([sys.executable, "-m", "workbench.cli", "serve", "--no-lab",
                             "--no-init", *args], env={**env, "WORKBENCH_HOME": str(home)},
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def kernels(proc: subprocess.Popen) -> int:
    count = 0
    for p in psutil.Process(proc.pid).children(recursive=True):
        try:
            if p.status() != psutil.STATUS_ZOMBIE and "ipykernel" in " ".join(p.cmdline()):
                count += 1
        except psutil.Error:
            pass
    return count


def wait_for_kernels(proc: subprocess.Popen, wanted: int, timeout: float = 300) -> None:
    deadline = time.time() + timeout
    while kernels(proc) < wanted:
        assert proc.poll() is None, f"serve exited with {proc.returncode}"
        assert time.time() < deadline, f"{kernels(proc)} kernels of {wanted} after {timeout} s"
        time.sleep(1)


def stop(proc: subprocess.Popen | None, sig=signal.SIGTERM, timeout: float = 30) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def upstream_log(path: Path) -> list[tuple[str, int, str, str]]:
    """nginx's access log: (the server that answered last, status, request, cookie) each."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        upstream, status, request, cookie = line.split("|")
        rows.append((upstream.split(",")[-1].strip(), int(status), request, cookie))
    return rows


def stored_rows(store, receipts: list[str]) -> list[tuple[str, str | None]]:
    """(receipt code, client key) of every stored proposal with one of these receipts, read
    directly: the store gives out public columns only, and the client key is not one."""
    from sqlalchemy import select

    from workbench.proposals.tables import proposals

    with store.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(
            select(proposals.c.receipt_code, proposals.c.client_key)
            .where(proposals.c.receipt_code.in_(receipts)))]


def wait_until(condition, timeout: float) -> bool:
    deadline = time.time() + timeout
    while not condition():
        if time.time() > deadline:
            return False
        time.sleep(0.2)
    return True


def test_a_workshop_split_across_two_servers_behind_nginx_loses_nothing(tmp_path):
    result: dict = {}
    outcome = "passed"
    try:
        workshop_through_nginx(tmp_path, result)
    except BaseException as exc:
        outcome = f"{type(exc).__name__}: {str(exc)[:200]}"
        raise
    finally:
        if result:
            reliability.record(
                "two_servers", "Scale: two resident servers behind nginx, one PostgreSQL",
                figures(result), command="pytest tests/test_two_servers.py", outcome=outcome,
                about="Two `workbench serve --workshop` on two ports share one PostgreSQL "
                      "behind nginx with deploy/nginx.conf.example (sticky by a cookie naming "
                      f"the server). {PHONES} phones (widget-protocol clients) join a workshop "
                      "through nginx, propose and spend their dots; one screen on the first "
                      "server.")


def figures(result: dict) -> list[dict]:
    pages = result.get("pages", {})
    return [
        reliability.figure("phones' pages per server", " / ".join(
            str(pages.get(server, 0)) for server in ("1", "2")) if pages else "-",
            note="from nginx's log: the server that answered each page"),
        reliability.figure("websockets that reached their page's server",
                           result.get("sockets_followed", "-"), f"of {PHONES}"),
        reliability.figure("acknowledged proposals stored exactly once",
                           result.get("stored_once", "-"), f"of {PHONES}"),
        reliability.figure("proposals on the one screen", result.get("on_screen", "-"),
                           f"of {PHONES}"),
        reliability.figure("joined on the screen", result.get("joined", "-"), f"of {PHONES}"),
        reliability.figure("dots stored", result.get("dots", "-"), f"of {DOTS * PHONES}",
                           note=f"{DOTS} each; the (N+1)th refused on "
                                f"{result.get('refused', '-')} of {PHONES} phones"),
        reliability.figure("dot total on the screen", result.get("screen_dots", "-"),
                           f"of {DOTS * PHONES}"),
    ]


def workshop_through_nginx(tmp_path: Path, result: dict) -> None:
    from workbench import vocabulary
    from workbench.layers.community import load_community
    from workbench.participation.codes import issue_codes
    from workbench.store import Store
    from workbench.workshops import rules as workshop

    assert os.path.exists(NGINX), "nginx not found: run `make system-deps`"
    ports = set()
    while len(ports) < 4:
        ports.add(free_port())
    port_a, port_b, screen_port, proxy_port = sorted(ports)
    proxy = f"http://127.0.0.1:{proxy_port}/"
    pg = TempPostgres()
    url = pg.start()
    env = dict(os.environ, WORKBENCH_DATABASE_URL=url, WORKBENCH_LAYERS_DIR=str(DEMO_LAYERS),
               WORKBENCH_TRUSTED_PROXIES="127.0.0.1", WORKBENCH_PUBLIC_URL=proxy,
               # both servers key a client's address alike: one client, whichever server
               WORKBENCH_CLIENT_KEY_SECRET="the same on both servers",
               WORKBENCH_WORKSHOP_POOL=str(POOL), WORKBENCH_SECONDS_BETWEEN_SUBMISSIONS="0")
    serve_a = serve_b = nginx = watcher = store = None
    phones: list[Phone] = []
    try:
        init = subprocess.run([sys.executable, "-m", "workbench.cli", "init"], env=env,
                              capture_output=True, text=True, timeout=300)
        assert init.returncode == 0, init.stderr
        serve_a = start_serve(tmp_path / "a", {**env, "WORKBENCH_VOILA_PORT": str(port_a),
                                               "WORKBENCH_WORKSHOP_PORT": str(screen_port)},
                              "--workshop")
        serve_b = start_serve(tmp_path / "b", {**env, "WORKBENCH_VOILA_PORT": str(port_b)},
                              "--workshop", "--no-screen")
        nginx = start_nginx(tmp_path / "nginx", port_a, port_b, proxy_port)
        for port, proc in ((port_a, serve_a), (port_b, serve_b), (screen_port, serve_a),
                           (proxy_port, nginx)):
            wait_for_port(port, proc, timeout=180)
        # one screen: the second serve started the resident server alone
        assert [len(psutil.Process(p.pid).children()) for p in (serve_a, serve_b)] == [2, 1]
        # the meeting's kernels ready on both (and the screen's on the first)
        wait_for_kernels(serve_a, POOL + 1)
        wait_for_kernels(serve_b, POOL)

        store = Store(url)
        community = load_community(DEMO_LAYERS)
        workshop_id, token = workshop.open_workshop(store, community.id,
                                                    "两台服务器 · Two servers", DOTS)
        codes = issue_codes(store, community.id, PHONES, batch="two-servers")
        watcher = ScreenWatcher(f"http://127.0.0.1:{screen_port}/?workshop={workshop_id}"
                                f"&token={token}&lang=zh")
        watcher.start()

        spaces = list(community.public_spaces)
        labels = [s["zh"] for s in vocabulary.scenarios()]
        start = time.perf_counter() + 0.5
        for i in range(PHONES):
            space = spaces[i % len(spaces)]
            phones.append(Phone(i, f"{proxy}?workshop={workshop_id}&lang=zh&code={codes[i]}",
                                start + i * ARRIVAL_GAP, community.public_space_location(space),
                                labels[i % len(labels)]))
        for p in phones:
            p.start()
        for p in phones:
            assert p.done_proposing.wait(timeout=600), f"phone {p.number + 1} still proposing"
        assert [p.error for p in phones if p.error] == []

        # every acknowledged proposal stored exactly once, tagged with the workshop
        receipts = [p.receipt for p in phones]
        assert len(set(receipts)) == PHONES
        stored = {r: store.proposal_by_receipt(r) for r in receipts}
        assert [r for r, row in stored.items() if row is None] == []
        in_workshop = [row["id"] for row in store.workshop_proposals(workshop_id)]
        assert sorted(in_workshop) == sorted(row["id"] for row in stored.values())
        rows = stored_rows(store, receipts)
        assert sorted(code for code, _ in rows) == sorted(receipts)  # once each, no double
        result["stored_once"] = sum(1 for n in Counter(c for c, _ in rows).values() if n == 1)
        # one client (this machine, as nginx told both servers) keyed alike on both
        client_keys = {key for _, key in rows}
        assert len(client_keys) == 1 and None not in client_keys, client_keys

        # the phones split across both servers
        access_log = tmp_path / "nginx" / "access.log"
        name = {f"127.0.0.1:{port_a}": "1", f"127.0.0.1:{port_b}": "2"}
        pages = Counter(up for up, status, req, _ in upstream_log(access_log)
                        if req.startswith("GET /?workshop=") and status == 200)
        result["pages"] = {name[up]: n for up, n in pages.items() if up in name}
        assert sum(pages.values()) == PHONES and set(pages) == set(name), pages
        assert min(pages.values()) >= PHONES // 2 - 1, pages  # in turn: an even split

        # one screen shows the proposals and the joined phones of both servers
        ids = set(in_workshop)
        shown = wait_until(lambda: ids <= set(watcher.seen), SCREEN_WAIT)
        result["on_screen"] = len(ids & set(watcher.seen))
        assert shown, (sorted(ids - set(watcher.seen)), watcher.error)
        assert store.joined_count(workshop_id) == PHONES
        shown = wait_until(lambda: watcher.joined == PHONES, SCREEN_WAIT)
        result["joined"] = watcher.joined
        assert shown, watcher.joined

        # a dot round across both servers: N dots each, the (N+1)th refused, exact counts
        options = [{"kind": "proposal", "id": r["id"], "title": r["title"]}
                   for r in store.workshop_proposals(workshop_id)[:6]]
        round_id = workshop.open_round(store, store.workshop(workshop_id), "哪几件事最要紧？",
                                       options)
        for p in phones:
            p.round_go.set()
        for p in phones:
            assert p.done_dots.wait(timeout=300), f"phone {p.number + 1} still spending dots"
        result["dots"] = sum(store.dot_tally(round_id).values())
        result["refused"] = sum(1 for p in phones if p.dot_results[-1:] == ["refused"])
        assert [p.error for p in phones if p.error] == []
        assert [p.dot_results for p in phones] == [["taken"] * DOTS + ["refused"]] * PHONES
        assert result["dots"] == DOTS * PHONES
        shown = wait_until(lambda: watcher.round_total[0] == DOTS * PHONES, SCREEN_WAIT)
        result["screen_dots"] = watcher.round_total[0]
        assert shown, watcher.round_total
        assert [p.dropped for p in phones if p.dropped] == []

        # each page's websocket reached the server that rendered it, the one its cookie
        # named (its kernel lives there: elsewhere the page would not have worked); nginx
        # logs a websocket when it closes
        for p in phones:
            p.leave.set()
        for p in phones:
            p.join(timeout=30)

        def sockets():
            return [(up, status, cookie) for up, status, req, cookie in upstream_log(access_log)
                    if "/channels?" in req]
        assert wait_until(lambda: len(sockets()) >= PHONES, 30), sockets()
        result["sockets_followed"] = sum(1 for up, status, cookie in sockets()
                                         if status == 101 and name.get(up) == cookie)
        assert len(sockets()) == PHONES and all(s == 101 for _, s, _ in sockets()), sockets()
        assert all(name[up] == cookie for up, _, cookie in sockets()), sockets()
        assert Counter(up for up, _, _ in sockets()) == pages

        # the second server gone, a browser it served is served by the first, and its cookie
        # moves there
        stop(serve_b)
        page = requests.get(f"{proxy}?lang=zh", cookies={"wb_server": "2"}, timeout=120)
        assert page.status_code == 200 and page.cookies.get("wb_server") == "1", page.headers
    finally:
        for p in phones:
            p.round_go.set()
            p.leave.set()
        for p in phones:
            p.join(timeout=10)
        if watcher is not None:
            watcher.stop()
        if store is not None:
            store.dispose()
        stop(nginx, signal.SIGQUIT)
        stop(serve_a)
        stop(serve_b)
        pg.stop()
