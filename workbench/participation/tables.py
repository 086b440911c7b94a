"""The participation tables: participation codes (hashes only) and each community's salt,
residents' personal data (kept apart), and the floods planners hid.

SQLAlchemy Core on the one metadata of :mod:`workbench.store.tables`; the migrations in
``workbench/store/migrations/versions`` create them. Change both together."""

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Table, Text

from workbench.store.tables import metadata

# The random salt of each community's participation-code hashes.
community_secrets = Table(
    "community_secrets", metadata,
    Column("community_id", String(64), ForeignKey("communities.id"), primary_key=True),
    Column("code_salt", String(64), nullable=False),
)

# Participation codes, stored only as hashes. A revoked code stays (its votes keep their
# author); a reissued one points at the code it replaces.
participation_codes = Table(
    "participation_codes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("community_id", String(64), ForeignKey("communities.id"), nullable=False),
    Column("code_hash", String(128), nullable=False, unique=True),
    Column("batch", String(100), nullable=False, default=""),
    Column("status", String(16), nullable=False, default="active"),
    Column("replaces_id", Integer, ForeignKey("participation_codes.id"), nullable=True),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)

# A resident's name and contact details, optional, given only where the workbench asks (or to
# a planner on paper), keyed by their participation code and kept apart from everything that
# is shown or exported: forgetting a resident deletes this row and leaves their
# contributions, which carry only the code's id, anonymous.
residents_personal = Table(
    "residents_personal", metadata,
    Column("code_id", Integer, ForeignKey("participation_codes.id"), primary_key=True),
    Column("name", String(200), nullable=True),
    Column("contact", String(200), nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# A flood a planner hid in one action: everything one client (its key) submitted in a time
# window. The action and its undoing are logged in moderation_actions (target_kind "flood",
# target_id this row's id); what it hid is listed in flood_hide_items, so showing it again
# touches nothing hidden for another reason.
flood_hides = Table(
    "flood_hides", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("community_id", String(64), ForeignKey("communities.id"), nullable=False),
    Column("client_key", String(32), nullable=False),
    Column("window_start", DateTime(timezone=True), nullable=False),
    Column("window_end", DateTime(timezone=True), nullable=False),
    Column("reason", Text, nullable=False),
    Column("moderator", String(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("undone_at", DateTime(timezone=True), nullable=True),
    Column("undone_by", String(100), nullable=True),
)

# What one flood hide hid: a proposal, comment or statement, with a statement's status before
# (pending or shown), which showing it again puts back.
flood_hide_items = Table(
    "flood_hide_items", metadata,
    Column("flood_hide_id", Integer, ForeignKey("flood_hides.id"), primary_key=True),
    Column("target_kind", String(16), primary_key=True),
    Column("target_id", Integer, primary_key=True),
    Column("status_before", String(16), nullable=True),
)
