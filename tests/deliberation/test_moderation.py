"""The moderation queue driven through its widgets, without a browser: set the reason, press
the buttons, read what the store then holds."""

import pytest

from workbench.deliberation.discussion import Comment
from workbench.participation.codes import hash_code, issue_codes, normalise_code
from workbench.proposals.rules import Proposal
from workbench.deliberation.moderation_panel import ModerationQueue

from communities import INSIDE_P1


def code_ids(store, n=2):
    salt = store.code_salt("test")
    return [store.active_code_id("test", hash_code(normalise_code(c), salt))
            for c in issue_codes(store, "test", n)]


@pytest.fixture
def proposal_id(store):
    receipt = store.add_proposal("test", Proposal(title="长椅", description="", scenario="health",
                                                  lon=INSIDE_P1[0], lat=INSIDE_P1[1]))
    return store.proposal_by_receipt(receipt)["id"]


@pytest.fixture
def reported_comment(store, proposal_id):
    (a,) = code_ids(store, 1)
    body = "<b>广告</b> 加微信 www.example.com"
    cid = store.add_comment(Comment(proposal_id, "neutral", body), a)
    store.add_report("test", "comment", cid, "广告", "device-1")
    store.add_report("test", "comment", cid, "<script>x</script>", "device-2")
    return cid


def queue(store, lang="en"):
    return ModerationQueue(store, "test", "王主任", lang=lang)


def test_hiding_with_a_reason_logs_it_and_empties_the_queue(store, proposal_id,
                                                            reported_comment):
    q = queue(store)
    row = q.rows[("comment", reported_comment)]
    assert "2 report(s)" in row.html.value
    row.reason.value = "广告"
    row.buttons["hide"].click()
    assert store.moderation_queue("test") == [] and q.items == [] and q.rows == {}
    (entry,) = store.moderation_log("test")
    assert (entry["action"], entry["target_kind"], entry["target_id"], entry["reason"],
            entry["moderator"]) == ("hide", "comment", reported_comment, "广告", "王主任")
    assert store.comments_of(proposal_id)[0]["hidden_reason"] == "广告"  # kept, not deleted
    hidden = store.hidden_items("test")
    assert [(i["kind"], i["id"], i["hidden_reason"]) for i in hidden] == [
        ("comment", reported_comment, "广告")]
    assert "hidden" in q.status.value and "广告" in q.log_html.value
    # hidden things are listed with "show again"
    again = q.hidden_rows[("comment", reported_comment)]
    again.buttons["show"].click()
    assert store.hidden_items("test") == []
    assert [e["action"] for e in store.moderation_log("test")] == ["hide", "show"]
    assert list(q.log_frame()["action"]) == ["show", "hide"]  # newest first


@pytest.mark.parametrize("reason, message", [
    ("", "Hiding needs a reason"),
    ("   ", "Hiding needs a reason"),
    ("<img src=x onerror=alert(1)>", "Please don&#x27;t include HTML"),
    ("x" * 10_000, "at most 200 characters, this has 10000"),
    ("a\x00b", "special characters"),
])
def test_bad_reasons_are_refused_beside_the_field_and_nothing_written(store, reported_comment,
                                                                       reason, message):
    q = queue(store)
    row = q.rows[("comment", reported_comment)]
    row.reason.value = reason
    row.buttons["hide"].click()
    assert message in row.error.value
    assert store.moderation_log("test") == []
    assert store.hidden_items("test") == []
    assert [i["id"] for i in store.moderation_queue("test")] == [reported_comment]


def test_resident_text_and_report_reasons_are_escaped(store, reported_comment):
    q = queue(store)
    html = q.rows[("comment", reported_comment)].html.value
    assert "<b>广告</b>" not in html and "&lt;b&gt;广告&lt;/b&gt;" in html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_pending_statement_is_accepted_and_then_takes_votes(store):
    a, b = code_ids(store)
    topic = store.add_topic("test", "口袋公园", "", ["多种树"])
    sid = store.add_statement(topic, "晚上要有灯", code_id=a)
    q = queue(store, lang="zh")
    row = q.rows[("statement", sid)]
    assert "待审核" in row.html.value and set(row.buttons) == {"accept", "hide"}
    assert not store.set_vote(sid, f"code-{b}", 1, code_id=b)
    row.buttons["accept"].click()  # no reason needed to accept
    assert q.items == []
    assert store.set_vote(sid, f"code-{b}", 1, code_id=b)
    assert store.moderation_log("test")[0]["action"] == "accept"


def test_a_hidden_statement_takes_no_votes(store):
    a, b = code_ids(store)
    topic = store.add_topic("test", "口袋公园", "", ["多种树"])
    sid = store.add_statement(topic, "某某是骗子", code_id=a)
    q = queue(store)
    row = q.rows[("statement", sid)]
    row.reason.value = "人身攻击"
    row.buttons["hide"].click()
    assert not store.set_vote(sid, f"code-{b}", 1, code_id=b)
    (s,) = [s for s in store.statements_of(topic) if s["id"] == sid]
    assert (s["status"], s["hidden_reason"]) == ("hidden", "人身攻击")


def test_dismissing_reports_changes_nothing_but_closes_them(store, proposal_id):
    store.add_report("test", "proposal", proposal_id, "不喜欢", "device-1")
    q = queue(store)
    row = q.rows[("proposal", proposal_id)]
    assert "长椅" in row.html.value and "dismiss" in row.buttons
    row.buttons["dismiss"].click()
    assert q.items == [] and store.hidden_proposals("test") == {}
    assert store.moderation_log("test")[0]["action"] == "dismiss"


def test_an_action_a_row_does_not_offer_is_refused(store, proposal_id):
    store.add_report("test", "proposal", proposal_id, "x", "device-1")
    q = queue(store)
    # a proposal never waits to be accepted; an unknown id is not in the queue
    assert not q.act("proposal", proposal_id, "accept", "")
    assert not q.act("proposal", proposal_id + 99, "hide", "reason")
    assert not q.act("proposal", proposal_id, "delete", "reason")
    assert store.moderation_log("test") == []


def test_a_failing_store_shows_a_message_not_a_traceback(store, reported_comment, monkeypatch):
    q = queue(store)

    def boom(*a, **k):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(store, "moderate", boom)
    row = q.rows[("comment", reported_comment)]
    row.reason.value = "广告"
    row.buttons["hide"].click()  # does not raise
    assert "something went wrong" in q.status.value and "secret" not in q.status.value


def test_the_moderator_name_is_checked():
    with pytest.raises(ValueError):
        ModerationQueue(None, "test", "")
    with pytest.raises(ValueError):
        ModerationQueue(None, "test", "<b>me</b>")


def test_from_settings_uses_the_demo_community():
    from workbench.demo import init
    from workbench.store import Store

    init()
    q = ModerationQueue.from_settings("王主任", store=Store())
    assert q.items == [] and "没有待处理" in q.queue_box.children[0].value
