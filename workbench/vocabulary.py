"""The domain's fixed lists, read from data files: scenarios, public-space kinds, standards."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"


def _read(name: str) -> dict:
    with open(DATA_DIR / name, encoding="utf-8") as f:
        return yaml.safe_load(f)


@lru_cache(maxsize=1)
def scenarios() -> tuple[dict, ...]:
    """The nine future-community scenarios, in their official order."""
    return tuple(_read("scenarios.yaml")["scenarios"])


def scenario_codes() -> tuple[str, ...]:
    return tuple(s["code"] for s in scenarios())


def scenario_label(code: str, lang: str) -> str:
    for s in scenarios():
        if s["code"] == code:
            return s[lang]
    return code


@lru_cache(maxsize=8)
def public_space_kinds(layers_dir: str | None = None) -> dict[str, dict]:
    """Kinds of public space by code: the package's list, extended by the community's own
    ``kinds.yaml`` beside its layers when there is one."""
    kinds = {k["code"]: k for k in _read("public_space_kinds.yaml")["kinds"]}
    if layers_dir:
        extra = Path(layers_dir) / "kinds.yaml"
        if extra.exists():
            with open(extra, encoding="utf-8") as f:
                for k in (yaml.safe_load(f) or {}).get("kinds", []):
                    kinds[k["code"]] = k
    return kinds


@lru_cache(maxsize=1)
def standards() -> dict:
    return _read("standards.yaml")
