"""Comments on proposals, reports and moderation: the rules, in plain Python.

A comment takes a stance (for, against, neutral) and may answer a top-level comment (one level
of replies, so a phone can show a thread without indentation running off the screen). Anyone
may report a proposal, its photo, a comment or a statement; a moderator hides it with a public
reason, and the page shows "hidden by the moderator: <reason>" in its place. Nothing is ever
deleted.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.proposals.rules import InputInvalid, check_text

STANCES = ("for", "against", "neutral")
#: What can be reported and moderated.
TARGET_KINDS = ("proposal", "comment", "photo", "statement")
#: Moderation actions, as logged. "hide" and "show" change what residents see; "accept" lets
#: a resident's pending statement be voted on; "dismiss" closes reports with no change.
ACTIONS = ("hide", "show", "accept", "dismiss")
COMMENT_MAX_CHARS = 500
REASON_MAX_CHARS = 200
#: Sort orders of a proposal's comments.
ORDERS = ("time", "stance")


class DiscussionInvalid(InputInvalid):
    """A comment, reason, statement or topic that breaks a rule."""


@dataclass(frozen=True)
class Comment:
    """A validated comment, ready to be stored."""

    proposal_id: int
    stance: str
    body: str
    parent_id: int | None = None


def validate_comment(raw: dict, existing: list[dict]) -> Comment:
    """Check a comment against the rules. ``existing`` are the proposal's stored comments
    (dicts with id and parent_id): a reply must answer one of them that is itself top-level."""
    errors: dict[str, tuple[str, dict]] = {}
    body, problem = check_text(raw.get("body"), required=True, multiline=True,
                               max_chars=COMMENT_MAX_CHARS)
    if problem:
        errors["body"] = problem
    stance = raw.get("stance")
    if stance not in STANCES:
        errors["stance"] = ("error.stance_required", {})
    parent_id = raw.get("parent_id") or None
    if parent_id is not None:
        parent = next((c for c in existing if c["id"] == parent_id), None)
        if parent is None or parent.get("parent_id") is not None or parent.get("hidden_reason"):
            errors["parent"] = ("error.reply_target", {})
    proposal_id = raw.get("proposal_id")
    if not isinstance(proposal_id, int) or isinstance(proposal_id, bool):
        errors["proposal"] = ("error.unexpected", {})
    if errors:
        raise DiscussionInvalid(errors)
    return Comment(proposal_id=proposal_id, stance=stance, body=body, parent_id=parent_id)


def validate_reason(value, *, required: bool = True) -> str:
    """A report's or a moderator's reason: short plain text."""
    text, problem = check_text(value, required=required, max_chars=REASON_MAX_CHARS)
    if problem:
        raise DiscussionInvalid({"reason": problem})
    return text or ""


def thread(comments: list[dict], order: str = "time") -> list[dict]:
    """Top-level comments in the chosen order, each followed by its replies (oldest first, as
    a conversation reads). ``order``: "time" (newest first) or "stance" (for, against,
    neutral; newest first within each). Each returned dict gains ``depth`` 0 or 1."""
    if order not in ORDERS:
        raise ValueError(f"order must be one of {ORDERS}")
    top = [c for c in comments if c.get("parent_id") is None]
    replies: dict[int, list[dict]] = {}
    for c in comments:
        if c.get("parent_id") is not None:
            replies.setdefault(c["parent_id"], []).append(c)
    newest_first = sorted(top, key=lambda c: (c["created_at"], c["id"]), reverse=True)
    if order == "stance":
        # a stable sort keeps newest-first inside each stance
        newest_first.sort(key=lambda c: STANCES.index(c["stance"]))
    out = []
    for c in newest_first:
        out.append({**c, "depth": 0})
        for r in sorted(replies.get(c["id"], []), key=lambda r: (r["created_at"], r["id"])):
            out.append({**r, "depth": 1})
    return out


def stance_balance(comments: list[dict]) -> dict[str, int]:
    """Visible comments by stance: {"for": n, "against": n, "neutral": n}."""
    counts = dict.fromkeys(STANCES, 0)
    for c in comments:
        if not c.get("hidden_reason") and c.get("stance") in counts:
            counts[c["stance"]] += 1
    return counts
