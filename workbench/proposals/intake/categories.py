"""Categories of an imported file mapped to the nine scenarios: the planner's own mapping
(``Deportes=health,Urbanismo=architecture`` or a small YAML file), and a cell that names
several categories (``['Deportes', 'Urbanismo']``, ``Deportes; Urbanismo``), which takes the
first one that maps.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import yaml

from workbench import vocabulary
from workbench.proposals.intake.reading import IntakeError
from workbench.proposals.intake.values import category_code, name_key, name_value_pairs, shown

# Separators of several categories in one cell; " - " is not one ("Medio Ambiente - Limpieza"
# is one category). A double quote is one: exports that quote badly leave lists such as
# ['Seguridad y emergencias" "Pasos de cebra'].
_SEPARATORS = re.compile(r"[;|、\n,，\"“”]")
_QUOTES = " \t'\"‘’“”;[]"


def _scenario_of(value: Any, where: str) -> str:
    code = category_code(str(value)) if value is not None else None
    if code is None:
        raise IntakeError(f"{where}: '{shown(value)}' is not a scenario; use one of "
                          + ", ".join(vocabulary.scenario_codes()))
    return code


def _checked(pairs, where: str) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for name, scenario in pairs:
        key = name_key(str(name).strip(_QUOTES))
        if not key:
            raise IntakeError(f"{where}: a category name is empty")
        code = _scenario_of(scenario, where)
        if mapping.get(key, code) != code:
            raise IntakeError(f"{where}: '{shown(name)}' is mapped to two scenarios")
        mapping[key] = code
    return mapping


def parse_categories(text: str) -> dict[str, str]:
    """``"Deportes=health,Urbanismo=architecture"`` to the scenario of each of the file's
    categories (keyed as :func:`~workbench.proposals.intake.values.name_key` compares names;
    a scenario may be a code or its Chinese or English name)."""
    pairs = []
    for typed, name, scenario in name_value_pairs(text, at_last=True):
        if scenario is None or not name.strip():
            raise IntakeError(f"--categories: '{typed}' is not CATEGORY=SCENARIO "
                              "(for example Deportes=health)")
        pairs.append((name, scenario.strip()))
    return _checked(pairs, "--categories")


def read_categories(path: str | Path) -> dict[str, str]:
    """A YAML file of ``category: scenario`` lines (``Deportes: health``) as
    :func:`parse_categories` returns it."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise IntakeError(f"the categories file {path.name} cannot be read: "
                          f"{str(exc).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise IntakeError(f"the categories file {path.name} must hold lines such as "
                          "'Deportes: health'")
    return _checked(data.items(), path.name)


def category_values(value: Any) -> list[str]:
    """The categories one cell names, in order: a list written as text (as Python or JSON
    write it) or values separated by ";", ",", "|", "、" or line breaks."""
    text = str(value).strip()
    if text.startswith("[") and text.endswith("]"):
        try:
            listed = ast.literal_eval(text)   # literals only: never runs code
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            listed = None
        text = text[1:-1] if not isinstance(listed, list) else "\n".join(map(str, listed))
    parts = [p.strip(_QUOTES) for p in _SEPARATORS.split(text)]
    return [p for p in parts if p]


def scenario_for(value: Any, mapping: dict[str, str]) -> tuple[str | None, list[str]]:
    """The scenario of a category cell, by the planner's mapping first and then by a
    scenario's code or name: the whole cell, else the first of its values that maps. Returns
    (scenario or None, the cell's values)."""
    for candidate in [str(value).strip()] + category_values(value):
        code = mapping.get(name_key(candidate)) or category_code(candidate)
        if code:
            return code, [candidate]
    return None, category_values(value)
