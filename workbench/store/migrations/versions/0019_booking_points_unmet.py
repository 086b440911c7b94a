"""Bookings that cost points, and the requests for a room nobody could be given.

``room_bookings.request_key``: the key of the form a resident sent (one per confirmation
shown), unique with the resident's code, so a request sent twice (a double tap) is one
booking and one charge. ``room_requests_unmet``: a resident's request refused because the
room was taken or closed at the time asked; the room and the times only (no code, no
purpose, the moment asked to the hour), counted as unmet demand (docs/activities.md).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("room_bookings") as batch:
        batch.add_column(sa.Column("request_key", sa.String(64), nullable=True))
        batch.create_unique_constraint("uq_room_bookings_request", ["code_id", "request_key"])
    op.create_table(
        "room_requests_unmet",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("room_id", sa.Integer, sa.ForeignKey("activity_rooms.id"), nullable=False),
        sa.Column("starts_at", TZ, nullable=False),
        sa.Column("ends_at", TZ, nullable=False),
        sa.Column("why", sa.String(16), nullable=False),
        sa.Column("asked_at", TZ, nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name="ck_room_requests_unmet_times"),
    )
    op.create_index("ix_room_requests_unmet_room", "room_requests_unmet",
                    ["room_id", "starts_at"])


def downgrade() -> None:
    op.drop_index("ix_room_requests_unmet_room", table_name="room_requests_unmet")
    op.drop_table("room_requests_unmet")
    with op.batch_alter_table("room_bookings") as batch:
        batch.drop_constraint("uq_room_bookings_request", type_="unique")
        batch.drop_column("request_key")
