"""Participation codes (hashed) and each community's code salt.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "community_secrets",
        sa.Column("community_id", sa.String(64), sa.ForeignKey("communities.id"),
                  primary_key=True),
        sa.Column("code_salt", sa.String(64), nullable=False),
    )
    op.create_table(
        "participation_codes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("community_id", sa.String(64), sa.ForeignKey("communities.id"),
                  nullable=False),
        sa.Column("code_hash", sa.String(128), nullable=False),
        sa.Column("batch", sa.String(100), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("replaces_id", sa.Integer, sa.ForeignKey("participation_codes.id"),
                  nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("code_hash", name="uq_participation_codes_code_hash"),
    )


def downgrade() -> None:
    op.drop_table("participation_codes")
    op.drop_table("community_secrets")
