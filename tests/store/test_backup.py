"""Backups and restores: the drill (back up while another thread writes, restore into a fresh
database, every acknowledged row there exactly once), on SQLite and PostgreSQL; and what a
restore refuses."""

import sqlite3
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from stores import proposal, store_on_both_databases  # noqa: F401 (fixture)
from workbench.cli import main
from workbench.participation.codes import issue_codes
from workbench.store import Store
from workbench.store.backup import BackupError, backup, database_has_data, restore

WRITES = 60  # submissions the writer makes; the backup is taken while they stream in


def fresh_url(store, tmp_path, name: str) -> str:
    """A database of the same kind as the store's, empty."""
    if store.engine.dialect.name == "sqlite":
        return f"sqlite:///{tmp_path / name / 'workbench.db'}"
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    return make_url(store.url).set(database=name).render_as_string(hide_password=False)


def rows(url: str, query: str) -> list:
    s = Store(url)
    try:
        with s.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(query))]
    finally:
        s.dispose()


def test_restore_drill(store, tmp_path):
    issue_codes(store, "test", 3)
    code_ids = [r["id"] for r in store.list_codes("test")]
    version = store.publish_survey("needs", "v1", {"id": "needs"})
    acknowledged = {"proposals": [], "supports": [], "responses": []}
    started = threading.Event()

    def writer():
        s = Store(store.url)
        try:
            for i in range(WRITES):
                receipt = s.add_proposal("test", proposal(title=f"bench {i}"))
                pid = s.proposal_by_receipt(receipt)["id"]
                acknowledged["proposals"].append(receipt)
                s.set_support(pid, code_ids[i % 3], True)
                acknowledged["supports"].append((pid, code_ids[i % 3]))
                acknowledged["responses"].append(s.save_response(version, f"d{i}", {"q": i}))
                if i == WRITES // 3:
                    started.set()
        finally:
            s.dispose()

    thread = threading.Thread(target=writer)
    thread.start()
    assert started.wait(60)
    before = {k: list(v) for k, v in acknowledged.items()}  # acknowledged before the backup
    made = backup(tmp_path / "backup.file", store.url)
    thread.join()
    assert len(acknowledged["proposals"]) == WRITES

    target = fresh_url(store, tmp_path, "restored")
    assert not database_has_data(target)
    done = restore(made.path, target)
    assert done.revision == store.schema_revision() and done.rows == made.rows
    proposals = [r[0] for r in rows(target, "SELECT receipt_code FROM proposals")]
    supports = rows(target, "SELECT proposal_id, code_id FROM supports")
    responses = [r[0] for r in rows(target, "SELECT receipt_code FROM survey_responses")]
    for name, restored in (("proposals", proposals), ("supports", supports),
                           ("responses", responses)):
        assert len(restored) == len(set(restored)), f"{name} restored twice"
        assert set(before[name]) <= set(restored), f"acknowledged {name} lost"
        assert set(restored) <= set(acknowledged[name]), f"{name} never acknowledged"
    assert len(before["proposals"]) <= len(proposals) <= WRITES
    if store.engine.dialect.name == "sqlite":
        with sqlite3.connect(make_url(target).database) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]

    # the restored database is a working one: the store writes to it
    restored = Store(target)
    try:
        receipt = restored.add_proposal("test", proposal(title="after the restore"))
        assert restored.proposal_by_receipt(receipt)["title"] == "after the restore"
    finally:
        restored.dispose()

    # its data is not replaced without --force; with it, it is, all of it
    with pytest.raises(BackupError, match="already has data"):
        restore(made.path, target)
    restore(made.path, target, force=True)
    assert len(rows(target, "SELECT receipt_code FROM proposals")) == len(proposals)


def test_an_old_backup_is_upgraded_to_the_current_schema(tmp_path):
    old = Store(f"sqlite:///{tmp_path / 'old.db'}")
    old.upgrade("0005")
    with old.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO communities (id, name_zh, name_en, created_at) "
                                "VALUES ('c', '社区', 'C', '2026-01-01 00:00:00')")
    old.dispose()
    made = backup(tmp_path / "old.backup", f"sqlite:///{tmp_path / 'old.db'}")
    assert made.revision == "0005"
    target = f"sqlite:///{tmp_path / 'new.db'}"
    done = restore(made.path, target)
    s = Store(target)
    try:
        head = s.schema_revision()
    finally:
        s.dispose()
    assert done.revision == head and head > "0005"
    assert rows(target, "SELECT id FROM communities") == [("c",)]


def test_what_is_not_a_workbench_backup_is_refused(tmp_path):
    target = f"sqlite:///{tmp_path / 'target.db'}"
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(BackupError, match="not a workbench backup"):
        restore(junk, target)
    with pytest.raises(BackupError, match="no backup file"):
        restore(tmp_path / "missing.db", target)
    other = tmp_path / "other.db"  # a SQLite database, but not the workbench's
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(BackupError, match="no schema version table"):
        restore(other, target)
    # a damaged backup: its pages overwritten in the middle
    good = Store(f"sqlite:///{tmp_path / 'good.db'}")
    good.upgrade()
    good.dispose()
    made = backup(tmp_path / "damaged.db", f"sqlite:///{tmp_path / 'good.db'}")
    data = bytearray(made.path.read_bytes())
    data[4096 * 2:4096 * 6] = b"\xff" * (4096 * 4)
    made.path.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="damaged|not a readable"):
        restore(made.path, target)
    # nothing of the target was made or changed by any refusal
    assert not database_has_data(target)


def test_backup_and_restore_commands(tmp_path, capsys, workbench_env):
    from workbench import settings

    assert main(["init"]) == 0
    capsys.readouterr()
    out = tmp_path / "backups" / "workbench-1.db"
    assert main(["backup", str(out)]) == 0
    assert f"backup written: {out} (sqlite, schema" in capsys.readouterr().out
    assert main(["backup", str(out)]) == 1
    assert "exists already" in capsys.readouterr().err
    assert main(["restore", str(out)]) == 1
    assert "already has data" in capsys.readouterr().err
    assert main(["restore", "--force", str(out)]) == 0
    assert f"restored from {out}" in capsys.readouterr().out
    before = rows(settings.database_url(), "SELECT count(*) FROM communities")
    assert before[0][0] >= 1
