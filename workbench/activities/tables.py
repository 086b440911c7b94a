"""The activities tables: rooms of a public space, activities, sign-ups, room bookings.

SQLAlchemy Core on the one metadata of :mod:`workbench.store.tables`; the migrations 0016 and
0019 in ``workbench/store/migrations/versions`` create them. Change both together.

Times are stored in UTC (``DateTime(timezone=True)``; SQLite keeps them as text, so the store
converts to UTC before writing and compares like with like). On PostgreSQL the migration
adds an exclusion constraint to ``room_bookings`` (two live bookings of one room never
overlap), which this module does not declare: SQLite has no such thing, and the store's
lock-then-check (workbench/activities/queries.py) does the same there."""

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from workbench.store.tables import metadata

TZ = DateTime(timezone=True)

# A room or facility of a public space residents can book (the table-tennis room, the living
# room), with its opening hours in the community's time zone ("08:00" to "21:00"). Every
# booking of the room starts its transaction by updating ``touched_at``: the room's lock.
activity_rooms = Table(
    "activity_rooms", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("community_id", String(64), nullable=False),
    Column("public_space_id", String(64), nullable=False),
    Column("name", String(100), nullable=False),
    Column("opens", String(5), nullable=False),
    Column("closes", String(5), nullable=False),
    Column("points_cost", Integer, nullable=False, default=0),
    Column("created_at", TZ, nullable=False),
    Column("touched_at", TZ, nullable=False),
    ForeignKeyConstraint(["community_id", "public_space_id"],
                         ["public_spaces.community_id", "public_spaces.id"],
                         name="fk_activity_rooms_space"),
    UniqueConstraint("community_id", "public_space_id", "name", name="uq_activity_rooms_name"),
    CheckConstraint("points_cost >= 0", name="ck_activity_rooms_points_cost"),
)

# An activity: its first occurrence (``starts_at``..``ends_at``) and, when weekly, the same
# local time each week until ``repeat_until``, less ``skip_dates`` (JSON list of ISO dates)
# and the public holidays. Every sign-up starts its transaction by updating ``touched_at``.
activities = Table(
    "activities", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("community_id", String(64), nullable=False),
    Column("public_space_id", String(64), nullable=False),
    Column("room_id", Integer, ForeignKey("activity_rooms.id"), nullable=True),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("scenario", String(64), nullable=False),
    Column("organiser", String(100), nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("starts_at", TZ, nullable=False),
    Column("ends_at", TZ, nullable=False),
    Column("time_zone", String(64), nullable=False),
    Column("repeat", String(8), nullable=False),          # once | weekly
    Column("repeat_until", Date, nullable=True),
    Column("skip_dates", Text, nullable=False),
    Column("status", String(16), nullable=False),         # open | cancelled
    Column("created_by", String(100), nullable=False),
    Column("created_at", TZ, nullable=False),
    Column("touched_at", TZ, nullable=False),
    ForeignKeyConstraint(["community_id", "public_space_id"],
                         ["public_spaces.community_id", "public_spaces.id"],
                         name="fk_activities_space"),
    CheckConstraint("capacity BETWEEN 1 AND 500", name="ck_activities_capacity"),
    CheckConstraint("ends_at > starts_at", name="ck_activities_times"),
    Index("ix_activities_space", "community_id", "public_space_id"),
)

# One resident (their participation code) on one occurrence (``occurs_on``, a local date):
# accepted, waiting (in ``queue_no`` order) or cancelled; ``attended_at`` when the organiser
# confirmed them at the door.
activity_signups = Table(
    "activity_signups", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("activity_id", Integer, ForeignKey("activities.id"), nullable=False),
    Column("occurs_on", Date, nullable=False),
    Column("code_id", Integer, ForeignKey("participation_codes.id"), nullable=False),
    Column("status", String(16), nullable=False),         # accepted | waiting | cancelled
    Column("queue_no", Integer, nullable=False),
    Column("signed_at", TZ, nullable=False),
    Column("updated_at", TZ, nullable=False),
    Column("attended_at", TZ, nullable=True),
    Column("confirmed_by", String(100), nullable=True),
    UniqueConstraint("activity_id", "occurs_on", "code_id", name="uq_activity_signups_person"),
    Index("ix_activity_signups_occurrence", "activity_id", "occurs_on", "status"),
)

# A request for a room from ``starts_at`` to ``ends_at``: requested -> approved | refused
# (with a reason), or cancelled. Requested and approved bookings hold the room.
# ``request_key`` names the form sent (a repeated tap is the same booking, charged once).
room_bookings = Table(
    "room_bookings", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("room_id", Integer, ForeignKey("activity_rooms.id"), nullable=False),
    Column("code_id", Integer, ForeignKey("participation_codes.id"), nullable=True),
    Column("purpose", String(200), nullable=False),
    Column("starts_at", TZ, nullable=False),
    Column("ends_at", TZ, nullable=False),
    Column("status", String(16), nullable=False),
    Column("reason", Text, nullable=True),
    Column("decided_by", String(100), nullable=True),
    Column("created_at", TZ, nullable=False),
    Column("decided_at", TZ, nullable=True),
    Column("request_key", String(64), nullable=True),
    CheckConstraint("ends_at > starts_at", name="ck_room_bookings_times"),
    Index("ix_room_bookings_room", "room_id", "starts_at"),
    UniqueConstraint("code_id", "request_key", name="uq_room_bookings_request"),
)

# A resident's request for a room refused because it was taken (``why``: "taken",
# "activity") or closed ("closed") at the time asked: demand the room could not meet. No
# code, no purpose, and the moment asked only to the hour (docs/privacy.md).
room_requests_unmet = Table(
    "room_requests_unmet", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("room_id", Integer, ForeignKey("activity_rooms.id"), nullable=False),
    Column("starts_at", TZ, nullable=False),
    Column("ends_at", TZ, nullable=False),
    Column("why", String(16), nullable=False),
    Column("asked_at", TZ, nullable=False),
    CheckConstraint("ends_at > starts_at", name="ck_room_requests_unmet_times"),
    Index("ix_room_requests_unmet_room", "room_id", "starts_at"),
)
