"""The Pol.is export format: the real bg2050 export reads, a written export reads back the
same (Chinese text, commas, quotes and line breaks included), and each kind of broken file is
refused with a message naming the file, the line and the problem."""

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench.deliberation.polis_files import (COMMENTS_HEADER, PolisFormatError,
                                                read_polis_export, write_polis_export)



from polis_data import BG2050  # noqa: E402  (kept with the tests, see its README)

COMMENT_COLUMNS = ["statement", "author", "body", "moderated", "is_seed", "is_meta",
                   "timestamp"]


def last_votes(votes: pd.DataFrame) -> pd.DataFrame:
    """voter, statement -> last vote, sorted: what a round trip must keep."""
    ordered = votes.sort_values("timestamp", kind="mergesort")
    last = ordered.drop_duplicates(["voter", "statement"], keep="last")
    return (last[["voter", "statement", "vote"]].sort_values(["voter", "statement"])
            .reset_index(drop=True))


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding=encoding)
    return folder


GOOD_COMMENTS = (
    "timestamp,comment-id,author-id,agrees,disagrees,moderated,is-meta,is-seed,"
    "group-informed-consensus,comment-body\n"
    '1000,0,5,1,0,1,false,true,0.5,"A body\nover two lines"\n'
    "1001,1,6,0,1,-1,false,false,,Plain body\n")
GOOD_VOTES = ("timestamp,datetime,comment-id,voter-id,vote\n"
              "2000,x,0,5,1\n2001,x,1,5,-1\n2002,x,0,6,0\n")


def good_folder(tmp_path: Path) -> Path:
    folder = write(tmp_path / "export", "comments.csv", GOOD_COMMENTS)
    return write(folder, "votes.csv", GOOD_VOTES)


# -- the real export ---------------------------------------------------------------------------
def test_the_bg2050_export_reads():
    conv = read_polis_export(BG2050)
    assert conv.topic == "Together, we'll build the BG of 2050."
    assert conv.description.startswith("In the next 25 years")
    assert "\n" in conv.description
    assert len(conv.comments) == 371 and conv.comments["statement"].is_unique
    assert list(conv.comments.columns) == COMMENT_COLUMNS
    assert conv.comments["body"].str.contains("\n").sum() == 4   # bodies with line breaks
    assert conv.comments["moderated"].value_counts().to_dict() == {1: 316, -1: 55}
    assert conv.comments["is_seed"].sum() == 25 and conv.comments["is_meta"].sum() == 1
    assert len(conv.votes) == 14341 and conv.votes["voter"].nunique() == 126
    assert list(conv.votes.columns) == ["voter", "statement", "vote", "timestamp"]
    assert set(conv.votes["vote"]) == {-1, 0, 1}
    assert conv.groups.notna().sum() == 108 and set(conv.groups.dropna()) == {0.0, 1.0}
    assert conv.consensus.notna().all() and len(conv.consensus) == 371
    assert len(conv.moderated_out()) == 56          # 55 hidden + 1 meta


def test_without_votes_csv_the_votes_come_from_the_participants_matrix(tmp_path):
    for name in ("comments.csv", "participants-votes.csv"):
        shutil.copy(BG2050 / name, tmp_path / name)
    from_matrix = read_polis_export(tmp_path)
    from_log = read_polis_export(BG2050)
    assert (from_matrix.votes["timestamp"] == 0).all()
    assert last_votes(from_matrix.votes).equals(last_votes(from_log.votes))
    assert from_matrix.topic == ""         # summary.csv is optional


def test_round_trip_keeps_comments_bodies_and_last_votes(tmp_path):
    original = read_polis_export(BG2050)
    write_polis_export(tmp_path / "out", topic=original.topic,
                       description=original.description, comments=original.comments,
                       votes=original.votes, groups=original.groups,
                       consensus=original.consensus)
    again = read_polis_export(tmp_path / "out")
    pd.testing.assert_frame_equal(again.comments, original.comments)
    assert last_votes(again.votes).equals(last_votes(original.votes))
    assert len(again.votes) == len(original.votes)       # the whole event log
    assert (again.topic, again.description) == (original.topic, original.description)
    pd.testing.assert_series_equal(again.groups.sort_index(), original.groups.sort_index())
    pd.testing.assert_series_equal(again.consensus, original.consensus)
    # the same header as Pol.is, and the same agree/disagree counts as Pol.is wrote
    ours = pd.read_csv(tmp_path / "out" / "comments.csv")
    theirs = pd.read_csv(BG2050 / "comments.csv")
    assert list(ours.columns) == list(theirs.columns) == COMMENTS_HEADER
    assert ours[["agrees", "disagrees"]].equals(theirs[["agrees", "disagrees"]])
    # participants-votes.csv: same participants, counts and matrix as Pol.is's
    ours = pd.read_csv(tmp_path / "out" / "participants-votes.csv").set_index("participant")
    theirs = pd.read_csv(BG2050 / "participants-votes.csv").set_index("participant")
    theirs = theirs.sort_index()     # Pol.is lists participants in its own order
    columns = ["group-id", "n-votes", "n-agree", "n-disagree"] + [str(i) for i in range(371)]
    pd.testing.assert_frame_equal(ours[columns], theirs[columns], check_dtype=False)


# -- our own files -----------------------------------------------------------------------------
def test_chinese_text_commas_quotes_and_line_breaks_survive(tmp_path):
    bodies = ["小区东门增设自行车停放区", 'Benches, shade and "quiet" hours',
              "第一行\n第二行，还有逗号, and a comma", '引号 "中文"\r\nand CRLF', "=1+1 ,;\t"]
    comments = pd.DataFrame({"statement": range(len(bodies)), "author": [0, 1, 1, 2, 3],
                             "body": bodies, "moderated": [1, 1, 0, -1, 1],
                             "is_seed": [True, False, False, False, False],
                             "is_meta": [False] * 4 + [True],
                             "timestamp": [1_700_000_000_000 + i for i in range(5)]})
    votes = pd.DataFrame({"voter": [10, 10, 11, 12, 10], "statement": [0, 1, 0, 2, 0],
                          "vote": [1, -1, 0, 1, -1], "timestamp": [1, 2, 3, 4, 5]})
    groups = pd.Series({10: 0, 11: 1, 12: np.nan})
    consensus = pd.Series([0.25, 1 / 3, 0.5, np.nan, 0.1], index=range(5))
    folder = write_polis_export(tmp_path / "中文 export", topic="社区议程：停车, 绿化",
                                description='第一段\n\n"第二段", with quotes',
                                comments=comments, votes=votes, groups=groups,
                                consensus=consensus)
    conv = read_polis_export(folder)
    assert conv.topic == "社区议程：停车, 绿化"
    assert conv.description == '第一段\n\n"第二段", with quotes'
    assert conv.comments["body"].tolist() == bodies    # CRLF inside a body too
    pd.testing.assert_frame_equal(conv.comments, comments.astype(
        {"statement": "int64", "author": "int64", "moderated": "int64", "timestamp": "int64",
         "body": conv.comments["body"].dtype}))
    assert last_votes(conv.votes).equals(last_votes(votes))
    assert conv.groups.to_dict() == pytest.approx({10: 0.0, 11: 1.0, 12: np.nan},
                                                  nan_ok=True)
    pd.testing.assert_series_equal(conv.consensus, consensus, check_names=False,
                                   check_index_type=False)
    raw = (folder / "comments.csv").read_bytes()
    assert "小区东门".encode("utf-8") in raw and not raw.startswith(b"\xef\xbb\xbf")


def test_writing_without_groups_or_consensus(tmp_path):
    comments = pd.DataFrame({"statement": [3], "author": [0], "body": ["x"], "moderated": [0],
                             "timestamp": [5]})
    votes = pd.DataFrame({"voter": [1], "statement": [3], "vote": [1]})
    conv = read_polis_export(write_polis_export(tmp_path, topic="t", description="",
                                                comments=comments, votes=votes, groups=None,
                                                consensus=None))
    assert conv.groups.isna().all() and conv.consensus.isna().all()
    assert not conv.comments["is_seed"].any()


def test_a_byte_order_mark_is_accepted(tmp_path):
    folder = write(tmp_path / "bom", "comments.csv", "\ufeff" + GOOD_COMMENTS)
    write(folder, "votes.csv", "\ufeff" + GOOD_VOTES)
    conv = read_polis_export(folder)
    assert conv.comments["statement"].tolist() == [0, 1] and len(conv.votes) == 3


def test_a_large_votes_file_reads(tmp_path):
    n = 300_000
    rng = np.random.default_rng(0)
    votes = pd.DataFrame({"timestamp": np.arange(n), "datetime": "x",
                          "comment-id": rng.integers(0, 2, n), "voter-id": rng.integers(0, 5000, n),
                          "vote": rng.integers(-1, 2, n)})
    folder = write(tmp_path / "big", "comments.csv", GOOD_COMMENTS)
    votes.to_csv(folder / "votes.csv", index=False)
    conv = read_polis_export(folder)
    assert len(conv.votes) == n and conv.votes["vote"].dtype == "int64"


# -- hostile input -----------------------------------------------------------------------------
def broken(tmp_path, comments=GOOD_COMMENTS, votes=GOOD_VOTES, **files) -> Path:
    folder = write(tmp_path / "broken", "comments.csv", comments)
    if votes is not None:
        write(folder, "votes.csv", votes)
    for name, text in files.items():
        write(folder, name.replace("_", "-") + ".csv", text)
    return folder


@pytest.mark.parametrize("comments, message", [
    (GOOD_COMMENTS.replace("author-id,", ""), r"comments.csv, line 1: missing column\(s\) "
                                              r"author-id"),
    (GOOD_COMMENTS.replace("1001,1,6", "1001,x1,6"),
     r"comments.csv, line 4: column comment-id: 'x1' is not a non-negative integer id"),
    (GOOD_COMMENTS.replace("1001,1,6", "1001,0,6"),
     r"comments.csv, line 4: column comment-id: '0' is not unique"),
    (GOOD_COMMENTS.replace("1001,1,6,0,1,-1", "1001,1,6,0,1,7"),
     r"comments.csv, line 4: column moderated: '7' is not -1, 0 or 1"),
    (GOOD_COMMENTS.replace("false,false,,Plain", "false,maybe,,Plain"),
     r"comments.csv, line 4: column is-seed: 'maybe' is not true or false"),
    (GOOD_COMMENTS.replace("1001,1,6,", "1001,1,,"),
     r"comments.csv, line 4: column author-id: an empty cell is not"),
    (GOOD_COMMENTS.replace("Plain body", "x" * 2001),
     r"comments.csv, line 4: column comment-body: .* is not at most 2,000 characters long"),
    (GOOD_COMMENTS + "1002,2,6,0,1,1,false,false,,body,extra,fields\n",
     r"comments.csv: not a well-formed CSV file"),
    ("", r"comments.csv, line 1: empty file"),
])
def test_broken_comments_are_refused_with_file_line_and_problem(tmp_path, comments, message):
    with pytest.raises(PolisFormatError, match=message):
        read_polis_export(broken(tmp_path, comments=comments))


@pytest.mark.parametrize("votes, message", [
    (GOOD_VOTES.replace("2001,x,1,5,-1", "2001,x,1,5,2"),
     r"votes.csv, line 3: column vote: '2' is not a vote \(1 agree, -1 disagree, 0 pass\)"),
    (GOOD_VOTES.replace("2002,x,0,6,0", "2002,x,0,6,+"),
     r"votes.csv, line 4: column vote: '\+' is not a vote"),
    (GOOD_VOTES.replace("2002,x,0,6,0", "2002,x,0,6.5,0"),
     r"votes.csv, line 4: column voter-id: '6.5' is not a non-negative integer id"),
    (GOOD_VOTES.replace("2001,x,1,5,-1", "2001,x,-1,5,-1"),
     r"votes.csv, line 3: column comment-id: '-1' is not a non-negative integer id"),
    (GOOD_VOTES.replace("2000,x,0,5,1", "soon,x,0,5,1"),
     r"votes.csv, line 2: column timestamp: 'soon' is not an integer"),
    (GOOD_VOTES.replace("vote\n", "ballot\n"), r"votes.csv, line 1: missing column\(s\) vote"),
    (GOOD_VOTES + "2003,x,9,6,1\n",
     r"votes.csv, line 5: a vote on comment 9, which comments.csv does not have"),
])
def test_broken_votes_are_refused_with_file_line_and_problem(tmp_path, votes, message):
    with pytest.raises(PolisFormatError, match=message):
        read_polis_export(broken(tmp_path, votes=votes))


def test_the_line_counts_the_lines_of_multi_line_bodies(tmp_path):
    comments = GOOD_COMMENTS + '1002,2,7,0,0,1,false,false,,"three\nline\nbody"\n1003,3,x,0,0,1,' \
                               'false,false,,after\n'
    with pytest.raises(PolisFormatError, match=r"comments.csv, line 8: column author-id"):
        read_polis_export(broken(tmp_path, comments=comments))


def test_other_broken_files_are_refused(tmp_path):
    with pytest.raises(PolisFormatError, match="neither votes.csv nor participants-votes.csv"):
        read_polis_export(broken(tmp_path / "a", votes=None))
    with pytest.raises(PolisFormatError, match=r"participants-votes.csv, line 3: column 1: "
                                               r"'yes' is not a vote"):
        read_polis_export(broken(tmp_path / "b", votes=None, participants_votes=(
            "participant,group-id,0,1\n5,0,1,-1\n6,,0,yes\n")))
    with pytest.raises(PolisFormatError, match=r"summary.csv, line 2: 3 fields"):
        read_polis_export(broken(tmp_path / "c", summary="topic,T\ngroups,2,3\n"))
    folder = broken(tmp_path / "d")
    (folder / "votes.csv").write_bytes(b"timestamp,datetime,comment-id,voter-id,vote\n"
                                       b"1,\xff\xfe,0,5,1\n")
    with pytest.raises(PolisFormatError, match="votes.csv.*not UTF-8"):
        read_polis_export(folder)
    with pytest.raises(PolisFormatError, match="not a folder"):
        read_polis_export(tmp_path / "nowhere")


def test_a_longer_body_limit_can_be_chosen(tmp_path):
    folder = broken(tmp_path, comments=GOOD_COMMENTS.replace("Plain body", "x" * 3000))
    conv = read_polis_export(folder, max_body_chars=5000)
    assert conv.comments["body"].str.len().max() == 3000
