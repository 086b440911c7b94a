"""Backups of the database and their restore: ``workbench backup OUT``, ``workbench restore IN``.

SQLite: SQLite's online backup API (``sqlite3.Connection.backup``) copies the database in one
step under a read transaction; in WAL mode readers never block the writer, so the servers keep
taking submissions while it runs, and the copy is one consistent moment. PostgreSQL: ``pg_dump``
(one snapshot as well) in its custom format, restored with ``pg_restore`` through ``psql`` in a
single transaction, so a failed restore leaves the database as it was.

A backup is a workbench backup only if it holds the migrations' version table (and, for SQLite,
passes ``PRAGMA integrity_check``); a restore brings it up to the current schema. A restore never
replaces a database that has data unless asked to (``force``).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from workbench import settings
from workbench.store.engine import MIGRATIONS_DIR, StoreCore

__all__ = ["BackupError", "Backup", "backup", "restore", "database_has_data"]

SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"
VERSION_TABLE = "alembic_version"
#: how long a SQLite connection of the backup or restore waits for a server's write lock
BUSY_MS = 30_000


class BackupError(RuntimeError):
    """A backup or restore refused or failed, with a message for the operator; nothing of the
    target was changed."""


@dataclass
class Backup:
    path: Path  # the backup file
    kind: str  # "sqlite" or "postgresql"
    revision: str  # the schema revision of the backup (backup) or of the database (restore)
    rows: int  # rows in the workbench's tables, the version table aside


# -- schema revisions -------------------------------------------------------------------------
def _scripts():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(config)


def _check_revision(revision: str | None, source: Path) -> str:
    if not revision:
        raise BackupError(f"{source} is not a workbench backup: its schema version is missing")
    known = {script.revision for script in _scripts().walk_revisions()}
    if revision not in known:
        raise BackupError(f"{source} has schema version {revision}, which this workbench does "
                          "not know (made by a newer version?): upgrade the workbench first")
    return revision


# -- the database the settings name -----------------------------------------------------------
def _kind(url: str) -> str:
    name = make_url(url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"backups support SQLite and PostgreSQL, not {name}")
    return name


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("the database is in memory: there is nothing to back up")
    return Path(database)


def _rows(engine) -> int:
    tables = [t for t in inspect(engine).get_table_names() if t != VERSION_TABLE]
    with engine.connect() as conn:
        return sum(conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar() for t in tables)


def database_has_data(url: str) -> bool:
    """Whether the database holds any row besides its schema version."""
    if _kind(url) == "sqlite" and not _sqlite_path(url).exists():
        return False
    core = StoreCore(url)
    try:
        return _rows(core.engine) > 0
    finally:
        core.dispose()


def _summary(url: str, path: Path, kind: str) -> Backup:
    core = StoreCore(url)
    try:
        return Backup(path, kind, core.schema_revision() or "", _rows(core.engine))
    finally:
        core.dispose()


# -- SQLite -----------------------------------------------------------------------------------
def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout={BUSY_MS}")
    return conn


def _check_sqlite(conn: sqlite3.Connection, source: Path) -> str:
    """The schema revision of a SQLite workbench database, after its integrity check."""
    try:
        result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{source} is not a readable SQLite database: {exc}") from exc
    if result != ["ok"]:
        raise BackupError(f"{source} is damaged (integrity check: {'; '.join(result[:3])})")
    has_table = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                             (VERSION_TABLE,)).fetchone()
    if not has_table:
        raise BackupError(f"{source} is not a workbench backup: it has no schema version table")
    row = conn.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchone()
    return _check_revision(row[0] if row else None, source)


def _backup_sqlite(url: str, out: Path) -> Backup:
    source = _sqlite_path(url)
    if not source.exists():
        raise BackupError(f"there is no database at {source} (run 'workbench init' first?)")
    partial = out.with_name(f".{out.name}.partial")
    partial.unlink(missing_ok=True)
    src, dest = _connect(source), sqlite3.connect(partial)
    try:
        src.backup(dest)  # one step: one consistent moment, the servers writing meanwhile
        dest.execute("PRAGMA journal_mode=DELETE")  # the backup is one self-contained file
        revision = _check_sqlite(dest, out)
    except BaseException:
        dest.close()
        partial.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    dest.close()
    os.replace(partial, out)
    return Backup(out, "sqlite", revision, _summary(f"sqlite:///{out}", out, "sqlite").rows)


def _restore_sqlite(source: Path, url: str) -> Backup:
    target = _sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    # The backup is checked and upgraded in a scratch copy beside the target, then copied into
    # the target with the backup API, which takes the target's write lock as any writer does:
    # the target is never left half-written, and its WAL files stay consistent.
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".restore-") as scratch:
        copy = Path(scratch) / "restore.db"
        try:
            src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            with sqlite3.connect(copy) as dest:
                src.backup(dest)
            src.close()
            dest.close()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{source} is not a readable SQLite database: {exc}") from exc
        conn = sqlite3.connect(copy)
        try:
            _check_sqlite(conn, source)
        finally:
            conn.close()
        upgraded = StoreCore(f"sqlite:///{copy}")
        try:
            upgraded.upgrade()
        finally:
            upgraded.dispose()
        src, dest = sqlite3.connect(copy), _connect(target)
        try:
            src.backup(dest)
            _check_sqlite(dest, target)
        finally:
            src.close()
            dest.close()
    return _summary(url, source, "sqlite")


# -- PostgreSQL -------------------------------------------------------------------------------
def _pg_env(url: str) -> dict[str, str]:
    """libpq's environment for the URL: the password never on a command line."""
    u = make_url(url)
    env = dict(os.environ)
    values = {"PGHOST": u.host or u.query.get("host"), "PGPORT": u.port or u.query.get("port"),
              "PGUSER": u.username, "PGPASSWORD": u.password, "PGDATABASE": u.database,
              "PGSSLMODE": u.query.get("sslmode")}
    env.update({k: str(v) for k, v in values.items() if v})
    return env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} not found: install the PostgreSQL client tools "
                          "(Debian: postgresql-client) to back up or restore PostgreSQL")
    return found


def _run(cmd: list[str], env: dict[str, str], what: str, **kw) -> subprocess.CompletedProcess:
    done = subprocess.run(cmd, env=env, capture_output=True, **kw)
    if done.returncode != 0:
        err = done.stderr.decode(errors="replace") if isinstance(done.stderr, bytes) \
            else done.stderr
        raise BackupError(f"{what} failed: {err.strip()[-800:]}")
    return done


def _pg_contents(dump: Path) -> tuple[str, int]:
    """The schema revision in a pg_dump archive and its rows (the version table aside), read
    without restoring it: one COPY line per row."""
    listing = subprocess.run([_pg_tool("pg_restore"), "--list", str(dump)], capture_output=True,
                             text=True)
    if listing.returncode != 0:
        raise BackupError(f"{dump} is not a readable pg_dump archive: "
                          f"{listing.stderr.strip()[-400:]}")
    if f"TABLE DATA public {VERSION_TABLE}" not in listing.stdout:
        raise BackupError(f"{dump} is not a workbench backup: it has no schema version table")
    revision, rows, table = None, 0, None
    with subprocess.Popen([_pg_tool("pg_restore"), "--data-only", "--file=-", str(dump)],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as data:
        for line in data.stdout:
            if table is None:
                if line.startswith("COPY "):
                    table = line.split()[1]
            elif line.rstrip("\n") == "\\.":
                table = None
            elif table == f"public.{VERSION_TABLE}":
                revision = line.strip()
            else:
                rows += 1
    if data.returncode != 0:
        raise BackupError(f"{dump} could not be read to its end: the archive is damaged")
    return _check_revision(revision, dump), rows


def _backup_postgres(url: str, out: Path) -> Backup:
    partial = out.with_name(f".{out.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        # one snapshot of the whole database, taken while the servers keep writing
        _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
              f"--file={partial}"], _pg_env(url), "pg_dump")
        revision, rows = _pg_contents(partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, out)
    return Backup(out, "postgresql", revision, rows)


def _restore_postgres(source: Path, url: str) -> Backup:
    _pg_contents(source)
    core = StoreCore(url)
    try:
        tables = inspect(core.engine).get_table_names()
    finally:
        core.dispose()
    script = _run([_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--file=-",
                   str(source)], dict(os.environ), f"reading {source}").stdout
    drop = ("DROP TABLE IF EXISTS " + ", ".join(f'"{t}"' for t in tables) + " CASCADE"
            if tables else "SELECT 1")
    # the old tables dropped and the backup's made in one transaction: all of it or nothing
    _run([_pg_tool("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction",
          "-c", drop, "-f", "-"], _pg_env(url), "the restore", input=script)
    upgraded = StoreCore(url)
    try:
        upgraded.upgrade()
    finally:
        upgraded.dispose()
    return _summary(url, source, "postgresql")


# -- the two operations -----------------------------------------------------------------------
def backup(out: Path, url: str | None = None, *, force: bool = False) -> Backup:
    """Write a backup of the database (the ``database_url`` setting's by default) to ``out``,
    safely while the servers write. An existing ``out`` is kept unless ``force``."""
    url = url or settings.database_url()
    out = Path(out)
    if out.exists() and not force:
        raise BackupError(f"{out} exists already: choose a new file name (or --force to "
                          "replace it)")
    if out.is_dir():
        raise BackupError(f"{out} is a folder: give the backup's file name")
    out.parent.mkdir(parents=True, exist_ok=True)
    if _kind(url) == "sqlite":
        return _backup_sqlite(url, out)
    return _backup_postgres(url, out)


def restore(source: Path, url: str | None = None, *, force: bool = False) -> Backup:
    """Replace the database with the backup ``source``, upgraded to the current schema. A
    database that has data is replaced only with ``force``."""
    url = url or settings.database_url()
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"there is no backup file at {source}")
    kind = _kind(url)
    with open(source, "rb") as f:
        header = f.read(len(SQLITE_HEADER))
    made_by = ("sqlite" if header == SQLITE_HEADER
               else "postgresql" if header.startswith(PG_DUMP_HEADER) else None)
    if made_by is None:
        raise BackupError(f"{source} is not a workbench backup (neither a SQLite database nor "
                          "a pg_dump archive)")
    if made_by != kind:
        raise BackupError(f"{source} is a {made_by} backup but the database is {kind}: restore "
                          f"it into a {made_by} database (the database_url setting)")
    if database_has_data(url) and not force:
        raise BackupError("the database already has data: a restore would replace all of it. "
                          "Back it up first, then restore with --force")
    if kind == "sqlite":
        return _restore_sqlite(source, url)
    return _restore_postgres(source, url)
