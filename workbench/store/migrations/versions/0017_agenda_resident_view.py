"""Agenda: each published version keeps, beside its whole snapshot, the slim view the resident
page shows (``resident_view``: the items' cards, map markers and lookup, without scores,
households, statements or needs), so that every resident's page reads that alone at start.
Versions published before are given theirs from their snapshot.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02
"""
import json

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

# what the resident page showed of an item when this revision was written (frozen here: a
# migration must not change with the code; workbench.agenda.queries keeps the current lists)
ITEM_FIELDS = ("id", "rank", "title", "decision", "scenario", "reason", "status", "progress",
               "owner", "budget_line", "target_date", "history", "lon", "lat")
PROPOSAL_FIELDS = ("id", "title", "official_answer")


def _view(snapshot: dict) -> dict:
    items = []
    for item in snapshot.get("items") or []:
        shown = {key: item[key] for key in ITEM_FIELDS if key in item}
        evidence = item.get("evidence") or {}
        shown["evidence"] = {"proposals": evidence["proposals"]} if "proposals" in evidence else {}
        shown["proposals"] = [{key: p[key] for key in PROPOSAL_FIELDS if key in p}
                              for p in item.get("proposals") or []]
        items.append(shown)
    return {"version": snapshot.get("version"), "published_at": snapshot.get("published_at"),
            "items": items}


def upgrade() -> None:
    with op.batch_alter_table("agenda_versions") as batch:
        batch.add_column(sa.Column("resident_view", sa.Text, nullable=True))
    versions = sa.table("agenda_versions", sa.column("id", sa.Integer),
                        sa.column("snapshot", sa.Text), sa.column("resident_view", sa.Text))
    conn = op.get_bind()
    for row_id, body in conn.execute(sa.select(versions.c.id, versions.c.snapshot)).all():
        view = json.dumps(_view(json.loads(body)), ensure_ascii=False, sort_keys=True)
        conn.execute(sa.update(versions).where(versions.c.id == row_id)
                     .values(resident_view=view))


def downgrade() -> None:
    with op.batch_alter_table("agenda_versions") as batch:
        batch.drop_column("resident_view")
