"""Comments, reports and statements on the resident page, driven through the widgets as any
client of the kernel could (set any value, press any button)."""

import pytest

from communities import INSIDE_OPEN
from workbench.participation.codes import hash_code, issue_codes, normalise_code
from workbench.proposals.rules import Proposal
from workbench.page.resident import ResidentApp


@pytest.fixture
def codes(store):
    return issue_codes(store, "test", 3)


@pytest.fixture
def proposal_id(store):
    receipt = store.add_proposal("test", Proposal("More benches", "", "health", *INSIDE_OPEN))
    return store.proposal_by_receipt(receipt)["id"]


@pytest.fixture
def app(community, store, proposal_id):
    return ResidentApp(community, store, lang="en")


def code_id(store, code):
    return store.active_code_id("test", hash_code(normalise_code(code), store.code_salt("test")))


def comment(app, body="Good idea", stance="for", reply_to=0):
    d = app.discussion
    d.stance_input.value = stance
    d.reply_input.value = reply_to
    d.body_input.value = body
    return d.post_comment()


def test_comments_need_a_code_then_show_with_stance_and_replies(app, store, codes,
                                                                proposal_id):
    app.open_discussion(proposal_id)
    d = app.discussion
    assert d.widget.layout.display is None and "More benches" in d.heading.value
    assert comment(app) is None
    assert "needs a participation code" in d.status.value and store.comments_of(proposal_id) == []
    assert app.use_code(codes[0])
    first = comment(app, "Good idea", "for")
    assert first and "posted" in d.status.value
    comment(app, "Too noisy at night", "against")
    reply = comment(app, "Agree, but only by day", "neutral", reply_to=first)
    rows = store.comments_of(proposal_id)
    assert [(r["stance"], r["parent_id"]) for r in rows] == [("for", None), ("against", None),
                                                             ("neutral", first)]
    assert "For 1 · Against 1 · Neutral 1" in d.heading.value
    html = d.thread_html.value
    # newest first, the reply under the comment it answers
    assert html.index("Too noisy") < html.index("Good idea") < html.index("only by day")
    d.order_input.value = "stance"
    html = d.thread_html.value
    assert html.index("Good idea") < html.index("only by day") < html.index("Too noisy")
    assert "Discuss (3)" in {b.description for _, _, b in app._row_widgets.values()}
    assert reply


@pytest.mark.parametrize("values, field", [
    ({"stance": None}, "stance"),
    ({"body": ""}, "body"),
    ({"body": "x" * 10_000}, "body"),
    ({"body": "<script>alert(1)</script>"}, "body"),
    ({"reply_to": 99_999}, "parent"),
])
def test_bad_comments_get_a_message_beside_the_field_and_nothing_saved(
        app, store, codes, proposal_id, values, field):
    app.use_code(codes[0])
    app.open_discussion(proposal_id)
    d = app.discussion
    d.stance_input.value = values.get("stance", "for")
    d.body_input.value = values.get("body", "fine")
    if "reply_to" in values:  # a hostile client can send any value; the widget keeps it
        d.reply_input.set_state({"index": None})
        d.reply_input.value = None
        object.__setattr__(d.reply_input, "_trait_values", {**d.reply_input._trait_values,
                                                            "value": values["reply_to"]})
    assert d.post_comment() is None
    assert d.field_errors[field].value != ""
    assert store.comments_of(proposal_id) == []


def test_reports_reach_the_queue_once_and_hidden_text_shows_the_reason(app, store, codes,
                                                                       proposal_id):
    app.use_code(codes[0])
    app.open_discussion(proposal_id)
    cid = comment(app, "Call 13800000000 for cheap flats", "neutral")
    d = app.discussion
    d.report_limiter.min_interval = 0  # one report every 2 s is the page's pace
    d.report_target.value = f"comment:{cid}"
    d.report_reason.value = "advertising"
    assert d.report() and "received" in d.report_status.value
    d.report_reason.value = "again"
    assert not d.report() and "already reported" in d.report_status.value
    d.report_reason.value = "<b>bad</b>"
    d.report()
    assert "HTML" in d.report_status.value
    assert [(q["kind"], q["id"]) for q in store.moderation_queue("test")] == [("comment", cid)]
    store.moderate("test", "comment", cid, "hide", "advertising <b>", "mod")
    store.moderate("test", "proposal", proposal_id, "hide", "duplicate of #2", "mod")
    app.refresh()
    assert "Hidden by the moderator: advertising &lt;b&gt;" in d.thread_html.value
    assert "13800000000" not in d.thread_html.value
    assert "Hidden by the moderator: duplicate of #2" in app.list_text()
    assert "More benches" not in app.list_text()
    assert app.map.proposals.data["features"] == []  # off the map
    app.toggle_support(proposal_id)
    assert store.support_counts("test") == {}  # a hidden proposal takes no supports
    assert comment(app, "still here?") is None and "hidden" in d.status.value


def test_statements_one_at_a_time_least_voted_first(app, store, codes):
    topic = store.add_topic("test", "The pocket park", "What should it become?",
                            ["More trees", "More benches", "A dog run"])
    statements = store.statements_of(topic)
    other = code_id(store, codes[1])
    store.set_vote(statements[0]["id"], f"code-{other}", 1, code_id=other)
    app.refresh()
    v = app.statement_voting
    assert "The pocket park" in v.card.value and "More benches" in v.card.value  # least voted
    assert not v.vote("agree") and "needs a participation code" in v.status.value
    app.use_code(codes[0])
    v.vote_limiter.min_interval = 0
    assert v.vote("agree") and "Recorded: Agree" in v.status.value
    assert "A dog run" in v.card.value
    assert v.vote("disagree")
    assert v.vote("pass")
    assert "voted on every statement" in v.card.value and v.vote_row.layout.display == "none"
    mine = store.votes_of(f"code-{app.code_id}", topic)
    assert sorted(mine.values()) == [-1, 0, 1]


def test_fifty_votes_in_a_second_are_limited_and_never_counted_twice(app, store, codes):
    topic = store.add_topic("test", "t", "", [f"statement {i}" for i in range(60)])
    app.refresh()
    app.use_code(codes[0])
    v = app.statement_voting
    results = [v.vote("agree") for _ in range(50)]
    assert results.count(True) == 1  # a vote at most every half second
    assert "too fast" in v.status.value
    frame = store.votes_frame(topic)
    assert len(frame) == 1 and not frame.duplicated(["voter", "statement"]).any()


def test_own_statements_wait_for_moderation_and_hidden_ones_take_no_votes(app, store, codes):
    topic = store.add_topic("test", "t", "", ["seed"])
    app.refresh()
    app.use_code(codes[0])
    v = app.statement_voting
    v.add_input.value = "x" * 10_000
    assert v.add_statement() is None and "at most 140" in v.add_status.value
    v.add_input.value = "<img src=x onerror=alert(1)>"
    assert v.add_statement() is None and "HTML" in v.add_status.value
    v.add_input.value = "Light the path at night"
    sid = v.add_statement()
    assert sid and "moderator accepts" in v.add_status.value
    assert [s["status"] for s in store.statements_of(topic)] == ["shown", "pending"]
    seed = store.statements_of(topic)[0]["id"]
    store.moderate("test", "statement", seed, "hide", "off topic", "mod")
    assert v.current["id"] == seed  # the page still shows it...
    assert not v.vote("agree")  # ...but the store refuses the vote
    assert "no longer takes votes" in v.status.value
    assert store.votes_frame(topic).empty


def test_a_revoked_code_is_refused(app, store, codes, proposal_id):
    store.add_topic("test", "t", "", ["seed"])
    app.refresh()
    app.use_code(codes[0])
    store.revoke_code(app.code_id)
    assert not app.statement_voting.vote("agree")
    assert app.code_id is None and "withdrawn" in app.code_status.value
    assert not app.use_code(codes[0])
    app.toggle_support(proposal_id)
    assert store.support_counts("test") == {}
