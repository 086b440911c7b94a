"""The layers tables: the communities (one row per community.yaml), their public spaces as
the planners edit them, and the history of every change to a space.

SQLAlchemy Core on the one metadata of :mod:`workbench.store.tables`; the migrations in
``workbench/store/migrations/versions`` create them. Change both together.

Once a community's spaces are in ``public_spaces`` (the first time the space editor opens, or
``workbench layers load-spaces``), that table is what every page shows; the layer file is
where they came from and where they can be written back out to (docs/layers-editing.md)."""

from sqlalchemy import (Column, DateTime, Float, ForeignKey, ForeignKeyConstraint, Index,
                        Integer, String, Table, Text, UniqueConstraint)

from workbench.store.tables import metadata

communities = Table(
    "communities", metadata,
    Column("id", String(64), primary_key=True),
    Column("name_zh", String(200), nullable=False),
    Column("name_en", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

#: a community's public spaces, current state; a deleted space keeps its row (``deleted_at``)
#: so its history, and proposals made about it, still name it
public_spaces = Table(
    "public_spaces", metadata,
    Column("community_id", String(64), ForeignKey("communities.id"), primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("kind", String(64), nullable=False),
    Column("name_zh", String(200), nullable=False),
    Column("name_en", String(200), nullable=False),
    Column("description_zh", Text, nullable=True),
    Column("description_en", Text, nullable=True),
    Column("opening_hours", String(200), nullable=True),
    Column("facilities", Text, nullable=False),          # JSON list of texts
    Column("status", String(32), nullable=False),
    Column("geometry", Text, nullable=False),            # GeoJSON, WGS-84
    Column("area_m2", Float, nullable=True),
    Column("extra", Text, nullable=False),               # JSON: other properties of the file
    Column("version", Integer, nullable=False),          # +1 per change: edits made on an
    Column("deleted_at", DateTime(timezone=True), nullable=True),  # older one are refused
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(100), nullable=False),
)

#: every change to a space: who, when, what it was before and after (GeoJSON features as
#: JSON; null before a creation and after a deletion); an undo is a change that names the
#: change it undid, once only (the unique constraint)
public_space_changes = Table(
    "public_space_changes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("community_id", String(64), nullable=False),
    Column("space_id", String(64), nullable=False),
    Column("action", String(16), nullable=False),
    Column("who", String(100), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("before", Text, nullable=True),
    Column("after", Text, nullable=True),
    Column("undoes", Integer, ForeignKey("public_space_changes.id"), nullable=True),
    ForeignKeyConstraint(["community_id", "space_id"],
                         ["public_spaces.community_id", "public_spaces.id"],
                         name="fk_public_space_changes_space"),
    UniqueConstraint("undoes", name="uq_public_space_changes_undoes"),
    Index("ix_public_space_changes_community", "community_id", "id"),
)
