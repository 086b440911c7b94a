"""Survey drafts, kept across page reloads.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "survey_drafts",
        sa.Column("survey_version_id", sa.Integer, sa.ForeignKey("survey_versions.id"),
                  primary_key=True),
        sa.Column("respondent", sa.String(128), primary_key=True),
        sa.Column("answers", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("survey_drafts")
