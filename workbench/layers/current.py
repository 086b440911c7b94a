"""The community as pages show it now: its layer folder, with the public spaces as the
planners have edited them (the database is the source of truth for spaces once they were
loaded into it; docs/layers-editing.md says why).

The resident page builds its community before a resident arrives (a preheated kernel) and
asks again when one does (:func:`refresh_spaces`), so a space edited in between shows on
that very load.
"""

from __future__ import annotations

from pathlib import Path

from workbench.layers.community import Community, load_community


def current_community(layers_dir: str | Path, store) -> Community:
    """:func:`load_community`, with the database's current spaces when it has them (a
    database not set up yet by ``workbench init`` has none: the files' spaces)."""
    community = load_community(layers_dir)
    if store.schema_revision() is not None:
        refresh_spaces(community, store)
    return community


def refresh_spaces(community: Community, store) -> bool:
    """Put the database's current spaces into ``community``; True when they differ from
    what it showed (the caller redraws), False when equal or never loaded (the file's)."""
    features = store.public_space_features(community.id)
    if features is None or features == community.layers["public_spaces"]["features"]:
        return False
    community.replace_public_spaces(features)
    return True
