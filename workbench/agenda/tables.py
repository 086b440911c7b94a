"""The agenda tables: agenda items, the proposals they group, their history, published versions.

SQLAlchemy Core on the one metadata of :mod:`workbench.store.tables`; the migrations in
``workbench/store/migrations/versions`` create them. Change both together."""

from sqlalchemy import Column, Date, DateTime, Float, ForeignKey, Integer, String, Table, Text, UniqueConstraint

from workbench.store.tables import metadata

# An item groups proposals (each proposal in at most one item) and carries the committee's
# decision: adopt | defer | decline | merge (``merged_into``), with a public reason; an
# adopted item has an owner, budget line, milestones (JSON list), target date, and a status
# (planned | in_progress | done | dropped) with progress in percent.
agenda_items = Table(
    "agenda_items", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("community_id", String(64), ForeignKey("communities.id"), nullable=False,
           index=True),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("scenario", String(32), nullable=False),
    Column("public_space_id", String(64), nullable=True),
    Column("lon", Float, nullable=True),
    Column("lat", Float, nullable=True),
    Column("statement_ids", Text, nullable=False),   # JSON list: statements as evidence
    Column("decision", String(16), nullable=True),
    Column("reason", Text, nullable=True),
    Column("merged_into", Integer, ForeignKey("agenda_items.id"), nullable=True),
    Column("owner", String(32), nullable=True),
    Column("budget_line", String(200), nullable=True),
    Column("milestones", Text, nullable=False),      # JSON list of {title, date, done}
    Column("target_date", Date, nullable=True),
    Column("status", String(16), nullable=True),
    Column("progress", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=True),
)

agenda_item_proposals = Table(
    "agenda_item_proposals", metadata,
    Column("proposal_id", Integer, ForeignKey("proposals.id"), primary_key=True),
    Column("item_id", Integer, ForeignKey("agenda_items.id"), nullable=False, index=True),
)

# The dated history of an adopted item: every status and progress change with its note.
agenda_updates = Table(
    "agenda_updates", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("item_id", Integer, ForeignKey("agenda_items.id"), nullable=False, index=True),
    Column("status", String(16), nullable=False),
    Column("progress", Integer, nullable=False),
    Column("note", Text, nullable=False),
    Column("author", String(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Published versions v1, v2, ...: an immutable JSON snapshot each (see
# workbench.agenda.snapshot), never updated, and beside it the slim part of it the resident
# page shows (``resident_view``, JSON: see AgendaStore.published_agenda_view).
agenda_versions = Table(
    "agenda_versions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("community_id", String(64), ForeignKey("communities.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("snapshot", Text, nullable=False),
    Column("resident_view", Text, nullable=True),
    Column("published_by", String(100), nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("community_id", "number", name="uq_agenda_versions_number"),
)
