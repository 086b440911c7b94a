"""The store on both databases the workbench supports, and helpers for concurrent writers.

A test module that should run on SQLite and PostgreSQL imports ``store_on_both_databases``:
it overrides the SQLite-only ``store`` fixture of conftest.py for that module."""

from __future__ import annotations

import threading

import pytest

from communities import INSIDE_P1
from workbench.proposals.rules import Proposal
from workbench.store import Store


@pytest.fixture(params=["sqlite", "postgresql"], name="store")
def store_on_both_databases(request, tmp_path, community):
    """The store tests run on both databases the workbench supports."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
        s = Store(url)
        with s.engine.begin() as conn:  # a clean database for each test
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        s.dispose()
    s = Store(url)
    s.upgrade()
    s.ensure_community(community)
    yield s
    s.dispose()


def proposal(**kw):
    base = dict(title="长椅", description="", scenario="health", lon=INSIDE_P1[0],
                lat=INSIDE_P1[1], public_space_id="P1")
    base.update(kw)
    return Proposal(**base)


def in_threads(url: str, work, count: int) -> list[Exception]:
    """Run ``work(store, n)`` in ``count`` threads at once, each with its own Store (as
    separate kernels have); returns the errors, each of which would reach a resident."""
    errors = []

    def run(n):
        s = Store(url)
        try:
            work(s, n)
        except Exception as exc:
            errors.append(exc)
        finally:
            s.dispose()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors
