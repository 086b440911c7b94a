"""The store-under-concurrency benchmark, quick: it runs, and no write is lost or fails.

Correctness only: times depend on the machine and are not asserted."""

import sys
from pathlib import Path

import pytest

# The bench package lives beside tests/, at the project root.
PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from bench import bench_store_writes  # noqa: E402
from bench._report import Figure  # noqa: E402

EXPECTED = ["lost writes", "rows stored twice or never acknowledged",
            "errors reaching a resident", "lock retries inside the store",
            f"throughput, {bench_store_writes.QUICK_PROCESSES} processes",
            "throughput, single writer", "ratio concurrent / single writer",
            "slowest single write", "p95 write latency", "median write latency"]


@pytest.fixture(scope="module")
def figures():
    return {f.name: f for f in bench_store_writes.run(quick=True)}


def test_every_figure_is_reported(figures):
    assert set(figures) == {f"{kind}: {name}" for name in EXPECTED
                            for kind in bench_store_writes.KINDS}
    for f in figures.values():
        assert isinstance(f, Figure) and f.benchmark == "store_writes"
        assert f"N={bench_store_writes.QUICK_PROCESSES}" in f.note
        assert f.value >= 0


@pytest.mark.parametrize("kind", list(bench_store_writes.KINDS))
def test_no_write_is_lost(figures, kind):
    lost = figures[f"{kind}: lost writes"]
    assert lost.value == 0 and lost.ok, lost.note
    extra = figures[f"{kind}: rows stored twice or never acknowledged"]
    assert extra.value == 0 and extra.ok, extra.note
    n, w = bench_store_writes.QUICK_PROCESSES, bench_store_writes.QUICK_WRITES_EACH
    assert f"{n * w} acknowledged, {n * w} stored" in lost.note


@pytest.mark.parametrize("kind", list(bench_store_writes.KINDS))
def test_no_error_reaches_a_resident(figures, kind):
    errors = figures[f"{kind}: errors reaching a resident"]
    assert errors.value == 0 and errors.ok, errors.note


def test_the_check_would_see_a_lost_or_an_extra_write(tmp_path):
    """The verification itself, without processes: a receipt that is not in the database is a
    lost write, a row that no write returned is an extra one."""
    from workbench import settings
    from workbench.layers.community import load_community
    from workbench.store import Store

    kind = bench_store_writes.KINDS["proposals"]
    community = load_community(settings.get("layers_dir"))
    url = bench_store_writes._fresh_database(tmp_path, "check", kind, community.id, 1, 3)
    store = Store(url)
    write = kind.writer(store, community.id, kind.prepare(community), 0)
    acknowledged = [write(0), write(1)]
    write(2)  # stored, never acknowledged to anyone
    store.dispose()
    phase = {"keys": acknowledged + ["AAAA-AAAA"]}
    result = bench_store_writes._verify(kind, url, phase)
    assert (result["lost"], result["extra"], result["unreadable"]) == (1, 1, 1)


def test_locked_errors_are_recognised():
    from sqlalchemy.exc import OperationalError

    from workbench.store import StoreBusy

    locked = OperationalError("INSERT ...", {}, Exception("database is locked"))
    assert bench_store_writes._is_locked_error(locked)
    assert bench_store_writes._is_locked_error(StoreBusy("the database stayed locked"))
    assert not bench_store_writes._is_locked_error(ValueError("no such table"))
