"""The store's part for participation codes: hashes only, revoking, reissuing (the new
code carries the old one's supports and votes), and residents' personal data (kept apart,
handed over or deleted on request: docs/privacy.md)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import (LargeBinary, String, case, delete, false, func, insert, literal, or_,
                        select, update)
from sqlalchemy.exc import IntegrityError

from workbench.deliberation.tables import comments, moderation_actions, statements, topics
from workbench.participation import floods
from workbench.participation.tables import (community_secrets, flood_hide_items, flood_hides,
                                            participation_codes, residents_personal)
from workbench.proposals.tables import proposals
from workbench.surveys.tables import survey_responses


def refuse_flood(conn, kind: str, table, *, client: str | None, code_id: int | None,
                 now: datetime) -> None:
    """Inside a store's write, before the insert: raise
    :class:`~workbench.participation.floods.FloodLimited` (and so write nothing) when the
    client or the code already holds a limit's count of ``kind`` in its window. ``table``
    has ``client_key``, ``created_at`` and (for the code) ``code_id``. One query per scope,
    on an index of (key, created_at).

    Exact under concurrent writers: on SQLite the count is read holding the write lock; on
    PostgreSQL the submissions of one client (or code) take turns by a transaction-scoped
    advisory lock, taken client first, then code, so two never wait on each other."""
    for scope, column, value in (("client", "client_key", client), ("code", "code_id", code_id)):
        limits = floods.limits(kind, scope) if value is not None else ()
        if not limits:
            continue
        if conn.dialect.name == "postgresql":
            conn.execute(select(func.pg_advisory_xact_lock(
                func.hashtext(f"flood:{kind}:{scope}:{value}"))))
        elif conn.dialect.name == "sqlite":
            # a write that changes nothing takes the write lock before the count is read (a
            # read alone would not: pysqlite begins the transaction at the first write)
            conn.execute(update(table).where(false()).values(client_key=None))
        since = {limit: now - timedelta(seconds=limit.seconds) for limit in limits}
        row = conn.execute(select(*[
            func.coalesce(func.sum(case((table.c.created_at > since[limit], 1), else_=0)), 0)
            for limit in limits]).where(
            table.c[column] == value, table.c.created_at > min(since.values()))).one()
        floods.over_limit(dict(zip(limits, row)), kind, scope)


class ParticipationStore:
    """Methods of :class:`workbench.store.Store` (which provides ``engine`` and ``write``)."""

    def code_salt(self, community_id: str, create: bool = True) -> str | None:
        """The community's salt for code hashes, made on first use (``create``); None for a
        community with no codes yet when not creating."""
        from workbench.participation.codes import new_salt

        def work(conn):
            salt = conn.execute(select(community_secrets.c.code_salt).where(
                community_secrets.c.community_id == community_id)).scalar()
            if salt or not create:
                return salt
            salt = new_salt()
            conn.execute(insert(community_secrets).values(community_id=community_id,
                                                          code_salt=salt))
            return salt
        try:
            return self.write(work)
        except IntegrityError:  # made at the same moment by another process: read it
            return self.write(work)

    def add_codes(self, community_id: str, hashes: list[str], batch: str = "",
                  replaces_id: int | None = None) -> list[int]:
        """Store code hashes in one transaction (all or none); returns their ids."""
        now = datetime.now(timezone.utc)

        def work(conn):
            ids = []
            for h in hashes:
                ids.append(conn.execute(insert(participation_codes).values(
                    community_id=community_id, code_hash=h, batch=batch, status="active",
                    replaces_id=replaces_id, issued_at=now)).inserted_primary_key[0])
            if replaces_id is not None:
                self._carry_over(conn, replaces_id, ids[-1])
            return ids
        return self.write(work)

    def active_code_id(self, community_id: str, code_hash: str) -> int | None:
        query = select(participation_codes.c.id).where(
            participation_codes.c.community_id == community_id,
            participation_codes.c.code_hash == code_hash,
            participation_codes.c.status == "active")
        with self.engine.connect() as conn:
            return conn.execute(query).scalar()

    def revoke_code(self, code_id: int) -> bool:
        """Revoke a code; False when there was no active code with that id."""
        def work(conn):
            return conn.execute(update(participation_codes).where(
                participation_codes.c.id == code_id,
                participation_codes.c.status == "active").values(
                status="revoked", revoked_at=datetime.now(timezone.utc))).rowcount == 1
        return self.write(work)

    def list_codes(self, community_id: str) -> list[dict]:
        """Codes without their hashes: id, batch, status, replaces_id, dates."""
        cols = [c for c in participation_codes.c if c.name != "code_hash"]
        query = (select(*cols).where(participation_codes.c.community_id == community_id)
                 .order_by(participation_codes.c.id))
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]


    def code_id_of(self, community_id: str, code_hash: str) -> int | None:
        """The id of a code of the community whatever its status (a revoked code's resident
        still has rights over what it holds)."""
        query = select(participation_codes.c.id).where(
            participation_codes.c.community_id == community_id,
            participation_codes.c.code_hash == code_hash)
        with self.engine.connect() as conn:
            return conn.execute(query).scalar()

    # -- personal data ----------------------------------------------------------------------
    def set_personal_data(self, code_id: int, name: str | None = None,
                          contact: str | None = None) -> None:
        """Keep (or replace) a resident's name and contact details, validated by the caller;
        nothing given deletes them."""
        def work(conn):
            conn.execute(delete(residents_personal).where(
                residents_personal.c.code_id == code_id))
            if name or contact:
                conn.execute(insert(residents_personal).values(
                    code_id=code_id, name=name or None, contact=contact or None,
                    updated_at=datetime.now(timezone.utc)))
        self.write(work)

    def personal_data(self, code_id: int) -> dict | None:
        query = select(residents_personal.c.name, residents_personal.c.contact,
                       residents_personal.c.updated_at).where(
            residents_personal.c.code_id == code_id)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return dict(row._mapping) if row else None

    def contributions_of_code(self, code_id: int) -> list[dict]:
        """Everything stored under a participation code, in every domain's tables: the rows
        that carry its id (``code_id``, a proposal's ``author_code_id``) or its key (``code-<id>`` as respondent, voter or
        reporter),
        as {"table": name, **columns}, bytes left out (a photo is listed, not copied)."""
        from workbench.store.tables import load_all

        key = f"code-{code_id}"
        found = []
        with self.engine.connect() as conn:
            for table in load_all().sorted_tables:
                if table.name in ("residents_personal", "participation_codes"):
                    continue
                wheres = [table.c[name] == key for name in ("respondent", "voter", "reporter")
                          if name in table.c]
                # code_id, and any other column naming a code (a proposal's author_code_id)
                wheres += [column == code_id for column in table.c
                           if column.name == "code_id" or any(
                               fk.target_fullname == "participation_codes.id"
                               for fk in column.foreign_keys)]
                if not wheres:
                    continue
                cols = [c for c in table.c if not isinstance(c.type, LargeBinary)]
                for row in conn.execute(select(*cols).where(or_(*wheres))):
                    found.append({"table": table.name, **row._mapping})
        return found

    def forget_personal_data(self, community_id: str, code_id: int, planner: str,
                             reason: str) -> bool:
        """Delete a resident's personal data (their contributions stay, under the code's id
        alone) and log it, without the data, in the moderation log; False when there was
        none."""
        return self._forget(community_id, residents_personal.c.code_id, "code", code_id,
                            planner, reason)

    def _forget(self, community_id: str, column, kind: str, target_id: int, planner: str,
                reason: str) -> bool:
        """Delete the rows of ``column``'s table that hold ``target_id`` and log the
        deletion (what was deleted is not logged), in one transaction."""
        def work(conn):
            gone = conn.execute(delete(column.table).where(column == target_id)).rowcount
            conn.execute(insert(moderation_actions).values(
                community_id=community_id, target_kind=kind, target_id=target_id,
                action="forget", reason=reason, moderator=planner,
                created_at=datetime.now(timezone.utc)))
            return gone > 0
        return self.write(work)

    def proposal_author(self, community_id: str, receipt_code: str) -> dict | None:
        """A proposal made without a code, by its receipt: {"proposal": id, "title", "name"}
        (name None when none was given); None when the community has no such proposal."""
        from workbench.proposals.tables import proposal_authors, proposals

        query = (select(proposals.c.id.label("proposal"), proposals.c.title,
                        proposals.c.created_at, proposal_authors.c.name)
                 .outerjoin(proposal_authors, proposal_authors.c.proposal_id == proposals.c.id)
                 .where(proposals.c.community_id == community_id,
                        proposals.c.receipt_code == receipt_code))
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return dict(row._mapping) if row else None

    def forget_proposal_author(self, community_id: str, proposal_id: int, planner: str,
                               reason: str) -> bool:
        """Delete the name given with a proposal (the proposal stays, anonymous) and log it
        without the name; False when there was none."""
        from workbench.proposals.tables import proposal_authors

        return self._forget(community_id, proposal_authors.c.proposal_id, "proposal",
                            proposal_id, planner, reason)

    @staticmethod
    def carry_code_over(conn, old_code_id: int, new_code_id: int) -> None:
        """A reissued code keeps its resident's personal data."""
        conn.execute(update(residents_personal).where(
            residents_personal.c.code_id == old_code_id).values(code_id=new_code_id))

    def _carry_over(self, conn, old_code_id: int, new_code_id: int) -> None:
        """A reissued code (lost slip) carries everything the old one gave (supports, votes,
        ...: each domain's ``carry_code_over``), so that the same person cannot count twice;
        the old code is revoked in the same breath."""
        for part in type(self).__mro__:
            carry = part.__dict__.get("carry_code_over")
            if carry is not None:
                carry.__func__(conn, old_code_id, new_code_id)

    # -- floods ------------------------------------------------------------------------------
    def flood_clients(self, community_id: str, start: datetime, end: datetime,
                      limit: int = 20) -> list[dict]:
        """The clients that submitted most in a time window, what hiding would hide: dicts
        with client_key, proposal, comment, statement (counts of those shown now), total,
        first, last and sample (a few of their texts); the busiest first."""
        found: dict[str, dict] = {}
        with self.engine.connect() as conn:
            for kind, (table, query) in _flood_queries(community_id, None, start, end).items():
                grouped = (query.with_only_columns(table.c.client_key, func.count(),
                                                   func.min(table.c.created_at),
                                                   func.max(table.c.created_at))
                           .group_by(table.c.client_key))
                for key, count, first, last in conn.execute(grouped):
                    row = found.setdefault(key, {"client_key": key, "proposal": 0,
                                                 "comment": 0, "statement": 0,
                                                 "first": first, "last": last})
                    row[kind] = count
                    row["first"], row["last"] = min(row["first"], first), max(row["last"], last)
            busiest = sorted(found.values(), key=lambda r: (-_total(r), r["client_key"]))[:limit]
            for row in busiest:
                row["total"] = _total(row)
                row["sample"] = self._flood_sample(conn, community_id, row["client_key"],
                                                   start, end)
        return busiest

    @staticmethod
    def _flood_sample(conn, community_id, key, start, end, count: int = 3) -> list[str]:
        texts = []
        for kind, (table, query) in _flood_queries(community_id, key, start, end).items():
            column = table.c.title if kind == "proposal" else table.c.body
            texts += conn.execute(query.with_only_columns(column)
                                  .order_by(table.c.id).limit(count)).scalars().all()
        return texts[:count]

    def flood_preview(self, community_id: str, client_key: str, start: datetime,
                      end: datetime) -> dict[str, int]:
        """How many proposals, comments and statements hiding this client's window would
        hide (those shown, or pending, now)."""
        with self.engine.connect() as conn:
            return {kind: conn.execute(query.with_only_columns(func.count())).scalar_one()
                    for kind, (_table, query) in _flood_queries(community_id, client_key, start,
                                                                end).items()}

    def hide_flood(self, community_id: str, client_key: str, start: datetime, end: datetime,
                   reason: str, moderator: str) -> tuple[int, dict[str, int]] | None:
        """Hide everything the client submitted in the window (proposals, comments,
        statements) with the public ``reason``, in one transaction with its entry in the
        moderation log (target "flood", the hide's id); returns (the hide's id, counts), or
        None when there was nothing to hide (nothing written)."""
        now = datetime.now(timezone.utc)

        def work(conn):
            targets = {kind: conn.execute(query.with_only_columns(*_status_columns(kind, table)))
                       .all() for kind, (table, query)
                       in _flood_queries(community_id, client_key, start, end).items()}
            if not any(targets.values()):
                return None
            hide_id = conn.execute(insert(flood_hides).values(
                community_id=community_id, client_key=client_key, window_start=utc(start),
                window_end=utc(end), reason=reason, moderator=moderator, created_at=now)
            ).inserted_primary_key[0]
            for kind, rows in targets.items():
                table = _FLOOD_TABLES[kind]
                ids = [row[0] for row in rows]
                for chunk in _chunks(ids):
                    values = {"hidden_reason": reason}
                    if kind == "statement":
                        values["status"] = "hidden"
                    conn.execute(update(table).where(table.c.id.in_(chunk)).values(**values))
                if rows:
                    conn.execute(insert(flood_hide_items), [
                        {"flood_hide_id": hide_id, "target_kind": kind, "target_id": row[0],
                         "status_before": row[1]} for row in rows])
            conn.execute(insert(moderation_actions).values(
                community_id=community_id, target_kind="flood", target_id=hide_id,
                action="hide", reason=reason, moderator=moderator, created_at=now))
            return hide_id, {kind: len(rows) for kind, rows in targets.items()}
        return self.write(work)

    def unhide_flood(self, community_id: str, hide_id: int, moderator: str
                     ) -> dict[str, int] | None:
        """Show again what one flood hide hid (a statement back to pending or shown, as it
        was), logged; what was hidden or shown since for another reason is left as it is.
        Returns the counts shown again, or None when there is no such hide still in effect
        in the community (nothing written)."""
        now = datetime.now(timezone.utc)

        def work(conn):
            hide = conn.execute(select(flood_hides).where(
                flood_hides.c.id == hide_id, flood_hides.c.community_id == community_id,
                flood_hides.c.undone_at.is_(None))).first()
            if hide is None:
                return None
            counts = {}
            for kind, table in _FLOOD_TABLES.items():
                items = conn.execute(select(flood_hide_items.c.target_id,
                                            flood_hide_items.c.status_before).where(
                    flood_hide_items.c.flood_hide_id == hide_id,
                    flood_hide_items.c.target_kind == kind)).all()
                counts[kind] = 0
                for before in {row[1] for row in items}:
                    ids = [row[0] for row in items if row[1] == before]
                    values = {"hidden_reason": None}
                    if kind == "statement":
                        values["status"] = before or "shown"
                    for chunk in _chunks(ids):
                        counts[kind] += conn.execute(update(table).where(
                            table.c.id.in_(chunk),
                            table.c.hidden_reason == hide.reason).values(**values)).rowcount
            conn.execute(update(flood_hides).where(flood_hides.c.id == hide_id).values(
                undone_at=now, undone_by=moderator))
            conn.execute(insert(moderation_actions).values(
                community_id=community_id, target_kind="flood", target_id=hide_id,
                action="show", reason=hide.reason, moderator=moderator, created_at=now))
            return counts
        return self.write(work)

    def flood_hides_of(self, community_id: str) -> list[dict]:
        """The community's flood hides, newest first, with how many things each hid."""
        counts = (select(flood_hide_items.c.flood_hide_id, func.count().label("item_count"))
                  .group_by(flood_hide_items.c.flood_hide_id).subquery())
        query = (select(flood_hides, func.coalesce(counts.c.item_count, 0).label("items"))
                 .outerjoin(counts, counts.c.flood_hide_id == flood_hides.c.id)
                 .where(flood_hides.c.community_id == community_id)
                 .order_by(flood_hides.c.id.desc()))
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def forget_client_keys(self, before: datetime) -> int:
        """Clear the client keys of everything submitted before ``before`` (and of flood
        hides made before it), so that no old submission can be linked to a client; returns
        how many submissions were cleared."""
        def work(conn):
            cleared = 0
            for table in _CLIENT_KEYED:
                cleared += conn.execute(update(table).where(
                    table.c.client_key.is_not(None), table.c.created_at < utc(before))
                    .values(client_key=None)).rowcount
            conn.execute(update(flood_hides).where(flood_hides.c.created_at < utc(before))
                         .values(client_key=""))
            return cleared
        return self.write(work)


def _flood_queries(community_id: str, client_key: str | None, start: datetime,
                   end: datetime) -> dict:
    """kind -> (table, a select of its rows in the community and window, shown or pending
    now, by ``client_key``, or by any client when None); the caller chooses the columns."""
    queries = {
        "proposal": (proposals, select(proposals.c.id).where(
            proposals.c.community_id == community_id, proposals.c.hidden_reason.is_(None))),
        "comment": (comments, select(comments.c.id)
                    .join(proposals, proposals.c.id == comments.c.proposal_id)
                    .where(proposals.c.community_id == community_id,
                           comments.c.hidden_reason.is_(None))),
        "statement": (statements, select(statements.c.id)
                      .join(topics, topics.c.id == statements.c.topic_id)
                      .where(topics.c.community_id == community_id,
                             statements.c.status != "hidden")),
    }
    start, end = utc(start), utc(end)
    for kind, (table, query) in queries.items():
        window = [table.c.created_at >= start, table.c.created_at < end]
        key = (table.c.client_key == client_key if client_key is not None
               else table.c.client_key.is_not(None))
        queries[kind] = (table, query.where(key, *window))
    return queries


def utc(moment: datetime) -> datetime:
    """A moment in UTC, as every time is stored (SQLite keeps a time's digits, not its zone,
    so a time in another zone would be compared as if it were UTC)."""
    return moment.astimezone(timezone.utc)


#: what a flood hide hides, by kind
_FLOOD_TABLES = {"proposal": proposals, "comment": comments, "statement": statements}
#: every table keeping a client key: the above, which a planner can hide, and survey responses,
#: which are only limited (a survey's results are read by planners, not shown to residents)
_CLIENT_KEYED = (*_FLOOD_TABLES.values(), survey_responses)


def _status_columns(kind: str, table):
    """A flood target's id and, for a statement, its status (put back when shown again)."""
    return table.c.id, (table.c.status if kind == "statement" else literal(None, String))


def _total(row: dict) -> int:
    return row["proposal"] + row["comment"] + row["statement"]


def _chunks(ids: list[int], size: int = 500):
    """Ids in slices a database takes in one IN list (SQLite's limit on bound values)."""
    for at in range(0, len(ids), size):
        yield ids[at:at + size]


STORE_PART = ParticipationStore
