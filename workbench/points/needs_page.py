"""The community needs pool (社区需求服务池) on the resident page, with the participation
code: post a need (title, description, skill, a public space, a time window), the skills I
volunteer with, the open needs I can claim, and the needs I posted, claimed or did, each with
what I may do next: release a claim, mark it done with the minutes spent, confirm a need I
posted (its volunteer's points are then credited, waiting for review).

Every value is checked in Python (:func:`workbench.points.needs.validate_need`, the workflow's
checks); a problem shows beside its field in the resident's language and nothing is saved.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import ipywidgets as w

from workbench import settings
from workbench.escaping import esc
from workbench.page.access import link_message, scroll_to
from workbench.page.choices import offer
from workbench.points.ledger import PointsRefused
from workbench.points.needs import (NeedInvalid, check_availability, check_skills, skills_of,
                                     validate_need)
from workbench.points.resident_page import PointsPart, close_children, message_line
from workbench.proposals.rules import InputInvalid

#: the fields of a need, as :func:`validate_need` names their problems
NEED_FIELDS = ("title", "description", "skill", "public_space_id", "window")
#: the most needs one page may post, and moves (claim, release, done, confirm) it may make
NEEDS_PER_PAGE = 20
MOVES_PER_PAGE = 200
#: the open needs listed (the newest), and my needs
OPEN_SHOWN = 20
MINE_SHOWN = 30
MINUTES = re.compile(r"\d{1,6}")


class NeedsSection(PointsPart):
    """The needs pool (see the module's doc)."""

    NAME = "needs_pool"
    ORDER = 72
    HEADING = "needs.page.heading"
    OK_MESSAGES = frozenset({"needs.page.posted", "needs.page.skills_saved",
                             "needs.page.moved.claim", "needs.page.moved.release",
                             "needs.page.moved.done", "needs.page.moved.confirm"})

    def build(self) -> None:
        super().build()
        safe = self.page.safe
        self.post_limiter = self.session.limiter(
            "needs_post", NEEDS_PER_PAGE, settings.get("seconds_between_submissions"))
        self.move_limiter = self.session.limiter("needs_moves", MOVES_PER_PAGE, 0)
        self.skills = skills_of(self.rules) if self.rules is not None else []
        self.needs: list[dict] = []
        self.my_skills: list[str] = []
        self.errors: dict[str, tuple[str, dict]] = {}
        self.said: tuple[str, dict] | None = None            # below the post button
        self.skills_said: tuple[str, dict] | None = None
        self.availability_said: tuple[str, dict] | None = None
        self.skills_kept = False  # the skills form shows what was typed, not what is saved
        self.my_availability = ""
        self.need_said: dict[int, tuple[str, dict]] = {}      # beside a need's buttons
        self.minutes_typed: dict[int, str] = {}
        self.minutes_errors: dict[int, tuple[str, dict]] = {}
        # the skills I volunteer with: a claim needs the need's skill among them
        self.skills_heading = w.HTML()
        self.skill_checks = {skill: w.Checkbox(value=False, indent=False)
                             for skill in self.skills}
        # when I can help, in my words (the steward sees it beside my skills)
        self.availability_input = w.Text(continuous_update=False)
        self.availability_input.add_class("wb-needs-availability")
        self.availability_input.add_class("wb-field")
        self.availability_message = message_line()
        link_message("needs-availability", self.availability_input, self.availability_message)
        self.skills_button = w.Button()
        self.skills_button.add_class("wb-needs-skills-save")
        self.skills_button.on_click(safe(lambda _b: self.save_skills()))
        self.skills_message = message_line()
        link_message("needs-skills", self.skills_button, self.skills_message)
        skills_box = w.VBox([self.skills_heading, *self.skill_checks.values(),
                             self.availability_input, self.availability_message,
                             self.skills_button, self.skills_message])
        skills_box.add_class("wb-needs-skills")
        # posting a need
        self.form_heading = w.HTML()
        self.title_input = w.Text(continuous_update=False)
        self.description_input = w.Textarea(continuous_update=False, rows=3)
        self.skill_input = w.Dropdown()
        self.space_input = w.Dropdown()
        self.start_input = w.NaiveDatetimePicker()
        self.end_input = w.NaiveDatetimePicker()
        fields = {"title": self.title_input, "description": self.description_input,
                  "skill": self.skill_input, "public_space_id": self.space_input,
                  "window": w.VBox([self.start_input, self.end_input])}
        self.field_errors = {name: w.HTML() for name in NEED_FIELDS}
        parts = [self.form_heading]
        for name, field in fields.items():
            for widget in (field.children if name == "window" else (field,)):
                widget.add_class("wb-field")
            self.field_errors[name].add_class("wb-error")
            link_message("need-" + name, field, self.field_errors[name])
            parts += [field, self.field_errors[name]]
        self.post_button = w.Button(button_style="primary")
        self.post_button.add_class("wb-needs-post")
        self.post_button.on_click(safe(lambda _b: self.post()))
        self.post_message = message_line()
        form = w.VBox(parts + [self.post_button, self.post_message])
        form.add_class("wb-needs-form")
        self.open_heading, self.mine_heading = w.HTML(), w.HTML()
        self.open_box, self.mine_box = w.VBox(), w.VBox()
        self.body.children = [self.mine_heading, self.mine_box, self.open_heading,
                              self.open_box, skills_box, form]

    # -- reading ----------------------------------------------------------------------------
    def read(self) -> None:
        self.needs = self.store.needs_of(self.community.id)
        mine = next((v for v in self.store.volunteers(self.community.id)
                     if v["code_id"] == self.code_id), None)
        self.my_skills = mine["skills"] if mine else []
        self.my_availability = mine["availability"] if mine else ""

    def open_needs(self) -> list[dict]:
        """Open needs someone else posted, newest first."""
        return [n for n in reversed(self.needs) if n["status"] == "open"
                and n["posted_by_code_id"] != self.code_id][:OPEN_SHOWN]

    def my_needs(self) -> list[dict]:
        """Needs I posted, claimed or did, newest first."""
        me = self.code_id
        return [n for n in reversed(self.needs)
                if me in (n["posted_by_code_id"], n["claimed_by_code_id"])][:MINE_SHOWN]

    # -- drawing ----------------------------------------------------------------------------
    def render(self) -> None:
        if not self.built:
            return
        self.render_intro()
        if not self.ready:
            return
        t = self.t
        self.skills_heading.value = (
            f"<h3>{esc(t('needs.page.skills_heading'))}</h3>"
            f"<p class='wb-hint'>{esc(t('needs.page.skills_explain'))}</p>")
        for skill, check in self.skill_checks.items():
            check.description = self.skill_title(skill)
            if not self.skills_kept:  # after a refusal what was ticked stays to correct
                check.value = skill in self.my_skills
        self.availability_input.description = t("needs.page.availability")
        self.availability_input.placeholder = t("needs.page.availability_example")
        if not self.skills_kept:
            self.availability_input.value = self.my_availability
        self.availability_message.value = self.message_html(self.availability_said)
        self.skills_button.description = t("needs.page.skills_save")
        self.skills_message.value = self.message_html(self.skills_said)
        self.render_form()
        mine, open_ = self.my_needs(), self.open_needs()
        self.mine_heading.value = (f"<h3>{esc(t('needs.page.mine_heading'))}</h3>"
                                   + ("" if mine else
                                      f"<p class='wb-hint'>{esc(t('needs.page.none_mine'))}</p>"))
        self.open_heading.value = (f"<h3>{esc(t('needs.page.open_heading'))}</h3>"
                                   + ("" if open_ else
                                      f"<p class='wb-hint'>{esc(t('needs.page.none_open'))}</p>"))
        close_children(self.mine_box)
        close_children(self.open_box)
        self.mine_box.children = [self.need_card(n) for n in mine]
        self.open_box.children = [self.need_card(n) for n in open_]

    def render_form(self) -> None:
        t = self.t
        explain = t("needs.page.post_explain", zone=self.community.time_zone)
        self.form_heading.value = (f"<h3>{esc(t('needs.page.post_heading'))}</h3>"
                                   f"<p class='wb-hint'>{esc(explain)}</p>")
        self.title_input.description = t("needs.page.title")
        self.description_input.description = t("needs.page.description")
        self.skill_input.description = t("needs.page.skill")
        self.space_input.description = t("needs.page.space")
        self.start_input.description = t("needs.page.start")
        self.end_input.description = t("needs.page.end")
        offer(self.skill_input, [(t("needs.page.choose"), "")] + [
            (self.skill_title(s), s) for s in self.skills])
        offer(self.space_input, [(t("needs.page.no_space"), "")] + [
            (self.place_name(s), s) for s in self.community.public_spaces])
        self.post_button.description = t("needs.page.post")
        for name, line in self.field_errors.items():
            line.value = self.message_html(self.errors.get(name))
        self.post_message.value = self.message_html(self.said)

    def skill_title(self, skill: str) -> str:
        rule = next((r for r in self.rules.earn if r.event == "volunteer_hours"
                     and r.category == skill), None)
        return rule.title(self.lang) if rule else skill

    def need_card(self, need: dict) -> w.VBox:
        """One need: what, which skill, where, when, its state, and what I may do with it."""
        t, me, safe = self.t, self.code_id, self.page.safe
        status = need["status"]
        where = self.place_name(need["public_space_id"]) or t("needs.page.anywhere")
        facts = [t("needs.page.state." + status), self.skill_title(need["skill"]), where,
                 t("needs.page.window", start=self.when(need["window_start"], True),
                   end=self.when(need["window_end"], True))]
        if need["minutes"]:
            facts.append(t("needs.page.minutes_spent", n=need["minutes"]))
        if need["posted_by_code_id"] == me:
            facts.append(t("needs.page.posted_by_me"))
        text = (f"<b>{esc(need['title'])}</b><br>" + "<br>".join(esc(f) for f in facts)
                + (f"<p>{esc(need['description'])}</p>" if need["description"] else ""))
        parts: list = [w.HTML(text)]
        nid = need["id"]

        def button(action: str, style: str = "") -> w.Button:
            b = w.Button(description=t("needs.page.do." + action), button_style=style)
            b.add_class(f"wb-needs-{action}")
            b.on_click(safe(lambda _b: self.move(nid, action)))
            return b

        buttons = []
        if status == "open" and need["posted_by_code_id"] != me:
            buttons.append(button("claim", "primary"))
        if status == "claimed" and need["claimed_by_code_id"] == me:
            minutes = w.Text(value=self.minutes_typed.get(nid, ""), continuous_update=False,
                             description=t("needs.page.minutes"))
            minutes.add_class("wb-field")
            minutes.observe(lambda change: self.minutes_typed.__setitem__(nid, change["new"]),
                            names="value")
            error = w.HTML(self.message_html(self.minutes_errors.get(nid)))
            error.add_class("wb-error")
            link_message(f"need-minutes-{nid}", minutes, error)
            parts += [minutes, error]
            buttons += [button("done", "primary"), button("release")]
        if status == "done" and need["posted_by_code_id"] == me:
            buttons.append(button("confirm", "primary"))
        if buttons:
            parts.append(w.HBox(buttons))
        said = message_line()
        said.value = self.message_html(self.need_said.get(nid))
        parts.append(said)
        card = w.VBox(parts)
        card.add_class("wb-needs-card")
        card.add_class(f"wb-need-{nid}")
        return card

    # -- acting -----------------------------------------------------------------------------
    def form_values(self) -> dict:
        zone = ZoneInfo(self.community.time_zone)

        def moment(value):
            return value.replace(tzinfo=zone) if isinstance(value, datetime) else None
        return {"title": self.title_input.value, "description": self.description_input.value,
                "skill": self.skill_input.value, "public_space_id": self.space_input.value,
                "window_start": moment(self.start_input.value),
                "window_end": moment(self.end_input.value)}

    def post(self) -> int | None:
        """Post the need the form holds; its id, or None with the problems beside fields."""
        def validate():
            try:
                return validate_need(self.form_values(), self.skills,
                                     list(self.community.public_spaces),
                                     datetime.now(timezone.utc))
            except NeedInvalid as invalid:
                raise InputInvalid(invalid.errors) from None

        outcome = self.act(self.post_limiter, lambda code_id, need: self.store.post_need(
            self.community.id, need, code_id, "resident"), validate)
        self.errors = outcome.errors
        self.said = ("needs.page.posted", {}) if outcome.done else (
            outcome.message or ("form.fix_errors", {}))
        if outcome.done:
            for field in (self.title_input, self.description_input):
                field.value = ""
            self.skill_input.value = self.space_input.value = ""
            self.start_input.value = self.end_input.value = None
            self.refresh()
        else:
            self.render_form()
        scroll_to(self.post_message)
        return outcome.value if outcome.done else None

    def save_skills(self) -> bool:
        """Register the skills ticked (at least one) and when I can help."""
        def validate():
            errors, valid = {}, {}
            for field, check, value in (
                    ("skills", check_skills,
                     [s for s, c in self.skill_checks.items() if c.value]),
                    ("availability", check_availability, self.availability_input.value)):
                try:
                    valid[field] = check(value)
                except PointsRefused as refused:
                    errors[field] = (refused.key, refused.params)
            if errors:
                raise InputInvalid(errors)
            return valid

        outcome = self.act(self.move_limiter, lambda code_id, valid:
                           self.store.register_volunteer(code_id, self.community.id,
                                                         valid["skills"],
                                                         valid["availability"]),
                           validate)
        self.availability_said = outcome.errors.get("availability")
        self.skills_kept = not outcome.done
        self.skills_said = (("needs.page.skills_saved", {}) if outcome.done
                            else outcome.errors.get("skills") or outcome.message
                            or (None if self.availability_said else ("form.fix_errors", {})))
        self.refresh()
        return outcome.done

    def move(self, need_id: int, action: str) -> str | None:
        """Claim, release, mark done (with the minutes typed) or confirm a need; its new
        state, or None with the reason beside its buttons (or its minutes field)."""
        from workbench.points import workflow

        store, rules = self.store, self.rules

        def write(code_id, _valid):
            if action == "done":
                typed = self.minutes_typed.get(need_id, "").strip()
                minutes = int(typed) if MINUTES.fullmatch(typed) else typed
                return workflow.need_done(store, rules, need_id, code_id, minutes)
            if action == "confirm":
                return workflow.confirm_need(store, rules, need_id, by_code_id=code_id)
            return store.move_need(need_id, action, by_code_id=code_id)

        outcome = self.act(self.move_limiter, write)
        self.minutes_errors.pop(need_id, None)
        self.need_said.clear()
        if outcome.done:
            self.need_said[need_id] = (f"needs.page.moved.{action}", {})
            self.minutes_typed.pop(need_id, None)
        elif outcome.message and outcome.message[0] == "points.error.minutes":
            self.minutes_errors[need_id] = outcome.message
        else:
            self.need_said[need_id] = outcome.message
        self.refresh()
        return outcome.value if outcome.done else None

    def show_unexpected(self) -> None:
        if getattr(self, "post_message", None) is not None:
            self.said = ("error.unexpected", {})
            self.post_message.value = self.message_html(self.said)
