"""Files planners write in YAML (surveys, points rules): read with the line of each node, so
that a problem is told as ``file:line: field: problem`` where the planner can find it."""

from __future__ import annotations

from pathlib import Path

import yaml


class FileProblem(ValueError):
    """A file that cannot be used: ``file:line: field: problem``."""

    def __init__(self, path, line: int | None, field: str, problem: str):
        self.path, self.line, self.field, self.problem = str(path), line, field, problem
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {field}: {problem}" if field else f"{where}: {problem}")


def read_mapping(path: str | Path, problem: type[FileProblem], shape: str):
    """(the file's YAML node tree, its data): a mapping, or ``problem`` raised saying what is
    wrong (missing, not UTF-8, not YAML, or not a mapping: ``shape`` says what it must hold)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise problem(path, None, "", "file is missing") from None
    except UnicodeDecodeError:
        raise problem(path, None, "", "is not UTF-8 text") from None
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise problem(path, mark.line + 1 if mark else None, "",
                      f"is not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise problem(path, 1, "", f"must be a mapping with {shape}")
    return root, data


def line_at(root, loc: tuple) -> int | None:
    """The line of an error's location (pydantic's ``loc``), as deep as the file goes: a
    part the file does not hold (a union's tag) is passed over; ``in_`` is the key ``in``."""
    node = root
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            key = "in" if part == "in_" else part
            found = next((v for k, v in node.value if k.value == key), None)
            if found is not None:
                node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
    return node.start_mark.line + 1 if node is not None else None
