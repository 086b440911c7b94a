"""The published community agenda on the resident page, and "what happened to my proposal".

It reads only the newest published version, as the page shows it
(:meth:`~workbench.agenda.queries.AgendaStore.published_agenda_view`: no pandas, and not the
whole snapshot, in the resident's kernel), so what residents see is what the committee
published. A resident looks up their
proposal by its receipt code, or the proposals they supported by their participation code,
and sees its item, the decision, the public reason, the status and its history.
"""

from __future__ import annotations

import ipywidgets as w

from workbench import vocabulary
from workbench.agenda import presenter as show
from workbench.agenda.snapshot import items_of
from workbench.participation.codes import AttemptLimiter, check_code, normalise_code
from workbench.proposals.rules import normalise_receipt_code
from workbench.page.access import chip, link_message, live, scroll_to
from workbench.page.part import PagePart
from workbench.escaping import esc
from workbench.layers.map_style import DECISION_COLOURS

HISTORY_SHOWN = 5  # newest updates shown per item


class AgendaSection(PagePart):
    """The agenda section (``.widget``) of the resident page; its items are also drawn on the
    page's map."""

    NAME = "agenda_section"
    ORDER = 40
    CSS = "page.css"
    # folded at start: the map shows the items (read at start), the cards when opened
    LAZY = True
    HEADING = "agenda.heading"

    def __init__(self, session, page):
        super().__init__(session, page)
        self.snapshot: dict | None = None
        self.found: list[tuple[dict, dict]] | None = None
        self.found_pending: list[dict] = []
        #: how the proposals found relate to the code typed: "mine" (by receipt code) or
        #: "supported" (by participation code)
        self.found_as = "mine"
        self.problem: tuple[str, dict] | None = None
        self.limiter = AttemptLimiter()

    def build(self) -> None:
        safe = self.page.safe
        self.heading = w.HTML()
        self.items_html = w.HTML()
        self.lookup_heading = w.HTML()
        self.lookup_input = w.Text(continuous_update=False, layout={"width": "100%"})
        self.lookup_input.add_class("wb-field")
        self.lookup_button = w.Button(layout={"width": "auto"})
        self.lookup_button.on_click(safe(lambda _b: self.look_up(self.lookup_input.value)))
        self.lookup_error = w.HTML()
        self.lookup_error.add_class("wb-error")
        link_message("agenda-lookup", self.lookup_input, self.lookup_error)
        self.result = w.HTML()
        live(self.result)
        self.widget = w.VBox([self.heading, self.items_html, self.lookup_heading,
                              self.lookup_input, self.lookup_error, self.lookup_button,
                              self.result])
        self.widget.add_class("wb-agenda")

    def refresh(self) -> None:
        self.snapshot = self.store.published_agenda_view(self.session.community.id)
        self.page.map.show_agenda(self.snapshot["items"] if self.snapshot else [])
        self.render()

    # -- showing ----------------------------------------------------------------------------
    def render(self) -> None:
        if not self.built:
            return  # drawn when opened
        t = self.t
        snap = self.snapshot
        # the heading is the fold's
        if snap:
            date = show.format_date(snap.get("published_at"), self.lang)
            self.heading.value = ("<p class='wb-hint'>"
                                  f"{esc(t('agenda.version', version=snap['version'], date=date))}"
                                  "</p>")
            self.items_html.value = "".join(self._item_html(i) for i in snap["items"]) or \
                f"<p>{esc(t('agenda.empty'))}</p>"
        else:
            self.heading.value = ""
            self.items_html.value = f"<p class='wb-hint'>{esc(t('agenda.none'))}</p>"
        self.lookup_heading.value = (f"<h3>{esc(t('agenda.lookup_heading'))}</h3>"
                                     f"<p class='wb-hint'>{esc(t('agenda.lookup_explain'))}</p>")
        self.lookup_input.description = t("agenda.lookup_label")
        self.lookup_input.placeholder = t("agenda.lookup_placeholder")
        self.lookup_button.description = t("agenda.lookup")
        self._show_result()

    def _decision_chip(self, item: dict) -> str:
        return chip(show.decision_label(self.lang, item["decision"]),
                    DECISION_COLOURS.get(item["decision"], "#777777"))

    def _item_html(self, item: dict, full: bool = False) -> str:
        """An item's card: its decision's fields, progress, history and the proposals behind
        it, told by the presenter (the report tells them the same way)."""
        lang = self.lang
        facts = {f.key: f for f in show.item_facts(item, lang)}

        def said(fact: show.Fact) -> str:
            return show.labelled(lang, fact.label, fact.text)

        lines = [f"<div class='wb-agenda-item'><b>{item['rank']}. {esc(item['title'])}</b> "
                 f"{self._decision_chip(item)}"
                 f"<span class='wb-hint'>{esc(vocabulary.scenario_label(item['scenario'], lang))}"
                 "</span>"]
        if "reason" in facts:
            lines.append(f"<div>{esc(said(facts['reason']))}</div>")
        state = [facts[k].text for k in ("status", "progress") if k in facts]
        if state:
            bar = (f"<div class='wb-bar'><i style='width:{show.progress_of(item)}%'></i></div>"
                   if "progress" in facts else "")
            lines.append(f"<div>{esc(' · '.join(state))}{bar}</div>")
        # each fact kept whole on a phone: a date or a dash never wraps away from its label
        others = "".join(f"<span class='wb-fact'>{esc(said(facts[k]))}</span>"
                         for k in ("owner", "budget_line", "target_date") if k in facts)
        if others:
            lines.append(f"<div class='wb-hint'>{others}</div>")
        history = show.history_lines(item, lang) if item["decision"] == "adopt" else []
        if history:
            shown = history if full else history[-HISTORY_SHOWN:]
            entries = "".join(
                f"<li>{esc(' · '.join((when, status, progress)))}"
                f"{f'<div class=wb-note>{esc(note)}</div>' if note else ''}</li>"
                for when, status, progress, note in reversed(shown))
            lines.append(f"<ul class='wb-history'>{entries}</ul>")
        lines.append(f"<div class='wb-hint'>{esc(self._proposals_behind(item))}</div>")
        return "".join(lines) + "</div>"

    def _proposals_behind(self, item: dict) -> str:
        """The residents' proposals behind the item (the evidence's count)."""
        fact = show.evidence_facts(item, self.lang, keys=("proposals",))[0]
        if fact.missing:
            return show.labelled(self.lang, fact.label, fact.text)
        return self.t("agenda.from_proposals", count=fact.text)

    def _show_result(self) -> None:
        problem = self.problem
        self.lookup_error.value = esc(self.t(problem[0], **problem[1])) if problem else ""
        self.result.value = self._result_html()

    def _result_html(self) -> str:
        t = self.t
        if self.problem or self.found is None:
            return ""
        parts = []
        for item, proposal in self.found:
            parts.append(f"<div class='wb-found'>{self._proposal_html(proposal)}"
                         f"{self._item_html(item, full=True)}</div>")
        for row in self.found_pending:
            parts.append(f"<div class='wb-found'>{self._proposal_html(row)}"
                         f"<div>{esc(t('agenda.pending'))}</div></div>")
        return "".join(parts) or f"<p>{esc(t('agenda.nothing_found'))}</p>"

    def _proposal_html(self, proposal: dict) -> str:
        """The resident's proposal found, and the official answer to it if there is one."""
        lang, t = self.lang, self.t
        label = "agenda.your_proposal" if self.found_as == "mine" else "agenda.supported_proposal"
        mine = esc(show.labelled(lang, t(label), ""))
        answer = proposal.get("official_answer")
        answer = (f"<div>{esc(show.labelled(lang, t('agenda.answer'), answer))}</div>"
                  if answer else "")
        return f"<div>{mine}<b>{esc(proposal['title'])}</b></div>{answer}"

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
                self.found_as = "supported"
            else:
                row = self.store.proposal_by_receipt(normalise_receipt_code(text))
                if row is None or row.get("hidden_reason"):
                    self.limiter.failed()
                    self.problem = ("agenda.lookup_unknown", {})
                    return False
                rows = [row]
                self.found_as = "mine"
            self.found = items_of(self.snapshot, [r["id"] for r in rows])
            answered = {p["id"] for _, p in self.found}
            self.found_pending = [r for r in rows if r["id"] not in answered]
            return True
        finally:
            self._show_result()
            # the field with its problem, or what was found
            scroll_to(self.lookup_input if self.problem else self.result)


SECTIONS = [AgendaSection]
