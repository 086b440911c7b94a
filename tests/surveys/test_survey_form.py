"""A survey rendered from its definition and answered through its widgets, as any client of
the kernel could, without a browser."""

import pytest

from communities import INSIDE_OPEN, OUTSIDE
from samples import SURVEY
from workbench.surveys.answers import survey_view
from workbench.layers.page_map_widget import PageMap
from workbench.surveys.page import SurveyForm


@pytest.fixture
def version(store):
    return store.publish_survey(SURVEY.id, "v1", SURVEY.model_dump(mode="json", by_alias=True))


@pytest.fixture
def form(store, version, community):
    view = survey_view(SURVEY.model_dump(mode="json", by_alias=True))
    return SurveyForm(view, version, store, "device-1", "en", community,
                      map_factory=lambda: PageMap(community, "en", height="240px"))


def answer_all(form):
    b = form.blocks
    b["uses"].inputs[0].value = "yes"
    b["spaces"].checks[0].value = True
    b["sat"].inputs[0].value = 4
    b["nps"].inputs[0].value = 9
    b["minutes"].number.value = "12"
    b["top"].ranks[0].value = "z"
    b["top"].ranks[1].value = "x"
    b["where"].map.widget.handle_message(
        {"event": "interaction", "type": "click", "coordinates": [INSIDE_OPEN[1], INSIDE_OPEN[0]]})
    b["where"].follow_widget.value = "dark"
    b["ideas"].choice_a.click()
    b["ideas"].choice_b.click()


def test_every_type_renders_and_saves_once_with_a_receipt(form, store):
    assert "0 of 8" in form.progress.value
    answer_all(form)
    assert "8 of 9" in form.progress.value  # 'shade' shown now that 'a' is picked
    code = form.save()
    assert code and code in form.receipt_html.value
    saved = store.response_of(form.version_id, "device-1")
    assert saved["answers"]["top"] == ["z", "x"] and saved["answers"]["sat"] == 4
    assert len(saved["answers"]["ideas"]) == 2
    # answering again edits the same response
    form.blocks["sat"].inputs[0].value = "na"
    assert form.save() == code
    assert store.response_of(form.version_id, "device-1")["answers"]["sat"] == "na"
    assert len(store.survey_responses(SURVEY.id)) == 1


def test_conditional_question_shows_and_hides(form):
    shade = form.blocks["shade"].box
    assert shade.layout.display == "none"
    form.blocks["spaces"].checks[0].value = True
    assert shade.layout.display is None
    why_not = form.blocks["why_not"].box
    form.blocks["uses"].inputs[0].value = "no"
    assert why_not.layout.display is None


def test_problems_show_beside_their_questions_and_nothing_is_saved(form, store):
    answer_all(form)
    form.blocks["minutes"].number.value = "1.5"
    form.blocks["top"].ranks[1].value = "z"
    form.blocks["where"].set_point(*OUTSIDE)
    assert form.save() is None
    assert "whole number" in form.blocks["minutes"].error.value
    assert "choose from the options" in form.blocks["top"].error.value
    assert "outside the community" in form.blocks["where"].error.value
    assert form.blocks["sat"].error.value == ""
    assert store.response_of(form.version_id, "device-1") is None


def test_hostile_values_set_on_widgets_are_refused(form, store):
    answer_all(form)
    form.blocks["uses"].inputs[0].options = [("x", "drop table")]
    form.blocks["uses"].inputs[0].value = "drop table"
    form.blocks["minutes"].number.value = "1e309"
    assert form.save() is None
    assert form.blocks["uses"].error.value and form.blocks["minutes"].error.value
    assert store.response_of(form.version_id, "device-1") is None


def test_chinese_labels(store, version, community):
    view = survey_view(SURVEY.model_dump(mode="json", by_alias=True))
    form = SurveyForm(view, version, store, "device-2", "zh", community)
    assert "非常满意" in [label for label, _ in form.blocks["sat"].inputs[0].options]
    assert form.submit.description == "提交问卷"


def test_a_draft_survives_a_reload(store, version, community):
    view = survey_view(SURVEY.model_dump(mode="json", by_alias=True))
    first = SurveyForm(view, version, store, "device-9", "en", community,
                       map_factory=lambda: PageMap(community, "en"))
    answer_all(first)
    first.blocks["minutes"].number.value = "33"
    # the page is reloaded: a new form for the same device
    again = SurveyForm(view, version, store, "device-9", "en", community,
                       map_factory=lambda: PageMap(community, "en"))
    assert again.answers() == first.answers()
    assert again.answers()["minutes"] == 33 and len(again.answers()["ideas"]) == 2
    code = again.save()
    assert store.draft_of(version, "device-9") is None
    # and later an edit starts from the saved answers
    third = SurveyForm(view, version, store, "device-9", "en", community,
                       map_factory=lambda: PageMap(community, "en"))
    assert third.receipt == code and third.answers()["top"] == ["z", "x"]


def test_a_hostile_draft_is_not_trusted(store, version, community):
    store.save_draft(version, "device-x", {"uses": "<script>", "minutes": {"x": 1},
                                            "top": ["x", "nope"], "ideas": [{"a": 1}],
                                            "where": {"lon": "a"}})
    view = survey_view(SURVEY.model_dump(mode="json", by_alias=True))
    form = SurveyForm(view, version, store, "device-x", "en", community)
    assert form.answers()["uses"] is None and form.answers()["minutes"] is None
    assert form.answers()["ideas"] is None


def test_draft_writes_are_bounded(store, version, community, monkeypatch):
    monkeypatch.setattr("workbench.surveys.page.DRAFT_WRITES", 3)
    view = survey_view(SURVEY.model_dump(mode="json", by_alias=True))
    form = SurveyForm(view, version, store, "device-7", "en", community)
    writes = []
    real = store.save_draft
    monkeypatch.setattr(store, "save_draft", lambda *a: (writes.append(a), real(*a)))
    for i in range(1, 11):
        form.blocks["minutes"].number.value = str(i)
    assert len(writes) == 3
    assert store.draft_of(version, "device-7")["minutes"] == 3


def test_a_closed_survey_takes_no_more_answers(store, version, community):
    definition = dict(SURVEY.model_dump(mode="json", by_alias=True), closes="2020-01-01")
    form = SurveyForm(survey_view(definition), version, store, "device-c", "en", community,
                      map_factory=lambda: PageMap(community, "en"))
    answer_all(form)
    assert form.save() is None and "has closed" in form.message.value
    assert store.response_of(version, "device-c") is None


@pytest.mark.parametrize("source", ["surveys/public_space_needs.yaml",
                                    "surveys/services_satisfaction.yaml", "other author"])
def test_any_valid_survey_file_renders_and_saves(tmp_path, source, store):
    """No survey-specific code: a file renders, its answers go in through the widgets, and
    what is saved is what was answered."""
    from samples import OTHER_SURVEY, generate_responses
    from servers import DEMO_LAYERS, PROJECT_DIR
    from workbench.layers.community import load_community
    from workbench.surveys import load_survey

    if source == "other author":
        path = tmp_path / "other.yaml"
        path.write_text(OTHER_SURVEY, encoding="utf-8")
    else:
        path = PROJECT_DIR / source
    survey = load_survey(path)
    demo = load_community(DEMO_LAYERS)
    definition = survey.model_dump(mode="json", by_alias=True)
    version = store.publish_survey(survey.id, "v", dict(definition, opens=None, closes=None))
    form = SurveyForm(survey_view(dict(definition, opens=None, closes=None)), version, store,
                      "device-any", "zh", demo,
                      map_factory=lambda: PageMap(demo, "zh", height="200px"))
    answers = generate_responses(survey, 1, demo, seed=7)[0]
    for qid, block in form.blocks.items():  # in order, so conditions open as on the page
        block.set_value(answers.get(qid))
    assert form.save(), [b.error.value for b in form.blocks.values() if b.error.value]
    assert store.response_of(version, "device-any")["answers"] == answers


def test_a_point_in_a_public_space_is_named_on_the_place_line(form, community):
    from communities import INSIDE_P1

    where = form.blocks["where"]
    where.map.widget.handle_message(
        {"event": "interaction", "type": "click", "coordinates": [INSIDE_P1[1], INSIDE_P1[0]]})
    p = community.public_spaces["P1"]["properties"]
    assert p["name_en"] in where.point_text.value and "Point on the map" not in \
        where.point_text.value
    # a point on no space still says where it is
    where.map.widget.handle_message(
        {"event": "interaction", "type": "click", "coordinates": [INSIDE_OPEN[1], INSIDE_OPEN[0]]})
    assert "Point on the map" in where.point_text.value
    # the answer stays the point (the check of the response is unchanged)
    assert where.value() == {"lon": INSIDE_OPEN[0], "lat": INSIDE_OPEN[1]}
