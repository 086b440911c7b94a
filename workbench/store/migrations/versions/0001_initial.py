"""Communities, proposals and their authors (kept apart).

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "communities",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name_zh", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "proposals",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("community_id", sa.String(64), sa.ForeignKey("communities.id"),
                  nullable=False),
        sa.Column("receipt_code", sa.String(16), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("scenario", sa.String(32), nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("public_space_id", sa.String(64), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("receipt_code", name="uq_proposals_receipt_code"),
    )
    op.create_index("ix_proposals_community_id", "proposals", ["community_id"])
    op.create_table(
        "proposal_authors",
        sa.Column("proposal_id", sa.Integer,
                  sa.ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("name", sa.String(200), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("proposal_authors")
    op.drop_index("ix_proposals_community_id", "proposals")
    op.drop_table("proposals")
    op.drop_table("communities")
