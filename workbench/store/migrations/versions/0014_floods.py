"""Floods: each proposal, comment and statement keeps a keyed hash of its client's address
(never the address) for the flood limits counted across pages, with indexes for counting a
client's or a code's recent submissions; the floods planners hid in one action, and what each
hid (to show it again).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

#: the tables that keep a client key, with the indexes the limits count by
KEYED = {"proposals": ["client_key"], "comments": ["client_key", "code"],
         "statements": ["client_key", "code"]}


def upgrade() -> None:
    for table, indexes in KEYED.items():
        op.add_column(table, sa.Column("client_key", sa.String(32), nullable=True))
        op.create_index(f"ix_{table}_client_key", table, ["client_key", "created_at"])
        if "code" in indexes:
            op.create_index(f"ix_{table}_code_created", table, ["code_id", "created_at"])
    op.create_table(
        "flood_hides",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("community_id", sa.String(64), sa.ForeignKey("communities.id"),
                  nullable=False),
        sa.Column("client_key", sa.String(32), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("window_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("moderator", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("undone_by", sa.String(100), nullable=True),
    )
    op.create_table(
        "flood_hide_items",
        sa.Column("flood_hide_id", sa.Integer, sa.ForeignKey("flood_hides.id"),
                  primary_key=True),
        sa.Column("target_kind", sa.String(16), primary_key=True),
        sa.Column("target_id", sa.Integer, primary_key=True),
        sa.Column("status_before", sa.String(16), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("flood_hide_items")
    op.drop_table("flood_hides")
    for table, indexes in KEYED.items():
        if "code" in indexes:
            op.drop_index(f"ix_{table}_code_created", table_name=table)
        op.drop_index(f"ix_{table}_client_key", table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("client_key")
