"""Checking a resident's answers against their survey, and scoring pairwise questions.

Answers arrive as plain values from the page (any types: any client can send anything) and are
checked here, in Python. Problems are i18n message keys with parameters, one per question, so
the page shows each beside its question in the resident's language.

The shape of an answer, by question type:

=================  ===========================================================
single_choice      an option value
multiple_choice    a list of distinct option values
likert             1 (very dissatisfied) to 5 (very satisfied), or "na"
rating             a whole number 0 to 10
number             a number within the question's bounds
text               a text
ranking            a list of distinct option values, best first
map_point          {"lon": .., "lat": .., "follow_up": ..}
pairwise           a list of {"a": idea, "b": idea, "pick": idea}
=================  ===========================================================
"""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

from types import SimpleNamespace

from workbench.proposals.rules import check_text, finite_number

NOT_USED = "na"  # Likert's "not used / don't know": an answer, but not a score
LIKERT_POINTS = (1, 2, 3, 4, 5)

Problem = tuple[str, dict]


class SurveyView(SimpleNamespace):
    """A published survey read back from the database, with the attributes of the pydantic
    models (``survey.sections[0].questions[0].options[0].label.zh``) but without importing
    pydantic: the resident kernel must stay small, and the definition was validated when it
    was published."""

    def questions(self) -> list:
        return [q for s in self.sections for q in s.questions]

    def question(self, question_id: str):
        return next(q for q in self.questions() if q.id == question_id)


def survey_view(definition: dict) -> SurveyView:
    """A :class:`SurveyView` of a definition as stored by ``publish_surveys``."""
    def convert(value):
        if isinstance(value, dict):
            return SimpleNamespace(**{("in_" if k == "in" else k): convert(v)
                                      for k, v in value.items()})
        if isinstance(value, list):
            return [convert(v) for v in value]
        return value
    converted = convert(definition)
    return SurveyView(**vars(converted))


def text_of(text, lang: str) -> str:
    """A zh/en text of a definition (pydantic Text, namespace or dict) in ``lang``."""
    if text is None:
        return ""
    if isinstance(text, dict):
        return text.get(lang) or text.get("zh") or ""
    return getattr(text, lang, None) or getattr(text, "zh", "") or ""


def survey_is_open(definition: dict, today) -> bool:
    """Whether a stored survey definition is open on ``today`` (dates are inclusive)."""
    opens, closes = definition.get("opens"), definition.get("closes")
    day = today.isoformat()
    return (opens is None or opens <= day) and (closes is None or day <= closes)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def is_visible(question, answers: dict) -> bool:
    """Whether a question is shown, given the answers so far (its ``show_if``)."""
    cond = question.show_if
    if cond is None:
        return True
    given = answers.get(cond.question)
    if cond.equals is not None:
        return given == cond.equals
    if cond.in_ is not None:
        return given in cond.in_
    return isinstance(given, list) and cond.includes in given


def _values(question) -> list[str]:
    return [o.value for o in question.options]


def check_answer(question, value: Any, community=None) -> tuple[Any, Problem | None]:
    """(clean value, None) or (None, problem) for one visible, non-empty answer."""
    kind = question.type
    if kind == "single_choice":
        return (value, None) if value in _values(question) else (None, ("error.not_option", {}))
    if kind == "multiple_choice":
        if not isinstance(value, list) or len(set(map(str, value))) != len(value) \
                or any(v not in _values(question) for v in value):
            return None, ("error.not_option", {})
        top = question.max_picks or len(question.options)
        if not question.min_picks <= len(value) <= top:
            return None, ("error.picks_range", {"min": question.min_picks, "max": top})
        return [v for v in _values(question) if v in value], None  # in the options' order
    if kind == "likert":
        if value == NOT_USED or (isinstance(value, int) and not isinstance(value, bool)
                                 and value in LIKERT_POINTS):
            return value, None
        return None, ("error.not_option", {})
    if kind == "rating":
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10:
            return value, None
        return None, ("error.number_range", {"min": 0, "max": 10})
    if kind == "number":
        number = finite_number(value)
        if number is None:
            return None, ("error.not_a_number", {})
        if question.integer and number != int(number):
            return None, ("error.whole_number", {})
        if not question.min <= number <= question.max:
            return None, ("error.number_range", {"min": _fmt(question.min),
                                                 "max": _fmt(question.max)})
        return (int(number) if question.integer else number), None
    if kind == "text":
        clean, problem = check_text(value, required=False, multiline=True,
                                    max_chars=question.max_chars)
        return clean, problem
    if kind == "ranking":
        want = question.rank or len(question.options)
        if isinstance(value, list):  # places left empty on the page
            value = [v for v in value if v is not None and v != ""]
        if not isinstance(value, list) or any(v not in _values(question) for v in value) \
                or len(set(value)) != len(value):
            return None, ("error.not_option", {})
        if len(value) != want:
            return None, ("error.rank_count", {"count": want})
        return list(value), None
    if kind == "map_point":
        return _check_point(question, value, community)
    if kind == "pairwise":
        return _check_pairs(question, value)
    raise ValueError(f"unknown question type {kind!r}")


def _fmt(x: float):
    return int(x) if float(x).is_integer() else x


def _check_point(question, value, community) -> tuple[Any, Problem | None]:
    if not isinstance(value, dict):
        return None, ("error.location_required", {})
    lon, lat = finite_number(value.get("lon")), finite_number(value.get("lat"))
    if lon is None or lat is None:
        return None, ("error.location_invalid", {})
    if community is not None and not community.contains(lon, lat):
        return None, ("error.location_outside", {})
    clean = {"lon": round(lon, 7), "lat": round(lat, 7)}
    follow = question.follow_up
    answer = value.get("follow_up")
    if follow is not None and not _empty(answer):
        if follow.type == "single_choice":
            if answer not in [o.value for o in follow.options]:
                return None, ("error.not_option", {})
            clean["follow_up"] = answer
        else:
            text, problem = check_text(answer, required=False, multiline=True,
                                       max_chars=follow.max_chars)
            if problem:
                return None, problem
            clean["follow_up"] = text
    elif follow is not None and follow.required:
        return None, ("error.required", {})
    return clean, None


def _check_pairs(question, value) -> tuple[Any, Problem | None]:
    ideas = _values(question)  # a list: a client's idea may be any value, unhashable too
    if not isinstance(value, list) or len(value) > question.pairs:
        return None, ("error.not_option", {})
    clean = []
    for item in value:
        if not isinstance(item, dict):
            return None, ("error.not_option", {})
        a, b, pick = item.get("a"), item.get("b"), item.get("pick")
        if a not in ideas or b not in ideas or a == b or pick not in (a, b):
            return None, ("error.not_option", {})
        clean.append({"a": a, "b": b, "pick": pick})
    return clean, None


def check_response(survey, answers: dict, community=None) -> tuple[dict, dict[str, Problem]]:
    """Check every answer of a response. Returns (clean answers of the visible questions,
    problems by question id); answers to hidden or unknown questions are dropped."""
    if not isinstance(answers, dict):
        answers = {}
    clean: dict[str, Any] = {}
    problems: dict[str, Problem] = {}
    for question in survey.questions():
        # visibility follows the *clean* answers, so a bad answer cannot open a branch
        if not is_visible(question, clean):
            continue
        value = answers.get(question.id)
        if _empty(value):
            if question.required:
                problems[question.id] = ("error.required", {})
            continue
        value, problem = check_answer(question, value, community)
        if problem:
            problems[question.id] = problem
        elif not _empty(value):
            clean[question.id] = value
    return clean, problems


def progress(survey, answers: dict) -> tuple[int, int]:
    """(answered, shown) over the questions currently shown: "question n of N"."""
    shown = [q for q in survey.questions() if is_visible(q, answers)]
    return sum(1 for q in shown if not _empty(answers.get(q.id))), len(shown)


# -- pairwise (All Our Ideas) ---------------------------------------------------------------
def pairwise_scores(choices: list[dict], ideas: list[str]) -> dict[str, dict]:
    """Wins, losses and score of each idea; score = (wins + 1) / (wins + losses + 2), the
    chance that the idea beats a randomly chosen other one (Salganik & Levy 2015, All Our
    Ideas), which starts at 1/2 for an idea never shown."""
    wins: Counter = Counter()
    losses: Counter = Counter()
    for c in choices:
        loser = c["b"] if c["pick"] == c["a"] else c["a"]
        wins[c["pick"]] += 1
        losses[loser] += 1
    return {idea: {"wins": wins[idea], "losses": losses[idea],
                   "score": (wins[idea] + 1) / (wins[idea] + losses[idea] + 2)}
            for idea in ideas}


def next_pairs(ideas: list[str], count: int, seed: int | None = None,
               shown: Counter | None = None) -> list[tuple[str, str]]:
    """``count`` pairs to show one resident: every pair at most once, the least-shown ideas
    first (so that all ideas get compared), in random order otherwise."""
    rng = random.Random(seed)
    shown = Counter(shown or {})
    pairs: list[tuple[str, str]] = []
    used: set[frozenset] = set()
    all_pairs = len(ideas) * (len(ideas) - 1) // 2
    while len(pairs) < min(count, all_pairs):
        order = sorted(ideas, key=lambda i: (shown[i], rng.random()))
        for a in order:
            b = next((x for x in order if x != a and frozenset((a, x)) not in used), None)
            if b is not None:
                break
        used.add(frozenset((a, b)))
        shown[a] += 1
        shown[b] += 1
        pairs.append((a, b) if rng.random() < 0.5 else (b, a))
    return pairs
