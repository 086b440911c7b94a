"""The database tables, as SQLAlchemy Core. Migrations in ``migrations/versions`` create them;
this module describes the current shape for queries. Change both together."""

from sqlalchemy import (Column, DateTime, Float, ForeignKey, Integer, MetaData, String, Table,
                        Text, UniqueConstraint)

metadata = MetaData()

communities = Table(
    "communities", metadata,
    Column("id", String(64), primary_key=True),
    Column("name_zh", String(200), nullable=False),
    Column("name_en", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

proposals = Table(
    "proposals", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("community_id", String(64), ForeignKey("communities.id"), nullable=False, index=True),
    Column("receipt_code", String(16), nullable=False, unique=True),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("scenario", String(32), nullable=False),
    Column("lon", Float, nullable=False),
    Column("lat", Float, nullable=False),
    Column("public_space_id", String(64), nullable=True),
    Column("status", String(16), nullable=False, default="open"),
    Column("source", String(32), nullable=False, default="resident_page"),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Personal data lives apart from what is published or exported, so an export of proposals
# cannot carry a name by accident.
proposal_authors = Table(
    "proposal_authors", metadata,
    Column("proposal_id", Integer, ForeignKey("proposals.id", ondelete="CASCADE"),
           primary_key=True),
    Column("name", String(200), nullable=True),
)

# A survey's published versions: the exact questions residents answered, kept for as long
# as answers to them exist. ``version`` is a hash of the validated file content.
survey_versions = Table(
    "survey_versions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("survey_id", String(64), nullable=False, index=True),
    Column("version", String(32), nullable=False),
    Column("definition", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("survey_id", "version", name="uq_survey_versions_survey_version"),
)

# One response per respondent and survey version; answering again edits it. ``respondent``
# is an opaque key (a device key for anonymous surveys, a participation code's hash later).
survey_responses = Table(
    "survey_responses", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("survey_version_id", Integer, ForeignKey("survey_versions.id"), nullable=False),
    Column("respondent", String(128), nullable=False),
    Column("receipt_code", String(16), nullable=False, unique=True),
    Column("answers", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("survey_version_id", "respondent", name="uq_survey_responses_respondent"),
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

# The random salt of each community's participation-code hashes.
community_secrets = Table(
    "community_secrets", metadata,
    Column("community_id", String(64), ForeignKey("communities.id"), primary_key=True),
    Column("code_salt", String(64), nullable=False),
)

# Participation codes, stored only as hashes. A revoked code stays (its votes keep their
# author); a reissued one points at the code it replaces.
participation_codes = Table(
    "participation_codes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("community_id", String(64), ForeignKey("communities.id"), nullable=False),
    Column("code_hash", String(128), nullable=False, unique=True),
    Column("batch", String(100), nullable=False, default=""),
    Column("status", String(16), nullable=False, default="active"),
    Column("replaces_id", Integer, ForeignKey("participation_codes.id"), nullable=True),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)

# One support per participation code and proposal, enforced here (also across tabs and
# simultaneous clicks); taking a support back deletes its row.
supports = Table(
    "supports", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("proposal_id", Integer, ForeignKey("proposals.id"), nullable=False, index=True),
    Column("code_id", Integer, ForeignKey("participation_codes.id"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("proposal_id", "code_id", name="uq_supports_proposal_code"),
)
