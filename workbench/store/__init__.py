"""The one place that reads and writes the database.

:class:`Store` is the engine (:mod:`workbench.store.engine`: connections, transactions,
retries, migrations) with every domain's queries mixed in, in the order of
:data:`workbench.registry.DOMAINS`: ``store.add_proposal(...)`` comes from
:mod:`workbench.proposals.queries`, ``store.publish_agenda(...)`` from
:mod:`workbench.agenda.queries`. A domain's queries use only its own tables and ``write``.
"""

from __future__ import annotations

from workbench.store.engine import MIGRATIONS_DIR, StoreBusy, StoreCore

__all__ = ["Store", "StoreBusy", "StoreCore", "MIGRATIONS_DIR"]


def _compose() -> type:
    from workbench import registry

    return type("Store", (*registry.store_parts(), StoreCore), {
        "__module__": __name__,
        "__doc__": "Reads and writes one database: the engine with every domain's queries. "
                   "Cheap to create; one per kernel or process.",
    })


def __getattr__(name: str):
    # Made on first use, not at import: the domains' queries import this package's tables
    # and engine, so composing here at import time would import them half-made.
    if name == "Store":
        store = globals()["Store"] = _compose()
        return store
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
