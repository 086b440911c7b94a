"""Where a community's layers came from, and the credit their licences ask for.

``workbench layers import`` writes each source file with its licence into ``community.yaml``
(``sources``). OpenStreetMap's data is under the Open Database License, which asks for its
attribution wherever the data is shown: on the residents' map, the planners' maps, a map
taken away and the agenda's reports (ODbL 1.0 §4.3; openstreetmap.org/copyright). Plain
text here: each view escapes it as it shows it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

#: the licence name the importer writes for OpenStreetMap data
OSM_LICENCE = "ODbL-1.0"
OSM_ATTRIBUTION = "© OpenStreetMap contributors"


def layer_sources(folder: str | Path | None) -> list[dict]:
    """The layers' sources as ``community.yaml`` keeps them; none when it has none (the
    demo, or a folder written by hand) or cannot be read."""
    if folder is None:
        return []
    path = Path(folder) / "community.yaml"
    try:
        changed = path.stat().st_mtime_ns
    except OSError:
        return []
    return [dict(s) for s in _sources(str(path), changed)]


@lru_cache(maxsize=16)
def _sources(path: str, _changed: int) -> tuple:
    """The file read once while it is unchanged: every resident page's map asks for it."""
    try:
        meta = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return ()
    found = meta.get("sources") if isinstance(meta, dict) else None
    return tuple(s for s in found if isinstance(s, dict)) if isinstance(found, list) else ()


def attribution_text(folder: str | Path | None) -> str:
    """The credit the layers must carry (plain text), "" when none is asked for:
    OpenStreetMap's for OSM-sourced layers, once however many files came from it."""
    texts = []
    for source in layer_sources(folder):
        if str(source.get("licence")) == OSM_LICENCE:
            text = str(source.get("attribution") or OSM_ATTRIBUTION)
            texts.append(f"{text} · {OSM_LICENCE}")
    return " | ".join(dict.fromkeys(texts))
