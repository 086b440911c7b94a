"""The store's part for communities: one row per community the workbench serves."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import insert, select

from workbench.layers.tables import communities


class CommunityStore:
    """Methods of :class:`workbench.store.Store` (which provides ``engine`` and ``write``)."""

    def ensure_community(self, community) -> bool:
        """Add the community if it is not there yet; True when it was added. Existing data is
        never touched, so ``workbench init`` can run again safely."""
        def work(conn):
            exists = conn.execute(select(communities.c.id).where(
                communities.c.id == community.id)).first()
            if exists:
                return False
            conn.execute(insert(communities).values(
                id=community.id, name_zh=community.name.get("zh", community.id),
                name_en=community.name.get("en", community.id),
                created_at=datetime.now(timezone.utc)))
            return True
        return self.write(work)


STORE_PART = CommunityStore
