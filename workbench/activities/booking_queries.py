"""The store's part for rooms and their bookings, mixed into :class:`workbench.store.Store`
through :class:`workbench.activities.queries.ActivityStore`; the rules live in
:mod:`workbench.activities.rules`.

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

import logging
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from workbench.activities.rules import ActivityInvalid, Room, SignupRefused, utc
from workbench.activities.signup_queries import aware, meetings_in_room, now_utc
from workbench.activities.tables import activity_rooms, room_bookings, room_requests_unmet
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


class BookingStore:
    """Methods of :class:`Store` (which provides ``engine`` and ``write``): rooms, their
    bookings and the requests they could not meet."""

    # -- rooms ------------------------------------------------------------------------------
    def add_room(self, community_id: str, space_id: str, room: Room) -> int:
        now = now_utc()
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
                    activity_rooms.c.id == room_id).values(touched_at=now_utc())).rowcount != 1:
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
            if meetings_in_room(conn, room_id, start, end):
                raise SignupRefused("activities.refused.activity_there")
            booking_id = conn.execute(insert(room_bookings).values(
                room_id=room_id, code_id=code_id, purpose=purpose, starts_at=start,
                ends_at=end, status="requested", created_at=now_utc(),
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
            mine = (code_id, utc(now or now_utc()))
        return self._move_booking(booking_id, LIVE, "cancelled", by, reason, mine)

    def _move_booking(self, booking_id, from_states, to_state, by, reason, mine=None) -> str:
        def work(conn):
            where = [room_bookings.c.id == booking_id, room_bookings.c.status.in_(from_states)]
            if mine is not None:
                where += [room_bookings.c.code_id == mine[0], room_bookings.c.starts_at > mine[1]]
            done = conn.execute(update(room_bookings).where(*where).values(
                status=to_state, decided_by=by, reason=reason, decided_at=now_utc()))
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
        asked = now_utc().replace(minute=0, second=0, microsecond=0)
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
            meetings = meetings_in_room(conn, room_id, utc(start), utc(end))
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
