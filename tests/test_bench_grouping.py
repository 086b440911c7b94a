"""The grouping benchmark on real data, quick: its metric is right on hand-made frames, and on
the shared real zones it reports both groupings (skipped when that folder is absent).

Correctness only: times depend on the machine and are not asserted."""

import sys
from pathlib import Path

import pandas as pd
import pytest

# The bench package lives beside tests/, at the project root.
PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from bench import bench_grouping  # noqa: E402
from bench._report import Figure  # noqa: E402


def tiny():
    """Six proposals: 2 and 3 were merged into 1 by the officials, 5 into 4; 6 has no
    category."""
    rows = [(1, None, {"Deportes"}), (2, 1, {"Deportes"}), (3, 1, {"Deportes", "Urbanismo"}),
            (4, None, {"Limpieza"}), (5, 4, {"Limpieza"}), (6, None, set())]
    return pd.DataFrame({"id": [r[0] for r in rows],
                         "merged_with": [float("nan") if r[1] is None else r[1] for r in rows],
                         "categories": [frozenset(r[2]) for r in rows]})


def test_a_perfect_grouping_scores_one():
    s = bench_grouping.score(tiny(), [[1, 2, 3], [4, 5], [6]])
    assert s["recall"] == 1.0 and s["purity"] == 1.0
    assert s["merges"] == 3 and s["grouped_pairs"] == 4


def test_a_single_blob_finds_every_merge_but_mixes_requests():
    s = bench_grouping.score(tiny(), [[1, 2, 3, 4, 5, 6]])
    assert s["recall"] == 1.0
    # 10 pairs among the five with categories; 3 + 1 share one (1-2-3 and 4-5)
    assert s["grouped_pairs"] == 10 and s["purity"] == pytest.approx(4 / 10)


def test_nothing_grouped_finds_no_merge():
    s = bench_grouping.score(tiny(), [])
    assert s["recall"] == 0.0 and s["grouped_pairs"] == 0


def test_a_missing_folder_is_reported_not_measured(tmp_path):
    figures = bench_grouping.run(quick=True, folder=tmp_path)
    assert len(figures) == 1 and figures[0].value == 0 and "not run" in figures[0].note


def test_the_marks_are_stripped_before_grouping(tmp_path):
    (tmp_path / bench_grouping.DATA_FILE).write_text(
        "code,title,description,categories,latitude,longitude\n"
        "7657,cancha deportiva (Agrupada con 7672),,['Deportes'],41.6,-4.7\n"
        "7672,7672-Equipar cancha,texto,[],,\n"
        "7700,Baños del estadio (Agrup 7898),,[],,\n"
        "7701,Bancos y columpios (Agrup. 8049),,[],,\n"
        "7702,Aceras (Agrupada 7581),,[],,\n"
        "7703,Obras (Junta Castilla y León),,[],,\n", encoding="utf-8")
    frame = bench_grouping.load(tmp_path)
    assert frame["title"].tolist() == ["cancha deportiva", "Equipar cancha", "Baños del estadio",
                                       "Bancos y columpios", "Aceras",
                                       "Obras (Junta Castilla y León)"]
    assert frame["merged_with"].fillna(0).tolist() == [7672, 0, 7898, 8049, 7581, 0]
    assert frame["categories"].tolist()[:2] == [frozenset({"Deportes"}), frozenset()]


def test_the_officials_verdict_is_stripped_and_garbled_categories_read(tmp_path):
    (tmp_path / bench_grouping.DATA_FILE).write_text(
        'code,title,description,categories,latitude,longitude\n'
        '7669,Limpieza rio esgueva  (inadmitida),,"[\'Medio Ambiente - Limpieza\']",,\n'
        '8279,Limpieza Calle Renedo (Inadmitida),,"[\'Servicios sociales"";\', '
        '\'""Urbanismo"";\', \'""Salud y consumo - Animales"" y\']",,\n', encoding="utf-8")
    frame = bench_grouping.load(tmp_path)
    assert frame["title"].tolist() == ["Limpieza rio esgueva", "Limpieza Calle Renedo"]
    assert frame["categories"].tolist() == [
        frozenset({"Medio Ambiente - Limpieza"}),
        frozenset({"Servicios sociales", "Urbanismo", "Salud y consumo - Animales"})]


@pytest.mark.skipif(not (bench_grouping.DATA_DIR / bench_grouping.DATA_FILE).exists(),
                    reason="the shared real zones are not beside the project")
def test_the_real_zones_are_measured_for_both_groupings():
    figures = {f.name: f for f in bench_grouping.run(quick=True)}
    for who in ("workbench", "baseline"):
        for what in ("recall of the officials' merges",
                     "purity (grouped pairs sharing a category)", "items", "largest item"):
            f = figures[f"{who}: {what}"]
            assert isinstance(f, Figure) and f.benchmark == "grouping"
            assert 0 <= f.value <= 548
        assert 0 <= figures[f"{who}: recall of the officials' merges"].value <= 1
    assert "36 marked pairs" in figures["workbench: recall of the officials' merges"].note
    key = figures["answer key: purity of the officials' own merges"]
    assert 0 < key.value < 1 and "marked pairs with categories" in key.note
    # the bar besides the goal: better than the plain baseline on both
    for what in ("recall of the officials' merges", "purity (grouped pairs sharing a category)"):
        assert figures[f"workbench: {what}"].value >= figures[f"baseline: {what}"].value


def test_the_answer_keys_own_purity_counts_merges_with_categories_on_both_sides():
    frame = tiny()
    assert bench_grouping.key_purity(frame) == (1.0, 3)
    frame["categories"] = [frozenset({"Deportes"}) if pid == 5 else frozenset() if pid == 3
                           else c for pid, c in zip(frame["id"], frame["categories"])]
    assert bench_grouping.key_purity(frame) == (0.5, 2)
