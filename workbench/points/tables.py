"""The points tables: accounts, the append-only ledger, credits awaiting review, catalogue
stock, volunteers and the needs pool with its history.

SQLAlchemy Core on the one metadata of :mod:`workbench.store.tables`; the migration 0015 in
``workbench/store/migrations/versions`` creates them. Change both together."""

from sqlalchemy import CheckConstraint, Column, Date, DateTime, Float, ForeignKey, Index, \
    Integer, String, Table, Text

from workbench.store.tables import metadata

# One row per resident taking part in points (their participation code). It holds no balance
# (balances are sums of entries); every debit locks it first (an UPDATE of ``touched_at``),
# so two debits of one resident run one after the other on both databases. ``household`` is
# the label a steward gives a household (e.g. "3-2-501"); points move only within one.
points_accounts = Table(
    "points_accounts", metadata,
    Column("code_id", Integer, ForeignKey("participation_codes.id"), primary_key=True),
    Column("community_id", String(64), ForeignKey("communities.id"), nullable=False),
    Column("household", String(64), nullable=True, index=True),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("touched_at", DateTime(timezone=True), nullable=False),
)

# The ledger. Append-only: an entry is never edited or deleted; a correction is a new entry
# (kind "adjust"). ``points`` is signed (earn +, redeem -, transfer +/-, expire -, adjust +/-).
# ``event_key`` names what the entry is for ("credit:12", "redeem:<receipt>", "expire:17:
# 2026-12-31"): unique, so one event never makes two entries, however often it is repeated.
points_entries = Table(
    "points_entries", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("community_id", String(64), ForeignKey("communities.id"), nullable=False),
    Column("code_id", Integer, ForeignKey("participation_codes.id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("points", Integer, nullable=False),
    Column("event_key", String(200), nullable=False, unique=True),
    Column("rule_id", String(64), nullable=True),
    Column("counterpart_code_id", Integer, ForeignKey("participation_codes.id"),
           nullable=True),
    Column("receipt_code", String(16), nullable=True, unique=True),
    Column("reason", Text, nullable=True),
    Column("steward", String(100), nullable=True),
    Column("expires_on", Date, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("points <> 0", name="ck_points_entries_points"),
    Index("ix_points_entries_code", "code_id", "points"),
)

# A credit waiting for review (then approved into the ledger, or rejected). Service time is
# kept here in minutes, apart from points. ``event_key`` is the event that earns ("need:5",
# "survey:3:17"): unique, so an award repeated or raced is one credit.
points_credits = Table(
    "points_credits", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("community_id", String(64), ForeignKey("communities.id"), nullable=False),
    Column("code_id", Integer, ForeignKey("participation_codes.id"), nullable=False),
    Column("event_key", String(200), nullable=False, unique=True),
    Column("rule_id", String(64), nullable=False),
    Column("minutes", Integer, nullable=False, default=0),
    Column("points", Integer, nullable=False),
    Column("status", String(16), nullable=False),     # pending | approved | rejected
    Column("awarded_by", String(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("reviewed_by", String(100), nullable=True),
    Column("reviewed_at", DateTime(timezone=True), nullable=True),
    Column("review_note", Text, nullable=True),
    Column("entry_id", Integer, ForeignKey("points_entries.id"), nullable=True),
    CheckConstraint("points > 0", name="ck_points_credits_points"),
    CheckConstraint("minutes >= 0", name="ck_points_credits_minutes"),
    Index("ix_points_credits_status", "community_id", "status"),
)

# What is left of a catalogue item that has a limited number: a conditional decrement under
# a check, as the workshop's dot wallets, so no number of redemptions at once oversells it.
points_stock = Table(
    "points_stock", metadata,
    Column("community_id", String(64), ForeignKey("communities.id"), primary_key=True),
    Column("item_id", String(64), primary_key=True),
    Column("remaining", Integer, nullable=False),
    CheckConstraint("remaining >= 0", name="ck_points_stock_remaining"),
)

# A volunteer of the steward team: skills (JSON list of skill ids) and availability (text).
volunteers = Table(
    "volunteers", metadata,
    Column("code_id", Integer, ForeignKey("participation_codes.id"), primary_key=True),
    Column("community_id", String(64), ForeignKey("communities.id"), nullable=False),
    Column("skills", Text, nullable=False),
    Column("availability", Text, nullable=False, default=""),
    Column("registered_at", DateTime(timezone=True), nullable=False),
)

# A need of the community needs pool (社区需求服务池), posted by a resident (their code) or
# the committee; its state moves open -> claimed -> done -> confirmed (or back to open on a
# release, or cancelled), each move a row of need_events.
needs = Table(
    "needs", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("community_id", String(64), ForeignKey("communities.id"), nullable=False),
    Column("posted_by_code_id", Integer, ForeignKey("participation_codes.id"), nullable=True),
    Column("posted_by", String(100), nullable=False),   # "resident" or the steward's name
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("skill", String(64), nullable=False),
    Column("category", String(64), nullable=False),
    Column("public_space_id", String(64), nullable=True),
    Column("lon", Float, nullable=True),
    Column("lat", Float, nullable=True),
    Column("window_start", DateTime(timezone=True), nullable=False),
    Column("window_end", DateTime(timezone=True), nullable=False),
    Column("status", String(16), nullable=False),
    Column("claimed_by_code_id", Integer, ForeignKey("participation_codes.id"),
           nullable=True),
    Column("minutes", Integer, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_needs_status", "community_id", "status"),
)

# Every state change of a need: who (a code id or a steward's name), when, from and to.
need_events = Table(
    "need_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("need_id", Integer, ForeignKey("needs.id"), nullable=False, index=True),
    Column("action", String(16), nullable=False),
    Column("status_from", String(16), nullable=True),
    Column("status_to", String(16), nullable=False),
    Column("by_code_id", Integer, ForeignKey("participation_codes.id"), nullable=True),
    Column("by_steward", String(100), nullable=True),
    Column("minutes", Integer, nullable=True),
    Column("note", Text, nullable=True),
    Column("at", DateTime(timezone=True), nullable=False),
)
