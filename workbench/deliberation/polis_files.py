"""The Pol.is export folder format, read and write (pandas only).

A Pol.is export is a folder of CSV files (compdemocracy/polis, math/src/polismath/darwin/
export.clj and the server's CSV export; the openData repository publishes conversations so):

- ``summary.csv`` (optional): ``key,value`` rows without a header: topic, url, views, voters,
  voters-in-conv, commenters, comments, groups, conversation-description.
- ``comments.csv``: timestamp, comment-id, author-id, agrees, disagrees, moderated (1 shown,
  0 not yet moderated, -1 hidden), is-meta, is-seed, group-informed-consensus, comment-body.
  ``agrees``/``disagrees`` count every vote event, changed votes included.
- ``votes.csv``: timestamp, datetime, comment-id, voter-id, vote: the event log of every vote
  ever cast (1 agree, -1 disagree, 0 pass); a voter's last vote on a comment is the one that
  counts. Pol.is sorts it by comment, voter, time.
- ``participants-votes.csv``: participant, xid, group-id (Pol.is's opinion group, empty when
  not clustered), n-comments, n-votes, n-agree, n-disagree, then one column per comment id
  with the last vote (1, -1, 0; empty = not seen).

Files come from outside, so reading checks them: a missing column, a non-integer id, a vote
outside -1/0/1, an over-long body or a vote on an unknown comment raises
:class:`PolisFormatError` naming the file, the line and the problem. Quoted fields may span
lines (real bodies do), a UTF-8 byte-order mark is accepted, and the big files are parsed by
pandas' C reader with numeric column types (strings only when a check has to find the line).
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

#: The longest statement body accepted (Pol.is itself stops comments at 140 characters).
MAX_BODY_CHARS = 2_000
#: The largest CSV file read (a guard against a file that would exhaust memory).
MAX_FILE_BYTES = 2 * 1024**3

COMMENTS_HEADER = ["timestamp", "comment-id", "author-id", "agrees", "disagrees", "moderated",
                   "is-meta", "is-seed", "group-informed-consensus", "comment-body"]
VOTES_HEADER = ["timestamp", "datetime", "comment-id", "voter-id", "vote"]
PARTICIPANTS_HEADER = ["participant", "xid", "group-id", "n-comments", "n-votes", "n-agree",
                       "n-disagree"]
_COMMENTS_REQUIRED = ["timestamp", "comment-id", "author-id", "moderated", "comment-body"]
_VOTES_REQUIRED = ["timestamp", "comment-id", "voter-id", "vote"]
_INT = re.compile(r"^-?\d{1,18}$")
_ID = re.compile(r"^\d{1,18}$")
_TRUE, _FALSE = {"true", "1", "t", "yes"}, {"false", "0", "f", "no", ""}


class PolisFormatError(ValueError):
    """A Pol.is export file that cannot be read; the message names file, line and problem."""


@dataclass
class PolisConversation:
    """One conversation as read from a Pol.is export folder."""

    topic: str
    description: str
    #: statement (comment-id), author (author-id), body, moderated (1/0/-1), is_seed, is_meta,
    #: timestamp (ms); in the file's order.
    comments: pd.DataFrame
    #: voter, statement, vote, timestamp (ms): every vote event, in the file's order.
    votes: pd.DataFrame
    #: Pol.is's group-id per participant (NaN: not clustered), when participants-votes.csv has it.
    groups: pd.Series | None = None
    #: Pol.is's group-informed-consensus per statement, when comments.csv has it.
    consensus: pd.Series | None = None
    summary: dict[str, str] = field(default_factory=dict)

    def moderated_out(self) -> list[int]:
        """Statements Pol.is leaves out of the map: hidden by moderation or meta
        (conversation.clj ``mod-update``)."""
        c = self.comments
        return c.loc[(c["moderated"] == -1) | c["is_meta"], "statement"].tolist()


# -- reading -----------------------------------------------------------------------------------
def _fail(path: Path, line: int | None, problem: str) -> PolisFormatError:
    where = f"{path.name}, line {line}" if line else path.name
    return PolisFormatError(f"{where}: {problem}")


def _line_of(path: Path, row: int) -> int:
    """Physical line (1-based) where data row ``row`` (0-based, after the header) starts,
    counting the extra lines of quoted fields that span lines, as an editor shows it."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        next(reader, None)
        start, i = reader.line_num + 1, -1
        for record in reader:
            if record:                 # pandas skips blank lines too
                i += 1
                if i == row:
                    return start
            start = reader.line_num + 1
    return start


def _header(path: Path, required: list[str]) -> list[str]:
    if not path.is_file():
        raise _fail(path, None, "file not found")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise _fail(path, None, f"file of {size:,} bytes is over the limit of "
                                f"{MAX_FILE_BYTES:,}")
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            header = next(csv.reader(f), None)
    except UnicodeDecodeError as exc:
        raise _fail(path, 1, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if not header:
        raise _fail(path, 1, "empty file: a header line is expected")
    header = [name.strip() for name in header]
    missing = [name for name in required if name not in header]
    if missing:
        raise _fail(path, 1, f"missing column(s) {', '.join(missing)}; the header is: "
                             f"{', '.join(header)}")
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if duplicated:
        raise _fail(path, 1, f"column(s) {', '.join(duplicated)} appear more than once")
    return header


def _read(path: Path, dtype=str) -> pd.DataFrame:
    """The whole file by pandas' C reader; quoted multi-line fields and a BOM are fine."""
    try:
        frame = pd.read_csv(path, dtype=dtype, keep_default_na=False, na_values=[""],
                            encoding="utf-8-sig", skipinitialspace=False)
    except UnicodeDecodeError as exc:
        raise _fail(path, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except pd.errors.ParserError as exc:
        raise _fail(path, None, f"not a well-formed CSV file: {exc}") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    values = frame[column]
    return values.astype(object).where(values.notna(), "").astype(str).str.strip()


def _check(path: Path, frame: pd.DataFrame, column: str, ok: pd.Series, expected: str) -> None:
    """Raise for the first row where ``ok`` is False."""
    bad = ~ok.to_numpy(dtype=bool)
    if bad.any():
        row = int(bad.nonzero()[0][0])
        value = frame[column].iloc[row]
        shown = "an empty cell" if pd.isna(value) or str(value).strip() == "" else repr(
            str(value)[:40])
        raise _fail(path, _line_of(path, row), f"column {column}: {shown} is not {expected}")


def _ints(path: Path, frame: pd.DataFrame, column: str, *, ids: bool = False) -> pd.Series:
    text = _text(frame, column)
    pattern = _ID if ids else _INT
    _check(path, frame, column, text.str.fullmatch(pattern),
           "a non-negative integer id" if ids else "an integer")
    return text.astype("int64")


def _bools(path: Path, frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(False, index=frame.index)
    text = _text(frame, column).str.lower()
    _check(path, frame, column, text.isin(_TRUE | _FALSE), "true or false")
    return text.isin(_TRUE)


def _vote_values(path: Path, frame: pd.DataFrame, column: str, allow_empty: bool) -> pd.Series:
    text = _text(frame, column)
    allowed = {"1", "-1", "0"} | ({""} if allow_empty else set())
    _check(path, frame, column, text.isin(allowed),
           "a vote (1 agree, -1 disagree, 0 pass)" + (" or empty" if allow_empty else ""))
    return pd.to_numeric(text.replace("", None), errors="coerce")


def _read_summary(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    _header(path, [])     # size and encoding checks
    summary: dict[str, str] = {}
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        start = 1
        for record in reader:
            if len(record) > 2:
                raise _fail(path, start, f"{len(record)} fields where key,value is expected")
            if record and record[0].strip():
                summary[record[0].strip()] = record[1] if len(record) > 1 else ""
            start = reader.line_num + 1
    return summary


def _read_comments(path: Path, max_body_chars: int) -> tuple[pd.DataFrame, pd.Series | None]:
    header = _header(path, _COMMENTS_REQUIRED)
    raw = _read(path)
    statement = _ints(path, raw, "comment-id", ids=True)
    repeated = statement.duplicated()
    _check(path, raw, "comment-id", ~repeated, "unique (the comment-id appears twice)")
    body = raw["comment-body"].fillna("").astype(str)
    _check(path, raw, "comment-body", body.str.len() <= max_body_chars,
           f"at most {max_body_chars:,} characters long")
    moderated = _ints(path, raw, "moderated")
    _check(path, raw, "moderated", moderated.isin([-1, 0, 1]), "-1, 0 or 1")
    comments = pd.DataFrame({
        "statement": statement,
        "author": _ints(path, raw, "author-id", ids=True),
        "body": body,
        "moderated": moderated,
        "is_seed": _bools(path, raw, "is-seed"),
        "is_meta": _bools(path, raw, "is-meta"),
        "timestamp": _ints(path, raw, "timestamp"),
    }).reset_index(drop=True)
    consensus = None
    if "group-informed-consensus" in header:
        text = _text(raw, "group-informed-consensus")
        values = pd.to_numeric(text.replace("", None), errors="coerce")
        _check(path, raw, "group-informed-consensus", values.notna() | (text == ""),
               "a number or empty")
        consensus = pd.Series(values.to_numpy(dtype=float), index=statement.to_numpy(),
                              name="group_informed_consensus")
        consensus.index.name = "statement"
    return comments, consensus


def _read_votes(path: Path) -> pd.DataFrame:
    _header(path, _VOTES_REQUIRED)
    fast = {"timestamp": "int64", "comment-id": "int64", "voter-id": "int64", "vote": "int64"}
    try:
        raw = _read(path, dtype={**fast, "datetime": str})
        ok = ((raw["comment-id"] >= 0) & (raw["voter-id"] >= 0)
              & raw["vote"].isin([-1, 0, 1])).all()
    except (ValueError, TypeError, OverflowError):
        ok = False     # not all integers: the slow path below finds the line
    if not ok:
        raw = _read(path)
        for column in ("comment-id", "voter-id"):
            _ints(path, raw, column, ids=True)
        _ints(path, raw, "timestamp")
        _vote_values(path, raw, "vote", allow_empty=False)
        raw = raw.astype({c: "int64" for c in fast})
    return pd.DataFrame({"voter": raw["voter-id"].to_numpy(),
                         "statement": raw["comment-id"].to_numpy(),
                         "vote": raw["vote"].to_numpy(),
                         "timestamp": raw["timestamp"].to_numpy()})


def _read_participants(path: Path) -> tuple[pd.Series | None, pd.DataFrame]:
    """Pol.is's group-id per participant, and the votes of the matrix (timestamp 0: the
    matrix does not say when)."""
    header = _header(path, ["participant"])
    comment_columns = [c for c in header if _ID.fullmatch(c)]
    dtype = {c: "float64" for c in comment_columns}
    try:
        raw = _read(path, dtype={**dtype, "participant": "int64"})
        values = raw[comment_columns]
        ok = bool((values.isin([-1.0, 0.0, 1.0]) | values.isna()).to_numpy().all()
                  and (raw["participant"] >= 0).all())
    except (ValueError, TypeError, OverflowError):
        ok = False
    if not ok:
        raw = _read(path)
        _ints(path, raw, "participant", ids=True)
        for column in comment_columns:
            _vote_values(path, raw, column, allow_empty=True)
        raw = raw.astype({"participant": "int64", **dtype})
    _check(path, raw, "participant", ~raw["participant"].duplicated(),
           "unique (the participant appears twice)")
    groups = None
    if "group-id" in header:
        text = _text(raw, "group-id")
        _check(path, raw, "group-id", text.str.fullmatch(r"\d{1,9}(\.0)?") | (text == ""),
               "a group number or empty")
        groups = pd.Series(pd.to_numeric(text.replace("", None), errors="coerce").to_numpy(
            dtype=float), index=raw["participant"].to_numpy(), name="group")
        groups.index.name = "voter"
    matrix = raw.set_index("participant")[comment_columns]
    matrix.columns = [int(c) for c in comment_columns]
    long = matrix.stack().dropna()   # empty cells: not seen
    votes = pd.DataFrame({"voter": long.index.get_level_values(0).astype("int64"),
                          "statement": long.index.get_level_values(1).astype("int64"),
                          "vote": long.to_numpy().astype("int64"), "timestamp": 0})
    return groups, votes


def read_polis_export(folder, *, max_body_chars: int = MAX_BODY_CHARS) -> PolisConversation:
    """Read a Pol.is export folder. ``comments.csv`` is required, and ``votes.csv`` or, failing
    that, ``participants-votes.csv`` (its matrix gives each participant's last votes, with
    timestamp 0). Raises :class:`PolisFormatError` for anything malformed."""
    folder = Path(folder)
    if not folder.is_dir():
        raise PolisFormatError(f"{folder}: not a folder")
    summary = _read_summary(folder / "summary.csv")
    comments, consensus = _read_comments(folder / "comments.csv", max_body_chars)
    participants = folder / "participants-votes.csv"
    groups, matrix_votes = (_read_participants(participants) if participants.exists()
                            else (None, None))
    if (folder / "votes.csv").exists():
        votes = _read_votes(folder / "votes.csv")
        source = folder / "votes.csv"
    elif matrix_votes is not None:
        votes, source = matrix_votes, participants
    else:
        raise PolisFormatError(f"{folder}: neither votes.csv nor participants-votes.csv")
    unknown = ~votes["statement"].isin(comments["statement"])
    if unknown.any():
        row = int(unknown.to_numpy().nonzero()[0][0])
        statement = votes["statement"].iloc[row]
        line = _line_of(source, row) if source.name == "votes.csv" else None
        raise _fail(source, line, f"a vote on comment {statement}, which comments.csv does "
                                  "not have")
    return PolisConversation(topic=summary.get("topic", ""),
                             description=summary.get("conversation-description", ""),
                             comments=comments, votes=votes.reset_index(drop=True),
                             groups=groups, consensus=consensus, summary=summary)


# -- writing -----------------------------------------------------------------------------------
def _last_votes(votes: pd.DataFrame) -> pd.DataFrame:
    """Each voter's last vote per statement (by timestamp, ties in row order)."""
    if "timestamp" in votes.columns:
        votes = votes.sort_values("timestamp", kind="mergesort")
    return votes.drop_duplicates(["voter", "statement"], keep="last")


def _bool_text(values: pd.Series) -> pd.Series:
    return values.astype(bool).map({True: "true", False: "false"})


def _number_text(value: float) -> str:
    # repr is the shortest text that reads back as the same float
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else repr(
        float(value))


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def write_polis_export(folder, *, topic: str, description: str, comments: pd.DataFrame,
                       votes: pd.DataFrame, groups: pd.Series | None = None,
                       consensus: pd.Series | None = None) -> Path:
    """Write a Pol.is export folder that Pol.is tools (and :func:`read_polis_export`) read.

    ``comments``: statement, author, body, moderated, timestamp (ms), optional is_seed and
    is_meta. ``votes``: voter, statement, vote, optional timestamp (ms): the event log, so
    that agrees/disagrees count every event as Pol.is does, and participants-votes.csv shows
    the last votes. ``groups``: group per voter (NaN or absent: not clustered); ``consensus``:
    group-informed consensus per statement. Returns the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    missing = {"statement", "author", "body", "moderated", "timestamp"} - set(comments.columns)
    if missing:
        raise ValueError(f"comments lack the column(s) {', '.join(sorted(missing))}")
    missing = {"voter", "statement", "vote"} - set(votes.columns)
    if missing:
        raise ValueError(f"votes lack the column(s) {', '.join(sorted(missing))}")
    votes = votes.copy()
    if "timestamp" not in votes.columns:
        votes["timestamp"] = 0
    votes = votes.astype({"voter": "int64", "statement": "int64", "vote": "int64",
                          "timestamp": "int64"})
    if not votes["vote"].isin([-1, 0, 1]).all():
        raise ValueError("votes may only be -1, 0 or 1")
    statements = comments["statement"].astype("int64")

    # comments.csv: agrees/disagrees count every vote event (as Pol.is's export does)
    agrees = votes[votes["vote"] == 1].groupby("statement").size()
    disagrees = votes[votes["vote"] == -1].groupby("statement").size()
    gic = (consensus.reindex(statements) if consensus is not None
           else pd.Series(math.nan, index=statements))
    false = pd.Series(False, index=comments.index)
    _write_csv(pd.DataFrame({
        "timestamp": comments["timestamp"].astype("int64").to_numpy(),
        "comment-id": statements.to_numpy(),
        "author-id": comments["author"].astype("int64").to_numpy(),
        "agrees": agrees.reindex(statements, fill_value=0).to_numpy(),
        "disagrees": disagrees.reindex(statements, fill_value=0).to_numpy(),
        "moderated": comments["moderated"].astype("int64").to_numpy(),
        "is-meta": _bool_text(comments.get("is_meta", false)).to_numpy(),
        "is-seed": _bool_text(comments.get("is_seed", false)).to_numpy(),
        "group-informed-consensus": [_number_text(v) for v in gic.to_numpy(dtype=float)],
        "comment-body": comments["body"].astype(str).to_numpy(),
    }, columns=COMMENTS_HEADER), folder / "comments.csv")

    # votes.csv: the event log, sorted by comment, voter, time as Pol.is does
    log = votes.sort_values(["statement", "voter", "timestamp"], kind="mergesort")
    when = pd.to_datetime(log["timestamp"], unit="ms", utc=True)
    _write_csv(pd.DataFrame({
        "timestamp": log["timestamp"].to_numpy(),
        "datetime": when.dt.strftime("%a %b %d %H:%M:%S UTC %Y").to_numpy(),
        "comment-id": log["statement"].to_numpy(),
        "voter-id": log["voter"].to_numpy(),
        "vote": log["vote"].to_numpy(),
    }, columns=VOTES_HEADER), folder / "votes.csv")

    # participants-votes.csv: the last-vote matrix with Pol.is's summary columns
    last = _last_votes(votes)
    columns = sorted(set(statements) | set(last["statement"]))
    matrix = last.pivot(index="voter", columns="statement", values="vote").reindex(
        columns=columns)
    voters = matrix.index
    authored = comments["author"].astype("int64").value_counts()
    group = (groups.reindex(voters) if groups is not None
             else pd.Series(math.nan, index=voters))
    cells = matrix.apply(lambda col: col.map(lambda v: "" if pd.isna(v) else str(int(v))))
    table = pd.DataFrame({
        "participant": voters.to_numpy(),
        "xid": "",
        "group-id": ["" if pd.isna(g) else str(int(g)) for g in group.to_numpy()],
        "n-comments": authored.reindex(voters, fill_value=0).to_numpy(),
        "n-votes": matrix.notna().sum(axis=1).to_numpy(),
        "n-agree": (matrix == 1).sum(axis=1).to_numpy(),
        "n-disagree": (matrix == -1).sum(axis=1).to_numpy(),
    }, columns=PARTICIPANTS_HEADER)
    cells.columns = [str(c) for c in columns]
    _write_csv(pd.concat([table, cells.reset_index(drop=True)], axis=1),
               folder / "participants-votes.csv")

    # summary.csv: key,value rows, no header
    n_groups = int(groups.dropna().nunique()) if groups is not None else 0
    rows = [("topic", topic), ("voters", str(len(voters))),
            ("voters-in-conv", str(int(group.notna().sum()))),
            ("commenters", str(comments["author"].nunique())),
            ("comments", str(len(comments))), ("groups", str(n_groups)),
            ("conversation-description", description)]
    with open(folder / "summary.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    return folder
