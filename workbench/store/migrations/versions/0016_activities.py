"""Activities and bookings in public spaces: rooms with opening hours, activities (one-off or
weekly), sign-ups with a waiting list, room bookings. On PostgreSQL two live bookings of one
room can never overlap (an exclusion constraint, btree_gist); on SQLite the store's
lock-then-check does it (docs/activities.md).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def _space(name: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["community_id", "public_space_id"],
                                   ["public_spaces.community_id", "public_spaces.id"],
                                   name=name)


def upgrade() -> None:
    op.create_table(
        "activity_rooms",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("community_id", sa.String(64), nullable=False),
        sa.Column("public_space_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("opens", sa.String(5), nullable=False),
        sa.Column("closes", sa.String(5), nullable=False),
        sa.Column("points_cost", sa.Integer, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("touched_at", TZ, nullable=False),
        _space("fk_activity_rooms_space"),
        sa.UniqueConstraint("community_id", "public_space_id", "name",
                            name="uq_activity_rooms_name"),
        sa.CheckConstraint("points_cost >= 0", name="ck_activity_rooms_points_cost"),
    )
    op.create_table(
        "activities",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("community_id", sa.String(64), nullable=False),
        sa.Column("public_space_id", sa.String(64), nullable=False),
        sa.Column("room_id", sa.Integer, sa.ForeignKey("activity_rooms.id"), nullable=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("scenario", sa.String(64), nullable=False),
        sa.Column("organiser", sa.String(100), nullable=False),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("starts_at", TZ, nullable=False),
        sa.Column("ends_at", TZ, nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("repeat", sa.String(8), nullable=False),
        sa.Column("repeat_until", sa.Date, nullable=True),
        sa.Column("skip_dates", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("touched_at", TZ, nullable=False),
        _space("fk_activities_space"),
        sa.CheckConstraint("capacity BETWEEN 1 AND 500", name="ck_activities_capacity"),
        sa.CheckConstraint("ends_at > starts_at", name="ck_activities_times"),
    )
    op.create_index("ix_activities_space", "activities", ["community_id", "public_space_id"])
    op.create_table(
        "activity_signups",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("activity_id", sa.Integer, sa.ForeignKey("activities.id"), nullable=False),
        sa.Column("occurs_on", sa.Date, nullable=False),
        sa.Column("code_id", sa.Integer, sa.ForeignKey("participation_codes.id"),
                  nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("queue_no", sa.Integer, nullable=False),
        sa.Column("signed_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("attended_at", TZ, nullable=True),
        sa.Column("confirmed_by", sa.String(100), nullable=True),
        sa.UniqueConstraint("activity_id", "occurs_on", "code_id",
                            name="uq_activity_signups_person"),
    )
    op.create_index("ix_activity_signups_occurrence", "activity_signups",
                    ["activity_id", "occurs_on", "status"])
    op.create_table(
        "room_bookings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("room_id", sa.Integer, sa.ForeignKey("activity_rooms.id"), nullable=False),
        sa.Column("code_id", sa.Integer, sa.ForeignKey("participation_codes.id"),
                  nullable=True),
        sa.Column("purpose", sa.String(200), nullable=False),
        sa.Column("starts_at", TZ, nullable=False),
        sa.Column("ends_at", TZ, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("decided_by", sa.String(100), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("decided_at", TZ, nullable=True),
        sa.CheckConstraint("ends_at > starts_at", name="ck_room_bookings_times"),
    )
    op.create_index("ix_room_bookings_room", "room_bookings", ["room_id", "starts_at"])
    if op.get_bind().dialect.name == "postgresql":
        # btree_gist lets a GiST index compare plain integers (room_id WITH =); it ships
        # with PostgreSQL (contrib) and is a trusted extension since 13.
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute("ALTER TABLE room_bookings ADD CONSTRAINT ex_room_bookings_overlap "
                   "EXCLUDE USING gist (room_id WITH =, "
                   "tstzrange(starts_at, ends_at, '[)') WITH &&) "
                   "WHERE (status IN ('requested', 'approved'))")


def downgrade() -> None:
    op.drop_table("room_bookings")
    op.drop_table("activity_signups")
    op.drop_table("activities")
    op.drop_table("activity_rooms")
