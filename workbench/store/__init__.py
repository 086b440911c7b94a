"""The one place that reads and writes the database.

SQLite by default (one file, WAL journal so readers never block the writer, a busy timeout
so concurrent kernels wait instead of failing, foreign keys enforced); any SQLAlchemy URL,
PostgreSQL included, by the ``database_url`` setting. The schema is created and upgraded by
Alembic migrations (:meth:`Store.upgrade`), never by ``create_all``.

A write returns only after its transaction has committed, so a receipt shown after it can
be trusted: whatever happens to the kernel next, the proposal is on disk.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, TypeVar

from sqlalchemy import (create_engine, delete, event, func, insert, inspect, select,
                        update)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from .. import settings
from ..proposals import Proposal, new_receipt_code
from ._agenda import AgendaStore
from ._deliberation import DeliberationStore
from ._workshops import WorkshopStore
from ._schema import (communities, community_secrets, participation_codes, proposal_authors,
                      proposals, supports, survey_drafts, survey_responses, survey_versions)

__all__ = ["Store", "StoreBusy", "PUBLIC_PROPOSAL_COLUMNS"]

log = logging.getLogger(__name__)
T = TypeVar("T")

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: Columns of a proposal that may be shown or exported; the author's name is not one of them.
PUBLIC_PROPOSAL_COLUMNS = ("id", "receipt_code", "title", "description", "scenario", "lon",
                           "lat", "public_space_id", "status", "source", "created_at",
                           "hidden_reason", "external_supports", "official_answer",
                           "answered_at")


class StoreBusy(RuntimeError):
    """The database stayed locked through every retry: nothing was written."""


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # SQLite waits up to 5 s for a lock by itself; the store retries after that (below), so a
    # resident waits at most about 20 s before "busy, please try again", never an error.
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    # NORMAL is durable in WAL mode against a process crash (what a kernel dying is); only a
    # power cut can lose the last commits. https://www.sqlite.org/pragma.html#pragma_synchronous
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _is_locked(exc: OperationalError) -> bool:
    text = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
    return "locked" in text or "busy" in text


class Store(DeliberationStore, AgendaStore, WorkshopStore):
    """Reads and writes one database. Cheap to create; one per kernel or process."""

    def __init__(self, url: str | None = None, *, retries: int = 3):
        self.url = url or settings.database_url()
        self.retries = retries
        if self.url.startswith("sqlite"):
            path = self.url.split("///", 1)[-1]
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = create_engine(self.url, future=True)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)

    # -- schema -----------------------------------------------------------------------------
    def upgrade(self, revision: str = "head") -> None:
        """Create or upgrade the schema with the migrations."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        config.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)

    def schema_revision(self) -> str | None:
        if "alembic_version" not in inspect(self.engine).get_table_names():
            return None
        with self.engine.connect() as conn:
            return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()

    # -- writing ----------------------------------------------------------------------------
    def _write(self, work: Callable[..., T]) -> T:
        """Run ``work(connection)`` in one transaction, retrying while the database is locked
        (SQLite with many kernels writing at once), so that no resident ever sees a 'database is
        locked' error."""
        delay = 0.05
        for attempt in range(self.retries + 1):
            try:
                with self.engine.begin() as conn:
                    return work(conn)
            except OperationalError as exc:
                if not _is_locked(exc) or attempt == self.retries:
                    if _is_locked(exc):
                        raise StoreBusy("the database stayed locked") from exc
                    raise
                log.warning("database locked, retry %d", attempt + 1)
                time.sleep(delay)
                delay = min(delay * 2, 1.0)
        raise AssertionError("unreachable")

    def ensure_community(self, community) -> bool:
        """Add the community if it is not there yet; True when it was added. Existing data is
        never touched, so ``workbench init`` can run again safely."""
        def work(conn):
            exists = conn.execute(select(communities.c.id).where(
                communities.c.id == community.id)).first()
            if exists:
                return False
            conn.execute(insert(communities).values(
                id=community.id, name_zh=community.name.get("zh", community.id),
                name_en=community.name.get("en", community.id),
                created_at=datetime.now(timezone.utc)))
            return True
        return self._write(work)

    @staticmethod
    def _insert_proposal(conn, community_id: str, proposal: Proposal, code: str, source: str,
                         created_at: datetime | None = None, external_supports: int = 0,
                         workshop_id: int | None = None):
        result = conn.execute(insert(proposals).values(
            community_id=community_id, receipt_code=code, title=proposal.title,
            description=proposal.description, scenario=proposal.scenario,
            lon=proposal.lon, lat=proposal.lat,
            public_space_id=proposal.public_space_id, status="open", source=source,
            external_supports=external_supports, workshop_id=workshop_id,
            created_at=created_at or datetime.now(timezone.utc)))
        if proposal.author_name:
            conn.execute(insert(proposal_authors).values(
                proposal_id=result.inserted_primary_key[0], name=proposal.author_name))

    def add_proposal(self, community_id: str, proposal: Proposal, *,
                     source: str = "resident_page", workshop_id: int | None = None) -> str:
        """Store a validated proposal (made at ``workshop_id``, if any); returns its receipt
        code once committed."""
        for _ in range(5):
            code = new_receipt_code()

            def work(conn, code=code):
                self._insert_proposal(conn, community_id, proposal, code, source,
                                      workshop_id=workshop_id)
                return code
            try:
                return self._write(work)
            except IntegrityError as exc:
                # A receipt code collision (1 in 31^8 per pair) is retried with a new code;
                # anything else is a real error.
                if "receipt_code" not in str(exc.orig).lower():
                    raise
        raise RuntimeError("could not find a free receipt code")

    def import_proposals(self, community_id: str, rows: list[dict], source: str) -> list[str]:
        """Store proposals gathered elsewhere in one transaction (all or none): each row holds
        ``proposal`` (validated), and optionally ``created_at`` and ``external_supports``.
        Returns their receipt codes, in order."""
        def work(conn):
            codes = []
            for row in rows:
                code = new_receipt_code()
                self._insert_proposal(conn, community_id, row["proposal"], code, source,
                                      row.get("created_at"), int(row.get("external_supports")
                                                                 or 0))
                codes.append(code)
            return codes
        for _ in range(5):
            try:
                return self._write(work)
            except IntegrityError as exc:
                if "receipt_code" not in str(exc.orig).lower():
                    raise
        raise RuntimeError("could not find free receipt codes")

    # -- participation codes ----------------------------------------------------------------
    def code_salt(self, community_id: str, create: bool = True) -> str | None:
        """The community's salt for code hashes, made on first use (``create``); None for a
        community with no codes yet when not creating."""
        from ..participation import new_salt

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
            return self._write(work)
        except IntegrityError:  # made at the same moment by another process: read it
            return self._write(work)

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
        return self._write(work)

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
        return self._write(work)

    def list_codes(self, community_id: str) -> list[dict]:
        """Codes without their hashes: id, batch, status, replaces_id, dates."""
        cols = [c for c in participation_codes.c if c.name != "code_hash"]
        query = (select(*cols).where(participation_codes.c.community_id == community_id)
                 .order_by(participation_codes.c.id))
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

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
            return self._write(work)
        except IntegrityError:
            # the same support inserted at the same moment by another tab: it exists, which
            # is what was asked (a missing proposal or code would fail again below)
            if supported and self.supports_of(code_id) & {proposal_id}:
                return True
            raise

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

    # -- surveys ----------------------------------------------------------------------------
    def publish_survey(self, survey_id: str, version: str, definition: dict) -> int:
        """Keep a survey version (idempotent); returns its row id. Old versions stay, so
        answers always point at the questions they answered."""
        def work(conn):
            row = conn.execute(select(survey_versions.c.id).where(
                survey_versions.c.survey_id == survey_id,
                survey_versions.c.version == version)).first()
            if row:
                return row[0]
            return conn.execute(insert(survey_versions).values(
                survey_id=survey_id, version=version,
                definition=json.dumps(definition, ensure_ascii=False, sort_keys=True),
                created_at=datetime.now(timezone.utc))).inserted_primary_key[0]
        return self._write(work)

    def latest_survey_versions(self) -> list[dict]:
        """The newest version of every survey: id, survey_id, version, definition (dict)."""
        newest = (select(survey_versions.c.survey_id, func.max(survey_versions.c.id).label("id"))
                  .group_by(survey_versions.c.survey_id).subquery())
        query = (select(survey_versions).join(newest, newest.c.id == survey_versions.c.id)
                 .order_by(survey_versions.c.survey_id))
        with self.engine.connect() as conn:
            return [dict(r._mapping, definition=json.loads(r.definition))
                    for r in conn.execute(query)]

    def save_response(self, survey_version_id: int, respondent: str, answers: dict) -> str:
        """Store a respondent's validated answers, or replace their earlier ones (answering
        again edits the response); returns the response's receipt code once committed."""
        body = json.dumps(answers, ensure_ascii=False, sort_keys=True)
        now = datetime.now(timezone.utc)

        def work(conn):
            row = conn.execute(select(survey_responses.c.id, survey_responses.c.receipt_code)
                               .where(survey_responses.c.survey_version_id == survey_version_id,
                                      survey_responses.c.respondent == respondent)
                               .with_for_update()).first()
            conn.execute(delete(survey_drafts).where(
                survey_drafts.c.survey_version_id == survey_version_id,
                survey_drafts.c.respondent == respondent))
            if row:
                conn.execute(update(survey_responses).where(survey_responses.c.id == row.id)
                             .values(answers=body, updated_at=now))
                return row.receipt_code
            code = new_receipt_code()
            conn.execute(insert(survey_responses).values(
                survey_version_id=survey_version_id, respondent=respondent,
                receipt_code=code, answers=body, created_at=now, updated_at=now))
            return code
        for _ in range(5):
            try:
                return self._write(work)
            except IntegrityError:
                # two tabs saving at once: the loser's insert hits the unique respondent
                # constraint and, retried, becomes an edit; a receipt collision gets a new code
                continue
        raise RuntimeError("could not save the response")

    def save_draft(self, survey_version_id: int, respondent: str, answers: dict) -> None:
        """Keep unfinished answers (replacing the earlier draft)."""
        body = json.dumps(answers, ensure_ascii=False, sort_keys=True)
        now = datetime.now(timezone.utc)

        def work(conn):
            where = (survey_drafts.c.survey_version_id == survey_version_id,
                     survey_drafts.c.respondent == respondent)
            if conn.execute(update(survey_drafts).where(*where)
                            .values(answers=body, updated_at=now)).rowcount == 0:
                conn.execute(insert(survey_drafts).values(
                    survey_version_id=survey_version_id, respondent=respondent,
                    answers=body, updated_at=now))
        for _ in range(3):
            try:
                return self._write(work)
            except IntegrityError:  # another tab inserted first: update on the next try
                continue

    def draft_of(self, survey_version_id: int, respondent: str) -> dict | None:
        query = select(survey_drafts.c.answers).where(
            survey_drafts.c.survey_version_id == survey_version_id,
            survey_drafts.c.respondent == respondent)
        with self.engine.connect() as conn:
            body = conn.execute(query).scalar()
        return json.loads(body) if body else None

    def response_of(self, survey_version_id: int, respondent: str) -> dict | None:
        query = select(survey_responses).where(
            survey_responses.c.survey_version_id == survey_version_id,
            survey_responses.c.respondent == respondent)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return dict(row._mapping, answers=json.loads(row.answers)) if row else None

    def survey_responses(self, survey_id: str) -> list[dict]:
        """Every response to every version of a survey: version, answers, dates; the
        respondent key is left out."""
        query = (select(survey_versions.c.version, survey_responses.c.receipt_code,
                        survey_responses.c.answers, survey_responses.c.created_at,
                        survey_responses.c.updated_at)
                 .join(survey_versions,
                       survey_versions.c.id == survey_responses.c.survey_version_id)
                 .where(survey_versions.c.survey_id == survey_id)
                 .order_by(survey_responses.c.id))
        with self.engine.connect() as conn:
            return [dict(r._mapping, answers=json.loads(r.answers)) for r in conn.execute(query)]

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

    def dispose(self) -> None:
        self.engine.dispose()
