"""The store's part for activities and their sign-ups, mixed into :class:`workbench.store.Store`
through :class:`workbench.activities.queries.ActivityStore`; the rules live in
:mod:`workbench.activities.rules`. Also how activities and times come back from the store
(stored times as aware UTC, a row as an Activity, the meetings held in a room), which the
bookings' part uses too.

Why an activity never takes more than its capacity: a sign-up (and a cancellation) starts its
transaction by updating its activity's row (``touched_at``). On PostgreSQL that UPDATE holds
the row's lock until commit, so a second sign-up of the same activity waits, then counts the
places the first committed (READ COMMITTED reads afresh per statement); on SQLite the same
UPDATE, the transaction's first statement, takes the database's write lock. The count, the
queue number and the insert then run alone: exactly ``capacity`` accepted, the rest waiting
in the order they got the lock, and a place freed by a cancellation goes to the first waiting
in the same transaction.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, insert, select, update

from workbench.activities.rules import (
    Activity,
    SignupRefused,
    check_signup_time,
    moving_up,
    occurrence_on,
    occurrences,
    overlaps,
    place_for,
    utc,
)
from workbench.activities.tables import activities, activity_signups
from workbench.participation.tables import participation_codes


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def aware(moment: datetime | None) -> datetime | None:
    """A stored time as aware UTC (SQLite gives it back naive; it was written in UTC)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=timezone.utc)


def activity_from_row(row) -> Activity:
    """An ``activities`` row as the Activity it stores, its times in its own time zone."""
    zone = ZoneInfo(row.time_zone)
    return Activity(title=row.title, description=row.description,
                    public_space_id=row.public_space_id, room_id=row.room_id,
                    scenario=row.scenario, organiser=row.organiser, capacity=row.capacity,
                    starts_at=aware(row.starts_at).astimezone(zone),
                    ends_at=aware(row.ends_at).astimezone(zone), time_zone=row.time_zone,
                    repeat=row.repeat, repeat_until=row.repeat_until,
                    skip_dates=tuple(date.fromisoformat(d) for d in json.loads(row.skip_dates)))


def meetings_in_room(conn, room_id: int, start: datetime, end: datetime
                     ) -> list[tuple[datetime, datetime]]:
    """The meetings of open activities held in the room that overlap [start, end)."""
    found = []
    for row in conn.execute(select(activities).where(activities.c.room_id == room_id,
                                                     activities.c.status == "open")):
        activity = activity_from_row(row)
        zone = ZoneInfo(activity.time_zone)
        first = start.astimezone(zone).date() - timedelta(days=1)
        last = end.astimezone(zone).date() + timedelta(days=1)
        found += [(m.starts_at, m.ends_at) for m in occurrences(activity, first, last)
                  if overlaps(m.starts_at, m.ends_at, start, end)]
    return found


def _lock_activity(conn, activity_id: int):
    """Take the activity's lock for this transaction (see the module's note); its row."""
    if conn.execute(update(activities).where(activities.c.id == activity_id)
                    .values(touched_at=now_utc())).rowcount != 1:
        raise SignupRefused("activities.refused.no_activity")
    return conn.execute(select(activities).where(activities.c.id == activity_id)).first()


def _queue(conn, activity_id: int, on: date, status: str) -> list:
    return list(conn.execute(select(activity_signups).where(
        activity_signups.c.activity_id == activity_id, activity_signups.c.occurs_on == on,
        activity_signups.c.status == status).order_by(activity_signups.c.queue_no)))


class SignupStore:
    """Methods of :class:`Store` (which provides ``engine`` and ``write``, and, through
    :class:`~workbench.activities.queries.ActivityStore`, the bookings' part the use of the
    spaces reads too)."""

    # -- activities -------------------------------------------------------------------------
    def add_activity(self, community_id: str, activity: Activity, created_by: str) -> int:
        """Store a validated activity (:func:`workbench.activities.rules.validate_activity`)."""
        now = now_utc()
        return self.write(lambda conn: conn.execute(insert(activities).values(
            community_id=community_id, public_space_id=activity.public_space_id,
            room_id=activity.room_id, title=activity.title, description=activity.description,
            scenario=activity.scenario, organiser=activity.organiser,
            capacity=activity.capacity, starts_at=utc(activity.starts_at),
            ends_at=utc(activity.ends_at), time_zone=activity.time_zone,
            repeat=activity.repeat, repeat_until=activity.repeat_until,
            skip_dates=json.dumps([d.isoformat() for d in activity.skip_dates]),
            status="open", created_by=created_by, created_at=now, touched_at=now)
        ).inserted_primary_key[0])

    def activity(self, activity_id: int) -> tuple[Activity, dict] | None:
        """The activity and its stored row (id, community_id, status...), or None."""
        with self.engine.connect() as conn:
            row = conn.execute(select(activities).where(activities.c.id == activity_id)).first()
        return (activity_from_row(row), dict(row._mapping)) if row else None

    def activities_of(self, community_id: str, space_id: str | None = None
                      ) -> list[tuple[int, Activity]]:
        """The community's open activities (of one space when given), oldest first."""
        query = select(activities).where(activities.c.community_id == community_id,
                                         activities.c.status == "open")
        if space_id is not None:
            query = query.where(activities.c.public_space_id == space_id)
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(activities.c.id))
            return [(r.id, activity_from_row(r)) for r in rows]

    def cancel_activity(self, activity_id: int) -> bool:
        """Cancel an activity (every meeting); its sign-ups are kept. False if it was."""
        def work(conn):
            _lock_activity(conn, activity_id)
            return conn.execute(update(activities).where(
                activities.c.id == activity_id, activities.c.status == "open")
                .values(status="cancelled")).rowcount == 1
        return self.write(work)

    def meeting_counts(self, activity_ids: list[int], first: date, last: date
                       ) -> dict[tuple[int, date], dict[str, int]]:
        """{(activity id, date): {"accepted": n, "waiting": m}} for meetings with sign-ups."""
        if not activity_ids:
            return {}
        query = select(activity_signups.c.activity_id, activity_signups.c.occurs_on,
                       activity_signups.c.status, func.count()).where(
            activity_signups.c.activity_id.in_(activity_ids),
            activity_signups.c.occurs_on >= first, activity_signups.c.occurs_on <= last,
            activity_signups.c.status.in_(("accepted", "waiting"))).group_by(
            activity_signups.c.activity_id, activity_signups.c.occurs_on,
            activity_signups.c.status)
        counts: dict = {}
        with self.engine.connect() as conn:
            for activity_id, on, status, n in conn.execute(query):
                counts.setdefault((activity_id, on), {"accepted": 0, "waiting": 0})[status] = n
        return counts

    # -- sign-ups ---------------------------------------------------------------------------
    def sign_up(self, activity_id: int, on, code_id: int, now: datetime | None = None
                ) -> dict:
        """Sign a resident up for the meeting on local date ``on``: ``{"status": "accepted" |
        "waiting", "position": n on the waiting list (0 when accepted), "new": bool}``. Signing
        up again answers with the place already held; after a cancellation it queues anew."""
        now = now or now_utc()

        def work(conn):
            row = _lock_activity(conn, activity_id)
            if row.status != "open":
                raise SignupRefused("activities.refused.cancelled")
            meeting = occurrence_on(activity_from_row(row), on)
            check_signup_time(meeting, now)
            if conn.execute(select(participation_codes.c.id).where(
                    participation_codes.c.id == code_id, participation_codes.c.status == "active",
                    participation_codes.c.community_id == row.community_id)).first() is None:
                raise SignupRefused("activities.refused.no_code")
            mine = conn.execute(select(activity_signups).where(
                activity_signups.c.activity_id == activity_id,
                activity_signups.c.occurs_on == meeting.on,
                activity_signups.c.code_id == code_id)).first()
            if mine is not None and mine.status != "cancelled":
                return {**self._place(conn, mine), "new": False}
            accepted = len(_queue(conn, activity_id, meeting.on, "accepted"))
            status = place_for(accepted, row.capacity)
            last = conn.execute(select(func.coalesce(func.max(activity_signups.c.queue_no), 0))
                                .where(activity_signups.c.activity_id == activity_id,
                                       activity_signups.c.occurs_on == meeting.on)).scalar()
            values = dict(status=status, queue_no=last + 1, signed_at=now, updated_at=now)
            if mine is None:
                conn.execute(insert(activity_signups).values(
                    activity_id=activity_id, occurs_on=meeting.on, code_id=code_id, **values))
            else:
                conn.execute(update(activity_signups).where(activity_signups.c.id == mine.id)
                             .values(**values))
            mine = conn.execute(select(activity_signups).where(
                activity_signups.c.activity_id == activity_id,
                activity_signups.c.occurs_on == meeting.on,
                activity_signups.c.code_id == code_id)).first()
            return {**self._place(conn, mine), "new": True}
        return self.write(work)

    @staticmethod
    def _place(conn, signup) -> dict:
        if signup.status != "waiting":
            return {"status": signup.status, "position": 0}
        ahead = conn.execute(select(func.count()).select_from(activity_signups).where(
            activity_signups.c.activity_id == signup.activity_id,
            activity_signups.c.occurs_on == signup.occurs_on,
            activity_signups.c.status == "waiting",
            activity_signups.c.queue_no < signup.queue_no)).scalar()
        return {"status": "waiting", "position": ahead + 1}

    def cancel_signup(self, activity_id: int, on, code_id: int,
                      now: datetime | None = None) -> list[int]:
        """Cancel a resident's sign-up; the place it frees goes to the first waiting, in the
        same transaction. Returns the code ids that moved up (told by the page)."""
        now = now or now_utc()

        def work(conn):
            row = _lock_activity(conn, activity_id)
            meeting = occurrence_on(activity_from_row(row), on)
            check_signup_time(meeting, now)
            done = conn.execute(update(activity_signups).where(
                activity_signups.c.activity_id == activity_id,
                activity_signups.c.occurs_on == meeting.on,
                activity_signups.c.code_id == code_id,
                activity_signups.c.status.in_(("accepted", "waiting")))
                .values(status="cancelled", updated_at=now))
            if done.rowcount == 0:
                raise SignupRefused("activities.refused.not_signed_up")
            accepted = len(_queue(conn, activity_id, meeting.on, "accepted"))
            up = moving_up(accepted, row.capacity, _queue(conn, activity_id, meeting.on,
                                                          "waiting"))
            for signup in up:
                conn.execute(update(activity_signups).where(activity_signups.c.id == signup.id)
                             .values(status="accepted", updated_at=now))
            return [s.code_id for s in up]
        return self.write(work)

    def signups(self, activity_id: int, on: date) -> list[dict]:
        """Everyone signed up for one meeting, in queue order (cancelled ones included)."""
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(activity_signups).where(
                activity_signups.c.activity_id == activity_id,
                activity_signups.c.occurs_on == on).order_by(activity_signups.c.queue_no))]

    def mark_attended(self, activity_id: int, on: date, code_id: int, by: str) -> bool:
        """The organiser confirms a resident with a place came; False when already confirmed.
        Only an accepted sign-up can be confirmed."""
        def work(conn):
            signup = conn.execute(select(activity_signups).where(
                activity_signups.c.activity_id == activity_id,
                activity_signups.c.occurs_on == on,
                activity_signups.c.code_id == code_id)).first()
            if signup is None or signup.status != "accepted":
                raise SignupRefused("activities.refused.not_accepted")
            return conn.execute(update(activity_signups).where(and_(
                activity_signups.c.id == signup.id, activity_signups.c.attended_at.is_(None)))
                .values(attended_at=now_utc(), confirmed_by=by)).rowcount == 1
        return self.write(work)

    # -- the planners' panel: the use of each space ----------------------------------------
    def space_use_records(self, community_id: str) -> dict:
        """What the use of the spaces is counted from (:mod:`workbench.activities.use`), read
        in one go: the open activities (id, Activity), the sign-ups counted by meeting and
        state (activity id, date, status, attended count, count), every booking of the
        community's rooms, and the rooms."""
        signups = select(activity_signups.c.activity_id, activity_signups.c.occurs_on,
                         activity_signups.c.status,
                         func.count(activity_signups.c.attended_at), func.count()).join(
            activities, activities.c.id == activity_signups.c.activity_id).where(
            activities.c.community_id == community_id).group_by(
            activity_signups.c.activity_id, activity_signups.c.occurs_on,
            activity_signups.c.status)
        with self.engine.connect() as conn:
            counted = [tuple(r) for r in conn.execute(signups)]
        return {"activities": self.activities_of(community_id), "signups": counted,
                "bookings": self.bookings_of(community_id), "rooms": self.rooms(community_id),
                "unmet": self.unmet_requests(community_id)}

    # -- the resident page ------------------------------------------------------------------
    def signups_of_code(self, code_id: int, activity_ids: list[int], first: date, last: date
                        ) -> dict[tuple[int, date], dict]:
        """One resident's live sign-ups for meetings from ``first`` to ``last``:
        {(activity id, date): {"status": "accepted" | "waiting", "position": n on the
        waiting list (0 when accepted), "attended": bool}}."""
        if not activity_ids:
            return {}
        query = select(activity_signups).where(
            activity_signups.c.code_id == code_id,
            activity_signups.c.activity_id.in_(activity_ids),
            activity_signups.c.occurs_on >= first, activity_signups.c.occurs_on <= last,
            activity_signups.c.status.in_(("accepted", "waiting")))
        with self.engine.connect() as conn:
            return {(s.activity_id, s.occurs_on): {**self._place(conn, s),
                                                   "attended": s.attended_at is not None}
                    for s in conn.execute(query)}

