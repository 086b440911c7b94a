from datetime import datetime, timedelta

import pytest

from workbench.deliberation.discussion import (DiscussionInvalid, stance_balance, thread,
                                               validate_comment, validate_reason)
from workbench.deliberation.statements import (next_statement, validate_statement,
                                               validate_topic, vote_value)

T0 = datetime(2026, 11, 1)


def c(id, stance="for", parent=None, minutes=0, hidden=None):
    return {"id": id, "stance": stance, "parent_id": parent, "hidden_reason": hidden,
            "created_at": T0 + timedelta(minutes=minutes), "body": f"c{id}"}


def test_a_comment_needs_a_stance_and_plain_text():
    ok = validate_comment({"proposal_id": 3, "stance": "against", "body": " 太吵了 "}, [])
    assert (ok.stance, ok.body, ok.parent_id) == ("against", "太吵了", None)
    with pytest.raises(DiscussionInvalid) as bad:
        validate_comment({"proposal_id": 3, "stance": "maybe", "body": "<b>x</b>"}, [])
    assert set(bad.value.errors) == {"stance", "body"}
    assert bad.value.errors["body"][0] == "error.markup"
    with pytest.raises(DiscussionInvalid) as bad:
        validate_comment({"proposal_id": 3, "stance": "for", "body": "长" * 10_000}, [])
    assert bad.value.errors["body"][0] == "error.too_long"
    with pytest.raises(DiscussionInvalid):
        validate_comment({"proposal_id": "3", "stance": "for", "body": "x"}, [])


def test_replies_go_one_level_deep_and_not_to_hidden_comments():
    existing = [c(1), c(2, parent=1), c(3, hidden="spam")]
    assert validate_comment({"proposal_id": 1, "stance": "for", "body": "x", "parent_id": 1},
                            existing).parent_id == 1
    for parent in (2, 3, 99):
        with pytest.raises(DiscussionInvalid) as bad:
            validate_comment({"proposal_id": 1, "stance": "for", "body": "x",
                              "parent_id": parent}, existing)
        assert "parent" in bad.value.errors


def test_threads_sort_by_time_or_stance_with_replies_under_their_comment():
    rows = [c(1, "neutral", minutes=0), c(2, "for", minutes=1), c(3, "against", minutes=2),
            c(4, "for", parent=1, minutes=3), c(5, "against", parent=1, minutes=4),
            c(6, "for", minutes=5)]
    by_time = thread(rows, "time")
    assert [(r["id"], r["depth"]) for r in by_time] == [(6, 0), (3, 0), (2, 0), (1, 0),
                                                         (4, 1), (5, 1)]
    by_stance = thread(rows, "stance")
    assert [r["id"] for r in by_stance] == [6, 2, 3, 1, 4, 5]
    assert stance_balance(rows + [c(7, "for", hidden="x")]) == {"for": 3, "against": 2,
                                                                 "neutral": 1}
    with pytest.raises(ValueError):
        thread(rows, "loudest")


def test_statements_topics_and_votes():
    assert validate_statement("  晚上需要照明 ") == "晚上需要照明"
    for bad in ("", "x" * 10_000, "<script>alert(1)</script>", None, 5):
        with pytest.raises(DiscussionInvalid):
            validate_statement(bad)
    title, description, seeds = validate_topic("口袋公园", "", ["多种树", "", "多种树", "座椅"])
    assert seeds == ["多种树", "座椅"]
    with pytest.raises(DiscussionInvalid) as bad:
        validate_topic("", "", ["ok", "x" * 141])
    assert set(bad.value.errors) == {"title", "seed2"}
    assert [vote_value(v) for v in ("agree", "disagree", "pass", 1, -1, 0)] == [1, -1, 0,
                                                                              1, -1, 0]
    for bad in (2, True, "yes", None, 0.5):
        with pytest.raises(ValueError):
            vote_value(bad)
    with pytest.raises(DiscussionInvalid):
        validate_reason("")
    assert validate_reason("", required=False) == ""


def test_the_least_voted_shown_statement_comes_next():
    statements = [{"id": i, "status": s} for i, s in
                  [(1, "shown"), (2, "shown"), (3, "pending"), (4, "hidden"), (5, "shown")]]
    counts = {1: 5, 2: 1, 5: 1}
    assert next_statement(statements, counts, set())["id"] == 2  # fewest, oldest first
    assert next_statement(statements, counts, {2})["id"] == 5
    assert next_statement(statements, counts, {2, 5})["id"] == 1
    assert next_statement(statements, counts, {1, 2, 5}) is None
