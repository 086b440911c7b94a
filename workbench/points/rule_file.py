"""The community's points rule file (YAML), validated with pydantic: earn rules, the
redemption catalogue, expiry, who may award. docs/points.md describes it for its authors.

A file with an error is refused with a message naming the file, the line, the field and what
was expected, as survey files are. Unknown keys are refused, so a typo is an error, not a
silently ignored rule. Plain Python: no widgets, no SQL.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, \
    model_validator

from workbench.yaml_files import FileProblem, line_at, read_mapping

#: the events that earn points; ``volunteer_hours`` is paid by the hour, the others per event
EVENTS = ("volunteer_hours", "proposal_adopted", "survey_completed", "workshop_attended",
          "activity_attended")
#: who may award points (the roles of DESIGN.md's planners' side)
ROLES = ("committee", "steward", "grid_worker", "representative")
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class PointsRulesError(FileProblem):
    """A rule file that cannot be used: ``file:line: field: problem``."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Text(Strict):
    """A text in both languages."""

    zh: str = Field(min_length=1, max_length=200)
    en: str = Field(min_length=1, max_length=200)

    def __call__(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def _identifier(value: str) -> str:
    if not IDENTIFIER.match(value):
        raise ValueError("must be an identifier: lower-case letters, digits and _, "
                         "starting with a letter (e.g. 'elderly_care')")
    return value


class EarnRule(Strict):
    """One way to earn: ``points`` per event, or for volunteer hours ``points_per_hour`` (the
    category's coefficient) up to ``max_hours`` per task."""

    id: str
    event: Literal[EVENTS]  # type: ignore[valid-type]
    title: Text
    category: str | None = None
    points: int | None = Field(default=None, gt=0, le=10_000)
    points_per_hour: float | None = Field(default=None, gt=0, le=1_000)
    max_hours: float = Field(default=12, gt=0, le=24)

    _check_id = field_validator("id")(_identifier)

    @field_validator("category")
    @classmethod
    def _category(cls, value):
        return None if value is None else _identifier(value)

    @model_validator(mode="after")
    def _paid_one_way(self):
        if self.event == "volunteer_hours":
            if self.points_per_hour is None or self.points is not None:
                raise ValueError(f"earn rule '{self.id}': volunteer hours earn "
                                 "points_per_hour (and no fixed points)")
            if self.category is None:
                raise ValueError(f"earn rule '{self.id}': volunteer hours need a category")
        elif self.points is None or self.points_per_hour is not None:
            raise ValueError(f"earn rule '{self.id}': a {self.event} earns fixed points "
                             "(and no points_per_hour)")
        return self

    def points_for(self, minutes: int = 0) -> int:
        """The points this rule gives: fixed, or hours × coefficient rounded half up."""
        if self.points is not None:
            return self.points
        return math.floor(minutes * self.points_per_hour / 60 + 0.5)


class CatalogueItem(Strict):
    """A service residents can spend points on, at a public space or a partner."""

    id: str
    title: Text
    price: int = Field(gt=0, le=1_000_000)
    stock: int | None = Field(default=None, ge=0, le=1_000_000)
    public_space: str | None = Field(default=None, min_length=1, max_length=64)
    partner: str | None = Field(default=None, min_length=1, max_length=200)

    _check_id = field_validator("id")(_identifier)

    @model_validator(mode="after")
    def _one_place(self):
        if (self.public_space is None) == (self.partner is None):
            raise ValueError(f"catalogue item '{self.id}': give either public_space "
                             "or partner")
        return self


class Expiry(Strict):
    months: int = Field(gt=0, le=120)


class PointsRules(Strict):
    """One rule file: a community's, or a street's shared by its ``communities``."""

    id: str
    title: Text
    communities: list[str] = Field(default_factory=list, max_length=100)
    awarders: list[Literal[ROLES]] = Field(min_length=1)  # type: ignore[valid-type]
    expiry: Expiry | None = None
    transfer_within_household: bool = True
    earn: list[EarnRule] = Field(min_length=1, max_length=200)
    catalogue: list[CatalogueItem] = Field(default_factory=list, max_length=500)

    _check_id = field_validator("id")(_identifier)

    @model_validator(mode="after")
    def _unique_ids(self):
        for what, items in (("earn rule", self.earn), ("catalogue item", self.catalogue)):
            seen = set()
            for item in items:
                if item.id in seen:
                    raise ValueError(f"{what} '{item.id}' is defined twice")
                seen.add(item.id)
        return self

    def rule(self, rule_id: str) -> EarnRule | None:
        return next((r for r in self.earn if r.id == rule_id), None)

    def event_rules(self) -> dict[str, tuple[str, int]]:
        """What each event other than volunteer hours earns: {event: (rule id, points)}, by
        the first rule for it. Plain values, so that a resident's kernel can keep them
        without pydantic (:func:`workbench.points.hooks.event_rule`)."""
        found: dict[str, tuple[str, int]] = {}
        for rule in self.earn:
            if rule.event != "volunteer_hours":
                found.setdefault(rule.event, (rule.id, rule.points_for(0)))
        return found

    def item(self, item_id: str) -> CatalogueItem | None:
        return next((i for i in self.catalogue if i.id == item_id), None)


def _field_name(loc: tuple, data) -> str:
    """A readable field path, naming items by id: earn[2:elderly_care].points_per_hour."""
    out = []
    for part in loc:
        if isinstance(part, int):
            item = data[part] if isinstance(data, list) and part < len(data) else None
            ident = item.get("id") if isinstance(item, dict) else None
            out.append(f"[{part}:{ident}]" if isinstance(ident, str) else f"[{part}]")
            data = item
        else:
            out.append(("." if out else "") + str(part))
            data = data.get(part) if isinstance(data, dict) else None
    return "".join(out)


def _item_loc(data: dict, problem: str) -> tuple:
    """Where a rule across fields points: the item its message names."""
    found = re.match(r"(earn rule|catalogue item) '([^']*)'", problem)
    if not found:
        return ()
    section = "earn" if found.group(1) == "earn rule" else "catalogue"
    for i, item in enumerate(data.get(section) or []):
        if isinstance(item, dict) and item.get("id") == found.group(2):
            return (section, i)
    return (section,)


def load_rules(path: str | Path) -> PointsRules:
    """Read and validate one rule file."""
    path = Path(path)
    root, data = read_mapping(path, PointsRulesError,
                              "id, title, awarders, earn and catalogue")
    try:
        return PointsRules.model_validate(data)
    except ValidationError as exc:
        # a typo (an unknown key) first: it usually explains a field missing beside it
        errors = exc.errors(include_url=False)
        err = min(errors, key=lambda e: e["type"] != "extra_forbidden")
        loc = tuple(err["loc"])
        problem = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            problem = "is not a field of the rule file (a typo?)"
        elif err["type"] == "missing":
            problem = "is required and missing"
        elif err["type"] == "literal_error":
            problem = problem.replace("Input should be", "must be")
        if err["type"] == "value_error" and (not loc or isinstance(loc[-1], int)):
            loc = loc or _item_loc(data, problem)
        line = line_at(root, loc)
        raise PointsRulesError(path, line, _field_name(loc, data), problem) from None
