"""Two resident pages (two sessions, each with its own page limits, as two kernels have)
together held to the flood limits counted in the database, driven through their widgets:
the refusal said beside the field in the page's language, nothing written."""

import pytest

from communities import INSIDE_OPEN
from workbench.participation.codes import issue_codes
from workbench.participation.floods import CLIENT_ENV
from workbench.page.resident import ResidentApp
from workbench.proposals.rules import Proposal

ROOM = "c" * 32  # the client key the resident server handed both pages: one Wi-Fi


@pytest.fixture
def pages(community, store, monkeypatch):
    monkeypatch.setenv(CLIENT_ENV, ROOM)
    return [ResidentApp(community, store, lang=lang) for lang in ("en", "zh")]


def propose(app, title):
    app.title_input.value = title
    app.scenario_input.value = "health"
    app.place_at(*INSIDE_OPEN)
    return app.submit_proposal()


def test_two_pages_of_one_client_share_the_proposals_limit(pages, store, monkeypatch):
    monkeypatch.setenv("WORKBENCH_FLOOD_PROPOSALS_PER_CLIENT", "3/10min")
    first, second = pages
    assert propose(first, "Benches") and propose(second, "Shade") and propose(first, "Lights")
    assert propose(second, "Flood") is None  # each page has made fewer than its own limit
    assert "Too many" not in second.form_error.value
    assert "来自您所在网络的提案过多" in second.form_error.value  # its language, beside the button
    assert propose(first, "Flood") is None and "from your network" in first.form_error.value
    assert first.title_input.value == "Flood"  # kept for later, not half-saved
    assert store.count_proposals("test") == 3
    assert {p["title"] for p in store.list_proposals("test")} == {"Benches", "Shade", "Lights"}
    monkeypatch.setenv(CLIENT_ENV, "d" * 32)  # a page of another client
    assert propose(first, "Another address")


@pytest.fixture
def proposal_id(store):
    receipt = store.add_proposal("test", Proposal("More benches", "", "health", *INSIDE_OPEN))
    return store.proposal_by_receipt(receipt)["id"]


def comment(app, proposal_id, body):
    app.open_discussion(proposal_id)
    d = app.discussion
    d.stance_input.value = "for"
    d.body_input.value = body
    return d.post_comment()


def test_one_code_on_two_pages_shares_the_comments_limit(pages, store, proposal_id,
                                                         monkeypatch):
    monkeypatch.setenv("WORKBENCH_FLOOD_COMMENTS_PER_CODE", "2/10min")
    (code, other) = issue_codes(store, "test", 2)
    first, second = pages
    assert first.use_code(code) and second.use_code(code)
    assert comment(first, proposal_id, "Good") and comment(second, proposal_id, "Yes")
    assert comment(second, proposal_id, "Again") is None
    assert "参与码在短时间内发表的评论过多" in second.discussion.status.value
    assert comment(first, proposal_id, "Again") is None
    assert "with this participation code" in first.discussion.status.value
    assert len(store.comments_of(proposal_id)) == 2
    assert first.use_code(other) and comment(first, proposal_id, "Another person")


def test_two_sessions_of_one_client_share_the_statements_limit(community, store, monkeypatch):
    # the statements section's own path (session.act, then the store), without its widgets
    from workbench.deliberation.statements import validate_statement
    from workbench.page.session import ParticipantSession
    from workbench.proposals.rules import RateLimiter

    monkeypatch.setenv(CLIENT_ENV, ROOM)
    monkeypatch.setenv("WORKBENCH_FLOOD_STATEMENTS_PER_CLIENT", "2/10min")
    topic = store.add_topic("test", "t", "", ["seed"])
    codes = issue_codes(store, "test", 3)
    sessions = [ParticipantSession(store, community, lang="en") for _ in range(2)]
    outcomes = []
    for session, code, text in zip(sessions + sessions[:1], codes, ("Trees", "Lights", "Benches")):
        assert session.use_code(code)
        outcomes.append(session.act(
            RateLimiter(10, 0), need_code="statements.need_code",
            validate=lambda text=text: validate_statement(text),
            write=lambda code_id, body: store.add_statement(topic, body, code_id=code_id)))
    assert [o.done for o in outcomes] == [True, True, False]
    assert outcomes[2].message == ("flood.client.statement", {})
    assert [s["body"] for s in store.statements_of(topic)] == ["seed", "Trees", "Lights"]
