"""The store's part for communities and their public spaces.

A community's spaces, once loaded into the database, live there: every change is one
transaction that updates the space and adds a row to its history (who, when, before and
after, as GeoJSON Features). A change is made on the version the planner read; if another
planner changed or deleted the space since, it is refused (:class:`SpaceConflict`), never
silently overwritten. Undo restores the state before the newest change not undone yet, and
only while the space is still as that change left it."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlalchemy import exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from workbench.layers.editing import SpaceConflict, snapshot, snapshot_json, split
from workbench.layers.tables import communities, public_space_changes, public_spaces
from workbench.proposals.tables import proposals

#: the history the editor shows, newest first
HISTORY_ROWS = 50


def _row_values(props: dict, geometry: dict, extra: dict) -> dict:
    return {"kind": props["kind"], "name_zh": props["name_zh"], "name_en": props["name_en"],
            "description_zh": props.get("description_zh"),
            "description_en": props.get("description_en"),
            "opening_hours": props.get("opening_hours"),
            "facilities": json.dumps(list(props.get("facilities") or []), ensure_ascii=False),
            "status": props["status"], "geometry": json.dumps(geometry),
            "area_m2": props.get("area_m2"), "extra": json.dumps(extra, ensure_ascii=False)}


def _feature(row) -> dict:
    """A row as a GeoJSON Feature (the state history keeps and pages draw)."""
    props = {key: row[key] for key in ("kind", "name_zh", "name_en", "description_zh",
                                       "description_en", "opening_hours", "status", "area_m2")}
    props["facilities"] = json.loads(row["facilities"])
    return snapshot(row["id"], props, json.loads(row["geometry"]), json.loads(row["extra"]))


class CommunityStore:
    """Methods of :class:`workbench.store.Store` (which provides ``engine`` and ``write``)."""

    def ensure_community(self, community) -> bool:
        """Add the community if it is not there yet; True when it was added. Existing data is
        never touched, so ``workbench init`` can run again safely."""
        def work(conn):
            exists_ = conn.execute(select(communities.c.id).where(
                communities.c.id == community.id)).first()
            if exists_:
                return False
            conn.execute(insert(communities).values(
                id=community.id, name_zh=community.name.get("zh", community.id),
                name_en=community.name.get("en", community.id),
                created_at=datetime.now(timezone.utc)))
            return True
        return self.write(work)

    # -- public spaces: reading --------------------------------------------------------------
    def public_space_features(self, community_id: str) -> list[dict] | None:
        """The community's current spaces as GeoJSON Features (deleted ones left out), or
        None when its spaces were never loaded into the database (the layer file rules)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(public_spaces).where(
                public_spaces.c.community_id == community_id).order_by(
                public_spaces.c.id)).mappings().all()
        if not rows:
            return None
        return [_feature(r) for r in rows if r["deleted_at"] is None]

    def public_space(self, community_id: str, space_id: str) -> dict | None:
        """One space: its Feature, ``version`` and ``deleted`` (a deleted one is kept)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(public_spaces).where(
                public_spaces.c.community_id == community_id,
                public_spaces.c.id == space_id)).mappings().first()
        if row is None:
            return None
        return {"feature": _feature(row), "version": row["version"],
                "deleted": row["deleted_at"] is not None}

    def public_space_ids(self, community_id: str) -> list[str]:
        """Every id the community's spaces have had, deleted ones included."""
        with self.engine.connect() as conn:
            return list(conn.execute(select(public_spaces.c.id).where(
                public_spaces.c.community_id == community_id)).scalars())

    def public_space_changes(self, community_id: str, limit: int = HISTORY_ROWS) -> list[dict]:
        """The newest changes first: id, space_id, action, who, at, before, after (Features
        or None), undoes, and ``undone`` (a later undo names it)."""
        undo = public_space_changes.alias("undo")
        undone = exists().where(undo.c.undoes == public_space_changes.c.id)
        with self.engine.connect() as conn:
            rows = conn.execute(select(public_space_changes, undone.label("undone")).where(
                public_space_changes.c.community_id == community_id).order_by(
                public_space_changes.c.id.desc()).limit(limit)).mappings().all()
        return [{**r, "before": json.loads(r["before"]) if r["before"] else None,
                 "after": json.loads(r["after"]) if r["after"] else None,
                 "undone": bool(r["undone"])} for r in rows]

    def proposals_about_space(self, community_id: str, space_id: str) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(proposals).where(
                proposals.c.community_id == community_id,
                proposals.c.public_space_id == space_id)).scalar_one()

    # -- public spaces: writing --------------------------------------------------------------
    def load_public_spaces(self, community_id: str, features: list[dict], who: str) -> int:
        """Put the spaces of the layer file into the database, once: when the community has
        none there yet (else nothing is done and 0 returned). Each is kept in the history as
        loaded, by ``who``."""
        def work(conn):
            if conn.execute(select(public_spaces.c.id).where(
                    public_spaces.c.community_id == community_id).limit(1)).first():
                return 0
            now = datetime.now(timezone.utc)
            for feature in features:
                space_id, props, geometry, extra = split(feature)
                conn.execute(insert(public_spaces).values(
                    community_id=community_id, id=space_id, version=1, deleted_at=None,
                    updated_at=now, updated_by=who, **_row_values(props, geometry, extra)))
                self._log(conn, community_id, space_id, "load", who, now, None,
                          snapshot(space_id, props, geometry, extra))
            return len(features)
        return self.write_again_if_raced(work)

    def add_public_space(self, community_id: str, space_id: str, props: dict, geometry: dict,
                         who: str) -> int:
        """A new space; returns its history row's id. An id in use raises SpaceConflict."""
        def work(conn):
            now = datetime.now(timezone.utc)
            conn.execute(insert(public_spaces).values(
                community_id=community_id, id=space_id, version=1, deleted_at=None,
                updated_at=now, updated_by=who, **_row_values(props, geometry, {})))
            return self._log(conn, community_id, space_id, "create", who, now, None,
                             snapshot(space_id, props, geometry))
        try:
            return self.write(work)
        except IntegrityError:
            raise SpaceConflict("editor.conflict.id_taken", id=space_id) from None

    def change_public_space(self, community_id: str, space_id: str, props: dict | None,
                            geometry: dict | None, who: str, version: int, action: str) -> int:
        """Change a space read at ``version`` (``props`` and ``geometry`` both None: delete
        it, keeping its row); returns the history row's id. Raises SpaceConflict when the
        space is not at that version any more."""
        def work(conn):
            row = conn.execute(select(public_spaces).where(
                public_spaces.c.community_id == community_id,
                public_spaces.c.id == space_id)).mappings().first()
            if row is None or row["deleted_at"] is not None:
                raise SpaceConflict("editor.conflict.gone")
            if row["version"] != version:
                raise SpaceConflict("editor.conflict.changed", who=row["updated_by"])
            before = _feature(row)
            now = datetime.now(timezone.utc)
            extra = json.loads(row["extra"])
            values = ({"deleted_at": now} if props is None
                      else _row_values(props, geometry, extra))
            done = conn.execute(update(public_spaces).where(
                public_spaces.c.community_id == community_id, public_spaces.c.id == space_id,
                public_spaces.c.version == version).values(
                version=version + 1, updated_at=now, updated_by=who, **values))
            if done.rowcount != 1:     # another kernel changed it between our read and write
                raise SpaceConflict("editor.conflict.changed", who="?")
            after = None if props is None else snapshot(space_id, props, geometry, extra)
            return self._log(conn, community_id, space_id, action, who, now, before, after)
        return self.write(work)

    def undo_public_space_change(self, community_id: str, who: str) -> dict | None:
        """Undo the newest change of the community not undone yet (loading the layer file
        and undos themselves are not undone): the space goes back to its state before it,
        and the undo is kept in the history. Returns the change undone, or None when there is
        none; raises SpaceConflict when the space changed since that change."""
        undo = public_space_changes.alias("undo")

        def work(conn):
            change = conn.execute(select(public_space_changes).where(
                public_space_changes.c.community_id == community_id,
                public_space_changes.c.action.not_in(("undo", "load")),
                ~exists().where(undo.c.undoes == public_space_changes.c.id)).order_by(
                public_space_changes.c.id.desc()).limit(1)).mappings().first()
            if change is None:
                return None
            row = conn.execute(select(public_spaces).where(
                public_spaces.c.community_id == community_id,
                public_spaces.c.id == change["space_id"])).mappings().one()
            now_state = None if row["deleted_at"] is not None else _feature(row)
            if snapshot_json(now_state) != change["after"]:
                raise SpaceConflict("editor.conflict.undo_changed")
            now = datetime.now(timezone.utc)
            if change["before"] is None:       # undo a creation: the row stays, deleted
                values = {"deleted_at": now}
                restored = None
            else:
                restored = json.loads(change["before"])
                space_id, props, geometry, extra = split(restored)
                values = {"deleted_at": None, **_row_values(props, geometry, extra)}
            conn.execute(update(public_spaces).where(
                public_spaces.c.community_id == community_id,
                public_spaces.c.id == change["space_id"]).values(
                version=row["version"] + 1, updated_at=now, updated_by=who, **values))
            self._log(conn, community_id, change["space_id"], "undo", who, now, now_state,
                      restored, undoes=change["id"])
            return {**change, "before": restored, "after": now_state}
        try:
            return self.write(work)
        except IntegrityError:      # another planner undid the same change at the same time
            raise SpaceConflict("editor.conflict.undo_changed") from None

    @staticmethod
    def _log(conn, community_id, space_id, action, who, at, before, after, undoes=None) -> int:
        result = conn.execute(insert(public_space_changes).values(
            community_id=community_id, space_id=space_id, action=action, who=who, at=at,
            before=snapshot_json(before), after=snapshot_json(after), undoes=undoes))
        return int(result.inserted_primary_key[0])


STORE_PART = CommunityStore
