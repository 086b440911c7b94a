"""The opinion-groups benchmark, quick: it runs and finds the planted groups.

Correctness only: times and memory depend on the machine and are not asserted."""

import sys
from pathlib import Path

import pytest

# The bench package lives beside tests/, at the project root.
PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from bench import bench_opinion_groups  # noqa: E402
from bench._report import Figure  # noqa: E402

EXPECTED = ["groups found (adjusted Rand index vs planted)", "number of groups",
            "wall time, vote matrix + opinion groups",
            "wall time, consensus + representative statements", "peak memory (tracemalloc)",
            "baseline: plain KMeans on the imputed matrix",
            "ratio opinion groups / plain KMeans"]


@pytest.fixture(scope="module")
def figures():
    return {f.name: f for f in bench_opinion_groups.run(quick=True)}


def test_every_figure_is_reported(figures):
    assert list(figures) == EXPECTED
    n, m = bench_opinion_groups.QUICK_PARTICIPANTS, bench_opinion_groups.QUICK_STATEMENTS
    for f in figures.values():
        assert isinstance(f, Figure) and f.benchmark == "opinion_groups"
        assert f"{n:,} participants × {m:,} statements" in f.note
        assert f.value >= 0


def test_the_planted_groups_are_found(figures):
    found = figures["groups found (adjusted Rand index vs planted)"]
    assert found.ok and found.value >= 0.9, found.note
    k = figures["number of groups"]
    assert k.ok and k.value == len(bench_opinion_groups.GROUP_SHARES), k.note


def test_the_generated_conversation_is_sparse_with_planted_groups():
    votes, planted = bench_opinion_groups.planted_votes(400, 300, seed=1)
    per_voter = votes.groupby("voter").size() / 300
    # each sees 5-30 % of the statements, give or take chance
    assert per_voter.max() < 0.4 and abs(per_voter.mean() - 0.175) < 0.02
    assert sorted(planted.value_counts(normalize=True).round(1)) == [0.2, 0.3, 0.5]
    assert set(votes["vote"]) == {-1, 0, 1}
