"""Survey versions and responses.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "survey_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("survey_id", sa.String(64), nullable=False),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("definition", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("survey_id", "version", name="uq_survey_versions_survey_version"),
    )
    op.create_index("ix_survey_versions_survey_id", "survey_versions", ["survey_id"])
    op.create_table(
        "survey_responses",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("survey_version_id", sa.Integer, sa.ForeignKey("survey_versions.id"),
                  nullable=False),
        sa.Column("respondent", sa.String(128), nullable=False),
        sa.Column("receipt_code", sa.String(16), nullable=False),
        sa.Column("answers", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("receipt_code", name="uq_survey_responses_receipt_code"),
        sa.UniqueConstraint("survey_version_id", "respondent",
                            name="uq_survey_responses_respondent"),
    )


def downgrade() -> None:
    op.drop_table("survey_responses")
    op.drop_index("ix_survey_versions_survey_id", "survey_versions")
    op.drop_table("survey_versions")
