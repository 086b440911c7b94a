"""Comments, reports, moderation, topics, statements and votes in the store, on SQLite and
PostgreSQL (the ``store`` fixture of test_store runs each test on both)."""

import pytest

from residents import code_ids
from stores import in_threads, proposal, store_on_both_databases  # noqa: F401 (fixture)
from workbench.deliberation.discussion import Comment
from workbench.participation.codes import hash_code, normalise_code, reissue_code


def two_codes(store):
    return code_ids(store, 2)


def test_comments_and_replies_are_kept_with_their_stance(store):
    a, b = two_codes(store)
    pid = store.proposal_by_receipt(store.add_proposal("test", proposal()))["id"]
    first = store.add_comment(Comment(pid, "for", "好主意"), a)
    store.add_comment(Comment(pid, "against", "太吵", parent_id=first), b)
    rows = store.comments_of(pid)
    assert [(r["stance"], r["body"], r["parent_id"]) for r in rows] == [
        ("for", "好主意", None), ("against", "太吵", first)]
    assert store.comment_counts("test") == {pid: 2}


def test_hiding_keeps_everything_and_logs_the_action(store):
    a, _ = two_codes(store)
    pid = store.proposal_by_receipt(store.add_proposal("test", proposal()))["id"]
    cid = store.add_comment(Comment(pid, "neutral", "广告 www.example.com"), a)
    assert store.add_report("test", "comment", cid, "广告", "device-1")
    assert not store.add_report("test", "comment", cid, "again", "device-1")  # once each
    assert store.add_report("test", "comment", cid, "spam", "device-2")
    queue = store.moderation_queue("test")
    assert [(q["kind"], q["id"], q["reports"]) for q in queue] == [("comment", cid, 2)]
    assert queue[0]["text"] == "广告 www.example.com"
    assert queue[0]["context"] == "长椅"  # the proposal it was said on

    store.moderate("test", "comment", cid, "hide", "广告", "王主任")
    assert store.moderation_queue("test") == []
    (row,) = store.comments_of(pid)
    assert row["body"] == "广告 www.example.com" and row["hidden_reason"] == "广告"
    assert store.comment_counts("test") == {}
    store.moderate("test", "comment", cid, "show", "误判", "王主任")
    assert store.comments_of(pid)[0]["hidden_reason"] is None
    log = store.moderation_log("test")
    assert [(e["action"], e["reason"], e["moderator"]) for e in log] == [
        ("hide", "广告", "王主任"), ("show", "误判", "王主任")]


def test_proposals_can_be_hidden_and_reports_checked_against_the_community(store):
    pid = store.proposal_by_receipt(store.add_proposal("test", proposal()))["id"]
    with pytest.raises(ValueError):
        store.add_report("test", "proposal", pid + 100, "x", "device-1")
    with pytest.raises(ValueError):
        store.add_report("elsewhere", "proposal", pid, "x", "device-1")
    store.moderate("test", "proposal", pid, "hide", "含个人电话", "mod")
    assert store.hidden_proposals("test") == {pid: "含个人电话"}
    assert store.list_proposals("test")[0]["hidden_reason"] == "含个人电话"


def test_statements_wait_for_a_moderator_and_votes_count_once(store):
    a, b = two_codes(store)
    topic = store.add_topic("test", "口袋公园的未来", "", ["多种树", "增加座椅"])
    seeds = store.statements_of(topic)
    assert [s["status"] for s in seeds] == ["shown", "shown"]
    mine = store.add_statement(topic, "晚上要有灯", code_id=a)
    assert not store.set_vote(mine, f"code-{a}", 1, code_id=a)  # pending: no votes yet
    assert [q["id"] for q in store.moderation_queue("test")] == [mine]
    store.moderate("test", "statement", mine, "accept", "", "mod")
    assert store.set_vote(mine, f"code-{a}", 1, code_id=a)
    assert store.set_vote(mine, f"code-{a}", -1, code_id=a)  # a second vote changes the first
    assert store.set_vote(mine, f"code-{b}", 0, code_id=b)
    row = next(s for s in store.statements_of(topic) if s["id"] == mine)
    assert (row["agrees"], row["disagrees"], row["passes"]) == (0, 1, 1)
    assert store.votes_of(f"code-{a}", topic) == {mine: -1}

    store.moderate("test", "statement", mine, "hide", "重复", "mod")
    assert not store.set_vote(mine, f"code-{b}", 1, code_id=b)  # hidden: refused
    store.set_topic_status(topic, "closed")
    assert not store.set_vote(seeds[0]["id"], f"code-{b}", 1, code_id=b)  # closed: refused


def test_many_simultaneous_votes_of_one_code_count_once(store):
    a, _ = two_codes(store)
    topic = store.add_topic("test", "t", "", ["s"])
    sid = store.statements_of(topic)[0]["id"]
    errors = in_threads(store.url, lambda s, n: s.set_vote(sid, f"code-{a}", n % 3 - 1,
                                                           code_id=a), 8)
    assert errors == []
    frame = store.votes_frame(topic)
    assert len(frame) == 1 and frame.iloc[0]["voter"] == f"code-{a}"


def test_a_reissued_code_carries_its_supports_and_votes(store):
    a, _ = two_codes(store)
    pid = store.proposal_by_receipt(store.add_proposal("test", proposal()))["id"]
    topic = store.add_topic("test", "t", "", ["s"])
    sid = store.statements_of(topic)[0]["id"]
    store.set_support(pid, a, True)
    store.set_vote(sid, f"code-{a}", 1, code_id=a)
    new = reissue_code(store, "test", a)
    new_id = store.active_code_id("test", hash_code(normalise_code(new), store.code_salt("test")))
    assert store.supports_of(new_id) == {pid} and store.supports_of(a) == set()
    assert store.votes_of(f"code-{new_id}", topic) == {sid: 1}
    assert store.support_counts("test") == {pid: 1}
    assert store.code_status(a) == "revoked"


def test_hidden_items_lists_what_a_moderator_can_show_again(store):
    a, _ = two_codes(store)
    pid = store.proposal_by_receipt(store.add_proposal("test", proposal(title="长椅")))["id"]
    cid = store.add_comment(Comment(pid, "for", "广告"), a)
    topic = store.add_topic("test", "t", "", ["多种树"])
    sid = store.statements_of(topic)[0]["id"]
    assert store.hidden_items("test") == []
    store.moderate("test", "comment", cid, "hide", "广告", "mod")
    store.moderate("test", "statement", sid, "hide", "重复", "mod")
    store.moderate("test", "proposal", pid, "hide", "含电话", "mod")
    assert [(i["kind"], i["id"], i["text"], i["hidden_reason"])
            for i in store.hidden_items("test")] == [
        ("proposal", pid, "长椅", "含电话"), ("comment", cid, "广告", "广告"),
        ("statement", sid, "多种树", "重复")]
    assert store.hidden_items("elsewhere") == []
    store.moderate("test", "comment", cid, "show", "", "mod")
    assert [i["kind"] for i in store.hidden_items("test")] == ["proposal", "statement"]


def test_an_imported_conversation_keeps_ids_authors_and_hidden_reasons(store):
    topic = store.import_conversation("test", "BG 2050", "desc", [
        {"external_id": 2, "body": "shade trees", "author": "0", "is_seed": True,
         "status": "shown"},
        {"external_id": 7, "body": "spam", "author": "5", "status": "hidden",
         "hidden_reason": "moderated out in Pol.is"},
    ], [{"statement": 2, "voter": "polis-1", "vote": 1},
        {"statement": 7, "voter": "polis-1", "vote": -1},
        {"statement": 99, "voter": "polis-1", "vote": 1}])  # unknown statement: dropped
    assert store.topic(topic)["source"] == "polis"
    rows = store.statements_of(topic)
    assert [(r["external_id"], r["author"], r["is_seed"], r["status"], r["hidden_reason"])
            for r in rows] == [(2, "0", True, "shown", None),
                               (7, "5", False, "hidden", "moderated out in Pol.is")]
    assert store.votes_of("polis-1", topic) == {rows[0]["id"]: 1, rows[1]["id"]: -1}
