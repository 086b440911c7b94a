"""The planner's activities panel (notebooks/activities.ipynb, and a tab of the planners'
home): post an activity, tick who came to a meeting, look after rooms and bookings
(:mod:`.bookings_panel`), and see how each space is used (:mod:`.use_panel`). Widgets only:
every value goes through :mod:`.workflow` and its rules, which say what is wrong field by
field; the panel shows each problem beside its field and stores nothing until none is left.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import ipywidgets as w

from workbench import i18n, settings, vocabulary
from workbench.activities import workflow
from workbench.activities.rules import ActivityInvalid, SignupRefused, occurrences
from workbench.assets import style_tag
from workbench.escaping import esc
from workbench.layers.space_panel import FormMessages
from workbench.page.choices import offer
from workbench.page.download import DownloadLink
from workbench.page.language import Bilingual
from workbench.page.safety import guarded
from workbench.points.ledger import PointsRefused

#: the planners' shared style, then this panel's
CSS = (style_tag("workbench.page", "planner.css")
       + style_tag("workbench.activities", "activities_panel.css"))
#: the meetings listed for ticking: from a week back (a late confirmation) to four weeks on
MEETINGS_BACK, MEETINGS_AHEAD = timedelta(days=7), timedelta(days=28)
#: the place of the use of spaces among the panel's tabs
USE_TAB = 3
WIDE = w.Layout(width="min(100%, 520px)")
LABELLED = {"description_width": "10.5em"}
SVG = "image/svg+xml"
#: the value of "please choose" (and of "the whole space" among rooms): a dropdown whose
#: value is None shows an empty box instead of its label
NOT_CHOSEN = ""


def beside(control: w.Widget, error: w.HTML) -> w.HBox:
    """A control with the line its problems are said on, to its right (below it when the
    row is too narrow)."""
    row = w.HBox([control, error], layout=w.Layout(flex_flow="row wrap",
                                                    align_items="center"))
    row.add_class("wb-field")
    return row


def error_html(text: str) -> str:
    return f"<span class='wb-error' role='alert'>{esc(text)}</span>"


class ActivitiesPanel:
    """The panel (``.widget``) of ``community``; ``person`` signs what it writes; ``rules``
    are the points rules attendance is credited by."""

    def __init__(self, store, rules, community, lang: str = "zh", person: str = ""):
        from workbench.activities.bookings_panel import RoomsAndBookings
        from workbench.layers.editing import from_layer_file, snapshot

        self.store, self.rules, self.community = store, rules, community
        self.lang = lang if lang in i18n.LANGUAGES else "zh"
        self.person = person
        # the spaces live in the database once planners edit them: loaded the first time,
        # as the space editor does, so that activities can be held in them
        store.load_public_spaces(community.id, [snapshot(*from_layer_file(f)) for f in
                                                community.layers["public_spaces"]["features"]],
                                 who=person or "workbench")
        self.safe = guarded(self._show_unexpected)
        self.message = w.HTML()
        self.posting = PostActivity(self)
        self.meetings = Meetings(self)
        self.bookings = RoomsAndBookings(self)
        self.parts = [self.posting, self.meetings, self.bookings]
        # the use of spaces (a chart and a map) is drawn when its tab is first opened: the
        # map fits the community once it is shown, and the other tabs open sooner
        self._use = None
        self.use_box = w.VBox()
        self.tabs = w.Tab(children=[part.widget for part in self.parts] + [self.use_box],
                          titles=[self.t(f"activities.panel.tab.{name}")
                                  for name in ("post", "meetings", "rooms", "use")])
        self.tabs.observe(self.safe(lambda change: self.use if change["new"] == USE_TAB
                                    else None), names="selected_index")
        self.widget = w.VBox([
            w.HTML(CSS + f"<h2>{esc(self.t('activities.panel.title'))}</h2>"
                   f"<p class='wb-hint'>"
                   f"{esc(self.t('activities.panel.explain', zone=community.time_zone))}</p>"),
            self.message, self.tabs])
        self.widget.add_class("wb-planner")
        self.widget.add_class("wb-activities")

    @classmethod
    def from_settings(cls, lang: str = "zh", person: str = "", store=None) -> ActivitiesPanel:
        from workbench.layers.community import load_community
        from workbench.points.rule_file import load_rules
        from workbench.store import Store

        return cls(store or Store(), load_rules(settings.get("points_rules")),
                   load_community(settings.get("layers_dir")), lang, person)

    def t(self, key: str, **params) -> str:
        return i18n.t(self.lang, key, **params)

    @property
    def use(self):
        """The use tab's part (:class:`.use_panel.SpaceUse`), built on first use."""
        if self._use is None:
            from workbench.activities.use_panel import SpaceUse

            self._use = SpaceUse(self)
            self.use_box.children = [self._use.widget]
        return self._use

    def _show_unexpected(self) -> None:
        self.message.value = f"<p>{error_html(self.t('error.unexpected'))}</p>"

    # -- what the parts share ------------------------------------------------------------------
    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.community.time_zone)

    def today(self) -> date:
        return datetime.now(self.zone).date()

    def spaces(self) -> list[dict]:
        """The community's current spaces (GeoJSON features), by id."""
        return self.store.public_space_features(self.community.id) or []

    def space_names(self) -> dict[str, str]:
        return {f["properties"]["id"]: f["properties"].get(f"name_{self.lang}")
                or f["properties"]["id"] for f in self.spaces()}

    def space_options(self) -> list[tuple[str, str]]:
        first = [(self.t("activities.panel.choose"), NOT_CHOSEN)]
        return first + [(name, sid) for sid, name in self.space_names().items()]

    def resident(self, code_id: int) -> str:
        """A resident as the organiser reads them: the code's number, and the name they gave
        (kept apart, shown only here)."""
        label = self.t("points.notice.resident_no", n=code_id)
        personal = self.store.personal_data(code_id) or {}
        return f"{label} · {personal['name']}" if personal.get("name") else label

    def changed(self) -> None:
        """Something was written: every part draws again from the store."""
        for part in self.parts:
            part.refresh()
        self.use_changed()

    def use_changed(self) -> None:
        """Attendance or bookings changed: the use tab, once drawn, draws again."""
        if self._use is not None:
            self._use.refresh()


class PostActivity(FormMessages):
    """The form that posts an activity: every choice a widget, every problem beside its
    field."""

    def __init__(self, panel: ActivitiesPanel):
        self.panel, self.t = panel, panel.t
        t = self.t
        self.title = w.Text(description=t("activities.panel.field.title"), style=LABELLED,
                            layout=WIDE)
        self.description = w.Textarea(description=t("activities.panel.field.description"),
                                      style=LABELLED, layout=w.Layout(width="min(100%, 520px)",
                                                                      height="64px"))
        self.space = w.Dropdown(description=t("activities.panel.field.space"), style=LABELLED,
                                layout=WIDE)
        self.room = w.Dropdown(description=t("activities.panel.field.room"), style=LABELLED,
                               layout=WIDE)
        self.scenario = w.Dropdown(
            description=t("activities.panel.field.scenario"), style=LABELLED, layout=WIDE,
            options=[(t("activities.panel.choose"), NOT_CHOSEN)] + [
                (s[panel.lang], s["code"]) for s in vocabulary.scenarios()])
        self.organiser = w.Text(value=panel.person, description=t(
            "activities.panel.field.organiser"), style=LABELLED, layout=WIDE)
        self.capacity = w.IntText(value=20, description=t("activities.panel.field.capacity"),
                                  style=LABELLED, layout=w.Layout(width="16em"))
        self.day = w.DatePicker(value=panel.today() + timedelta(days=7),
                                description=t("activities.panel.field.day"), style=LABELLED)
        self.starts = w.TimePicker(value=time(19, 0), step=60,
                                   description=t("activities.panel.field.starts"),
                                   style=LABELLED)
        self.ends = w.TimePicker(value=time(21, 0), step=60,
                                 description=t("activities.panel.field.ends"), style=LABELLED)
        self.repeat = w.ToggleButtons(
            options=[(t("activities.panel.repeat.once"), "once"),
                     (t("activities.panel.repeat.weekly"), "weekly")],
            description=t("activities.panel.field.repeat"), style=LABELLED)
        self.until = w.DatePicker(value=panel.today() + timedelta(days=63),
                                  description=t("activities.panel.field.until"), style=LABELLED)
        self.errors = {name: w.HTML() for name in (
            "title", "description", "public_space_id", "room_id", "scenario", "organiser",
            "capacity", "starts_at", "ends_at", "repeat", "repeat_until")}
        self.errors["skip_dates"] = self.errors["repeat_until"]
        self.button = w.Button(description=t("activities.panel.post"), button_style="primary",
                               icon="check", layout=w.Layout(width="auto"))
        self.message = w.HTML()
        e = self.errors
        self.until_row = beside(self.until, e["repeat_until"])
        self.widget = w.VBox([
            beside(self.title, e["title"]), beside(self.description, e["description"]),
            beside(self.space, e["public_space_id"]), beside(self.room, e["room_id"]),
            beside(self.scenario, e["scenario"]), beside(self.organiser, e["organiser"]),
            beside(self.capacity, e["capacity"]), self.day,
            beside(self.starts, e["starts_at"]), beside(self.ends, e["ends_at"]),
            beside(self.repeat, e["repeat"]), self.until_row, w.HBox([self.button]),
            self.message])
        self.widget.add_class("wb-activities-post")
        self.space.observe(panel.safe(lambda _c: self._show_rooms()), names="value")
        self.repeat.observe(panel.safe(lambda _c: self._show_until()), names="value")
        self.button.on_click(panel.safe(lambda _b: self.post()))
        self.refresh()
        self._show_until()

    def refresh(self) -> None:
        offer(self.space, self.panel.space_options(), NOT_CHOSEN)
        self._show_rooms()

    def _show_rooms(self) -> None:
        rooms = self.panel.store.rooms(self.panel.community.id, self.space.value) \
            if self.space.value else []
        offer(self.room, [(self.t("activities.panel.room.whole"), NOT_CHOSEN)] + [
            (f"{r['name']} ({r['opens']}–{r['closes']})", r["id"]) for r in rooms], NOT_CHOSEN)
        self.room.disabled = not rooms

    def _show_until(self) -> None:
        self.until_row.layout.display = None if self.repeat.value == "weekly" else "none"

    def values(self) -> dict:
        """What the form holds, as :func:`workflow.post_activity` reads it: the date and the
        two clock times made into the meeting's start and end (local, naive)."""
        day = self.day.value

        def at(clock):
            return datetime.combine(day, clock) if isinstance(day, date) and \
                isinstance(clock, time) else None
        return {"title": self.title.value, "description": self.description.value,
                "public_space_id": self.space.value,
                "room_id": None if self.room.value == NOT_CHOSEN else self.room.value,
                "scenario": self.scenario.value, "organiser": self.organiser.value,
                "capacity": self.capacity.value, "starts_at": at(self.starts.value),
                "ends_at": at(self.ends.value), "repeat": self.repeat.value,
                "repeat_until": self.until.value if self.repeat.value == "weekly" else None}

    def post(self) -> int | None:
        """Post the activity; its id, or None with every problem beside its field."""
        self.clear_errors()
        self.message.value = ""
        panel = self.panel
        try:
            activity_id = workflow.post_activity(panel.store, panel.community, self.values(),
                                                 panel.person or self.organiser.value)
        except ActivityInvalid as invalid:
            self.show_errors(invalid.errors)
            self.message.value = f"<p>{error_html(self.t('activities.panel.fix_fields'))}</p>"
            return None
        activity, _row = panel.store.activity(activity_id)
        self.say("ok", "activities.panel.posted", title=activity.title,
                 n=len(occurrences(activity)))
        self.title.value = self.description.value = ""
        panel.changed()
        return activity_id


class Meetings:
    """The meetings from a week back to four weeks on, and the list of those with a place in
    the chosen one: the organiser ticks who came and confirms (points by the rules)."""

    def __init__(self, panel: ActivitiesPanel):
        self.panel, self.t = panel, panel.t
        self.heading = w.HTML()
        self.meeting = w.Dropdown(description=self.t("activities.panel.meeting"),
                                  style={"description_width": "initial"},
                                  layout=w.Layout(width="min(100%, 760px)"))
        self.places = w.HTML()
        self.ticks = w.VBox()
        self.ticks.add_class("wb-activities-ticks")
        self.error = w.HTML()
        self.button = w.Button(description=self.t("activities.panel.confirm"),
                               button_style="success", icon="check",
                               layout=w.Layout(width="auto"))
        self.message = w.HTML()
        # the meeting's check-in QR code, shown at the door (checked in on the resident page)
        self.qr_html = w.HTML()
        self.qr_file = DownloadLink(self.t("activities.panel.qr_download"), self._qr_name,
                                    SVG, self.qr_bytes, self.t("activities.panel.too_large"))
        self.qr_box = w.VBox([
            w.HTML(f"<h3>{esc(self.t('activities.panel.qr_heading'))}</h3><p class='wb-hint'>"
                   f"{esc(self.t('activities.panel.qr_explain'))}</p>"),
            self.qr_html, self.qr_file.widget])
        self.qr_box.add_class("wb-activities-qr")
        ticking = w.VBox([
            self.places,
            w.HTML(f"<p class='wb-hint'>{esc(self.t('activities.panel.tick_explain'))}</p>"),
            self.ticks, beside(self.button, self.error), self.message],
            layout=w.Layout(flex="1 1 480px"))
        self.widget = w.VBox([self.heading, self.meeting, w.HBox(
            [ticking, self.qr_box], layout=w.Layout(flex_flow="row wrap",
                                                    grid_gap="8px 24px"))])
        self.meeting.observe(panel.safe(lambda _c: self.show_list()), names="value")
        self.button.on_click(panel.safe(lambda _b: self.confirm()))
        self.refresh()

    def refresh(self) -> None:
        today = self.panel.today()
        first, last = today - MEETINGS_BACK, today + MEETINGS_AHEAD
        self.heading.value = (f"<h3>{esc(self.t('activities.panel.meetings_heading', first=first, last=last))}"
                              f"</h3>")
        self.found = {(m["activity_id"], m["on"]): m for m in workflow.calendar(
            self.panel.store, self.panel.community, first, last)}
        names = self.panel.space_names()
        chosen = self.meeting.value
        self.meeting.options = [
            (f"{m['on']} {m['starts_at']:%H:%M} · {m['title']} · "
             f"{names.get(m['public_space_id'], m['public_space_id'])}", key)
            for key, m in self.found.items()]
        if chosen in self.found:
            self.meeting.value = chosen
        elif self.found:  # the next meeting to come, else the last one held
            ahead = [k for k, m in self.found.items() if m["on"] >= today]
            self.meeting.value = ahead[0] if ahead else list(self.found)[-1]
        self.show_list()

    def show_list(self) -> None:
        """The residents with a place in the chosen meeting, a tick box each; those already
        confirmed ticked and fixed."""
        self.error.value = self.message.value = ""
        key = self.meeting.value
        meeting = self.found.get(key) if key else None
        self.show_qr()
        if meeting is None:
            self.places.value = f"<p class='wb-hint'>{esc(self.t('activities.panel.no_meetings'))}</p>"
            self.ticks.children, self.boxes = [], {}
            self.button.disabled = True
            return
        self.places.value = f"<p>{esc(self.t('activities.panel.places', **meeting))}</p>"
        signed = [s for s in self.panel.store.signups(*key) if s["status"] == "accepted"]
        self.boxes = {}
        for signup in signed:
            done = signup["attended_at"] is not None
            label = self.panel.resident(signup["code_id"])
            box = w.Checkbox(value=done, disabled=done, indent=False,
                             description=label + (f" {self.t('activities.panel.already')}"
                                                  if done else ""),
                             layout=w.Layout(width="auto"))
            self.boxes[signup["code_id"]] = box
        self.ticks.children = list(self.boxes.values()) or [w.HTML(
            f"<p class='wb-hint'>{esc(self.t('activities.panel.nobody'))}</p>")]
        self.button.disabled = not any(not b.disabled for b in self.boxes.values())

    def checkin_link(self) -> str | None:
        """The chosen meeting's check-in address (:func:`checkin.checkin_url`), or None."""
        from workbench.activities import checkin

        key = self.meeting.value
        if not key:
            return None
        store, community = self.panel.store, self.panel.community
        return checkin.checkin_url(checkin.checkin_key(store, community.id), key[0], key[1],
                                   lang=self.panel.lang)

    def show_qr(self) -> None:
        from workbench.workshops.screen_join import qr_svg

        link = self.checkin_link()
        self.qr_box.layout.display = None if link else "none"
        self.qr_html.value = "" if link is None else (
            f"<div class='wb-qr' role='img' aria-label='{esc(self.t('activities.panel.qr_heading'))}'>"
            f"{qr_svg(link)}</div><p class='wb-hint wb-qr-link'>{esc(link)}</p>")
        self.qr_file.refresh()

    def _qr_name(self) -> str:
        key = self.meeting.value
        on = key[1] if key else ""
        return f"{self.t('activities.panel.qr_file')}-{key[0] if key else ''}-{on}.svg"

    def qr_bytes(self) -> bytes | None:
        """The QR code as an SVG file to print; None while no meeting is chosen."""
        import io

        import segno

        link = self.checkin_link()
        if link is None:
            return None
        out = io.BytesIO()
        segno.make(link, error="m").save(out, kind="svg", scale=8, border=4)
        return out.getvalue()

    def confirm(self) -> int:
        """Confirm the ticked residents as attending (each once); how many were new."""
        self.error.value = self.message.value = ""
        key = self.meeting.value
        ticked = [code for code, box in self.boxes.items() if box.value and not box.disabled]
        if not key or not ticked:
            self.error.value = error_html(self.t("activities.panel.tick_first"))
            return 0
        panel = self.panel
        try:
            for code_id in ticked:
                workflow.confirm_attendance(panel.store, panel.rules, key[0], key[1], code_id,
                                            panel.person or "organiser", "committee")
        except (SignupRefused, PointsRefused) as refused:
            self.show_list()
            self.error.value = error_html(self.t(refused.key, **refused.params))
            return 0
        self.show_list()
        self.message.value = (f"<p class='wb-ok' role='status'>"
                              f"{esc(self.t('activities.panel.confirmed', n=len(ticked)))}</p>")
        panel.use_changed()
        return len(ticked)


def activities_app(lang: str = "zh", person: str = "社区工作人员") -> Bilingual:
    """The activities notebook's app: the panel with its 中文 / English switch and the
    planner's name (who signs what it writes), typed in the tool."""
    return Bilingual(lambda language, name: ActivitiesPanel.from_settings(language, name),
                     lang, person=person)
