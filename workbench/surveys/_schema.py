"""The survey file schema, as pydantic models. docs/surveys.md describes it for authors.

Every text a resident reads has a zh and an en version. Unknown keys are refused, so a typo
(``requird: true``) is an error, not a silently ignored line.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    """A text in both languages."""

    zh: str = Field(min_length=1, max_length=2000)
    en: str = Field(min_length=1, max_length=2000)

    def __call__(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def _identifier(value: str) -> str:
    if not IDENTIFIER.match(value):
        raise ValueError("must be an identifier: lower-case letters, digits and _, "
                         "starting with a letter (e.g. 'park_visits')")
    return value


class Option(Strict):
    value: str
    label: Text

    _check_value = field_validator("value")(_identifier)


class Condition(Strict):
    """Show a question only when an earlier answer matches: ``equals`` one value, is ``in``
    a list of values, or (multiple choice) ``includes`` a value."""

    question: str
    equals: str | int | None = None
    in_: list[str | int] | None = Field(default=None, alias="in")
    includes: str | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _no_booleans(cls, data):
        # YAML reads an unquoted yes/no/true/false as a boolean, never what an author meant
        if isinstance(data, dict):
            values = [data.get("equals"), data.get("includes")] + list(data.get("in") or [])
            if any(isinstance(v, bool) for v in values):
                raise ValueError('show_if values yes/no/true/false must be quoted ("yes")')
        return data

    @model_validator(mode="after")
    def _one_test(self):
        tests = [t for t in (self.equals, self.in_, self.includes) if t is not None]
        if len(tests) != 1:
            raise ValueError("show_if needs exactly one of: equals, in, includes")
        return self


class QuestionBase(Strict):
    id: str
    text: Text
    help: Text | None = None
    required: bool = True
    show_if: Condition | None = None
    # What the answers are evidence about, for the agenda: one of the nine scenarios, and a
    # public space (its id in the layers) or a kind of public space.
    scenario: str | None = None
    public_space: str | None = None
    public_space_kind: str | None = None

    _check_id = field_validator("id")(_identifier)

    @field_validator("scenario")
    @classmethod
    def _known_scenario(cls, value):
        from workbench.vocabulary import scenario_codes

        if value is not None and value not in scenario_codes():
            raise ValueError(f"must be one of the nine scenarios: {', '.join(scenario_codes())}")
        return value

    @field_validator("public_space_kind")
    @classmethod
    def _known_kind(cls, value):
        from workbench.vocabulary import public_space_kinds

        if value is not None and value not in public_space_kinds():
            raise ValueError(f"must be a kind of public space: {', '.join(public_space_kinds())}")
        return value


class ChoiceQuestion(QuestionBase):
    options: list[Option] = Field(min_length=2, max_length=30)

    @model_validator(mode="after")
    def _unique_options(self):
        values = [o.value for o in self.options]
        if len(set(values)) != len(values):
            raise ValueError(f"option values must be unique; repeated: "
                             f"{sorted({v for v in values if values.count(v) > 1})}")
        return self


class SingleChoice(ChoiceQuestion):
    type: Literal["single_choice"]


class MultipleChoice(ChoiceQuestion):
    type: Literal["multiple_choice"]
    min_picks: int = Field(default=1, ge=0)
    max_picks: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _picks(self):
        top = self.max_picks if self.max_picks is not None else len(self.options)
        if not self.min_picks <= top <= len(self.options):
            raise ValueError(f"need min_picks <= max_picks <= number of options "
                             f"({self.min_picks}, {top}, {len(self.options)})")
        return self


class Likert(QuestionBase):
    """Satisfaction on five points, plus "not used / don't know" (not counted in averages)."""

    type: Literal["likert"]


class Rating(QuestionBase):
    """0 to 10."""

    type: Literal["rating"]
    low_label: Text | None = None
    high_label: Text | None = None


class Number(QuestionBase):
    type: Literal["number"]
    min: float
    max: float
    unit: Text | None = None
    integer: bool = True

    @model_validator(mode="after")
    def _bounds(self):
        if self.min >= self.max:
            raise ValueError(f"min ({self.min}) must be below max ({self.max})")
        return self


class FreeText(QuestionBase):
    type: Literal["text"]
    max_chars: int = Field(default=500, ge=1, le=5000)


class Ranking(ChoiceQuestion):
    """Put options in order; ``rank`` of them (default all)."""

    type: Literal["ranking"]
    rank: int | None = Field(default=None, ge=2)

    @model_validator(mode="after")
    def _rank(self):
        if self.rank is not None and self.rank > len(self.options):
            raise ValueError(f"rank ({self.rank}) is more than the {len(self.options)} options")
        return self


class FollowUp(Strict):
    """A question about the point a resident placed (single choice or free text)."""

    text: Text
    type: Literal["single_choice", "text"] = "text"
    options: list[Option] | None = None
    max_chars: int = Field(default=300, ge=1, le=2000)
    required: bool = False

    @model_validator(mode="after")
    def _options(self):
        if self.type == "single_choice" and not self.options:
            raise ValueError("a single_choice follow-up needs options")
        return self


class MapPoint(QuestionBase):
    """Tap a place on the community map."""

    type: Literal["map_point"]
    follow_up: FollowUp | None = None


class Pairwise(ChoiceQuestion):
    """Pick one of two ideas, repeated ``pairs`` times (All Our Ideas). An idea's score is
    (wins + 1) / (wins + losses + 2)."""

    type: Literal["pairwise"]
    pairs: int = Field(default=8, ge=1, le=50)


Question = Annotated[
    Union[SingleChoice, MultipleChoice, Likert, Rating, Number, FreeText, Ranking, MapPoint,
          Pairwise],
    Field(discriminator="type"),
]
QUESTION_TYPES = ("single_choice", "multiple_choice", "likert", "rating", "number", "text",
                  "ranking", "map_point", "pairwise")


class Section(Strict):
    id: str
    title: Text
    description: Text | None = None
    questions: list[Question] = Field(min_length=1)

    _check_id = field_validator("id")(_identifier)


class Survey(Strict):
    id: str
    title: Text
    description: Text | None = None
    owner: Text | None = None
    opens: dt.date | None = None
    closes: dt.date | None = None
    anonymous: bool = True
    sections: list[Section] = Field(min_length=1)

    _check_id = field_validator("id")(_identifier)

    @model_validator(mode="after")
    def _consistent(self):
        if self.opens and self.closes and self.opens > self.closes:
            raise ValueError(f"opens ({self.opens}) is after closes ({self.closes})")
        sections = [s.id for s in self.sections]
        if len(set(sections)) != len(sections):
            raise ValueError(f"section ids must be unique; repeated: "
                             f"{sorted({x for x in sections if sections.count(x) > 1})}")
        seen: dict[str, QuestionBase] = {}
        for section in self.sections:
            for q in section.questions:
                if q.id in seen:
                    raise ValueError(f"question {q.id!r}: this id is used twice")
                if q.show_if is not None:
                    _check_condition(q, seen)
                seen[q.id] = q
        return self

    def questions(self) -> list:
        return [q for s in self.sections for q in s.questions]

    def question(self, question_id: str):
        return next(q for q in self.questions() if q.id == question_id)


def _check_condition(q: QuestionBase, earlier: dict[str, QuestionBase]) -> None:
    cond = q.show_if
    target = earlier.get(cond.question)
    if target is None:
        raise ValueError(f"question {q.id!r}: show_if refers to {cond.question!r}, which is not "
                         "an earlier question")
    values = [cond.equals] if cond.equals is not None else (cond.in_ or [cond.includes])
    options = {o.value for o in getattr(target, "options", None) or []}
    if target.type == "likert":
        options = {1, 2, 3, 4, 5, "na"}
    elif target.type == "rating":
        options = set(range(11))
    if target.type == "multiple_choice" and cond.includes is None:
        raise ValueError(f"question {q.id!r}: show_if on a multiple_choice question needs "
                         "'includes' (its answer is a list)")
    if options:
        unknown = [v for v in values if v not in options]
        if unknown:
            raise ValueError(f"question {q.id!r}: show_if value(s) {unknown} are not options of "
                             f"{cond.question!r} ({sorted(options, key=str)})")
    if cond.includes is not None and target.type != "multiple_choice":
        raise ValueError(f"question {q.id!r}: 'includes' needs a multiple_choice question")
