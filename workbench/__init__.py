"""Community Agenda Workbench: participatory planning for residential communities.

One package per domain, listed in :mod:`workbench.registry` (docs/architecture.md):
:mod:`~workbench.layers`, :mod:`~workbench.participation`, :mod:`~workbench.proposals`,
:mod:`~workbench.surveys`, :mod:`~workbench.deliberation`, :mod:`~workbench.agenda`,
:mod:`~workbench.workshops`; beside them the shared pieces :mod:`workbench.store` (the
database: ``Store``), :mod:`workbench.geo`, :mod:`workbench.page` (the resident page's
shell), :mod:`workbench.i18n` (zh-CN and English strings) and :mod:`workbench.settings`.
"""

__version__ = "0.1.0"
