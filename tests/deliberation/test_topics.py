"""The planners' topics panel driven through its widgets: open topics, enter paper votes,
compute opinion groups."""

import pytest

from topic_votes import STATEMENTS, seed_topic
from workbench.participation.codes import hash_code, issue_codes, normalise_code
from workbench.proposals.rules import Proposal
from workbench.deliberation.topic_groups import MIN_VOTERS_FOR_GROUPS
from workbench.deliberation.opinion_groups_panel import OpinionGroupsView
from workbench.deliberation.topics_panel import TopicsPanel

from communities import INSIDE_P1


@pytest.fixture
def codes(store):
    """Three participation codes as printed on slips, with their ids."""
    salt = store.code_salt("test")
    printed = issue_codes(store, "test", 3)
    return [(c, store.active_code_id("test", hash_code(normalise_code(c), salt)))
            for c in printed]


@pytest.fixture
def panel(store):
    return TopicsPanel(store, "test", lang="en")


def open_topic(panel, title="Pocket park at night", seeds="More lights\nQuiet after 22:00\n"):
    panel.title_input.value = title
    panel.description_input.value = "What should the park be like after dark?"
    panel.seeds_input.value = seeds
    panel.open_button.click()
    return panel.topic_id


def test_opening_a_topic_with_seed_statements(panel, store):
    assert "No topic yet" in panel.topic_status.value
    topic_id = open_topic(panel, seeds="More lights\n\n  Quiet after 22:00 \nMore lights\n")
    assert topic_id is not None and "Topic #" in panel.form_status.value
    assert [(s["body"], s["status"], s["is_seed"]) for s in store.statements_of(topic_id)] == [
        ("More lights", "shown", True), ("Quiet after 22:00", "shown", True)]
    assert "Quiet after 22:00" in panel.statements_html.value
    assert panel.title_input.value == ""  # the form is cleared for the next topic


@pytest.mark.parametrize("title, seeds, field, message", [
    ("", "a", "title", "Please fill this in."),
    ("t" * 201, "a", "title", "at most 200 characters"),
    ("ok", "fine\n<script>alert(1)</script>", "seeds", "Line 2: Please don"),
    ("ok", "x" * 141, "seeds", "Line 1: Too long: at most 140 characters"),
])
def test_a_bad_topic_is_refused_beside_the_field(panel, store, title, seeds, field, message):
    assert open_topic(panel, title=title, seeds=seeds) is None
    assert message in panel.field_errors[field].value
    assert store.topics("test") == []


def test_statements_show_their_counts_and_topics_close_and_reopen(panel, store, codes):
    topic_id = open_topic(panel)
    (_, a), (_, b), _ = codes
    sid = store.statements_of(topic_id)[0]["id"]
    store.set_vote(sid, f"code-{a}", 1, code_id=a)
    store.set_vote(sid, f"code-{b}", -1, code_id=b)
    panel.refresh()
    frame = panel.statements_frame()
    assert frame.loc[frame["id"] == sid, ["agrees", "disagrees", "passes"]].values.tolist() == [
        [1, 1, 0]]
    panel.status_button.click()
    assert store.topic(topic_id)["status"] == "closed"
    assert panel.status_button.description == "Reopen topic"
    assert not store.set_vote(sid, f"code-{a}", -1, code_id=a)
    panel.status_button.click()
    assert store.topic(topic_id)["status"] == "open"


def test_resident_statements_are_escaped(panel, store, codes):
    topic_id = open_topic(panel)
    store.add_statement(topic_id, "<img src=x onerror=alert(1)>", code_id=codes[0][1])
    panel.refresh()
    assert "<img" not in panel.statements_html.value
    assert "&lt;img src=x" in panel.statements_html.value


def paper_vote(panel, code, marks):
    assert panel.use_code(code), panel.code_status.value
    for sid, value in marks.items():
        panel.vote_inputs[sid].value = value
    panel.save_button.click()


def test_paper_votes_for_a_code_entered_twice_count_once(panel, store, codes):
    topic_id = open_topic(panel)
    first, second = [s["id"] for s in store.statements_of(topic_id)]
    code, code_id = codes[0]
    paper_vote(panel, code, {first: "agree", second: "pass"})
    assert "2 vote(s) saved" in panel.paper_status.value
    # the same form typed again, by mistake or with a correction (lower case, no dash)
    assert panel.use_code(code.lower().replace("-", ""))
    assert panel.vote_inputs[first].value == "agree"  # what the code voted is shown
    panel.vote_inputs[first].value = "disagree"
    panel.save_button.click()
    frame = store.votes_frame(topic_id)
    assert len(frame) == 2 and set(frame["source"]) == {"paper"}
    assert store.votes_of(f"code-{code_id}", topic_id) == {first: -1, second: 0}
    counts = {s["id"]: (s["agrees"], s["disagrees"], s["passes"])
              for s in store.statements_of(topic_id)}
    assert counts == {first: (0, 1, 0), second: (0, 0, 1)}


def test_paper_and_page_votes_of_one_code_count_once(panel, store, codes):
    topic_id = open_topic(panel)
    first = store.statements_of(topic_id)[0]["id"]
    code, code_id = codes[1]
    store.set_vote(first, f"code-{code_id}", 1, code_id=code_id)  # voted on the page
    paper_vote(panel, code, {first: "disagree"})
    assert store.votes_of(f"code-{code_id}", topic_id) == {first: -1}
    assert len(store.votes_frame(topic_id)) == 1


def test_a_revoked_code_is_refused_for_paper_votes(panel, store, codes):
    topic_id = open_topic(panel)
    code, code_id = codes[0]
    store.revoke_code(code_id)
    assert not panel.use_code(code)
    assert "not valid or has been revoked" in panel.code_status.value
    assert panel.paper_form.layout.display == "none"
    assert not panel.use_code("NOT-A-CODE")
    assert store.votes_frame(topic_id).empty


def test_a_code_revoked_while_the_form_is_open_writes_nothing(panel, store, codes):
    topic_id = open_topic(panel)
    first = store.statements_of(topic_id)[0]["id"]
    code, code_id = codes[2]
    assert panel.use_code(code)
    panel.vote_inputs[first].value = "agree"
    store.revoke_code(code_id)
    panel.save_button.click()
    assert "not valid or has been revoked" in panel.paper_status.value
    assert store.votes_frame(topic_id).empty


def test_a_hidden_statement_takes_no_paper_votes(panel, store, codes):
    topic_id = open_topic(panel)
    first, second = [s["id"] for s in store.statements_of(topic_id)]
    code, code_id = codes[0]
    assert panel.use_code(code)
    panel.vote_inputs[first].value = "agree"
    panel.vote_inputs[second].value = "agree"
    store.moderate("test", "statement", second, "hide", "重复", "mod")  # meanwhile
    panel.save_button.click()
    assert store.votes_of(f"code-{code_id}", topic_id) == {first: 1}
    assert "1 vote(s) refused" in panel.paper_status.value
    assert panel.use_code(code)
    assert set(panel.vote_inputs) == {first}  # no longer on the form


def test_paper_supports_for_proposals(panel, store, codes):
    receipt = store.add_proposal("test", Proposal(title="<b>长椅</b>", description="",
                                                  scenario="health", lon=INSIDE_P1[0],
                                                  lat=INSIDE_P1[1]))
    pid = store.proposal_by_receipt(receipt)["id"]
    open_topic(panel)
    code, code_id = codes[0]
    assert panel.use_code(code)
    panel.support_inputs[pid].value = True
    panel.save_button.click()
    assert store.supports_of(code_id) == {pid}
    assert panel.use_code(code)
    assert panel.support_inputs[pid].value is True
    panel.save_button.click()  # entered again: still one support
    assert store.support_counts("test") == {pid: 1}
    assert panel.use_code(code)
    panel.support_inputs[pid].value = False
    panel.save_button.click()
    assert store.supports_of(code_id) == set()


def test_paper_votes_need_a_checked_code_and_an_open_topic(panel, store, codes):
    topic_id = open_topic(panel)
    panel.save_button.click()
    assert "check a participation code first" in panel.paper_status.value
    store.set_topic_status(topic_id, "closed")
    panel.refresh()
    assert not panel.use_code(codes[0][0])
    assert store.votes_frame(topic_id).empty


def test_too_few_votes_for_groups_says_so(panel, store, codes):
    topic_id = open_topic(panel)
    sid = store.statements_of(topic_id)[0]["id"]
    store.set_vote(sid, f"code-{codes[0][1]}", 1, code_id=codes[0][1])
    result = panel.groups.refresh()
    assert result.problem and result.groups is None
    assert "Too few votes" in panel.groups.status.value
    assert f"at least {MIN_VOTERS_FOR_GROUPS} participants" in panel.groups.status.value
    assert panel.groups.image.layout.display == "none"


def test_opinion_groups_of_a_topic(store):
    topic_id = seed_topic(store, "test")
    view = OpinionGroupsView(store, topic_id, lang="zh")
    result = view.refresh()
    assert result.problem is None and result.k >= 2
    assert view.image.value[:4] == b"\x89PNG" and view.image.layout.display is None
    texts = {s for s, _, _ in STATEMENTS}
    # statements by their text, never their ids
    assert set(result.representative["text"]) <= texts and len(result.representative)
    shared = {s for s, a, b in STATEMENTS if a == b}
    assert set(result.consensus[result.consensus["direction"] == "agree"]["text"]) <= shared
    assert len(result.table) == len(STATEMENTS)
    top = result.table.iloc[0]
    assert top["text"] in shared
    assert "群体 A" in view.details.value and "群体共识度" in view.details.value
    # sticky k: the k shown is passed to the next computation
    assert view.previous_k == {topic_id: result.k}
    again = view.refresh()
    assert again.k == result.k


def test_hidden_statements_leave_the_groups_tables(store):
    topic_id = seed_topic(store, "test")
    sid = store.statements_of(topic_id)[4]["id"]  # a shared one, likely consensus
    store.moderate("test", "statement", sid, "hide", "重复", "mod")
    result = OpinionGroupsView(store, topic_id, lang="en").refresh()
    assert sid not in set(result.representative["statement"])
    assert sid not in set(result.consensus["statement"])


def test_panel_shows_groups_of_the_chosen_topic(store):
    topic_id = seed_topic(store, "test")
    panel = TopicsPanel(store, "test", lang="en")
    assert panel.topic_id == topic_id
    panel.groups.refresh_button.click()
    assert panel.groups.result.k >= 2 and "Group A" in panel.groups.details.value
