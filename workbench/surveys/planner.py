"""What the survey-results notebook builds: one survey's latest version and its responses,
read from the store, with its tables, charts and exports. The numbers come from
:mod:`workbench.surveys.results`, the charts from :mod:`workbench.surveys.charts`."""

from __future__ import annotations

from pathlib import Path

from workbench import settings
from workbench.page.figures import show_figures_as_png
from workbench.store import Store
from workbench.surveys import charts, export, results
from workbench.surveys.answers import survey_view


class SurveyResults:
    """Results of one survey version. ``rows`` are ``Store.survey_responses`` rows (the
    store never returns the respondent key); ``layers`` the community's layers (GeoJSON
    dicts, as ``Community.layers``) for the maps."""

    def __init__(self, survey, rows: list[dict], lang: str = "zh", layers: dict | None = None,
                 version: str | None = None, areas: dict[str, list[str]] | None = None):
        self.survey = survey
        self._areas = dict(areas or {})
        self.version = version
        self.lang = lang
        self.layers = layers
        self.frame = results.responses_frame(survey, rows)
        show_figures_as_png()

    @staticmethod
    def available(store: Store | None = None, community_id: str | None = None):
        """The published surveys (newest version of each; ``community_id``'s only, when
        given) with their number of responses."""
        import pandas as pd

        store = store or Store()
        rows = []
        for s in store.latest_survey_versions(community_id):
            answered = store.survey_responses(s["survey_id"], community_id)
            rows.append({"survey": s["survey_id"], "version": s["version"],
                         "title": s["definition"]["title"]["zh"],
                         "responses": sum(1 for r in answered if r["version"] == s["version"]),
                         "all_versions": len(answered)})
        return pd.DataFrame(rows, columns=["survey", "version", "title", "responses",
                                           "all_versions"])

    @classmethod
    def from_settings(cls, survey_id: str, lang: str = "zh", all_versions: bool = False,
                      store: Store | None = None) -> "SurveyResults":
        """The newest published version of ``survey_id`` and its responses, from the
        database of the settings. ``all_versions=True`` also reads the responses to earlier
        versions (only their answers to questions still asked, by id)."""
        from workbench.layers.current import current_community

        store = store or Store()
        community = current_community(settings.get("layers_dir"), store)
        latest = {s["survey_id"]: s for s in store.latest_survey_versions(community.id)}
        if survey_id not in latest:
            raise KeyError(f"no published survey {survey_id!r}; published: "
                           f"{', '.join(latest) or 'none (run workbench init)'}")
        found = latest[survey_id]
        rows = store.survey_responses(survey_id, community.id)
        if not all_versions:
            rows = [r for r in rows if r["version"] == found["version"]]
        return cls(survey_view(found["definition"]), rows, lang=lang, layers=community.layers,
                   version=found["version"], areas=community.areas)

    # -- tables and charts ------------------------------------------------------------------
    def summary(self):
        import pandas as pd

        created = self.frame["created_at"]
        return pd.DataFrame([{
            "survey": self.survey.id, "title": results.text_of(self.survey.title, self.lang),
            "version": self.version, "responses": len(self.frame),
            "first": created.min() if len(created) else None,
            "last": created.max() if len(created) else None}])

    def question_ids(self) -> list[str]:
        return [q.id for q in self.survey.questions()]

    def question(self, question_id: str):
        """(table, figure) of one question; figure is None for a free-text question."""
        table = results.question_results(self.survey, self.frame, question_id, self.lang)
        figure = charts.question_chart(self.survey, self.frame, question_id, self.lang,
                                       layers=self.layers, table=table)
        return table, figure

    def show(self, question_id: str) -> None:
        """Display a question's text, table and chart in the notebook."""
        from IPython.display import Markdown, display

        table, figure = self.question(question_id)
        head = table.attrs
        display(Markdown(f"### {head['text']}\n`{question_id}` · {head['type']} · "
                         f"n = {head['answered']} / {head['responses']}"))
        display(table)
        if figure is not None:
            display(figure)

    def likert_overview(self):
        """(table, figure) of every likert question side by side, or (table, None)."""
        table = results.likert_table(self.survey, self.frame, self.lang)
        return table, (charts.likert_bars(table, lang=self.lang) if len(table) else None)

    def breakdown(self, question_id: str, by: str):
        return results.breakdown(self.survey, self.frame, question_id, by, self.lang)

    def households(self, groups: dict[str, list[str]] | None = None) -> dict[str, int]:
        """Households per building (the buildings layer), or per group of buildings:
        ``groups={"north": ["B01", "B02"], ...}`` sums the buildings of each."""
        per_building = {f["properties"]["id"]: int(f["properties"].get("households") or 0)
                        for f in (self.layers or {}).get("buildings", {}).get("features", [])}
        if groups is None:
            return {b: n for b, n in per_building.items() if n}
        return {g: sum(per_building.get(b, 0) for b in buildings)
                for g, buildings in groups.items()}

    def areas(self) -> dict[str, list[str]]:
        """The community's parts by building ids (``areas`` in community.yaml)."""
        return dict(self._areas)

    def response_rate(self, by: str, households: dict[str, int]):
        return results.response_rate(self.frame, by, households)

    def evidence(self):
        """(by_scenario, by_space): see :func:`workbench.surveys.results.agenda_evidence`."""
        names = {f["properties"]["id"]: f["properties"].get(f"name_{self.lang}")
                 for f in (self.layers or {}).get("public_spaces", {}).get("features", [])}
        return results.agenda_evidence(self.survey, self.frame, self.lang, space_names=names)

    # -- files ------------------------------------------------------------------------------
    def export_csv(self, path: str | Path) -> Path:
        return export.write_csv(self.survey, self.frame, path)

    def export_excel(self, path: str | Path) -> Path:
        return export.write_excel(self.survey, self.frame, path)
