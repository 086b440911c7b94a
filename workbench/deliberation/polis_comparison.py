"""Our opinion groups against the ones Pol.is itself computed, on a Pol.is export folder, side
by side with a plain method computed in the same call.

Pol.is's outputs in an export: the ``group-id`` of each participant (participants-votes.csv)
and, in newer exports, each statement's ``group-informed-consensus`` (comments.csv). Where the
column is missing, the reference consensus is computed from Pol.is's own groups (which
reproduces the column bit for bit where it exists, see docs/opinion-groups.md).

The plain method (:func:`plain_groups`) is what one would do without Pol.is's rules: the
mean-imputed votes, a 2-D PCA, k-means with k = 2..5 chosen by silhouette. It gets the same
participants and the same statements as ours, so the comparison is between the methods only.

Pol.is's groups *settled* on our map (:func:`settled_polis_groups`) tell how far any k-means
on the final votes can go: where they settle away from themselves, or their consensus away
from Pol.is's, the groups were made by something the export does not hold (the history of
the conversation, older rules), and no method working from the final votes reaches them.

scikit-learn is imported here: this module is for the benchmark, the tests and the command
line (``python -m workbench.deliberation.opinion_groups --compare DIR``), never for a page.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score, silhouette_score
from threadpoolctl import threadpool_limits

from workbench.deliberation.group_statements import group_informed_consensus
from workbench.deliberation.opinion_groups import OpinionGroups, opinion_groups
from workbench.deliberation.opinion_kmeans import lloyd
from workbench.deliberation.opinion_votes import vote_matrix
from workbench.deliberation.polis_files import PolisConversation, read_polis_export

#: The plain method's k range and k-means starts.
PLAIN_K = (2, 5)
PLAIN_STARTS = 10


def plain_groups(matrix: pd.DataFrame, seed: int = 0) -> pd.Series:
    """The plain baseline: PCA to 2 dimensions of the mean-imputed votes, then k-means with
    k = 2..5 chosen by the silhouette of the points. Group per voter (index of ``matrix``)."""
    imputed = matrix.fillna(matrix.mean()).fillna(0.0).to_numpy(dtype=float)
    n_comp = min(2, *imputed.shape)
    with threadpool_limits(limits=1):
        points = PCA(n_components=n_comp, random_state=seed).fit_transform(imputed)
        best = (-np.inf, np.zeros(len(points), dtype=int))
        for k in range(PLAIN_K[0], min(PLAIN_K[1], len(np.unique(points, axis=0)) - 1) + 1):
            labels = KMeans(n_clusters=k, n_init=PLAIN_STARTS,
                            random_state=seed).fit_predict(points)
            score = silhouette_score(points, labels)
            if score > best[0]:
                best = (score, labels)
    return pd.Series(best[1], index=matrix.index, name="group")


#: Lloyd steps allowed to settle Pol.is's groups (all ten conversations settle within 30).
SETTLE_STEPS = 300


def settled_polis_groups(groups: OpinionGroups, polis: pd.Series) -> pd.Series:
    """Pol.is's groups moved on *our* map to the k-means optimum they lead to: each group's
    centre is the mean of its members' positions, everyone moves to the nearest centre, until
    no one moves (Lloyd). Over the participants both we and Pol.is put in a group. Where our
    map is Pol.is's and Pol.is's groups are a k-means optimum of it, nobody moves (ARI 1)."""
    both = groups.participants.intersection(polis.index)
    start = pd.factorize(polis[both], sort=True)[0]
    points = groups.coords[groups.participants.get_indexer(both)]
    settled = lloyd(points, np.ones(len(points)), start, int(start.max()) + 1,
                    steps=SETTLE_STEPS)
    return pd.Series(settled, index=both, name="group")


def reference_consensus(conv: PolisConversation, matrix: pd.DataFrame) -> tuple[pd.Series, str]:
    """Pol.is's group-informed consensus per statement: the export's column when it has one
    for every statement, else computed from Pol.is's groups. Returns (values, source)."""
    if conv.consensus is not None:
        column = conv.consensus.reindex(matrix.columns)
        if column.notna().all():
            return column, "column"
    return group_informed_consensus(matrix, conv.groups), "from Pol.is's groups"


def _spearman(a: pd.Series, b: pd.Series) -> float:
    return float(a.rank().corr(b.rank()))


def compare_with_polis(folder, *, seed: int = 0, conv: PolisConversation | None = None
                       ) -> dict:
    """Our groups and consensus against Pol.is's own on one export folder (or an already read
    ``conv``), with the plain method's figures in the same call. ARI is over the participants
    both we and Pol.is put in a group; Spearman over every statement."""
    conv = conv if conv is not None else read_polis_export(folder)
    if conv.groups is None or conv.groups.dropna().empty:
        raise ValueError(f"{folder}: needs participants-votes.csv with Pol.is's group-id")
    matrix = vote_matrix(conv.votes)
    hidden = conv.moderated_out()
    ours = opinion_groups(matrix, moderated_out=hidden, seed=seed)
    polis = conv.groups.dropna()
    mine = ours.by_voter()
    both = ours.participants.intersection(polis.index)
    reference, source = reference_consensus(conv, matrix)
    visible = matrix.loc[ours.participants].drop(columns=[c for c in hidden
                                                          if c in matrix.columns])
    plain = plain_groups(visible, seed)
    figures = {
        "participants": int(matrix.shape[0]), "statements": int(matrix.shape[1]),
        "moderated_out": len(set(hidden) & set(matrix.columns)),
        "clustered": len(ours.participants), "polis_grouped": len(polis),
        "compared": len(both), "k": ours.k, "polis_k": int(polis.nunique()),
        "sizes": ours.sizes().tolist(),
        "polis_sizes": sorted(polis.value_counts().astype(int).tolist(), reverse=True),
        "silhouette": ours.silhouette,
        "ari": float(adjusted_rand_score(polis[both], mine[both])),
        "spearman": _spearman(group_informed_consensus(matrix, mine), reference),
        "consensus_reference": source,
        "plain_k": int(plain.nunique()),
        "plain_ari": float(adjusted_rand_score(polis[both], plain[both])),
        "plain_spearman": _spearman(group_informed_consensus(matrix, plain), reference),
    }
    settled = settled_polis_groups(ours, polis)
    figures["settled_ari"] = float(adjusted_rand_score(polis[both], settled))
    figures["settled_spearman"] = _spearman(group_informed_consensus(matrix, settled), reference)
    if source == "column":
        exact = group_informed_consensus(matrix, conv.groups)
        figures["gic_max_abs_diff"] = float((exact - reference).abs().max())
        figures["gic_bit_identical"] = int((exact.to_numpy() == reference.to_numpy()).sum())
    return figures
