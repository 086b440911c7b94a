"""Reading survey files: validation with line-precise messages, versions, publishing."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from pydantic import ValidationError

from workbench.surveys._schema import QUESTION_TYPES, Survey
from workbench.yaml_files import FileProblem, line_at, read_mapping

class SurveyError(FileProblem):
    """A survey file that cannot be used: ``file:line: field: problem``."""


def _without_tags(loc: tuple, data) -> tuple:
    """The location without the union's type tags (a question of type 'text' has a field
    'text' too, so the tag is recognised by the item's own type, not by name)."""
    out: list = []
    for part in loc:
        if (isinstance(data, dict) and part == data.get("type") and part in QUESTION_TYPES
                and out and isinstance(out[-1], int)):
            out.append(None)  # the tag comes right after the question's index, once
            continue
        out.append(part)
        if isinstance(data, dict):
            data = data.get("in" if part == "in_" else part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            data = None
    return tuple(p for p in out if p is not None)


def _question_loc(data: dict, question_id: str, part: str | None) -> tuple:
    """Where the (last) question with this id is, and its ``part`` if it has one."""
    found: tuple = ()
    for i, section in enumerate(data.get("sections") or []):
        for j, q in enumerate((section or {}).get("questions") or []):
            if isinstance(q, dict) and q.get("id") == question_id:
                found = ("sections", i, "questions", j) + ((part,) if part in q else ())
    return found


def _field_name(loc: tuple, survey_data) -> str:
    """A readable field path: sections[0].questions[2].text.en, naming questions by id."""
    out, data = [], survey_data
    for part in loc:
        if isinstance(part, int):
            item = data[part] if isinstance(data, list) and part < len(data) else None
            label = f"[{part}]"
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                label = f"[{part}:{item['id']}]"
            out.append(label)
            data = item
        elif isinstance(data, dict) and (part in data or (part == "in_" and "in" in data)):
            out.append(("." if out else "") + ("in" if part == "in_" else part))
            data = data.get("in" if part == "in_" else part)
        elif part in QUESTION_TYPES:
            continue  # the union's tag: already told by the question's type
        else:
            out.append(("." if out else "") + str(part))
            data = None
    return "".join(out)


def load_survey(path: str | Path) -> Survey:
    """Read and validate one survey file."""
    path = Path(path)
    root, data = read_mapping(path, SurveyError, "id, title and sections")
    try:
        return Survey.model_validate(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        loc = _without_tags(tuple(err["loc"]), data)
        if err["type"] in ("union_tag_invalid", "union_tag_not_found") or (
                err["type"] == "missing" and loc and loc[-1] == "type"):
            loc = loc if loc[-1:] == ("type",) else loc + ("type",)
        about = re.match(r"Value error, question '(\w+)': (show_if)?", err["msg"])
        if not loc and about:  # a rule across questions: point at the question it is about
            loc = _question_loc(data, about.group(1), about.group(2))
        line = line_at(root, loc)
        problem = err["msg"]
        if problem.startswith("Value error, "):
            problem = problem[len("Value error, "):]
        if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            problem = f"type must be one of {', '.join(QUESTION_TYPES)}"
        elif err["type"] == "extra_forbidden":
            problem = "is not a field of the survey schema (a typo?)"
        elif err["type"] == "missing":
            problem = "is required and missing"
        raise SurveyError(path, line, _field_name(loc, data), problem) from None


def load_surveys(folder: str | Path) -> list[Survey]:
    """Every survey file (``*.yaml``) of a folder, in file-name order."""
    return [load_survey(p) for p in sorted(Path(folder).glob("*.yaml"))]


def survey_version(survey: Survey) -> str:
    """A short hash of the survey's content: equal files give equal versions."""
    canonical = json.dumps(survey.model_dump(mode="json", by_alias=True), sort_keys=True,
                           ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


def check_places(survey: Survey, community, path) -> None:
    """Public spaces a survey names (``public_space``) must exist in the community's layers."""
    for q in survey.questions():
        if q.public_space is not None and q.public_space not in community.public_spaces:
            raise SurveyError(path, None, f"question {q.id}.public_space",
                              f"{q.public_space!r} is not a public space of "
                              f"{community.id} ({', '.join(sorted(community.public_spaces))})")


def publish_surveys(store, folder: str | Path, community=None) -> dict[str, str]:
    """Validate every survey file of a folder and keep its current version in the database
    (a changed file becomes a new version; earlier versions and their answers stay).
    With ``community``, the surveys are that community's (its residents see them, its agenda
    reads them) and the public spaces they name are checked against its layers.
    Returns {survey id: version}."""
    published = {}
    surveys = [(load_survey(p), p) for p in sorted(Path(folder).glob("*.yaml"))]
    if community is not None:
        for survey, path in surveys:
            check_places(survey, community, path)
    for survey, _path in surveys:
        version = survey_version(survey)
        store.publish_survey(survey.id, version, survey.model_dump(mode="json", by_alias=True),
                             community_id=community.id if community is not None else None)
        published[survey.id] = version
    return published
