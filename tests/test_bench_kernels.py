"""The kernels load script, quick (floods of 24 pages over 12 s from one client and from four,
a cap of 12): every request gets a page or the busy page, kernels and their memory stay under
the cap, the real visitors get working pages, the flood's kernels are culled afterwards.

Correctness only: times depend on the machine and are not asserted."""

import re
import sys
from pathlib import Path

import pytest

# The bench package lives beside tests/, at the project root.
PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from bench import bench_kernels  # noqa: E402
from bench._report import Figure  # noqa: E402

pytestmark = pytest.mark.server
WHO = ("one client", "4 clients")


@pytest.fixture(scope="module")
def figures():
    return {f.name: f for f in bench_kernels.run(quick=True)}


def test_every_figure_is_reported(figures):
    for who in WHO:
        for name in ("pages answered neither with a page nor the busy page", "peak kernels",
                     "peak memory of the kernels (RSS)", "the real visitor's pages working",
                     "the real visitor's time to usable, median",
                     "kernels back to the pool after the flood"):
            assert f"{who}: {name}" in figures, f"{who}: {name}"
    for f in figures.values():
        assert isinstance(f, Figure) and f.benchmark == "kernels"


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("name", ["pages answered neither with a page nor the busy page",
                                  "peak kernels", "peak memory of the kernels (RSS)",
                                  "the real visitor's pages working"])
def test_the_limits_hold_and_visitors_are_served(figures, who, name):
    figure = figures[f"{who}: {name}"]
    assert figure.ok, f"{figure.name}: {figure.cell()} {figure.target} {figure.note}"


def test_the_flood_was_refused_and_its_kernels_culled(figures):
    note = figures["one client: pages answered neither with a page nor the busy page"].note
    served, too_many, busy = map(int, re.search(r"(\d+) pages, (\d+) × 429, (\d+) × 503",
                                                note).groups())
    assert served + too_many + busy == 24
    assert served <= bench_kernels.QUICK["per_client"] and too_many > 0
    for who in WHO:
        assert figures[f"{who}: peak kernels"].value > bench_kernels.PRELOAD  # pages started
        assert figures[f"{who}: peak memory of the kernels (RSS)"].value > 30  # measured
        # back to the pool at all (the wait gives up after 300 s)
        assert figures[f"{who}: kernels back to the pool after the flood"].value < 300
