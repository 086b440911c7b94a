"""A survey rendered from its definition, with no survey-specific code: one block of widgets
per question, chosen by the question's type (:mod:`workbench.surveys.question_widget`).

Values go through :func:`workbench.surveys.answers.check_response` in Python before anything
is saved; a problem shows beside its question in the resident's language. Saving stores the
whole response at once (an edit if this respondent answered before) and shows a receipt.

On the resident page, :class:`OpenSurveys` lists the open surveys and shows the one chosen.
"""

from __future__ import annotations

import json
from datetime import date

import ipywidgets as w

from workbench import i18n
from workbench.deliberation.statements import voter_key
from workbench.layers.page_map_widget import PageMap
from workbench.participation.floods import FloodLimited
from workbench.store import StoreBusy
from workbench.escaping import esc
from workbench.page.access import live, scroll_to
from workbench.page.part import PagePart
from workbench.page.safety import guarded, server_log
from workbench.surveys.answers import check_response, is_visible, progress, survey_is_open, \
    survey_view, text_of
from workbench.surveys.question_widget import QuestionBlock

DRAFT_MAX_BYTES = 64 * 1024
DRAFT_WRITES = 500  # most draft writes of one form: a bound on what a scripted client can cost



def vars_of(survey) -> dict:
    """The opening dates of a survey (a view or a model) as the stored definition has them."""
    def iso(d):
        return d.isoformat() if hasattr(d, "isoformat") else d
    return {"opens": iso(getattr(survey, "opens", None)),
            "closes": iso(getattr(survey, "closes", None))}


class SurveyForm:
    """One survey on the page: its questions, progress, a submit button and the receipt."""

    def __init__(self, survey, survey_version_id: int, store, respondent: str, lang: str,
                 community=None, map_factory=None):
        self.survey = survey
        self.version_id = survey_version_id
        self.store = store
        self.respondent = respondent
        self.lang = lang
        self.community = community
        self.log = server_log()
        self.receipt: str | None = None
        self.code_id: int | None = None  # the respondent's code (surveys per participant)
        safe = guarded(self._show_unexpected)
        self.title = w.HTML()
        self.progress = w.HTML()
        self.blocks: dict[str, QuestionBlock] = {}
        sections = []
        for section in survey.sections:
            heading = w.HTML(f"<h3>{esc(text_of(section.title, lang))}</h3>")
            blocks = []
            for q in section.questions:
                block = QuestionBlock(q, lang, safe(self.refresh), community, map_factory)
                self.blocks[q.id] = block
                blocks.append(block.box)
            sections.append(w.VBox([heading] + blocks))
        self.submit = w.Button(description=i18n.t(lang, "survey.submit"),
                               button_style="primary")
        self.submit.add_class("wb-submit-survey")
        self.submit.on_click(safe(self._on_submit))
        self.message = w.HTML()
        self.message.add_class("wb-error")
        live(self.message)
        self.receipt_html = w.HTML()
        live(self.receipt_html)
        self.widget = w.VBox([self.title, self.progress] + sections
                             + [self.submit, self.message, self.receipt_html])
        self.widget.add_class("wb-survey")
        self.title.value = (f"<h2>{esc(text_of(survey.title, lang))}</h2>"
                            + (f"<p>{esc(text_of(survey.description, lang))}</p>"
                               if getattr(survey, "description", None) else ""))
        self._restoring = False
        self._last_draft: str | None = None
        self._draft_writes = 0
        self.set_respondent(respondent)

    def set_respondent(self, respondent: str) -> None:
        """Whose answers these are; brings back their draft or saved response, if any."""
        self.respondent = respondent
        earlier = self.store.response_of(self.version_id, respondent)
        self.receipt = earlier["receipt_code"] if earlier else None
        draft = self.store.draft_of(self.version_id, respondent)
        answers = draft if draft is not None else (earlier or {}).get("answers")
        if isinstance(answers, dict):
            self._restoring = True
            try:
                for qid, block in self.blocks.items():
                    block.set_value(answers.get(qid))
            finally:
                self._restoring = False
        self.refresh()

    def _keep_draft(self, answers: dict) -> None:
        """Save unfinished answers at each change so a reload keeps them: only real changes,
        at most DRAFT_WRITES per form and DRAFT_MAX_BYTES each (a draft is never validated)."""
        body = json.dumps(answers, ensure_ascii=False, sort_keys=True, default=str)
        if body == self._last_draft or len(body.encode()) > DRAFT_MAX_BYTES \
                or self._draft_writes >= DRAFT_WRITES:
            return
        self.store.save_draft(self.version_id, self.respondent, json.loads(body))
        self._last_draft = body
        self._draft_writes += 1

    def answers(self) -> dict:
        return {qid: block.value() for qid, block in self.blocks.items()}

    def refresh(self) -> None:
        """Show the questions that apply to the answers so far, and the progress."""
        answers = self.answers()
        if not self._restoring and any(v is not None for v in answers.values()):
            self._keep_draft(answers)
        for block in self.blocks.values():
            block.box.layout.display = None if is_visible(block.q, answers) else "none"
        done, shown = progress(self.survey, answers)
        self.progress.value = (f"<span class='wb-hint'>"
                               f"{esc(i18n.t(self.lang, 'survey.progress', done=done, total=shown))}"
                               f"</span>")

    def _on_submit(self, _button=None) -> None:
        self.save()

    def save(self) -> str | None:
        if not survey_is_open(vars_of(self.survey), date.today()):
            self.message.value = esc(i18n.t(self.lang, "survey.closed"))
            return None
        clean, problems = check_response(self.survey, self.answers(), self.community)
        for qid, block in self.blocks.items():
            block.show_error(problems.get(qid))
        if problems:
            self.message.value = esc(i18n.t(self.lang, "form.fix_errors"))
            first = next(iter(problems))
            if self.blocks[first].inputs:
                self.blocks[first].inputs[0].focus()
            return None
        self.message.value = ""
        try:
            self.receipt = self.store.save_response(self.version_id, self.respondent, clean)
        except StoreBusy:
            self.message.value = esc(i18n.t(self.lang, "survey.busy"))
            return None
        except FloodLimited as flood:  # too many new responses from this client: none saved
            self.message.value = esc(i18n.t(self.lang, flood.message[0], **flood.message[1]))
            return None
        self.log.info("survey %s answered, receipt %s", self.survey.id, self.receipt)
        if self.code_id is not None:  # answered with a participation code: points
            from workbench.points.hooks import earn

            earn(self.store, self.community.id, self.code_id, "survey_completed",
                 self.survey.id)
        self.receipt_html.value = (
            f"<div class='wb-receipt' role='status'><h2>{esc(i18n.t(self.lang, 'survey.saved'))}"
            f"</h2>{esc(i18n.t(self.lang, 'receipt.code'))}: "
            f"<span class='wb-code'>{esc(self.receipt)}</span></div>")
        scroll_to(self.receipt_html)
        return self.receipt

    def _show_unexpected(self) -> None:
        self.message.value = esc(i18n.t(self.lang, "error.unexpected"))


class OpenSurveys(PagePart):
    """The open surveys on the resident page, and the one a resident opened below them."""

    NAME = "surveys"
    ORDER = 60
    CSS = "page.css"
    LAZY = True  # built, and the open surveys read, when first opened
    HEADING = "survey.heading"

    def __init__(self, session, page):
        super().__init__(session, page)
        self.open_surveys: list[dict] = []
        self.survey_form: SurveyForm | None = None

    def build(self) -> None:
        self.surveys_heading = w.HTML()
        self.survey_buttons = w.VBox()
        self._buttons: dict[str, w.Button] = {}
        self.survey_area = w.VBox()
        self.widget = w.VBox([self.surveys_heading, self.survey_buttons, self.survey_area])
        self.widget.add_class("wb-surveys")

    def refresh(self) -> None:
        if not self.built:
            return  # read when opened
        # every open survey is offered; one "per participant" (not anonymous) asks for the
        # page's participation code when opened
        self.open_surveys = [s for s in self.store.latest_survey_versions(
                                 self.session.community.id)
                             if survey_is_open(s["definition"], date.today())]
        self.render()

    def render(self) -> None:
        if not self.built:
            return  # drawn when opened
        # the heading is the fold's
        self.surveys_heading.value = ("" if self.open_surveys
                                      else f"<p>{esc(self.t('survey.none_open'))}</p>")
        self._buttons = {}
        for row in self.open_surveys:
            title = row["definition"]["title"][self.lang]
            if not row["definition"].get("anonymous", True):
                title = self.t("survey.with_code", title=title)
            button = w.Button(description=title, layout={"width": "100%", "height": "auto"})
            button.add_class("wb-survey-open")
            button.on_click(self.page.safe(
                lambda _b, row=row: self.open_survey(row["survey_id"])))
            self._buttons[row["survey_id"]] = button
        self._place_form()

    def _place_form(self) -> None:
        """The buttons, with the open survey's form right below its own (where the resident
        tapped)."""
        form = self.survey_form
        opened = getattr(form, "survey_id", None)
        children = []
        for survey_id, button in self._buttons.items():
            children.append(button)
            if survey_id == opened:
                children.append(form.widget)
        self.survey_buttons.children = children

    def open_survey(self, survey_id: str) -> SurveyForm | None:
        """Show one open survey's form below the list of surveys."""
        row = next((r for r in self.open_surveys if r["survey_id"] == survey_id), None)
        if row is None:
            return None
        anonymous = row["definition"].get("anonymous", True)
        if anonymous:
            respondent = self.session.respondent
        else:  # one response per participation code, whichever phone it is typed on
            code_id = self.session.active_code()
            if code_id is None:
                self.survey_form = None
                self._place_form()
                return None
            respondent = voter_key(code_id)
        community = self.session.community
        form = SurveyForm(survey_view(row["definition"]), row["id"], self.store, respondent,
                          self.lang, community,
                          map_factory=lambda: PageMap(community, self.lang, height="300px"))
        form.anonymous = anonymous
        form.code_id = None if anonymous else code_id
        form.survey_id = survey_id
        self.survey_form = form
        self._place_form()
        # a survey not listed (any more) opens below the list
        self.survey_area.children = [] if survey_id in self._buttons else [form.widget]
        scroll_to(form.widget)
        return form

    def on_respondent(self) -> None:
        form = self.survey_form
        if form is not None and getattr(form, "anonymous", True):
            form.set_respondent(self.session.respondent)


SECTIONS = [OpenSurveys]
