"""The survey-results tool on a planner's notebook (or its Voilà app): choose a survey, a
question and a breakdown from lists; its table and chart, the response rates, the evidence
for the agenda and the responses as CSV and Excel files follow the choices. The numbers come
from :class:`workbench.surveys.planner.SurveyResults`; no respondent is ever shown."""

from __future__ import annotations

import tempfile
from pathlib import Path

import ipywidgets as w

from workbench import i18n, settings
from workbench.assets import style_tag
from workbench.escaping import esc
from workbench.page.download import CSV, EXCEL, DownloadLink
from workbench.page.figures import figure_png
from workbench.page.formats import NO_VALUE, frame_html, local_time, number
from workbench.page.language import Bilingual
from workbench.page.safety import guarded
from workbench.store import Store
from workbench.surveys import results
from workbench.surveys.planner import SurveyResults

#: the planners' panels' shared style (workbench/page/planner.css)
CSS = style_tag("workbench.page", "planner.css")
#: columns holding a share (0–1), shown as percentages
SHARES = ("share", "rate", "satisfied", "dissatisfied", "promoters", "passives", "detractors")
#: codes a reader never needs (the label beside them says it)
CODES = ("option", "point", "by", "scenario", "space", "level", "question", "type", "lon",
         "lat", "follow_up")
#: question types a breakdown can group by
GROUPS_BY = ("single_choice", "multiple_choice", "likert")


class SurveyResultsPanel:
    """The tool (``.widget``) over the published surveys of the settings' database."""

    def __init__(self, store: Store, lang: str = "zh", time_zone: str = "Asia/Shanghai",
                 community_id: str | None = None):
        self.store = store
        self.community_id = community_id  # its surveys only (None: every survey)
        self.lang = lang if lang in i18n.LANGUAGES else "zh"
        self.time_zone = time_zone
        self.results: SurveyResults | None = None
        self._build()

    @classmethod
    def from_settings(cls, lang: str = "zh", store: Store | None = None) -> "SurveyResultsPanel":
        from workbench.layers.community import load_community

        community = load_community(settings.get("layers_dir"))
        return cls(store or Store(), lang, community.time_zone, community.id)

    def t(self, key: str, **params) -> str:
        return i18n.t(self.lang, key, **params)

    def heading(self, column: str) -> str:
        key = f"surveys.col.{column}"
        return self.t(key) if key in i18n.catalogue(self.lang) else column

    # -- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        safe = guarded(self._show_unexpected)
        t = self.t
        options = [(f"{results.text_of(s['definition']['title'], self.lang)} · "
                    f"{t('surveys.panel.n_responses', n=self._responses(s))}", s["survey_id"])
                   for s in self.store.latest_survey_versions(self.community_id)]
        self.survey_choice = w.Dropdown(options=options, description=t("surveys.panel.survey"),
                                        layout=w.Layout(width="min(100%, 640px)"),
                                        style={"description_width": "initial"})
        self.question_choice = w.Dropdown(description=t("surveys.panel.question"),
                                          layout=w.Layout(width="min(100%, 640px)"),
                                          style={"description_width": "initial"})
        self.breakdown_choice = w.Dropdown(description=t("surveys.panel.breakdown"),
                                           layout=w.Layout(width="min(100%, 640px)"),
                                           style={"description_width": "initial"})
        self.all_versions = w.Checkbox(value=False, indent=False,
                                       description=t("surveys.panel.all_versions"),
                                       layout=w.Layout(width="auto"))
        self.status = w.HTML()
        self.summary = w.HTML()
        self.question_html = w.HTML()
        self.chart = w.Image(format="png", layout=w.Layout(max_width="min(100%, 720px)",
                                                          width="auto", height="auto"))
        self.breakdown_html = w.HTML()
        self.rates_html = w.HTML()
        self.evidence_html = w.HTML()
        self.csv = DownloadLink(t("surveys.panel.csv"), self._filename("csv"), CSV,
                                self._csv_bytes, t("surveys.panel.too_large"))
        self.excel = DownloadLink(t("surveys.panel.excel"), self._filename("xlsx"), EXCEL,
                                  self._excel_bytes, t("surveys.panel.too_large"))
        self.downloads = w.HBox([self.csv.widget, self.excel.widget])
        self.details = w.VBox([
            self.summary, self.downloads, self.question_choice,
            # the table beside its chart on a wide screen, above it on a narrow one
            w.HBox([self.question_html, self.chart], layout=w.Layout(
                flex_flow="row wrap", align_items="flex-start", grid_gap="8px 24px")),
            w.HTML(f"<h3>{esc(t('surveys.panel.breakdown_heading'))}</h3>"),
            self.breakdown_choice, self.breakdown_html,
            w.HTML(f"<h3>{esc(t('surveys.panel.rates_heading'))}</h3>"), self.rates_html,
            w.HTML(f"<h3>{esc(t('surveys.panel.evidence_heading'))}</h3>"),
            self.evidence_html])
        self.widget = w.VBox([
            w.HTML(CSS + f"<h2>{esc(t('surveys.panel.title'))}</h2>"
                   f"<p class='wb-hint'>{esc(t('surveys.panel.explain'))}</p>"),
            w.HBox([self.survey_choice, self.all_versions],
                   layout=w.Layout(flex_flow="row wrap", grid_gap="4px 16px")),
            self.status, self.details])
        self.widget.add_class("wb-planner")
        self.survey_choice.observe(safe(lambda _c: self.choose_survey()), names="value")
        self.all_versions.observe(safe(lambda _c: self.choose_survey()), names="value")
        self._quiet = False
        self.question_choice.observe(safe(self._question_chosen), names="value")
        self.breakdown_choice.observe(safe(self._question_chosen), names="value")
        if options:
            self.choose_survey()
        else:
            self.details.layout.display = "none"
            self.status.value = f"<p class='wb-hint'>{esc(t('surveys.panel.none'))}</p>"

    def _responses(self, survey: dict) -> int:
        return sum(1 for r in self.store.survey_responses(survey["survey_id"],
                                                          self.community_id)
                   if r["version"] == survey["version"])

    def _show_unexpected(self) -> None:
        self.status.value = f"<p class='wb-error'>{esc(self.t('error.unexpected'))}</p>"

    def _filename(self, suffix: str):
        return lambda: f"{self.survey_choice.value or 'survey'}.{suffix}"

    # -- following the choices ----------------------------------------------------------------
    def choose_survey(self, survey_id: str | None = None) -> None:
        """Show ``survey_id`` (or the one chosen in the list): every part follows."""
        if survey_id is not None:
            self.survey_choice.value = survey_id    # observed: comes back here
            return
        self.status.value = ""
        self.results = SurveyResults.from_settings(self.survey_choice.value, lang=self.lang,
                                                   all_versions=self.all_versions.value,
                                                   store=self.store)
        survey = self.results.survey
        questions = survey.questions()
        # new options leave nothing chosen: choose the first question and no split, and
        # draw them once below rather than on each change
        self._quiet = True
        try:
            self.question_choice.options = [(self._question_label(q), q.id) for q in questions]
            self.question_choice.value = questions[0].id if questions else None
            self.breakdown_choice.options = [(self.t("surveys.panel.no_breakdown"), "")] + [
                (self._question_label(q), q.id) for q in questions if q.type in GROUPS_BY]
            self.breakdown_choice.value = ""
        finally:
            self._quiet = False
        self.summary.value = self.summary_html()
        self.csv.refresh()
        self.excel.refresh()
        self.show_question()
        self.show_breakdown()
        self.rates_html.value = self.rates_table()
        self.evidence_html.value = self.evidence_table()

    def _question_chosen(self, change) -> None:
        if self._quiet:
            return
        if change["owner"] is self.question_choice:
            self.show_question()
        self.show_breakdown()

    def _question_label(self, q) -> str:
        text = results.text_of(q.text, self.lang)
        return text if len(text) <= 60 else text[:59] + "…"

    def summary_html(self) -> str:
        frame, t = self.results.frame, self.t
        created = frame["created_at"]
        first = local_time(created.min(), self.time_zone) if len(created) else NO_VALUE
        last = local_time(created.max(), self.time_zone) if len(created) else NO_VALUE
        title = results.text_of(self.results.survey.title, self.lang)
        key = "surveys.panel.summary_all" if self.all_versions.value else "surveys.panel.summary"
        text = t(key, n=len(frame), first=first, last=last, zone=self.time_zone)
        return f"<h3>{esc(title)}</h3><p>{esc(text)}</p>"

    def show_question(self) -> None:
        qid = self.question_choice.value
        if not qid or self.results is None:
            self.question_html.value, self.chart.value = "", b""
            return
        table, figure = self.results.question(qid)
        head = table.attrs
        line = self.t("surveys.panel.answered", answered=head["answered"],
                      responses=head["responses"])
        extra = ""
        if "mean" in head:
            extra = f" · {self.heading('mean')} {number(head['mean'])}"
        self.question_html.value = (f"<h3>{esc(head['text'])}</h3><p class='wb-hint'>"
                                    f"{esc(line + extra)}</p>" + self.table(table))
        self.chart.value = figure_png(figure) if figure is not None else b""
        self.chart.layout.display = None if figure is not None else "none"

    def show_breakdown(self) -> None:
        by, qid = self.breakdown_choice.value, self.question_choice.value
        if not by or not qid or self.results is None:
            self.breakdown_html.value = f"<p class='wb-hint'>{esc(self.t('surveys.panel.pick_breakdown'))}</p>"
            return
        if by == qid:
            self.breakdown_html.value = f"<p class='wb-hint'>{esc(self.t('surveys.panel.same_question'))}</p>"
            return
        self.breakdown_html.value = self.table(self.results.breakdown(qid, by))

    def table(self, frame) -> str:
        if not len(frame):
            return f"<p class='wb-hint'>{esc(self.t('surveys.panel.no_answers'))}</p>"
        columns = [c for c in frame.columns if c not in CODES]
        return frame_html(frame, self.heading, percent_columns=SHARES, columns=columns)

    def rates_table(self) -> str:
        """Responses against households, by the question asking which part of the community
        one lives in (its options are the ``areas`` of community.yaml), if the survey has one."""
        areas = self.results.areas()
        question = next((q for q in self.results.survey.questions()
                         if q.type == "single_choice" and areas
                         and {o.value for o in q.options} <= set(areas)), None)
        if question is None:
            return f"<p class='wb-hint'>{esc(self.t('surveys.panel.no_areas'))}</p>"
        rates = self.results.response_rate(question.id, self.results.households(areas))
        labels = results.option_labels(question.options, self.lang)
        labels["all"] = self.t("surveys.panel.all")
        rates["label"] = [labels.get(v, v) for v in rates["value"]]
        return frame_html(rates, self.heading, percent_columns=SHARES,
                          columns=["label", "responses", "households", "rate"])

    def evidence_table(self) -> str:
        by_scenario, by_space = self.results.evidence()
        if not len(by_scenario) and not len(by_space):
            return f"<p class='wb-hint'>{esc(self.t('surveys.panel.no_evidence'))}</p>"
        columns = ["label", "questions", "answers", "satisfaction", "satisfied", "needs", "points"]
        return "".join(frame_html(f, self.heading, percent_columns=SHARES, columns=columns)
                       for f in (by_scenario, by_space) if len(f))

    # -- files --------------------------------------------------------------------------------
    def _file_bytes(self, write) -> bytes | None:
        if self.results is None:
            return None
        with tempfile.TemporaryDirectory() as folder:
            return Path(write(Path(folder) / "results")).read_bytes()

    def _csv_bytes(self) -> bytes | None:
        return self._file_bytes(lambda p: self.results.export_csv(p.with_suffix(".csv")))

    def _excel_bytes(self) -> bytes | None:
        return self._file_bytes(lambda p: self.results.export_excel(p.with_suffix(".xlsx")))


def survey_results_app(lang: str = "zh") -> Bilingual:
    """The surveys notebook's app: the tool with its 中文 / English switch."""
    return Bilingual(lambda language: SurveyResultsPanel.from_settings(language), lang)
