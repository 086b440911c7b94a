"""Proposals: the participation code of the resident who made a proposal while their page had
one (none for a proposal made without a code, imported, or from before), so that an agenda
adopting it can credit its author's points (``proposal_adopted``, the points rule file).
Never shown or exported: the public columns of a proposal leave it out.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("proposals") as batch:
        batch.add_column(sa.Column("author_code_id", sa.Integer, nullable=True))
        batch.create_foreign_key("fk_proposals_author_code_id", "participation_codes",
                                 ["author_code_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("proposals") as batch:
        batch.drop_constraint("fk_proposals_author_code_id", type_="foreignkey")
        batch.drop_column("author_code_id")
