"""The opinion-groups benchmark, quick: it runs, finds the planted groups, and on the real
Pol.is conversations it reports every figure, with groups that stay the same with another seed
or the rows shuffled.

Correctness only: times and memory depend on the machine and are not asserted; nor are the
agreement figures with Pol.is (the benchmark reports them, the docs discuss them)."""

import sys
from pathlib import Path

import pytest

# The bench package lives beside tests/, at the project root.
PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from bench import bench_opinion_groups  # noqa: E402
from bench._report import Figure  # noqa: E402

SYNTHETIC = ["groups found (adjusted Rand index vs planted)", "number of groups",
            "wall time, vote matrix + opinion groups",
            "wall time, consensus + representative statements", "peak memory (tracemalloc)",
            "baseline: plain KMeans on the imputed matrix",
            "ratio opinion groups / plain KMeans"]


@pytest.fixture(scope="module")
def figures():
    return {f.name: f for f in bench_opinion_groups.run(quick=True)}


def test_every_figure_is_reported(figures):
    assert list(figures)[:len(SYNTHETIC)] == SYNTHETIC
    n, m = bench_opinion_groups.QUICK_PARTICIPANTS, bench_opinion_groups.QUICK_STATEMENTS
    for f in (figures[name] for name in SYNTHETIC):
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


needs_data = pytest.mark.skipif(not bench_opinion_groups.DATA_DIR.is_dir(),
                                reason="the shared Pol.is data folder is not beside the project")


@needs_data
def test_the_real_conversations_are_measured_next_to_the_plain_method(figures):
    names = [p.name for p in bench_opinion_groups.conversations(quick=True)]
    assert len(names) == bench_opinion_groups.QUICK_CONVERSATIONS
    real = [name for name in figures if name not in SYNTHETIC]
    assert real == [f"{kind}: {name}" for name in names
                    for kind in ("ARI vs Pol.is", "consensus Spearman vs Pol.is",
                                 "same groups, another seed / rows shuffled")] + [
        f"mean ARI vs Pol.is, {len(names)} conversations"]
    for name in names:
        ari = figures[f"ARI vs Pol.is: {name}"]
        plain = float(ari.target.removeprefix(">= plain "))
        assert -1 <= ari.value <= 1 and -1 <= plain <= 1
        assert ari.ok == (ari.value >= plain)      # the verdict is the comparison, not a hope
        spearman = figures[f"consensus Spearman vs Pol.is: {name}"]
        assert -1 <= spearman.value <= 1 and "plain" in spearman.note
    mean = figures[f"mean ARI vs Pol.is, {len(names)} conversations"]
    values = [figures[f"ARI vs Pol.is: {name}"].value for name in names]
    assert mean.value == pytest.approx(sum(values) / len(values), abs=1e-3)


@needs_data
def test_the_groups_do_not_move_with_the_seed_or_the_row_order(figures):
    for name in (p.name for p in bench_opinion_groups.conversations(quick=True)):
        same = figures[f"same groups, another seed / rows shuffled: {name}"]
        assert same.ok and same.value >= 0.98, same.note


def test_the_table_lists_every_conversation_and_the_mean():
    rows = [{"conversation": c, "participants": 10, "statements": 5, "clustered": 9,
             "polis_grouped": 9, "sizes": [5, 4], "polis_sizes": [6, 3], "ari": a,
             "plain_ari": 0.5, "settled_ari": 0.9, "spearman": 0.97, "plain_spearman": 0.9,
             "settled_spearman": 0.99, "seed_ari": 1.0, "shuffled_ari": 1.0}
            for c, a in (("one", 0.8), ("two", 0.6))]
    table = bench_opinion_groups.polis_table(rows).splitlines()
    assert len(table) == 2 + 2 + 1
    assert table[2].startswith("| one | 10 × 5 | 9 (9) | [5, 4] ([6, 3]) | 0.800 | 0.500 | "
                               "0.900 | 0.970 | 0.900 | 0.990 |")
    assert "**0.700**" in table[-1] and "**0.500**" in table[-1]
