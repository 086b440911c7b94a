"""Proposals: a resident's photo of what they propose, stored as a clean JPEG (no EXIF, no
place) with its thumbnail, in the database so that it is committed with its proposal.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "proposal_photos",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("proposal_id", sa.Integer,
                  sa.ForeignKey("proposals.id", ondelete="CASCADE"), nullable=False,
                  unique=True),
        sa.Column("content_type", sa.String(32), nullable=False),
        sa.Column("width", sa.Integer, nullable=False),
        sa.Column("height", sa.Integer, nullable=False),
        sa.Column("thumb_width", sa.Integer, nullable=False),
        sa.Column("thumb_height", sa.Integer, nullable=False),
        # hidden by a moderator: the photo stays, with the public reason
        sa.Column("hidden_reason", sa.Text, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        # the bytes last (SQLite reads through a large value to reach the columns after it)
        sa.Column("thumbnail", sa.LargeBinary, nullable=False),
        sa.Column("image", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("proposal_photos")
