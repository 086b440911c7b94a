"""The store's part for the community public agenda: items and the proposals they group,
decisions, the dated history of adopted items, official answers, and published versions.
Mixed into :class:`workbench.store.Store`; rules live in :mod:`workbench.agenda`."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlalchemy import delete, func, insert, select, update

from workbench.agenda.tables import agenda_item_proposals, agenda_items, agenda_updates, agenda_versions
from workbench.deliberation.tables import comments
from workbench.proposals.tables import proposals, supports


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _item_row(row) -> dict:
    data = dict(row._mapping)
    data["milestones"] = json.loads(data["milestones"] or "[]")
    data["statement_ids"] = json.loads(data["statement_ids"] or "[]")
    return data


class AgendaStore:
    """Methods of :class:`Store` (which provides ``engine`` and ``_write``)."""

    # -- items ------------------------------------------------------------------------------
    @staticmethod
    def _insert_item(conn, community_id: str, item: dict, now: datetime) -> int:
        item_id = conn.execute(insert(agenda_items).values(
            community_id=community_id, title=item["title"],
            description=item.get("description") or "", scenario=item["scenario"],
            public_space_id=item.get("public_space_id"), lon=item.get("lon"),
            lat=item.get("lat"), statement_ids="[]", milestones="[]", progress=0,
            created_at=now)).inserted_primary_key[0]
        rows = [{"proposal_id": pid, "item_id": item_id} for pid in item["proposal_ids"]]
        if rows:
            conn.execute(insert(agenda_item_proposals), rows)
        return item_id

    def replace_candidates(self, community_id: str, candidates: list[dict],
                           keep: list[int] | tuple = ()) -> list[int]:
        """Re-group: undecided items are replaced by ``candidates`` (dicts with title,
        description, scenario, public_space_id, lon, lat, proposal_ids), in one transaction.
        Decided items and their proposals stay as they are, and so do the undecided items
        in ``keep`` (those other items were merged into)."""
        now = _now()

        def work(conn):
            undecided = select(agenda_items.c.id).where(
                agenda_items.c.community_id == community_id, agenda_items.c.decision.is_(None))
            if keep:
                undecided = undecided.where(agenda_items.c.id.not_in(list(keep)))
            conn.execute(delete(agenda_item_proposals).where(
                agenda_item_proposals.c.item_id.in_(undecided)))
            conn.execute(delete(agenda_items).where(agenda_items.c.id.in_(
                [r[0] for r in conn.execute(undecided)])))
            return [self._insert_item(conn, community_id, c, now) for c in candidates]
        return self.write(work)

    def add_item(self, community_id: str, item: dict) -> int:
        return self.write(lambda conn: self._insert_item(conn, community_id, item, _now()))

    def agenda_items(self, community_id: str) -> list[dict]:
        """Every item (merged ones included), oldest first, each with ``proposal_ids``."""
        with self.engine.connect() as conn:
            items = [_item_row(r) for r in conn.execute(
                select(agenda_items).where(agenda_items.c.community_id == community_id)
                .order_by(agenda_items.c.id))]
            members: dict[int, list[int]] = {}
            for pid, iid in conn.execute(
                    select(agenda_item_proposals.c.proposal_id, agenda_item_proposals.c.item_id)
                    .join(agenda_items, agenda_items.c.id == agenda_item_proposals.c.item_id)
                    .where(agenda_items.c.community_id == community_id)
                    .order_by(agenda_item_proposals.c.proposal_id)):
                members.setdefault(iid, []).append(pid)
        for item in items:
            item["proposal_ids"] = members.get(item["id"], [])
        return items

    def agenda_item(self, item_id: int) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(agenda_items).where(agenda_items.c.id == item_id)).first()
            if row is None:
                return None
            item = _item_row(row)
            item["proposal_ids"] = [r[0] for r in conn.execute(
                select(agenda_item_proposals.c.proposal_id)
                .where(agenda_item_proposals.c.item_id == item_id)
                .order_by(agenda_item_proposals.c.proposal_id))]
        return item

    def edit_item(self, item_id: int, **values) -> None:
        """Change an item's own fields (title, description, scenario, place, statement_ids)."""
        allowed = {"title", "description", "scenario", "public_space_id", "lon", "lat",
                   "statement_ids"}
        if set(values) - allowed:
            raise ValueError(f"not editable here: {sorted(set(values) - allowed)}")
        if "statement_ids" in values:
            values["statement_ids"] = json.dumps(sorted(set(values["statement_ids"])))
        self.write(lambda conn: conn.execute(
            update(agenda_items).where(agenda_items.c.id == item_id).values(**values)))

    @staticmethod
    def _move_proposals(conn, proposal_ids: list[int], item_id: int) -> None:
        conn.execute(delete(agenda_item_proposals).where(
            agenda_item_proposals.c.proposal_id.in_(proposal_ids)))
        if proposal_ids:
            conn.execute(insert(agenda_item_proposals), [
                {"proposal_id": pid, "item_id": item_id} for pid in proposal_ids])

    def move_proposals(self, proposal_ids: list[int], item_id: int) -> None:
        """Put proposals in an item (out of whichever item held them)."""
        self.write(lambda conn: self._move_proposals(conn, proposal_ids, item_id))

    def split_item(self, community_id: str, item: dict) -> int:
        """A new item (fields as for :meth:`add_item`) holding ``item["proposal_ids"]``, taken
        out of whichever items held them; one transaction, so a failure part-way (a busy
        database) leaves neither an empty item nor proposals moved. Returns its id."""
        now = _now()

        def work(conn):
            item_id = self._insert_item(conn, community_id, {**item, "proposal_ids": []}, now)
            self._move_proposals(conn, list(item["proposal_ids"]), item_id)
            return item_id
        return self.write(work)

    def merge_items(self, target_id: int, source_ids: list[int], reason: str) -> None:
        """Merge items into ``target_id``: their proposals (with every support and comment,
        which stay on the proposals) move to the target, and each source is kept, decided
        "merge" with ``merged_into`` pointing at the target, so links keep working."""
        now = _now()

        def work(conn):
            for source in source_ids:
                conn.execute(update(agenda_item_proposals)
                             .where(agenda_item_proposals.c.item_id == source)
                             .values(item_id=target_id))
                conn.execute(update(agenda_items).where(agenda_items.c.id == source).values(
                    decision="merge", merged_into=target_id, reason=reason, decided_at=now))
        self.write(work)

    def decide(self, item_id: int, decision) -> None:
        """Record a validated :class:`workbench.agenda.decisions.Decision`."""
        now = _now()

        def work(conn):
            values = dict(decision=decision.decision, reason=decision.reason,
                          owner=decision.owner, budget_line=decision.budget_line,
                          milestones=json.dumps(decision.milestones, ensure_ascii=False),
                          target_date=decision.target_date, decided_at=now)
            current = conn.execute(select(agenda_items.c.status).where(
                agenda_items.c.id == item_id)).scalar()
            if decision.decision == "adopt" and current is None:
                values["status"] = "planned"
            conn.execute(update(agenda_items).where(agenda_items.c.id == item_id)
                         .values(**values))
        self.write(work)

    def withdraw_decision(self, item_id: int, note: str, author: str) -> None:
        """Undo an item's decision: it is a candidate again, and its history gets a dated
        entry (status ``withdrawn``) saying what was withdrawn and why. The decision's own
        fields stay in the row (nothing is erased); one transaction."""
        now = _now()

        def work(conn):
            progress = conn.execute(select(agenda_items.c.progress).where(
                agenda_items.c.id == item_id)).scalar() or 0
            conn.execute(insert(agenda_updates).values(
                item_id=item_id, status="withdrawn", progress=progress, note=note,
                author=author, created_at=now))
            conn.execute(update(agenda_items).where(agenda_items.c.id == item_id)
                         .values(decision=None, decided_at=None, status=None))
        self.write(work)

    # -- tracking ---------------------------------------------------------------------------
    def add_update(self, item_id: int, status: str, progress: int, note: str,
                   author: str) -> None:
        """A dated entry in an adopted item's history, and its new status and progress."""
        now = _now()

        def work(conn):
            conn.execute(insert(agenda_updates).values(
                item_id=item_id, status=status, progress=progress, note=note, author=author,
                created_at=now))
            conn.execute(update(agenda_items).where(agenda_items.c.id == item_id)
                         .values(status=status, progress=progress))
        self.write(work)

    def item_updates(self, item_ids: list[int] | None = None,
                     community_id: str | None = None) -> list[dict]:
        query = select(agenda_updates).order_by(agenda_updates.c.id)
        if item_ids is not None:
            query = query.where(agenda_updates.c.item_id.in_(item_ids))
        if community_id is not None:
            query = query.join(agenda_items, agenda_items.c.id == agenda_updates.c.item_id) \
                .where(agenda_items.c.community_id == community_id)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def set_official_answer(self, proposal_id: int, answer: str,
                            community_id: str | None = None) -> bool:
        """The official answer to a proposal (of ``community_id`` when given); False when
        there is no such proposal, and nothing was written."""
        query = update(proposals).where(proposals.c.id == proposal_id)
        if community_id is not None:
            query = query.where(proposals.c.community_id == community_id)
        return self.write(lambda conn: conn.execute(
            query.values(official_answer=answer, answered_at=_now())).rowcount) == 1

    # -- evidence -----------------------------------------------------------------------------
    def supports_rows(self, community_id: str) -> list[tuple[int, int]]:
        """(proposal id, code id) of every support in the community."""
        query = (select(supports.c.proposal_id, supports.c.code_id)
                 .join(proposals, proposals.c.id == supports.c.proposal_id)
                 .where(proposals.c.community_id == community_id))
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(query)]

    def stance_counts(self, community_id: str) -> list[tuple[int, str, int]]:
        """(proposal id, stance, visible comments) for the community."""
        query = (select(comments.c.proposal_id, comments.c.stance, func.count())
                 .join(proposals, proposals.c.id == comments.c.proposal_id)
                 .where(proposals.c.community_id == community_id,
                        comments.c.hidden_reason.is_(None))
                 .group_by(comments.c.proposal_id, comments.c.stance))
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(query)]

    # -- published versions ---------------------------------------------------------------
    def publish_agenda(self, community_id: str, snapshot: dict, published_by: str) -> int:
        """Keep a published version (immutable); returns its number, v1, v2, ..."""
        def work(conn):
            number = (conn.execute(select(func.max(agenda_versions.c.number)).where(
                agenda_versions.c.community_id == community_id)).scalar() or 0) + 1
            body = json.loads(json.dumps(dict(snapshot, version=number), default=str))
            conn.execute(insert(agenda_versions).values(
                community_id=community_id, number=number,
                snapshot=json.dumps(body, ensure_ascii=False, sort_keys=True),
                resident_view=json.dumps(resident_view(body), ensure_ascii=False,
                                         sort_keys=True),
                published_by=published_by, published_at=snapshot["published_at"]
                if isinstance(snapshot.get("published_at"), datetime) else _now()))
            return number
        # two planners publishing at once: the second takes the next number
        return self.write_again_if_raced(work)

    def agenda_versions(self, community_id: str) -> list[dict]:
        """Published versions without their snapshots: number, published_at, published_by."""
        query = (select(agenda_versions.c.number, agenda_versions.c.published_at,
                        agenda_versions.c.published_by)
                 .where(agenda_versions.c.community_id == community_id)
                 .order_by(agenda_versions.c.number))
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def agenda_version(self, community_id: str, number: int | None = None) -> dict | None:
        """A published version's snapshot (the newest when ``number`` is None)."""
        query = select(agenda_versions.c.snapshot).where(
            agenda_versions.c.community_id == community_id)
        query = (query.where(agenda_versions.c.number == number) if number is not None
                 else query.order_by(agenda_versions.c.number.desc()).limit(1))
        with self.engine.connect() as conn:
            body = conn.execute(query).scalar()
        return json.loads(body) if body else None

    def published_agenda_view(self, community_id: str) -> dict | None:
        """The newest published version as the resident page shows it (None before the
        first): ``version``, ``published_at`` and, per item, only :data:`SHOWN_ITEM_FIELDS`,
        its evidence reduced to the count of proposals and its proposals to
        :data:`SHOWN_PROPOSAL_FIELDS` (:func:`resident_view`). Publishing keeps this view in
        its own column, and only that column is read: every resident's page reads it at
        start and keeps it for as long as it is open; the whole snapshot (scores,
        households, statements, needs) is neither read nor kept."""
        query = (select(agenda_versions.c.resident_view, agenda_versions.c.id)
                 .where(agenda_versions.c.community_id == community_id)
                 .order_by(agenda_versions.c.number.desc()).limit(1))
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
            if row is None:
                return None
            if row.resident_view is None:  # written by other code than publish_agenda
                body = conn.execute(select(agenda_versions.c.snapshot).where(
                    agenda_versions.c.id == row.id)).scalar()
                return resident_view(json.loads(body))
        return json.loads(row.resident_view)


#: what the resident page shows of a published item: its card, its marker on the map, and
#: what a resident's lookup finds (see :mod:`workbench.agenda.page`)
SHOWN_ITEM_FIELDS = ("id", "rank", "title", "decision", "scenario", "reason", "status",
                     "progress", "owner", "budget_line", "target_date", "history", "lon", "lat")
SHOWN_PROPOSAL_FIELDS = ("id", "title", "official_answer")


def resident_view(snapshot: dict) -> dict:
    """The part of a published snapshot the resident page shows (see
    :meth:`AgendaStore.published_agenda_view`)."""
    return {"version": snapshot.get("version"), "published_at": snapshot.get("published_at"),
            "items": [_shown_item(item) for item in snapshot.get("items") or []]}


def _shown_item(item: dict) -> dict:
    shown = {key: item[key] for key in SHOWN_ITEM_FIELDS if key in item}
    evidence = item.get("evidence") or {}
    shown["evidence"] = {"proposals": evidence["proposals"]} if "proposals" in evidence else {}
    shown["proposals"] = [{key: p[key] for key in SHOWN_PROPOSAL_FIELDS if key in p}
                          for p in item.get("proposals") or []]
    return shown


STORE_PART = AgendaStore
