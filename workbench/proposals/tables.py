"""The proposals tables: proposals, their authors' names (kept apart), supports and photos.

SQLAlchemy Core on the one metadata of :mod:`workbench.store.tables`; the migrations in
``workbench/store/migrations/versions`` create them. Change both together."""

from sqlalchemy import (Column, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, String,
                        Table, Text, UniqueConstraint)

from workbench.store.tables import metadata

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
    # an imported proposal's id in its source (the other platform's or the form's number)
    Column("source_id", String(100), nullable=True),
    # the keyed hash of the client's address (never the address), for the flood limits
    # across pages; cleared after the client_key_days setting (docs/privacy.md)
    Column("client_key", String(32), nullable=True),
    # the code of the resident who made it while their page had one: for the points of an
    # adopted proposal only; never shown or exported (PUBLIC_PROPOSAL_COLUMNS leaves it out)
    Column("author_code_id", Integer, ForeignKey("participation_codes.id"), nullable=True),
    Index("ix_proposals_client_key", "client_key", "created_at"),
)

# Personal data lives apart from what is published or exported, so an export of proposals
# cannot carry a name by accident.
proposal_authors = Table(
    "proposal_authors", metadata,
    Column("proposal_id", Integer, ForeignKey("proposals.id", ondelete="CASCADE"),
           primary_key=True),
    Column("name", String(200), nullable=True),
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

# A proposal's photo, as :func:`workbench.proposals.photos.prepare_photo` made it: a new JPEG
# without the original's metadata, and its thumbnail. Kept in the database (not as files) so
# that a proposal and its photo are committed together or not at all, on SQLite and PostgreSQL
# alike. One per proposal. Hidden by a moderator like text: the row stays, with the reason.
proposal_photos = Table(
    "proposal_photos", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("proposal_id", Integer, ForeignKey("proposals.id", ondelete="CASCADE"),
           nullable=False, unique=True),
    Column("content_type", String(32), nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("thumb_width", Integer, nullable=False),
    Column("thumb_height", Integer, nullable=False),
    Column("hidden_reason", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # the bytes last, the thumbnail before the photo: SQLite walks a large value's overflow
    # pages to reach a column after it, so every page start would read every photo
    Column("thumbnail", LargeBinary, nullable=False),
    Column("image", LargeBinary, nullable=False),
)
