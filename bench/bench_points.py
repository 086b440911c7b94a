"""Points: balances over a large ledger, read through the store, against a plain SUM.

A street's ledger after a few years: 10,000 residents and 1,000,000 entries (earn and redeem,
about a hundred each) in one SQLite database made by the migrations. Timed, in the same run
and interleaved (the median of several rounds):

- every balance of the community (``store.points_balances``: the accounts joined to the sums
  of their entries) against a plain ``SELECT code_id, SUM(points) ... GROUP BY code_id`` on a
  bare sqlite3 connection;
- one resident's balance (``store.points_balance``, what the resident page and every debit
  read) against a plain ``SELECT SUM(points) ... WHERE code_id = ?`` on the same bare
  connection.

What must hold whatever the speed: the balances the store shows add up to the ledger's total.
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from ._report import Figure, check

BENCHMARK = "points"
RESIDENTS, ENTRIES = 10_000, 1_000_000
QUICK_RESIDENTS, QUICK_ENTRIES = 500, 20_000
ROUNDS, QUICK_ROUNDS = 5, 3
SINGLE_READS = 200


def _fill(store, community_id: str, residents: int, entries: int) -> list[int]:
    """The residents' codes and accounts, and the ledger's entries, in bulk."""
    codes = store.add_codes(community_id, [f"bench-points-{n}" for n in range(residents)],
                            batch="bench")
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
    each = entries // residents
    with store.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO points_accounts (code_id, community_id, household, opened_at, "
            "touched_at) VALUES (?, ?, NULL, ?, ?)",
            [(code, community_id, now, now) for code in codes])
        rows = []
        for code in codes:
            for i in range(each):  # earn 10, earn 10, earn 10, redeem 15: never below zero
                points = -15 if i % 4 == 3 else 10
                rows.append((community_id, code, "redeem" if points < 0 else "earn", points,
                             f"bench:{code}:{i}", now))
            if len(rows) >= 100_000:
                conn.exec_driver_sql(_INSERT, rows)
                rows = []
        if rows:
            conn.exec_driver_sql(_INSERT, rows)
    return codes


_INSERT = ("INSERT INTO points_entries (community_id, code_id, kind, points, event_key, "
           "created_at) VALUES (?, ?, ?, ?, ?, ?)")


def _median_seconds(work, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        work()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run(quick: bool = False) -> list[Figure]:
    from workbench.layers.community import load_community
    from workbench import settings
    from workbench.store import Store

    residents, entries = (QUICK_RESIDENTS, QUICK_ENTRIES) if quick else (RESIDENTS, ENTRIES)
    rounds = QUICK_ROUNDS if quick else ROUNDS
    with tempfile.TemporaryDirectory(prefix="bench-points-") as folder:
        path = Path(folder) / "points.db"
        store = Store(f"sqlite:///{path}")
        store.upgrade()
        community = load_community(settings.get("layers_dir"))
        store.ensure_community(community)
        t0 = time.perf_counter()
        codes = _fill(store, community.id, residents, entries)
        fill_s = time.perf_counter() - t0
        bare = sqlite3.connect(path)
        picks = random.Random(7).choices(codes, k=SINGLE_READS)

        def plain_all():
            return dict(bare.execute("SELECT code_id, SUM(points) FROM points_entries "
                                     "GROUP BY code_id").fetchall())

        def plain_one():
            for code in picks:
                bare.execute("SELECT SUM(points) FROM points_entries WHERE code_id = ?",
                             (code,)).fetchone()

        def store_one():
            for code in picks:
                store.points_balance(code)

        store.points_balances(community.id), plain_all()  # warm the caches alike
        all_store, all_plain, one_store, one_plain = [], [], [], []
        for _ in range(rounds):  # interleaved, so both see the same machine
            all_store.append(_median_seconds(lambda: store.points_balances(community.id), 1))
            all_plain.append(_median_seconds(plain_all, 1))
            one_store.append(_median_seconds(store_one, 1) / SINGLE_READS)
            one_plain.append(_median_seconds(plain_one, 1) / SINGLE_READS)
        balances = store.points_balances(community.id)
        total = bare.execute("SELECT SUM(points) FROM points_entries").fetchone()[0]
        bare.close()
        store.dispose()
    a_s, a_p = statistics.median(all_store), statistics.median(all_plain)
    o_s, o_p = statistics.median(one_store), statistics.median(one_plain)
    note = f"N={residents} residents, {len(codes) * (entries // residents)} entries, SQLite"
    return [
        Figure(BENCHMARK, "balances shown add up to the ledger's total",
               float(sum(balances.values()) == total), "bool", "== 1",
               check(float(sum(balances.values()) == total), "==", 1), note),
        Figure(BENCHMARK, "all balances, store", a_s * 1000, "ms", note=note),
        Figure(BENCHMARK, "all balances, plain SELECT SUM GROUP BY", a_p * 1000, "ms",
               note=note),
        Figure(BENCHMARK, "ratio all balances store / plain", a_s / a_p, "x", "<= 2.0",
               check(a_s / a_p, "<=", 2.0), note),
        Figure(BENCHMARK, "one balance, store", o_s * 1e6, "µs", note=note),
        Figure(BENCHMARK, "one balance, plain SELECT SUM", o_p * 1e6, "µs", note=note),
        Figure(BENCHMARK, "one balance read", o_s * 1000, "ms", "<= 5", check(o_s * 1000, "<=", 5),
               note + " (the resident page and every debit read it)"),
        Figure(BENCHMARK, "filling the ledger", fill_s, "s", note=note),
    ]
