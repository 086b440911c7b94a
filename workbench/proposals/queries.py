"""The store's part for proposals: adding and importing them (committed before a receipt
is shown, with their photo in the same transaction), supports by participation codes, and the
public reads."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from workbench.participation.floods import page_client
from workbench.participation.queries import refuse_flood
from workbench.proposals.rules import Proposal, new_receipt_code
from workbench.proposals.tables import proposal_authors, proposal_photos, proposals, supports

if TYPE_CHECKING:  # Pillow is needed only where photos are made
    from workbench.proposals.photos import PreparedPhoto

#: Columns of a proposal that may be shown or exported; the author's name is not one of them.
PUBLIC_PROPOSAL_COLUMNS = ("id", "receipt_code", "title", "description", "scenario", "lon",
                           "lat", "public_space_id", "status", "source", "created_at",
                           "hidden_reason", "external_supports", "official_answer",
                           "answered_at", "source_id")


class ProposalStore:
    """Methods of :class:`workbench.store.Store` (which provides ``engine`` and ``write``)."""

    @staticmethod
    def _insert_proposal(conn, community_id: str, proposal: Proposal, code: str, source: str,
                         created_at: datetime | None = None, external_supports: int = 0,
                         workshop_id: int | None = None, source_id: str | None = None,
                         client_key: str | None = None, author_code_id: int | None = None):
        # the optional columns only when given: every bound value costs each of the
        # evenings' many small writes (measured by bench/bench_store_writes.py)
        optional = {name: value for name, value in (
            ("external_supports", external_supports), ("workshop_id", workshop_id),
            ("source_id", source_id), ("client_key", client_key),
            ("author_code_id", author_code_id)) if value}
        result = conn.execute(insert(proposals).values(
            community_id=community_id, receipt_code=code, title=proposal.title,
            description=proposal.description, scenario=proposal.scenario,
            lon=proposal.lon, lat=proposal.lat,
            public_space_id=proposal.public_space_id, status="open", source=source,
            created_at=created_at or datetime.now(timezone.utc), **optional))
        proposal_id = result.inserted_primary_key[0]
        if proposal.author_name:
            conn.execute(insert(proposal_authors).values(
                proposal_id=proposal_id, name=proposal.author_name))
        return proposal_id

    def add_proposal(self, community_id: str, proposal: Proposal, *,
                     source: str = "resident_page", workshop_id: int | None = None,
                     photo: PreparedPhoto | None = None, client: str | None = None,
                     author_code_id: int | None = None) -> str:
        """Store a validated proposal (made at ``workshop_id``, if any) and its photo, if
        any, in one transaction; returns its receipt code once committed. ``author_code_id``:
        the participation code of the page that made it, if it had one (kept for the points
        of an adopted proposal, never shown).

        ``client`` (default: the page's, :func:`~workbench.participation.floods.page_client`)
        is stored with it and held to the flood limits across pages: over one,
        :class:`~workbench.participation.floods.FloodLimited` is raised and nothing is
        written."""
        client = client or page_client()
        now = datetime.now(timezone.utc)

        def work(conn):
            refuse_flood(conn, "proposal", proposals, client=client, code_id=None, now=now)
            code = new_receipt_code()
            proposal_id = self._insert_proposal(conn, community_id, proposal, code, source,
                                                now, workshop_id=workshop_id,
                                                client_key=client,
                                                author_code_id=author_code_id)
            if photo is not None:
                conn.execute(insert(proposal_photos).values(
                    proposal_id=proposal_id, content_type=photo.content_type,
                    width=photo.width, height=photo.height, image=photo.data,
                    thumb_width=photo.thumb_width, thumb_height=photo.thumb_height,
                    thumbnail=photo.thumbnail, created_at=datetime.now(timezone.utc)))
            return code
        return self.write_with_receipt(work)

    def import_proposals(self, community_id: str, rows: list[dict], source: str) -> list[str]:
        """Store proposals gathered elsewhere in one transaction (all or none): each row holds
        ``proposal`` (validated), and optionally ``created_at``, ``external_supports`` and
        ``source_id`` (its id in the source).
        Returns their receipt codes, in order."""
        def work(conn):
            codes = []
            for row in rows:
                code = new_receipt_code()
                self._insert_proposal(conn, community_id, row["proposal"], code, source,
                                      row.get("created_at"),
                                      int(row.get("external_supports") or 0),
                                      source_id=row.get("source_id"))
                codes.append(code)
            return codes
        return self.write_with_receipt(work)


    # -- supports ---------------------------------------------------------------------------
    def set_support(self, proposal_id: int, code_id: int, supported: bool) -> bool:
        """Support a proposal with a code, or take the support back. Idempotent: the
        database keeps at most one support per code and proposal, whatever the number of
        tabs and clicks. Returns whether the code now supports the proposal."""
        def work(conn):
            where = (supports.c.proposal_id == proposal_id, supports.c.code_id == code_id)
            exists = conn.execute(select(supports.c.id).where(*where)).first() is not None
            if supported and not exists:
                conn.execute(insert(supports).values(proposal_id=proposal_id, code_id=code_id,
                                                     created_at=datetime.now(timezone.utc)))
            elif not supported and exists:
                conn.execute(delete(supports).where(*where))
            return supported
        try:
            return self.write(work)
        except IntegrityError:
            # the same support inserted at the same moment by another tab: it exists, which
            # is what was asked (a missing proposal or code would fail again below)
            if supported and self.supports_of(code_id) & {proposal_id}:
                return True
            raise

    @staticmethod
    def carry_code_over(conn, old_code_id: int, new_code_id: int) -> None:
        """A reissued code carries the old one's supports (see ``ParticipationStore.add_codes``)."""
        conn.execute(update(supports).where(supports.c.code_id == old_code_id)
                     .values(code_id=new_code_id))
        conn.execute(update(proposals).where(proposals.c.author_code_id == old_code_id)
                     .values(author_code_id=new_code_id))

    def proposal_author_codes(self, community_id: str) -> dict[int, int]:
        """proposal id -> the code of the resident who made it, for the community's
        proposals made with a code (the points of an adopted proposal)."""
        query = select(proposals.c.id, proposals.c.author_code_id).where(
            proposals.c.community_id == community_id, proposals.c.author_code_id.is_not(None))
        with self.engine.connect() as conn:
            return {pid: code_id for pid, code_id in conn.execute(query)}

    def supports_of(self, code_id: int) -> set[int]:
        """The proposals a code supports."""
        query = select(supports.c.proposal_id).where(supports.c.code_id == code_id)
        with self.engine.connect() as conn:
            return {r[0] for r in conn.execute(query)}

    def support_counts(self, community_id: str) -> dict[int, int]:
        query = (select(supports.c.proposal_id, func.count())
                 .join(proposals, proposals.c.id == supports.c.proposal_id)
                 .where(proposals.c.community_id == community_id)
                 .group_by(supports.c.proposal_id))
        with self.engine.connect() as conn:
            return {pid: n for pid, n in conn.execute(query)}

    # -- reading ----------------------------------------------------------------------------
    def _public_columns(self):
        return [proposals.c[name] for name in PUBLIC_PROPOSAL_COLUMNS]

    def list_proposals(self, community_id: str, limit: int | None = None) -> list[dict]:
        """Public fields of a community's proposals, newest first."""
        query = (select(*self._public_columns())
                 .where(proposals.c.community_id == community_id)
                 .order_by(proposals.c.id.desc()))
        if limit:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def proposal_by_receipt(self, receipt_code: str) -> dict | None:
        query = select(*self._public_columns()).where(proposals.c.receipt_code == receipt_code)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return dict(row._mapping) if row else None

    def count_proposals(self, community_id: str | None = None) -> int:
        query = select(func.count()).select_from(proposals)
        if community_id:
            query = query.where(proposals.c.community_id == community_id)
        with self.engine.connect() as conn:
            return conn.execute(query).scalar_one()

    def proposals_frame(self, community_id: str):
        """The community's proposals as a GeoDataFrame (EPSG:4326), public fields only."""
        import geopandas as gpd
        import pandas as pd

        rows = self.list_proposals(community_id)
        frame = pd.DataFrame(rows, columns=list(PUBLIC_PROPOSAL_COLUMNS))
        return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]),
                                crs="EPSG:4326")


    # -- photos -----------------------------------------------------------------------------
    def photo_index(self, community_id: str) -> dict[int, dict]:
        """The community's photos without their bytes (what a page needs to say a proposal
        has one): proposal id -> id, thumb_width, thumb_height, hidden_reason."""
        query = (select(proposal_photos.c.proposal_id, proposal_photos.c.id,
                        proposal_photos.c.thumb_width, proposal_photos.c.thumb_height,
                        proposal_photos.c.hidden_reason)
                 .join(proposals, proposals.c.id == proposal_photos.c.proposal_id)
                 .where(proposals.c.community_id == community_id))
        with self.engine.connect() as conn:
            return {row.proposal_id: dict(row._mapping) for row in conn.execute(query)}

    def photo_of(self, proposal_id: int) -> dict | None:
        """A proposal's photo without its bytes (id, thumb_width, thumb_height,
        hidden_reason), or None."""
        query = (select(proposal_photos.c.id, proposal_photos.c.thumb_width,
                        proposal_photos.c.thumb_height, proposal_photos.c.hidden_reason)
                 .where(proposal_photos.c.proposal_id == proposal_id))
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return dict(row._mapping) if row else None

    def photo_bytes(self, photo_id: int, *, thumbnail: bool = False) -> dict | None:
        """One photo (or its thumbnail) as stored: data, content_type, width, height,
        proposal_id, community_id and hidden_reason; None when there is no such photo. The
        caller decides whether a hidden photo may be shown (a moderator's may)."""
        data = proposal_photos.c.thumbnail if thumbnail else proposal_photos.c.image
        width = proposal_photos.c.thumb_width if thumbnail else proposal_photos.c.width
        height = proposal_photos.c.thumb_height if thumbnail else proposal_photos.c.height
        query = (select(data.label("data"), proposal_photos.c.content_type,
                        width.label("width"), height.label("height"),
                        proposal_photos.c.proposal_id, proposals.c.community_id,
                        proposal_photos.c.hidden_reason)
                 .join(proposals, proposals.c.id == proposal_photos.c.proposal_id)
                 .where(proposal_photos.c.id == photo_id))
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return dict(row._mapping) if row else None


STORE_PART = ProposalStore
