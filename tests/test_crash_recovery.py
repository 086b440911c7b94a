"""The whole resident server killed (SIGKILL: Voilà and every kernel) at random moments while
residents' pages stream proposals, statement votes and survey answers through the widget
protocol; after each restart every submission a page acknowledged is stored exactly once and
the database is whole. On SQLite (``PRAGMA integrity_check``) and on PostgreSQL, whose
postmaster is killed -9 as well.

Acknowledged means what the resident saw: the proposal's receipt, "Recorded: Agree" for the
statement the page showed, the survey's receipt. A submission cut off before its answer may
be stored or not, but never twice. Everything runs on loopback; the kill moments come from
``SEED`` (printed, and written with the other figures to docs/reliability.md through
tests/reliability.py).
"""

from __future__ import annotations

import json
import random
import re
import secrets
import threading
import time
from collections import Counter
from pathlib import Path

import psutil
import pytest
from sqlalchemy import create_engine, text

import reliability
from postgres import TempPostgres
from servers import VoilaServer
from workbench import i18n
from workbench.layers.community import load_community
from workbench.store import Store
from workbench.widget_client import WidgetClient

pytestmark = pytest.mark.server

SEED = 15
#: whole-server kills on SQLite; rounds on PostgreSQL, each killing its postmaster and the server
SQLITE_KILLS = 20
POSTGRES_ROUNDS = 10
#: a kill falls this many seconds (uniformly drawn) after the pages started submitting
KILL_WINDOW = (0.2, 3.0)
RESIDENTS = 2
STATEMENTS = 400
COMMUNITY = "heguang"
RECEIPT = re.compile(r"class='wb-code'>([A-Z0-9-]+)<")
SURVEY = """\
id: crash_check
title: {zh: 断电检查, en: Crash check}
owner: {zh: 测试, en: Test}
anonymous: true
sections:
  - id: only
    title: {zh: 问题, en: Questions}
    questions:
      - id: often
        type: single_choice
        text: {zh: "多久去一次？", en: "How often do you go?"}
        options:
          - {value: daily, label: {zh: 每天, en: Daily}}
          - {value: weekly, label: {zh: 每周, en: Weekly}}
      - id: words
        type: text
        text: {zh: 说一句, en: Say something}
"""


class Ledger:
    """What the pages acknowledged, and what they tried, across every kill."""

    def __init__(self):
        self.lock = threading.Lock()
        self.proposals: dict[str, str] = {}       # title -> receipt
        self.votes: set[tuple[str, str]] = set()  # (code, statement body)
        self.answers: dict[str, str] = {}         # receipt -> the text answered
        self.tried = Counter()
        self.pages = 0

    def try_one(self, kind: str) -> None:
        with self.lock:
            self.tried[kind] += 1

    def add(self, kind: str, key, value=None) -> None:
        with self.lock:
            if kind == "vote":
                self.votes.add(key)
            else:
                getattr(self, kind)[key] = value

    @property
    def acknowledged(self) -> int:
        return len(self.proposals) + len(self.votes) + len(self.answers)


class Resident(threading.Thread):
    """One page, with its participation code: a proposal, a vote, a survey answer, again and
    again, until its server is killed under it."""

    def __init__(self, url: str, code: str, tag: str, place: tuple[float, float],
                 ledger: Ledger):
        super().__init__(daemon=True)
        self.url, self.code, self.tag, self.place, self.ledger = url, code, tag, place, ledger
        self.client: WidgetClient | None = None
        self.opened = threading.Event()
        self.failure: str | None = None  # why the page could not open
        self.ended: str | None = None    # how the stream ended (the kill, normally)

    def run(self) -> None:
        try:
            self.client = WidgetClient(self.url, timeout=60).open()
            self._find_widgets()
        except Exception as exc:  # noqa: BLE001 - reported by the test
            self.failure = f"{type(exc).__name__}: {exc}"
            return
        finally:
            self.opened.set()
        with self.ledger.lock:
            self.ledger.pages += 1
        n = 0
        try:
            while True:
                (self.propose, self.vote, self.answer)[n % 3](n // 3)
                n += 1
        except Exception as exc:  # noqa: BLE001 - the server went away
            self.ended = f"{type(exc).__name__}: {exc}"

    def _find_widgets(self) -> None:
        c = self.client
        c.open_section("statement_voting")
        c.open_section("surveys")
        self.title = c.find("TextModel", description="Title")
        self.scenario = c.find("DropdownModel", description="Scenario")
        self.submit = c.find("ButtonModel", description="Submit proposal")
        self.another = c.find_class("wb-another")[0]
        box = next(m for m, s in c.states.items()
                   if f"IPY_MODEL_{self.another}" in s.get("children", []))
        self.receipt = c.states[box]["children"][0][len("IPY_MODEL_"):]
        self.agree = c.find("ButtonModel", description="Agree")
        self.card = next(m for m, s in c.states.items()  # the topic, then its statement
                         if str(s.get("value", "")).startswith("<div class='wb-topic'>"))
        self.device = c.find_class("wb-device")[0]
        c.click(c.find_class("wb-survey-open")[0])  # the one open survey, below its button
        self.often = c.find("RadioButtonsModel")
        self.words = c.find("TextareaModel", description="")
        self.send = c.find_class("wb-submit-survey")[0]

    def _texts(self) -> str:
        return " ".join(str(s.get("value", "")) for s in self.client.states.values())

    def propose(self, n: int) -> None:
        c = self.client
        title = f"Crash {self.tag}-{n}"
        self.ledger.try_one("proposals")
        lon, lat = self.place
        c.tap_map(lon, lat)
        c.set(self.title, value=title)
        c.set(self.scenario, index=1 + n % 9)
        c.click(self.submit)
        shown = c.states[self.receipt].get("value", "")
        found = RECEIPT.search(shown)
        if found and f"<div>{title}</div>" in shown:
            self.ledger.add("proposals", title, found.group(1))
            c.click(self.another)

    def vote(self, _n: int) -> None:
        c = self.client
        shown = re.search(r"<div class='wb-statement'>([^<]+)</div>",
                          c.states[self.card].get("value", ""))
        if shown is None:
            return  # every statement voted on with this code
        self.ledger.try_one("votes")
        c.click(self.agree)
        # the page said the vote was recorded, and the card moved on
        if VOTED in self._texts() and shown.group(1) not in c.states[self.card].get("value", ""):
            self.ledger.add("vote", (self.code, shown.group(1)))

    def answer(self, n: int) -> None:
        c = self.client
        words = f"Crash {self.tag}-{n}"
        self.ledger.try_one("answers")
        # a new browser's device key: a new respondent (the page's template hands it over)
        c.set(self.device, value=secrets.token_hex(16))
        c.set(self.often, index=n % 2)
        c.set(self.words, value=words)
        before = set(RECEIPT.findall(self._texts()))
        c.click(self.send)
        fresh = set(RECEIPT.findall(self._texts())) - before
        if SAVED in self._texts() and len(fresh) == 1:
            self.ledger.add("answers", fresh.pop(), words)


VOTED = i18n.t("en", "statements.voted", vote=i18n.t("en", "statements.agree"))
SAVED = i18n.t("en", "survey.saved")


def kill_whole_server(server: VoilaServer) -> None:
    """SIGKILL Voilà and every kernel it started, at once, as a power cut would."""
    try:
        root = psutil.Process(server.proc.pid)
        procs = [root] + root.children(recursive=True)
    except (AttributeError, psutil.NoSuchProcess):  # never started, or gone already
        procs = []
    for p in procs:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    if server.proc is not None:
        server.proc.wait(timeout=10)
    psutil.wait_procs(procs, timeout=10)
    if server.log:
        server.log.close()


def kill_postgres(pg: TempPostgres) -> None:
    """kill -9 the postmaster; its backends notice and exit (those that linger are killed, or
    the restart would find the old shared memory in use)."""
    postmaster = psutil.Process(pg.postmaster_pid())
    backends = postmaster.children()
    postmaster.kill()
    _, alive = psutil.wait_procs(backends, timeout=10)
    for p in alive:
        p.kill()
    psutil.wait_procs([postmaster] + alive, timeout=10)


def prepare(url: str, residents: int) -> tuple[list[str], dict[str, int], dict[str, int]]:
    """Participation codes for the pages, and one open topic of many statements.
    Returns the codes, their ids, and each statement's id by its text."""
    from workbench.participation.codes import AttemptLimiter, check_code, issue_codes

    store = Store(url)
    try:
        codes = issue_codes(store, COMMUNITY, residents, batch="crash")
        ids = {code: check_code(store, COMMUNITY, code, AttemptLimiter())[0] for code in codes}
        for topic in store.topics(COMMUNITY, open_only=True):
            store.set_topic_status(topic["id"], "closed")
        topic = store.add_topic(COMMUNITY, "Crash topic", "",
                                [f"Crash statement {i:03d}" for i in range(STATEMENTS)])
        statements = {s["body"]: s["id"] for s in store.statements_of(topic)}
    finally:
        store.dispose()
    return codes, ids, statements


def verify(url: str, ledger: Ledger, code_ids: dict[str, int],
           statements: dict[str, int]) -> dict:
    """Every acknowledged submission stored exactly once; nothing stored twice; on SQLite
    the integrity check ok. Returns what was found (for the figures)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            integrity = None
            if engine.dialect.name == "sqlite":
                integrity = [r[0] for r in conn.execute(text("PRAGMA integrity_check"))]
                assert integrity == ["ok"], integrity
            titles = Counter()
            receipts = {}
            for title, receipt in conn.execute(text(
                    "SELECT title, receipt_code FROM proposals WHERE title LIKE 'Crash %'")):
                titles[title] += 1
                receipts[title] = receipt
            votes = Counter(tuple(r) for r in conn.execute(text(
                "SELECT statement_id, voter FROM votes WHERE voter LIKE 'code-%'")))
            answers = {}
            said = Counter()
            for receipt, body in conn.execute(text(
                    "SELECT receipt_code, answers FROM survey_responses")):
                answers[receipt] = json.loads(body).get("words")
                said[answers[receipt]] += 1
    finally:
        engine.dispose()
    with ledger.lock:
        proposals, voted, answered = dict(ledger.proposals), set(ledger.votes), \
            dict(ledger.answers)
    lost = [t for t in proposals if titles[t] != 1 or receipts[t] != proposals[t]]
    lost += [v for v in voted
             if votes[(statements[v[1]], f"code-{code_ids[v[0]]}")] != 1]
    lost += [r for r, words in answered.items() if answers.get(r) != words]
    twice = [t for t, k in titles.items() if k > 1] + [w for w, k in said.items() if k > 1]
    twice += [v for v, k in votes.items() if k > 1]
    assert not lost, f"acknowledged but not stored exactly once: {lost[:10]}"
    assert not twice, f"stored twice: {twice[:10]}"
    return {"checked": len(proposals) + len(voted) + len(answered),
            "stored_unacknowledged": (len(titles) - len(proposals))
            + (sum(1 for w in said if w and w.startswith("Crash ")) - len(answered))}


def run_rounds(home: Path, url: str, rounds: int, rng: random.Random, result: dict, *,
               pg: TempPostgres | None = None) -> None:
    """Start the server, stream, kill, restart and verify, ``rounds`` times; the figures so
    far in ``result`` (kept when a round fails)."""
    extra = {"WORKBENCH_SURVEYS_DIR": str(home / "surveys"),
             "WORKBENCH_SUBMISSIONS_PER_PAGE": "100000",
             # every page here is one client (loopback): the flood limit across its pages
             # would hold the stream back, which is not what this test is about
             "WORKBENCH_FLOOD_PROPOSALS_PER_CLIENT": "0",
             "WORKBENCH_DATABASE_URL": url}
    (home / "surveys").mkdir(parents=True, exist_ok=True)
    (home / "surveys" / "crash_check.yaml").write_text(SURVEY, encoding="utf-8")
    place = load_community(Path(__file__).resolve().parent.parent / "layers" / "demo") \
        .public_space_location("PS02")
    ledger = Ledger()
    moments: list = []
    result.update(ledger=ledger, moments=moments, checked=0, stored_unacknowledged=0,
                  restart=0.0, after_database=0)
    server = VoilaServer(home / "server", preheat=0, extra_env=extra)
    try:
        server.start(timeout=120)
        codes, code_ids, statements = prepare(url, RESIDENTS * rounds)
        for k in range(rounds):
            pages = [Resident(f"{server.url}?lang=en&code={codes[k * RESIDENTS + i]}",
                              codes[k * RESIDENTS + i], f"{k}.{i}", place, ledger)
                     for i in range(RESIDENTS)]
            for page in pages:
                page.start()
            for page in pages:
                page.opened.wait(timeout=180)
            failed = [p.failure for p in pages if p.failure or not p.opened.is_set()]
            assert not failed, f"round {k}: a page did not open: {failed}"
            moment = rng.uniform(*KILL_WINDOW)
            if pg:  # the database first, mid-stream; it restarts while the pages go on
                postgres_moment = rng.uniform(*KILL_WINDOW)
                time.sleep(postgres_moment)
                kill_postgres(pg)
                pg.launch()
                back = ledger.acknowledged
            time.sleep(moment)
            kill_whole_server(server)
            if pg:  # acknowledged after PostgreSQL came back, before the server's kill
                result["after_database"] += ledger.acknowledged - back
            moments.append(round(moment, 2) if not pg else
                           (round(postgres_moment, 2), round(moment, 2)))
            for page in pages:
                page.join(timeout=60)
            t1 = time.perf_counter()
            server = VoilaServer(home / "server", preheat=0, extra_env=extra)
            server.start(timeout=120)
            result["restart"] = max(result["restart"], time.perf_counter() - t1)
            found = verify(url, ledger, code_ids, statements)
            result["checked"] += found["checked"]
            result["stored_unacknowledged"] = found["stored_unacknowledged"]
            print(f"round {k}: kill at {moments[-1]} s; acknowledged so far "
                  f"{ledger.acknowledged}; checked {found['checked']}", flush=True)
    finally:
        kill_whole_server(server)
    assert ledger.tried["proposals"] and ledger.tried["votes"] and ledger.tried["answers"]


def figures(result: dict, kills: str, moments: str) -> list[dict]:
    ledger = result["ledger"]
    f = reliability.figure
    return [
        f("kills", kills, note=f"{moments}: {result['moments']}"),
        f("pages opened", ledger.pages, note=f"{RESIDENTS} pages a round, each with its code"),
        f("submissions tried", sum(ledger.tried.values()),
          note=", ".join(f"{k} {v}" for k, v in sorted(ledger.tried.items()))),
        f("submissions acknowledged", ledger.acknowledged,
          note=f"proposals {len(ledger.proposals)}, votes {len(ledger.votes)}, "
               f"survey answers {len(ledger.answers)}"),
        f("acknowledged submissions checked after restarts", result["checked"],
          note="each acknowledged one, after every restart from then on: present exactly "
               "once (lost 0, twice 0)"),
        f("stored without an acknowledgement", result["stored_unacknowledged"],
          note="committed, the answer cut off by the kill: stored once, as it should"),
        f("slowest restart", round(result["restart"], 1), "s",
          note="from the start command to the server listening again (the database "
               "recovered, its schema checked)"),
    ]


def run_and_record(section: str, title: str, about: str, run, extra_figures) -> None:
    """Run the rounds (``run(result)``) and write their figures to docs/reliability.md, those
    of a failed run too, marked with what failed."""
    result: dict = {}
    outcome = "passed"
    try:
        run(result)
    except BaseException as exc:
        outcome = f"{type(exc).__name__}: {str(exc)[:200]}"
        raise
    finally:
        if result:
            reliability.record(section, title, extra_figures(result), about=about,
                               command="pytest tests/test_crash_recovery.py", outcome=outcome)


def test_sigkill_of_the_whole_server_on_sqlite_loses_and_doubles_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'crash.db'}"

    def run(result):
        run_rounds(tmp_path, url, SQLITE_KILLS, random.Random(SEED), result)
        assert len(result["moments"]) >= 20

    def shown(result):
        kills = len(result["moments"])
        return figures(result, f"{kills} SIGKILLs of Voilà and every kernel",
                       f"seed {SEED}; the kill moments, in seconds after the pages began "
                       "submitting") + [
            reliability.figure("PRAGMA integrity_check", "ok" if kills else "-",
                               note=f"after each of the {kills} restarts")]

    run_and_record(
        "crash_sqlite", "Crashes: the whole server SIGKILLed (SQLite)",
        "Pages stream proposals, statement votes and survey answers over the widget protocol; "
        "at a random moment Voilà and all its kernels are killed with SIGKILL; the server is "
        "started again on the same database, and every submission any page acknowledged so "
        "far is looked up.", run, shown)


def test_kill_9_of_postgres_and_the_server_loses_and_doubles_nothing(tmp_path):
    pg = TempPostgres()
    url = pg.start()

    def run(result):
        try:
            run_rounds(tmp_path, url, POSTGRES_ROUNDS, random.Random(SEED + 1), result, pg=pg)
        finally:
            pg.stop()
        # the pages' store reconnects once the database is back, without a reload
        assert result["after_database"] > 0

    def shown(result):
        rounds = len(result["moments"])
        return figures(result, f"{2 * rounds}: {rounds} kill -9 of the postmaster, {rounds} "
                               "SIGKILLs of Voilà and every kernel",
                       f"seed {SEED + 1}; the kill moments in seconds: the postmaster's after "
                       "the pages began submitting, the server's after PostgreSQL was back") + [
            reliability.figure(
                "acknowledged after PostgreSQL came back", result["after_database"],
                note="saved by the same pages between the database's restart and the "
                     "server's kill: the pages carried on without a reload")]

    run_and_record(
        "crash_postgres", "Crashes: PostgreSQL killed -9, then the server (PostgreSQL)",
        "The same stream of pages on PostgreSQL. In each round the postmaster is killed -9 at "
        "a random moment while the pages submit and restarted at once (crash recovery from its "
        "write-ahead log) while the pages go on (meanwhile a page says its action did not "
        "complete: \"please try again\"); then the whole workbench server is killed at a "
        "later random moment, started again, and every acknowledged submission looked up.",
        run, shown)
