"""The surveys tables: survey versions, responses and drafts.

SQLAlchemy Core on the one metadata of :mod:`workbench.store.tables`; the migrations in
``workbench/store/migrations/versions`` create them. Change both together."""

from sqlalchemy import (Column, DateTime, ForeignKey, Index, Integer, String, Table, Text,
                        UniqueConstraint)

from workbench.store.tables import metadata

# A survey's published versions: the exact questions residents answered, kept for as long
# as answers to them exist. ``version`` is a hash of the validated file content.
# ``community_id``: the community it was published into (NULL: published before surveys had
# one, in a database of several communities; read as every community's).
survey_versions = Table(
    "survey_versions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("survey_id", String(64), nullable=False, index=True),
    Column("version", String(32), nullable=False),
    Column("definition", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("community_id", String(64),
           ForeignKey("communities.id", name="fk_survey_versions_community"), nullable=True,
           index=True),
    UniqueConstraint("community_id", "survey_id", "version",
                     name="uq_survey_versions_community_survey_version"),
)

# One response per respondent and survey version; answering again edits it. ``respondent``
# is an opaque key (a device key for anonymous surveys, a participation code's hash later).
# ``client_key``: the keyed hash of the client that made the response, for the flood limit
# counted across pages (workbench.participation.floods); cleared after client_key_days.
survey_responses = Table(
    "survey_responses", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("survey_version_id", Integer, ForeignKey("survey_versions.id"), nullable=False),
    Column("respondent", String(128), nullable=False),
    Column("receipt_code", String(16), nullable=False, unique=True),
    Column("answers", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("client_key", String(32), nullable=True),
    UniqueConstraint("survey_version_id", "respondent", name="uq_survey_responses_respondent"),
    Index("ix_survey_responses_client_key", "client_key", "created_at"),
)

# Unfinished answers, so that a page reload keeps them; deleted when the response is saved.
# Never read by anyone but the same respondent.
survey_drafts = Table(
    "survey_drafts", metadata,
    Column("survey_version_id", Integer, ForeignKey("survey_versions.id"), primary_key=True),
    Column("respondent", String(128), primary_key=True),
    Column("answers", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
