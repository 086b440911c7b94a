"""Survey files: a valid one loads, and each kind of mistake is refused with a message naming
the file, the line, the field and what was expected."""

import textwrap

import pytest

from workbench.surveys import SurveyError, load_survey, survey_version

GOOD = textwrap.dedent("""\
    id: tiny
    title: {zh: 小调查, en: Tiny survey}
    opens: 2026-12-01
    closes: 2027-01-31
    sections:
      - id: s1
        title: {zh: 第一部分, en: Part one}
        questions:
          - id: uses
            type: single_choice
            text: {zh: 你去公园吗？, en: "Do you visit the park?"}
            options:
              - {value: "yes", label: {zh: 去, en: "Yes"}}
              - {value: "no", label: {zh: 不去, en: "No"}}
          - id: why
            type: text
            text: {zh: 为什么？, en: "Why?"}
            show_if: {question: uses, equals: "yes"}
          - id: picks
            type: multiple_choice
            text: {zh: 选几个, en: Pick some}
            max_picks: 2
            options:
              - {value: a, label: {zh: 甲, en: A}}
              - {value: b, label: {zh: 乙, en: B}}
              - {value: c, label: {zh: 丙, en: C}}
    """)


def write(tmp_path, text, name="survey.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path, text) -> SurveyError:
    with pytest.raises(SurveyError) as err:
        load_survey(write(tmp_path, text))
    return err.value


def test_good_file_loads(tmp_path):
    survey = load_survey(write(tmp_path, GOOD))
    assert survey.id == "tiny" and len(survey.questions()) == 3
    assert survey.question("why").show_if.equals == "yes"


def test_version_changes_with_content_only(tmp_path):
    v1 = survey_version(load_survey(write(tmp_path, GOOD, "a.yaml")))
    same = GOOD.replace("title: {zh: 小调查, en: Tiny survey}",
                        "title:   {zh: 小调查,   en: Tiny survey}   # comment")
    assert survey_version(load_survey(write(tmp_path, same, "b.yaml"))) == v1
    changed = GOOD.replace("为什么？", "为什么去？")
    assert survey_version(load_survey(write(tmp_path, changed, "c.yaml"))) != v1


@pytest.mark.parametrize("old, new, line, field, problem", [
    ("type: text", "type: textt", 16, "sections[0:s1].questions[1:why].type",
     "type must be one of single_choice"),
    (', en: "Why?"}', "}", 17, "sections[0:s1].questions[1:why].text.en",
     "is required and missing"),
    ('show_if: {question: uses, equals: "yes"}', 'show_if: {question: uses, equals: maybe}',
     18, "sections[0:s1].questions[1:why].show_if", "['maybe'] are not options of 'uses'"),
    ('show_if: {question: uses, equals: "yes"}', 'show_if: {question: picks, equals: a}',
     18, "sections[0:s1].questions[1:why].show_if", "not an earlier question"),
    ('show_if: {question: uses, equals: "yes"}', 'show_if: {question: uses}',
     18, "sections[0:s1].questions[1:why].show_if", "exactly one of: equals, in, includes"),
    ("    show_if:", "    requird: true\n        show_if:", 18,
     "sections[0:s1].questions[1:why].requird", "not a field of the survey schema"),
    ("max_picks: 2", "max_picks: 5", 19, "sections[0:s1].questions[2:picks]",
     "min_picks <= max_picks <= number of options"),
    ("- id: why", "- id: uses", 15, "sections[0:s1].questions[1:uses]",
     "this id is used twice"),
    ("- id: why", "- id: Why Not", 15, "sections[0:s1].questions[1:Why Not].id",
     "must be an identifier"),
    ("{value: b,", "{value: a,", 9, "sections[0:s1].questions[0:uses]",
     "option values must be unique"),
    ("closes: 2027-01-31", "closes: 2026-01-31", 1, "", "opens (2026-12-01) is after closes"),
    ("opens: 2026-12-01", "opens: next week", 3, "opens", "valid date"),
    ("title: {zh: 小调查, en: Tiny survey}", "", 1, "title", "is required and missing"),
])
def test_each_mistake_names_line_field_and_expectation(tmp_path, old, new, line, field,
                                                        problem):
    if old == "- id: why" and new == "- id: uses":
        text = GOOD.replace("- id: why", "- id: uses").replace("question: uses, equals",
                                                                 "question: picks, equals")
    elif old == "{value: b,":
        text = GOOD.replace("- {value: \"no\"", "- {value: \"yes\"")
    else:
        assert old in GOOD
        text = GOOD.replace(old, new, 1)
    err = error_of(tmp_path, text)
    assert err.path.endswith("survey.yaml")
    assert problem in err.problem, str(err)
    assert err.field == field, str(err)
    assert err.line == line, str(err)
    assert str(err).startswith(f"{err.path}:{line}: ")


def test_yaml_syntax_error_gives_the_line(tmp_path):
    err = error_of(tmp_path, GOOD.replace('en: "Why?"', "en: Why?"))
    assert err.line == 17 and "not valid YAML" in err.problem


def test_not_a_mapping_and_missing_file(tmp_path):
    assert "must be a mapping" in str(error_of(tmp_path, "- just\n- a list\n"))
    with pytest.raises(SurveyError, match="file is missing"):
        load_survey(tmp_path / "nope.yaml")


def survey_yaml(questions, sections=None) -> str:
    """A small survey as YAML, from plain dicts."""
    import yaml

    def T(x):
        return {"zh": x + "（中）", "en": x}
    sections = sections or [{"id": "s1", "title": T("S"), "questions": questions}]
    return yaml.safe_dump({"id": "small", "title": T("Small"), "sections": sections},
                          allow_unicode=True)


CHOICE = {"id": "uses", "type": "single_choice", "text": {"zh": "去吗", "en": "Go?"},
          "options": [{"value": "yes", "label": {"zh": "去", "en": "Yes"}},
                      {"value": "no", "label": {"zh": "不", "en": "No"}}]}
PICKS = dict(CHOICE, id="picks", type="multiple_choice")
SAT = {"id": "sat", "type": "likert", "text": {"zh": "满意吗", "en": "Satisfied?"}}


def follow(**show_if):
    return {"id": "follow", "type": "text", "text": {"zh": "为何", "en": "Why"},
            "show_if": show_if}


@pytest.mark.parametrize("questions, problem", [
    ([CHOICE, follow(question="uses", equals=True)], 'must be quoted ("yes")'),
    ([PICKS, follow(question="picks", equals="yes")], "needs 'includes'"),
    ([SAT, follow(question="sat", equals=6)], "are not options of 'sat'"),
    ([SAT, follow(question="sat", **{"in": [1, 2]})], None),
    ([{k: v for k, v in SAT.items() if k != "type"}], "type must be one of"),
])
def test_more_author_mistakes(tmp_path, questions, problem):
    path = write(tmp_path, survey_yaml(questions))
    if problem is None:
        assert load_survey(path).question("follow").show_if.in_ == [1, 2]
        return
    with pytest.raises(SurveyError) as err:
        load_survey(path)
    assert problem in str(err.value)


def test_section_ids_are_unique(tmp_path):
    def T(x):
        return {"zh": x, "en": x}
    sections = [{"id": "s1", "title": T("A"), "questions": [CHOICE]},
                {"id": "s1", "title": T("B"), "questions": [SAT]}]
    with pytest.raises(SurveyError, match="section ids must be unique"):
        load_survey(write(tmp_path, survey_yaml(None, sections)))


def test_a_named_public_space_must_exist(tmp_path, community, store):
    from workbench.surveys import publish_surveys

    folder = tmp_path / "surveys"
    folder.mkdir()
    sat = dict(SAT, public_space="P1")
    write(folder, survey_yaml([sat]), "small.yaml")
    assert list(publish_surveys(store, folder, community)) == ["small"]
    write(folder, survey_yaml([dict(SAT, public_space="P9")]), "small.yaml")
    with pytest.raises(SurveyError, match="'P9' is not a public space of test"):
        publish_surveys(store, folder, community)
