"""A workshop under load: sixty phones scan the screen's QR code within one minute.

What runs is what ``workbench serve --workshop`` runs: the resident server (Voilà, the same
command line) with ``workshop_pool`` preheated kernels, and the screen server
(``notebooks/public/workshop.ipynb``) on the same database. No browsers: every phone is a
:class:`workbench.widget_client.WidgetClient` (a thread of this process) speaking the Jupyter
widget protocol over the kernel websocket, as a phone's page does; ten browsers on one machine
slow each other far more than the kernels do (see DESIGN.md).

1. The pool fills and the machine goes quiet. Baseline: ONE phone alone on the idle server,
   the time until its page is usable (median of three; then the pool refills what they
   took).
2. A workshop is opened; a client connects to its screen with the facilitator's token and
   watches the widget updates: when each proposal's dot reaches the screen's map (the
   ``data-proposal`` ids of the map's dots), the joined count, the dot-voting bars.
3. The phones arrive evenly over the minute, each opening
   ``?workshop=ID&code=CODE&lang=zh``. Usable = the widget states received and the submit
   button among them. Each phone then proposes through the widgets (a tap on the map as a
   custom "interaction" message, title, scenario, submit) and keeps the receipt it is shown;
   the phones stay connected, as in the room.
4. Receipts acknowledged against rows stored (by receipt code, and tagged with the
   workshop); the screen's delay = the moment a proposal's dot reached the screen minus the
   moment it was stored (its ``created_at``; the note gives it from the phone's receipt too,
   which a loaded phone may show after the screen).
5. A dot round over six of the proposals, opened as the facilitator's screen does
   (``workshop.open_round``): every phone waits for it to appear (the page looks every 3 s),
   spends its N dots and tries one more, which must be refused. The tally must hold exactly
   N dots per phone, and the screen's bars must reach it (delay from the last dot stored).
6. Memory: RSS of every kernel of the resident server (phones' and the refilled pool's) and of
   the screen's kernel, with the phones connected.

The resident server runs as ``workbench serve --workshop`` runs it: ``workshop_pool`` kernels
(default 60, the number of phones expected) started before the meeting, a kernel taken
replaced only ``WORKSHOP_FILL_DELAY`` seconds later. The screen's server keeps one kernel.

Quick mode: 6 phones over 6 s, a pool of 7 (the phones and the baseline's), one baseline
load.

If a full run cannot serve every phone, the figures say how many pages became usable: the
count is a figure with its target, never hidden.
"""

from __future__ import annotations

import math
import re
import statistics
import tempfile
import threading
import time
from pathlib import Path

import psutil

from workbench import i18n, settings
from workbench.serve import WORKSHOP_FILL_DELAY, WORKSHOP_NOTEBOOK, VoilaServer
from workbench.widget_client import WidgetClient

from ._report import Figure, check

NAME = "workshop"
PHONES, SPREAD_SECONDS = 60, 60.0
QUICK_PHONES, QUICK_SPREAD_SECONDS = 6, 6.0
DOTS = 3
ROUND_OPTIONS = 6
#: a phone (or the screen) that has not answered in this long has failed
CLIENT_TIMEOUT = 300.0
#: the issue: a proposal is on the screen within 2 s of its submission
SCREEN_TARGET_SECONDS = 2.0
DEMO_ENV = {"WORKBENCH_LAYERS_DIR": str(settings.PROJECT_DIR / "layers" / "demo")}
RECEIPT = re.compile(r"class='wb-code'>([A-Z0-9-]+)<")
PROPOSAL_ON_MAP = re.compile(r"data-proposal='(\d+)'")


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank), of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered) - 1e-9)))
    return ordered[rank - 1]


def tree_cpu_seconds(server: VoilaServer) -> float:
    total = 0.0
    procs = [psutil.Process(server.proc.pid)]
    procs += procs[0].children(recursive=True)
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
        except psutil.Error:
            pass
    return total


def wait_until_quiet(servers: list[VoilaServer], kernels: int, timeout: float = 900) -> float:
    """Wait until the resident server has ``kernels`` kernels and the servers' processes use
    less than a tenth of a core for two seconds running; returns the seconds waited."""
    t0 = time.perf_counter()
    calm = 0
    while time.perf_counter() - t0 < timeout:
        before = sum(tree_cpu_seconds(s) for s in servers)
        time.sleep(1.0)
        used = sum(tree_cpu_seconds(s) for s in servers) - before
        enough = len(servers[0].kernel_pids()) >= kernels
        calm = calm + 1 if enough and used < 0.1 else 0
        if calm >= 2:
            break
    return time.perf_counter() - t0


def rss_mib(pids: list[int]) -> list[float]:
    out = []
    for pid in pids:
        try:
            out.append(psutil.Process(pid).memory_info().rss / 2**20)
        except psutil.Error:
            pass
    return out


class ScreenWatcher(threading.Thread):
    """The facilitator's screen, as a widget client: notes when each proposal's dot, the
    joined count and the dot-voting total first reach it."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        # the screen is not a resident page: it has no start with a link to wait for
        self.client = WidgetClient(url, timeout=CLIENT_TIMEOUT).open(started=None)
        found = self.client.find_class("wb-map-dots")
        if not found:
            raise RuntimeError("the screen shows no map: was the token refused?")
        self.map_id = found[0]
        self.joined_id = self.client.find_class("wb-joined-box")[0]
        self.round_id = self.client.find_class("wb-round")[0]
        self.seen: dict[int, float] = {}
        self.joined = 0
        self.round_total: tuple[int, float] = (0, 0.0)
        self.messages = 0
        self.error: str | None = None
        self.stopping = threading.Event()
        self._look(None)

    def _look(self, _msg) -> bool:
        now = time.time()
        self.messages += 1
        states = self.client.states
        for pid in PROPOSAL_ON_MAP.findall(states[self.map_id].get("value", "")):
            self.seen.setdefault(int(pid), now)
        joined = re.search(r"data-joined='(\d+)'", states[self.joined_id].get("value", ""))
        if joined:
            self.joined = int(joined.group(1))
        total = re.search(r"data-total='(\d+)'", states[self.round_id].get("value", ""))
        if total and int(total.group(1)) != self.round_total[0]:
            self.round_total = (int(total.group(1)), now)
        return False

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self.client._receive(self._look, timeout=0.5)
            except TimeoutError:
                continue
            except Exception as exc:  # noqa: BLE001 - reported as a figure
                self.error = f"{type(exc).__name__}: {exc}"
                return

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=5)
        self.client.close()


class Phone(threading.Thread):
    """One resident: arrives at ``start_at``, opens the page, proposes, and later spends
    dots; stays connected until told to leave."""

    def __init__(self, number: int, url: str, start_at: float, place: tuple[float, float],
                 scenario_label: str):
        super().__init__(daemon=True)
        self.number, self.url, self.start_at = number, url, start_at
        self.place, self.scenario_label = place, scenario_label
        self.client: WidgetClient | None = None
        self.usable: float | None = None
        self.receipt: str | None = None
        self.receipt_at: float | None = None
        self.dot_results: list[str] = []
        self.error: str | None = None
        self.dropped: str | None = None
        self.round_go = threading.Event()
        self.leave = threading.Event()
        self.done_proposing = threading.Event()
        self.done_dots = threading.Event()

    def run(self) -> None:
        try:
            time.sleep(max(0.0, self.start_at - time.perf_counter()))
            t0 = time.perf_counter()
            self.client = WidgetClient(self.url, timeout=CLIENT_TIMEOUT).open()
            if not self.client.find_class("wb-submit"):
                raise RuntimeError("no submit button on the page")
            self.usable = time.perf_counter() - t0
            self.propose()
        except Exception as exc:  # noqa: BLE001 - every failure is a figure
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.done_proposing.set()
        self._stay(self.round_go)
        try:
            if self.client is not None and self.error is None:
                self.spend_dots()
        except Exception as exc:  # noqa: BLE001
            self.error = f"dots: {type(exc).__name__}: {exc}"
        finally:
            self.done_dots.set()
        self._stay(self.leave)
        if self.client is not None:
            self.client.close()

    def _stay(self, until: threading.Event) -> None:
        """Stay on the page, reading what the kernel sends (a browser does; the server drops
        a websocket that leaves its pings unanswered for long), until ``until`` is set."""
        while not until.wait(0.1):
            if self.client is None or self.client.ws is None or self.dropped:
                continue
            try:
                self.client.drain(0.4)
            except Exception as exc:  # noqa: BLE001 - reported
                self.dropped = f"{type(exc).__name__}: {exc}"

    def propose(self) -> None:
        c = self.client
        title = c.find("TextModel", description=i18n.t("zh", "form.title"))
        scenario = c.find("DropdownModel", description=i18n.t("zh", "form.scenario"))
        submit = c.find_class("wb-submit")[0]
        lon, lat = self.place
        c.tap_map(lon, lat)
        c.set(title, value=f"工作坊提案 {self.number + 1}：口袋公园加长椅")
        c.set(scenario, index=c.states[scenario]["_options_labels"].index(self.scenario_label))
        c.click(submit)
        codes = [m.group(1) for s in c.states.values()
                 if (m := RECEIPT.search(str(s.get("value", ""))))]
        if not codes:
            errors = [c.states[m].get("value") for m in c.find_class("wb-error")
                      if c.states[m].get("value")]
            raise RuntimeError(f"no receipt shown; errors: {errors}")
        self.receipt, self.receipt_at = codes[0], time.time()

    def _dot_buttons(self) -> list[str]:
        return [m for m in self.client.find_class("wb-dot-add")
                if not self.client.states[m].get("disabled")]

    def spend_dots(self) -> None:
        c = self.client
        deadline = time.time() + 30  # the page looks for a new round every 3 s
        while not self._dot_buttons() and time.time() < deadline:
            try:
                c._receive(lambda _m: bool(self._dot_buttons()), timeout=1.0)
            except TimeoutError:
                pass
        buttons = self._dot_buttons()
        if not buttons:
            raise RuntimeError("the dot round never reached the phone")
        section = next(m for m in c.find_class("wb-dots")
                       if c.states[m].get("_model_name") == "VBoxModel")
        none_left = i18n.t("zh", "dots.none_left", n=DOTS)
        for k in range(DOTS + 1):
            time.sleep(0.35)  # the page takes one dot per 0.3 s
            order = c.find_class("wb-dot-add")  # option k's button is the k-th made
            c.click(order[(self.number + k) % len(order)])
            children = [ref[len("IPY_MODEL_"):] for ref in c.states[section].get("children", [])]
            shown = " ".join(str(c.states[m].get("value", "")) for m in children
                             if m in c.states)
            if "wb-error" not in shown:
                self.dot_results.append("taken")
            else:
                self.dot_results.append("refused" if none_left in shown else
                                        "error: " + re.sub(r"<[^>]+>", "", shown)[-120:])


def run(quick: bool = False) -> list[Figure]:
    from workbench.workshops import rules as workshop
    from workbench.layers.community import load_community
    from workbench.participation.codes import issue_codes
    from workbench.store import Store
    from workbench import vocabulary

    phones = QUICK_PHONES if quick else PHONES
    spread = QUICK_SPREAD_SECONDS if quick else SPREAD_SECONDS
    # the pool as a facilitator sets it for the meeting (quick: sized for its six phones)
    pool = QUICK_PHONES + 1 if quick else settings.get("workshop_pool")
    community = load_community(DEMO_ENV["WORKBENCH_LAYERS_DIR"])
    spaces = list(community.public_spaces)
    labels = [s["zh"] for s in vocabulary.scenarios()]
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="wb-bench-ws-") as tmp:
        home = Path(tmp)
        resident = VoilaServer(home / "r", preheat=pool, fill_delay=WORKSHOP_FILL_DELAY,
                               extra_env=DEMO_ENV).start(timeout=120)
        screen = None
        phone_threads: list[Phone] = []
        watcher = None
        store = None
        try:
            screen = VoilaServer(home / "s", notebook=WORKSHOP_NOTEBOOK, preheat=1,
                                 extra_env={**DEMO_ENV,
                                            "WORKBENCH_DATABASE_URL": resident.database_url}
                                 ).start(timeout=120)
            store = Store(resident.database_url)
            fill = wait_until_quiet([resident, screen], pool)
            workshop_id, token = workshop.open_workshop(store, community.id,
                                                        "负载测试工作坊 · Load test", DOTS)
            codes = issue_codes(store, community.id, phones + 3, batch="bench")
            base = f"{resident.url}?workshop={workshop_id}&lang=zh&code="

            # baseline: one phone alone on the idle server
            alone = []
            for k in range(1 if quick else 3):
                t0 = time.perf_counter()
                client = WidgetClient(base + codes[phones + k], timeout=CLIENT_TIMEOUT).open()
                assert client.find_class("wb-submit"), "no submit button"
                alone.append(time.perf_counter() - t0)
                client.close()
                time.sleep(1)
            baseline = statistics.median(alone)
            # the pool refills what the baseline took (WORKSHOP_FILL_DELAY later) when the
            # phones need it
            fill += wait_until_quiet([resident, screen],
                                     min(pool, phones) + len(alone))

            watcher = ScreenWatcher(f"{screen.url}?workshop={workshop_id}&token={token}&lang=zh")
            watcher.start()
            joined_before = store.joined_count(workshop_id)

            # the crowd
            t_start = time.perf_counter() + 0.5
            for i in range(phones):
                space = spaces[i % len(spaces)]
                phone_threads.append(Phone(i, base + codes[i], t_start + i * spread / phones,
                                           community.public_space_location(space),
                                           labels[i % len(labels)]))
            for p in phone_threads:
                p.start()
            for p in phone_threads:
                p.done_proposing.wait(timeout=spread + 2 * CLIENT_TIMEOUT)
            crowd_seconds = time.perf_counter() - t_start
            memory = rss_mib(resident.kernel_pids())
            screen_memory = rss_mib(screen.kernel_pids())
            kernels = len(memory)

            # receipts against rows; the screen's delay
            receipts = {p.receipt: p for p in phone_threads if p.receipt}
            stored = {}
            for receipt in receipts:
                row = store.proposal_by_receipt(receipt)
                if row is not None:
                    stored[receipt] = row
            in_workshop = {r["id"] for r in store.workshop_proposals(workshop_id)}
            tagged = sum(1 for row in stored.values() if row["id"] in in_workshop)
            deadline = time.time() + 10
            while time.time() < deadline and not all(row["id"] in watcher.seen
                                                     for row in stored.values()):
                time.sleep(0.2)
            # from the moment the proposal was stored (its created_at, this machine's clock)
            # to its dot on the screen; and from the receipt on the phone, which the phone
            # shows after storing and redrawing its own list (the screen may be first)
            delays = [watcher.seen[row["id"]] - _epoch(row["created_at"])
                      for row in stored.values() if row["id"] in watcher.seen]
            after_receipt = [watcher.seen[row["id"]] - receipts[receipt].receipt_at
                             for receipt, row in stored.items() if row["id"] in watcher.seen]
            missing_on_screen = len(stored) - len(delays)

            # the dot round: N dots each, one more refused, the bars on the screen
            options = [{"kind": "proposal", "id": r["id"], "title": r["title"]}
                       for r in store.workshop_proposals(workshop_id)[:ROUND_OPTIONS]]
            round_id = workshop.open_round(store, store.workshop(workshop_id), "哪几件事最要紧？",
                                           options) if len(options) >= 2 else None
            t_round = time.perf_counter()
            for p in phone_threads:
                p.round_go.set()
            for p in phone_threads:
                p.done_dots.wait(timeout=120)
            dots_seconds = time.perf_counter() - t_round
            last_dot = _last_dot_stored(store, round_id) if round_id else time.time()
            tally = store.dot_tally(round_id) if round_id else {}
            able = [p for p in phone_threads if p.dot_results]
            expected_dots = DOTS * len(able)
            deadline = time.time() + 10
            while time.time() < deadline and watcher.round_total[0] != sum(tally.values()):
                time.sleep(0.2)
            bars_delay = watcher.round_total[1] - last_dot \
                if watcher.round_total[0] == sum(tally.values()) else None
            refused_extra = sum(1 for p in able if p.dot_results[-1] == "refused")
            taken_first = sum(1 for p in able if p.dot_results[:DOTS] == ["taken"] * DOTS)
            joined_on_screen = watcher.joined
            joined = store.joined_count(workshop_id) - joined_before
        finally:
            for p in phone_threads:
                p.round_go.set()
                p.leave.set()
            for p in phone_threads:
                p.join(timeout=10)
            if watcher is not None:
                watcher.stop()
            if store is not None:
                store.dispose()
            if screen is not None:
                screen.stop()
            resident.stop()

    usable = [p.usable for p in phone_threads if p.usable is not None]
    errors = [f"phone {p.number + 1}: {p.error}" for p in phone_threads if p.error]
    dropped = [f"phone {p.number + 1}: {p.dropped}" for p in phone_threads if p.dropped]
    med = statistics.median(usable) if usable else float("nan")
    p95 = percentile(usable, 95) if usable else float("nan")
    arrive = f"{phones} phones over {spread:.0f} s, pool {pool}"
    figures += [
        Figure(NAME, "pages usable", len(usable), f"of {phones}", f"== {phones}",
               check(len(usable), "==", phones), (errors[0] if errors else arrive)),
        Figure(NAME, "time to usable, median", round(med, 2), "s", note=arrive),
        Figure(NAME, "time to usable, p95", round(p95, 2), "s",
               note=f"slowest {max(usable):.2f} s" if usable else ""),
        Figure(NAME, "time to usable, one phone alone (baseline)", round(baseline, 2), "s",
               note=f"idle server, median of {len(alone)}"),
        Figure(NAME, "ratio median in the crowd / alone", round(med / baseline, 2), "×",
               note=f"p95 / alone {p95 / baseline:.2f}×"),
        Figure(NAME, "receipts acknowledged", len(receipts), f"of {phones}", f"== {phones}",
               check(len(receipts), "==", phones)),
        Figure(NAME, "acknowledged receipts not stored", len(receipts) - len(stored), "",
               "== 0", check(len(receipts) - len(stored), "==", 0),
               f"{tagged} of {len(stored)} stored rows tagged with the workshop"),
        Figure(NAME, "stored proposals missing on the screen", missing_on_screen, "", "== 0",
               check(missing_on_screen, "==", 0),
               watcher.error or f"{watcher.messages} screen messages"),
        Figure(NAME, "screen delay, median", round(statistics.median(delays), 2)
               if delays else float("nan"), "s",
               note="proposal stored to its dot on the screen's map; from the phone's "
                    "receipt: median " + (f"{statistics.median(after_receipt):.2f} s, max "
                                          f"{max(after_receipt):.2f} s" if after_receipt
                                          else "-")),
        Figure(NAME, "screen delay, max", round(max(delays), 2) if delays else float("nan"),
               "s", f"<= {SCREEN_TARGET_SECONDS:g}",
               bool(delays) and check(max(delays), "<=", SCREEN_TARGET_SECONDS),
               f"the screen polls every {settings_poll()} s"),
        Figure(NAME, "joined (counted once per page)", joined, f"of {phones}", f"== {phones}",
               check(joined, "==", phones), f"the screen showed {joined_on_screen} "
               f"(with {joined_before} baseline pages)"),
        Figure(NAME, "dots stored / N per phone", sum(tally.values()), f"of {expected_dots}",
               f"== {expected_dots}", check(sum(tally.values()), "==", expected_dots),
               f"{len(able)} phones, N={DOTS}; {taken_first} took all N; round ready to all "
               f"in {dots_seconds:.1f} s"),
        Figure(NAME, "(N+1)th dot refused", refused_extra, f"of {len(able)}",
               f"== {len(able)}", check(refused_extra, "==", len(able))),
        Figure(NAME, "dot bars on the screen after the last dot",
               round(bars_delay, 2) if bars_delay is not None else float("nan"), "s",
               note="the last dot stored to the screen's bars showing the whole tally"),
        Figure(NAME, "kernel memory (RSS), largest", round(max(memory), 1), "MiB",
               note=f"{kernels} resident kernels with the phones connected"),
        Figure(NAME, "kernel memory (RSS), all resident kernels", round(sum(memory)), "MiB",
               note=f"{kernels} kernels: {len(usable)} pages, the rest kept ready or refilled; "
                    f"screen kernel {max(screen_memory, default=0):.0f} MiB"),
        Figure(NAME, "phone connections dropped", len(dropped), "", "== 0",
               check(len(dropped), "==", 0), dropped[0] if dropped else ""),
        Figure(NAME, "pool filled and quiet before the meeting", round(fill, 1), "s",
               note=f"{pool} kernels, refilled {WORKSHOP_FILL_DELAY} s after use; the "
                    f"arrivals and proposals took {crowd_seconds:.0f} s"),
    ]
    return figures


def _last_dot_stored(store, round_id: int) -> float:
    """When the round's last dot was stored (read here directly: the store has no reader
    for dot times, and the benchmark alone needs one)."""
    from sqlalchemy import func, select

    from workbench.workshops.tables import dots

    with store.engine.connect() as conn:
        value = conn.execute(select(func.max(dots.c.created_at)).where(
            dots.c.round_id == round_id)).scalar()
    return _epoch(value) if value is not None else time.time()


def _epoch(value) -> float:
    """A stored datetime (SQLite gives UTC without a zone) as a Unix time."""
    from datetime import timezone

    return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).timestamp()


def settings_poll() -> float:
    from workbench.workshops.rules import SCREEN_POLL_SECONDS

    return SCREEN_POLL_SECONDS
