"""The agenda benchmark, quick: it runs, finds the planted duplicates and ranks every item.

Correctness only: times and memory depend on the machine and are not asserted."""

import sys
from pathlib import Path

import pytest

# The bench package lives beside tests/, at the project root.
PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from bench import bench_agenda  # noqa: E402
from bench._report import Figure  # noqa: E402


@pytest.fixture(scope="module")
def figures():
    return {f.name: f for f in bench_agenda.run(quick=True)}


def test_every_figure_is_reported(figures):
    for name in ("planted groups found whole", "(a) wall time, regroup (read, group, write items)",
                 "(b) wall time, evidence + score parts", "(c) re-rank after a weight change",
                 "(c) builder re-rank (slider moved, list redrawn)",
                 "baseline: plain DataFrame.sort_values", "ratio re-rank / plain sort"):
        assert name in figures, name
    assert any(n.startswith("ratio grouping") for n in figures)
    for f in figures.values():
        assert isinstance(f, Figure) and f.benchmark == "agenda" and f.value >= 0


def test_the_planted_duplicates_are_found_and_every_item_is_ranked(figures):
    found = figures["planted groups found whole"]
    assert found.ok and found.value > 0, found.note
    ranking = figures["ranking is a permutation of the items (and repeatable)"]
    assert ranking.ok and ranking.value == 1, ranking.note


def test_generated_proposals_are_valid_with_planted_groups_at_one_space():
    from workbench import settings
    from workbench.layers.community import load_community
    from workbench.proposals.rules import validate_proposal

    community = load_community(settings.get("layers_dir"))
    rows, planted = bench_agenda.generate_proposals(community, 300, seed=1)
    assert len(rows) == 300 and planted
    for r in rows:
        validate_proposal(r, community)  # raises when a row breaks a rule
    for group in planted:
        assert bench_agenda.PLANTED_SIZES[0] <= len(group) <= bench_agenda.PLANTED_SIZES[1]
        assert len({rows[k]["public_space_id"] for k in group}) == 1
        assert len({rows[k]["title"] for k in group}) >= 1
    # Chinese and English both
    assert any(r["title"].isascii() for r in rows) and not all(r["title"].isascii()
                                                              for r in rows)


def test_survey_answers_are_valid_and_varied():
    from workbench import settings
    from workbench.layers.community import load_community

    community = load_community(settings.get("layers_dir"))
    variants = bench_agenda._survey_variants(community, 20)
    assert len(set(variants)) > 10
