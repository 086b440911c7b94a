"""Statements and votes on a topic (the Pol.is way), in plain Python.

A planner opens a topic with seed statements; residents add short statements, which wait for a
moderator before anyone votes on them; residents vote agree, disagree or pass on statements
shown one at a time, the least-voted first, so that every statement gathers enough votes to
place it (Pol.is shows new comments first for the same reason).
"""

from __future__ import annotations

from workbench.proposals.rules import check_text
from workbench.deliberation.discussion import DiscussionInvalid

#: Pol.is keeps statements to 140 characters: one idea each, quick to read on a phone.
STATEMENT_MAX_CHARS = 140
TOPIC_TITLE_MAX_CHARS = 200
TOPIC_DESCRIPTION_MAX_CHARS = 2000
#: agree / disagree / pass, as Pol.is exports them
VOTES = {"agree": 1, "disagree": -1, "pass": 0}
STATUSES = ("pending", "shown", "hidden")


def validate_statement(value) -> str:
    text, problem = check_text(value, required=True, max_chars=STATEMENT_MAX_CHARS)
    if problem:
        raise DiscussionInvalid({"statement": problem})
    return text


def validate_topic(title, description, seeds) -> tuple[str, str, list[str]]:
    """A planner's new topic: title, description and seed statements (each checked)."""
    errors: dict[str, tuple[str, dict]] = {}
    clean_title, problem = check_text(title, required=True, max_chars=TOPIC_TITLE_MAX_CHARS)
    if problem:
        errors["title"] = problem
    clean_description, problem = check_text(description, required=False, multiline=True,
                                            max_chars=TOPIC_DESCRIPTION_MAX_CHARS)
    if problem:
        errors["description"] = problem
    clean_seeds = []
    if seeds is not None and not isinstance(seeds, (list, tuple)):
        errors["seed1"] = ("error.text_type", {})
        seeds = []
    for i, seed in enumerate(seeds or []):
        if not str(seed or "").strip():
            continue
        text, problem = check_text(seed, required=True, max_chars=STATEMENT_MAX_CHARS)
        if problem:
            errors[f"seed{i + 1}"] = problem
        elif text not in clean_seeds:
            clean_seeds.append(text)
    if errors:
        raise DiscussionInvalid(errors)
    return clean_title, clean_description or "", clean_seeds


def vote_value(vote) -> int:
    """The stored value of a vote given as a word or a number; ValueError otherwise."""
    if isinstance(vote, str) and vote in VOTES:
        return VOTES[vote]
    if isinstance(vote, int) and not isinstance(vote, bool) and vote in (-1, 0, 1):
        return vote
    raise ValueError(f"not a vote: {vote!r}")


def next_statement(statements: list[dict], vote_counts: dict[int, int],
                   voted: set[int]) -> dict | None:
    """The statement to show a voter next: of the shown ones they have not voted on, the one
    with fewest votes (the oldest among equals, so the order is stable); None when done."""
    left = [s for s in statements if s["status"] == "shown" and s["id"] not in voted]
    if not left:
        return None
    return min(left, key=lambda s: (vote_counts.get(s["id"], 0), s["id"]))


def voter_key(code_id: int) -> str:
    """How votes name a participation code."""
    return f"code-{code_id}"
