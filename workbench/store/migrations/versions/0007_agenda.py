"""The community public agenda: items grouping proposals, decisions, tracking, published
versions; proposals gain supports counted elsewhere and an official answer.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("proposals") as batch:
        batch.add_column(sa.Column("external_supports", sa.Integer, nullable=False,
                                   server_default="0"))
        batch.add_column(sa.Column("official_answer", sa.Text, nullable=True))
        batch.add_column(sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "agenda_items",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("community_id", sa.String(64), sa.ForeignKey("communities.id"),
                  nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("scenario", sa.String(32), nullable=False),
        sa.Column("public_space_id", sa.String(64), nullable=True),
        sa.Column("lon", sa.Float, nullable=True),
        sa.Column("lat", sa.Float, nullable=True),
        sa.Column("statement_ids", sa.Text, nullable=False),
        sa.Column("decision", sa.String(16), nullable=True),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("merged_into", sa.Integer, sa.ForeignKey("agenda_items.id"), nullable=True),
        sa.Column("owner", sa.String(32), nullable=True),
        sa.Column("budget_line", sa.String(200), nullable=True),
        sa.Column("milestones", sa.Text, nullable=False),
        sa.Column("target_date", sa.Date, nullable=True),
        sa.Column("status", sa.String(16), nullable=True),
        sa.Column("progress", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_agenda_items_community_id", "agenda_items", ["community_id"])
    op.create_table(
        "agenda_item_proposals",
        sa.Column("proposal_id", sa.Integer, sa.ForeignKey("proposals.id"), primary_key=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("agenda_items.id"), nullable=False),
    )
    op.create_index("ix_agenda_item_proposals_item_id", "agenda_item_proposals", ["item_id"])
    op.create_table(
        "agenda_updates",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("agenda_items.id"), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("progress", sa.Integer, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_agenda_updates_item_id", "agenda_updates", ["item_id"])
    op.create_table(
        "agenda_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("community_id", sa.String(64), sa.ForeignKey("communities.id"),
                  nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("snapshot", sa.Text, nullable=False),
        sa.Column("published_by", sa.String(100), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("community_id", "number", name="uq_agenda_versions_number"),
    )


def downgrade() -> None:
    op.drop_table("agenda_versions")
    op.drop_index("ix_agenda_updates_item_id", "agenda_updates")
    op.drop_table("agenda_updates")
    op.drop_index("ix_agenda_item_proposals_item_id", "agenda_item_proposals")
    op.drop_table("agenda_item_proposals")
    op.drop_index("ix_agenda_items_community_id", "agenda_items")
    op.drop_table("agenda_items")
    with op.batch_alter_table("proposals") as batch:
        batch.drop_column("answered_at")
        batch.drop_column("official_answer")
        batch.drop_column("external_supports")
