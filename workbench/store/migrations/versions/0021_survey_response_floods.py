"""Survey responses keep their client's key, for a flood limit counted across pages.

A script opening fresh pages made a new anonymous response from each (each page is a new
respondent), with no limit across pages. ``survey_responses.client_key``: the keyed hash of the
client (never its address), as proposals, comments and statements keep it since 0014, with
the index the limit counts by. Responses made before this revision have none.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("survey_responses", sa.Column("client_key", sa.String(32), nullable=True))
    op.create_index("ix_survey_responses_client_key", "survey_responses",
                    ["client_key", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_survey_responses_client_key", table_name="survey_responses")
    with op.batch_alter_table("survey_responses") as batch:
        batch.drop_column("client_key")
