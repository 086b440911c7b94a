"""Layers: public spaces edited on the map live in the database (the current state, with a
deleted space's row kept), and every change to one is kept with who, when, before and after,
for the history and for undo.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "public_spaces",
        sa.Column("community_id", sa.String(64), sa.ForeignKey("communities.id"),
                  primary_key=True),
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("name_zh", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("description_zh", sa.Text, nullable=True),
        sa.Column("description_en", sa.Text, nullable=True),
        sa.Column("opening_hours", sa.String(200), nullable=True),
        sa.Column("facilities", sa.Text, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("geometry", sa.Text, nullable=False),
        sa.Column("area_m2", sa.Float, nullable=True),
        sa.Column("extra", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
    )
    op.create_table(
        "public_space_changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("community_id", sa.String(64), nullable=False),
        sa.Column("space_id", sa.String(64), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("who", sa.String(100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("before", sa.Text, nullable=True),
        sa.Column("after", sa.Text, nullable=True),
        sa.Column("undoes", sa.Integer, sa.ForeignKey("public_space_changes.id"),
                  nullable=True),
        sa.ForeignKeyConstraint(["community_id", "space_id"],
                                ["public_spaces.community_id", "public_spaces.id"],
                                name="fk_public_space_changes_space"),
        sa.UniqueConstraint("undoes", name="uq_public_space_changes_undoes"),
    )
    op.create_index("ix_public_space_changes_community", "public_space_changes",
                    ["community_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_public_space_changes_community", table_name="public_space_changes")
    op.drop_table("public_space_changes")
    op.drop_table("public_spaces")
