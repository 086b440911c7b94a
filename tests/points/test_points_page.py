"""The points and needs pool sections of the resident page, driven through their widgets as a
phone's page drives them over the kernel websocket: the balance and its history (pending
credits apart), redeeming with a receipt (once, however often the button is pressed; refused
when the balance is short), a need's whole life from two residents' pages, bad input
answered beside its field in zh and en, and a need's HTML title shown as text."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import ipywidgets as w
import pytest
from points_samples import credited

from workbench.page.resident import ResidentApp
from workbench.participation.codes import issue_codes
from workbench.points.needs import Need


def page_with_code(community, store, lang="en"):
    """A resident's page with a fresh participation code in use; (page, code id)."""
    code, = issue_codes(store, community.id, 1, batch="points page test")
    app = ResidentApp(community, store, lang=lang)
    assert app.use_code(code)
    return app, app.session.code_id


def widgets_in(widget, css: str) -> list:
    """The widgets of class ``css`` inside ``widget``, in page order."""
    found = [widget] if css in getattr(widget, "_dom_classes", ()) else []
    for child in getattr(widget, "children", ()):
        found += widgets_in(child, css)
    return found


def redeem_button(points, item_id: str) -> w.Button:
    """The Redeem button of a catalogue item (the cards are in the rule file's order)."""
    index = [item.id for item in points.rules.catalogue].index(item_id)
    return widgets_in(points.catalogue_box, "wb-points-redeem")[index]


def card(needs, need_id: int) -> w.VBox:
    found = widgets_in(needs.widget, f"wb-need-{need_id}")
    assert len(found) == 1, f"need {need_id} is not shown once"
    return found[0]


def press(needs, need_id: int, action: str) -> None:
    widgets_in(card(needs, need_id), f"wb-needs-{action}")[0].click()


def test_without_a_code_one_line_asks_for_it(community, store):
    app = ResidentApp(community, store, lang="en")
    for name in ("points", "needs_pool"):
        part = app.open_section(name)
        assert "participation code" in part.intro.value
        assert part.body.layout.display == "none"
    app.set_language("zh")
    assert "参与码" in app.section("points").intro.value
    # the code typed in afterwards: both sections show what it holds at once
    code, = issue_codes(store, community.id, 1, batch="points page test")
    assert app.use_code(code)
    for name in ("points", "needs_pool"):
        part = app.section(name)
        assert part.intro.value == "" and part.body.layout.display is None
    assert ">0<" in app.section("points").balance_html.value


def test_balance_history_pending_apart_and_service_hours(community, store):
    app, me = page_with_code(community, store)
    store.open_points_account(me)
    credited(store, community.id, me, 40, "need:1")                      # 60 minutes
    store.adjust_points(me, -5, "counted twice", "王管家", "fix-1")
    store.award_points(community.id, me, "survey:9", "survey_completed", 2, 0, "steward")
    points = app.open_section("points")
    shown = points.balance_html.value
    assert ">35<" in shown                                 # 40 - 5; the pending 2 not counted
    assert "2 points from 1 credit are waiting for review" in shown
    assert "Service hours (kept apart from points): 1 h" in shown
    history = points.history_html.value
    assert "Under review" in history and "A community survey answered" in history
    assert "Earned" in history and "+40" in history and "Help for older neighbours" in history
    assert "Correction" in history and "-5" in history and "counted twice" in history
    assert history.index("Under review") < history.index("Correction") < history.index("Earned")
    assert store.points_balance(me) == 35                  # the page shows the ledger's sum
    app.set_language("zh")
    assert "另有 1 笔共 2 积分正在审核" in points.balance_html.value
    assert "更正" in points.history_html.value and "服务时长" in points.balance_html.value


def test_redeem_with_a_receipt_in_the_residents_language(community, store):
    app, me = page_with_code(community, store)
    store.open_points_account(me)
    credited(store, community.id, me, 100, "need:1")
    points = app.open_section("points")
    assert "200 left" in points.catalogue_box.children[1].children[0].value
    redeem_button(points, "canteen_meal").click()
    assert "Spend 30 points on A meal at the community canteen? You have 100." in \
        points.confirm_text.value
    assert points.confirm_box in points.catalogue_box.children      # below the item tapped
    points.confirm_button.click()
    receipt = points.receipt
    assert receipt["new"] and receipt["balance"] == 70 and store.points_balance(me) == 70
    entry = store.points_history(me)[-1]
    assert entry["kind"] == "redeem" and entry["receipt_code"] == receipt["receipt_code"]
    shown = points.receipt_html.value
    local = entry["created_at"].replace(tzinfo=timezone.utc).astimezone(
        ZoneInfo(community.time_zone)).strftime("%Y-%m-%d")
    assert receipt["receipt_code"] in shown and f"Date: {local}" in shown
    assert "Balance now: 70 points" in shown and "Where: 社区长者食堂" in shown
    assert points.receipt_html in points.catalogue_box.children
    assert any(c.startswith("wb-scroll-") for c in points.receipt_html._dom_classes)
    assert "199 left" in points.catalogue_box.children[1].children[0].value
    assert ">70<" in points.balance_html.value and "Redeemed" in points.history_html.value
    app.set_language("zh")
    assert "兑换成功" in points.receipt_html.value and "当前余额：70 积分" in \
        points.receipt_html.value and f"日期：{local}" in points.receipt_html.value


def test_a_short_balance_is_refused_beside_the_button_nothing_spent(community, store):
    app, me = page_with_code(community, store, lang="zh")
    store.open_points_account(me)
    credited(store, community.id, me, 10, "need:1")
    points = app.open_section("points")
    redeem_button(points, "room_two_hours").click()
    points.confirm_button.click()
    assert points.receipt is None
    assert points.redeem_message.value == "积分不足：您有 10 分，需要 50 分。"
    assert [e["kind"] for e in store.points_history(me)] == ["earn"]
    assert store.points_balance(me) == 10 and not points.receipt_html.value
    assert not points.confirm_button.disabled                       # free to choose again
    app.set_language("en")
    assert points.redeem_message.value == \
        "Not enough points: you have 10, this needs 50."


def test_pressing_confirm_twice_redeems_once(community, store):
    app, me = page_with_code(community, store)
    store.open_points_account(me)
    credited(store, community.id, me, 100, "need:1")
    points = app.open_section("points")
    redeem_button(points, "haircut").click()
    points.confirm_button.click()
    first = points.receipt["receipt_code"]
    points.confirm_button.click()                           # the second tap of a double tap
    assert points.receipt["receipt_code"] == first and not points.receipt["new"]
    assert [e["kind"] for e in store.points_history(me)] == ["earn", "redeem"]
    assert store.points_balance(me) == 60
    # a new tap on the item is a new request: a second haircut is a second redemption
    redeem_button(points, "haircut").click()
    points.confirm_button.click()
    assert points.receipt["receipt_code"] != first and store.points_balance(me) == 20


def post(needs, title="Carry shopping upstairs", skill="elderly_care", space="P1",
         start_in=timedelta(days=1), length=timedelta(hours=2), description="3rd floor"):
    local_now = datetime.now(ZoneInfo(needs.community.time_zone)).replace(tzinfo=None)
    needs.title_input.value = title
    needs.description_input.value = description
    needs.skill_input.value = skill
    needs.space_input.value = space
    needs.start_input.value = local_now + start_in if start_in is not None else None
    needs.end_input.value = local_now + start_in + length if start_in is not None else None
    needs.post_button.click()


def test_a_needs_whole_life_from_two_residents_pages(community, store):
    asker_app, asker = page_with_code(community, store)
    helper_app, helper = page_with_code(community, store, lang="zh")
    asking = asker_app.open_section("needs_pool")
    post(asking)
    assert "Your need is posted: volunteers can see it now." in asking.post_message.value
    need = store.needs_of(community.id)[0]
    assert need["posted_by_code_id"] == asker and need["public_space_id"] == "P1"
    assert "Carry shopping upstairs" in card(asking, need["id"]).children[0].value
    assert asking.title_input.value == ""                               # cleared for another

    helping = helper_app.open_section("needs_pool")
    press(helping, need["id"], "claim")                                 # no skill registered
    assert "该需求所需的技能不在您登记的技能中" in card(helping, need["id"]).children[-1].value
    assert store.need(need["id"])["status"] == "open"
    helping.skill_checks["elderly_care"].value = True
    helping.skills_button.click()
    assert store.volunteers(community.id)[0]["skills"] == ["elderly_care"]
    press(helping, need["id"], "claim")
    assert store.need(need["id"])["status"] == "claimed"
    assert card(helping, need["id"]) in helping.mine_box.children       # now among mine
    # minutes that are not a whole number in range: beside the field, nothing moves
    minutes = widgets_in(card(helping, need["id"]), "wb-field")[0]
    for bad in ("ninety", "0", "99999", "-5", "1.5"):
        minutes.value = bad
        press(helping, need["id"], "done")
        error = widgets_in(card(helping, need["id"]), "wb-error")[0]
        assert "请填写服务时长（分钟）：1 到 480 之间的整数" in error.value, bad
        assert store.need(need["id"])["status"] == "claimed"
    press(helping, need["id"], "release")
    assert store.need(need["id"])["status"] == "open"
    press(helping, need["id"], "claim")
    widgets_in(card(helping, need["id"]), "wb-field")[0].value = "90"
    press(helping, need["id"], "done")
    assert store.need(need["id"])["status"] == "done"
    asker_app.refresh()
    press(asking, need["id"], "confirm")
    assert store.need(need["id"])["status"] == "confirmed"
    assert "Confirmed: the volunteer" in card(asking, need["id"]).children[-1].value
    credit, = store.points_credits_of(helper)
    assert credit["points"] == 15 and credit["minutes"] == 90          # 1.5 h x 10
    helper_app.refresh()
    assert "已确认" in card(helping, need["id"]).children[0].value
    assert "15 积分正在审核" in helper_app.open_section("points").balance_html.value
    assert [e["action"] for e in store.need_history(need["id"])] == [
        "post", "claim", "release", "claim", "done", "confirm"]


@pytest.mark.parametrize("lang, words", [
    ("en", {"title": "Please fill this in.", "skill": "Choose the skill this needs.",
            "window": "Give a time window from now on"}),
    ("zh", {"title": "请填写这一项。", "skill": "请选择所需的技能。",
            "window": "请填写从现在起的时间段"}),
])
def test_bad_needs_are_answered_beside_their_fields_nothing_saved(community, store, lang,
                                                                   words):
    app, _ = page_with_code(community, store, lang=lang)
    needs = app.open_section("needs_pool")
    post(needs, title="  ", skill="", length=-timedelta(hours=1))
    for field in ("title", "skill", "window"):
        assert words[field] in needs.field_errors[field].value, field
    post(needs, title="<b>bold</b>", start_in=None)
    assert needs.field_errors["title"].value and needs.field_errors["window"].value
    # a hostile client sets values the dropdowns never offered
    needs.skill_input.options = [("x", "volcano")]
    needs.space_input.options = [("x", "nowhere")]
    post(needs, skill="volcano", space="nowhere")
    assert needs.field_errors["skill"].value and needs.field_errors["public_space_id"].value
    post(needs, length=timedelta(days=100))  # longer than three months
    assert needs.field_errors["window"].value
    assert store.needs_of(app.community.id) == []


def test_html_in_a_needs_title_is_shown_as_text(community, store):
    start = datetime.now(timezone.utc) + timedelta(days=1)
    store.post_need(community.id, Need("<img src=x onerror=alert(1)>", "<script>x</script>",
                                       "environment", None, start, start + timedelta(hours=1)),
                    None, "committee")
    app, _ = page_with_code(community, store)
    needs = app.open_section("needs_pool")
    shown = needs.open_box.children[0].children[0].value
    assert "&lt;img src=x onerror=alert(1)&gt;" in shown and "<img" not in shown
    assert "&lt;script&gt;" in shown and "<script" not in shown


@pytest.mark.parametrize("content", [None, "id: Not An Identifier\n"])
def test_without_a_usable_rule_file_the_sections_say_points_are_not_open(
        community, store, tmp_path, monkeypatch, content):
    rules = tmp_path / "rules.yaml"
    if content is not None:
        rules.write_text(content, encoding="utf-8")
    monkeypatch.setenv("WORKBENCH_POINTS_RULES", str(rules))
    app, _ = page_with_code(community, store)
    for name in ("points", "needs_pool"):
        part = app.open_section(name)
        assert "Points are not open in this community yet." in part.intro.value
        assert part.body.layout.display == "none"


@pytest.mark.parametrize("lang, words", [("en", "Room booking"), ("zh", "预订活动室")])
def test_a_room_bookings_charge_is_named_as_such_in_the_history(community, store, lang, words):
    app, _code_id = page_with_code(community, store, lang=lang)
    points = app.open_section("points")
    text = points.entry_text({"kind": "redeem", "rule_id": "room:3", "receipt_code": "AB12",
                              "points": -20})
    assert words in text and "room:3" not in text


@pytest.mark.parametrize("lang, too_long, markup", [
    ("en", "at most 200 characters", "HTML"), ("zh", "最多 200 个字", "网页代码")])
def test_a_volunteer_says_when_they_can_help(community, store, lang, too_long, markup):
    app, _code_id = page_with_code(community, store, lang=lang)
    needs = app.open_section("needs_pool")
    needs.skill_checks["elderly_care"].value = True
    for bad, said in (("x" * 201, too_long), ("<b>evenings</b>", markup)):
        needs.availability_input.value = bad
        assert not needs.save_skills()
        assert said in needs.availability_message.value, bad
        assert store.volunteers(community.id) == []                   # nothing half-saved
        assert needs.availability_input.value == bad                  # kept to correct
    needs.availability_input.value = "  weekday evenings 工作日晚上 "
    assert needs.save_skills(), (needs.skills_message.value, needs.availability_message.value)
    (volunteer,) = store.volunteers(community.id)
    assert volunteer["skills"] == ["elderly_care"]
    assert volunteer["availability"] == "weekday evenings 工作日晚上"
    assert needs.availability_message.value == ""
    assert needs.availability_input.value == "weekday evenings 工作日晚上"
    # another resident's page does not show it
    other = page_with_code(community, store, lang=lang)[0]
    assert other.open_section("needs_pool").availability_input.value == ""


def test_availability_that_is_not_text_is_refused():
    from workbench.points.ledger import PointsRefused
    from workbench.points.needs import check_availability

    for bad in (["evenings"], 5, {"a": 1}, "\x00night"):
        with pytest.raises(PointsRefused):
            check_availability(bad)
    assert check_availability(None) == "" and check_availability("  ") == ""
