"""A survey built in code that uses every question type, for tests."""

import random

from workbench.surveys import Survey
from workbench.surveys.answers import check_response, is_visible, next_pairs


def T(en):
    return {"zh": en + "（中）", "en": en}


def opts(*values):
    return [{"value": v, "label": T(v)} for v in values]


SURVEY = Survey.model_validate({
    "id": "every_type", "title": T("Every type"),
    "sections": [{"id": "s", "title": T("S"), "questions": [
        {"id": "uses", "type": "single_choice", "text": T("Use?"), "options": opts("yes", "no")},
        {"id": "why_not", "type": "text", "text": T("Why not?"), "max_chars": 20,
         "show_if": {"question": "uses", "equals": "no"}},
        {"id": "spaces", "type": "multiple_choice", "text": T("Which?"),
         "options": opts("a", "b", "c", "d"), "min_picks": 1, "max_picks": 2},
        {"id": "shade", "type": "text", "text": T("Shade?"), "required": False,
         "show_if": {"question": "spaces", "includes": "a"}},
        {"id": "sat", "type": "likert", "text": T("Satisfied?")},
        {"id": "nps", "type": "rating", "text": T("Recommend?")},
        {"id": "minutes", "type": "number", "text": T("Minutes"), "min": 0, "max": 60},
        {"id": "top", "type": "ranking", "text": T("Top 2"), "options": opts("x", "y", "z"),
         "rank": 2},
        {"id": "where", "type": "map_point", "text": T("Where?"),
         "follow_up": {"text": T("What?"), "type": "single_choice",
                       "options": opts("dark", "broken")}},
        {"id": "ideas", "type": "pairwise", "text": T("Which idea?"),
         "options": opts("i1", "i2", "i3"), "pairs": 3},
    ]}]})


# -- valid answers drawn at random, for any survey ---------------------------------------
TEXTS = ["希望多装几盏路灯", "座椅太少，老人走累了没地方坐", "More shade, please", "健身器材坏了",
         "没有意见"]
LIKERT_WEIGHTS = (1, 2, 3, 4, 3, 1)  # 1 … 5, "na"


def random_point(rng: random.Random, community) -> tuple[float, float]:
    west, south, east, north = community.boundary.bounds
    while True:
        lon, lat = round(rng.uniform(west, east), 6), round(rng.uniform(south, north), 6)
        if community.contains(lon, lat):
            return lon, lat


def random_answer(q, rng: random.Random, community, likert_weights=LIKERT_WEIGHTS):
    """A valid answer of the question's type, drawn from ``rng``."""
    values = [o.value for o in getattr(q, "options", None) or []]
    kind = q.type
    if kind == "single_choice":
        return rng.choice(values)
    if kind == "multiple_choice":
        top = q.max_picks or len(values)
        picked = rng.sample(values, rng.randint(max(q.min_picks, 1), top))
        return [v for v in values if v in picked]  # as the check stores them
    if kind == "likert":
        return rng.choices([1, 2, 3, 4, 5, "na"], weights=likert_weights)[0]
    if kind == "rating":
        return rng.randint(0, 10)
    if kind == "number":
        return rng.randint(int(q.min), int(q.max)) if q.integer \
            else round(rng.uniform(q.min, q.max), 1)
    if kind == "text":
        return rng.choice(TEXTS)[: q.max_chars]
    if kind == "ranking":
        return rng.sample(values, q.rank or len(values))
    if kind == "map_point":
        lon, lat = random_point(rng, community)
        point = {"lon": lon, "lat": lat}
        if q.follow_up is not None and (q.follow_up.required or rng.random() < 0.8):
            point["follow_up"] = (rng.choice([o.value for o in q.follow_up.options])
                                  if q.follow_up.type == "single_choice" else rng.choice(TEXTS))
        return point
    if kind == "pairwise":
        pairs = next_pairs(values, q.pairs, seed=rng.randrange(2**31))
        return [{"a": a, "b": b, "pick": rng.choice((a, b))} for a, b in pairs]
    raise AssertionError(f"no generator for {kind}")


def generate_responses(survey, n: int, community, seed: int = 42,
                       likert_weights=LIKERT_WEIGHTS) -> list[dict]:
    """``n`` valid responses: each visible question answered (an optional one skipped one
    time in four), every response checked with answers.check_response."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        answers: dict = {}
        for q in survey.questions():
            if not is_visible(q, answers) or (not q.required and rng.random() < 0.25):
                continue
            answers[q.id] = random_answer(q, rng, community, likert_weights)
        clean, problems = check_response(survey, answers, community)
        assert problems == {}, problems
        assert clean == answers
        out.append(clean)
    return out


# A survey written by someone else than the schema's author: every type once.
OTHER_SURVEY = """\
# 老旧小区加装电梯意见征询 - written from docs/surveys.md only
id: lift_installation
title: {zh: 加装电梯意见征询, en: Consultation on adding lifts}
description:
  zh: 社区正在征询各楼栋居民对加装电梯的意见。
  en: "The community is asking residents of each building: should lifts be added?"
owner: {zh: 和光未来社区居民委员会, en: "Heguang Future Community Residents' Committee"}
opens: 2027-04-01
closes: 2027-04-30
anonymous: false

sections:
  - id: your_building
    title: {zh: 您的楼栋, en: Your building}
    questions:
      - id: floor
        type: number
        min: 1
        max: 18
        unit: {zh: 层, en: floor}
        text: {zh: 您住在几楼？, en: "Which floor do you live on?"}

      - id: support
        type: single_choice
        text: {zh: 您是否支持本楼加装电梯？, en: "Do you support adding a lift to your building?"}
        options:
          - {value: "yes", label: {zh: 支持, en: "Yes"}}
          - {value: "no", label: {zh: 不支持, en: "No"}}
          - {value: undecided, label: {zh: 还没想好, en: Not sure yet}}

      - id: concerns
        type: multiple_choice
        min_picks: 1
        max_picks: 2
        show_if: {question: support, in: ["no", undecided]}
        text: {zh: 您主要担心什么？, en: "What worries you most?"}
        help: {zh: 最多选2项。, en: Choose up to 2.}
        options:
          - {value: cost, label: {zh: 费用分摊, en: Sharing the cost}}
          - {value: noise_light, label: {zh: 噪声和采光, en: "Noise, and less daylight"}}
          - {value: construction, label: {zh: 施工影响, en: Disruption while building}}

      - id: cost_fairness
        type: likert
        show_if: {question: concerns, includes: cost}
        text:
          zh: 您对目前的费用分摊方案是否满意？
          en: "How satisfied are you with the current plan for sharing the cost?"

      - id: cost_comment
        type: text
        required: false
        max_chars: 200
        show_if: {question: cost_fairness, in: [1, 2]}
        text: {zh: 您认为怎样分摊更合理？, en: "How should the cost be shared instead?"}

  - id: details
    title: {zh: 方案细节, en: Details}
    questions:
      - id: priorities
        type: ranking
        rank: 2
        text: {zh: 请按重要程度排序, en: Put these in order of importance}
        options:
          - {value: low_cost, label: {zh: 费用低, en: Low cost}}
          - {value: short_works, label: {zh: 工期短, en: Short building works}}
          - {value: step_free, label: {zh: 平层入户, en: Step-free to every floor}}

      - id: lift_position
        type: map_point
        text: {zh: 您认为电梯井应建在哪里？, en: "Where should the lift shaft go?"}
        follow_up:
          type: text
          text: {zh: 为什么？, en: "Why?"}

      - id: designs
        type: pairwise
        pairs: 3
        text: {zh: 两种外观，您更喜欢哪一种？, en: "Which of the two designs do you prefer?"}
        options:
          - {value: glass, label: {zh: 玻璃幕墙, en: Glass}}
          - {value: brick, label: {zh: 与楼体一致的砖墙, en: Brick to match the building}}
          - {value: green_wall, label: {zh: 垂直绿化, en: A green wall}}

      - id: confidence
        type: rating
        low_label: {zh: 完全没有信心, en: No confidence at all}
        high_label: {zh: 非常有信心, en: Full confidence}
        text:
          zh: 您对本楼顺利加装电梯有多大信心？
          en: "How confident are you that a lift will be added to your building smoothly?"
"""
