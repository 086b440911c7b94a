"""The planner's activities panel driven through its widgets, without a browser: bad input
answered beside each field in zh and en with nothing stored; an activity posted; attendance
ticked (once, with its points credit); rooms added; bookings approved, refused and cancelled
(a reason needed); a space's .ics file offered; the use of spaces as a table with
percentages, a chart, a map coloured by use and the evidence the agenda reads; the tab on
the planners' home."""

from __future__ import annotations

import base64
import re
from datetime import date, time, timedelta

import pytest
from activity_samples import codes, load_spaces, next_week
from sqlalchemy import func, select
from use_samples import fill_recent, fill_use

from workbench import settings
from workbench.activities import workflow
from workbench.activities.activities_panel import ActivitiesPanel
from workbench.activities.charts import LEVEL_COLOURS
from workbench.activities.tables import activities
from workbench.points.rule_file import load_rules

PNG = b"\x89PNG"


@pytest.fixture
def rules():
    return load_rules(settings.get("points_rules"))


def panel(store, community, rules, lang="zh") -> ActivitiesPanel:
    return ActivitiesPanel(store, rules, community, lang, "王管家")


def stored(store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(activities)).scalar()


def shown(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


@pytest.mark.parametrize("lang, words", [
    ("zh", {"capacity": "1 到 500", "public_space_id": "公共空间", "ends_at": "结束时间必须",
            "title": ""}),
    ("en", {"capacity": "from 1 to 500", "public_space_id": "public space",
            "ends_at": "must be after the start", "title": ""})])
def test_bad_input_is_answered_beside_each_field_and_nothing_is_stored(store, community,
                                                                        rules, lang, words):
    p = panel(store, community, rules, lang).posting
    p.title.value = "<b>合唱</b>"
    p.capacity.value = 10 ** 9
    p.starts.value, p.ends.value = time(20, 0), time(19, 0)
    assert p.post() is None
    for field, text in words.items():
        assert p.errors[field].value, field
        assert text in shown(p.errors[field].value)
    assert p.errors["scenario"].value and "wb-error" in p.message.value
    p.capacity.value = 0
    assert p.post() is None and p.errors["capacity"].value
    assert stored(store) == 0


def test_a_weekly_activity_is_posted_and_listed_for_ticking(store, community, rules):
    load_spaces(store, community)
    room = workflow.add_room(store, community, "P3", {"name": "多功能室", "opens": "08:00",
                                                      "closes": "21:00"})
    whole = panel(store, community, rules)
    p = whole.posting
    p.space.value = "P3"
    assert [value for _label, value in p.room.options] == ["", room]     # its rooms only
    p.room.value = room
    p.title.value, p.organiser.value, p.scenario.value = "书法课", "赵老师", "education"
    p.capacity.value = 12
    p.day.value = next_week().date()
    p.repeat.value = "weekly"
    p.until.value = next_week().date() + timedelta(weeks=3)
    activity_id = p.post()
    assert activity_id is not None and stored(store) == 1
    assert "书法课" in p.message.value and p.title.value == ""
    activity, _ = store.activity(activity_id)
    assert (activity.room_id, activity.capacity, activity.repeat) == (room, 12, "weekly")
    assert activity.starts_at.hour == 19 and activity.ends_at.hour == 21
    assert any(key[0] == activity_id for _label, key in whole.meetings.meeting.options)


def test_ticking_names_confirms_attendance_once_with_its_points(store, community, rules):
    load_spaces(store, community)
    activity_id = workflow.post_activity(store, community, {
        "title": "邻里读书会", "public_space_id": "P1", "scenario": "neighbourhood",
        "organiser": "李阿姨", "capacity": 2, "starts_at": next_week(),
        "ends_at": next_week() + timedelta(hours=1)}, "王管家")
    people = codes(store, community.id, 3, "tick")
    on = next_week().date()
    for code_id in people:
        store.sign_up(activity_id, on, code_id)
    store.set_personal_data(people[0], name="张<三>")
    m = panel(store, community, rules).meetings
    m.meeting.value = (activity_id, on)
    assert list(m.boxes) == people[:2]                   # the waiting one is not listed
    assert "张<三>" in m.boxes[people[0]].description     # a Checkbox's label is text
    assert m.confirm() == 0 and "请先勾选" in m.error.value
    m.boxes[people[0]].value = True
    assert m.confirm() == 1 and "1" in m.message.value
    rows = {s["code_id"]: s for s in store.signups(activity_id, on)}
    assert rows[people[0]]["attended_at"] is not None and rows[people[1]]["attended_at"] is None
    assert m.boxes[people[0]].disabled and m.boxes[people[0]].value
    credits = store.points_credits(community.id)
    assert [(c["code_id"], c["rule_id"]) for c in credits] == [(people[0], "activity_attended")]


def test_a_meeting_s_check_in_qr_code_is_shown_and_offered_to_print(store, community, rules):
    from workbench.activities import checkin

    load_spaces(store, community)
    activity_id = workflow.post_activity(store, community, {
        "title": "邻里读书会", "public_space_id": "P1", "scenario": "neighbourhood",
        "organiser": "李阿姨", "capacity": 2, "starts_at": next_week(),
        "ends_at": next_week() + timedelta(hours=1)}, "王管家")
    m = panel(store, community, rules).meetings
    on = next_week().date()
    m.meeting.value = (activity_id, on)
    link = m.checkin_link()
    assert "<svg" in m.qr_html.value and link in m.qr_html.value.replace("&amp;", "&")
    # the resident page reads the link as this meeting, with a valid token
    value = link.split(f"{checkin.PARAM}=")[1].split("&")[0]
    found = checkin.read_checkin(value)
    assert found[:2] == (activity_id, on)
    key = checkin.checkin_key(store, community.id)
    assert checkin.token_matches(key, activity_id, on, found[2])
    assert "download=" in m.qr_file.widget.value and ".svg" in m.qr_file.widget.value
    assert base64.b64decode(re.search(r"base64,([^\"]+)\"", m.qr_file.widget.value)
                            .group(1)).startswith(b"<?xml")


def test_rooms_are_added_with_problems_beside_their_fields(store, community, rules):
    load_spaces(store, community)
    r = panel(store, community, rules, "en").bookings
    r.name.value = "Table-tennis room"
    r.opens.value, r.closes.value = time(21, 0), time(8, 0)
    assert r.add_room() is None
    assert "choose a public space" in r.errors["public_space_id"].value
    assert "after opening time" in r.errors["closes"].value
    r.space.value = "P3"
    r.cost.value = -1
    assert r.add_room() is None and "Points from 0" in r.errors["points_cost"].value
    assert store.rooms(community.id) == []
    r.opens.value, r.closes.value, r.cost.value = time(8, 0), time(21, 0), 5
    assert r.add_room() is not None
    assert "Table-tennis room" in r.rooms_html.value and "08:00–21:00" in r.rooms_html.value


def test_bookings_are_approved_refused_with_a_reason_and_cancelled(store, community, rules):
    load_spaces(store, community)
    sample = fill_recent(store, community, "P1", "P3")
    first, second = sample["waiting"]
    r = panel(store, community, rules).bookings
    assert [value for _label, value in r.booking.options] == [first, second]
    assert "乒乓球练习" in r.bookings_html.value and "待审核" in r.bookings_html.value
    r.booking.value = first
    assert r.decide("refuse") is None and "理由" in r.reason_error.value
    assert store.bookings_of(community.id, ("requested",))[0]["id"] == first   # unchanged
    r.reason.value = "<script>x</script>"
    assert r.decide("refuse") is None and r.reason_error.value
    r.reason.value = "当天场地维修"
    assert r.decide("refuse") == "refused" and "未通过" in r.decided.value
    (refused,) = [b for b in store.bookings_of(community.id, ("refused",)) if b["id"] == first]
    assert refused["reason"] == "当天场地维修" and refused["decided_by"] == "王管家"
    r.booking.value = second
    assert r.decide("approve") == "approved"
    assert [value for _label, value in r.booking.options] == [second]        # still ahead
    assert r.decide("cancel") is None and r.reason_error.value
    r.reason.value = "停电"
    assert r.decide("cancel") == "cancelled"
    assert r.booking.options == () and r.decide_box.layout.display == "none"


def test_the_calendar_file_of_a_space_is_offered(store, community, rules):
    load_spaces(store, community)
    fill_recent(store, community, "P1", "P3")
    r = panel(store, community, rules, "en").bookings
    assert r.ics.widget.value == ""                          # no space chosen: no link
    r.ics_space.options = []
    assert r.ics_space.value is None and r.ics_bytes() is None  # nor before options are set
    r.refresh()
    r.ics_space.value = "P1"
    link = r.ics.widget.value
    assert "download=\"test-P1.ics\"" in link and "Little Bridge Pocket Park" in link
    data = base64.b64decode(re.search(r"base64,([^\"]+)\"", link).group(1)).decode()
    assert data.startswith("BEGIN:VCALENDAR") and "SUMMARY:社区合唱团排练" in data


def test_the_use_of_spaces_is_a_table_a_chart_a_map_and_evidence(store, community, rules):
    load_spaces(store, community)
    fill_use(store, community)
    u = panel(store, community, rules, "en").use
    u.period.value = 365                     # March and April 2026, within a year of today
    table = shown(u.table_html.value)
    for text in ("Little Bridge Pocket Park", "Community Living Room", "20%", "50%", "75%",
                 "Little used (under 2 h a week)", "Not used"):
        assert text in table, text
    assert bytes(u.chart.value).startswith(PNG)
    styles = {f["properties"]["id"]: f["properties"]["style"]["fillColor"]
              for f in u.map.public_spaces.data["features"]}
    assert styles == {"P1": LEVEL_COLOURS["low"], "P2": LEVEL_COLOURS["none"],
                      "P3": LEVEL_COLOURS["low"], "P4": LEVEL_COLOURS["none"]}
    assert sorted(m.title.split(" · ")[0] for m in u.labels.layers) == [   # used ones named
        "Community Living Room", "Little Bridge Pocket Park"]
    evidence = shown(u.evidence_html.value)
    assert "Asked for and not given" in evidence and "Little used" in evidence
    assert "Room bookings" in shown(u.scenario_html.value)
    assert "2026-03" in u.month_html.value and "2026-04" in u.month_html.value
    u.period.value = 30                      # nothing in the last 30 days
    assert "Little Bridge Pocket Park" in shown(u.table_html.value)
    assert "2026-03" not in u.month_html.value


def test_the_agenda_reads_the_use_as_needs_of_each_space(store, community):
    load_spaces(store, community)
    fill_use(store, community)
    needs = workflow.space_use_evidence(store, community, "en", today=date(2026, 4, 30),
                                        days=61)
    asked = "Asked for and not given (bookings refused, left waiting, times taken or closed)"
    little = "Little used: hours used in the period"
    # P1 and P2 have no rooms: their daily use is not the calendar's, never "little used"
    assert needs["P1"] == {asked: 1}
    assert "P2" not in needs
    # P3's rooms were open 13 h a day and used 4 h in the period
    assert needs["P3"] == {asked: 1, little: 4}


def test_the_planners_home_has_the_activities_tab(store, monkeypatch):
    from workbench.layers.community import load_community
    from workbench.page.planner_home import PlannerHome

    monkeypatch.setenv("WORKBENCH_DATABASE_URL", store.url)   # the demo community's home
    store.ensure_community(load_community(settings.get("layers_dir")))
    home = PlannerHome("王管家", "en")
    names = [p.name for p in home.panels]
    assert home.tabs.titles[names.index("activities")] == "Activities"
    opened = home.open(names.index("activities"))
    assert "wb-activities" in opened._dom_classes                # the panel, not "could not open"
    assert len(store.public_space_features("heguang")) == 15    # its spaces loaded to hold them


def test_the_use_tab_is_drawn_when_first_opened(store, community, rules):
    load_spaces(store, community)
    p = panel(store, community, rules)
    assert p.use_box.children == ()
    p.tabs.selected_index = 3
    assert p.use_box.children == (p.use.widget,)
    assert "小桥口袋公园" in p.use.table_html.value
