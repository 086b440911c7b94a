"""Store under concurrency: many kernels writing to one SQLite database at once.

Every Voilà kernel has its own :class:`workbench.store.Store`, so a busy evening means many
processes writing to the same SQLite file. This benchmark starts N separate processes
(``spawn``, so each is a fresh interpreter with its own Store, as a kernel is), releases them
together and lets each write W items as fast as it can, timing every single write. In the same
run, ONE process alone writes the same total sequentially: the baseline the concurrent
throughput is compared with.

What must hold whatever the speed (correctness, not performance):

- no error ever reaches a resident: the store waits and retries while the database is locked,
  so StoreBusy or a 'database is locked' OperationalError must never come out of a write;
- nothing is lost: every receipt a write returned is in the database exactly once, and the
  database holds no row that no write acknowledged.

Each kind of write is a :class:`WriteKind` in :data:`KINDS` (how to prepare its input, what the
database must hold first, how one process writes item i, how to read back what was stored):
proposals, survey answers, supports (every code supporting the same proposals, as a popular
proposal draws them) and votes on statements, all measured by the same code.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import multiprocessing as mp
import queue as queue_module
import statistics
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ._report import Figure, check

BENCHMARK = "store_writes"
#: Full run: 20 kernels writing 50 items each. Quick (smoke) run: 4 kernels, 5 items each.
PROCESSES, WRITES_EACH = 20, 50
QUICK_PROCESSES, QUICK_WRITES_EACH = 4, 5
#: The ``source`` label of the benchmark's proposals, so they are told apart from the demo ones.
SOURCE = "bench"
#: How long the processes may take to start (20 interpreters on 2 cores take a few seconds).
START_TIMEOUT = 180.0
#: How long one phase may take once released before the benchmark gives up on it.
PHASE_TIMEOUT = 600.0


# -- kinds of writes ---------------------------------------------------------------------------
@dataclass(frozen=True)
class WriteKind:
    """One kind of resident write. Functions are looked up by kind name in the child
    processes, so only picklable data (the payload) crosses between processes."""

    name: str
    #: In the parent, once: picklable input for the writers, from the community.
    prepare: Callable[[Any], Any]
    #: In a child: (store, community_id, payload, worker number) -> write(i) -> receipt key.
    writer: Callable[[Any, str, Any, int], Callable[[int], str]]
    #: After a phase: how many rows the benchmark stored under each key.
    stored_keys: Callable[[Any], Counter]
    #: After a phase: whether another process (a new Store) can read the item back by its key.
    readable: Callable[[Any, str], bool]
    #: After a phase: rows of this kind that are neither the benchmark's nor the demo data.
    unexpected_rows: Callable[[Any], int]
    #: In the parent, on each phase's fresh database: (store, community_id, processes,
    #: writes_each) -> None, for what the writes need to exist first (codes, proposals, ...).
    seed: Callable[[Any, str, int, int], None] | None = None


def _prepare_proposal(community) -> Any:
    from workbench.proposals.rules import validate_proposal

    space = next(iter(community.public_spaces))
    return validate_proposal({"title": "Bench proposal", "scenario": "health",
                              "description": "Written by bench/bench_store_writes.py.\n" * 3,
                              "public_space_id": space}, community)


def _proposal_writer(store, community_id: str, proposal, worker: int) -> Callable[[int], str]:
    def write(i: int) -> str:
        # Every other proposal carries a name, so half the writes are two-statement
        # transactions (proposals + proposal_authors), as on the resident page.
        p = dataclasses.replace(proposal, title=f"Bench proposal {worker}-{i}",
                                author_name=f"Bench {worker}" if i % 2 else None)
        return store.add_proposal(community_id, p, source=SOURCE)
    return write


def _stored_proposals(store) -> Counter:
    from sqlalchemy import func, select

    from workbench.proposals.tables import proposals

    query = (select(proposals.c.receipt_code, func.count()).where(proposals.c.source == SOURCE)
             .group_by(proposals.c.receipt_code))
    with store.engine.connect() as conn:
        return Counter({code: n for code, n in conn.execute(query)})


def _unexpected_proposals(store) -> int:
    from workbench.demo import DEMO_PROPOSALS

    # The total row count, as a resident-facing read gives it, against what is accounted for.
    return (store.count_proposals() - sum(_stored_proposals(store).values())
            - len(DEMO_PROPOSALS))


BENCH_SURVEY = "public_space_needs"


def _prepare_survey_answers(community) -> Any:
    """A valid response to the needs survey, checked as the page checks it."""
    from workbench import settings
    from workbench.surveys import load_survey
    from workbench.surveys.answers import check_response

    survey = load_survey(f"{settings.get('surveys_dir')}/{BENCH_SURVEY}.yaml")
    q = survey.question
    answers = {
        "visit_frequency": q("visit_frequency").options[0].value,
        "spaces_used": [q("spaces_used").options[0].value],
        "activities": [q("activities").options[0].value],
        "visit_times": [q("visit_times").options[0].value],
        "walk_minutes": 5,
        "top_improvements": [o.value for o in q("top_improvements").options[:3]],
        "pocket_park_ideas": [{"a": q("pocket_park_ideas").options[0].value,
                               "b": q("pocket_park_ideas").options[1].value,
                               "pick": q("pocket_park_ideas").options[0].value}],
        "household_size": 3,
        "children_at_home": q("children_at_home").options[0].value,
        "age_group": q("age_group").options[1].value,
        "building_area": q("building_area").options[0].value,
    }
    clean, problems = check_response(survey, answers, community)
    if problems:
        raise ValueError(f"the benchmark's answers no longer fit the survey: {problems}")
    return clean


def _survey_writer(store, community_id: str, answers, worker: int) -> Callable[[int], str]:
    version_id = next(r["id"] for r in store.latest_survey_versions()
                      if r["survey_id"] == BENCH_SURVEY)

    def write(i: int) -> str:
        # each write is a new respondent (a different phone), as in a survey drive
        return store.save_response(version_id, f"{SOURCE}-{worker}-{i}", answers)
    return write


def _survey_rows(store):
    from sqlalchemy import func, select

    from workbench.surveys.tables import survey_responses

    query = (select(survey_responses.c.receipt_code, func.count())
             .where(survey_responses.c.respondent.like(f"{SOURCE}-%"))
             .group_by(survey_responses.c.receipt_code))
    with store.engine.connect() as conn:
        return Counter({code: n for code, n in conn.execute(query)})


def _survey_readable(store, code: str) -> bool:
    return any(r["receipt_code"] == code for r in store.survey_responses(BENCH_SURVEY))


def _unexpected_survey_rows(store) -> int:
    return len(store.survey_responses(BENCH_SURVEY)) - sum(_survey_rows(store).values())


def _seed_codes_and_proposals(store, community_id: str, processes: int, writes_each: int):
    """One participation code per writer and ``writes_each`` proposals to support."""
    from workbench.participation.codes import issue_codes
    from workbench.proposals.rules import Proposal

    issue_codes(store, community_id, processes, batch=SOURCE)
    lon, lat = store.list_proposals(community_id, limit=1)[0]["lon"], \
        store.list_proposals(community_id, limit=1)[0]["lat"]
    for i in range(writes_each):
        store.add_proposal(community_id, Proposal(f"Support target {i}", "", "health", lon, lat),
                           source=f"{SOURCE}-target")


def _bench_code_ids(store, community_id: str) -> list[int]:
    return [c["id"] for c in store.list_codes(community_id) if c["batch"] == SOURCE]


def _support_writer(store, community_id: str, _payload, worker: int):
    from sqlalchemy import select

    from workbench.proposals.tables import proposals

    code_id = _bench_code_ids(store, community_id)[worker]
    with store.engine.connect() as conn:
        targets = [r[0] for r in conn.execute(select(proposals.c.id).where(
            proposals.c.source == f"{SOURCE}-target").order_by(proposals.c.id))]

    def write(i: int) -> str:
        store.set_support(targets[i], code_id, True)
        return f"{code_id}:{targets[i]}"
    return write


def _stored_supports(store) -> Counter:
    from sqlalchemy import select

    from workbench.participation.tables import participation_codes
    from workbench.proposals.tables import supports

    query = (select(supports.c.code_id, supports.c.proposal_id)
             .join(participation_codes, participation_codes.c.id == supports.c.code_id)
             .where(participation_codes.c.batch == SOURCE))
    with store.engine.connect() as conn:
        return Counter(f"{c}:{p}" for c, p in conn.execute(query))


def _support_readable(store, key: str) -> bool:
    code_id, proposal_id = map(int, key.split(":"))
    return proposal_id in store.supports_of(code_id)


def _unexpected_supports(store) -> int:
    from sqlalchemy import func, select

    from workbench.proposals.tables import supports

    with store.engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(supports)).scalar_one()
    return total - sum(_stored_supports(store).values())


def _seed_codes_and_topic(store, community_id: str, processes: int, writes_each: int):
    """One participation code per writer and a topic of ``writes_each`` statements."""
    from workbench.participation.codes import issue_codes

    issue_codes(store, community_id, processes, batch=SOURCE)
    store.add_topic(community_id, "Bench topic", "",
                    [f"Bench statement {i}" for i in range(writes_each)], source=SOURCE)


def _bench_topic(store, community_id: str) -> int:
    return next(t["id"] for t in store.topics(community_id) if t["source"] == SOURCE)


def _vote_writer(store, community_id: str, _payload, worker: int):
    from workbench.deliberation.statements import voter_key

    code_id = _bench_code_ids(store, community_id)[worker]
    statements = [s["id"] for s in store.statements_of(_bench_topic(store, community_id))]

    def write(i: int) -> str:
        # agree, disagree, pass in turn: one vote per code and statement, as on the page
        if not store.set_vote(statements[i], voter_key(code_id), (i % 3) - 1, code_id=code_id):
            raise RuntimeError("vote refused")
        return f"{voter_key(code_id)}:{statements[i]}"
    return write


def _stored_votes(store) -> Counter:
    from sqlalchemy import select

    from workbench.deliberation.tables import votes

    with store.engine.connect() as conn:
        return Counter(f"{v}:{s}" for v, s in conn.execute(
            select(votes.c.voter, votes.c.statement_id)))


def _vote_readable(store, key: str) -> bool:
    from sqlalchemy import func, select

    from workbench.deliberation.tables import votes

    voter, statement = key.rsplit(":", 1)
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(votes).where(
            votes.c.voter == voter, votes.c.statement_id == int(statement))).scalar_one() == 1


KINDS: dict[str, WriteKind] = {
    "proposals": WriteKind(
        name="proposals", prepare=_prepare_proposal, writer=_proposal_writer,
        stored_keys=_stored_proposals,
        readable=lambda store, code: store.proposal_by_receipt(code) is not None,
        unexpected_rows=_unexpected_proposals),
    "survey_answers": WriteKind(
        name="survey_answers", prepare=_prepare_survey_answers, writer=_survey_writer,
        stored_keys=_survey_rows, readable=_survey_readable,
        unexpected_rows=_unexpected_survey_rows),
    "supports": WriteKind(
        name="supports", prepare=lambda community: None, writer=_support_writer,
        stored_keys=_stored_supports, readable=_support_readable,
        unexpected_rows=_unexpected_supports, seed=_seed_codes_and_proposals),
    "votes": WriteKind(
        name="votes", prepare=lambda community: None, writer=_vote_writer,
        stored_keys=_stored_votes, readable=_vote_readable,
        # every vote in the database is the benchmark's (the demo topic has none)
        unexpected_rows=lambda store: 0, seed=_seed_codes_and_topic),
}


# -- one writing process -----------------------------------------------------------------------
class _RetryCounter(logging.Handler):
    """Counts the store's 'database locked, retry' warnings: waits a resident never sees."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record):
        if "retry" in record.getMessage():
            self.count += 1


def _is_locked_error(exc: BaseException) -> bool:
    from workbench.store import StoreBusy

    seen = exc
    while seen is not None:
        if isinstance(seen, StoreBusy) or any(
                word in str(seen).lower() for word in ("locked", "busy")):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _describe(exc: BaseException) -> str:
    first_line = (str(exc).strip().splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first_line[:160]}"


def _worker(kind_name: str, url: str, community_id: str, payload: Any, worker: int,
            writes: int, start, results) -> None:
    """One kernel: its own Store; waits at the start barrier, then writes as fast as it can."""
    out = {"worker": worker, "latencies": [], "keys": [], "errors": [], "retries": 0,
           "fatal": None}
    counter = _RetryCounter()
    logging.getLogger("workbench.store").addHandler(counter)
    store = None
    try:
        from workbench.store import Store

        store = Store(url)
        write = KINDS[kind_name].writer(store, community_id, payload, worker)
        # A kernel has read the page's data before a resident submits: its pooled connection
        # (and the pragmas run on connect) is already open, so open it before the start.
        store.count_proposals()
        start.wait(timeout=START_TIMEOUT)
        for i in range(writes):
            t0 = time.perf_counter()
            try:
                key = write(i)
            except Exception as exc:  # exactly what must never reach a resident
                out["errors"].append((_describe(exc), _is_locked_error(exc)))
            else:
                out["keys"].append(key)
            out["latencies"].append(time.perf_counter() - t0)
    except BaseException as exc:  # the process could not run at all: not a store error
        out["fatal"] = _describe(exc)
        start.abort()
    finally:
        out["retries"] = counter.count
        if store is not None:
            store.dispose()
        results.put(out)


# -- one phase: P processes writing W each, released together ---------------------------------
def _collect(procs, results, expected: int, timeout: float) -> list[dict]:
    outs: list[dict] = []
    deadline = time.monotonic() + timeout
    idle_since = None
    while len(outs) < expected and time.monotonic() < deadline:
        try:
            outs.append(results.get(timeout=0.5))
            idle_since = None
        except queue_module.Empty:
            if all(p.exitcode is not None for p in procs):
                idle_since = idle_since or time.monotonic()
                if time.monotonic() - idle_since > 5:
                    break  # every process has gone and nothing more is coming
    return outs


def _phase(kind: WriteKind, url: str, community_id: str, payload: Any, processes: int,
           writes_each: int) -> dict:
    ctx = mp.get_context("spawn")
    start = ctx.Barrier(processes + 1)
    results = ctx.Queue()
    procs = [ctx.Process(target=_worker, name=f"bench-writer-{w}", daemon=True,
                         args=(kind.name, url, community_id, payload, w, writes_each, start,
                               results))
             for w in range(processes)]
    for p in procs:
        p.start()
    try:
        try:
            start.wait(timeout=START_TIMEOUT)
        except threading.BrokenBarrierError:
            outs = _collect(procs, results, processes, timeout=30)
            fatal = sorted({o["fatal"] for o in outs if o["fatal"]}) or ["start timed out"]
            raise RuntimeError(f"the writing processes did not start: {'; '.join(fatal)}")
        t0 = time.perf_counter()
        outs = _collect(procs, results, processes, timeout=PHASE_TIMEOUT)
        wall = time.perf_counter() - t0
    finally:
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.terminate()
                p.join()
    missing = processes - len(outs)
    fatal = [o["fatal"] for o in outs if o["fatal"]] + ["process ended without a result"] * missing
    if fatal:
        raise RuntimeError(f"writing processes failed (benchmark, not store): {fatal}")
    return {
        "wall": wall,
        "latencies": [t for o in outs for t in o["latencies"]],
        "keys": [k for o in outs for k in o["keys"]],
        "errors": [e for o in outs for e in o["errors"]],
        "retries": sum(o["retries"] for o in outs),
        "attempted": processes * writes_each,
    }


def _verify(kind: WriteKind, url: str, phase: dict) -> dict:
    """Compare what writes acknowledged with what a new Store (another kernel) finds."""
    from workbench.store import Store

    store = Store(url)
    try:
        acked = Counter(phase["keys"])
        stored = kind.stored_keys(store)
        # A key returned twice but stored once is a lost write; a row no write returned (or a
        # key stored twice) is an extra one.
        unreadable = {k for k in acked if not kind.readable(store, k)}
        lost = sum(n if k in unreadable else max(0, n - stored.get(k, 0))
                   for k, n in acked.items())
        extra = (sum(max(0, n - acked.get(k, 0)) for k, n in stored.items())
                 + abs(kind.unexpected_rows(store)))
        return {"acknowledged": sum(acked.values()), "stored": sum(stored.values()),
                "lost": lost, "extra": extra, "unreadable": len(unreadable)}
    finally:
        store.dispose()


def _fresh_database(folder: Path, name: str, kind: WriteKind, community_id: str,
                    processes: int, writes_each: int) -> str:
    from workbench import demo
    from workbench.store import Store

    url = f"sqlite:///{folder / f'{name}.db'}"
    store = Store(url)
    try:
        demo.init(store)
        if kind.seed is not None:
            kind.seed(store, community_id, processes, writes_each)
    finally:
        store.dispose()
    return url


# -- figures -----------------------------------------------------------------------------------
def _percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def _error_note(errors: list[tuple[str, bool]]) -> str:
    if not errors:
        return "none"
    locked = sum(1 for _, is_locked in errors if is_locked)
    common = "; ".join(f"{n}× {text}" for text, n in Counter(t for t, _ in errors).most_common(3))
    return f"{locked} of them 'locked'/StoreBusy; {common}"


def measure(kind_name: str, quick: bool) -> list[Figure]:
    """Figures for one kind of write: N processes at once, then one process alone."""
    from workbench import settings
    from workbench.layers.community import load_community

    kind = KINDS[kind_name]
    processes, writes_each = ((QUICK_PROCESSES, QUICK_WRITES_EACH) if quick
                              else (PROCESSES, WRITES_EACH))
    total = processes * writes_each
    community = load_community(settings.get("layers_dir"))
    payload = kind.prepare(community)
    setup = f"N={processes} processes × W={writes_each} {kind.name} each"
    single_setup = f"1 process × {total} {kind.name} (N×W, N={processes}, W={writes_each})"

    with tempfile.TemporaryDirectory(prefix="bench-store-writes-") as tmp:
        folder = Path(tmp)
        # Each phase gets its own fresh database, so both start from the same state.
        url_many = _fresh_database(folder, f"{kind.name}-concurrent", kind, community.id,
                                   processes, writes_each)
        many = _phase(kind, url_many, community.id, payload, processes, writes_each)
        many_check = _verify(kind, url_many, many)
        url_one = _fresh_database(folder, f"{kind.name}-single", kind, community.id, 1, total)
        one = _phase(kind, url_one, community.id, payload, 1, total)
        one_check = _verify(kind, url_one, one)

    figures = []

    def fig(name, value, unit, target="", ok=None, note=""):
        figures.append(Figure(BENCHMARK, f"{kind.name}: {name}", value, unit, target, ok, note))

    lost = many_check["lost"] + one_check["lost"]
    extra = many_check["extra"] + one_check["extra"]
    unreadable = many_check["unreadable"] + one_check["unreadable"]
    errors = many["errors"] + one["errors"]
    fig("lost writes", lost, "", "== 0", check(lost, "==", 0),
        f"{setup}: {many_check['acknowledged']} acknowledged, {many_check['stored']} stored; "
        f"{single_setup}: {one_check['acknowledged']} acknowledged, {one_check['stored']} "
        f"stored; {unreadable} acknowledged not readable by a new Store")
    fig("rows stored twice or never acknowledged", extra, "", "== 0", check(extra, "==", 0),
        f"{setup} and {single_setup}; the total row count less the demo rows is compared too")
    fig("errors reaching a resident", len(errors), "", "== 0", check(len(errors), "==", 0),
        f"{setup}, then {single_setup}; {_error_note(errors)}")
    fig("lock retries inside the store", many["retries"] + one["retries"], "", note=
        f"{setup}, then {single_setup}; Store.write's 'database locked, retry' warnings "
        "(SQLite's busy_timeout waits come first and are not counted)")

    many_rate = many_check["acknowledged"] / many["wall"] if many["wall"] else 0.0
    one_rate = one_check["acknowledged"] / one["wall"] if one["wall"] else 0.0
    fig(f"throughput, {processes} processes", round(many_rate), "writes/s", note=
        f"{setup}: {many_check['acknowledged']} writes in {many['wall']:.2f} s from release "
        "to the last process done")
    fig("throughput, single writer", round(one_rate), "writes/s",
        note=f"{single_setup}: {one['wall']:.2f} s, median write "
             f"{statistics.median(one['latencies']) * 1000:.2f} ms")
    fig("ratio concurrent / single writer", float(many_rate / one_rate) if one_rate else 0.0,
        "×", note=f"{setup} vs {single_setup}")
    lat = many["latencies"]
    fig("slowest single write", round(max(lat) * 1000), "ms",
        note=f"{setup}; every write timed with perf_counter in its process")
    fig("p95 write latency", float(_percentile(lat, 95) * 1000), "ms", note=setup)
    fig("median write latency", float(statistics.median(lat) * 1000), "ms", note=setup)
    return figures


def run(quick: bool) -> list[Figure]:
    figures = []
    for kind_name in KINDS:
        figures += measure(kind_name, quick)
    return figures
