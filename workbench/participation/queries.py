"""The store's part for participation codes: hashes only, revoking, reissuing (the new
code carries the old one's supports and votes)."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from workbench.participation.tables import community_secrets, participation_codes


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


    def _carry_over(self, conn, old_code_id: int, new_code_id: int) -> None:
        """A reissued code (lost slip) carries everything the old one gave (supports, votes,
        ...: each domain's ``carry_code_over``), so that the same person cannot count twice;
        the old code is revoked in the same breath."""
        for part in type(self).__mro__:
            carry = part.__dict__.get("carry_code_over")
            if carry is not None:
                carry.__func__(conn, old_code_id, new_code_id)


STORE_PART = ParticipationStore
