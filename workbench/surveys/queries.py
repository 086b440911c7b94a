"""The store's part for surveys: published versions, responses (one per respondent and
version; answering again edits it) and drafts."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlalchemy import delete, func, insert, or_, select, true, update

from workbench.participation.floods import page_client
from workbench.participation.queries import refuse_flood
from workbench.proposals.rules import new_receipt_code
from workbench.surveys.tables import survey_drafts, survey_responses, survey_versions


def _published_in(community_id: str | None, exact: bool = False):
    """Versions of ``community_id``'s surveys; with None, every version (``exact``: the
    unassigned ones only). Unassigned versions (published before surveys had a community)
    are every community's."""
    column = survey_versions.c.community_id
    if community_id is None:
        return column.is_(None) if exact else true()
    return column == community_id if exact else or_(column == community_id, column.is_(None))


class SurveyStore:
    """Methods of :class:`workbench.store.Store` (which provides ``engine`` and ``write``)."""

    def publish_survey(self, survey_id: str, version: str, definition: dict,
                       community_id: str | None = None) -> int:
        """Keep a survey version in ``community_id`` (idempotent); returns its row id. Old
        versions stay, so answers always point at the questions they answered."""
        def work(conn):
            row = conn.execute(select(survey_versions.c.id).where(
                survey_versions.c.survey_id == survey_id,
                survey_versions.c.version == version,
                _published_in(community_id, exact=True))).first()
            if row:
                return row[0]
            return conn.execute(insert(survey_versions).values(
                survey_id=survey_id, version=version, community_id=community_id,
                definition=json.dumps(definition, ensure_ascii=False, sort_keys=True),
                created_at=datetime.now(timezone.utc))).inserted_primary_key[0]
        return self.write(work)

    def latest_survey_versions(self, community_id: str | None = None) -> list[dict]:
        """The newest version of every survey (of ``community_id``'s, when given): id,
        survey_id, version, definition (dict), community_id."""
        newest = (select(survey_versions.c.survey_id, func.max(survey_versions.c.id).label("id"))
                  .where(_published_in(community_id))
                  .group_by(survey_versions.c.survey_id).subquery())
        query = (select(survey_versions).join(newest, newest.c.id == survey_versions.c.id)
                 .order_by(survey_versions.c.survey_id))
        with self.engine.connect() as conn:
            return [dict(r._mapping, definition=json.loads(r.definition))
                    for r in conn.execute(query)]

    def save_response(self, survey_version_id: int, respondent: str, answers: dict,
                      client: str | None = None) -> str:
        """Store a respondent's validated answers, or replace their earlier ones (answering
        again edits the response); returns the response's receipt code once committed. A new
        response counts against its ``client``'s flood limit (default: the page's,
        :func:`~workbench.participation.floods.page_client`): over it,
        :class:`~workbench.participation.floods.FloodLimited` and nothing is written."""
        body = json.dumps(answers, ensure_ascii=False, sort_keys=True)
        now = datetime.now(timezone.utc)
        client = client or page_client()

        def work(conn):
            row = conn.execute(select(survey_responses.c.id, survey_responses.c.receipt_code)
                               .where(survey_responses.c.survey_version_id == survey_version_id,
                                      survey_responses.c.respondent == respondent)
                               .with_for_update()).first()
            conn.execute(delete(survey_drafts).where(
                survey_drafts.c.survey_version_id == survey_version_id,
                survey_drafts.c.respondent == respondent))
            if row:
                conn.execute(update(survey_responses).where(survey_responses.c.id == row.id)
                             .values(answers=body, updated_at=now))
                return row.receipt_code
            refuse_flood(conn, "survey_response", survey_responses, client=client,
                         code_id=None, now=now)
            code = new_receipt_code()
            conn.execute(insert(survey_responses).values(
                survey_version_id=survey_version_id, respondent=respondent,
                receipt_code=code, answers=body, created_at=now, updated_at=now,
                client_key=client))
            return code
        # two tabs saving at once: the loser's insert hits the unique respondent constraint
        # and, run again, becomes an edit; a receipt collision draws a new code
        return self.write_again_if_raced(work)

    def save_draft(self, survey_version_id: int, respondent: str, answers: dict) -> None:
        """Keep unfinished answers (replacing the earlier draft)."""
        body = json.dumps(answers, ensure_ascii=False, sort_keys=True)
        now = datetime.now(timezone.utc)

        def work(conn):
            where = (survey_drafts.c.survey_version_id == survey_version_id,
                     survey_drafts.c.respondent == respondent)
            if conn.execute(update(survey_drafts).where(*where)
                            .values(answers=body, updated_at=now)).rowcount == 0:
                conn.execute(insert(survey_drafts).values(
                    survey_version_id=survey_version_id, respondent=respondent,
                    answers=body, updated_at=now))
        self.write_again_if_raced(work, tries=3)  # another tab inserted first: update it

    def draft_of(self, survey_version_id: int, respondent: str) -> dict | None:
        query = select(survey_drafts.c.answers).where(
            survey_drafts.c.survey_version_id == survey_version_id,
            survey_drafts.c.respondent == respondent)
        with self.engine.connect() as conn:
            body = conn.execute(query).scalar()
        return json.loads(body) if body else None

    def response_of(self, survey_version_id: int, respondent: str) -> dict | None:
        query = select(survey_responses).where(
            survey_responses.c.survey_version_id == survey_version_id,
            survey_responses.c.respondent == respondent)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return dict(row._mapping, answers=json.loads(row.answers)) if row else None

    def survey_responses(self, survey_id: str, community_id: str | None = None
                         ) -> list[dict]:
        """Every response to every version of a survey (published in ``community_id``, when
        given): version, answers, dates; the respondent key is left out."""
        query = (select(survey_versions.c.version, survey_responses.c.receipt_code,
                        survey_responses.c.answers, survey_responses.c.created_at,
                        survey_responses.c.updated_at)
                 .join(survey_versions,
                       survey_versions.c.id == survey_responses.c.survey_version_id)
                 .where(survey_versions.c.survey_id == survey_id,
                        _published_in(community_id))
                 .order_by(survey_responses.c.id))
        with self.engine.connect() as conn:
            return [dict(r._mapping, answers=json.loads(r.answers)) for r in conn.execute(query)]


STORE_PART = SurveyStore
