"""Participation: residents' optional names and contact details in their own table, keyed by
participation code, never shown or exported (China's Personal Information Protection Law:
a resident may ask for them, or for their deletion, while their contributions stay).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "residents_personal",
        sa.Column("code_id", sa.Integer, sa.ForeignKey("participation_codes.id"),
                  primary_key=True),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("contact", sa.String(200), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("residents_personal")
