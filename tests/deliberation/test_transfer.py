"""Conversations in and out in the Pol.is format: import, export, and the round trip on a
real conversation."""

from pathlib import Path

import pandas as pd
import pytest

from topic_votes import seed_topic
from workbench.deliberation.polis_files import PolisFormatError, read_polis_export
from workbench.deliberation.transfer import HIDDEN_IN_POLIS, export_polis, import_polis

from polis_data import BG2050


def last_votes(votes: pd.DataFrame) -> pd.Series:
    ordered = votes.sort_values("timestamp", kind="mergesort")
    last = ordered.drop_duplicates(["voter", "statement"], keep="last")
    return last.set_index(["voter", "statement"])["vote"].sort_index()


def write_small_export(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "summary.csv").write_text("topic,小区停车怎么办\nconversation-description,说说看\n",
                                        encoding="utf-8")
    (folder / "comments.csv").write_text(
        "timestamp,comment-id,author-id,agrees,disagrees,moderated,is-meta,is-seed,"
        "group-informed-consensus,comment-body\n"
        "1700000000000,0,0,1,0,1,false,true,,地面停车位太少\n"
        "1700000001000,1,3,0,1,-1,false,false,,加我微信买车位\n"
        "1700000002000,5,4,1,0,0,false,false,,\"<b>夜里</b>\n可以停在路边\"\n", encoding="utf-8")
    (folder / "votes.csv").write_text(
        "timestamp,datetime,comment-id,voter-id,vote\n"
        "1700000003000,x,0,3,1\n"
        "1700000004000,x,0,3,-1\n"      # changed: the last one counts
        "1700000005000,x,1,3,-1\n"
        "1700000006000,x,5,4,1\n", encoding="utf-8")
    return folder


def test_import_maps_moderation_ids_authors_and_last_votes(store, tmp_path):
    topic_id = import_polis(store, "test", write_small_export(tmp_path / "conv"))
    topic = store.topic(topic_id)
    assert (topic["title"], topic["description"], topic["source"]) == (
        "小区停车怎么办", "说说看", "polis")
    rows = store.statements_of(topic_id)
    assert [(r["external_id"], r["author"], r["status"], r["hidden_reason"], r["is_seed"])
            for r in rows] == [(0, "0", "shown", None, True),
                               (1, "3", "hidden", HIDDEN_IN_POLIS, False),
                               (5, "4", "shown", None, False)]  # 0 (unmoderated): shown
    assert rows[2]["body"] == "<b>夜里</b>\n可以停在路边"  # kept as written, escaped on display
    assert store.votes_of("polis-3", topic_id) == {rows[0]["id"]: -1, rows[1]["id"]: -1}
    assert len(store.votes_frame(topic_id)) == 3
    assert not store.set_vote(rows[1]["id"], "polis-4", 1)  # hidden: takes no votes


def test_a_bad_folder_writes_nothing(store, tmp_path):
    folder = write_small_export(tmp_path / "conv")
    with open(folder / "votes.csv", "a", encoding="utf-8") as f:
        f.write("1700000007000,x,0,4,7\n")
    with pytest.raises(PolisFormatError, match="votes.csv, line 6"):
        import_polis(store, "test", folder)
    with pytest.raises(PolisFormatError):
        import_polis(store, "test", tmp_path / "nowhere")
    assert store.topics("test") == []


def test_export_of_a_topic_made_here(store, tmp_path):
    topic_id = seed_topic(store, "test", voters=30)
    codes = store.list_codes("test")
    sid = store.add_statement(topic_id, "晚上十点后关灯", code_id=codes[0]["id"])  # pending
    hidden = store.statements_of(topic_id)[1]["id"]
    store.moderate("test", "statement", hidden, "hide", "重复", "mod")
    export_polis(store, topic_id, tmp_path / "out")
    conv = read_polis_export(tmp_path / "out")
    statements = store.statements_of(topic_id)
    assert conv.topic == "银杏口袋公园怎么用？"
    assert list(conv.comments["statement"]) == [s["id"] for s in statements]  # store ids
    assert list(conv.comments["body"]) == [s["body"] for s in statements]
    moderated = dict(zip(conv.comments["statement"], conv.comments["moderated"]))
    assert moderated[hidden] == -1 and moderated[sid] == 0
    assert set(moderated.values()) == {-1, 0, 1}
    # voters are opaque numbers: neither code ids nor codes
    votes = store.votes_frame(topic_id)
    assert len(conv.votes) == len(votes)
    assert sorted(conv.votes["voter"].unique()) == list(range(30))  # in order of first vote
    authors = dict(zip(conv.comments["statement"], conv.comments["author"]))
    assert authors[sid] == 0  # the code that voted first wrote it
    assert {authors[s["id"]] for s in statements if s["is_seed"]} == {30}  # the planners
    text = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "out").iterdir())
    assert "code-" not in text and "seed-" not in text
    # groups and group-informed consensus computed here
    assert conv.groups is not None and conv.groups.dropna().nunique() >= 2
    assert conv.consensus.notna().sum() == len(statements) - 1  # the pending one: no votes


def test_export_of_an_unknown_topic(store, tmp_path):
    with pytest.raises(LookupError):
        export_polis(store, 999, tmp_path / "out")


def test_imported_and_local_statements_do_not_share_a_comment_id(store, tmp_path):
    topic_id = import_polis(store, "test", write_small_export(tmp_path / "conv"))
    store.set_topic_status(topic_id, "open")  # published here, the conversation goes on
    local = store.add_statement(topic_id, "新观点", status="shown")
    store.set_vote(local, "code-1", 1)
    export_polis(store, topic_id, tmp_path / "out")
    conv = read_polis_export(tmp_path / "out")
    ids = list(conv.comments["statement"])
    assert ids[:3] == [0, 1, 5] and len(set(ids)) == 4
    assert conv.comments["statement"].iloc[3] not in (0, 1, 5)
    # the imported participants keep their ids; the new voter gets the next number
    assert set(conv.votes["voter"]) == {3, 4, 5}


def test_round_trip_on_a_real_conversation(store, tmp_path):
    original = read_polis_export(BG2050)
    topic_id = import_polis(store, "test", BG2050)
    export_polis(store, topic_id, tmp_path / "out")
    again = read_polis_export(tmp_path / "out")
    assert again.topic == original.topic and again.description == original.description.strip()
    a = original.comments.set_index("statement").sort_index()
    b = again.comments.set_index("statement").sort_index()
    assert list(a.index) == list(b.index)
    assert (a["body"] == b["body"]).all()
    assert (a["moderated"] == b["moderated"]).all()
    assert (a["author"] == b["author"]).all() and (a["is_seed"] == b["is_seed"]).all()
    assert last_votes(original.votes).equals(last_votes(again.votes))
    # our groups and consensus came along, close to Pol.is's own
    assert again.groups.dropna().nunique() >= 2
    rank = again.consensus.rank().corr(original.consensus.reindex(again.consensus.index).rank())
    assert rank > 0.95   # the goal of issue 20 on every conversation (0.955 measured here)
