"""The published community agenda on the resident page, and "what happened to my proposal".

It reads only the newest published version (a JSON snapshot: no pandas in the resident's
kernel), so what residents see is what the committee published. A resident looks up their
proposal by its receipt code, or the proposals they supported by their participation code,
and sees its item, the decision, the public reason, the status and its history.
"""

from __future__ import annotations

import ipywidgets as w

from workbench import vocabulary
from workbench.agenda.snapshot import items_of
from workbench.participation.codes import AttemptLimiter, check_code, normalise_code
from workbench.proposals.rules import normalise_receipt_code
from workbench.page.part import PagePart
from workbench.escaping import esc
from workbench.layers.map_widget import DECISION_COLOURS

HISTORY_SHOWN = 5  # newest updates shown per item


class AgendaSection(PagePart):
    """The agenda section (``.widget``) of the resident page; its items are also drawn on the
    page's map."""

    NAME = "agenda_section"
    ORDER = 40
    CSS = "page.css"

    def __init__(self, session, page):
        super().__init__(session, page)
        self.snapshot: dict | None = None
        self.found: list[tuple[dict, dict]] | None = None
        self.found_pending: list[dict] = []
        self.problem: tuple[str, dict] | None = None
        self.limiter = AttemptLimiter()
        safe = page.safe
        self.heading = w.HTML()
        self.items_html = w.HTML()
        self.lookup_heading = w.HTML()
        self.lookup_input = w.Text(continuous_update=False, layout={"width": "100%"})
        self.lookup_input.add_class("wb-field")
        self.lookup_button = w.Button(layout={"width": "auto"})
        self.lookup_button.on_click(safe(lambda _b: self.look_up(self.lookup_input.value)))
        self.result = w.HTML()
        self.widget = w.VBox([self.heading, self.items_html, self.lookup_heading,
                              self.lookup_input, self.lookup_button, self.result])
        self.widget.add_class("wb-agenda")

    def refresh(self) -> None:
        self.snapshot = self.store.agenda_version(self.session.community.id)
        self.page.map.show_agenda(self.snapshot["items"] if self.snapshot else [])
        self.render()

    # -- showing ----------------------------------------------------------------------------
    def render(self) -> None:
        t = self.t
        snap = self.snapshot
        if snap:
            date = str(snap.get("published_at", ""))[:10]
            self.heading.value = (f"<h2>{esc(t('agenda.heading'))}</h2><p class='wb-hint'>"
                                  f"{esc(t('agenda.version', version=snap['version'], date=date))}"
                                  "</p>")
            self.items_html.value = "".join(self._item_html(i) for i in snap["items"]) or \
                f"<p>{esc(t('agenda.empty'))}</p>"
        else:
            self.heading.value = f"<h2>{esc(t('agenda.heading'))}</h2>"
            self.items_html.value = f"<p class='wb-hint'>{esc(t('agenda.none'))}</p>"
        self.lookup_heading.value = (f"<h3>{esc(t('agenda.lookup_heading'))}</h3>"
                                     f"<p class='wb-hint'>{esc(t('agenda.lookup_explain'))}</p>")
        self.lookup_input.placeholder = t("agenda.lookup_placeholder")
        self.lookup_button.description = t("agenda.lookup")
        self.result.value = self._result_html()

    def _decision_chip(self, item: dict) -> str:
        colour = DECISION_COLOURS.get(item["decision"], "#777")
        return (f"<span class='wb-chip' style='background:{colour}'>"
                f"{esc(self.t('agenda.decision.' + item['decision']))}</span>")

    def _item_html(self, item: dict, full: bool = False) -> str:
        t = self.t
        lines = [f"<div class='wb-agenda-item'><b>{item['rank']}. {esc(item['title'])}</b> "
                 f"{self._decision_chip(item)}"
                 f"<span class='wb-hint'>{esc(vocabulary.scenario_label(item['scenario'], self.lang))}"
                 "</span>"]
        if item.get("reason"):
            lines.append(f"<div>{esc(t('agenda.reason'))}: {esc(item['reason'])}</div>")
        if item["decision"] == "adopt":
            status = item.get("status") or "planned"
            progress = max(0, min(100, int(item.get("progress") or 0)))
            lines.append(
                f"<div>{esc(t('agenda.status.' + status))} · {progress}%"
                f"<div class='wb-bar'><i style='width:{progress}%'></i></div></div>")
            facts = []
            if item.get("owner"):
                facts.append(f"{esc(t('agenda.owner'))}: {esc(t('agenda.owner.' + item['owner']))}")
            if item.get("target_date"):
                facts.append(f"{esc(t('agenda.target'))}: {esc(item['target_date'])}")
            if facts:
                lines.append(f"<div class='wb-hint'>{' · '.join(facts)}</div>")
            history = item.get("history") or []
            if history:
                shown = history if full else history[-HISTORY_SHOWN:]
                entries = "".join(
                    f"<li>{esc(h['date'])} · {esc(t('agenda.status.' + h['status']))} · "
                    f"{int(h['progress'])}% · {esc(h['note'])}</li>" for h in reversed(shown))
                lines.append(f"<ul class='wb-history'>{entries}</ul>")
        lines.append(f"<div class='wb-hint'>{esc(t('agenda.from_proposals', count=len(item.get('proposals') or [])))}</div>")
        return "".join(lines) + "</div>"

    def _result_html(self) -> str:
        t = self.t
        if self.problem:
            key, params = self.problem
            return f"<span class='wb-error'>{esc(t(key, **params))}</span>"
        if self.found is None:
            return ""
        parts = []
        for item, proposal in self.found:
            answer = (f"<div>{esc(t('agenda.answer'))}: {esc(proposal['official_answer'])}</div>"
                      if proposal.get("official_answer") else "")
            parts.append(f"<div class='wb-found'><div>{esc(t('agenda.your_proposal'))}: "
                         f"<b>{esc(proposal['title'])}</b></div>{answer}"
                         f"{self._item_html(item, full=True)}</div>")
        for row in self.found_pending:
            answer = (f"<div>{esc(t('agenda.answer'))}: {esc(row['official_answer'])}</div>"
                      if row.get("official_answer") else "")
            parts.append(f"<div class='wb-found'><div>{esc(t('agenda.your_proposal'))}: "
                         f"<b>{esc(row['title'])}</b></div>{answer}"
                         f"<div>{esc(t('agenda.pending'))}</div></div>")
        return "".join(parts) or f"<p>{esc(t('agenda.nothing_found'))}</p>"

    # -- looking up ---------------------------------------------------------------------------
    def look_up(self, text) -> bool:
        """By receipt code (XXXX-XXXX) or participation code (XXXXX-XXXXX). False, with a
        message, when nothing matches; wrong guesses are limited per page."""
        self.problem, self.found, self.found_pending = None, None, []
        try:
            if not isinstance(text, str) or not text.strip() or len(text) > 40:
                self.problem = ("agenda.lookup_invalid", {})
                return False
            if self.limiter.blocked():
                self.problem = ("error.code_attempts",
                                {"minutes": int(self.limiter.window // 60)})
                return False
            if normalise_code(text) is not None:  # a participation code
                code_id, problem = check_code(self.store, self.session.community.id, text,
                                              self.limiter)
                if code_id is None:
                    self.problem = problem
                    return False
                supported = self.store.supports_of(code_id)  # one query, not one per row
                rows = [p for p in self.store.list_proposals(self.session.community.id)
                        if p["id"] in supported]
            else:
                row = self.store.proposal_by_receipt(normalise_receipt_code(text))
                if row is None or row.get("hidden_reason"):
                    self.limiter.failed()
                    self.problem = ("agenda.lookup_unknown", {})
                    return False
                rows = [row]
            self.found = items_of(self.snapshot, [r["id"] for r in rows])
            answered = {p["id"] for _, p in self.found}
            self.found_pending = [r for r in rows if r["id"] not in answered]
            return True
        finally:
            self.result.value = self._result_html()


SECTIONS = [AgendaSection]
