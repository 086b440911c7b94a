"""The workshops tables: workshops, joins, dot-voting rounds, wallets and dots.

SQLAlchemy Core on the one metadata of :mod:`workbench.store.tables`; the migrations in
``workbench/store/migrations/versions`` create them. Change both together."""

from sqlalchemy import CheckConstraint, Column, DateTime, ForeignKey, Integer, LargeBinary, String, Table, Text, UniqueConstraint

from workbench.store.tables import metadata

# A community meeting run from the screen. The facilitator's token is stored as a hash; the
# record (JSON) and a picture of the map are saved when the workshop ends.
workshops = Table(
    "workshops", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("community_id", String(64), ForeignKey("communities.id"), nullable=False),
    Column("title", String(200), nullable=False),
    Column("status", String(16), nullable=False),          # open | closed
    Column("dots_per_person", Integer, nullable=False),
    Column("facilitator_hash", String(128), nullable=False),
    Column("timer_ends_at", DateTime(timezone=True), nullable=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True), nullable=True),
    Column("record", Text, nullable=True),
    Column("map_png", LargeBinary, nullable=True),
)

# Who joined, as counts: one row per page (a browser's device key), never a name.
workshop_joins = Table(
    "workshop_joins", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id"), nullable=False),
    Column("page_key", String(64), nullable=False),
    Column("joined_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("workshop_id", "page_key", name="uq_workshop_joins_page"),
)

# A dot-voting round over a shortlist (JSON list of {kind, id, title}); closed with its result.
dot_rounds = Table(
    "dot_rounds", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id"), nullable=False),
    Column("title", String(200), nullable=False),
    Column("options", Text, nullable=False),
    Column("dots_per_person", Integer, nullable=False),
    Column("status", String(16), nullable=False),          # open | closed
    Column("result", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("closed_at", DateTime(timezone=True), nullable=True),
)

# Each code's dots left in a round: spending one is a conditional decrement, and the check
# keeps it from going below 0 whatever the number of phones, tabs or clicks at once.
dot_wallets = Table(
    "dot_wallets", metadata,
    Column("round_id", Integer, ForeignKey("dot_rounds.id"), primary_key=True),
    Column("code_id", Integer, ForeignKey("participation_codes.id"), primary_key=True),
    Column("remaining", Integer, nullable=False),
    CheckConstraint("remaining >= 0", name="ck_dot_wallets_remaining"),
)

dots = Table(
    "dots", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("round_id", Integer, ForeignKey("dot_rounds.id"), nullable=False, index=True),
    Column("code_id", Integer, ForeignKey("participation_codes.id"), nullable=False),
    Column("option", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
