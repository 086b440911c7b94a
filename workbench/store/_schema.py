"""The database tables, as SQLAlchemy Core. Migrations in ``migrations/versions`` create them;
this module describes the current shape for queries. Change both together."""

from sqlalchemy import (Boolean, CheckConstraint, Column, Date, DateTime, Float, ForeignKey,
                        Index, Integer, LargeBinary, MetaData,
                        SmallInteger, String, Table, Text, UniqueConstraint)

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
    # set by a moderator: the proposal stays, shown as "hidden by the moderator: <reason>"
    Column("hidden_reason", Text, nullable=True),
    # supports gathered elsewhere (paper forms, another platform), brought in by an import
    Column("external_supports", Integer, nullable=False, server_default="0"),
    # the committee's public answer to this proposal
    Column("official_answer", Text, nullable=True),
    Column("answered_at", DateTime(timezone=True), nullable=True),
    # the workshop it was made at, if any (the screen shows them live)
    Column("workshop_id", Integer, nullable=True),
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

# -- deliberation (0006) ------------------------------------------------------------------
# Comments on a proposal: a stance, and one level of replies (``parent_id`` points at a
# top-level comment). Hidden, never deleted.
comments = Table(
    "comments", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("proposal_id", Integer, ForeignKey("proposals.id"), nullable=False, index=True),
    Column("parent_id", Integer, ForeignKey("comments.id"), nullable=True),
    Column("code_id", Integer, ForeignKey("participation_codes.id"), nullable=False),
    Column("stance", String(8), nullable=False),
    Column("body", Text, nullable=False),
    Column("hidden_reason", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Anyone may report a proposal, comment or statement, once per reporter (a page's device key
# or code); open reports (``handled_at`` empty) make the moderation queue.
reports = Table(
    "reports", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("community_id", String(64), ForeignKey("communities.id"), nullable=False),
    Column("target_kind", String(16), nullable=False),
    Column("target_id", Integer, nullable=False),
    Column("reason", Text, nullable=False),
    Column("reporter", String(128), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("handled_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("target_kind", "target_id", "reporter", name="uq_reports_target_reporter"),
    Index("ix_reports_target", "target_kind", "target_id"),
)

# Every moderation action, in order: the log is never edited.
moderation_actions = Table(
    "moderation_actions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("community_id", String(64), ForeignKey("communities.id"), nullable=False),
    Column("target_kind", String(16), nullable=False),
    Column("target_id", Integer, nullable=False),
    Column("action", String(16), nullable=False),
    Column("reason", Text, nullable=False),
    Column("moderator", String(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# A conversation in the Pol.is manner: a question and short statements voted on.
topics = Table(
    "topics", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("community_id", String(64), ForeignKey("communities.id"), nullable=False),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("status", String(16), nullable=False),   # open | closed
    Column("source", String(32), nullable=False),   # planner | polis
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# ``status``: pending (a resident's, waiting for a moderator), shown, hidden. ``author`` and
# ``external_id`` keep an imported conversation's own ids, so it can be exported again.
statements = Table(
    "statements", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("topic_id", Integer, ForeignKey("topics.id"), nullable=False, index=True),
    Column("body", Text, nullable=False),
    Column("code_id", Integer, ForeignKey("participation_codes.id"), nullable=True),
    Column("author", String(64), nullable=True),
    Column("external_id", Integer, nullable=True),
    Column("is_seed", Boolean, nullable=False),
    Column("status", String(16), nullable=False),
    Column("hidden_reason", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# One vote per voter and statement, enforced here; voting again changes it. ``voter`` is
# "code-<id>" for a participation code (on the page or on paper) or "polis-<id>" for an
# imported participant.
votes = Table(
    "votes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("statement_id", Integer, ForeignKey("statements.id"), nullable=False, index=True),
    Column("voter", String(64), nullable=False, index=True),
    Column("code_id", Integer, ForeignKey("participation_codes.id"), nullable=True),
    Column("vote", SmallInteger, nullable=False),   # 1 agree, -1 disagree, 0 pass
    Column("source", String(16), nullable=False),   # resident | paper | polis
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("statement_id", "voter", name="uq_votes_statement_voter"),
)

# -- the community public agenda (0007) ----------------------------------------------------
# An item groups proposals (each proposal in at most one item) and carries the committee's
# decision: adopt | defer | decline | merge (``merged_into``), with a public reason; an
# adopted item has an owner, budget line, milestones (JSON list), target date, and a status
# (planned | in_progress | done | dropped) with progress in percent.
agenda_items = Table(
    "agenda_items", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("community_id", String(64), ForeignKey("communities.id"), nullable=False,
           index=True),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("scenario", String(32), nullable=False),
    Column("public_space_id", String(64), nullable=True),
    Column("lon", Float, nullable=True),
    Column("lat", Float, nullable=True),
    Column("statement_ids", Text, nullable=False),   # JSON list: statements as evidence
    Column("decision", String(16), nullable=True),
    Column("reason", Text, nullable=True),
    Column("merged_into", Integer, ForeignKey("agenda_items.id"), nullable=True),
    Column("owner", String(32), nullable=True),
    Column("budget_line", String(200), nullable=True),
    Column("milestones", Text, nullable=False),      # JSON list of {title, date, done}
    Column("target_date", Date, nullable=True),
    Column("status", String(16), nullable=True),
    Column("progress", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=True),
)

agenda_item_proposals = Table(
    "agenda_item_proposals", metadata,
    Column("proposal_id", Integer, ForeignKey("proposals.id"), primary_key=True),
    Column("item_id", Integer, ForeignKey("agenda_items.id"), nullable=False, index=True),
)

# The dated history of an adopted item: every status and progress change with its note.
agenda_updates = Table(
    "agenda_updates", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("item_id", Integer, ForeignKey("agenda_items.id"), nullable=False, index=True),
    Column("status", String(16), nullable=False),
    Column("progress", Integer, nullable=False),
    Column("note", Text, nullable=False),
    Column("author", String(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Published versions v1, v2, ...: an immutable JSON snapshot each (see
# workbench.agenda.snapshot), never updated.
agenda_versions = Table(
    "agenda_versions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("community_id", String(64), ForeignKey("communities.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("snapshot", Text, nullable=False),
    Column("published_by", String(100), nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("community_id", "number", name="uq_agenda_versions_number"),
)

# -- workshops (0008) ------------------------------------------------------------------------
# A community meeting run from the screen. The facilitator's token is stored as a hash; the
# record (JSON) and a picture of the map are saved when the workshop ends.
workshops = Table(
    "workshops", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("community_id", String(64), ForeignKey("communities.id"), nullable=False),
    Column("title", String(200), nullable=False),
    Column("status", String(16), nullable=False),          # open | closed
    Column("dots_per_person", Integer, nullable=False),
    Column("facilitator_hash", String(128), nullable=False),
    Column("timer_ends_at", DateTime(timezone=True), nullable=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True), nullable=True),
    Column("record", Text, nullable=True),
    Column("map_png", LargeBinary, nullable=True),
)

# Who joined, as counts: one row per page (a browser's device key), never a name.
workshop_joins = Table(
    "workshop_joins", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id"), nullable=False),
    Column("page_key", String(64), nullable=False),
    Column("joined_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("workshop_id", "page_key", name="uq_workshop_joins_page"),
)

# A dot-voting round over a shortlist (JSON list of {kind, id, title}); closed with its result.
dot_rounds = Table(
    "dot_rounds", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id"), nullable=False),
    Column("title", String(200), nullable=False),
    Column("options", Text, nullable=False),
    Column("dots_per_person", Integer, nullable=False),
    Column("status", String(16), nullable=False),          # open | closed
    Column("result", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("closed_at", DateTime(timezone=True), nullable=True),
)

# Each code's dots left in a round: spending one is a conditional decrement, and the check
# keeps it from going below 0 whatever the number of phones, tabs or clicks at once.
dot_wallets = Table(
    "dot_wallets", metadata,
    Column("round_id", Integer, ForeignKey("dot_rounds.id"), primary_key=True),
    Column("code_id", Integer, ForeignKey("participation_codes.id"), primary_key=True),
    Column("remaining", Integer, nullable=False),
    CheckConstraint("remaining >= 0", name="ck_dot_wallets_remaining"),
)

dots = Table(
    "dots", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("round_id", Integer, ForeignKey("dot_rounds.id"), nullable=False, index=True),
    Column("code_id", Integer, ForeignKey("participation_codes.id"), nullable=False),
    Column("option", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
