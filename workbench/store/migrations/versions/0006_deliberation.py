"""Deliberation: comments, reports and the moderation log, topics, statements and votes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a hidden proposal stays, with the moderator's public reason in place of its text
    with op.batch_alter_table("proposals") as batch:
        batch.add_column(sa.Column("hidden_reason", sa.Text, nullable=True))
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("proposal_id", sa.Integer, sa.ForeignKey("proposals.id"), nullable=False),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("comments.id"), nullable=True),
        sa.Column("code_id", sa.Integer, sa.ForeignKey("participation_codes.id"),
                  nullable=False),
        sa.Column("stance", sa.String(8), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("hidden_reason", sa.Text, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_comments_proposal_id", "comments", ["proposal_id"])
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("community_id", sa.String(64), sa.ForeignKey("communities.id"),
                  nullable=False),
        sa.Column("target_kind", sa.String(16), nullable=False),
        sa.Column("target_id", sa.Integer, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("reporter", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("target_kind", "target_id", "reporter",
                            name="uq_reports_target_reporter"),
    )
    op.create_index("ix_reports_target", "reports", ["target_kind", "target_id"])
    op.create_table(
        "moderation_actions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("community_id", sa.String(64), sa.ForeignKey("communities.id"),
                  nullable=False),
        sa.Column("target_kind", sa.String(16), nullable=False),
        sa.Column("target_id", sa.Integer, nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("moderator", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "topics",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("community_id", sa.String(64), sa.ForeignKey("communities.id"),
                  nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "statements",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("topic_id", sa.Integer, sa.ForeignKey("topics.id"), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("code_id", sa.Integer, sa.ForeignKey("participation_codes.id"),
                  nullable=True),
        sa.Column("author", sa.String(64), nullable=True),
        sa.Column("external_id", sa.Integer, nullable=True),
        sa.Column("is_seed", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("hidden_reason", sa.Text, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_statements_topic_id", "statements", ["topic_id"])
    op.create_table(
        "votes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("statement_id", sa.Integer, sa.ForeignKey("statements.id"), nullable=False),
        sa.Column("voter", sa.String(64), nullable=False),
        sa.Column("code_id", sa.Integer, sa.ForeignKey("participation_codes.id"),
                  nullable=True),
        sa.Column("vote", sa.SmallInteger, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("statement_id", "voter", name="uq_votes_statement_voter"),
    )
    op.create_index("ix_votes_statement_id", "votes", ["statement_id"])
    op.create_index("ix_votes_voter", "votes", ["voter"])


def downgrade() -> None:
    op.drop_index("ix_votes_voter", "votes")
    op.drop_index("ix_votes_statement_id", "votes")
    op.drop_table("votes")
    op.drop_index("ix_statements_topic_id", "statements")
    op.drop_table("statements")
    op.drop_table("topics")
    op.drop_table("moderation_actions")
    op.drop_index("ix_reports_target", "reports")
    op.drop_table("reports")
    op.drop_index("ix_comments_proposal_id", "comments")
    op.drop_table("comments")
    with op.batch_alter_table("proposals") as batch:
        batch.drop_column("hidden_reason")
