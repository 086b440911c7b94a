"""The store's part for participation codes: hashes only, revoking, reissuing (the new
code carries the old one's supports and votes), and residents' personal data (kept apart,
handed over or deleted on request: docs/privacy.md)."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import LargeBinary, delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from workbench.participation.tables import (community_secrets, participation_codes,
                                            residents_personal)


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
        that carry its id (``code_id``) or its key (``code-<id>`` as respondent, voter or
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
                if "code_id" in table.c:
                    wheres.append(table.c.code_id == code_id)
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
        from workbench.deliberation.tables import moderation_actions

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


STORE_PART = ParticipationStore
