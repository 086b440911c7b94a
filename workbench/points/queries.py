"""The store's part for points: accounts, the append-only ledger, credits under review,
catalogue stock. Mixed into :class:`workbench.store.Store`; the rules live in
:mod:`workbench.points.ledger` and :mod:`workbench.points.rule_file`.

Why a debit can never take a balance below zero, on both databases: every debit (redeem,
transfer away, expire, adjust down) starts its transaction by updating its resident's row of
``points_accounts``. On PostgreSQL that UPDATE takes the row's lock until commit (what
``SELECT ... FOR UPDATE`` takes), so a second debit of the same resident waits, then reads the
sum the first committed (READ COMMITTED reads afresh per statement); residents do not wait
for each other. On SQLite the same UPDATE, the transaction's first statement, takes the
database's write lock (waiting through the busy timeout), so the sum read after it is the
last committed one. The account row, not the resident's ``participation_codes`` row: the lock
stays in this domain and never holds up the participation codes' own writes (a revocation).

Why an award is made once: each credit and each entry has a unique ``event_key`` naming the
event; a repeat or a race is refused by the constraint, and the store answers with the one
already there.
"""

from __future__ import annotations

import json

from datetime import date, datetime, timezone

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from workbench.participation.tables import participation_codes
from workbench.points.ledger import PointsRefused, check_debit, check_transfer, expiring
from workbench.points.needs import Need, check_move
from workbench.points.tables import need_events, needs, points_accounts, points_credits, \
    points_entries, points_stock, volunteers
from workbench.proposals.rules import new_receipt_code


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _lock_account(conn, code_id: int) -> bool:
    """Take the resident's account lock for this transaction (see the module's note)."""
    return conn.execute(update(points_accounts).where(points_accounts.c.code_id == code_id)
                        .values(touched_at=_now())).rowcount == 1


def _balance(conn, code_id: int) -> int:
    return int(conn.execute(select(func.coalesce(func.sum(points_entries.c.points), 0))
                            .where(points_entries.c.code_id == code_id)).scalar())


def _entry_by_key(conn, event_key: str):
    return conn.execute(select(points_entries).where(points_entries.c.event_key == event_key)
                        ).first()


def _add_entry(conn, **values) -> int:
    return conn.execute(insert(points_entries).values(created_at=_now(), **values)
                        ).inserted_primary_key[0]


def _settle(conn, credit, reviewer: str, approve: bool, note: str | None,
            expires_on: date | None) -> dict:
    """One credit reviewed, its resident's account locked already: approved into the
    ledger or rejected, only while it is pending (of two reviews at once, one does it)."""
    done = conn.execute(update(points_credits).where(and_(
        points_credits.c.id == credit.id, points_credits.c.status == "pending"))
        .values(status="approved" if approve else "rejected", reviewed_by=reviewer,
                reviewed_at=_now(), review_note=note))
    if done.rowcount == 0:  # reviewed already (or by someone else just now)
        row = conn.execute(select(points_credits.c.status, points_credits.c.entry_id)
                           .where(points_credits.c.id == credit.id)).first()
        return {"status": row.status, "entry_id": row.entry_id, "new": False}
    entry_id = None
    if approve:
        entry_id = _add_entry(
            conn, community_id=credit.community_id, code_id=credit.code_id, kind="earn",
            points=credit.points, event_key=f"credit:{credit.id}", rule_id=credit.rule_id,
            steward=reviewer, expires_on=expires_on)
        conn.execute(update(points_credits).where(points_credits.c.id == credit.id)
                     .values(entry_id=entry_id))
    return {"status": "approved" if approve else "rejected", "entry_id": entry_id,
            "new": True}


def charge_within(conn, code_id: int, community_id: str, points: int, event_key: str,
                  rule_id: str) -> int:
    """Debit ``points`` (> 0) as a ``redeem`` entry keyed ``event_key`` inside another
    domain's transaction (a room booking), so the charge and what it pays for are written
    together or not at all: the resident's account locked first, the balance checked
    (:class:`PointsRefused` ``points.refused.balance`` when short). The entry's id."""
    if not _lock_account(conn, code_id):
        raise PointsRefused("points.refused.balance", balance=0, needed=points)
    check_debit(_balance(conn, code_id), points)
    return _add_entry(conn, community_id=community_id, code_id=code_id, kind="redeem",
                      points=-points, event_key=event_key, rule_id=rule_id,
                      receipt_code=new_receipt_code())


def refund_within(conn, charge_key: str, refund_key: str, reason: str, steward: str
                  ) -> int | None:
    """Give back the charge keyed ``charge_key`` as a new ``adjust`` entry keyed
    ``refund_key`` (the charge is never edited), inside another domain's transaction: once,
    however often it is asked (the key is unique). The refund expires as the earliest
    points the resident still holds would (a charge spends those first). The refund's
    points, or None when there was no charge or it was given back already."""
    charge = _entry_by_key(conn, charge_key)
    if charge is None or charge.points >= 0:
        return None
    _lock_account(conn, charge.code_id)
    if _entry_by_key(conn, refund_key) is not None:
        return None
    until = conn.execute(select(func.min(points_entries.c.expires_on)).where(
        points_entries.c.code_id == charge.code_id, points_entries.c.points > 0,
        points_entries.c.expires_on >= _now().date())).scalar()
    _add_entry(conn, community_id=charge.community_id, code_id=charge.code_id, kind="adjust",
               points=-charge.points, event_key=refund_key, rule_id=charge.rule_id,
               reason=reason, steward=steward, expires_on=until)
    return -charge.points


def entry_points(conn, event_key: str) -> int | None:
    """The points of the entry keyed ``event_key`` (signed), or None."""
    found = _entry_by_key(conn, event_key)
    return None if found is None else found.points


class PointsStore:
    """Methods of :class:`Store` (which provides ``engine`` and ``write``)."""

    # -- accounts ---------------------------------------------------------------------------
    def open_points_account(self, code_id: int, household: str | None = None) -> None:
        """The resident's account, opened if new (in their code's community); idempotent."""
        def work(conn):
            community = conn.execute(select(participation_codes.c.community_id).where(
                participation_codes.c.id == code_id)).scalar()
            if community is None:
                raise PointsRefused("points.refused.no_code")
            if conn.execute(select(points_accounts.c.code_id).where(
                    points_accounts.c.code_id == code_id)).first() is None:
                now = _now()
                conn.execute(insert(points_accounts).values(
                    code_id=code_id, community_id=community, household=household,
                    opened_at=now, touched_at=now))
            elif household is not None:
                conn.execute(update(points_accounts).where(
                    points_accounts.c.code_id == code_id).values(household=household))
        self.write_again_if_raced(work)

    def points_account(self, code_id: int) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(points_accounts).where(
                points_accounts.c.code_id == code_id)).first()
        return dict(row._mapping) if row else None

    # -- credits: awarded, then reviewed ----------------------------------------------------
    def award_points(self, community_id: str, code_id: int, event_key: str, rule_id: str,
                     points: int, minutes: int, awarded_by: str) -> tuple[int, bool]:
        """A credit waiting for review, once per ``event_key``: (its id, whether it is new).
        A repeated or simultaneous award of the same event gets the first one's id. Only a
        resident of ``community_id`` is credited there: each community lists its own. A
        code revoked or replaced (a lost slip) earns nothing more: a page that took the code
        before it was revoked may still be open, so the write itself asks."""
        self.open_points_account(code_id)
        if self.points_account(code_id)["community_id"] != community_id:
            raise PointsRefused("points.refused.no_code")

        def work(conn):
            status = conn.execute(select(participation_codes.c.status).where(
                participation_codes.c.id == code_id)).scalar()
            if status != "active":
                raise PointsRefused("points.refused.code_revoked")
            return conn.execute(insert(points_credits).values(
                community_id=community_id, code_id=code_id, event_key=event_key,
                rule_id=rule_id, minutes=minutes, points=points, status="pending",
                awarded_by=awarded_by, created_at=_now())).inserted_primary_key[0]
        try:
            return self.write(work), True
        except IntegrityError:
            with self.engine.connect() as conn:
                found = conn.execute(select(points_credits.c.id).where(
                    points_credits.c.event_key == event_key)).scalar()
            if found is None:
                raise
            return found, False

    def review_credit(self, credit_id: int, reviewer: str, approve: bool,
                      note: str | None = None, expires_on: date | None = None) -> dict:
        """Approve a pending credit into the ledger (an ``earn`` entry) or reject it. A credit
        already reviewed is left as it is: the answer is its status and entry."""
        return self.review_credits([credit_id], reviewer, approve, note=note,
                                   expires_on=expires_on)[credit_id]

    def review_credits(self, credit_ids: list[int], reviewer: str, approve: bool,
                       note: str | None = None, expires_on: date | None = None,
                       community_id: str | None = None) -> dict[int, dict]:
        """Approve (each into an ``earn`` entry) or reject several credits in one
        transaction: all of them or, when any fails, none. A credit unknown (or of another
        community than ``community_id``, when given) refuses them all; one already reviewed
        is left as it is, its answer ``new`` False. {credit id: status, entry_id, new}."""
        wanted = list(dict.fromkeys(int(c) for c in credit_ids))

        def work(conn):
            rows = {r.id: r for r in conn.execute(select(points_credits).where(
                points_credits.c.id.in_(wanted)))} if wanted else {}
            if len(rows) != len(wanted) or (community_id is not None and any(
                    r.community_id != community_id for r in rows.values())):
                raise PointsRefused("points.refused.no_credit")
            # the accounts in one order: two reviews of many never wait for each other
            for code_id in sorted({r.code_id for r in rows.values()}):
                _lock_account(conn, code_id)
            return {credit_id: _settle(conn, rows[credit_id], reviewer, approve, note,
                                       expires_on) for credit_id in wanted}
        return self.write(work)

    def points_credits(self, community_id: str, status: str | None = "pending"
                       ) -> list[dict]:
        """The community's credits (pending ones by default), oldest first: the list a
        steward reviews and the public notice (公示) shows."""
        query = select(points_credits).where(points_credits.c.community_id == community_id)
        if status is not None:
            query = query.where(points_credits.c.status == status)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query.order_by(points_credits.c.id))]

    def points_credits_of(self, code_id: int, status: str | None = "pending") -> list[dict]:
        """One resident's credits (pending ones by default), oldest first: what their page
        shows as waiting for review, not yet counted."""
        query = select(points_credits).where(points_credits.c.code_id == code_id)
        if status is not None:
            query = query.where(points_credits.c.status == status)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query.order_by(points_credits.c.id))]

    def service_minutes(self, code_id: int) -> int:
        """A resident's approved service time, minutes (kept apart from points)."""
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.coalesce(func.sum(points_credits.c.minutes), 0))
                                    .where(points_credits.c.code_id == code_id,
                                           points_credits.c.status == "approved")).scalar())

    # -- debits -----------------------------------------------------------------------------
    def redeem_points(self, code_id: int, community_id: str, item_id: str, price: int,
                      stock: int | None = None, request_key: str | None = None) -> dict:
        """Spend ``price`` points on a catalogue item in ``community_id``: a ``redeem`` entry
        with a receipt code, and one of the item's ``stock`` (when limited). Refused (nothing
        written) when the balance or the stock is short. A repeated ``request_key`` (a click
        sent twice) answers with the first redemption's receipt."""
        if stock is not None:
            self.write_once(lambda conn: bool(conn.execute(insert(points_stock).values(
                community_id=community_id, item_id=item_id, remaining=stock))))

        def work(conn):
            if not _lock_account(conn, code_id):
                raise PointsRefused("points.refused.balance", balance=0, needed=price)
            key = f"redeem:{code_id}:{request_key}" if request_key else None
            found = _entry_by_key(conn, key) if key else None
            if found is not None:
                return {"receipt_code": found.receipt_code, "entry_id": found.id,
                        "balance": _balance(conn, code_id), "new": False}
            check_debit(_balance(conn, code_id), price)
            if stock is not None and conn.execute(update(points_stock).where(and_(
                    points_stock.c.community_id == community_id,
                    points_stock.c.item_id == item_id, points_stock.c.remaining > 0))
                    .values(remaining=points_stock.c.remaining - 1)).rowcount == 0:
                raise PointsRefused("points.refused.sold_out")
            receipt = new_receipt_code()
            entry_id = _add_entry(conn, community_id=community_id, code_id=code_id,
                                  kind="redeem", points=-price, rule_id=item_id,
                                  event_key=key or f"redeem:{receipt}", receipt_code=receipt)
            return {"receipt_code": receipt, "entry_id": entry_id,
                    "balance": _balance(conn, code_id), "new": True}
        return self.write_with_receipt(work)

    def transfer_points(self, giver: int, taker: int, points: int, request_key: str,
                        within_household: bool = True, expires_on: date | None = None
                        ) -> bool:
        """Move ``points`` (> 0) from one resident to another of the same household: two
        entries, in one transaction. False when this ``request_key`` was done already."""
        def work(conn):
            for code_id in sorted({giver, taker}):  # one order: no deadlock between two
                if not _lock_account(conn, code_id):
                    raise PointsRefused("points.refused.household")
            key = f"transfer:{giver}:{request_key}"
            if _entry_by_key(conn, key + ":out") is not None:
                return False
            homes = dict(conn.execute(select(points_accounts.c.code_id, points_accounts.c.household)
                                      .where(points_accounts.c.code_id.in_([giver, taker]))).all())
            check_transfer(homes.get(giver), homes.get(taker), within_household,
                           giver == taker)
            check_debit(_balance(conn, giver), points)
            community = conn.execute(select(points_accounts.c.community_id).where(
                points_accounts.c.code_id == giver)).scalar()
            _add_entry(conn, community_id=community, code_id=giver, kind="transfer",
                       points=-points, event_key=key + ":out", counterpart_code_id=taker)
            _add_entry(conn, community_id=community, code_id=taker, kind="transfer",
                       points=points, event_key=key + ":in", counterpart_code_id=giver,
                       expires_on=expires_on)
            return True
        return self.write(work)

    def adjust_points(self, code_id: int, points: int, reason: str, steward: str,
                      request_key: str, expires_on: date | None = None) -> bool:
        """A correction (signed points) with its reason and steward; a debit only as far as
        the balance goes. False when this ``request_key`` was done already."""
        def work(conn):
            if not _lock_account(conn, code_id):
                raise PointsRefused("points.refused.no_account")
            key = f"adjust:{code_id}:{request_key}"
            if _entry_by_key(conn, key) is not None:
                return False
            if points < 0:
                check_debit(_balance(conn, code_id), -points)
            community = conn.execute(select(points_accounts.c.community_id).where(
                points_accounts.c.code_id == code_id)).scalar()
            _add_entry(conn, community_id=community, code_id=code_id, kind="adjust",
                       points=points, event_key=key, reason=reason, steward=steward,
                       expires_on=expires_on if points > 0 else None)
            return True
        return self.write(work)

    def expire_points(self, community_id: str, on: date) -> dict[int, int]:
        """Expire, for each resident of the community, the points due by ``on`` and not spent
        (:func:`workbench.points.ledger.expiring`): one ``expire`` entry each, once per day
        however often this runs. Returns {code id: points expired now}."""
        with self.engine.connect() as conn:
            codes = list(conn.execute(select(points_accounts.c.code_id).where(
                points_accounts.c.community_id == community_id)).scalars())
        expired = {}
        for code_id in codes:  # one short transaction per resident: others' debits go on
            def work(conn, code_id=code_id):
                _lock_account(conn, code_id)
                key = f"expire:{code_id}:{on.isoformat()}"
                if _entry_by_key(conn, key) is not None:
                    return 0
                lots = conn.execute(select(points_entries.c.expires_on,
                                           func.sum(points_entries.c.points))
                                    .where(points_entries.c.code_id == code_id,
                                           points_entries.c.points > 0)
                                    .group_by(points_entries.c.expires_on)).all()
                debited = -int(conn.execute(select(func.coalesce(
                    func.sum(points_entries.c.points), 0)).where(
                    points_entries.c.code_id == code_id, points_entries.c.points < 0)).scalar())
                due = expiring([(until, int(total)) for until, total in lots], debited, on)
                if due:
                    _add_entry(conn, community_id=community_id, code_id=code_id,
                               kind="expire", points=-due, event_key=key)
                return due
            due = self.write(work)
            if due:
                expired[code_id] = due
        return expired

    # -- reading ----------------------------------------------------------------------------
    def points_stock_left(self, community_id: str) -> dict[str, int]:
        """How many are left of each limited catalogue item redeemed at least once in
        ``community_id``, by item id (an item never redeemed has its whole stock left)."""
        with self.engine.connect() as conn:
            return dict(conn.execute(select(points_stock.c.item_id, points_stock.c.remaining)
                                     .where(points_stock.c.community_id == community_id)).all())

    def points_balance(self, code_id: int) -> int:
        """One resident's balance: the sum of their entries."""
        with self.engine.connect() as conn:
            return _balance(conn, code_id)

    def points_balances(self, community_id: str) -> dict[int, int]:
        """Every balance of the community's residents (and only theirs), by code id."""
        # the accounts first, then each one's entries by the (code_id, points) index
        query = (select(points_accounts.c.code_id,
                        func.coalesce(func.sum(points_entries.c.points), 0))
                 .select_from(points_accounts.outerjoin(
                     points_entries, points_entries.c.code_id == points_accounts.c.code_id))
                 .where(points_accounts.c.community_id == community_id)
                 .group_by(points_accounts.c.code_id))
        with self.engine.connect() as conn:
            return {code_id: int(points) for code_id, points in conn.execute(query)}

    def points_history(self, code_id: int) -> list[dict]:
        """A resident's entries, oldest first."""
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(
                select(points_entries).where(points_entries.c.code_id == code_id)
                .order_by(points_entries.c.id))]

    # -- reissued codes ---------------------------------------------------------------------
    @staticmethod
    def carry_code_over(conn, old_code_id: int, new_code_id: int) -> None:
        """A reissued code (a lost slip) carries the resident's points: the old balance moves
        by a transfer pair (the ledger is never edited), expiring as the earliest it held;
        their account's household, pending credits and volunteer skills move too."""
        account = conn.execute(select(points_accounts).where(
            points_accounts.c.code_id == old_code_id)).first()
        if account is None:
            return
        now = _now()
        conn.execute(insert(points_accounts).values(
            code_id=new_code_id, community_id=account.community_id,
            household=account.household, opened_at=now, touched_at=now))
        _lock_account(conn, old_code_id)
        left = _balance(conn, old_code_id)
        if left > 0:
            until = conn.execute(select(func.min(points_entries.c.expires_on)).where(
                points_entries.c.code_id == old_code_id, points_entries.c.points > 0)).scalar()
            for code_id, other, points, end in ((old_code_id, new_code_id, -left, "out"),
                                               (new_code_id, old_code_id, left, "in")):
                _add_entry(conn, community_id=account.community_id, code_id=code_id,
                           kind="transfer", points=points, counterpart_code_id=other,
                           event_key=f"reissue:{old_code_id}:{end}", reason="code reissued",
                           expires_on=until if points > 0 else None)
        conn.execute(update(points_credits).where(
            points_credits.c.code_id == old_code_id, points_credits.c.status == "pending")
            .values(code_id=new_code_id))
        conn.execute(update(volunteers).where(volunteers.c.code_id == old_code_id)
                     .values(code_id=new_code_id))

    # -- volunteers and the needs pool ------------------------------------------------------
    def register_volunteer(self, code_id: int, community_id: str, skills: list[str],
                           availability: str = "") -> None:
        """A volunteer of the steward team, or their skills and availability updated."""
        def work(conn):
            values = dict(skills=json.dumps(skills), availability=availability)
            if conn.execute(update(volunteers).where(volunteers.c.code_id == code_id)
                            .values(**values)).rowcount == 0:
                conn.execute(insert(volunteers).values(code_id=code_id,
                                                       community_id=community_id,
                                                       registered_at=_now(), **values))
        self.write_again_if_raced(work)

    def volunteers(self, community_id: str) -> list[dict]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(volunteers).where(
                volunteers.c.community_id == community_id).order_by(volunteers.c.code_id))
            return [dict(r._mapping, skills=json.loads(r.skills)) for r in rows]

    def post_need(self, community_id: str, need: Need, posted_by_code_id: int | None,
                  posted_by: str) -> int:
        """A validated need (:func:`workbench.points.needs.validate_need`), open; its id."""
        def work(conn):
            now = _now()
            need_id = conn.execute(insert(needs).values(
                community_id=community_id, posted_by_code_id=posted_by_code_id,
                posted_by=posted_by, title=need.title, description=need.description,
                skill=need.skill, category=need.skill, public_space_id=need.public_space_id,
                window_start=need.window_start, window_end=need.window_end, status="open",
                created_at=now, updated_at=now)).inserted_primary_key[0]
            conn.execute(insert(need_events).values(
                need_id=need_id, action="post", status_from=None, status_to="open",
                by_code_id=posted_by_code_id,
                by_steward=None if posted_by_code_id else posted_by, at=now))
            return need_id
        return self.write(work)

    def move_need(self, need_id: int, action: str, by_code_id: int | None = None,
                  by_steward: str | None = None, minutes: int | None = None,
                  note: str | None = None, credit: dict | None = None) -> str:
        """One move of a need (:data:`workbench.points.needs.MOVES`), recorded with who and
        when, and made only from the state the rules checked: of two claims at once, one
        wins. ``credit`` (rule_id, points, awarded_by) goes with a confirmation, in the same
        transaction: the volunteer's credit, waiting for review. Returns the new state."""
        def work(conn):
            need = conn.execute(select(needs).where(needs.c.id == need_id)).first()
            if need is None:
                raise PointsRefused("needs.refused.no_need")
            skills = None
            if action == "claim" and by_code_id is not None:
                found = conn.execute(select(volunteers.c.skills).where(
                    volunteers.c.code_id == by_code_id)).scalar()
                skills = json.loads(found) if found else []
            target = check_move(dict(need._mapping), action, by_code_id, by_steward, skills)
            now = _now()
            values = dict(status=target, updated_at=now)
            if action == "claim":
                values["claimed_by_code_id"] = by_code_id
            elif action == "release":
                values["claimed_by_code_id"] = None
            elif action == "done":
                values["minutes"] = minutes
            if conn.execute(update(needs).where(needs.c.id == need_id,
                                                needs.c.status == need.status)
                            .values(**values)).rowcount == 0:
                raise PointsRefused("needs.refused.state", state="changed")
            conn.execute(insert(need_events).values(
                need_id=need_id, action=action, status_from=need.status, status_to=target,
                by_code_id=by_code_id, by_steward=by_steward, minutes=minutes, note=note,
                at=now))
            if credit is not None and action == "confirm":
                conn.execute(insert(points_credits).values(
                    community_id=need.community_id, code_id=need.claimed_by_code_id,
                    event_key=f"need:{need_id}", minutes=need.minutes or 0, status="pending",
                    created_at=now, **credit))
            return target
        return self.write(work)

    def need(self, need_id: int) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(needs).where(needs.c.id == need_id)).first()
        return dict(row._mapping) if row else None

    def needs_of(self, community_id: str, status: str | None = None) -> list[dict]:
        """The community's needs (in one state, or all), oldest first."""
        query = select(needs).where(needs.c.community_id == community_id)
        if status is not None:
            query = query.where(needs.c.status == status)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query.order_by(needs.c.id))]

    def need_history(self, need_id: int) -> list[dict]:
        """Every state change of a need, in order: who, when, from, to."""
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(
                select(need_events).where(need_events.c.need_id == need_id)
                .order_by(need_events.c.id))]

    def need_events_of(self, community_id: str) -> list[dict]:
        """Every recorded move of the community's needs, in order (for the planner's
        figures, :mod:`workbench.points.team`)."""
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(
                select(need_events).join(needs, needs.c.id == need_events.c.need_id)
                .where(needs.c.community_id == community_id).order_by(need_events.c.id))]


STORE_PART = PointsStore
