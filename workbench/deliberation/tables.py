"""The deliberation tables: comments, reports, moderation, topics, statements and votes.

SQLAlchemy Core on the one metadata of :mod:`workbench.store.tables`; the migrations in
``workbench/store/migrations/versions`` create them. Change both together."""

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Index, Integer, SmallInteger, String, Table, Text, UniqueConstraint

from workbench.store.tables import metadata

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
    # the keyed hash of the client's address, for the flood limits (as on proposals)
    Column("client_key", String(32), nullable=True),
    Index("ix_comments_client_key", "client_key", "created_at"),
    Index("ix_comments_code_created", "code_id", "created_at"),
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

# A conversation in the Pol.is manner: a question and short statements voted on. ``status``:
# draft (an imported conversation: planners only, no votes), open (on the community's resident
# page, taking votes), closed (off the page, no votes).
topics = Table(
    "topics", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("community_id", String(64), ForeignKey("communities.id"), nullable=False),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("status", String(16), nullable=False),   # draft | open | closed
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
    # the keyed hash of the client's address, for the flood limits (as on proposals)
    Column("client_key", String(32), nullable=True),
    Index("ix_statements_client_key", "client_key", "created_at"),
    Index("ix_statements_code_created", "code_id", "created_at"),
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
