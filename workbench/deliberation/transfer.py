"""Conversations in and out of the workbench, in the Pol.is export format.

- :func:`import_polis` reads a Pol.is export folder (:mod:`.polis_files`) into a new topic:
  statements keep their Pol.is comment-id (``external_id``) and author-id; Pol.is's moderation
  becomes the statement's status (moderated 1 or 0 -> shown, -1 -> hidden with the reason
  "moderated out in Pol.is"); a meta statement (is-meta) is hidden with the reason
  ``META_IN_POLIS``, since Pol.is keeps meta statements out of the opinion groups
  (conversation.clj ``mod-update``) and the store has no meta flag: the groups of the imported
  topic are then those of the export read directly; each participant's last vote on each statement is kept, under
  the voter key "polis-<voter id>".
- :func:`export_polis` writes a topic as a Pol.is export folder: its statements and current
  votes, with the opinion groups and group-informed consensus computed here
  (:mod:`.topic_groups`). Statements imported from Pol.is keep their comment-id; statements
  made here get their store id (or, should that number be an imported comment-id already, the
  next free number). Imported participants keep their Pol.is id; every other voter (a
  participation code) becomes an opaque participant number, given in the order of first vote
  after the highest Pol.is id: never the code, nor the code's id.

Plain Python over the store object: no SQL, no widgets. What the export cannot carry back:
Pol.is's "not yet moderated" (0) comes back as shown (1); a statement hidden as meta comes
back as moderated 1 with is-meta true, every other as is-meta false; statements waiting for a
moderator here are exported as 0.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from workbench.deliberation.polis_files import PolisConversation, read_polis_export, write_polis_export

HIDDEN_IN_POLIS = "moderated out in Pol.is"
META_IN_POLIS = "meta statement in Pol.is (not part of the opinion groups)"
POLIS_VOTER = "polis-"
TITLE_MAX_CHARS = 200
_MODERATED = {"shown": 1, "pending": 0, "hidden": -1}


def _when(ms) -> datetime | None:
    """A Pol.is timestamp (ms since 1970) as a UTC datetime; None for 0 (unknown)."""
    ms = int(ms)
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc) if ms > 0 else None


def _ms(value) -> int:
    """A stored datetime as a Pol.is timestamp; naive ones are UTC (SQLite keeps no zone)."""
    if value is None:
        return 0
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return int(round(value.timestamp() * 1000))


# -- in ---------------------------------------------------------------------------------------
def conversation_rows(conv: PolisConversation) -> tuple[list[dict], list[dict]]:
    """The rows :meth:`Store.import_conversation` takes, from a read Pol.is conversation."""
    comments_rows = []
    for c in conv.comments.itertuples(index=False):
        hidden = int(c.moderated) == -1
        reason = HIDDEN_IN_POLIS if hidden else (META_IN_POLIS if c.is_meta else None)
        comments_rows.append({
            "external_id": int(c.statement), "body": str(c.body), "author": str(int(c.author)),
            "is_seed": bool(c.is_seed), "status": "hidden" if reason else "shown",
            "hidden_reason": reason,
            "created_at": _when(c.timestamp)})
    votes = conv.votes.sort_values("timestamp", kind="mergesort")  # ties keep file order
    last = votes.drop_duplicates(["voter", "statement"], keep="last")
    votes_rows = [{"statement": int(v.statement), "voter": f"{POLIS_VOTER}{int(v.voter)}",
                   "vote": int(v.vote), "created_at": _when(v.timestamp)}
                  for v in last.itertuples(index=False)]
    return comments_rows, votes_rows


def import_polis(store, community_id: str, folder) -> int:
    """Import a Pol.is export folder as a new topic of the community; returns its id.
    Raises :class:`.polis_files.PolisFormatError` (a ValueError) for a malformed folder;
    nothing is written then."""
    folder = Path(folder)
    conv = read_polis_export(folder)
    title = (conv.topic or "").strip() or folder.name or "Pol.is"
    if len(title) > TITLE_MAX_CHARS:
        title = title[:TITLE_MAX_CHARS - 1] + "…"
    comments_rows, votes_rows = conversation_rows(conv)
    return store.import_conversation(community_id, title, (conv.description or "").strip(),
                                     comments_rows, votes_rows)


# -- out --------------------------------------------------------------------------------------
class _Participants:
    """Participant numbers of a topic's voters and authors: Pol.is ids stay, everyone else
    gets the next number above them, in the order first met."""

    def __init__(self, reserved: set[int]):
        self.numbers: dict[str, int] = {}
        self.next = max(reserved) + 1 if reserved else 0

    def __call__(self, key: str) -> int:
        if key.startswith(POLIS_VOTER) and key[len(POLIS_VOTER):].isdigit():
            return int(key[len(POLIS_VOTER):])
        if key not in self.numbers:
            self.numbers[key] = self.next
            self.next += 1
        return self.numbers[key]


def _comment_ids(statements: list[dict]) -> dict[int, int]:
    """Store id -> comment-id: the external id when imported, else the store id unless an
    imported comment already has that number (then the next free one)."""
    taken = {s["external_id"] for s in statements if s["external_id"] is not None}
    free = max(taken | {s["id"] for s in statements}, default=-1) + 1
    ids = {}
    for s in statements:
        if s["external_id"] is not None:
            ids[s["id"]] = int(s["external_id"])
        elif s["id"] not in taken:
            ids[s["id"]] = int(s["id"])
            taken.add(s["id"])
        else:
            ids[s["id"]] = free
            free += 1
    return ids


def _is_meta(statement: dict) -> bool:
    """Hidden only because it was a meta statement in Pol.is (see the module doc)."""
    return statement["status"] == "hidden" and statement["hidden_reason"] == META_IN_POLIS


def export_polis(store, topic_id: int, folder) -> Path:
    """Write the topic as a Pol.is export folder (comments.csv, votes.csv,
    participants-votes.csv, summary.csv); returns the folder. Raises LookupError for an
    unknown topic."""
    import pandas as pd

    from workbench.deliberation.topic_groups import topic_groups

    topic = store.topic(topic_id)
    if topic is None:
        raise LookupError(f"no topic {topic_id}")
    statements = store.statements_of(topic_id)
    votes = store.votes_frame(topic_id)
    comment_id = _comment_ids(statements)

    reserved = {int(v[len(POLIS_VOTER):]) for v in votes["voter"]
                if v.startswith(POLIS_VOTER) and v[len(POLIS_VOTER):].isdigit()}
    reserved |= {int(s["author"]) for s in statements
                 if s["external_id"] is not None and str(s["author"] or "").isdigit()}
    participant = _Participants(reserved)
    for voter in votes["voter"]:      # numbers in the order of first vote
        participant(voter)

    def author(s: dict) -> int:
        if s["external_id"] is not None and str(s["author"] or "").isdigit():
            return int(s["author"])
        if s["code_id"] is not None:
            return participant(f"code-{s['code_id']}")
        return participant("planner")  # seeds written by the planners

    comments = pd.DataFrame({
        "statement": [comment_id[s["id"]] for s in statements],
        "author": [author(s) for s in statements],
        "body": [s["body"] for s in statements],
        "moderated": [1 if _is_meta(s) else _MODERATED.get(s["status"], 0)
                      for s in statements],
        "is_seed": [bool(s["is_seed"]) for s in statements],
        "is_meta": [_is_meta(s) for s in statements],
        "timestamp": [_ms(s["created_at"]) for s in statements],
    }, columns=["statement", "author", "body", "moderated", "is_seed", "is_meta", "timestamp"])
    out_votes = pd.DataFrame({
        "voter": [participant(v) for v in votes["voter"]],
        "statement": [comment_id[s] for s in votes["statement"]],
        "vote": votes["vote"].astype(int).tolist(),
        "timestamp": [_ms(t) for t in votes["timestamp"]],
    }, columns=["voter", "statement", "vote", "timestamp"])

    groups = consensus = None
    result = topic_groups(store, topic_id)
    if result.problem is None:
        by_voter = result.groups.by_voter()
        groups = pd.Series(by_voter.to_numpy(dtype=float),
                           index=[participant(v) for v in by_voter.index], name="group")
        table = result.table.dropna(subset=["group_informed_consensus"])
        consensus = pd.Series(table["group_informed_consensus"].to_numpy(dtype=float),
                              index=[comment_id[s] for s in table["statement"]],
                              name="group_informed_consensus")
    return write_polis_export(folder, topic=topic["title"], description=topic["description"],
                              comments=comments, votes=out_votes, groups=groups,
                              consensus=consensus)
