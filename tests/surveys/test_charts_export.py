"""Charts (Chinese labels render, likert bars diverge around zero), CSV and Excel exports read
back, the SurveyResults helper on the settings' store, and the survey notebook run headless."""

from __future__ import annotations

import logging
import warnings
from contextlib import contextmanager

import pandas as pd
import pytest
from matplotlib.figure import Figure

from samples import SURVEY
from servers import DEMO_LAYERS
from test_results import (NEEDS_FILE, SERVICES_FILE, generate_responses, store_responses,
                          stored_frame)
from workbench.surveys import charts, load_survey
from workbench.surveys.export import export_frame, write_csv, write_excel
from workbench.surveys.results import question_results, responses_frame


@pytest.fixture(scope="module")
def demo():
    from workbench.layers.community import load_community

    return load_community(DEMO_LAYERS)


@contextmanager
def glyph_problems(caplog):
    """Collects every 'Glyph … missing' warning or log record raised inside the block."""
    found: list[str] = []
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        yield found
    texts = [str(w.message) for w in caught] + [r.getMessage() for r in caplog.records]
    found.extend(t for t in texts if "Glyph" in t and "missing" in t)


# -- fonts -------------------------------------------------------------------------------------
def test_chinese_labels_render_without_missing_glyphs(tmp_path, caplog):
    font = charts.use_cjk_font()
    assert font, "no CJK font: install Debian's fonts-noto-cjk (make system-deps)"
    table = pd.DataFrame({"label": ["银杏口袋公园", "和光邻里中心"], "count": [3, 1],
                          "share": [0.75, 0.25]})
    with glyph_problems(caplog) as problems:
        fig = charts.choice_bars(table, title="您最常去的是哪几处？", lang="zh")
        fig.savefig(tmp_path / "zh.png")
    assert problems == []
    assert fig.get_suptitle() == "您最常去的是哪几处？"


def test_the_glyph_check_would_catch_a_latin_only_font(tmp_path, caplog):
    """The check above is not vacuous: Chinese in a font without CJK glyphs is caught."""
    fig = Figure()
    fig.add_subplot().text(0.5, 0.5, "和光社区", fontfamily="DejaVu Sans")
    with glyph_problems(caplog) as problems:
        fig.savefig(tmp_path / "boxes.png")
    assert problems


# -- charts ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["every_type", "public_space_needs", "services_satisfaction"])
def test_every_question_gets_its_chart(name, tmp_path, caplog, community, demo):
    survey = SURVEY if name == "every_type" else load_survey(
        NEEDS_FILE if name == "public_space_needs" else SERVICES_FILE)
    place = community if name == "every_type" else demo
    frame = responses_frame(survey, [{"answers": r}
                                     for r in generate_responses(survey, 60, place)])
    written = []
    with glyph_problems(caplog) as problems:
        for q in survey.questions():
            fig = charts.question_chart(survey, frame, q.id, "zh", layers=place.layers)
            if q.type == "text":
                assert fig is None
                continue
            assert isinstance(fig, Figure)
            path = tmp_path / f"{q.id}.png"
            fig.savefig(path, dpi=60)
            written.append(path)
    assert problems == []
    assert written and all(p.stat().st_size > 2000 for p in written)


def test_likert_bars_diverge_around_zero():
    table = pd.DataFrame([{"label": "保洁", "1": 10, "2": 10, "3": 20, "4": 30, "5": 30,
                           "na": 50}])
    fig = charts.likert_bars(table, lang="zh")
    ax = fig.axes[0]
    bars = {p.get_gid(): p for p in ax.patches if p.get_gid()}
    span = {gid: (round(p.get_x(), 9), round(p.get_x() + p.get_width(), 9))
            for gid, p in bars.items()}
    # shares of the 100 scored answers ("na" left out): neutral centred on zero,
    # dissatisfied to its left, satisfied to its right
    assert span == {"likert-1": (-0.3, -0.2), "likert-2": (-0.2, -0.1),
                    "likert-3": (-0.1, 0.1), "likert-4": (0.1, 0.4), "likert-5": (0.4, 0.7)}
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["非常不满意", "不满意", "一般", "满意", "非常满意"]


def test_single_likert_question_and_ranked_pairwise_order(community):
    frame = responses_frame(SURVEY, [{"answers": r}
                                     for r in generate_responses(SURVEY, 40, community)])
    table = question_results(SURVEY, frame, "sat", "en")
    fig = charts.likert_bars(table, lang="en")
    widths = sum(p.get_width() for p in fig.axes[0].patches if p.get_gid())
    assert widths == pytest.approx(1)  # one bar of all scored answers
    assert "mean" in fig.axes[0].get_title(loc="left")

    ideas = question_results(SURVEY, frame, "ideas", "en")
    fig = charts.ranked_bars(ideas, "score", lang="en", reference=0.5)
    shown = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert shown == ideas.sort_values("score", ascending=False)["label"].tolist()


def test_point_map_draws_the_community_and_the_points(community):
    frame = responses_frame(SURVEY, [{"answers": r}
                                     for r in generate_responses(SURVEY, 30, community)])
    points = question_results(SURVEY, frame, "where", "en")
    fig = charts.point_map(points, community.layers, lang="en",
                           categories=["dark", "broken"])
    ax = fig.axes[0]
    assert len(ax.patches) >= 1 + 3 + 3  # boundary, buildings, public-space polygons
    drawn = sum(len(c.get_offsets()) for c in ax.collections)
    assert drawn == len(points)
    west, south, east, north = community.boundary.bounds
    x0, x1 = ax.get_xlim()
    assert x0 <= west and x1 >= east


# -- exports -----------------------------------------------------------------------------------
@pytest.fixture
def stored(store, community):
    """SURVEY's generated responses saved under respondent keys, read back as the notebook
    does; the keys are returned so a test can look for them in the files."""
    responses = generate_responses(SURVEY, 50, community)
    store_responses(store, SURVEY, responses, prefix="secret-device-key")
    view, frame = stored_frame(store, SURVEY)
    return view, frame, responses


EXPECTED_COLUMNS = ["version", "created_at", "uses", "why_not", "spaces", "shade", "sat", "nps",
                    "minutes", "top", "where_lon", "where_lat", "where_follow_up", "ideas"]


def check_export(table: pd.DataFrame, responses: list[dict]) -> None:
    assert list(table.columns) == EXPECTED_COLUMNS
    assert len(table) == len(responses)
    assert table["spaces"].tolist() == [";".join(sorted(r["spaces"])) for r in responses]
    assert table["top"].tolist() == [";".join(r["top"]) for r in responses]
    lon = [r["where"]["lon"] for r in responses]
    assert table["where_lon"].tolist() == pytest.approx(lon)
    assert [str(v) for v in table["sat"]] == [str(r["sat"]) for r in responses]
    first = responses[0]["ideas"][0]
    assert table["ideas"].iloc[0].split(";")[0] == f"{first['a']}/{first['b']}:{first['pick']}"


def test_csv_has_a_bom_one_column_per_question_and_no_respondent(stored, tmp_path):
    view, frame, responses = stored
    path = write_csv(view, frame, tmp_path / "responses.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert "secret-device-key" not in text and "respondent" not in text
    assert "receipt" not in text
    table = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False, dtype=str)
    table["where_lon"] = table["where_lon"].astype(float)
    check_export(table, responses)
    assert "（中）" not in text  # codes, not labels: the codebook has the labels


def test_excel_reads_back_with_a_codebook(stored, tmp_path):
    view, frame, responses = stored
    path = write_excel(view, frame, tmp_path / "responses.xlsx")
    sheets = pd.read_excel(path, sheet_name=None)
    assert list(sheets) == ["responses", "questions"]
    table = sheets["responses"]
    check_export(table, responses)
    assert pd.api.types.is_datetime64_any_dtype(table["created_at"])
    from openpyxl import load_workbook

    cells = [str(c.value) for sheet in load_workbook(path).worksheets
             for row in sheet.iter_rows() for c in row]
    assert not any("secret-device-key" in c or "respondent" in c for c in cells)
    book = sheets["questions"].set_index("column")
    assert book.loc["uses", "text_zh"] == "Use?（中）"
    assert "yes = yes（中） / yes" in book.loc["uses", "options"]


def test_export_frame_of_no_responses_keeps_its_columns():
    table = export_frame(SURVEY, responses_frame(SURVEY, []))
    assert list(table.columns) == EXPECTED_COLUMNS and len(table) == 0


# -- the notebook helper and the notebook ------------------------------------------------------
def seed_settings_store(demo, n: int = 40) -> dict[str, int]:
    """``workbench init`` on the settings' database (WORKBENCH_HOME of the autouse fixture),
    then ``n`` generated responses to each published survey."""
    from workbench.demo import init
    from workbench.store import Store
    from workbench.surveys.answers import survey_view

    init()
    store = Store()
    counts = {}
    for s in store.latest_survey_versions():
        view = survey_view(s["definition"])
        for i, answers in enumerate(generate_responses(view, n, demo)):
            store.save_response(s["id"], f"notebook-device-{i}", answers)
        counts[s["survey_id"]] = n
    store.dispose()
    return counts


def test_survey_results_from_settings(demo, tmp_path):
    from workbench.surveys.planner import SurveyResults

    counts = seed_settings_store(demo, 30)
    assert SurveyResults.available().set_index("survey")["responses"].to_dict() == counts
    results = SurveyResults.from_settings("services_satisfaction", lang="en")
    assert len(results.frame) == 30
    for qid in results.question_ids():
        table, figure = results.question(qid)
        assert table.attrs["question"] == qid
        assert (figure is None) == (results.survey.question(qid).type == "text")
    table, figure = results.likert_overview()
    likert = [q for q in results.survey.questions() if q.type == "likert"]
    assert len(table) == len(likert) > 10 and isinstance(figure, Figure)
    areas = results.households({"north": ["B01", "B02"], "south": ["B20"]})
    assert areas == {"north": 176, "south": 88}
    assert results.households()["B03"] == 144 and "B21" not in results.households()
    rate = results.response_rate("building_area", areas).set_index("value")
    assert rate.loc["all", "responses"] == 30
    by_scenario, by_space = results.evidence()
    assert list(by_scenario.columns)[:2] == ["scenario", "label"]
    csv = results.export_csv(tmp_path / "r.csv")
    xlsx = results.export_excel(tmp_path / "r.xlsx")
    assert len(pd.read_csv(csv, encoding="utf-8-sig")) == len(pd.read_excel(xlsx)) == 30
    with pytest.raises(KeyError, match="no published survey"):
        SurveyResults.from_settings("nope")
