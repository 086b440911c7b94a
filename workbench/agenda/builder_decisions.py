"""The chosen item's decision and progress in the agenda builder: the committee's decision
(adopt, defer, decline) with its public reason, and for an adopted item its owner, budget
line, milestones and target date; then its dated progress updates and their history.

The rules and the writing are :func:`workbench.agenda.actions.decide` and
:func:`~workbench.agenda.actions.add_update`; this panel fills the forms and shows results.
"""

from __future__ import annotations

import datetime as dt

import ipywidgets as w

from workbench.agenda import actions, decisions
from workbench.agenda import presenter as show
from workbench.agenda.builder_html import Panel, field_error
from workbench.agenda.decisions import COMMITTEE_DECISIONS
from workbench.escaping import esc


class DecisionPanel(Panel):
    """The decision form and the progress form of the chosen item."""

    def __init__(self, builder):
        super().__init__(builder)
        html, t, safe = self.html, self.html.t, builder.safe
        wide = w.Layout(width="640px")
        # the decision
        self.decision_input = w.ToggleButtons(
            options=[(html.decision_verb(d), d) for d in COMMITTEE_DECISIONS], value=None,
            description=html.field_label("decision"), style={"button_width": "90px"})
        self.decision_input.observe(safe(lambda _c: self._show_adopt_fields()), names="value")
        self.reason_input = w.Textarea(description=html.field_label("reason"), rows=3,
                                       layout=wide, continuous_update=False,
                                       placeholder=t("planner.agenda.reason_placeholder"))
        # free text, with the roles and the community's own names (community.yaml) offered
        self.owner_input = w.Combobox(
            description=html.field_label("owner"), ensure_option=False,
            placeholder=t("planner.agenda.owner_choose"), continuous_update=False,
            options=show.owner_suggestions(builder.lang, decisions.OWNERS,
                                           builder.community.owners))
        self.budget_input = w.Text(description=html.field_label("budget_line"), layout=wide,
                                   continuous_update=False)
        self.milestones_input = w.Textarea(
            description=t("planner.agenda.milestones"), rows=4, layout=wide,
            placeholder=t("planner.agenda.milestones_placeholder"), continuous_update=False)
        # typed as the milestones are (2027-06-30): a browser's date field writes the date
        # in its own locale's order (06/30/2027), which reads wrong to the committee
        self.target_input = w.Text(description=html.field_label("target_date"),
                                   placeholder=t("planner.agenda.date_placeholder"),
                                   continuous_update=False)
        self.decision_errors = {name: field_error() for name in (
            "decision", "reason", "owner", "budget_line", "milestones", "target_date")}
        self.adopt_box = w.VBox([self.owner_input, self.decision_errors["owner"],
                                 self.budget_input, self.decision_errors["budget_line"],
                                 self.milestones_input, self.decision_errors["milestones"],
                                 self.target_input, self.decision_errors["target_date"]])
        decision_button = w.Button(description=t("planner.agenda.save_decision"),
                                   button_style="primary", layout=w.Layout(width="auto"))
        decision_button.on_click(safe(lambda _b: self.save_decision()))
        self.decision_status = w.HTML()
        # withdrawing a decision: a new history entry, nothing erased
        self.withdraw_reason = w.Textarea(description=html.field_label("reason"), rows=2,
                                          layout=wide, continuous_update=False,
                                          placeholder=t("planner.agenda.withdraw_placeholder"))
        self.withdraw_errors = {name: field_error() for name in ("withdraw",
                                                                 "withdraw_reason")}
        withdraw_button = w.Button(description=t("planner.agenda.withdraw"), icon="undo",
                                   button_style="warning", layout=w.Layout(width="auto"))
        withdraw_button.on_click(safe(lambda _b: self.withdraw(self.withdraw_reason.value)))
        self.withdraw_status = w.HTML()
        self.withdraw_box = w.VBox([
            w.HTML(html.heading("planner.agenda.withdraw_heading",
                                "planner.agenda.withdraw_explain")),
            self.withdraw_reason, self.withdraw_errors["withdraw_reason"],
            w.HBox([withdraw_button, self.withdraw_status]), self.withdraw_errors["withdraw"]])
        self.decision_tab = w.VBox([
            w.HTML(f"<p class='wb-hint'>{esc(t('planner.agenda.decision_explain'))}</p>"),
            self.decision_input, self.decision_errors["decision"], self.reason_input,
            self.decision_errors["reason"], self.adopt_box,
            w.HBox([decision_button, self.decision_status]), self.withdraw_box])
        # progress
        self.status_input = w.Dropdown(
            description=html.field_label("status"),
            options=[(html.status_label(s), s) for s in decisions.STATUSES])
        self.progress_input = w.IntSlider(description=t("planner.agenda.progress"), min=0,
                                          max=100, step=5, value=0)
        self.note_input = w.Textarea(description=t("planner.agenda.note"), rows=2,
                                     layout=wide, continuous_update=False)
        self.update_errors = {name: field_error() for name in ("status", "progress", "note")}
        update_button = w.Button(description=t("planner.agenda.add_update"),
                                 button_style="primary", layout=w.Layout(width="auto"))
        update_button.on_click(safe(lambda _b: self.save_update()))
        self.update_status = w.HTML()
        self.history_html = w.HTML()
        self.tracking_form = w.VBox([
            self.status_input, self.update_errors["status"], self.progress_input,
            self.update_errors["progress"], self.note_input, self.update_errors["note"],
            w.HBox([update_button, self.update_status])])
        self.tracking_hint = w.HTML()
        self.tracking_tab = w.VBox([self.tracking_hint, self.tracking_form,
                                    w.HTML(f"<h4>{esc(t('planner.agenda.history'))}</h4>"),
                                    self.history_html])

    # -- showing ----------------------------------------------------------------------------
    def clear(self) -> None:
        """No problem or message left from another item."""
        for labels in (self.decision_errors, self.update_errors, self.withdraw_errors):
            self.html.show_errors(labels, {})
        self.decision_status.value = self.update_status.value = ""
        self.withdraw_status.value = ""

    def show(self, item: dict) -> None:
        decided = item.get("decision") in COMMITTEE_DECISIONS
        self.decision_input.value = item["decision"] if decided else None
        self.reason_input.value = (item.get("reason") or "") if decided else ""
        self.owner_input.value = show.owner_label(self.builder.lang, item.get("owner"))
        self.budget_input.value = item.get("budget_line") or ""
        self.milestones_input.value = decisions.milestones_text(item.get("milestones"))
        self.target_input.value = self._date_text(item.get("target_date"))
        self._show_adopt_fields()
        self.withdraw_reason.value = ""
        self.withdraw_box.layout.display = None if decided else "none"
        adopted = item.get("decision") == "adopt"
        self.tracking_form.layout.display = None if adopted else "none"
        self.tracking_hint.value = "" if adopted else (
            f"<p class='wb-hint'>{esc(self.html.t('planner.agenda.track_adopted_only'))}"
            "</p>")
        if item.get("status") in decisions.STATUSES:
            self.status_input.value = item["status"]
        self.progress_input.value = int(item.get("progress") or 0)
        self.note_input.value = ""
        self.history_html.value = self.history_table(item["id"])

    @staticmethod
    def _date_text(value) -> str:
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()[:10]
        return "" if value is None else str(value)

    def _show_adopt_fields(self) -> None:
        self.adopt_box.layout.display = None if self.decision_input.value == "adopt" else "none"

    def history_table(self, item_id: int) -> str:
        html = self.html
        updates = self.builder.store.item_updates([item_id])
        if not updates:
            return f"<p class='wb-hint'>{esc(html.t('planner.agenda.no_history'))}</p>"
        head = html.head(html.t("planner.agenda.col_date"), html.field_label("status"),
                         html.field_label("progress"), html.t("planner.agenda.note"),
                         html.t("planner.agenda.col_author"))
        body = "".join(
            f"<tr><td>{esc(html.when(u['created_at']))}</td>"
            f"<td>{esc(html.status_label(u['status']))}</td><td>{int(u['progress'])}%</td>"
            f"<td class='wb-item-text'>{esc(u['note'])}</td><td>{esc(u['author'])}</td></tr>"
            for u in reversed(updates))
        return (f"<table class='wb-table'><thead><tr>{head}</tr></thead>"
                f"<tbody>{body}</tbody></table>")

    # -- deciding ---------------------------------------------------------------------------
    def decide(self, decision, reason="", owner=None, budget_line="", milestones="",
               target_date=None) -> bool:
        """Fill the decision form and save it. ``milestones`` is text, one "YYYY-MM-DD
        title" a line, or a list of {title, date}."""
        self.decision_input.value = decision if decision in COMMITTEE_DECISIONS else None
        self.reason_input.value = reason or ""
        self.owner_input.value = show.owner_label(self.builder.lang, owner)
        self.budget_input.value = budget_line or ""
        if isinstance(milestones, list):
            milestones = decisions.milestones_text(milestones)
        self.milestones_input.value = milestones or ""
        # a date that is not one is refused beside the field, not dropped
        self.target_input.value = self._date_text(target_date)
        # the decision and owner as given: one the form cannot show is refused, not dropped
        return self._save_decision(decision, owner)

    def save_decision(self) -> bool:
        """The decision as the form holds it (:func:`actions.decide`): every problem beside
        its field, nothing saved until all are right."""
        return self._save_decision(self.decision_input.value,
                                   show.owner_as_stored(self.owner_input.value, decisions.OWNERS))

    def _save_decision(self, decision, owner) -> bool:
        builder = self.builder
        done, checked = builder.act(lambda: actions.decide(
            builder.store, builder.community_id, builder.selected_id, decision,
            reason=self.reason_input.value, owner=owner, budget_line=self.budget_input.value,
            milestones=self.milestones_input.value, target_date=self.target_input.value),
            self.decision_status, self.decision_errors)
        if done:
            builder.after_write(self.decision_status, ("planner.agenda.decided", {
                "decision": self.html.decision_verb(checked.decision)}))
        return done

    def withdraw(self, reason) -> bool:
        """Undo the chosen item's decision, saying why (:func:`actions.withdraw_decision`):
        it is a candidate again; its history keeps the decision and the reason."""
        builder = self.builder
        self.withdraw_reason.value = reason or ""
        done, _ = builder.act(lambda: actions.withdraw_decision(
            builder.store, builder.community_id, builder.selected_id, reason, builder.author,
            builder.lang), self.withdraw_status, self.withdraw_errors)
        if done:
            builder.after_write(self.withdraw_status, ("planner.agenda.withdrawn", {}))
        return done

    # -- progress ---------------------------------------------------------------------------
    def add_update(self, status, progress, note) -> bool:
        """Fill the progress form and save it (status and progress as given)."""
        if status in decisions.STATUSES:
            self.status_input.value = status
        self.note_input.value = note or ""
        return self._save_update(status or self.status_input.value,
                                 int(self.progress_input.value) if progress is None
                                 else progress)

    def save_update(self) -> bool:
        """A dated progress update of the chosen adopted item, as the form holds it."""
        return self._save_update(self.status_input.value, int(self.progress_input.value))

    def _save_update(self, status, progress) -> bool:
        builder = self.builder
        done, _ = builder.act(lambda: actions.add_update(
            builder.store, builder.community_id, builder.selected_id, status, progress,
            self.note_input.value, builder.author), self.update_status, self.update_errors)
        if done:
            builder.after_write(self.update_status, ("planner.agenda.update_saved", {}))
        return done
