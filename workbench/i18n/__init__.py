"""zh-CN and English strings for everything a resident or planner sees.

The strings shared by several domains (the page, common errors) are JSON files beside this
module (``zh.json``, ``en.json``); each domain keeps its own in ``workbench/<domain>/locales``.
:func:`catalogue` merges them, refusing a key defined twice. A missing key raises KeyError
rather than showing a blank, and a test checks that both languages hold the same keys with
the same placeholders.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs

LANGUAGES = ("zh", "en")
LANGUAGE_NAMES = {"zh": "中文", "en": "English"}
_DIR = Path(__file__).resolve().parent


def catalogue_files(lang: str) -> list[Path]:
    """The files :func:`catalogue` merges for ``lang``: the shared one, then each domain's."""
    from workbench import registry

    return [_DIR / f"{lang}.json"] + [folder / f"{lang}.json" for folder in registry.locale_dirs()
                                      if (folder / f"{lang}.json").is_file()]


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {LANGUAGES}")
    merged: dict[str, str] = {}
    for path in catalogue_files(lang):
        with open(path, encoding="utf-8") as f:
            strings = json.load(f)
        twice = merged.keys() & strings.keys()
        if twice:
            raise ValueError(f"{path} defines keys another catalogue has: {sorted(twice)}")
        merged.update(strings)
    return merged


def t(lang: str, key: str, **params) -> str:
    """The text for ``key`` in ``lang``, with ``{placeholders}`` filled from ``params``.
    When ``n`` is 1 and the catalogue has ``<key>.one``, that text is used ("1 proposal",
    not "1 proposals"; Chinese writes the same words for both)."""
    texts = catalogue(lang)
    text = texts[key]
    if str(params.get("n", "")) == "1":
        text = texts.get(f"{key}.one", text)
    return text.format(**params) if params else text


def language_from_query(query: str | None, default: str = "zh") -> str:
    """The page language asked for by ``?lang=en`` (also zh-CN, en-US, ...), else default."""
    values = parse_qs(query or "").get("lang") or []
    for value in values:
        code = value.strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return default if default in LANGUAGES else "zh"
