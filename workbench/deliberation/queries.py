"""The store's part for deliberation: comments, reports and moderation, topics, statements and
votes. Mixed into :class:`workbench.store.Store`; rules live in
:mod:`workbench.deliberation`, this module only reads and writes."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import case, func, insert, select, update

from workbench.deliberation.tables import comments, moderation_actions, reports, statements, topics, votes
from workbench.participation.floods import page_client
from workbench.participation.queries import refuse_flood
from workbench.participation.tables import participation_codes
from workbench.proposals.tables import proposal_photos, proposals

_TARGETS = {"proposal": proposals, "comment": comments, "statement": statements,
            "photo": proposal_photos}


def _now() -> datetime:
    return datetime.now(timezone.utc)


class DeliberationStore:
    """Methods of :class:`Store` (which provides ``engine`` and ``_write``)."""

    # -- comments -----------------------------------------------------------------------
    def add_comment(self, comment, code_id: int, *, client: str | None = None) -> int:
        """Store a validated :class:`workbench.deliberation.discussion.Comment`, held to the
        flood limits per code and per client (default: the page's) across pages
        (:func:`~workbench.participation.queries.refuse_flood`: over one, nothing is
        written)."""
        client = client or page_client()
        now = _now()

        def work(conn):
            refuse_flood(conn, "comment", comments, client=client, code_id=code_id, now=now)
            return conn.execute(insert(comments).values(
                proposal_id=comment.proposal_id, parent_id=comment.parent_id, code_id=code_id,
                stance=comment.stance, body=comment.body, client_key=client,
                created_at=now)).inserted_primary_key[0]
        return self.write(work)

    def comments_of(self, proposal_id: int) -> list[dict]:
        """A proposal's comments, oldest first, with code_id (to mark a resident's own)."""
        query = (select(comments).where(comments.c.proposal_id == proposal_id)
                 .order_by(comments.c.id))
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def comment_counts(self, community_id: str) -> dict[int, int]:
        query = (select(comments.c.proposal_id, func.count())
                 .join(proposals, proposals.c.id == comments.c.proposal_id)
                 .where(proposals.c.community_id == community_id,
                        comments.c.hidden_reason.is_(None))
                 .group_by(comments.c.proposal_id))
        with self.engine.connect() as conn:
            return {pid: n for pid, n in conn.execute(query)}

    # -- reports and moderation ----------------------------------------------------------
    def community_of(self, kind: str, target_id: int) -> str | None:
        """The community a proposal, comment, photo or statement belongs to (None if there is
        no such thing)."""
        if kind == "proposal":
            query = select(proposals.c.community_id).where(proposals.c.id == target_id)
        elif kind in ("comment", "photo"):
            table = _TARGETS[kind]
            query = (select(proposals.c.community_id)
                     .join(table, table.c.proposal_id == proposals.c.id)
                     .where(table.c.id == target_id))
        elif kind == "statement":
            query = (select(topics.c.community_id)
                     .join(statements, statements.c.topic_id == topics.c.id)
                     .where(statements.c.id == target_id))
        else:
            return None
        with self.engine.connect() as conn:
            return conn.execute(query).scalar()

    def add_report(self, community_id: str, kind: str, target_id: int, reason: str,
                   reporter: str) -> bool:
        """Report something to the moderators; False when this reporter already has (one
        report per reporter and thing, so a page cannot flood the queue)."""
        if self.community_of(kind, target_id) != community_id:
            raise ValueError(f"no {kind} {target_id} in {community_id}")

        def work(conn):
            conn.execute(insert(reports).values(
                community_id=community_id, target_kind=kind, target_id=target_id,
                reason=reason, reporter=reporter, created_at=_now()))
            return True
        return self.write_once(work)

    def moderate(self, community_id: str, kind: str, target_id: int, action: str,
                 reason: str, moderator: str) -> None:
        """Hide, show again, accept (a pending statement) or dismiss reports, in one
        transaction with its log entry; the thing's open reports are closed."""
        table = _TARGETS[kind]
        if self.community_of(kind, target_id) != community_id:
            raise ValueError(f"no {kind} {target_id} in {community_id}")
        now = _now()

        def work(conn):
            where = table.c.id == target_id
            if action == "hide":
                values = {"hidden_reason": reason}
                if kind == "statement":
                    values["status"] = "hidden"
                conn.execute(update(table).where(where).values(**values))
            elif action == "show":
                values = {"hidden_reason": None}
                if kind == "statement":
                    values["status"] = "shown"
                conn.execute(update(table).where(where).values(**values))
            elif action == "accept":
                if kind != "statement":
                    raise ValueError("only statements wait to be accepted")
                conn.execute(update(table).where(where).values(status="shown",
                                                                hidden_reason=None))
            elif action != "dismiss":
                raise ValueError(f"unknown action {action!r}")
            conn.execute(update(reports).where(
                reports.c.target_kind == kind, reports.c.target_id == target_id,
                reports.c.handled_at.is_(None)).values(handled_at=now))
            conn.execute(insert(moderation_actions).values(
                community_id=community_id, target_kind=kind, target_id=target_id,
                action=action, reason=reason, moderator=moderator, created_at=now))
        self.write(work)

    def moderation_queue(self, community_id: str) -> list[dict]:
        """What waits for a moderator: things with open reports (with how many and their
        reasons) and residents' statements not yet accepted; oldest first."""
        query = (select(reports.c.target_kind, reports.c.target_id, reports.c.reason,
                        reports.c.created_at)
                 .where(reports.c.community_id == community_id,
                        reports.c.handled_at.is_(None))
                 .order_by(reports.c.id))
        items: dict[tuple[str, int], dict] = {}
        with self.engine.connect() as conn:
            for kind, target_id, reason, at in conn.execute(query):
                item = items.setdefault((kind, target_id), {
                    "kind": kind, "id": target_id, "reports": 0, "reasons": [],
                    "since": at, "pending": False})
                item["reports"] += 1
                item["reasons"].append(reason)
            pending = (select(statements.c.id, statements.c.created_at)
                       .join(topics, topics.c.id == statements.c.topic_id)
                       .where(topics.c.community_id == community_id,
                              statements.c.status == "pending")
                       .order_by(statements.c.id))
            for sid, at in conn.execute(pending):
                item = items.setdefault(("statement", sid), {
                    "kind": "statement", "id": sid, "reports": 0, "reasons": [],
                    "since": at, "pending": False})
                item["pending"] = True
            for item in items.values():
                item.update(self._target_text(conn, item["kind"], item["id"]))
        return sorted(items.values(), key=lambda i: i["since"])

    @staticmethod
    def _target_text(conn, kind: str, target_id: int) -> dict:
        table = _TARGETS[kind]
        if kind == "photo":
            # the picture itself (its thumbnail) and the proposal it shows
            row = conn.execute(
                select(table.c.thumbnail.label("image"), table.c.thumb_width.label("width"),
                       table.c.thumb_height.label("height"), table.c.hidden_reason,
                       proposals.c.title.label("context"))
                .join(proposals, proposals.c.id == table.c.proposal_id)
                .where(table.c.id == target_id)).first()
            if row is None:
                return {"text": "", "more": "", "hidden_reason": None, "context": ""}
            return {"text": "", "more": "", **row._mapping}
        if kind == "proposal":
            cols = (table.c.title.label("text"), table.c.description.label("more"))
        else:
            cols = (table.c.body.label("text"),)
        row = conn.execute(select(*cols, table.c.hidden_reason)
                           .where(table.c.id == target_id)).first()
        if row is None:
            return {"text": "", "more": "", "hidden_reason": None, "context": ""}
        data = dict(row._mapping)
        data.setdefault("more", "")
        # what a moderator needs to judge a comment or statement: where it was said
        if kind == "comment":
            data["context"] = conn.execute(
                select(proposals.c.title).join(comments, comments.c.proposal_id == proposals.c.id)
                .where(comments.c.id == target_id)).scalar() or ""
        elif kind == "statement":
            data["context"] = conn.execute(
                select(topics.c.title).join(statements, statements.c.topic_id == topics.c.id)
                .where(statements.c.id == target_id)).scalar() or ""
        else:
            data["context"] = ""
        return data

    def moderation_log(self, community_id: str) -> list[dict]:
        query = (select(moderation_actions)
                 .where(moderation_actions.c.community_id == community_id)
                 .order_by(moderation_actions.c.id))
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def hidden_items(self, community_id: str) -> list[dict]:
        """What is hidden now, so that a moderator can show it again: proposals, comments and
        photos with a hidden reason, hidden statements (a moderator's or an import's). Dicts
        with kind, id, text, more and hidden_reason (a photo's also image, width, height);
        proposals, then comments, photos and statements, oldest first."""
        queries = [
            ("proposal", select(proposals.c.id).where(
                proposals.c.community_id == community_id,
                proposals.c.hidden_reason.is_not(None)).order_by(proposals.c.id)),
            ("comment", select(comments.c.id)
             .join(proposals, proposals.c.id == comments.c.proposal_id)
             .where(proposals.c.community_id == community_id,
                    comments.c.hidden_reason.is_not(None)).order_by(comments.c.id)),
            ("photo", select(proposal_photos.c.id)
             .join(proposals, proposals.c.id == proposal_photos.c.proposal_id)
             .where(proposals.c.community_id == community_id,
                    proposal_photos.c.hidden_reason.is_not(None))
             .order_by(proposal_photos.c.id)),
            ("statement", select(statements.c.id)
             .join(topics, topics.c.id == statements.c.topic_id)
             .where(topics.c.community_id == community_id, statements.c.status == "hidden")
             .order_by(statements.c.id)),
        ]
        items = []
        with self.engine.connect() as conn:
            for kind, query in queries:
                for (target_id,) in conn.execute(query):
                    items.append({"kind": kind, "id": target_id,
                                  **self._target_text(conn, kind, target_id)})
        return items

    def recent_photos(self, community_id: str, limit: int = 30) -> list[dict]:
        """The newest photos residents added that are shown now, for a moderator to look at
        (photos are shown at once, like text, and hidden when they should not be): dicts as
        :meth:`hidden_items` gives them, newest first."""
        query = (select(proposal_photos.c.id)
                 .join(proposals, proposals.c.id == proposal_photos.c.proposal_id)
                 .where(proposals.c.community_id == community_id,
                        proposal_photos.c.hidden_reason.is_(None))
                 .order_by(proposal_photos.c.id.desc()).limit(limit))
        with self.engine.connect() as conn:
            return [{"kind": "photo", "id": photo_id,
                     **self._target_text(conn, "photo", photo_id)}
                    for (photo_id,) in conn.execute(query).all()]

    def hidden_proposals(self, community_id: str) -> dict[int, str]:
        """Hidden proposals and the moderator's reason."""
        query = select(proposals.c.id, proposals.c.hidden_reason).where(
            proposals.c.community_id == community_id, proposals.c.hidden_reason.is_not(None))
        with self.engine.connect() as conn:
            return {pid: reason for pid, reason in conn.execute(query)}

    # -- topics and statements -----------------------------------------------------------
    def add_topic(self, community_id: str, title: str, description: str, seeds: list[str],
                  *, source: str = "planner") -> int:
        """Open a topic with its seed statements (shown at once); returns its id."""
        now = _now()

        def work(conn):
            topic_id = conn.execute(insert(topics).values(
                community_id=community_id, title=title, description=description,
                status="open", source=source, created_at=now)).inserted_primary_key[0]
            for body in seeds:
                conn.execute(insert(statements).values(
                    topic_id=topic_id, body=body, is_seed=True, status="shown",
                    created_at=now))
            return topic_id
        return self.write(work)

    def set_topic_status(self, topic_id: int, status: str) -> None:
        """Open a topic (publishing an imported one to the community's residents) or close
        it."""
        if status not in ("open", "closed"):
            raise ValueError("a topic is open or closed")
        self.write(lambda conn: conn.execute(
            update(topics).where(topics.c.id == topic_id).values(status=status)))

    def topics(self, community_id: str, *, open_only: bool = False) -> list[dict]:
        """A community's topics, oldest first: every one (for planners), or only the open
        ones."""
        query = select(topics).where(topics.c.community_id == community_id)
        if open_only:
            query = query.where(topics.c.status == "open")
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query.order_by(topics.c.id))]

    def published_topics(self, community_id: str) -> list[dict]:
        """What the community's residents are asked, oldest first: its own open topics. An
        imported conversation is a draft, on no resident page, until a planner of the
        community opens it; a closed topic has left the page."""
        return self.topics(community_id, open_only=True)

    def topic(self, topic_id: int) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(topics).where(topics.c.id == topic_id)).first()
        return dict(row._mapping) if row else None

    def add_statement(self, topic_id: int, body: str, *, code_id: int | None = None,
                      status: str = "pending", is_seed: bool = False,
                      client: str | None = None) -> int:
        """A statement (a resident's waits as pending), held to the flood limits per code
        and per client (default: the page's) as comments are."""
        client = client or page_client()
        now = _now()

        def work(conn):
            refuse_flood(conn, "statement", statements, client=client, code_id=code_id,
                         now=now)
            return conn.execute(insert(statements).values(
                topic_id=topic_id, body=body, code_id=code_id, is_seed=is_seed,
                status=status, client_key=client, created_at=now)).inserted_primary_key[0]
        return self.write(work)

    def statements_of(self, topic_id: int) -> list[dict]:
        """Every statement of a topic (all statuses), oldest first, with its vote counts."""
        counts = (select(votes.c.statement_id,
                         func.sum(case((votes.c.vote == 1, 1), else_=0)).label("agrees"),
                         func.sum(case((votes.c.vote == -1, 1), else_=0)).label("disagrees"),
                         func.sum(case((votes.c.vote == 0, 1), else_=0)).label("passes"))
                  .group_by(votes.c.statement_id).subquery())
        query = (select(statements, func.coalesce(counts.c.agrees, 0).label("agrees"),
                        func.coalesce(counts.c.disagrees, 0).label("disagrees"),
                        func.coalesce(counts.c.passes, 0).label("passes"))
                 .outerjoin(counts, counts.c.statement_id == statements.c.id)
                 .where(statements.c.topic_id == topic_id).order_by(statements.c.id))
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    # -- votes ---------------------------------------------------------------------------
    def set_vote(self, statement_id: int, voter: str, vote: int, *, code_id: int | None = None,
                 source: str = "resident") -> bool:
        """Record a vote, or change the voter's earlier one (one per voter and statement,
        enforced by the database). Only shown statements of open topics take votes: False
        otherwise, and nothing is written."""
        now = _now()

        def work(conn):
            open_and_shown = conn.execute(
                select(statements.c.id).join(topics, topics.c.id == statements.c.topic_id)
                .where(statements.c.id == statement_id, statements.c.status == "shown",
                       topics.c.status == "open")).first()
            if open_and_shown is None:
                return False
            if code_id is not None and conn.execute(select(participation_codes.c.status).where(
                    participation_codes.c.id == code_id)).scalar() != "active":
                return False  # revoked since the page took it
            changed = conn.execute(update(votes).where(
                votes.c.statement_id == statement_id, votes.c.voter == voter).values(
                vote=vote, source=source, updated_at=now)).rowcount
            if not changed:
                conn.execute(insert(votes).values(
                    statement_id=statement_id, voter=voter, code_id=code_id, vote=vote,
                    source=source, created_at=now, updated_at=now))
            return True
        # the same voter's vote inserted by another tab at once: update it on the next run
        return self.write_again_if_raced(work, tries=3)

    def votes_of(self, voter: str, topic_id: int) -> dict[int, int]:
        """A voter's votes on a topic: statement id -> vote."""
        query = (select(votes.c.statement_id, votes.c.vote)
                 .join(statements, statements.c.id == votes.c.statement_id)
                 .where(votes.c.voter == voter, statements.c.topic_id == topic_id))
        with self.engine.connect() as conn:
            return {sid: v for sid, v in conn.execute(query)}

    def votes_frame(self, topic_id: int):
        """Every current vote on a topic as a DataFrame: voter, statement, vote, timestamp
        (the last change), source."""
        import pandas as pd

        query = (select(votes.c.voter, votes.c.statement_id.label("statement"), votes.c.vote,
                        votes.c.updated_at.label("timestamp"), votes.c.source)
                 .join(statements, statements.c.id == votes.c.statement_id)
                 .where(statements.c.topic_id == topic_id).order_by(votes.c.id))
        with self.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(query)]
        return pd.DataFrame(rows, columns=["voter", "statement", "vote", "timestamp", "source"])

    def import_conversation(self, community_id: str, title: str, description: str,
                            comments_rows: list[dict], votes_rows: list[dict]) -> int:
        """Store an imported conversation in one transaction: statements keep their external
        id and author; votes are keyed "polis-<voter id>". Returns the new topic's id.

        The topic is a draft: planners study it (statements, opinion groups), and residents
        see it only once a planner opens it for them (:meth:`set_topic_status`), since a
        conversation held elsewhere is not the community's own.

        ``comments_rows``: dicts with external_id, body, status, and optionally author,
        is_seed, hidden_reason, created_at. ``votes_rows``: dicts with statement (an
        external id), voter, vote and optionally created_at; one per voter and statement."""
        now = _now()

        def work(conn):
            topic_id = conn.execute(insert(topics).values(
                community_id=community_id, title=title, description=description,
                status="draft", source="polis", created_at=now)).inserted_primary_key[0]
            ids = {}
            for row in comments_rows:
                ids[row["external_id"]] = conn.execute(insert(statements).values(
                    topic_id=topic_id, body=row["body"], author=row.get("author"),
                    external_id=row["external_id"], is_seed=bool(row.get("is_seed")),
                    status=row["status"], hidden_reason=row.get("hidden_reason"),
                    created_at=row.get("created_at") or now)
                ).inserted_primary_key[0]
            batch = [{"statement_id": ids[v["statement"]], "voter": v["voter"],
                      "code_id": None, "vote": v["vote"], "source": "polis",
                      "created_at": v.get("created_at") or now,
                      "updated_at": v.get("created_at") or now}
                     for v in votes_rows if v["statement"] in ids]
            if batch:
                conn.execute(insert(votes), batch)
            return topic_id
        return self.write(work)

    # -- codes moving on --------------------------------------------------------------------
    @staticmethod
    def carry_code_over(conn, old_code_id: int, new_code_id: int) -> None:
        """A reissued code carries the old one's votes (see ``ParticipationStore.add_codes``)."""
        conn.execute(update(votes).where(votes.c.code_id == old_code_id)
                     .values(code_id=new_code_id, voter=f"code-{new_code_id}"))

    def code_status(self, code_id: int) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(select(participation_codes.c.status).where(
                participation_codes.c.id == code_id)).scalar()


STORE_PART = DeliberationStore
