"""Supports: one per participation code and proposal.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "supports",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("proposal_id", sa.Integer, sa.ForeignKey("proposals.id"), nullable=False),
        sa.Column("code_id", sa.Integer, sa.ForeignKey("participation_codes.id"),
                  nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("proposal_id", "code_id", name="uq_supports_proposal_code"),
    )
    op.create_index("ix_supports_proposal_id", "supports", ["proposal_id"])


def downgrade() -> None:
    op.drop_index("ix_supports_proposal_id", "supports")
    op.drop_table("supports")
