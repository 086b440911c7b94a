"""Points and the needs pool: accounts (the per-resident row a debit locks), the append-only
ledger with a unique event key per entry, credits awaiting review (service minutes kept apart
from points), catalogue stock, volunteers, needs and every state change of a need.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def _code(name="code_id", nullable=False, **kw):
    return sa.Column(name, sa.Integer, sa.ForeignKey("participation_codes.id"),
                     nullable=nullable, **kw)


def _community(**kw):
    return sa.Column("community_id", sa.String(64), sa.ForeignKey("communities.id"),
                     nullable=False, **kw)


def upgrade() -> None:
    op.create_table(
        "points_accounts",
        _code(primary_key=True),
        _community(),
        sa.Column("household", sa.String(64), nullable=True),
        sa.Column("opened_at", TZ, nullable=False),
        sa.Column("touched_at", TZ, nullable=False),
    )
    op.create_index("ix_points_accounts_household", "points_accounts", ["household"])
    op.create_table(
        "points_entries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _community(),
        _code(),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("points", sa.Integer, nullable=False),
        sa.Column("event_key", sa.String(200), nullable=False, unique=True),
        sa.Column("rule_id", sa.String(64), nullable=True),
        _code("counterpart_code_id", nullable=True),
        sa.Column("receipt_code", sa.String(16), nullable=True, unique=True),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("steward", sa.String(100), nullable=True),
        sa.Column("expires_on", sa.Date, nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.CheckConstraint("points <> 0", name="ck_points_entries_points"),
    )
    op.create_index("ix_points_entries_code", "points_entries", ["code_id", "points"])
    op.create_table(
        "points_credits",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _community(),
        _code(),
        sa.Column("event_key", sa.String(200), nullable=False, unique=True),
        sa.Column("rule_id", sa.String(64), nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column("points", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("awarded_by", sa.String(100), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("reviewed_by", sa.String(100), nullable=True),
        sa.Column("reviewed_at", TZ, nullable=True),
        sa.Column("review_note", sa.Text, nullable=True),
        sa.Column("entry_id", sa.Integer, sa.ForeignKey("points_entries.id"), nullable=True),
        sa.CheckConstraint("points > 0", name="ck_points_credits_points"),
        sa.CheckConstraint("minutes >= 0", name="ck_points_credits_minutes"),
    )
    op.create_index("ix_points_credits_status", "points_credits", ["community_id", "status"])
    op.create_table(
        "points_stock",
        _community(primary_key=True),
        sa.Column("item_id", sa.String(64), primary_key=True),
        sa.Column("remaining", sa.Integer, nullable=False),
        sa.CheckConstraint("remaining >= 0", name="ck_points_stock_remaining"),
    )
    op.create_table(
        "volunteers",
        _code(primary_key=True),
        _community(),
        sa.Column("skills", sa.Text, nullable=False),
        sa.Column("availability", sa.Text, nullable=False),
        sa.Column("registered_at", TZ, nullable=False),
    )
    op.create_table(
        "needs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _community(),
        _code("posted_by_code_id", nullable=True),
        sa.Column("posted_by", sa.String(100), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("skill", sa.String(64), nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("public_space_id", sa.String(64), nullable=True),
        sa.Column("lon", sa.Float, nullable=True),
        sa.Column("lat", sa.Float, nullable=True),
        sa.Column("window_start", TZ, nullable=False),
        sa.Column("window_end", TZ, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _code("claimed_by_code_id", nullable=True),
        sa.Column("minutes", sa.Integer, nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_index("ix_needs_status", "needs", ["community_id", "status"])
    op.create_table(
        "need_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("need_id", sa.Integer, sa.ForeignKey("needs.id"), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("status_from", sa.String(16), nullable=True),
        sa.Column("status_to", sa.String(16), nullable=False),
        _code("by_code_id", nullable=True),
        sa.Column("by_steward", sa.String(100), nullable=True),
        sa.Column("minutes", sa.Integer, nullable=True),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("at", TZ, nullable=False),
    )
    op.create_index("ix_need_events_need_id", "need_events", ["need_id"])


def downgrade() -> None:
    op.drop_table("need_events")
    op.drop_table("needs")
    op.drop_table("volunteers")
    op.drop_table("points_stock")
    op.drop_table("points_credits")
    op.drop_table("points_entries")
    op.drop_table("points_accounts")
