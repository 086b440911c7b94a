"""Surveys belong to a community.

``survey_versions.community_id``: the community a survey was published into, so that one
database holding several communities (a street's) shows each community's residents its own
surveys only, and each agenda reads its own community's answers. A version is unique per
community (two communities may publish the same file). Versions published before this
revision belong to the database's one community when it has exactly one; otherwise they stay
unassigned (NULL) and are read as every community's, as before.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("survey_versions") as batch:
        batch.add_column(sa.Column("community_id", sa.String(64),
                                   sa.ForeignKey("communities.id",
                                                 name="fk_survey_versions_community"),
                                   nullable=True))
        batch.drop_constraint("uq_survey_versions_survey_version", type_="unique")
        batch.create_unique_constraint("uq_survey_versions_community_survey_version",
                                       ["community_id", "survey_id", "version"])
        batch.create_index("ix_survey_versions_community_id", ["community_id"])
    conn = op.get_bind()
    only = conn.execute(sa.text("SELECT id FROM communities")).fetchall()
    if len(only) == 1:
        conn.execute(sa.text("UPDATE survey_versions SET community_id = :c"),
                     {"c": only[0][0]})


def downgrade() -> None:
    with op.batch_alter_table("survey_versions") as batch:
        batch.drop_index("ix_survey_versions_community_id")
        batch.drop_constraint("uq_survey_versions_community_survey_version", type_="unique")
        batch.create_unique_constraint("uq_survey_versions_survey_version",
                                       ["survey_id", "version"])
        batch.drop_constraint("fk_survey_versions_community", type_="foreignkey")
        batch.drop_column("community_id")
