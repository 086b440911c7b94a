"""The store's part for workshops: the workshop, who joined (counts), dot-voting rounds and
their wallets, and the saved record. Mixed into :class:`workbench.store.Store`; rules live in
:mod:`workbench.workshops.rules`."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from workbench.proposals.tables import proposals, supports
from workbench.surveys.tables import survey_responses
from workbench.workshops.tables import dot_rounds, dot_wallets, dots, workshop_joins, workshops


def _now() -> datetime:
    return datetime.now(timezone.utc)


class WorkshopStore:
    """Methods of :class:`Store` (which provides ``engine`` and ``_write``)."""

    def add_workshop(self, community_id: str, title: str, dots_per_person: int,
                     facilitator_hash: str) -> int:
        def work(conn):
            return conn.execute(insert(workshops).values(
                community_id=community_id, title=title, status="open",
                dots_per_person=dots_per_person, facilitator_hash=facilitator_hash,
                started_at=_now())).inserted_primary_key[0]
        return self.write(work)

    def workshop(self, workshop_id: int) -> dict | None:
        """A workshop without its picture; ``record`` decoded."""
        cols = [c for c in workshops.c if c.name != "map_png"]
        with self.engine.connect() as conn:
            row = conn.execute(select(*cols).where(workshops.c.id == workshop_id)).first()
        if row is None:
            return None
        data = dict(row._mapping)
        data["record"] = json.loads(data["record"]) if data["record"] else None
        return data

    def workshops(self, community_id: str) -> list[dict]:
        cols = [workshops.c.id, workshops.c.title, workshops.c.status,
                workshops.c.started_at, workshops.c.ended_at]
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(
                select(*cols).where(workshops.c.community_id == community_id)
                .order_by(workshops.c.id))]

    def workshop_map_png(self, workshop_id: int) -> bytes | None:
        with self.engine.connect() as conn:
            return conn.execute(select(workshops.c.map_png).where(
                workshops.c.id == workshop_id)).scalar()

    def set_timer(self, workshop_id: int, seconds: int | None) -> None:
        """Start the timer for ``seconds`` from now, or stop it (None)."""
        ends = _now() + timedelta(seconds=seconds) if seconds else None
        self.write(lambda conn: conn.execute(update(workshops).where(
            workshops.c.id == workshop_id).values(timer_ends_at=ends)))

    def join_workshop(self, workshop_id: int, page_key: str) -> bool:
        """Count a page as joined (once per page); False if it had joined already or the
        workshop is not open."""
        def work(conn):
            status = conn.execute(select(workshops.c.status).where(
                workshops.c.id == workshop_id)).scalar()
            if status != "open":
                return False
            conn.execute(insert(workshop_joins).values(
                workshop_id=workshop_id, page_key=page_key, joined_at=_now()))
            return True
        return self.write_once(work)

    def joined_count(self, workshop_id: int) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(workshop_joins).where(
                workshop_joins.c.workshop_id == workshop_id)).scalar_one()

    def workshop_proposals(self, workshop_id: int, after_id: int = 0) -> list[dict]:
        """Visible proposals made at the workshop, oldest first (only those with an id above
        ``after_id``: the screen asks for what is new)."""
        query = (select(proposals.c.id, proposals.c.title, proposals.c.scenario,
                        proposals.c.lon, proposals.c.lat, proposals.c.created_at)
                 .where(proposals.c.workshop_id == workshop_id, proposals.c.id > after_id,
                        proposals.c.hidden_reason.is_(None))
                 .order_by(proposals.c.id))
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def live_counts(self, community_id: str, since: datetime) -> dict:
        """Since the workshop began: proposals by scenario, supports, survey answers."""
        with self.engine.connect() as conn:
            by_scenario = {s: n for s, n in conn.execute(
                select(proposals.c.scenario, func.count())
                .where(proposals.c.community_id == community_id,
                       proposals.c.created_at >= since)
                .group_by(proposals.c.scenario))}
            support_count = conn.execute(
                select(func.count()).select_from(supports)
                .join(proposals, proposals.c.id == supports.c.proposal_id)
                .where(proposals.c.community_id == community_id,
                       supports.c.created_at >= since)).scalar_one()
            answers = conn.execute(select(func.count()).select_from(survey_responses).where(
                survey_responses.c.updated_at >= since)).scalar_one()
        return {"proposals": by_scenario, "supports": support_count,
                "survey_answers": answers}

    # -- dot voting ---------------------------------------------------------------------------
    def open_dot_round(self, workshop_id: int, title: str, options: list[dict],
                       dots_per_person: int) -> int:
        """Open a round over a shortlist; any open round of the workshop is closed first."""
        def work(conn):
            conn.execute(update(dot_rounds).where(
                dot_rounds.c.workshop_id == workshop_id, dot_rounds.c.status == "open")
                .values(status="closed", closed_at=_now()))
            return conn.execute(insert(dot_rounds).values(
                workshop_id=workshop_id, title=title,
                options=json.dumps(options, ensure_ascii=False),
                dots_per_person=dots_per_person, status="open",
                created_at=_now())).inserted_primary_key[0]
        return self.write(work)

    def dot_round(self, round_id: int) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(dot_rounds).where(dot_rounds.c.id == round_id)).first()
        return _round(row)

    def open_round_of(self, workshop_id: int) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(dot_rounds).where(
                dot_rounds.c.workshop_id == workshop_id, dot_rounds.c.status == "open")
                .order_by(dot_rounds.c.id.desc()).limit(1)).first()
        return _round(row)

    def rounds_of(self, workshop_id: int) -> list[dict]:
        with self.engine.connect() as conn:
            return [_round(r) for r in conn.execute(select(dot_rounds).where(
                dot_rounds.c.workshop_id == workshop_id).order_by(dot_rounds.c.id))]

    def spend_dot(self, round_id: int, code_id: int, option: int) -> int | None:
        """Spend one of the code's dots on an option of an open round. Returns the dots the
        code has left, or None when refused (round closed, bad option, none left). The
        wallet's decrement is conditional (``remaining > 0``), so however many phones, tabs
        and clicks arrive at once, a code never spends more than its dots."""
        def work(conn):
            found = conn.execute(select(dot_rounds.c.status, dot_rounds.c.options,
                                        dot_rounds.c.dots_per_person)
                                 .where(dot_rounds.c.id == round_id)).first()
            if found is None or found.status != "open" \
                    or not 0 <= option < len(json.loads(found.options)):
                return None
            exists = conn.execute(select(dot_wallets.c.remaining).where(
                dot_wallets.c.round_id == round_id, dot_wallets.c.code_id == code_id)).first()
            if exists is None:
                conn.execute(insert(dot_wallets).values(round_id=round_id, code_id=code_id,
                                                        remaining=found.dots_per_person))
            spent = conn.execute(update(dot_wallets).where(
                dot_wallets.c.round_id == round_id, dot_wallets.c.code_id == code_id,
                dot_wallets.c.remaining > 0).values(remaining=dot_wallets.c.remaining - 1)
            ).rowcount
            if not spent:
                return None
            conn.execute(insert(dots).values(round_id=round_id, code_id=code_id,
                                             option=option, created_at=_now()))
            return conn.execute(select(dot_wallets.c.remaining).where(
                dot_wallets.c.round_id == round_id,
                dot_wallets.c.code_id == code_id)).scalar_one()
        for _ in range(3):
            try:
                return self.write(work)
            except IntegrityError:
                continue  # two first dots of one code at once: the wallet exists now
        return None

    def dots_left(self, round_id: int, code_id: int) -> int | None:
        """Dots the code has left in the round (all of them before its first)."""
        with self.engine.connect() as conn:
            left = conn.execute(select(dot_wallets.c.remaining).where(
                dot_wallets.c.round_id == round_id, dot_wallets.c.code_id == code_id)).scalar()
            if left is not None:
                return left
            return conn.execute(select(dot_rounds.c.dots_per_person).where(
                dot_rounds.c.id == round_id)).scalar()

    def dot_tally(self, round_id: int, code_id: int | None = None) -> dict[int, int]:
        """Dots per option (of one code, when given)."""
        query = select(dots.c.option, func.count()).where(dots.c.round_id == round_id)
        if code_id is not None:
            query = query.where(dots.c.code_id == code_id)
        with self.engine.connect() as conn:
            return {o: n for o, n in conn.execute(query.group_by(dots.c.option))}

    def close_dot_round(self, round_id: int, result: dict) -> None:
        self.write(lambda conn: conn.execute(update(dot_rounds).where(
            dot_rounds.c.id == round_id).values(
            status="closed", closed_at=_now(),
            result=json.dumps(result, ensure_ascii=False, default=str))))

    def close_workshop(self, workshop_id: int, record: dict, map_png: bytes | None) -> None:
        """End the workshop and keep its record; its open round closes with it."""
        def work(conn):
            conn.execute(update(dot_rounds).where(
                dot_rounds.c.workshop_id == workshop_id, dot_rounds.c.status == "open")
                .values(status="closed", closed_at=_now()))
            conn.execute(update(workshops).where(workshops.c.id == workshop_id).values(
                status="closed", ended_at=_now(), timer_ends_at=None,
                record=json.dumps(record, ensure_ascii=False, default=str), map_png=map_png))
        self.write(work)


def _round(row) -> dict | None:
    if row is None:
        return None
    data = dict(row._mapping)
    data["options"] = json.loads(data["options"])
    data["result"] = json.loads(data["result"]) if data["result"] else None
    return data


STORE_PART = WorkshopStore
