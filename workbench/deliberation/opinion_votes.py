"""Votes of residents on statements, as the Pol.is method takes them: agree (+1), disagree
(-1), pass (0); the vote matrix of each participant's last vote on each statement (NaN = not
seen). Plain pandas / numpy, shared by :mod:`.opinion_groups` and :mod:`.group_statements`."""

from __future__ import annotations

import numpy as np
import pandas as pd

AGREE, DISAGREE, PASS = 1, -1, 0
VOTE_VALUES = frozenset({AGREE, DISAGREE, PASS})


# -- the vote matrix ---------------------------------------------------------------------------
def vote_matrix(votes: pd.DataFrame) -> pd.DataFrame:
    """Participants × statements matrix of each participant's LAST vote on each statement.

    ``votes`` has columns ``voter``, ``statement``, ``vote`` (+1 agree, -1 disagree, 0 pass)
    and optionally ``timestamp``. A voter may change their mind: the last vote counts, last by
    timestamp when there is one (ties keep row order), else by row order. Returns floats with
    NaN where the participant has not voted (not seen); index and columns sorted.
    """
    missing = {"voter", "statement", "vote"} - set(votes.columns)
    if missing:
        raise ValueError(f"votes need the columns voter, statement, vote; missing: "
                         f"{', '.join(sorted(missing))}")
    if votes.empty:
        return pd.DataFrame(dtype=float)
    values = pd.to_numeric(votes["vote"], errors="coerce")
    bad = ~values.isin(VOTE_VALUES)
    if bad.any():
        row = bad.to_numpy().nonzero()[0][0]
        raise ValueError(f"vote {votes['vote'].iloc[row]} in row {row} is not one of "
                         f"-1 (disagree), 0 (pass), 1 (agree)")
    frame = pd.DataFrame({"voter": votes["voter"].to_numpy(),
                          "statement": votes["statement"].to_numpy(),
                          "vote": values.to_numpy(dtype=float)})
    if "timestamp" in votes.columns:
        # mergesort is stable: votes with the same timestamp stay in row order
        order = np.argsort(votes["timestamp"].to_numpy(), kind="mergesort")
        frame = frame.iloc[order]
    last = frame.drop_duplicates(["voter", "statement"], keep="last")
    matrix = last.pivot(index="voter", columns="statement", values="vote")
    matrix = matrix.sort_index().sort_index(axis=1).astype(float)
    matrix.index.name, matrix.columns.name = "voter", "statement"
    return matrix


def vote_values(matrix: pd.DataFrame) -> np.ndarray:
    """The matrix as floats, after checking it holds only -1, 0, 1 and NaN."""
    values = matrix.to_numpy(dtype=float)
    seen = values[~np.isnan(values)]
    if seen.size and not np.isin(seen, (-1.0, 0.0, 1.0)).all():
        raise ValueError("the vote matrix may hold only -1, 0, 1 and NaN (not seen)")
    return values
