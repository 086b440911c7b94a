"""The survey files in surveys/ and the examples in docs/surveys.md.

That every text has zh and en, that ids are identifiers and that show_if points at earlier
questions is the schema's job; these tests check what the schema cannot: that the surveys
ask what they are for, that public spaces are the demo community's real ones, that conditions
can actually match, and that someone else can write a survey from the documentation.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from samples import OTHER_SURVEY
from workbench.surveys import QUESTION_TYPES, SurveyError, load_survey, survey_version

ROOT = Path(__file__).resolve().parents[2]
SURVEYS = ROOT / "surveys"
DOCS = ROOT / "docs" / "surveys.md"
PUBLIC_SPACES = ROOT / "layers" / "demo" / "public_spaces.geojson"

SURVEY_FILES = sorted(SURVEYS.glob("*.yaml"))


def _spaces() -> dict[str, dict]:
    features = json.loads(PUBLIC_SPACES.read_text(encoding="utf-8"))["features"]
    return {f["properties"]["id"]: f["properties"] for f in features}


@pytest.fixture(scope="module")
def services():
    return load_survey(SURVEYS / "services_satisfaction.yaml")


@pytest.fixture(scope="module")
def needs():
    return load_survey(SURVEYS / "public_space_needs.yaml")


# -- every file ---------------------------------------------------------------------------
def test_the_demo_surveys_are_there():
    names = {p.name for p in SURVEY_FILES}
    assert {"services_satisfaction.yaml", "public_space_needs.yaml"} <= names


@pytest.mark.parametrize("path", SURVEY_FILES, ids=lambda p: p.name)
def test_survey_file_loads_and_is_named_after_its_id(path):
    survey = load_survey(path)
    assert survey.id == path.stem  # published by id: two files must not claim the same one
    assert re.fullmatch(r"[0-9a-f]{12}", survey_version(survey))
    section_ids = [s.id for s in survey.sections]
    assert len(set(section_ids)) == len(section_ids), "section ids repeat"


@pytest.mark.parametrize("path", SURVEY_FILES, ids=lambda p: p.name)
def test_no_text_is_silently_cut_by_a_hash(path):
    """YAML reads `en: Building #3` as 'Building' without any error."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        code = line.lstrip()
        if code.startswith("#"):
            continue
        assert " #" not in code and "\t#" not in code, (
            f"{path.name}:{number}: ' #' after a value starts a comment; quote the text")


@pytest.mark.parametrize("path", SURVEY_FILES, ids=lambda p: p.name)
def test_conditions_can_match(path):
    """The schema checks show_if values only against options; an answer of another type
    has values it cannot check, and equals/in on a multiple choice never matches."""
    survey = load_survey(path)
    for q in survey.questions():
        cond = q.show_if
        if cond is None:
            continue
        target = survey.question(cond.question)
        values = [cond.equals] if cond.equals is not None else (cond.in_ or [cond.includes])
        if target.type == "multiple_choice":
            assert cond.includes is not None, f"{q.id}: use includes for a multiple choice"
        elif target.type == "likert":
            assert set(values) <= {1, 2, 3, 4, 5, "na"}, q.id
        elif target.type == "rating":
            assert set(values) <= set(range(11)), q.id
        elif target.type == "number":
            assert all(isinstance(v, int) and target.min <= v <= target.max for v in values), q.id
        else:
            assert target.type == "single_choice", f"{q.id}: condition on a {target.type}"


@pytest.mark.parametrize("path", SURVEY_FILES, ids=lambda p: p.name)
def test_public_space_options_are_the_demo_communitys(path):
    """An option value psNN stands for the public space PSNN and carries its names."""
    spaces = _spaces()
    survey = load_survey(path)
    for q in survey.questions():
        for option in getattr(q, "options", None) or []:
            if re.fullmatch(r"ps\d+", option.value):
                space = spaces.get(option.value.upper())
                assert space is not None, f"{q.id}: no public space {option.value.upper()}"
                assert option.label.zh == space["name_zh"], (q.id, option.value)
                assert option.label.en == space["name_en"], (q.id, option.value)


# -- services satisfaction ----------------------------------------------------------------
AREAS = ("committee", "property", "grid", "public_spaces", "activities", "platform")


def test_services_survey_covers_the_six_areas(services):
    sections = {s.id: s for s in services.sections}
    for area in AREAS:
        assert area in sections, f"no section {area}"
        assert any(q.type == "likert" for q in sections[area].questions), area
    property_ids = {q.id for q in sections["property"].questions}
    assert {"property_cleaning", "property_security", "property_maintenance",
            "property_greenery"} <= property_ids


def test_services_survey_rates_each_kind_of_public_space_by_name(services):
    """Each main kind of public space has a satisfaction question naming all its spaces."""
    section = next(s for s in services.sections if s.id == "public_spaces")
    likerts = [q for q in section.questions if q.type == "likert"]
    by_kind: dict[str, list[dict]] = {}
    for space in _spaces().values():
        by_kind.setdefault(space["kind"], []).append(space)
    for kind in ("pocket_park", "neighbourhood_centre", "community_living_room", "square",
                 "sports_ground", "children_play"):
        assert any(all(s["name_zh"] in q.text.zh and s["name_en"] in q.text.en
                       for s in by_kind[kind]) for q in likerts), kind


def test_services_survey_shape(services):
    questions = services.questions()
    types = [q.type for q in questions]
    assert 20 <= len(questions) <= 28
    assert types.count("likert") > len(questions) / 2
    assert "rating" in types and "text" in types
    assert any(q.show_if for q in questions)
    assert services.anonymous
    assert services.opens.isoformat().startswith("2026-11")
    assert services.closes.isoformat().startswith("2027-01")
    area = services.question("building_area")
    assert all("和光路" in o.label.zh and "Heguang Road" in o.label.en for o in area.options)


# -- public space needs -------------------------------------------------------------------
def test_needs_survey_has_map_ranking_and_pairwise(needs):
    by_type: dict[str, list] = {}
    for q in needs.questions():
        by_type.setdefault(q.type, []).append(q)
    assert 15 <= len(needs.questions()) <= 20
    assert any(q.follow_up is not None for q in by_type["map_point"])
    assert [q.rank for q in by_type["ranking"]] == [3]
    (pairwise,) = by_type["pairwise"]
    assert pairwise.pairs == 6 and 6 <= len(pairwise.options) <= 8
    assert any(q.unit is not None and q.min == 0 and q.max == 60 for q in by_type["number"])
    assert needs.anonymous


def test_needs_survey_lists_every_public_space(needs):
    used = needs.question("spaces_used")
    assert used.type == "multiple_choice" and used.max_picks is not None
    assert {o.value.upper() for o in used.options} == set(_spaces())


def test_needs_survey_asks_non_users_why(needs):
    why = needs.question("why_not")
    assert why.show_if.question == "visit_frequency" and "never" in why.show_if.in_
    # and people who never go are not asked which places they use
    assert "never" not in needs.question("spaces_used").show_if.in_


# -- a survey written by someone else, from the documentation ------------------------------



def test_a_survey_written_by_someone_else_loads(tmp_path):
    path = tmp_path / "lift_installation.yaml"
    path.write_text(OTHER_SURVEY, encoding="utf-8")
    survey = load_survey(path)
    types = [q.type for q in survey.questions()]
    assert sorted(types) == sorted(QUESTION_TYPES)  # every type, once each
    assert survey.question("support").options[0].value == "yes"
    assert survey.question("concerns").show_if.in_ == ["no", "undecided"]
    assert survey.question("lift_position").follow_up.text.en == "Why?"
    assert survey.owner.en == "Heguang Future Community Residents' Committee"

    # versions: layout and comments do not matter, any wording does
    version = survey_version(survey)
    flow = 'text: {zh: 您住在几楼？, en: "Which floor do you live on?"}'
    block = "text:\n          zh: 您住在几楼？\n          en: Which floor do you live on?"
    assert flow in OTHER_SURVEY
    relaid = tmp_path / "relaid.yaml"
    relaid.write_text("# a comment\n" + OTHER_SURVEY.replace(flow, block), encoding="utf-8")
    assert survey_version(load_survey(relaid)) == version
    edited = tmp_path / "edited.yaml"
    edited.write_text(OTHER_SURVEY.replace("还没想好", "还没有想好"), encoding="utf-8")
    assert survey_version(load_survey(edited)) != version


def test_a_mistake_in_someone_elses_survey_names_file_line_and_field(tmp_path):
    path = tmp_path / "lift_installation.yaml"
    path.write_text(OTHER_SURVEY.replace("max_picks: 2", "max_pick: 2"), encoding="utf-8")
    with pytest.raises(SurveyError) as info:
        load_survey(path)
    line = OTHER_SURVEY.splitlines().index("        max_picks: 2") + 1
    assert str(info.value).startswith(f"{path}:{line}: ")
    assert "questions[2:concerns].max_pick" in str(info.value)


# -- the examples in docs/surveys.md ------------------------------------------------------
def _doc_examples() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)


def test_docs_examples_load(tmp_path):
    """Every ```yaml block of the author's guide is valid: a whole survey, or questions."""
    examples = _doc_examples()
    assert len(examples) >= 10
    for number, example in enumerate(examples):
        if example.startswith("id:"):
            text = example
        else:
            assert example.startswith("- id:"), example[:40]
            body = "".join("      " + line if line.strip() else line
                           for line in example.splitlines(keepends=True))
            text = ("id: doc_example\ntitle: {zh: 示例, en: Example}\nsections:\n"
                    "  - id: example\n    title: {zh: 示例, en: Example}\n    questions:\n"
                    + body)
        path = tmp_path / f"example_{number}.yaml"
        path.write_text(text, encoding="utf-8")
        load_survey(path)


def test_docs_name_every_question_type():
    text = DOCS.read_text(encoding="utf-8")
    for kind in QUESTION_TYPES:
        assert f"### {kind} " in text, kind
    assert "workbench/surveys/_schema.py" in text
