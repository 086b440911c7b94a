"""Survey results for planners: plain pandas over stored responses, no widgets, no SQL.

Every function takes the survey (a pydantic :class:`~workbench.surveys.Survey` or the
:func:`~workbench.surveys.answers.survey_view` of a stored definition; both have the same
attributes) and a *frame* made by :func:`responses_frame` from ``Store.survey_responses``
rows. Columns are named in English (they are for pandas); labels (option texts, question
texts) are in the language asked for.

Conventions, the same everywhere:

- *answered*: the responses that gave a non-empty answer to the question; shares are of
  these (a question hidden by ``show_if`` or skipped is not counted).
- Likert: points 1 (very dissatisfied) to 5 (very satisfied) and ``"na"`` (not used / don't
  know). The mean and the satisfied share (4 or 5) leave ``"na"`` out.
- Rating 0 to 10: promoters 9–10, passives 7–8, detractors 0–6; NPS = 100 × (promoters −
  detractors), as shares of the answers.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any, Iterable

import pandas as pd

from workbench import i18n, vocabulary
from workbench.surveys.answers import LIKERT_POINTS, NOT_USED, pairwise_scores, text_of  # noqa: F401

__all__ = ["responses_frame", "question_results", "question_summary", "breakdown",
           "likert_table", "response_rate", "compare_rounds", "agenda_evidence",
           "LIKERT_COLUMNS"]

#: Columns of a likert row (counts per point), as in :func:`likert_table` and breakdowns.
LIKERT_COLUMNS = ("1", "2", "3", "4", "5", "na")
#: Question types whose results are one row of statistics (the rest: one row per option).
SCALE_TYPES = ("likert", "rating", "number", "text")
#: Question types that can split a breakdown.
GROUPING_TYPES = ("single_choice", "multiple_choice", "likert", "rating", "number")
#: The types :func:`compare_rounds` compares.
SCORE_TYPES = ("likert", "rating")


# -- small helpers --------------------------------------------------------------------------
def option_labels(options, lang: str) -> dict[str, str]:
    """{option value: label} of a question's (or follow-up's) options, in their order."""
    return {o.value: text_of(o.label, lang) for o in options or []}


def likert_label(point, lang: str) -> str:
    return i18n.t(lang, f"likert.{point}")


def present(value: Any) -> bool:
    """Whether a cell holds an answer (not None/NaN, not an empty text, list or dict)."""
    if value is None:
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    if value is pd.NA or value is pd.NaT:
        return False
    return not (isinstance(value, (str, list, dict, tuple)) and len(value) == 0)


def _question(survey, question_id: str):
    try:
        return survey.question(question_id)
    except StopIteration:
        raise KeyError(f"survey {survey.id!r} has no question {question_id!r}") from None


def _values(frame: pd.DataFrame, question_id: str) -> list:
    """The non-empty answers to a question, as plain Python values."""
    if question_id not in frame.columns:
        return []
    return [_plain(v) for v in frame[question_id].tolist() if present(v)]


def _plain(value):
    """numpy/pandas scalars to Python ones (an Int64 column gives numpy ints)."""
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        return value.item()
    return value


def _share(part: float, whole: float) -> float:
    return part / whole if whole else math.nan


def _mean(numbers: list[float]) -> float:
    return sum(numbers) / len(numbers) if numbers else math.nan


# -- the frame -------------------------------------------------------------------------------
def responses_frame(survey, rows: Iterable[dict]) -> pd.DataFrame:
    """One row per response: ``version``, ``created_at`` (UTC) and one column per question
    (by id, in the survey's order) holding the answer as stored: lists (multiple choice,
    ranking, pairwise) and dicts (map points) stay Python objects; an unanswered question is
    None (NaN/NA in numeric columns). Rating and whole-number columns are ``Int64``, other
    numbers ``Float64``.

    Only the answers are read from each row (with its version and date): a respondent key or
    any other field a row may carry never gets into the frame. Answers to questions that are
    not in ``survey`` (another version's) are left out."""
    questions = survey.questions()
    columns = ["version", "created_at"] + [q.id for q in questions]
    records = []
    for row in rows:
        answers = row.get("answers") or {}
        record = {"version": row.get("version"), "created_at": row.get("created_at")}
        for q in questions:
            value = answers.get(q.id)
            record[q.id] = value if present(value) else None
        records.append(record)
    frame = pd.DataFrame({c: pd.Series([r[c] for r in records], dtype=object)
                          for c in columns}, columns=columns)
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    for q in questions:
        if q.type == "rating" or (q.type == "number" and getattr(q, "integer", True)):
            frame[q.id] = frame[q.id].astype("Int64")
        elif q.type == "number":
            frame[q.id] = frame[q.id].astype("Float64")
    return frame


# -- statistics of one list of answers --------------------------------------------------------
def _likert_stats(values: list) -> dict:
    counts = Counter(values)
    scored = [p for p in values if p != NOT_USED]
    out = {"answered": len(values)}
    out.update({str(p): counts.get(p, 0) for p in LIKERT_POINTS})
    out["na"] = counts.get(NOT_USED, 0)
    out["mean"] = _mean(scored)
    out["satisfied"] = _share(sum(1 for p in scored if p >= 4), len(scored))
    out["dissatisfied"] = _share(sum(1 for p in scored if p <= 2), len(scored))
    return out


def _rating_stats(values: list) -> dict:
    n = len(values)
    promoters = _share(sum(1 for v in values if v >= 9), n)
    detractors = _share(sum(1 for v in values if v <= 6), n)
    return {"answered": n, "mean": _mean(values), "promoters": promoters,
            "passives": _share(sum(1 for v in values if 7 <= v <= 8), n),
            "detractors": detractors, "nps": 100 * (promoters - detractors)}


def _number_stats(values: list) -> dict:
    s = pd.Series(values, dtype=float)
    q = s.quantile([0.25, 0.5, 0.75]) if len(s) else pd.Series([math.nan] * 3)
    return {"answered": len(s), "mean": s.mean() if len(s) else math.nan,
            "median": float(q.iloc[1]), "q1": float(q.iloc[0]), "q3": float(q.iloc[2]),
            "min": s.min() if len(s) else math.nan, "max": s.max() if len(s) else math.nan}


def _stats(question, values: list) -> dict:
    kind = question.type
    if kind == "likert":
        return _likert_stats(values)
    if kind == "rating":
        return _rating_stats(values)
    if kind == "number":
        return _number_stats(values)
    return {"answered": len(values)}


def question_summary(survey, frame: pd.DataFrame, question_id: str, lang: str = "zh") -> dict:
    """The headline numbers of a question: ``question``, ``type``, ``text``, ``responses``
    (rows of the frame), ``answered``, and by type: likert ``mean``, ``satisfied``,
    ``dissatisfied`` and counts ``"1"`` … ``"5"``, ``"na"``; rating ``mean``, ``promoters``,
    ``passives``, ``detractors``, ``nps``; number ``mean``, ``median``, ``q1``, ``q3``, ``min``,
    ``max``. (Also the ``attrs`` of :func:`question_results`' table.)"""
    q = _question(survey, question_id)
    values = _values(frame, question_id)
    return {"question": q.id, "type": q.type, "text": text_of(q.text, lang),
            "responses": len(frame), **_stats(q, values)}


# -- one question -----------------------------------------------------------------------------
def _choice_table(q, values: list, lang: str) -> pd.DataFrame:
    counts: Counter = Counter()
    for v in values:
        counts.update(v if isinstance(v, list) else [v])
    labels = option_labels(q.options, lang)
    return pd.DataFrame({"option": list(labels), "label": list(labels.values()),
                         "count": [counts.get(o, 0) for o in labels],
                         "share": [_share(counts.get(o, 0), len(values)) for o in labels]})


def _likert_result(values: list, lang: str) -> pd.DataFrame:
    counts = Counter(values)
    points = list(LIKERT_POINTS) + [NOT_USED]
    return pd.DataFrame({"point": pd.Series(points, dtype=object),
                         "label": [likert_label(p, lang) for p in points],
                         "count": [counts.get(p, 0) for p in points],
                         "share": [_share(counts.get(p, 0), len(values)) for p in points]})


def _rating_result(values: list) -> pd.DataFrame:
    counts = Counter(values)
    scores = list(range(11))
    group = ["detractor"] * 7 + ["passive"] * 2 + ["promoter"] * 2
    return pd.DataFrame({"score": scores, "group": group,
                         "count": [counts.get(s, 0) for s in scores],
                         "share": [_share(counts.get(s, 0), len(values)) for s in scores]})


def _ranking_result(q, values: list, lang: str) -> pd.DataFrame:
    labels = option_labels(q.options, lang)
    places = q.rank or len(labels)
    positions: dict[str, list[int]] = {o: [] for o in labels}
    for ranking in values:
        for position, option in enumerate(ranking, start=1):
            positions[option].append(position)
    table = pd.DataFrame({
        "option": list(labels), "label": list(labels.values()),
        "ranked": [len(positions[o]) for o in labels],
        "mean_rank": [_mean(positions[o]) for o in labels],
        "borda": [sum(places - p + 1 for p in positions[o]) for o in labels],
        "first": [positions[o].count(1) for o in labels],
    })
    table = table.sort_values(["borda", "first"], ascending=False, kind="stable")
    return table.reset_index(drop=True)


def _pairwise_result(q, values: list, lang: str) -> pd.DataFrame:
    labels = option_labels(q.options, lang)
    choices = [c for answer in values for c in answer]
    scores = pairwise_scores(choices, list(labels))
    table = pd.DataFrame({
        "option": list(labels), "label": list(labels.values()),
        "wins": [scores[o]["wins"] for o in labels],
        "losses": [scores[o]["losses"] for o in labels],
        "comparisons": [scores[o]["wins"] + scores[o]["losses"] for o in labels],
        "score": [scores[o]["score"] for o in labels],
    })
    table = table.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)
    table.insert(0, "rank", range(1, len(table) + 1))
    return table


def _points_result(q, values: list, lang: str) -> pd.DataFrame:
    follow = getattr(q, "follow_up", None)
    labels = option_labels(getattr(follow, "options", None), lang) if follow else {}
    rows = [{"lon": v.get("lon"), "lat": v.get("lat"), "follow_up": v.get("follow_up"),
             "follow_up_label": labels.get(v.get("follow_up"), v.get("follow_up"))}
            for v in values if isinstance(v, dict)]
    return pd.DataFrame({
        "lon": pd.Series([r["lon"] for r in rows], dtype=float),
        "lat": pd.Series([r["lat"] for r in rows], dtype=float),
        "follow_up": pd.Series([r["follow_up"] for r in rows], dtype=object),
        "follow_up_label": pd.Series([r["follow_up_label"] for r in rows], dtype=object)})


def question_results(survey, frame: pd.DataFrame, question_id: str,
                     lang: str = "zh") -> pd.DataFrame:
    """The results of one question, as a table fitting its type:

    =================  ====================================================================
    single/multiple    one row per option (survey order): option, label, count, share
                       (of the respondents who answered; multiple-choice shares add up to
                       more than 1)
    likert             one row per point 1–5 and "na": point, label, count, share
    rating             one row per score 0–10: score, group (detractor/passive/promoter),
                       count, share
    number             one row: answered, mean, median, q1, q3, min, max
    text               one row per answer: text (for reading; only counted)
    ranking            one row per option, best first: option, label, ranked (times
                       placed), mean_rank (1 = best, over those who placed it), borda
                       (a place p of R scores R − p + 1), first (times placed first)
    map_point          one row per point: lon, lat, follow_up, follow_up_label
    pairwise           one row per idea, best first: rank, option, label, wins, losses,
                       comparisons, score ((wins + 1) / (comparisons + 2))
    =================  ====================================================================

    ``table.attrs`` holds :func:`question_summary` (answered, mean, satisfied, NPS …)."""
    q = _question(survey, question_id)
    values = _values(frame, question_id)
    kind = q.type
    if kind in ("single_choice", "multiple_choice"):
        table = _choice_table(q, values, lang)
    elif kind == "likert":
        table = _likert_result(values, lang)
    elif kind == "rating":
        table = _rating_result(values)
    elif kind == "number":
        table = pd.DataFrame([_number_stats(values)])
    elif kind == "text":
        table = pd.DataFrame({"text": pd.Series(values, dtype=object)})
    elif kind == "ranking":
        table = _ranking_result(q, values, lang)
    elif kind == "map_point":
        table = _points_result(q, values, lang)
    elif kind == "pairwise":
        table = _pairwise_result(q, values, lang)
    else:
        raise ValueError(f"unknown question type {kind!r}")
    table.attrs = {"question": q.id, "type": kind, "text": text_of(q.text, lang),
                   "responses": len(frame), **_stats(q, values)}
    return table


def likert_table(survey, frame: pd.DataFrame, lang: str = "zh",
                 question_ids: list[str] | None = None) -> pd.DataFrame:
    """Every likert question (or those named) in one table, one row each: question, label
    (its text), answered, counts "1" … "5", "na", mean, satisfied, dissatisfied. What
    :func:`workbench.surveys.charts.likert_bars` draws."""
    ids = question_ids or [q.id for q in survey.questions() if q.type == "likert"]
    rows = []
    for qid in ids:
        q = _question(survey, qid)
        rows.append({"question": qid, "label": text_of(q.text, lang),
                     **_likert_stats(_values(frame, qid))})
    return pd.DataFrame(rows, columns=["question", "label", "answered", *LIKERT_COLUMNS, "mean",
                                       "satisfied", "dissatisfied"])


# -- split by another question ---------------------------------------------------------------
def _groups(survey, frame: pd.DataFrame, by_question_id: str, lang: str):
    """[(value, label, boolean mask of the frame's rows)] for each answer to a question."""
    q = _question(survey, by_question_id)
    if q.type not in GROUPING_TYPES:
        raise ValueError(f"cannot split by {by_question_id!r}: a {q.type} question "
                         f"(use one of {', '.join(GROUPING_TYPES)})")
    column = frame[by_question_id].tolist() if by_question_id in frame.columns else []
    column = [_plain(v) if present(v) else None for v in column]
    if q.type in ("single_choice", "multiple_choice"):
        values = list(option_labels(q.options, lang).items())
    elif q.type == "likert":
        values = [(p, likert_label(p, lang)) for p in (*LIKERT_POINTS, NOT_USED)]
    else:
        values = [(v, str(v)) for v in sorted({v for v in column if v is not None})]
    out = []
    for value, label in values:
        if q.type == "multiple_choice":
            mask = [isinstance(v, list) and value in v for v in column]
        else:
            mask = [v is not None and v == value for v in column]
        out.append((value, label, pd.Series(mask, index=frame.index, dtype=bool)))
    return out


def breakdown(survey, frame: pd.DataFrame, question_id: str, by_question_id: str,
              lang: str = "zh") -> pd.DataFrame:
    """The results of a question for each answer to another (single or multiple choice,
    likert, rating or number; a multiple-choice pick puts a response in each group it
    picked). Columns ``by`` (the answer) and ``by_label`` come first, then ``responses``
    (responses in the group), then:

    - likert, rating, number, text: one row per group with the question's summary numbers
      (as :func:`question_summary`: answered, mean, satisfied, counts "1" … "na", NPS …);
    - choices, ranking, pairwise: the rows of :func:`question_results` for each group,
      with the group's ``answered``;
    - map_point: the group's points.
    Groups are every option (in order) or every value that occurs."""
    q = _question(survey, question_id)
    parts = []
    for value, label, mask in _groups(survey, frame, by_question_id, lang):
        part = frame[mask]
        head = {"by": value, "by_label": label, "responses": len(part)}
        if q.type in SCALE_TYPES:
            parts.append(pd.DataFrame([{**head, **_stats(q, _values(part, question_id))}]))
            continue
        table = question_results(survey, part, question_id, lang)
        answered = table.attrs["answered"]
        table.attrs = {}
        for i, (key, item) in enumerate(head.items()):
            table.insert(i, key, [item] * len(table))
        if q.type != "map_point":
            table.insert(3, "answered", answered)
        parts.append(table)
    if not parts:
        return pd.DataFrame(columns=["by", "by_label", "responses"])
    out = pd.concat(parts, ignore_index=True)
    out.attrs = {"question": q.id, "type": q.type, "text": text_of(q.text, lang),
                 "by": by_question_id,
                 "by_text": text_of(_question(survey, by_question_id).text, lang)}
    return out


# -- response rates --------------------------------------------------------------------------
def response_rate(frame: pd.DataFrame, by_question_id: str,
                  households: dict[str, int]) -> pd.DataFrame:
    """Responses per answer to ``by_question_id`` (e.g. a building or an area) against the
    households there: columns value, responses, households, rate (responses / households;
    NaN where there are no households). Values that occur but have no household count are
    listed after, with households NaN. The last row, value ``"all"``, is every response of
    the frame against every household."""
    counts: Counter = Counter()
    if by_question_id in frame.columns:
        for v in frame[by_question_id].tolist():
            if present(v):
                counts.update(str(x) for x in (v if isinstance(v, list) else [_plain(v)]))
    rows = []
    for value, count in households.items():
        n = counts.pop(str(value), 0)
        rows.append({"value": str(value), "responses": n, "households": count,
                     "rate": _share(n, count)})
    for value, n in counts.items():
        rows.append({"value": value, "responses": n, "households": math.nan, "rate": math.nan})
    total = sum(households.values())
    rows.append({"value": "all", "responses": len(frame), "households": total,
                 "rate": _share(len(frame), total)})
    return pd.DataFrame(rows, columns=["value", "responses", "households", "rate"])


# -- two rounds -------------------------------------------------------------------------------
def compare_rounds(survey_a, frame_a: pd.DataFrame, survey_b, frame_b: pd.DataFrame,
                   lang: str = "zh") -> pd.DataFrame:
    """Likert and rating questions asked in both rounds (same id and type), in round b's
    order: question, type, text (round b's), answered_then, answered_now, mean_then,
    mean_now, change (now − then), satisfied_then, satisfied_now, satisfied_change.
    "Satisfied" is the share answering 4–5 for a likert question, 9–10 (promoters) for a
    rating."""
    before = {q.id: q for q in survey_a.questions() if q.type in SCORE_TYPES}
    rows = []
    for q in survey_b.questions():
        if q.type not in SCORE_TYPES or before.get(q.id) is None \
                or before[q.id].type != q.type:
            continue
        then = _stats(q, _values(frame_a, q.id))
        now = _stats(q, _values(frame_b, q.id))
        key = "satisfied" if q.type == "likert" else "promoters"
        rows.append({"question": q.id, "type": q.type, "text": text_of(q.text, lang),
                     "answered_then": then["answered"], "answered_now": now["answered"],
                     "mean_then": then["mean"], "mean_now": now["mean"],
                     "change": now["mean"] - then["mean"],
                     "satisfied_then": then[key], "satisfied_now": now[key],
                     "satisfied_change": now[key] - then[key]})
    return pd.DataFrame(rows, columns=[
        "question", "type", "text", "answered_then", "answered_now", "mean_then", "mean_now",
        "change", "satisfied_then", "satisfied_now", "satisfied_change"])


# -- evidence for the agenda --------------------------------------------------------------------
EVIDENCE_COLUMNS = ["questions", "answers", "satisfaction", "satisfied", "needs", "points"]


def _evidence_row(survey, frame: pd.DataFrame, questions: list, lang: str) -> dict:
    answers = 0
    scores: list = []
    needs: Counter = Counter()
    order: dict[str, int] = {}
    points = 0
    for q in questions:
        values = _values(frame, q.id)
        answers += len(values)
        if q.type == "likert":
            scores += [v for v in values if v != NOT_USED]
        elif q.type in ("multiple_choice", "ranking"):
            labels = option_labels(q.options, lang)
            for label in labels.values():
                order.setdefault(label, len(order))
            for picked in values:
                needs.update(labels.get(v, v) for v in picked)
        elif q.type == "map_point":
            points += len(values)
    ranked = sorted(needs.items(), key=lambda kv: (-kv[1], order.get(kv[0], len(order))))
    return {"questions": len(questions), "answers": answers, "satisfaction": _mean(scores),
            "satisfied": _share(sum(1 for s in scores if s >= 4), len(scores)),
            "needs": dict(ranked), "points": points}


def agenda_evidence(survey, frame: pd.DataFrame, lang: str = "zh",
                    space_names: dict[str, str] | None = None
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What the answers say about each scenario and each public space, from the questions
    tagged ``scenario``, ``public_space`` or ``public_space_kind``.

    Returns (by_scenario, by_space). by_scenario: scenario, label, then the evidence
    columns; by_space: space (a public-space id or a kind code), level (``"public_space"``
    or ``"public_space_kind"``), label (``space_names[id]`` or the id; the kind's name),
    then the evidence columns. A question tagged with both a space and a kind counts for
    both. Evidence columns:

    - questions: tagged questions; answers: non-empty answers to them;
    - satisfaction: mean likert score 1–5 over every answer to the tagged likert questions
      ("na" left out); satisfied: share of those answers at 4–5 (NaN without likert);
    - needs: {option label: times picked} over tagged multiple-choice and ranking
      questions, most picked first;
    - points: map points placed on tagged map questions.

    Scenarios come in their official order; spaces and kinds in the order the survey first
    tags them. No tagged question: two empty tables with these columns."""
    questions = survey.questions()
    scenario_rows = []
    for s in vocabulary.scenarios():
        tagged = [q for q in questions if getattr(q, "scenario", None) == s["code"]]
        if tagged:
            scenario_rows.append({"scenario": s["code"], "label": s.get(lang, s["code"]),
                                  **_evidence_row(survey, frame, tagged, lang)})
    by_scenario = pd.DataFrame(scenario_rows, columns=["scenario", "label", *EVIDENCE_COLUMNS])

    keys: list[tuple[str, str]] = []
    for q in questions:
        for level in ("public_space", "public_space_kind"):
            value = getattr(q, level, None)
            if value and (value, level) not in keys:
                keys.append((value, level))
    kinds = vocabulary.public_space_kinds()
    space_rows = []
    for value, level in keys:
        tagged = [q for q in questions if getattr(q, level, None) == value]
        if level == "public_space":
            label = (space_names or {}).get(value, value)
        else:
            label = kinds.get(value, {}).get(lang, value)
        space_rows.append({"space": value, "level": level, "label": label,
                           **_evidence_row(survey, frame, tagged, lang)})
    by_space = pd.DataFrame(space_rows, columns=["space", "level", "label", *EVIDENCE_COLUMNS])
    return by_scenario, by_space
