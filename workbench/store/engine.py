"""The database engine: connections, SQLite's settings, transactions and their retries,
the schema's migrations. Every domain's queries write through :meth:`StoreCore.write`.

SQLite by default (one file, WAL journal so readers never block the writer, a busy timeout
so concurrent kernels wait instead of failing, foreign keys enforced); any SQLAlchemy URL,
PostgreSQL included, by the ``database_url`` setting. The schema is created and upgraded by
Alembic migrations (:meth:`StoreCore.upgrade`), never by ``create_all``.

A write returns only after its transaction has committed, so a receipt shown after it can
be trusted: whatever happens to the kernel next, what was written is on disk.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Callable, TypeVar

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from workbench import settings

__all__ = ["StoreCore", "StoreBusy", "MIGRATIONS_DIR"]

log = logging.getLogger("workbench.store")
T = TypeVar("T")

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: tries at a fresh random receipt code after a collision (1 in 31^8 per pair: never twice)
RECEIPT_TRIES = 5



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


class StoreCore:
    """The engine and transactions; :class:`workbench.store.Store` adds every domain's
    queries to it. Cheap to create; one per kernel or process."""

    def __init__(self, url: str | None = None, *, retries: int = 3):
        self.url = url or settings.database_url()
        self.retries = retries
        if self.url.startswith("sqlite"):
            path = self.url.split("///", 1)[-1]
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
        # a failed statement's values (a resident's name, text) stay out of its error, which
        # a server log would otherwise keep
        self.engine: Engine = create_engine(self.url, future=True, hide_parameters=True)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)

    # -- schema -----------------------------------------------------------------------------
    def upgrade(self, revision: str = "head") -> None:
        """Create or upgrade the schema with the migrations."""
        self._migrate("upgrade", revision)

    def downgrade(self, revision: str) -> None:
        """Take the schema back to ``revision`` (for tests of a migration on data written
        before it; a community's database is only ever upgraded)."""
        self._migrate("downgrade", revision)

    def _migrate(self, action: str, revision: str) -> None:
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        config.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            getattr(command, action)(config, revision)

    def schema_revision(self) -> str | None:
        if "alembic_version" not in inspect(self.engine).get_table_names():
            return None
        with self.engine.connect() as conn:
            return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()

    # -- writing ----------------------------------------------------------------------------
    def write(self, work: Callable[..., T]) -> T:
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

    def write_once(self, work: Callable[..., bool]) -> bool:
        """:meth:`write` for a row a unique constraint allows once (a report per reporter, a
        join per page): the work's answer, or False when the row was there already."""
        try:
            return self.write(work)
        except IntegrityError:
            return False

    def write_again_if_raced(self, work: Callable[..., T], tries: int = 5) -> T:
        """:meth:`write` for work that reads, then inserts or updates (an upsert written
        portably): when another kernel inserted the same row between the read and the
        insert, the unique constraint refuses ours, and the work runs again, now finding that
        row to update (or, where it draws random codes, new codes). A unique constraint that
        still refuses after ``tries`` is a real error."""
        for _ in range(tries - 1):
            try:
                return self.write(work)
            except IntegrityError:
                continue
        return self.write(work)

    def write_with_receipt(self, work: Callable[..., T], unique_column: str = "receipt_code"
                           ) -> T:
        """:meth:`write` for work that draws random receipt codes: a collision with a code
        already stored (the unique ``unique_column``) is tried again with new codes, so the
        work must draw its codes inside. Any other integrity error is a real one."""
        for _ in range(RECEIPT_TRIES):
            try:
                return self.write(work)
            except IntegrityError as exc:
                if unique_column not in str(exc.orig).lower():
                    raise
        raise RuntimeError("could not find a free receipt code")

    def dispose(self) -> None:
        self.engine.dispose()
