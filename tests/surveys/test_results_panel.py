"""The survey-results tool: every choice is a list, the tables and chart follow it, shares are
percentages, times local, the files download; the notebook runs on an empty and a full
database."""

from __future__ import annotations

import base64
import io
import re

import pandas as pd
import pytest

from notebooks import execute, widget_values
from test_charts_export import seed_settings_store  # noqa: F401
from workbench.surveys.results_panel import SurveyResultsPanel, survey_results_app


@pytest.fixture(scope="module")
def demo():
    from servers import DEMO_LAYERS
    from workbench.layers.community import load_community

    return load_community(DEMO_LAYERS)


def link_bytes(html: str) -> tuple[str, bytes]:
    name = re.search(r'download="([^"]+)"', html).group(1)
    payload = re.search(r'base64,([^"]+)"', html).group(1)
    return name, base64.b64decode(payload)


def test_choices_drive_the_tables_and_the_files(demo):
    counts = seed_settings_store(demo, 30)
    panel = SurveyResultsPanel.from_settings("en")
    assert [v for _l, v in panel.survey_choice.options] == list(counts)
    assert "30 responses" in panel.survey_choice.options[0][0]
    panel.survey_choice.value = "public_space_needs"
    panel.question_choice.value = "visit_frequency"
    html = panel.question_html.value
    assert "%" in html and "0.4" not in html and "visit_frequency" not in html
    assert panel.chart.value[:4] == b"\x89PNG"
    # the summary's times are local minutes, not UTC with microseconds
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d ·", panel.summary.value)
    assert "Asia/Shanghai" in panel.summary.value and "." not in panel.summary.value.split("first")[1][:20]
    # a split follows the chosen question
    panel.breakdown_choice.value = "building_area"
    assert "North of Heguang Road" in panel.breakdown_html.value
    panel.question_choice.value = "missing"
    assert "North of Heguang Road" in panel.breakdown_html.value
    assert "Whole community" in panel.rates_html.value
    assert "{" not in panel.evidence_html.value          # needs in words, not a dict
    name, data = link_bytes(panel.csv.widget.value)
    assert name == "public_space_needs.csv"
    assert len(pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")) == 30
    name, data = link_bytes(panel.excel.widget.value)
    assert name.endswith(".xlsx") and len(pd.read_excel(io.BytesIO(data))) == 30
    # another survey: everything follows
    panel.survey_choice.value = "services_satisfaction"
    assert link_bytes(panel.csv.widget.value)[0] == "services_satisfaction.csv"
    assert panel.question_choice.value == panel.results.survey.questions()[0].id


def test_earlier_versions_are_counted_when_asked(demo):
    from workbench.store import Store
    from workbench.surveys.answers import survey_view

    counts = seed_settings_store(demo, 10)
    store = Store()
    old = next(s for s in store.latest_survey_versions() if s["survey_id"] == "services_satisfaction")
    definition = dict(old["definition"], title={"zh": "第二轮", "en": "Round two"})
    store.publish_survey("services_satisfaction", "v2-test", definition)
    panel = SurveyResultsPanel.from_settings("en")
    panel.survey_choice.value = "services_satisfaction"
    assert "0 responses to the newest version" in panel.summary.value
    panel.all_versions.value = True
    assert f"{counts['services_satisfaction']} responses to every version" in panel.summary.value
    assert survey_view(definition).id == "services_satisfaction"


def test_switching_language_rebuilds_in_chinese(demo):
    seed_settings_store(demo, 5)
    app = survey_results_app("en")
    assert "Survey results" in app.tool.widget.children[0].value
    app.switch.value = "zh"
    assert "问卷结果" in app.tool.widget.children[0].value and app.tool.lang == "zh"


def test_empty_database_says_so():
    from workbench.demo import init
    from workbench.store import Store

    init()
    store = Store()
    panel = SurveyResultsPanel(_NoSurveys(store), "zh")
    assert "还没有发布任何问卷" in panel.status.value
    assert panel.details.layout.display == "none"


class _NoSurveys:
    """A store with no published survey (the demo publishes two)."""

    def __init__(self, store):
        self.store = store

    def latest_survey_versions(self, community_id=None):
        return []

    def __getattr__(self, name):
        return getattr(self.store, name)


def test_survey_notebook_runs_on_a_full_database(demo, tmp_path):
    seed_settings_store(demo, 40)
    nb, _outputs = execute("surveys.ipynb", tmp_path)
    shown = widget_values(nb)
    assert "公共空间使用与需求调查" in shown and "%" in shown
    assert "download=\"public_space_needs.csv\"" in shown
    assert "PosixPath" not in shown
