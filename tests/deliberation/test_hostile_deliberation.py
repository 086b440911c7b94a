"""Comments, reasons, statements, topics, votes and participation codes given any value a
client can send (property-based, hypothesis): a clean value or a known message, never an
exception."""

from hypothesis import given
from hypothesis import strategies as st

from hostile import json_values, message_keys, module_tally, texts
from workbench.deliberation.discussion import (COMMENT_MAX_CHARS, DiscussionInvalid,
                                               validate_comment, validate_reason)
from workbench.deliberation.statements import (STATEMENT_MAX_CHARS, validate_statement,
                                               validate_topic, vote_value)
from workbench.participation.codes import normalise_code

KEYS = message_keys()
anything = st.one_of(texts, json_values)


tally = module_tally(
    "hostile_deliberation", "Hostile input: comments, statements, topics, votes, codes",
    "Any JSON value in every field of a comment, a report's reason, a statement, a topic and "
    "a vote, and as a participation code.")


def refused(invalid: DiscussionInvalid, fields: set[str] | None = None) -> None:
    assert invalid.errors and {key for key, _ in invalid.errors.values()} <= KEYS
    if fields is not None:
        assert set(invalid.errors) <= fields


existing = st.lists(st.fixed_dictionaries({"id": st.integers(1, 5)}, optional={
    "parent_id": st.one_of(st.none(), st.integers(1, 5)),
    "hidden_reason": st.one_of(st.none(), st.just("spam"))}), max_size=5)


@given(raw=st.fixed_dictionaries({}, optional={
    "body": anything, "stance": st.one_of(st.sampled_from(["for", "against"]), json_values),
    "parent_id": st.one_of(st.integers(0, 6), json_values),
    "proposal_id": st.one_of(st.integers(1, 3), json_values)}), earlier=existing)
def test_a_comment_is_clean_or_refused_beside_its_field(tally, raw, earlier):
    try:
        comment = validate_comment(raw, earlier)
    except DiscussionInvalid as invalid:
        refused(invalid, {"body", "stance", "parent", "proposal"})
        tally.tried_one("comment", False)
        return
    tally.tried_one("comment", True)
    assert 0 < len(comment.body) <= COMMENT_MAX_CHARS
    assert comment.parent_id is None or any(
        c["id"] == comment.parent_id and c.get("parent_id") is None for c in earlier)


@given(value=anything)
def test_a_reason_or_a_statement_is_clean_or_refused(tally, value):
    for name, check, limit in (("reason", validate_reason, 200),
                               ("statement", validate_statement, STATEMENT_MAX_CHARS)):
        try:
            text = check(value)
        except DiscussionInvalid as invalid:
            refused(invalid, {name})
            tally.tried_one(name, False)
            continue
        tally.tried_one(name, True)
        assert isinstance(text, str) and len(text) <= limit


@given(title=anything, description=anything,
       seeds=st.one_of(st.lists(anything, max_size=6), json_values))
def test_a_topic_is_clean_or_refused(tally, title, description, seeds):
    try:
        clean_title, clean_description, clean_seeds = validate_topic(title, description, seeds)
    except DiscussionInvalid as invalid:
        refused(invalid)
        tally.tried_one("topic", False)
        return
    tally.tried_one("topic", True)
    assert clean_title and isinstance(clean_description, str)
    assert len(set(clean_seeds)) == len(clean_seeds)
    assert all(0 < len(s) <= STATEMENT_MAX_CHARS for s in clean_seeds)


@given(vote=st.one_of(st.sampled_from(["agree", "disagree", "pass", -1, 0, 1]), json_values))
def test_a_vote_is_a_known_value_or_refused(tally, vote):
    try:
        value = vote_value(vote)
    except ValueError:
        tally.tried_one("vote", False)
        return
    tally.tried_one("vote", True)
    assert value in (-1, 0, 1)


@given(text=st.one_of(st.from_regex(r"[A-Za-z0-9 \-_.]{0,30}", fullmatch=True), anything))
def test_a_participation_code_is_a_code_or_nothing(tally, text):
    code = normalise_code(text)
    tally.tried_one("participation code", code is not None)
    assert code is None or (code.isalnum() and code == code.upper())
