"""The workshop load script, quick (6 phones over 6 s): every page usable, nothing lost, the
screen follows, dots never overspent.

Correctness only: times and memory depend on the machine and are not asserted."""

import sys
from pathlib import Path

import pytest

# The bench package lives beside tests/, at the project root.
PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from bench import bench_workshop  # noqa: E402
from bench._report import Figure  # noqa: E402

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def figures():
    return {f.name: f for f in bench_workshop.run(quick=True)}


def test_every_figure_is_reported(figures):
    for name in ("pages usable", "time to usable, median", "time to usable, p95",
                 "time to usable, one phone alone (baseline)",
                 "ratio median in the crowd / alone", "receipts acknowledged",
                 "acknowledged receipts not stored", "stored proposals missing on the screen",
                 "screen delay, median", "screen delay, max", "kernel memory (RSS), largest",
                 "kernel memory (RSS), all resident kernels"):
        assert name in figures, name
    for f in figures.values():
        assert isinstance(f, Figure) and f.benchmark == "workshop"


@pytest.mark.parametrize("name", [
    "pages usable", "receipts acknowledged", "acknowledged receipts not stored",
    "stored proposals missing on the screen", "joined (counted once per page)",
    "dots stored / N per phone", "(N+1)th dot refused"])
def test_nothing_is_lost_and_nobody_overspends(figures, name):
    assert figures[name].ok, f"{name}: {figures[name].cell()} {figures[name].note}"


def test_the_figures_are_measured(figures):
    assert figures["kernel memory (RSS), largest"].value > 30  # a real kernel, measured
    assert figures["time to usable, one phone alone (baseline)"].value > 0
    assert "6 of 6 stored rows tagged with the workshop" in \
        figures["acknowledged receipts not stored"].note


def test_percentile():
    assert bench_workshop.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95) == 10
    assert bench_workshop.percentile([3.0], 95) == 3.0
    assert bench_workshop.percentile(list(range(1, 101)), 50) == 50
