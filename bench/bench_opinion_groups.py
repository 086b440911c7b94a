"""Opinion groups (the Pol.is method) on a conversation far bigger than a community's.

A generated conversation of 2,000 participants × 1,000 statements with three planted opinion
groups (half, 30 % and 20 % of the people). Like real conversations it is sparse: each
participant votes on a random 5-30 % of the statements (about 350,000 vote events). Planted
groups agree or disagree with a statement as a group; a member follows the group 75 % of the
time and otherwise votes at random; a third of the statements are shared by all groups.

Timed with ``time.perf_counter``: the vote matrix and the opinion groups
(:func:`vote_matrix` + :func:`opinion_groups`), then group-informed consensus and the
representative statements. Memory is tracemalloc's peak during a second, traced run of the
same steps (numpy's arrays are traced; scikit-learn's compiled buffers outside numpy are not).
The baseline, in the same run on the same matrix: one plain scikit-learn ``KMeans`` (k = 3,
n_init = 10) on the mean-imputed votes, the simplest thing one could do instead; on one
thread, as :func:`opinion_groups` runs.

Correctness, whatever the speed: the planted groups must be found (adjusted Rand index
>= 0.9, the planted number of groups).
"""

from __future__ import annotations

import time
import tracemalloc

import numpy as np
import pandas as pd

from ._report import Figure, check

BENCHMARK = "opinion_groups"
#: Full run and quick (smoke) run: participants × statements.
PARTICIPANTS, STATEMENTS = 2_000, 1_000
QUICK_PARTICIPANTS, QUICK_STATEMENTS = 300, 200
GROUP_SHARES = (0.5, 0.3, 0.2)
#: Each participant votes on a share of the statements drawn between these.
PARTICIPATION = (0.05, 0.30)
#: How often a member votes as their group does (otherwise at random).
LOYALTY = 0.75
SEED = 0


def planted_votes(participants: int, statements: int, *, shares=GROUP_SHARES,
                  participation=PARTICIPATION, loyalty: float = LOYALTY,
                  seed: int = SEED) -> tuple[pd.DataFrame, pd.Series]:
    """Vote events (voter, statement, vote, timestamp) of a sparse conversation with planted
    groups, and each voter's planted group."""
    rng = np.random.default_rng(seed)
    group = rng.choice(len(shares), size=participants, p=np.array(shares) / sum(shares))
    # each group's stance per statement: +1 or -1; a third of the statements shared by all
    stance = rng.choice([-1, 1], size=(len(shares), statements))
    shared = rng.random(statements) < 1 / 3
    stance[:, shared] = stance[0, shared]
    voters, items, votes = [], [], []
    for person in range(participants):
        rate = rng.uniform(*participation)
        seen = np.flatnonzero(rng.random(statements) < rate)
        follow = rng.random(len(seen)) < loyalty
        random_vote = rng.choice([-1, 0, 1], size=len(seen))
        voters.append(np.full(len(seen), person))
        items.append(seen)
        votes.append(np.where(follow, stance[group[person], seen], random_vote))
    frame = pd.DataFrame({"voter": np.concatenate(voters), "statement": np.concatenate(items),
                          "vote": np.concatenate(votes)})
    frame["timestamp"] = np.arange(len(frame), dtype="int64") * 1000
    return frame, pd.Series(group, index=pd.RangeIndex(participants, name="voter"),
                            name="planted")


def _pipeline(votes: pd.DataFrame):
    from workbench.deliberation.opinion_groups import (group_informed_consensus,
                                                       opinion_groups,
                                                       representative_statements, vote_matrix)

    t0 = time.perf_counter()
    matrix = vote_matrix(votes)
    groups = opinion_groups(matrix, seed=SEED)
    t1 = time.perf_counter()
    labels = groups.by_voter()
    group_informed_consensus(matrix, labels)
    representative_statements(matrix, labels)
    t2 = time.perf_counter()
    return matrix, groups, t1 - t0, t2 - t1


def _plain_kmeans(matrix: pd.DataFrame) -> tuple[np.ndarray, float]:
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    # one thread, as opinion_groups runs: the same conditions on a busy machine
    with threadpool_limits(limits=1):
        t0 = time.perf_counter()
        imputed = matrix.fillna(matrix.mean()).fillna(0.0).to_numpy()
        labels = KMeans(n_clusters=len(GROUP_SHARES), n_init=10,
                        random_state=SEED).fit_predict(imputed)
        return labels, time.perf_counter() - t0


def run(quick: bool) -> list[Figure]:
    from sklearn.metrics import adjusted_rand_score

    n, m = (QUICK_PARTICIPANTS, QUICK_STATEMENTS) if quick else (PARTICIPANTS, STATEMENTS)
    votes, planted = planted_votes(n, m)
    setup = (f"{n:,} participants × {m:,} statements, {len(votes):,} votes "
             f"({PARTICIPATION[0]:.0%}-{PARTICIPATION[1]:.0%} seen each), "
             f"{len(GROUP_SHARES)} planted groups")

    _pipeline(votes.head(2_000))    # warm-up: imports and first calls out of the timing
    matrix, groups, t_groups, t_stats = _pipeline(votes)
    tracemalloc.start()
    try:
        _pipeline(votes)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    plain_labels, t_plain = _plain_kmeans(matrix)

    found = groups.by_voter()
    ari = float(adjusted_rand_score(planted[found.index], found))
    plain_ari = float(adjusted_rand_score(planted[matrix.index], plain_labels))
    figures = []

    def fig(name, value, unit, target="", ok=None, note=""):
        figures.append(Figure(BENCHMARK, name, value, unit, target, ok, note))

    fig("groups found (adjusted Rand index vs planted)", round(ari, 3), "", ">= 0.9",
        check(ari, ">=", 0.9), f"{setup}; {len(found):,} clustered, k = {groups.k}, "
                               f"sizes {groups.sizes().tolist()}")
    fig("number of groups", groups.k, "", f"== {len(GROUP_SHARES)}",
        check(groups.k, "==", len(GROUP_SHARES)), f"{setup}; silhouette "
                                                  f"{groups.silhouette:.3f}")
    fig("wall time, vote matrix + opinion groups", round(t_groups, 2), "s",
        note=f"{setup}; perf_counter, after a warm-up on 2,000 votes")
    fig("wall time, consensus + representative statements", round(t_stats, 2), "s",
        note=setup)
    fig("peak memory (tracemalloc)", round(peak / 2**20, 1), "MiB",
        note=f"{setup}; tracemalloc peak over the same steps (numpy arrays traced, "
             "scikit-learn's own compiled buffers not)")
    fig("baseline: plain KMeans on the imputed matrix", round(t_plain, 2), "s",
        note=f"{setup}; sklearn KMeans(k={len(GROUP_SHARES)}, n_init=10) on the mean-imputed "
             f"votes, one thread, same run; its ARI vs planted {plain_ari:.3f}")
    fig("ratio opinion groups / plain KMeans", round(t_groups / t_plain, 2) if t_plain else 0.0,
        "×", note=f"{setup}; wall time of vote matrix + opinion groups over the baseline's")
    return figures
