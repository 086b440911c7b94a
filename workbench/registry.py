"""The one list of the workbench's domains.

Each domain is a package ``workbench.<name>`` holding what belongs to it, in modules with
these names (a domain has only those it needs):

=============  =====================================================================
``tables``     its database tables, on the one metadata of :mod:`workbench.store.tables`
``queries``    its part of the store: a class named by ``STORE_PART``, mixed into
               :class:`workbench.store.Store`
``settings``   ``SETTINGS``, a list of :class:`workbench.settings.Setting` with help text
``commands``   ``register(subparsers)``: its subcommands of the ``workbench`` command
``page``       ``SECTIONS``: sections of the resident page (:class:`workbench.page.part.PagePart`)
``panels``     ``PANELS``: tabs of the planners' home (:class:`workbench.page.planner_home.Panel`)
``locales/``   ``zh.json`` and ``en.json``: its strings
=============  =====================================================================

Its rules are plain Python, pandas and geopandas modules beside those (no widgets, no SQL);
its planner panels are widget modules the planners' notebooks build.

The store, the resident page, the planners' home notebook, the CLI, the settings list and
the string loader read this list, so adding a domain is: a new package, one line below, and one migration in the single
Alembic history (``workbench/store/migrations/versions``). See docs/architecture.md.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from types import ModuleType

#: The domains, in the order their parts are read (the CLI's help, the settings list).
DOMAINS: tuple[str, ...] = (
    "layers",         # the community, its map layers and public spaces
    "participation",  # participation codes: one person, one voice, without an account
    "proposals",      # proposals on the map, supports, imports from other channels
    "surveys",        # survey files, answers, results
    "deliberation",   # comments, reports and moderation, statements and opinion groups
    "agenda",         # the community public agenda: items, evidence, decisions, versions
    "workshops",      # meetings on a projected screen: live map, dot voting
    "points",         # points (积分): the ledger, credits under review, the needs pool
    "activities",     # activities and room bookings in public spaces: calendar, sign-ups
)

PACKAGE = "workbench"


@lru_cache(maxsize=None)
def modules(part: str) -> tuple[ModuleType, ...]:
    """The ``part`` module (``"tables"``, ``"queries"``, ...) of every domain that has one,
    imported, in the order of :data:`DOMAINS`."""
    found = []
    for domain in DOMAINS:
        name = f"{PACKAGE}.{domain}.{part}"
        if find_spec(name) is not None:
            found.append(importlib.import_module(name))
    return tuple(found)


def store_parts() -> tuple[type, ...]:
    """The classes the store is made of, one per domain with queries."""
    return tuple(module.STORE_PART for module in modules("queries"))


def settings() -> list:
    """Every domain's settings, in registry order."""
    return [setting for module in modules("settings") for setting in module.SETTINGS]


def register_commands(subparsers) -> None:
    """Let every domain add its subcommands to the ``workbench`` command."""
    for module in modules("commands"):
        module.register(subparsers)


def page_sections() -> list[type]:
    """The resident page's sections contributed by the domains (the page places them by
    their ``SLOT`` and ``ORDER``)."""
    return [section for module in modules("page") for section in module.SECTIONS]


def planner_panels() -> list:
    """The planners' panels contributed by the domains, in registry order."""
    return [panel for module in modules("panels") for panel in module.PANELS]


def locale_dirs() -> list[Path]:
    """The ``locales`` folder of every domain that has strings."""
    dirs = []
    for domain in DOMAINS:
        spec = find_spec(f"{PACKAGE}.{domain}")
        if spec is None or not spec.submodule_search_locations:
            continue
        folder = Path(list(spec.submodule_search_locations)[0]) / "locales"
        if folder.is_dir():
            dirs.append(folder)
    return dirs
