"""Topics: an imported conversation (Pol.is) is a draft, shown to no resident until a planner
of the community opens it. Conversations imported before were opened at once, so residents
saw conversations held elsewhere as their community's topics: they become drafts too.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE topics SET status = 'draft' WHERE source = 'polis' AND status = 'open'")


def downgrade() -> None:
    op.execute("UPDATE topics SET status = 'open' WHERE status = 'draft'")
