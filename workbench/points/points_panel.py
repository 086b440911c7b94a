"""The planner's points panel (notebooks/points.ipynb, and a tab of the planners' home): the
credits waiting for review, approved or refused with a reason; the public notice (公示) of
them as a CSV file; the volunteer team and the needs pool (open needs by skill, what the
steward should look at, time to fulfilment, service hours by month). Widgets only: the rules
are :mod:`.workflow`, :mod:`.team`, :mod:`.needs` and :mod:`.notice`."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import ipywidgets as w
import pandas as pd

from workbench import i18n, settings
from workbench.assets import style_tag
from workbench.escaping import esc
from workbench.page.download import CSV, DownloadLink
from workbench.page.figures import figure_png
from workbench.page.formats import NO_VALUE, frame_html, local_time, number
from workbench.page.language import Bilingual
from workbench.page.safety import guarded
from workbench.points import team, workflow
from workbench.points.charts import hours_by_month_chart
from workbench.points.ledger import PointsRefused
from workbench.points.needs import for_the_steward, skills_of
from workbench.points.notice import in_zone, notice_table

#: the planners' shared style, then this panel's
CSS = (style_tag("workbench.page", "planner.css")
       + style_tag("workbench.points", "points_panel.css"))
#: the longest review note (as the ledger's reasons)
NOTE_MAX_CHARS = 500


class PointsPanel:
    """The panel (``.widget``) of one community; ``person`` signs the reviews."""

    def __init__(self, store, rules, community_id: str, lang: str = "zh",
                 time_zone: str = "Asia/Shanghai", person: str = ""):
        self.store, self.rules, self.community_id = store, rules, community_id
        self.lang = lang if lang in i18n.LANGUAGES else "zh"
        self.time_zone, self.person = time_zone, person
        self._build()
        self.refresh()

    @classmethod
    def from_settings(cls, lang: str = "zh", person: str = "", store=None) -> PointsPanel:
        from workbench.layers.community import load_community
        from workbench.points.rule_file import load_rules
        from workbench.store import Store

        community = load_community(settings.get("layers_dir"))
        return cls(store or Store(), load_rules(settings.get("points_rules")), community.id,
                   lang, community.time_zone, person)

    def t(self, key: str, **params) -> str:
        return i18n.t(self.lang, key, **params)

    def heading(self, column: str) -> str:
        return self.t(f"points.panel.col.{column}")

    # -- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        t, safe = self.t, guarded(self._show_unexpected)
        self.pending_html = w.HTML()
        self.chosen = w.SelectMultiple(options=[], rows=6, description=t("points.panel.choose"),
                                       style={"description_width": "initial"},
                                       layout=w.Layout(width="min(100%, 760px)"))
        self.chosen_error = w.HTML()
        self.choose_all = w.Button(description=t("points.panel.choose_all"),
                                   layout=w.Layout(width="auto"))
        self.reason = w.Textarea(placeholder=t("points.panel.reason_hint"),
                                 description=t("points.panel.reason"),
                                 style={"description_width": "initial"},
                                 layout=w.Layout(width="min(100%, 760px)", height="64px"))
        self.reason_error = w.HTML()
        self.approve_button = w.Button(description=t("points.panel.approve"),
                                       button_style="success", icon="check",
                                       layout=w.Layout(width="auto"))
        self.refuse_button = w.Button(description=t("points.panel.refuse"),
                                      button_style="danger", icon="times",
                                      layout=w.Layout(width="auto"))
        self.message = w.HTML()
        self.notice = DownloadLink(t("points.panel.notice_csv"), self._notice_filename, CSV,
                                   self.notice_csv, t("points.panel.too_large"),
                                   t("points.panel.notice_failed"))
        self.team_html, self.needs_html = w.HTML(), w.HTML()
        self.steward_html, self.fulfilment_html = w.HTML(), w.HTML()
        self.chart = w.Image(format="png", layout=w.Layout(max_width="min(100%, 720px)",
                                                          width="auto", height="auto"))
        self.hours_html = w.HTML()
        self.status = w.HTML()

        def section(key: str) -> w.HTML:
            return w.HTML(f"<h3>{esc(t(key))}</h3>")

        # the choice, the reason and the buttons: shown while credits wait for review
        self.controls = w.VBox([
            w.HBox([self.chosen, self.choose_all],
                   layout=w.Layout(flex_flow="row wrap", align_items="flex-start",
                                   grid_gap="4px 12px")),
            self.chosen_error, self.reason, self.reason_error,
            w.HBox([self.approve_button, self.refuse_button],
                   layout=w.Layout(grid_gap="4px 12px"))])
        review = w.VBox([
            section("points.panel.pending_heading"),
            w.HTML(f"<p class='wb-hint'>{esc(t('points.panel.pending_explain'))}</p>"),
            self.pending_html, self.notice.widget, self.controls, self.message])
        review.add_class("wb-points-review")
        pool = w.VBox([
            section("points.panel.team_heading"), self.team_html,
            section("points.panel.needs_heading"), self.needs_html,
            section("points.panel.steward_heading"), self.steward_html,
            section("points.panel.fulfilment_heading"), self.fulfilment_html,
            section("points.panel.hours_heading"),
            w.HBox([self.hours_html, self.chart], layout=w.Layout(
                flex_flow="row wrap", align_items="flex-start", grid_gap="8px 24px"))])
        self.widget = w.VBox([
            w.HTML(CSS + f"<h2>{esc(t('points.panel.title'))}</h2>"
                   f"<p class='wb-hint'>{esc(t('points.panel.explain', zone=self.time_zone))}"
                   f"</p>"),
            self.status, review, pool])
        self.widget.add_class("wb-planner")
        self.widget.add_class("wb-points")
        self.choose_all.on_click(safe(lambda _b: self._choose_all()))
        self.approve_button.on_click(safe(lambda _b: self.review(approve=True)))
        self.refuse_button.on_click(safe(lambda _b: self.review(approve=False)))

    def _show_unexpected(self) -> None:
        self.message.value = f"<p class='wb-error' role='alert'>{esc(self.t('error.unexpected'))}</p>"

    def _choose_all(self) -> None:
        self.chosen.value = tuple(value for _label, value in self.chosen.options)

    # -- what is shown ------------------------------------------------------------------------
    def refresh(self) -> None:
        """Everything drawn again from the store."""
        credits = self.store.points_credits(self.community_id)
        self.chosen.options = [(self._credit_label(c), c["id"]) for c in credits]
        self.pending_html.value = self.pending_table(credits)
        for button in (self.approve_button, self.refuse_button, self.choose_all):
            button.disabled = not credits
        self.controls.layout.display = None if credits else "none"
        self.notice.refresh()
        self.team_html.value = self.team_table()
        self.needs_html.value = self.needs_table()
        self.steward_html.value = self.steward_table()
        self.fulfilment_html.value = self.fulfilment_table()
        hours = self.hours_by_month()
        self.hours_html.value = self.hours_table(hours)
        # no hours yet: the table's line says so, no empty picture beside it
        self.chart.value = b"" if hours.empty else figure_png(hours_by_month_chart(hours,
                                                                                   self.lang))
        self.chart.layout.display = "none" if hours.empty else None

    def _local(self, rows: list[dict], *fields: str) -> list[dict]:
        """Rows with their moments (``created_at`` and ``fields``) in the community's time
        zone, so that days and months are the community's own."""
        def local(moment):
            moment = in_zone(moment, self.time_zone)
            return moment.replace(tzinfo=None) if isinstance(moment, datetime) else moment
        return [dict(r, **{f: local(r.get(f)) for f in ("created_at", *fields)}) for r in rows]

    def _credit_label(self, credit: dict) -> str:
        rule = self.rules.rule(credit["rule_id"])
        return " · ".join([
            self.t("points.panel.credit_no", n=credit["id"]),
            self.t("points.notice.resident_no", n=credit["code_id"]),
            rule.title(self.lang) if rule else credit["rule_id"],
            self.t("points.panel.n_points", n=credit["points"])])

    def _empty(self, key: str) -> str:
        return f"<p class='wb-hint'>{esc(self.t(key))}</p>"

    def pending_table(self, credits: list[dict]) -> str:
        """The credits waiting for review, as the public notice shows them."""
        if not credits:
            return self._empty("points.panel.no_pending")
        frame = notice_table(credits, self.rules, self.lang, self.time_zone)
        return frame_html(frame, str)

    def skill_label(self, skill: str) -> str:
        rule = next((r for r in self.rules.earn if r.event == "volunteer_hours"
                     and r.category == skill), None)
        return rule.title(self.lang) if rule else skill

    def team_table(self) -> str:
        volunteers = self.store.volunteers(self.community_id)
        if not volunteers:
            return self._empty("points.panel.no_team")
        frame = team.team_table(volunteers, self.store.points_credits(self.community_id, None))
        total = frame["hours"].sum()
        frame["share"] = frame["hours"] / total if total else float("nan")
        frame["resident"] = [self.t("points.notice.resident_no", n=c) for c in frame["code_id"]]
        frame["skills"] = [", ".join(self.skill_label(s) for s in v["skills"])
                           for v in volunteers]
        frame["availability"] = frame["availability"].replace("", NO_VALUE)
        return frame_html(frame, self.heading, percent_columns=["share"],
                          columns=["resident", "skills", "availability", "hours", "share",
                                   "tasks"])

    def needs_table(self) -> str:
        """Open needs by skill, every skill of the rule file listed (none open: 0)."""
        counts = team.open_by_skill(self.store.needs_of(self.community_id, "open"))
        skills = list(dict.fromkeys(skills_of(self.rules) + list(counts.index)))
        total = int(counts.sum())
        frame = pd.DataFrame({
            "skill": [self.skill_label(s) for s in skills],
            "open": [int(counts.get(s, 0)) for s in skills],
            "share": [counts.get(s, 0) / total if total else float("nan") for s in skills]})
        return (f"<p>{esc(self.t('points.panel.n_open', n=total))}</p>"
                + frame_html(frame, self.heading, percent_columns=["share"]))

    def steward_table(self) -> str:
        """Needs nobody claimed (two days on, or past their start) and needs done but not
        confirmed (:func:`workbench.points.needs.for_the_steward`)."""
        found = for_the_steward(self.store.needs_of(self.community_id),
                                datetime.now(timezone.utc))
        if not found:
            return self._empty("points.panel.none_for_steward")
        frame = pd.DataFrame([{
            "need": n["id"], "title": n["title"], "skill": self.skill_label(n["skill"]),
            "state": self.t(f"points.panel.state.{n['status']}"),
            "posted": local_time(n["created_at"], self.time_zone),
            "window": local_time(n["window_start"], self.time_zone),
            "hours": n["minutes"] / 60 if n["minutes"] else None,
            "volunteer": (self.t("points.notice.resident_no", n=n["claimed_by_code_id"])
                          if n["claimed_by_code_id"] else NO_VALUE)} for n in found])
        return frame_html(frame, self.heading)

    def fulfilment_table(self) -> str:
        """Hours from posting to confirmation of each confirmed need, and their median."""
        hours = team.time_to_fulfilment(self.store.need_events_of(self.community_id))
        if hours.empty:
            return self._empty("points.panel.none_confirmed")
        titles = {n["id"]: n for n in self.store.needs_of(self.community_id, "confirmed")}
        frame = pd.DataFrame([{
            "need": int(need_id), "title": titles.get(need_id, {}).get("title", NO_VALUE),
            "skill": self.skill_label(titles.get(need_id, {}).get("skill", "")),
            "posted": local_time(titles.get(need_id, {}).get("created_at"), self.time_zone),
            "hours": float(h)} for need_id, h in hours.items()])
        summary = self.t("points.panel.median_hours", hours=number(float(hours.median())),
                         n=len(hours))
        return f"<p>{esc(summary)}</p>" + frame_html(frame, self.heading)

    def hours_by_month(self) -> pd.Series:
        """Approved service hours by the community's month they were credited."""
        return team.hours_by_month(self._local(self.store.points_credits(self.community_id,
                                                                         None)))

    def hours_table(self, hours: pd.Series) -> str:
        if hours.empty:
            return self._empty("points.panel.no_hours")
        total = float(hours.sum())
        frame = pd.DataFrame({"month": list(hours.index), "hours": hours.to_list(),
                              "share": [h / total for h in hours]})
        return frame_html(frame, self.heading, percent_columns=["share"])

    # -- the public notice ---------------------------------------------------------------------
    def _notice_filename(self) -> str:
        today = datetime.now(ZoneInfo(self.time_zone)).date()
        return f"{self.t('points.panel.notice_file')}-{self.community_id}-{today}.csv"

    def notice_csv(self) -> bytes | None:
        """The public notice of the credits waiting for review, a CSV file Excel reads (UTF-8
        with its mark), headed in the panel's language, dates the community's; None (no
        link) while nothing waits."""
        credits = self.store.points_credits(self.community_id)
        if not credits:
            return None
        frame = notice_table(credits, self.rules, self.lang, self.time_zone)
        return frame.to_csv(index=False).encode("utf-8-sig")

    # -- reviewing -----------------------------------------------------------------------------
    def review(self, approve: bool) -> bool:
        """Approve or refuse the chosen credits, signed by the planner, with the reason (a
        refusal needs one). Everything is checked first: a missing choice or reason, or a
        credit someone reviewed meanwhile, writes nothing and says so."""
        from workbench.proposals.rules import check_text

        self.chosen_error.value = self.reason_error.value = self.message.value = ""
        chosen = [int(c) for c in self.chosen.value]
        note, problem = check_text(self.reason.value, required=not approve,
                                   max_chars=NOTE_MAX_CHARS, multiline=True)
        if not chosen:
            self.chosen_error.value = self._error("points.panel.choose_first")
        if problem:
            self.reason_error.value = self._error("points.panel.reason_needed" if not approve
                                                  else "points.panel.reason_too_long",
                                                  most=NOTE_MAX_CHARS)
        if not chosen or problem:
            return False
        pending = {c["id"] for c in self.store.points_credits(self.community_id)}
        if not set(chosen) <= pending:
            self.refresh()
            self.message.value = self._error("points.panel.moved_on")
            return False
        today = datetime.now(ZoneInfo(self.time_zone)).date()
        try:  # all of them in one transaction, or none
            outcomes = workflow.review_many(self.store, self.rules, chosen, self.person,
                                            approve, note=note, today=today,
                                            community_id=self.community_id)
        except PointsRefused as refused:
            self.refresh()
            self.message.value = self._error(refused.key, **refused.params)
            return False
        done = [c for c, outcome in outcomes.items() if outcome["new"]]
        # someone reviewed these between the check and now: left as they did
        before = len(outcomes) - len(done)
        credits = {c["id"]: c for c in self.store.points_credits(self.community_id, None)}
        points = sum(credits[c]["points"] for c in done if c in credits)
        key = "points.panel.approved" if approve else "points.panel.refused"
        text = self.t(key, n=len(done), points=points)
        if before:
            text += " " + self.t("points.panel.reviewed_before", n=before)
        self.reason.value = ""
        self.refresh()
        self.message.value = f"<p class='wb-ok' role='status'>{esc(text)}</p>"
        return True

    def _error(self, key: str, **params) -> str:
        return f"<p class='wb-error' role='alert'>{esc(self.t(key, **params))}</p>"


def points_app(lang: str = "zh", person: str = "社区工作人员") -> Bilingual:
    """The points notebook's app: the panel with its 中文 / English switch and the planner's
    name (who signs the reviews), typed in the tool."""
    return Bilingual(lambda language, name: PointsPanel.from_settings(language, name), lang,
                     person=person)
