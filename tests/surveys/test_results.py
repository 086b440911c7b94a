"""Survey results for planners: numbers checked against counts made independently here, on
responses generated with a fixed seed, checked by answers.check_response and stored."""

from __future__ import annotations

import json
import math
import random
import statistics
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from samples import LIKERT_WEIGHTS, SURVEY, TEXTS, T, generate_responses, opts, random_answer  # noqa: F401
from servers import DEMO_LAYERS, PROJECT_DIR
from workbench.surveys import Survey, load_survey, survey_version
from workbench.surveys.answers import check_response, is_visible, next_pairs, survey_view
from workbench.surveys.results import (LIKERT_COLUMNS, agenda_evidence, breakdown,
                                       compare_rounds, likert_table, question_results,
                                       question_summary, response_rate, responses_frame)

NEEDS_FILE = PROJECT_DIR / "surveys" / "public_space_needs.yaml"
SERVICES_FILE = PROJECT_DIR / "surveys" / "services_satisfaction.yaml"
# -- the generator ----------------------------------------------------------------------------
def store_responses(store, survey, responses: list[dict], prefix: str = "device") -> str:
    """Publish the survey and save each response under its own respondent; the version."""
    version = survey_version(survey)
    vid = store.publish_survey(survey.id, version, survey.model_dump(mode="json", by_alias=True))
    for i, answers in enumerate(responses):
        store.save_response(vid, f"{prefix}-{i:04d}", answers)
    return version


def stored_frame(store, survey) -> tuple:
    """(survey view, frame) read back from the store as the notebook does."""
    latest = {s["survey_id"]: s for s in store.latest_survey_versions()}[survey.id]
    view = survey_view(latest["definition"])
    return view, responses_frame(view, store.survey_responses(survey.id))


# -- fixtures ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo():
    from workbench.layers.community import load_community

    return load_community(DEMO_LAYERS)


@pytest.fixture(scope="module")
def needs():
    return load_survey(NEEDS_FILE)


@pytest.fixture
def every(store, community):
    """SURVEY (every question type): 120 generated responses, stored and read back."""
    responses = generate_responses(SURVEY, 120, community)
    store_responses(store, SURVEY, responses)
    view, frame = stored_frame(store, SURVEY)
    return view, frame, responses


@pytest.fixture
def needs_data(store, demo, needs):
    responses = generate_responses(needs, 150, demo)
    store_responses(store, needs, responses)
    view, frame = stored_frame(store, needs)
    return view, frame, responses


def answered(responses, qid):
    return [r[qid] for r in responses if qid in r]


# -- the frame --------------------------------------------------------------------------------
def test_frame_has_one_row_per_response_and_one_column_per_question(every):
    view, frame, responses = every
    assert len(frame) == len(responses) == 120
    assert list(frame.columns) == ["version", "created_at"] + [q.id for q in SURVEY.questions()]
    assert "respondent" not in frame.columns and "receipt_code" not in frame.columns
    assert frame["version"].unique().tolist() == [survey_version(SURVEY)]
    assert isinstance(frame["created_at"].dtype, pd.DatetimeTZDtype)
    # stored in insertion order: lists and dicts come back as they were given
    assert frame["spaces"].tolist() == [r["spaces"] for r in responses]
    assert frame["where"].tolist() == [r["where"] for r in responses]
    assert str(frame["nps"].dtype) == "Int64"
    skipped = [i for i, r in enumerate(responses) if "why_not" not in r]
    assert frame.loc[skipped, "why_not"].isna().all()


def test_rows_other_fields_never_enter_the_frame():
    rows = [{"version": "v", "created_at": None, "respondent": "device-secret",
             "receipt_code": "ABCD2345", "answers": {"uses": "yes", "unknown_q": 3}}]
    frame = responses_frame(SURVEY, rows)
    assert "device-secret" not in frame.to_csv() and "ABCD2345" not in frame.to_csv()
    assert "unknown_q" not in frame.columns and frame.loc[0, "uses"] == "yes"


def test_empty_survey_results_have_the_right_shape():
    frame = responses_frame(SURVEY, [])
    assert len(frame) == 0 and "sat" in frame.columns
    for q in SURVEY.questions():
        table = question_results(SURVEY, frame, q.id, "en")
        assert table.attrs["answered"] == 0
    assert question_results(SURVEY, frame, "sat", "en")["count"].sum() == 0


# -- one question, by type --------------------------------------------------------------------
def test_likert_counts_mean_and_satisfied(every):
    view, frame, responses = every
    sat = answered(responses, "sat")
    counts = Counter(sat)
    scored = [v for v in sat if v != "na"]
    table = question_results(view, frame, "sat", "zh")
    assert table["point"].tolist() == [1, 2, 3, 4, 5, "na"]
    assert table["label"].tolist()[0] == "非常不满意" and table["label"].iloc[-1] == "没用过/不了解"
    assert table["count"].tolist() == [counts[p] for p in (1, 2, 3, 4, 5, "na")]
    assert table["share"].tolist() == pytest.approx([counts[p] / len(sat)
                                                     for p in (1, 2, 3, 4, 5, "na")])
    assert table.attrs["answered"] == len(sat) == 120
    assert table.attrs["mean"] == pytest.approx(sum(scored) / len(scored))
    assert table.attrs["satisfied"] == pytest.approx(
        sum(1 for v in scored if v >= 4) / len(scored))
    assert 0 < counts["na"] < 120  # the seed does give some "not used"


def test_single_and_multiple_choice_counts_and_shares(every):
    view, frame, responses = every
    uses = Counter(answered(responses, "uses"))
    table = question_results(view, frame, "uses", "en")
    assert table["option"].tolist() == ["yes", "no"]
    assert table["count"].tolist() == [uses["yes"], uses["no"]]
    assert table["share"].sum() == pytest.approx(1)

    picks = answered(responses, "spaces")
    table = question_results(view, frame, "spaces", "zh")
    expected = {v: sum(v in p for p in picks) for v in "abcd"}
    assert dict(zip(table["option"], table["count"])) == expected
    assert dict(zip(table["option"], table["share"])) == pytest.approx(
        {v: c / len(picks) for v, c in expected.items()})
    assert table["label"].tolist() == ["a（中）", "b（中）", "c（中）", "d（中）"]
    assert table["share"].sum() > 1  # several picks each


def test_multiple_choice_share_is_of_those_who_answered(needs_data):
    view, frame, responses = needs_data
    missing = answered(responses, "missing")
    assert 0 < len(missing) < len(responses)  # optional: some skipped it
    table = question_results(view, frame, "missing", "en")
    seating = sum("seating" in p for p in missing)
    row = table.set_index("option").loc["seating"]
    assert row["count"] == seating and row["share"] == pytest.approx(seating / len(missing))
    assert table.attrs["answered"] == len(missing)


def test_rating_distribution_and_nps(every):
    view, frame, responses = every
    nps = answered(responses, "nps")
    table = question_results(view, frame, "nps", "en")
    assert table["count"].tolist() == [nps.count(s) for s in range(11)]
    promoters = sum(1 for v in nps if v >= 9) / len(nps)
    detractors = sum(1 for v in nps if v <= 6) / len(nps)
    assert table.attrs["promoters"] == pytest.approx(promoters)
    assert table.attrs["detractors"] == pytest.approx(detractors)
    assert table.attrs["nps"] == pytest.approx(100 * (promoters - detractors))
    assert table.attrs["mean"] == pytest.approx(statistics.mean(nps))


def test_number_statistics(every):
    view, frame, responses = every
    minutes = answered(responses, "minutes")
    row = question_results(view, frame, "minutes", "en").iloc[0]
    q1, median, q3 = statistics.quantiles(minutes, n=4, method="inclusive")
    assert row["answered"] == len(minutes)
    assert row["mean"] == pytest.approx(statistics.mean(minutes))
    assert row["median"] == pytest.approx(statistics.median(minutes)) == pytest.approx(median)
    assert (row["q1"], row["q3"]) == pytest.approx((q1, q3))
    assert (row["min"], row["max"]) == (min(minutes), max(minutes))


def test_text_is_counted_and_listed(every):
    view, frame, responses = every
    texts = answered(responses, "why_not")
    table = question_results(view, frame, "why_not", "en")
    assert table.attrs["answered"] == len(texts) > 0
    assert table["text"].tolist() == texts


def test_ranking_mean_rank_borda_and_firsts(needs_data):
    view, frame, responses = needs_data
    rankings = answered(responses, "top_improvements")
    table = question_results(view, frame, "top_improvements", "en").set_index("option")
    for option in [o.value for o in view.question("top_improvements").options]:
        places = [r.index(option) + 1 for r in rankings if option in r]
        assert table.loc[option, "ranked"] == len(places)
        assert table.loc[option, "first"] == sum(1 for r in rankings if r[0] == option)
        assert table.loc[option, "borda"] == sum(4 - p for p in places)  # rank 3: 3, 2, 1
        if places:
            assert table.loc[option, "mean_rank"] == pytest.approx(statistics.mean(places))
    assert table["borda"].is_monotonic_decreasing  # best first


def test_pairwise_wins_losses_and_score(needs_data):
    view, frame, responses = needs_data
    wins, seen = Counter(), Counter()
    for answer in answered(responses, "pocket_park_ideas"):
        for c in answer:
            wins[c["pick"]] += 1
            seen[c["a"]] += 1
            seen[c["b"]] += 1
    table = question_results(view, frame, "pocket_park_ideas", "zh")
    for row in table.itertuples():
        assert row.wins == wins[row.option]
        assert row.losses == seen[row.option] - wins[row.option]
        assert row.score == pytest.approx((wins[row.option] + 1) / (seen[row.option] + 2))
    assert table["score"].is_monotonic_decreasing and table["rank"].tolist()[0] == 1
    assert table.attrs["answered"] == len(answered(responses, "pocket_park_ideas"))


def test_map_points_with_follow_up_labels(every):
    view, frame, responses = every
    points = answered(responses, "where")
    table = question_results(view, frame, "where", "zh")
    assert table[["lon", "lat"]].values.tolist() == [[p["lon"], p["lat"]] for p in points]
    assert table["follow_up"].tolist() == [p.get("follow_up") for p in points]
    labels = {"dark": "dark（中）", "broken": "broken（中）", None: None}
    assert table["follow_up_label"].tolist() == [labels[p.get("follow_up")] for p in points]


def test_summary_matches_the_table_attrs(every):
    view, frame, _ = every
    summary = question_summary(view, frame, "sat", "en")
    assert summary == question_results(view, frame, "sat", "en").attrs
    with pytest.raises(KeyError):
        question_results(view, frame, "nope", "en")


# -- breakdown and response rate ----------------------------------------------------------------
def test_breakdown_of_likert_by_single_choice(every):
    view, frame, responses = every
    table = breakdown(view, frame, "sat", "uses", "en")
    assert table["by"].tolist() == ["yes", "no"]
    for row in table.itertuples():
        group = [r["sat"] for r in responses if r["uses"] == row.by]
        scored = [v for v in group if v != "na"]
        assert row.responses == len(group)
        assert row.mean == pytest.approx(sum(scored) / len(scored))
        assert row.na == group.count("na")
    assert table[list(LIKERT_COLUMNS)].sum().sum() == len(responses)


def test_breakdown_of_multiple_choice_by_area(needs_data):
    view, frame, responses = needs_data
    table = breakdown(view, frame, "missing", "building_area", "en")
    assert set(table["by"]) == {"north", "south"}
    for area in ("north", "south"):
        group = [r.get("missing") for r in responses if r["building_area"] == area]
        part = table[table["by"] == area].set_index("option")
        assert part["answered"].iloc[0] == sum(1 for g in group if g)
        assert part.loc["shade", "count"] == sum(1 for g in group if g and "shade" in g)
        assert part["responses"].iloc[0] == len(group)


def test_breakdown_by_a_multiple_choice_puts_a_response_in_each_group(every):
    view, frame, responses = every
    table = breakdown(view, frame, "nps", "spaces", "en")
    for row in table.itertuples():
        group = [r["nps"] for r in responses if row.by in r["spaces"]]
        assert row.answered == len(group)
        assert row.mean == pytest.approx(statistics.mean(group))
    with pytest.raises(ValueError, match="cannot split"):
        breakdown(view, frame, "sat", "where", "en")


def test_response_rate_per_area_and_overall(needs_data):
    view, frame, responses = needs_data
    buildings = json.loads((DEMO_LAYERS / "buildings.geojson").read_text(encoding="utf-8"))
    per_building = {f["properties"]["id"]: f["properties"]["households"]
                    for f in buildings["features"]}
    households = {"north": sum(per_building[f"B{i:02d}"] for i in range(1, 13)),
                  "south": sum(per_building[f"B{i:02d}"] for i in range(13, 21))}
    table = response_rate(frame, "building_area", households).set_index("value")
    for area, count in households.items():
        n = sum(1 for r in responses if r["building_area"] == area)
        assert table.loc[area, "responses"] == n
        assert table.loc[area, "rate"] == pytest.approx(n / count)
    assert table.index[-1] == "all"
    assert table.loc["all", "responses"] == 150
    assert table.loc["all", "rate"] == pytest.approx(150 / sum(households.values()))


def test_response_rate_by_building_with_gaps():
    frame = pd.DataFrame({"building": ["B1", "B1", "B2", None, "B9"]})
    table = response_rate(frame, "building", {"B1": 10, "B2": 4, "B3": 0})
    assert table["value"].tolist() == ["B1", "B2", "B3", "B9", "all"]
    assert table["responses"].tolist() == [2, 1, 0, 1, 5]
    rate = table["rate"].tolist()
    assert rate[:2] == [0.2, 0.25] and math.isnan(rate[2]) and math.isnan(rate[3])
    assert rate[4] == pytest.approx(5 / 14)


# -- two rounds ---------------------------------------------------------------------------------
def test_compare_rounds_finds_the_known_change(community):
    first = generate_responses(SURVEY, 80, community, seed=42)
    # the second round: the same residents, everyone one point happier (5 stays 5), and
    # recommending two points more; "na" stays "na"
    second = [dict(r, sat=r["sat"] if r["sat"] == "na" else min(r["sat"] + 1, 5),
                   nps=min(r["nps"] + 2, 10)) for r in first]
    for r in second:
        assert check_response(SURVEY, r, community)[1] == {}
    frame_a = responses_frame(SURVEY, [{"version": "a", "answers": r} for r in first])
    frame_b = responses_frame(SURVEY, [{"version": "b", "answers": r} for r in second])
    table = compare_rounds(SURVEY, frame_a, SURVEY, frame_b, "en").set_index("question")
    assert table.index.tolist() == ["sat", "nps"]

    def mean(rs, qid):
        values = [r[qid] for r in rs if r[qid] != "na"]
        return sum(values) / len(values)

    assert table.loc["sat", "mean_then"] == pytest.approx(mean(first, "sat"))
    assert table.loc["sat", "change"] == pytest.approx(mean(second, "sat") - mean(first, "sat"))
    assert 0.5 < table.loc["sat", "change"] < 1  # +1 for everyone below 5
    happy_now = [r["sat"] for r in second if r["sat"] != "na"]
    assert table.loc["sat", "satisfied_now"] == pytest.approx(
        sum(1 for v in happy_now if v >= 4) / len(happy_now))
    assert table.loc["nps", "change"] == pytest.approx(mean(second, "nps") - mean(first, "nps"))
    assert table.loc["nps", "satisfied_now"] > table.loc["nps", "satisfied_then"]


def test_compare_rounds_skips_questions_not_in_both(community):
    data = SURVEY.model_dump(mode="json", by_alias=True)
    data["sections"][0]["questions"] = [q for q in data["sections"][0]["questions"]
                                        if q["id"] != "nps"]
    older = Survey.model_validate(data)
    frame = responses_frame(SURVEY, [{"answers": r}
                                     for r in generate_responses(SURVEY, 10, community)])
    table = compare_rounds(older, frame[[c for c in frame.columns if c != "nps"]], SURVEY,
                           frame, "en")
    assert table["question"].tolist() == ["sat"] and table.loc[0, "change"] == 0


# -- evidence for the agenda -------------------------------------------------------------------
TAGGED = Survey.model_validate({
    "id": "tagged", "title": T("Tagged"),
    "sections": [{"id": "s", "title": T("S"), "questions": [
        {"id": "park_sat", "type": "likert", "text": T("Park?"), "scenario": "health",
         "public_space": "P1"},
        {"id": "square_sat", "type": "likert", "text": T("Square?"), "scenario": "health",
         "public_space_kind": "square"},
        {"id": "park_needs", "type": "multiple_choice", "text": T("Needs?"),
         "options": opts("bench", "shade", "light"), "scenario": "neighbourhood",
         "public_space": "P1"},
        {"id": "priorities", "type": "ranking", "text": T("First?"),
         "options": opts("x", "y", "z"), "rank": 2, "scenario": "neighbourhood"},
        {"id": "park_where", "type": "map_point", "text": T("Where?"), "required": False,
         "public_space": "P1"},
        {"id": "other", "type": "text", "text": T("Other?"), "required": False},
    ]}]})


def test_agenda_evidence_per_scenario_and_space(store, community):
    responses = generate_responses(TAGGED, 90, community)
    store_responses(store, TAGGED, responses)
    view, frame = stored_frame(store, TAGGED)
    by_scenario, by_space = agenda_evidence(view, frame, "zh", space_names={"P1": "小桥口袋公园"})

    assert by_scenario["scenario"].tolist() == ["neighbourhood", "health"]  # official order
    health = by_scenario.set_index("scenario").loc["health"]
    scores = [r[q] for r in responses for q in ("park_sat", "square_sat") if r[q] != "na"]
    assert health["label"] == "健康" and health["questions"] == 2
    assert health["answers"] == 2 * len(responses)
    assert health["satisfaction"] == pytest.approx(sum(scores) / len(scores))
    assert health["satisfied"] == pytest.approx(sum(1 for s in scores if s >= 4) / len(scores))
    assert health["needs"] == {} and health["points"] == 0

    neighbourhood = by_scenario.set_index("scenario").loc["neighbourhood"]
    named = Counter(v + "（中）" for r in responses for q in ("park_needs", "priorities")
                    for v in r[q])
    assert neighbourhood["needs"] == dict(named)
    assert list(neighbourhood["needs"].values()) == sorted(named.values(), reverse=True)
    assert math.isnan(neighbourhood["satisfaction"])

    spaces = by_space.set_index("space")
    assert by_space["space"].tolist() == ["P1", "square"]
    assert spaces.loc["P1", "level"] == "public_space"
    assert spaces.loc["P1", "label"] == "小桥口袋公园" and spaces.loc["square", "label"] == "广场"
    points = sum(1 for r in responses if "park_where" in r)
    assert 0 < points < len(responses)
    assert spaces.loc["P1", "points"] == points and spaces.loc["P1", "questions"] == 3
    park = [r["park_sat"] for r in responses if r["park_sat"] != "na"]
    assert spaces.loc["P1", "satisfaction"] == pytest.approx(sum(park) / len(park))
    assert spaces.loc["square", "level"] == "public_space_kind"


def test_agenda_evidence_without_tags_is_empty_with_columns(every):
    view, frame, _ = every
    by_scenario, by_space = agenda_evidence(view, frame, "en")
    assert len(by_scenario) == 0 and len(by_space) == 0
    assert list(by_scenario.columns) == ["scenario", "label", "questions", "answers",
                                         "satisfaction", "satisfied", "needs", "points"]
    assert list(by_space.columns) == ["space", "level", "label", "questions", "answers",
                                      "satisfaction", "satisfied", "needs", "points"]


def test_likert_table_of_the_services_survey(demo):
    services = load_survey(SERVICES_FILE)
    responses = generate_responses(services, 60, demo)
    frame = responses_frame(services, [{"answers": r} for r in responses])
    table = likert_table(services, frame, "zh")
    likert_ids = [q.id for q in services.questions() if q.type == "likert"]
    assert table["question"].tolist() == likert_ids
    row = table.set_index("question").loc["committee_attitude"]
    values = [r["committee_attitude"] for r in responses]
    assert [row[c] for c in LIKERT_COLUMNS] == [values.count(p) for p in (1, 2, 3, 4, 5, "na")]
    grid = table.set_index("question").loc["grid_service", "answered"]
    assert grid == sum(1 for r in responses if "grid_service" in r) < len(responses)
