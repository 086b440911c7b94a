"""The store's commands: ``workbench backup`` and ``workbench restore``. The store is not a
domain, so :mod:`workbench.cli` registers these itself."""

from __future__ import annotations

import sys


def _report(operation: str, path: str, force: bool, done: str) -> int:
    """Run ``backup`` or ``restore`` of :mod:`workbench.store.backup`; print what was done, or
    why nothing was."""
    from workbench.store import backup

    try:
        result = getattr(backup, operation)(path, force=force)
    except backup.BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(done.format(r=result))
    return 0


def _backup(args) -> int:
    return _report("backup", args.out, args.force,
                   "backup written: {r.path} ({r.kind}, schema {r.revision}, {r.rows} rows)")


def _restore(args) -> int:
    return _report("restore", args.backup, args.force,
                   "restored from {r.path}: {r.rows} rows, schema {r.revision} (current)")


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "backup", help="write a backup of the database to a file, safely while the servers run "
                       "(SQLite: online backup; PostgreSQL: pg_dump)")
    p.add_argument("out", help="the backup file to write (e.g. backups/workbench-DATE.db)")
    p.add_argument("--force", action="store_true", help="replace the file if it exists")
    p.set_defaults(func=_backup)
    p = subparsers.add_parser(
        "restore", help="replace the database with a backup, upgraded to the current schema "
                        "(stop the servers first)")
    p.add_argument("backup", help="a file written by 'workbench backup'")
    p.add_argument("--force", action="store_true",
                   help="replace a database that already has data")
    p.set_defaults(func=_restore)
