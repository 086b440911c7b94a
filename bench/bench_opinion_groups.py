"""Opinion groups (the Pol.is method): against Pol.is's own groups on ten real conversations,
and on a generated conversation far bigger than a community's.

**Real conversations.** The ten Pol.is exports in ``shared/data/polis`` beside the project
(its README: where they come from, their licence). For each, ``compare_with_polis``
(workbench/deliberation/polis_comparison.py): the adjusted Rand index (ARI) between our groups
and Pol.is's ``group-id`` on the participants both cluster, and the Spearman correlation of the
group-informed consensus from our groups with Pol.is's (its column, or computed from Pol.is's
groups where the export lacks it); side by side, in the same run, the plain method (2-D PCA of
the mean-imputed votes, k-means with k by silhouette, same participants and statements).
Targets: mean ARI >= 0.75, no conversation below the plain method, Spearman >= 0.95 on each.
Determinism: the ARI between our groups and those of another seed, and of the rows shuffled,
must be >= 0.98. Beside them, the same two figures for Pol.is's own groups *settled* on our
map (``settled_polis_groups``: moved to the k-means optimum they lead to): how far any
k-means on the final votes can go, so that a gap is seen to be the method's or the data's.
A full run also writes the table per conversation to
``bench/results/opinion_groups_polis.md`` (docs/opinion-groups.md quotes it). A quick run
takes the three smallest conversations. When the folder is missing, one figure says so.

**Generated conversation.** A generated conversation of 2,000 participants × 1,000 statements
with three planted opinion groups (half, 30 % and 20 % of the people). Like real conversations
it is sparse: each participant votes on a random 5-30 % of the statements (about 350,000 vote
events). Planted groups agree or disagree with a statement as a group; a member follows the
group 75 % of the time and otherwise votes at random; a third of the statements are shared by
all groups.

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
from pathlib import Path

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
DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "polis"
TABLE = Path(__file__).resolve().parent / "results" / "opinion_groups_polis.md"
#: Goals on the real conversations.
MEAN_ARI_TARGET = 0.75
SPEARMAN_TARGET = 0.95
SAME_GROUPS_TARGET = 0.98
#: Conversations of a quick run: the smallest, by vote events.
QUICK_CONVERSATIONS = 3


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


def conversations(folder: Path = DATA_DIR, quick: bool = False) -> list[Path]:
    """The export folders (those with a participants-votes.csv), by name; the smallest ones
    (by size of votes.csv) in a quick run."""
    found = sorted(p for p in folder.iterdir() if (p / "participants-votes.csv").is_file())
    if quick:
        found = sorted(sorted(found, key=lambda p: (p / "votes.csv").stat().st_size)
                       [:QUICK_CONVERSATIONS])
    return found


def same_groups(conv, seed: int = SEED) -> tuple[float, float]:
    """ARI between our groups (seed ``seed``) and those of another seed, and of the vote
    matrix's rows shuffled."""
    from sklearn.metrics import adjusted_rand_score

    from workbench.deliberation.opinion_groups import opinion_groups, vote_matrix

    matrix = vote_matrix(conv.votes)
    hidden = conv.moderated_out()
    first = opinion_groups(matrix, moderated_out=hidden, seed=seed).by_voter()
    other = opinion_groups(matrix, moderated_out=hidden, seed=seed + 1).by_voter()
    shuffled = matrix.sample(frac=1.0, random_state=seed + 2)
    moved = opinion_groups(shuffled, moderated_out=hidden, seed=seed).by_voter()
    return (float(adjusted_rand_score(first, other.reindex(first.index))),
            float(adjusted_rand_score(first, moved.reindex(first.index))))


def polis_rows(quick: bool) -> list[dict]:
    """One row of figures per real conversation (see the module doc)."""
    from workbench.deliberation.polis_comparison import compare_with_polis
    from workbench.deliberation.polis_files import read_polis_export

    rows = []
    for folder in conversations(quick=quick):
        conv = read_polis_export(folder)
        figures = compare_with_polis(folder, seed=SEED, conv=conv)
        figures["seed_ari"], figures["shuffled_ari"] = same_groups(conv)
        rows.append({"conversation": folder.name, **figures})
    return rows


def polis_table(rows: list[dict]) -> str:
    """The rows as a markdown table, with the mean."""
    lines = ["| conversation | participants × statements | clustered (Pol.is) | groups: ours "
             "(Pol.is) | ARI ours | ARI plain | ARI Pol.is settled | consensus Spearman ours "
             "| plain | Pol.is settled | same groups (seed, shuffled) |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(
            f"| {r['conversation']} | {r['participants']} × {r['statements']} | "
            f"{r['clustered']} ({r['polis_grouped']}) | {r['sizes']} ({r['polis_sizes']}) | "
            f"{r['ari']:.3f} | {r['plain_ari']:.3f} | {r['settled_ari']:.3f} | "
            f"{r['spearman']:.3f} | {r['plain_spearman']:.3f} | {r['settled_spearman']:.3f} | "
            f"{r['seed_ari']:.2f}, {r['shuffled_ari']:.2f} |")
    mean = {key: np.mean([r[key] for r in rows]) for key in (
        "ari", "plain_ari", "settled_ari", "spearman", "plain_spearman", "settled_spearman")}
    lines.append(f"| **mean** | | | | **{mean['ari']:.3f}** | **{mean['plain_ari']:.3f}** | "
                 f"{mean['settled_ari']:.3f} | {mean['spearman']:.3f} | "
                 f"{mean['plain_spearman']:.3f} | {mean['settled_spearman']:.3f} | |")
    return "\n".join(lines) + "\n"


def polis_figures(quick: bool) -> list[Figure]:
    """Figures against Pol.is's own groups on the real conversations."""
    if not DATA_DIR.is_dir():
        return [Figure(BENCHMARK, "Pol.is conversations", 0, "", "the data folder", False,
                       "shared/data/polis beside the project is missing: nothing measured")]
    rows = polis_rows(quick)
    figures = []
    for r in rows:
        name = r["conversation"]
        setup = (f"{r['participants']} participants × {r['statements']} statements, "
                 f"{r['compared']} compared")
        figures.append(Figure(
            BENCHMARK, f"ARI vs Pol.is: {name}", round(r["ari"], 3), "",
            f">= plain {r['plain_ari']:.3f}", bool(r["ari"] >= r["plain_ari"]),
            f"{setup}; groups {r['sizes']}, Pol.is {r['polis_sizes']}, plain k = "
            f"{r['plain_k']}; Pol.is's own groups settled on our map: {r['settled_ari']:.3f}"))
        figures.append(Figure(
            BENCHMARK, f"consensus Spearman vs Pol.is: {name}", round(r["spearman"], 3), "",
            f">= {SPEARMAN_TARGET}", bool(r["spearman"] >= SPEARMAN_TARGET),
            f"{setup}; plain {r['plain_spearman']:.3f}; Pol.is's groups settled on our map "
            f"{r['settled_spearman']:.3f}; reference: {r['consensus_reference']}"))
        same = min(r["seed_ari"], r["shuffled_ari"])
        figures.append(Figure(
            BENCHMARK, f"same groups, another seed / rows shuffled: {name}", round(same, 3),
            "", f">= {SAME_GROUPS_TARGET}", bool(same >= SAME_GROUPS_TARGET),
            f"ARI with seed {SEED + 1}: {r['seed_ari']:.3f}, rows shuffled: "
            f"{r['shuffled_ari']:.3f}"))
    mean, plain = np.mean([r["ari"] for r in rows]), np.mean([r["plain_ari"] for r in rows])
    below = [r["conversation"] for r in rows if r["ari"] < r["plain_ari"]]
    figures.append(Figure(
        BENCHMARK, f"mean ARI vs Pol.is, {len(rows)} conversations", round(float(mean), 3),
        "", f">= {MEAN_ARI_TARGET}", bool(mean >= MEAN_ARI_TARGET),
        f"plain method {plain:.3f}; Pol.is's own groups settled on our map "
        f"{np.mean([r['settled_ari'] for r in rows]):.3f}; below the plain method: "
        f"{', '.join(below) or 'none'}"))
    if not quick:
        TABLE.parent.mkdir(parents=True, exist_ok=True)
        TABLE.write_text("# Opinion groups against Pol.is's own, per conversation\n\n"
                         "Written by `python -m bench opinion_groups` "
                         "(bench/bench_opinion_groups.py).\n\n" + polis_table(rows),
                         encoding="utf-8")
    return figures


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
    return figures + polis_figures(quick)
