"""The points benchmark, quick: it runs, every figure is reported, and the balances the store
shows add up to the ledger's total. Times depend on the machine and are not asserted."""

import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from bench import bench_points  # noqa: E402


def test_the_quick_run_reports_every_figure_and_the_balances_add_up():
    figures = {f.name: f for f in bench_points.run(quick=True)}
    assert set(figures) == {
        "balances shown add up to the ledger's total", "all balances, store",
        "all balances, plain SELECT SUM GROUP BY", "ratio all balances store / plain",
        "one balance, store", "one balance, plain SELECT SUM", "one balance read",
        "filling the ledger"}
    assert figures["balances shown add up to the ledger's total"].ok is True
    assert all(f.value > 0 and f.benchmark == "points" for f in figures.values())
