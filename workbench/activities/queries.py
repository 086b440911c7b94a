"""The store's part for activities and bookings. Mixed into :class:`workbench.store.Store`;
the rules live in :mod:`workbench.activities.rules`.

Why an activity never takes more than its capacity: a sign-up (and a cancellation) starts its
transaction by updating its activity's row (``touched_at``). On PostgreSQL that UPDATE holds
the row's lock until commit, so a second sign-up of the same activity waits, then counts the
places the first committed (READ COMMITTED reads afresh per statement); on SQLite the same
UPDATE, the transaction's first statement, takes the database's write lock. The count, the
queue number and the insert then run alone: exactly ``capacity`` accepted, the rest waiting
in the order they got the lock, and a place freed by a cancellation goes to the first waiting
in the same transaction.

Why two bookings of a room never overlap: on PostgreSQL the exclusion constraint of migration
0016 (``room_id WITH =, tstzrange(starts_at, ends_at) WITH &&`` over live bookings) refuses
the second of two overlapping inserts whichever commits first, so no lock is taken there;
the check before the insert only words the refusal. On SQLite, which has no such constraint,
a booking starts its transaction by updating its room's row (the write lock), then checks,
then inserts.

Why a booking that costs points is charged once, or not at all: the ``redeem`` entry is
written in the booking's own transaction (:func:`workbench.points.queries.charge_within`,
which locks the resident's points account first, then checks the balance), keyed by the
booking, so a short balance, a taken slot or any failure writes neither; a request sent
twice carries the same ``request_key`` (unique with the code) and answers with the first
booking. A refusal or cancellation moves the booking out of its live state conditionally
and, in the same transaction, gives the points back once
(:func:`workbench.points.queries.refund_within`, a new entry keyed by the booking).
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from workbench.activities.rules import (
    Activity,
    ActivityInvalid,
    Room,
    SignupRefused,
    check_signup_time,
    moving_up,
    occurrence_on,
    occurrences,
    overlaps,
    place_for,
    utc,
)
from workbench.activities.tables import (
    activities,
    activity_rooms,
    activity_signups,
    room_bookings,
    room_requests_unmet,
)
from workbench.participation.tables import participation_codes
from workbench.points.ledger import PointsRefused
from workbench.points.queries import charge_within, refund_within

#: the booking states that hold a room (the exclusion constraint's WHERE says the same)
LIVE = ("requested", "approved")
#: why a request was not met: the room taken, an activity held there, the room closed
UNMET = ("taken", "activity", "closed")


def charge_key(booking_id: int) -> str:
    """The points ledger's key of a booking's charge (its refund adds ":refund")."""
    return f"room_booking:{booking_id}"


def _booking_sent(conn, code_id, request_key) -> int | None:
    """The booking a code already made with this request key (a repeated tap), or None."""
    if code_id is None or request_key is None:
        return None
    return conn.execute(select(room_bookings.c.id).where(
        room_bookings.c.code_id == code_id, room_bookings.c.request_key == request_key)
    ).scalar()


def _now() -> datetime:
    return datetime.now(timezone.utc)


def aware(moment: datetime | None) -> datetime | None:
    """A stored time as aware UTC (SQLite gives it back naive; it was written in UTC)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=timezone.utc)


def _activity(row) -> Activity:
    zone = ZoneInfo(row.time_zone)
    return Activity(title=row.title, description=row.description,
                    public_space_id=row.public_space_id, room_id=row.room_id,
                    scenario=row.scenario, organiser=row.organiser, capacity=row.capacity,
                    starts_at=aware(row.starts_at).astimezone(zone),
                    ends_at=aware(row.ends_at).astimezone(zone), time_zone=row.time_zone,
                    repeat=row.repeat, repeat_until=row.repeat_until,
                    skip_dates=tuple(date.fromisoformat(d) for d in json.loads(row.skip_dates)))


def _lock_activity(conn, activity_id: int):
    """Take the activity's lock for this transaction (see the module's note); its row."""
    if conn.execute(update(activities).where(activities.c.id == activity_id)
                    .values(touched_at=_now())).rowcount != 1:
        raise SignupRefused("activities.refused.no_activity")
    return conn.execute(select(activities).where(activities.c.id == activity_id)).first()


def _queue(conn, activity_id: int, on: date, status: str) -> list:
    return list(conn.execute(select(activity_signups).where(
        activity_signups.c.activity_id == activity_id, activity_signups.c.occurs_on == on,
        activity_signups.c.status == status).order_by(activity_signups.c.queue_no)))


def _meetings_in_room(conn, room_id: int, start: datetime, end: datetime
                      ) -> list[tuple[datetime, datetime]]:
    """The meetings of open activities held in the room that overlap [start, end)."""
    found = []
    for row in conn.execute(select(activities).where(activities.c.room_id == room_id,
                                                     activities.c.status == "open")):
        activity = _activity(row)
        zone = ZoneInfo(activity.time_zone)
        first = start.astimezone(zone).date() - timedelta(days=1)
        last = end.astimezone(zone).date() + timedelta(days=1)
        found += [(m.starts_at, m.ends_at) for m in occurrences(activity, first, last)
                  if overlaps(m.starts_at, m.ends_at, start, end)]
    return found


class ActivityStore:
    """Methods of :class:`Store` (which provides ``engine`` and ``write``)."""

    # -- rooms ------------------------------------------------------------------------------
    def add_room(self, community_id: str, space_id: str, room: Room) -> int:
        now = _now()
        return self.write(lambda conn: conn.execute(insert(activity_rooms).values(
            community_id=community_id, public_space_id=space_id, name=room.name,
            opens=room.opens, closes=room.closes, points_cost=room.points_cost,
            created_at=now, touched_at=now)).inserted_primary_key[0])

    def rooms(self, community_id: str, space_id: str | None = None) -> list[dict]:
        query = select(activity_rooms).where(activity_rooms.c.community_id == community_id)
        if space_id is not None:
            query = query.where(activity_rooms.c.public_space_id == space_id)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query.order_by(activity_rooms.c.id))]

    # -- activities -------------------------------------------------------------------------
    def add_activity(self, community_id: str, activity: Activity, created_by: str) -> int:
        """Store a validated activity (:func:`workbench.activities.rules.validate_activity`)."""
        now = _now()
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
        return (_activity(row), dict(row._mapping)) if row else None

    def activities_of(self, community_id: str, space_id: str | None = None
                      ) -> list[tuple[int, Activity]]:
        """The community's open activities (of one space when given), oldest first."""
        query = select(activities).where(activities.c.community_id == community_id,
                                         activities.c.status == "open")
        if space_id is not None:
            query = query.where(activities.c.public_space_id == space_id)
        with self.engine.connect() as conn:
            return [(r.id, _activity(r)) for r in conn.execute(query.order_by(activities.c.id))]

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
        now = now or _now()

        def work(conn):
            row = _lock_activity(conn, activity_id)
            if row.status != "open":
                raise SignupRefused("activities.refused.cancelled")
            meeting = occurrence_on(_activity(row), on)
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
        now = now or _now()

        def work(conn):
            row = _lock_activity(conn, activity_id)
            meeting = occurrence_on(_activity(row), on)
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
                .values(attended_at=_now(), confirmed_by=by)).rowcount == 1
        return self.write(work)

    # -- bookings ---------------------------------------------------------------------------
    def room(self, room_id: int) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(activity_rooms).where(activity_rooms.c.id == room_id)
                               ).first()
        return dict(row._mapping) if row else None

    def request_booking(self, room_id: int, code_id: int | None, purpose: str,
                        starts_at: datetime, ends_at: datetime, points: int = 0,
                        request_key: str | None = None) -> int:
        """A booking request for a validated slot (:func:`rules.validate_booking`): its id, or
        :class:`SignupRefused` ``activities.refused.taken`` when it overlaps a live booking,
        having written nothing (see the module's note for why this holds under races).
        ``points`` (> 0) are charged to ``code_id`` in the same transaction
        (``activities.refused.points`` when the balance is short, nothing written). A
        ``request_key`` sent again by the same code answers with the first booking's id."""
        start, end = utc(starts_at), utc(ends_at)
        postgres = self.engine.dialect.name == "postgresql"
        if points and code_id is None:
            raise SignupRefused("activities.needs_code")

        def work(conn):
            if not postgres and conn.execute(update(activity_rooms).where(
                    activity_rooms.c.id == room_id).values(touched_at=_now())).rowcount != 1:
                raise SignupRefused("activities.refused.no_room")
            sent = _booking_sent(conn, code_id, request_key)
            if sent is not None:
                return sent
            overlap = conn.execute(select(
                room_bookings.c.id, room_bookings.c.code_id, room_bookings.c.request_key
            ).where(room_bookings.c.room_id == room_id, room_bookings.c.status.in_(LIVE),
                    room_bookings.c.starts_at < end, room_bookings.c.ends_at > start)).first()
            if overlap is not None:
                # the same tap committed by another kernel between the two reads above
                # (READ COMMITTED reads afresh per statement): the first booking, not "taken"
                if request_key is not None and code_id is not None and (
                        overlap.code_id, overlap.request_key) == (code_id, request_key):
                    return overlap.id
                raise SignupRefused("activities.refused.taken")
            if _meetings_in_room(conn, room_id, start, end):
                raise SignupRefused("activities.refused.activity_there")
            booking_id = conn.execute(insert(room_bookings).values(
                room_id=room_id, code_id=code_id, purpose=purpose, starts_at=start,
                ends_at=end, status="requested", created_at=_now(),
                request_key=request_key)).inserted_primary_key[0]
            if points:
                community = conn.execute(select(activity_rooms.c.community_id).where(
                    activity_rooms.c.id == room_id)).scalar()
                try:
                    charge_within(conn, code_id, community, points, charge_key(booking_id),
                                  f"room:{room_id}")
                except PointsRefused as short:  # the booking goes with it (rolled back)
                    raise SignupRefused("activities.refused.points", needed=points,
                                        balance=short.params.get("balance", 0)) from None
            return booking_id
        try:
            return self.write(work)
        except IntegrityError as exc:
            if request_key is not None and code_id is not None:
                with self.engine.connect() as conn:  # the same request, sent at once twice
                    sent = _booking_sent(conn, code_id, request_key)
                if sent is not None:
                    return sent
            if "ex_room_bookings_overlap" in str(exc.orig):
                raise SignupRefused("activities.refused.taken") from None
            if "foreign key" in str(exc.orig).lower():
                raise SignupRefused("activities.refused.no_room") from None
            raise

    def decide_booking(self, booking_id: int, steward: str, approve: bool,
                       reason: str | None = None) -> str:
        """Approve or refuse (with a reason) a requested booking; its new status. A refusal
        gives back the points it cost (once)."""
        if not approve and not (reason or "").strip():
            raise SignupRefused("activities.refused.reason")
        return self._move_booking(booking_id, ("requested",),
                                  "approved" if approve else "refused", steward, reason)

    def cancel_booking(self, booking_id: int, by: str, reason: str | None = None,
                       code_id: int | None = None, now: datetime | None = None) -> str:
        """Cancel a live booking: the steward (``by``, with a reason), or the resident who
        made it (``code_id``), only before it starts. The room is free again at that time
        and the points it cost are given back (once)."""
        mine = None
        if code_id is not None:
            mine = (code_id, utc(now or _now()))
        return self._move_booking(booking_id, LIVE, "cancelled", by, reason, mine)

    def _move_booking(self, booking_id, from_states, to_state, by, reason, mine=None) -> str:
        def work(conn):
            where = [room_bookings.c.id == booking_id, room_bookings.c.status.in_(from_states)]
            if mine is not None:
                where += [room_bookings.c.code_id == mine[0], room_bookings.c.starts_at > mine[1]]
            done = conn.execute(update(room_bookings).where(*where).values(
                status=to_state, decided_by=by, reason=reason, decided_at=_now()))
            if done.rowcount == 0:
                found = conn.execute(select(room_bookings).where(
                    room_bookings.c.id == booking_id)).first()
                if found is None or (mine is not None and found.code_id != mine[0]):
                    raise SignupRefused("activities.refused.no_booking")
                if mine is not None and found.status in from_states:
                    raise SignupRefused("activities.refused.booking_started")
                raise SignupRefused("activities.refused.decided")
            if to_state in ("refused", "cancelled"):
                refund_within(conn, charge_key(booking_id), f"{charge_key(booking_id)}:refund",
                              f"预约 #{booking_id} 退还 · booking #{booking_id} {to_state}",
                              by)
            return to_state
        return self.write(work)

    def booking_charge(self, booking_id: int) -> dict:
        """What a booking cost and what was given back: {"charged": n, "refunded": m}."""
        from workbench.points.queries import entry_points

        with self.engine.connect() as conn:
            charged = entry_points(conn, charge_key(booking_id)) or 0
            refunded = entry_points(conn, f"{charge_key(booking_id)}:refund") or 0
        return {"charged": -charged, "refunded": refunded}

    # -- requests the rooms could not meet (agenda evidence) --------------------------------
    def note_unmet_request(self, room_id: int, starts_at: datetime, ends_at: datetime,
                           why: str) -> bool:
        """A resident's request refused as taken or closed: the room and the times only,
        the moment asked kept to the hour (docs/privacy.md). False (logged) when the
        database would not take it: evidence for planners never fails a resident's page."""
        if why not in UNMET or not ends_at > starts_at:
            raise ActivityInvalid({"starts_at": ("activities.error.clock", {})})
        asked = _now().replace(minute=0, second=0, microsecond=0)
        start, end = utc(starts_at), utc(ends_at)

        def work(conn):  # the same slot asked again within the hour is kept once
            if conn.execute(select(room_requests_unmet.c.id).where(
                    room_requests_unmet.c.room_id == room_id,
                    room_requests_unmet.c.starts_at == start,
                    room_requests_unmet.c.ends_at == end,
                    room_requests_unmet.c.asked_at == asked)).first() is None:
                conn.execute(insert(room_requests_unmet).values(
                    room_id=room_id, starts_at=start, ends_at=end, why=why, asked_at=asked))
        try:
            self.write(work)
        except SQLAlchemyError as exc:
            logging.getLogger(__name__).warning("unmet room request not kept: %s",
                                                type(exc).__name__)
            return False
        return True

    def unmet_requests(self, community_id: str) -> list[dict]:
        """The requests the community's rooms could not meet, each with its room's space;
        times aware UTC."""
        query = select(room_requests_unmet, activity_rooms.c.public_space_id).join(
            activity_rooms, activity_rooms.c.id == room_requests_unmet.c.room_id).where(
            activity_rooms.c.community_id == community_id).order_by(room_requests_unmet.c.id)
        with self.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(query)]
        for row in rows:
            for field in ("starts_at", "ends_at", "asked_at"):
                row[field] = aware(row[field])
        return rows

    def room_taken(self, room_id: int, start: datetime, end: datetime
                   ) -> list[tuple[datetime, datetime]]:
        """What holds the room within [start, end): live bookings and activity meetings."""
        with self.engine.connect() as conn:
            meetings = _meetings_in_room(conn, room_id, utc(start), utc(end))
        return [(b["starts_at"], b["ends_at"]) for b in self.bookings(room_id, start, end)] + \
            meetings

    def bookings(self, room_id: int, start: datetime | None = None,
                 end: datetime | None = None, live_only: bool = True) -> list[dict]:
        """The room's bookings touching [start, end), by start; times aware UTC."""
        query = select(room_bookings).where(room_bookings.c.room_id == room_id)
        if live_only:
            query = query.where(room_bookings.c.status.in_(LIVE))
        if start is not None:
            query = query.where(room_bookings.c.ends_at > utc(start))
        if end is not None:
            query = query.where(room_bookings.c.starts_at < utc(end))
        with self.engine.connect() as conn:
            rows = [dict(r._mapping) for r in
                    conn.execute(query.order_by(room_bookings.c.starts_at, room_bookings.c.id))]
        for row in rows:
            row["starts_at"], row["ends_at"] = aware(row["starts_at"]), aware(row["ends_at"])
        return rows

    # -- the planners' panel: bookings to decide, and the use of each space -------------------
    def bookings_of(self, community_id: str, statuses: tuple[str, ...] | None = None,
                    code_id: int | None = None) -> list[dict]:
        """The bookings of the community's rooms (in ``statuses``, of ``code_id`` when
        given), by start, each with its room's ``room`` name and ``public_space_id``; times
        aware UTC."""
        query = select(room_bookings, activity_rooms.c.name.label("room"),
                       activity_rooms.c.public_space_id).join(
            activity_rooms, activity_rooms.c.id == room_bookings.c.room_id).where(
            activity_rooms.c.community_id == community_id)
        if statuses is not None:
            query = query.where(room_bookings.c.status.in_(statuses))
        if code_id is not None:
            query = query.where(room_bookings.c.code_id == code_id)
        with self.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(
                query.order_by(room_bookings.c.starts_at, room_bookings.c.id))]
        for row in rows:
            for field in ("starts_at", "ends_at", "created_at", "decided_at"):
                row[field] = aware(row[field])
        return rows

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


STORE_PART = ActivityStore
