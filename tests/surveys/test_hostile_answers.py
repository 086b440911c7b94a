"""Survey answers and survey files given what a hostile client or a careless file can hold
(property-based, hypothesis): every answer of every question type is either kept clean or
refused with a known message beside its question, clean answers pass again unchanged, and a
survey file is either a survey or a message naming where it went wrong."""

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from hostile import json_values, message_keys, module_tally, small_community, texts
from workbench.surveys import SurveyError, load_survey, load_surveys
from workbench.surveys.answers import check_response

SURVEYS = Path(__file__).resolve().parents[2] / "surveys"
KEYS = message_keys()


tally = module_tally(
    "hostile_surveys", "Hostile input: survey answers and survey files",
    "Any JSON value as the answer to every question of the project's surveys (all nine "
    "question types), and survey files made of arbitrary and of almost-right YAML.")


@pytest.fixture(scope="module")
def community(tmp_path_factory):
    return small_community(tmp_path_factory)


@pytest.fixture(scope="module")
def surveys():
    return load_surveys(SURVEYS)


def plausible(question):
    """Values near what the page sends for a question: its options, numbers, points, pairs,
    mixed with anything at all."""
    options = [o.value for o in getattr(question, "options", None) or []]
    near = [st.sampled_from(options), st.lists(st.sampled_from(options), max_size=6)] \
        if options else []
    idea = st.one_of(st.sampled_from(options or ["x"]), json_values)
    pair = st.fixed_dictionaries({"a": idea, "b": idea, "pick": idea})
    follow = [o.value for o in getattr(getattr(question, "follow_up", None), "options", None)
              or []]
    return st.one_of(*near, json_values, st.integers(-3, 12), st.sampled_from(["na", ""]),
                     st.fixed_dictionaries({"lon": json_values, "lat": json_values},
                                           optional={"follow_up": st.one_of(
                                               st.sampled_from(follow or ["x"]), json_values)}),
                     st.lists(st.one_of(pair, json_values), max_size=4))


@given(data=st.data())
def test_every_answer_is_kept_clean_or_refused_beside_its_question(surveys, community, tally,
                                                                    data):
    survey = data.draw(st.sampled_from(surveys))
    questions = survey.questions()
    answers = {q.id: data.draw(plausible(q)) for q in questions
               if data.draw(st.booleans())}
    answers = data.draw(st.one_of(st.just(answers), json_values))
    clean, problems = check_response(survey, answers, community)
    ids = {q.id for q in questions}
    assert set(clean) <= ids and set(problems) <= ids and not set(clean) & set(problems)
    assert {key for key, _ in problems.values()} <= KEYS
    tally.tried_one("answers: a response", not problems)
    # what was kept is kept again as it is: nothing is half-cleaned
    again, _ = check_response(survey, clean, community)
    assert again == clean


def survey_yaml():
    """A survey file: arbitrary text, or a real survey with one value replaced by anything."""
    real = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(SURVEYS.glob("*.yaml"))]

    def spoil(data, path, value):
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        return data

    def paths(node, prefix=()):
        if isinstance(node, dict):
            for k, v in node.items():
                yield prefix + (k,)
                yield from paths(v, prefix + (k,))
        elif isinstance(node, list):
            for k, v in enumerate(node):
                yield prefix + (k,)
                yield from paths(v, prefix + (k,))

    def spoiled(draw):
        import copy

        data = copy.deepcopy(draw(st.sampled_from(real)))
        path = draw(st.sampled_from(list(paths(data))))
        return yaml.safe_dump(spoil(data, path, draw(json_values)), allow_unicode=True)

    return st.one_of(texts, st.composite(lambda draw: spoiled(draw))())


@given(text=survey_yaml())
def test_a_survey_file_is_a_survey_or_a_message_naming_where(tmp_path_factory, tally, text):
    path = tmp_path_factory.mktemp("survey") / "survey.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        survey = load_survey(path)
    except SurveyError as error:
        assert str(error).strip()
        tally.tried_one("files: a survey file", False)
        return
    tally.tried_one("files: a survey file", True)
    assert survey.questions()
