"""The one SQLAlchemy metadata every domain's tables are declared on.

Each domain keeps its tables in its own ``tables`` module (``workbench.proposals.tables``,
...); :func:`load_all` imports those the registry lists, so that the metadata describes the
whole schema (for the migrations' check against it). Migrations in ``migrations/versions``
create the tables; the ``tables`` modules describe their current shape for queries.
"""

from sqlalchemy import MetaData

metadata = MetaData()


def load_all() -> MetaData:
    """The metadata with every registered domain's tables on it."""
    from workbench import registry

    registry.modules("tables")
    return metadata
