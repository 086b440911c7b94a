from collections import Counter

import pytest

from communities import INSIDE_OPEN, OUTSIDE
from samples import SURVEY
from workbench.surveys.answers import (check_response, is_visible, next_pairs,
                                       pairwise_scores, progress, survey_view)


GOOD = {"uses": "yes", "spaces": ["a", "c"], "shade": "more trees", "sat": 4, "nps": 9,
        "minutes": 12, "top": ["z", "x"],
        "where": {"lon": INSIDE_OPEN[0], "lat": INSIDE_OPEN[1], "follow_up": "dark"},
        "ideas": [{"a": "i1", "b": "i2", "pick": "i2"}, {"a": "i3", "b": "i1", "pick": "i3"}]}


VIEW = survey_view(SURVEY.model_dump(mode="json", by_alias=True))


@pytest.mark.parametrize("survey", [SURVEY, VIEW], ids=["model", "stored view"])
def test_a_good_response_is_kept(community, survey):
    clean, problems = check_response(survey, GOOD, community)
    assert problems == {}
    assert clean["where"]["follow_up"] == "dark" and clean["top"] == ["z", "x"]
    assert "why_not" not in clean


@pytest.mark.parametrize("survey", [SURVEY, VIEW], ids=["model", "stored view"])
def test_hidden_answers_are_dropped_and_required_follow_visibility(community, survey):
    answers = dict(GOOD, uses="no", why_not="", spaces=["b"], shade="sneaked in")
    clean, problems = check_response(survey, answers, community)
    assert problems == {"why_not": ("error.required", {})}
    assert "shade" not in clean  # hidden: 'a' was not picked


@pytest.mark.parametrize("qid, value, key", [
    ("uses", "maybe", "error.not_option"),
    ("uses", ["yes"], "error.not_option"),
    ("spaces", ["a", "b", "c"], "error.picks_range"),
    ("spaces", ["a", "a"], "error.not_option"),
    ("spaces", "a", "error.not_option"),
    ("sat", 6, "error.not_option"),
    ("sat", True, "error.not_option"),
    ("sat", "5", "error.not_option"),
    ("nps", 11, "error.number_range"),
    ("nps", 7.5, "error.number_range"),
    ("minutes", 61, "error.number_range"),
    ("minutes", 1.5, "error.whole_number"),
    ("minutes", float("nan"), "error.not_a_number"),
    ("minutes", "12", "error.not_a_number"),
    ("top", ["x"], "error.rank_count"),
    ("top", ["x", None], "error.rank_count"),
    ("top", ["x", "x"], "error.not_option"),
    ("top", ["x", "w"], "error.not_option"),
    ("where", {"lon": OUTSIDE[0], "lat": OUTSIDE[1]}, "error.location_outside"),
    ("where", {"lon": "1", "lat": 2}, "error.location_invalid"),
    ("where", {"lon": INSIDE_OPEN[0], "lat": INSIDE_OPEN[1], "follow_up": "fire"},
     "error.not_option"),
    ("ideas", [{"a": "i1", "b": "i1", "pick": "i1"}], "error.not_option"),
    ("ideas", [{"a": "i1", "b": "i2", "pick": "i3"}], "error.not_option"),
    ("ideas", [{"a": "i1", "b": "i2", "pick": "i1"}] * 4, "error.not_option"),
    ("uses", None, "error.required"),
])
@pytest.mark.parametrize("survey", [SURVEY, VIEW], ids=["model", "stored view"])
def test_bad_answers_are_named(community, survey, qid, value, key):
    _, problems = check_response(survey, dict(GOOD, **{qid: value}), community)
    assert problems[qid][0] == key


def test_text_rules_are_those_of_proposals(community):
    answers = dict(GOOD, uses="no", why_not="<script>x</script>")
    assert check_response(SURVEY, answers, community)[1]["why_not"][0] == "error.markup"
    answers = dict(GOOD, uses="no", why_not="x" * 21)
    assert check_response(SURVEY, answers, community)[1]["why_not"][0] == "error.too_long"


def test_not_a_dict_at_all():
    clean, problems = check_response(SURVEY, "DROP TABLE")
    assert clean == {} and "uses" in problems


def test_likert_not_used_is_an_answer(community):
    clean, problems = check_response(SURVEY, dict(GOOD, sat="na"), community)
    assert clean["sat"] == "na" and not problems


def test_progress_counts_shown_questions():
    assert progress(SURVEY, {}) == (0, 8)  # why_not and shade hidden
    assert progress(SURVEY, {"uses": "no"}) == (1, 9)


def test_visibility_rules():
    q = SURVEY.question("shade")
    assert is_visible(q, {"spaces": ["a"]}) and not is_visible(q, {"spaces": ["b"]})
    assert not is_visible(q, {"spaces": "a"})


def test_pairwise_scores_follow_all_our_ideas():
    choices = [{"a": "i1", "b": "i2", "pick": "i1"}, {"a": "i1", "b": "i3", "pick": "i1"},
               {"a": "i2", "b": "i3", "pick": "i3"}]
    scores = pairwise_scores(choices, ["i1", "i2", "i3", "i4"])
    assert scores["i1"] == {"wins": 2, "losses": 0, "score": 3 / 4}
    assert scores["i2"]["score"] == 1 / 4
    assert scores["i3"]["score"] == 2 / 4
    assert scores["i4"]["score"] == 1 / 2  # never shown


def test_next_pairs_are_distinct_and_spread():
    pairs = next_pairs(["a", "b", "c", "d", "e"], 6, seed=1)
    assert len({frozenset(p) for p in pairs}) == 6
    shown = Counter(i for p in pairs for i in p)
    assert max(shown.values()) - min(shown.values()) <= 1
    assert next_pairs(["a", "b", "c"], 10, seed=2) and len(next_pairs(["a", "b", "c"], 10)) == 3
    assert next_pairs(["a", "b", "c", "d"], 3, seed=5) == next_pairs(["a", "b", "c", "d"], 3,
                                                                     seed=5)


def test_the_view_does_not_need_pydantic():
    import subprocess
    import sys

    code = ("import sys; from workbench.surveys.answers import survey_view; "
            "assert 'pydantic' not in sys.modules, 'pydantic was imported'")
    subprocess.run([sys.executable, "-c", code], check=True)
