"""Workshops: a meeting's screen, who joined (counts), proposals made there, dot-voting
rounds with one wallet of dots per participation code, and the saved record.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workshops",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("community_id", sa.String(64), sa.ForeignKey("communities.id"),
                  nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("dots_per_person", sa.Integer, nullable=False),
        sa.Column("facilitator_hash", sa.String(128), nullable=False),
        sa.Column("timer_ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("record", sa.Text, nullable=True),
        sa.Column("map_png", sa.LargeBinary, nullable=True),
    )
    op.create_table(
        "workshop_joins",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("workshop_id", sa.Integer, sa.ForeignKey("workshops.id"), nullable=False),
        sa.Column("page_key", sa.String(64), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("workshop_id", "page_key", name="uq_workshop_joins_page"),
    )
    with op.batch_alter_table("proposals") as batch:
        batch.add_column(sa.Column("workshop_id", sa.Integer, nullable=True))
    op.create_table(
        "dot_rounds",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("workshop_id", sa.Integer, sa.ForeignKey("workshops.id"), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("options", sa.Text, nullable=False),
        sa.Column("dots_per_person", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("result", sa.Text, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "dot_wallets",
        sa.Column("round_id", sa.Integer, sa.ForeignKey("dot_rounds.id"), primary_key=True),
        sa.Column("code_id", sa.Integer, sa.ForeignKey("participation_codes.id"),
                  primary_key=True),
        sa.Column("remaining", sa.Integer, nullable=False),
        sa.CheckConstraint("remaining >= 0", name="ck_dot_wallets_remaining"),
    )
    op.create_table(
        "dots",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("round_id", sa.Integer, sa.ForeignKey("dot_rounds.id"), nullable=False),
        sa.Column("code_id", sa.Integer, sa.ForeignKey("participation_codes.id"),
                  nullable=False),
        sa.Column("option", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_dots_round_id", "dots", ["round_id"])


def downgrade() -> None:
    op.drop_index("ix_dots_round_id", "dots")
    op.drop_table("dots")
    op.drop_table("dot_wallets")
    op.drop_table("dot_rounds")
    with op.batch_alter_table("proposals") as batch:
        batch.drop_column("workshop_id")
    op.drop_table("workshop_joins")
    op.drop_table("workshops")
