"""The workshop screen without a browser: who gets the controls, what the poll shows, the
facilitator's actions, the live-update task, and the dots as agenda evidence."""

import asyncio

import ipywidgets as w
import pytest

from communities import INSIDE_OPEN
from workbench.workshops import rules as workshop
from workbench.participation.codes import hash_code, issue_codes, normalise_code
from workbench.proposals.rules import Proposal
from workbench.workshops import screen as workshop_screen
from workbench.workshops.screen import WorkshopScreen, parse_request


@pytest.fixture
def opened(store):
    return workshop.open_workshop(store, "test", "居民议事会", 3)


@pytest.fixture
def screen(community, store, opened):
    wid, token = opened
    return WorkshopScreen.from_request(f"workshop={wid}&token={token}&lang=en",
                                       community=community, store=store)


def widgets_of(widget):
    """Every widget of a tree (children of boxes, the child of a Popup...)."""
    found, todo = [], [widget]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(getattr(current, "children", ()) or ())
    return found


def text_of(widget):
    return " ".join(str(getattr(x, "value", "")) for x in widgets_of(widget)
                    if isinstance(x, w.HTML))


def code_ids(store, n):
    salt = store.code_salt("test")
    return [store.active_code_id("test", hash_code(normalise_code(c), salt))
            for c in issue_codes(store, "test", n)]


def propose(store, wid, title, scenario="health"):
    store.add_proposal("test", Proposal(title, "", scenario, *INSIDE_OPEN), workshop_id=wid)
    return store.workshop_proposals(wid)[-1]["id"]


# -- who gets the controls -------------------------------------------------------------------
def test_the_facilitator_gets_the_screen_and_the_controls(screen):
    assert screen.authorised and screen.state == "open"
    buttons = [x for x in widgets_of(screen.widget) if isinstance(x, w.Button)]
    assert {"wb-end", "wb-timer-start", "wb-new-round"} <= {c for b in buttons
                                                            for c in b._dom_classes}
    text = text_of(screen.widget)
    assert "居民议事会" in text and "Scan to join" in text and "<svg" in text
    assert f"?workshop={screen.workshop['id']}" in screen.join_html.value
    assert "token" not in screen.join_html.value  # the QR code is the residents' link


@pytest.mark.parametrize("query", [
    "workshop={wid}", "workshop={wid}&token=", "workshop={wid}&token=wrong-token-123",
    "workshop={wid}&token={token}x", "workshop={wid}&token=x&tok={token}",
    "workshop=999&token={token}", "workshop=abc&token={token}", "token={token}", "",
    "workshop=1%3B DROP TABLE&token={token}", "workshop=" + "9" * 40 + "&token={token}",
])
def test_without_the_right_token_there_are_no_controls(community, store, opened, query):
    wid, token = opened
    screen = WorkshopScreen.from_request(query.format(wid=wid, token=token),
                                         community=community, store=store)
    assert not screen.authorised and screen.state == "denied"
    assert not [x for x in widgets_of(screen.widget)
                if isinstance(x, (w.Button, w.Text, w.Checkbox, w.Dropdown, w.ToggleButtons))]
    text = text_of(screen.widget)
    assert "这是主持人的屏幕" in text and "This is the facilitator&#x27;s screen" in text
    assert screen._task is None
    with pytest.raises(PermissionError):
        screen.end()


def test_a_wrong_token_still_shows_how_to_join(community, store, opened):
    wid, _ = opened
    screen = WorkshopScreen.from_request(f"workshop={wid}&token=nope-nope-nope",
                                         community=community, store=store)
    text = text_of(screen.widget)
    assert "<svg" in text and f"?workshop={wid}" in text and "token" in text


def test_an_ended_workshop_is_refused(community, store, opened):
    wid, token = opened
    workshop.end_workshop(store, community, wid)
    screen = WorkshopScreen.from_request(f"workshop={wid}&token={token}",
                                         community=community, store=store)
    assert screen.state == "denied" and "This workshop has ended." in text_of(screen.widget)


def test_a_failing_store_gives_a_panel_not_an_exception(community, store, opened, caplog):
    wid, token = opened

    def broken(_id):
        raise RuntimeError("database gone")

    store.workshop = broken
    screen = WorkshopScreen.from_request(f"workshop={wid}&token={token}",
                                         community=community, store=store)
    assert screen.state == "denied" and "server log" in text_of(screen.widget)


def test_parse_request():
    assert parse_request("workshop=3&token=abc&lang=en") == {"workshop": 3, "token": "abc",
                                                             "lang": "en"}
    assert parse_request(None)["workshop"] is None
    assert parse_request("workshop=-1")["workshop"] is None
    assert parse_request("token=" + "x" * 100)["token"] is None


# -- what the screen shows ---------------------------------------------------------------------
def test_new_proposals_joins_and_counts_appear_on_the_next_poll(screen, store):
    wid = screen.workshop["id"]
    assert "data-proposal" not in screen.map_dots.value
    assert "No proposals yet" in screen.latest_html.value
    pid = propose(store, wid, "<img src=x onerror=alert(1)>")
    store.join_workshop(wid, "page-1")
    store.join_workshop(wid, "page-2")
    store.add_proposal("test", Proposal("elsewhere", "", "education", *INSIDE_OPEN))
    assert screen.poll_once()
    assert f"data-proposal='{pid}'" in screen.map_dots.value
    assert "wb-new" in screen.map_dots.value  # a ring pulses round a new one
    assert "<img" not in screen.map_dots.value + screen.latest_html.value
    assert "&lt;img src=x" in screen.latest_html.value
    assert "data-joined='2'" in screen.joined_html.value
    # counts are the community's since the workshop began, by scenario
    assert "data-scenario='health' data-count='1'" in screen.counts_html.value
    assert "data-scenario='education' data-count='1'" in screen.counts_html.value


def test_the_screen_sends_nothing_when_nothing_changed(screen, store):
    propose(store, screen.workshop["id"], "长椅")
    screen.poll_once()
    sent = []
    for x in widgets_of(screen.widget):
        x.observe(lambda change: sent.append(change["name"]), names="value")
    screen.poll_once()
    screen.poll_once()
    assert sent == []


def test_a_hidden_proposal_leaves_the_map_on_a_full_reload(screen, store):
    pid = propose(store, screen.workshop["id"], "spam")
    screen.poll_once()
    store.moderate("test", "proposal", pid, "hide", "spam", "moderator")
    screen.polls = workshop_screen.FULL_RELOAD_POLLS - 1
    screen.poll_once()
    assert f"data-proposal='{pid}'" not in screen.map_dots.value


def test_language_from_the_link_and_the_toggle(community, store, opened):
    wid, token = opened
    screen = WorkshopScreen.from_request(f"workshop={wid}&token={token}&lang=zh",
                                         community=community, store=store)
    assert "扫码参加" in screen.join_html.value and "结束工作坊" == screen.end_button.description
    screen.language.value = "en"
    assert "Scan to join" in screen.join_html.value and screen.end_button.description == \
        "End workshop"
    assert "Since " in screen.counts_html.value


# -- the facilitator's actions -----------------------------------------------------------------
def test_a_dot_round_from_the_picker_grows_and_closes_with_its_result(screen, store):
    wid = screen.workshop["id"]
    a, b = propose(store, wid, "长椅"), propose(store, wid, "遮阳")
    screen.poll_once()
    screen.open_picker()
    assert screen.side.children == (screen.picker,)
    screen.source.value = "proposal"
    assert [c.description for c in screen.choices.children] == ["1. 长椅", "2. 遮阳"]
    screen.choices.children[0].value = True
    assert screen.open_round_from_picker() is None  # one option is not a shortlist
    assert "2 to 12" in screen.ctl_message.value
    screen.choices.children[1].value = True
    rid = screen.open_round_from_picker()
    assert store.open_round_of(wid)["options"] == [
        {"kind": "proposal", "id": a, "title": "长椅"},
        {"kind": "proposal", "id": b, "title": "遮阳"}]
    assert store.dot_round(rid)["dots_per_person"] == 3
    assert screen.side.children == (screen.round_html,)
    first, second = code_ids(store, 2)
    store.spend_dot(rid, first, 1)
    store.spend_dot(rid, first, 1)
    store.spend_dot(rid, second, 0)
    screen.poll_once()
    assert "data-option='0' data-dots='1'" in screen.round_html.value
    assert "data-option='1' data-dots='2'" in screen.round_html.value
    assert "data-total='3'" in screen.round_html.value
    assert screen.close_round_button.layout.display is None
    result = screen.close_current_round()
    assert result["total_dots"] == 3 and result["options"][0]["id"] == b
    assert store.dot_round(rid)["result"]["total_dots"] == 3
    assert store.spend_dot(rid, second, 0) is None  # closed
    assert "wb-round-closed" in screen.round_html.value
    screen.poll_once()
    assert "wb-round-closed" in screen.round_html.value  # the result stays up
    screen.show_counts()
    assert screen.side.children == (screen.counts_html,)


def test_agenda_items_are_offered_but_not_merged_ones(screen, store, community):
    wid = screen.workshop["id"]
    pid = propose(store, wid, "长椅")
    place = {"description": "", "scenario": "health", "public_space_id": None,
             "lon": INSIDE_OPEN[0], "lat": INSIDE_OPEN[1]}
    keep = store.add_item("test", {"title": "Benches", "proposal_ids": [pid], **place})
    gone = store.add_item("test", {"title": "Seats", "proposal_ids": [], **place})
    store.merge_items(keep, [gone], "same")
    screen.open_picker()
    assert [c.description for c in screen.choices.children] == ["Benches"]


def test_a_round_opened_elsewhere_shows_up(screen, store):
    wid = screen.workshop["id"]
    rid = store.open_dot_round(wid, "From the planner", [
        {"kind": "item", "id": 1, "title": "A"}, {"kind": "item", "id": 2, "title": "B"}], 3)
    screen.poll_once()
    assert f"data-round='{rid}'" in screen.round_html.value


def test_the_timer_counts_down_and_stops(screen, store):
    screen.start_timer(5)
    assert 295 <= screen.timer_seconds() <= 300
    assert "05:00" in screen.timer_html.value or "04:5" in screen.timer_html.value
    screen.start_timer(7)  # not an offered length: ignored
    assert screen.timer_seconds() > 200
    store.set_timer(screen.workshop["id"], 1)
    import time

    time.sleep(1.2)
    screen.poll_once()
    assert "Time&#x27;s up" in screen.timer_html.value
    screen.stop_timer()
    assert screen.timer_html.value == "" and screen.workshop["timer_ends_at"] is None


def test_ending_asks_twice_then_saves_the_record_and_the_map(screen, store):
    wid = screen.workshop["id"]
    propose(store, wid, "长椅")
    propose(store, wid, "遮阳")
    store.join_workshop(wid, "page-1")
    screen.poll_once()
    screen.open_picker()
    screen.source.value = "proposal"
    for box in screen.choices.children:
        box.value = True
    rid = screen.open_round_from_picker()
    (code,) = code_ids(store, 1)
    store.spend_dot(rid, code, 0)
    assert screen.end() is None and store.workshop(wid)["status"] == "open"
    assert "Confirm" in screen.end_button.description
    record = screen.end()
    row = store.workshop(wid)
    assert row["status"] == "closed" and row["record"]["joined"] == 1
    assert [p["title"] for p in row["record"]["proposals"]] == ["长椅", "遮阳"]
    assert row["record"]["rounds"][0]["total_dots"] == 1
    assert store.dot_round(rid)["result"]["total_dots"] == 1  # its round closed with a result
    assert store.workshop_map_png(wid).startswith(b"\x89PNG")
    assert record == row["record"] | {"started_at": record["started_at"]}
    assert screen.state == "ended"
    assert not [x for x in widgets_of(screen.widget) if isinstance(x, w.Button)]
    assert "The workshop has ended" in text_of(screen.widget)
    assert not screen.poll_once()


def test_another_screen_ending_the_workshop_ends_this_one(screen, store, community):
    workshop.end_workshop(store, community, screen.workshop["id"])
    assert not screen.poll_once() and screen.state == "ended"


# -- the live-update task ----------------------------------------------------------------------
def test_the_poll_task_keeps_going_after_errors_logging_once(screen, store, monkeypatch):
    monkeypatch.setattr(workshop_screen, "SCREEN_POLL_SECONDS", 0.01)
    calls = {"n": 0}
    real = store.joined_count

    def flaky(wid):
        calls["n"] += 1
        if calls["n"] <= 5:
            raise RuntimeError("database is busy")
        return real(wid)

    monkeypatch.setattr(store, "joined_count", flaky)
    logged = []
    monkeypatch.setattr(screen.log, "exception", lambda *a, **k: logged.append(a))

    async def run():
        assert screen.start_polling()
        await asyncio.sleep(0.3)
        propose(store, screen.workshop["id"], "长椅")
        await asyncio.sleep(0.2)
        assert "data-proposal" in screen.map_dots.value
        screen.widget.close()  # the page is gone: the task ends by itself
        await asyncio.sleep(0.1)
        return screen._task

    assert asyncio.run(run()) is None
    assert calls["n"] > 5 and len(logged) == 1


def test_the_poll_task_stops_when_the_workshop_ends_or_on_stop(screen, store, community,
                                                               monkeypatch):
    monkeypatch.setattr(workshop_screen, "SCREEN_POLL_SECONDS", 0.01)

    async def run():
        screen.start_polling()
        task = screen._task
        await asyncio.sleep(0.05)
        workshop.end_workshop(store, community, screen.workshop["id"])
        await asyncio.sleep(0.1)
        return task

    task = asyncio.run(run())
    assert task.done() and screen.state == "ended"


def test_stop_cancels_the_task(screen, monkeypatch):
    monkeypatch.setattr(workshop_screen, "SCREEN_POLL_SECONDS", 0.01)

    async def run():
        screen.start_polling()
        task = screen._task
        screen.stop()
        await asyncio.sleep(0.05)
        return task

    assert asyncio.run(run()).done()


def test_no_event_loop_no_task(screen):
    assert screen.start_polling() is False and screen._task is None


# -- dots as agenda evidence -------------------------------------------------------------------
def test_dots_by_item_follows_proposals_and_merges(store, community):
    wid, _ = workshop.open_workshop(store, "test", "w", 5)
    p1, p2, p3 = (propose(store, wid, t) for t in ("a", "b", "c"))
    place = {"description": "", "scenario": "health", "public_space_id": None,
             "lon": INSIDE_OPEN[0], "lat": INSIDE_OPEN[1]}
    i1 = store.add_item("test", {"title": "A", "proposal_ids": [p1], **place})
    i2 = store.add_item("test", {"title": "B", "proposal_ids": [p2], **place})
    i3 = store.add_item("test", {"title": "C", "proposal_ids": [], **place})
    a, b = code_ids(store, 2)
    row = store.workshop(wid)
    r1 = workshop.open_round(store, row, "items", [
        {"kind": "item", "id": i1, "title": "A"}, {"kind": "item", "id": i3, "title": "C"}])
    for option in (0, 0, 1):
        store.spend_dot(r1, a, option)
    workshop.close_round(store, r1)
    r2 = workshop.open_round(store, row, "proposals", [
        {"kind": "proposal", "id": p2, "title": "b"},
        {"kind": "proposal", "id": p3, "title": "c (in no item)"}])
    for option in (0, 1, 1):
        store.spend_dot(r2, b, option)
    assert workshop.dots_by_item(store, "test") == {i1: 2, i3: 1}  # r2 is still open
    workshop.close_round(store, r2)
    assert workshop.dots_by_item(store, "test") == {i1: 2, i3: 1, i2: 1}
    store.merge_items(i1, [i3], "same place")
    assert workshop.dots_by_item(store, "test") == {i1: 3, i2: 1}
    # a workshop ended with its round open counts that round too
    r3 = workshop.open_round(store, row, "again", [
        {"kind": "item", "id": i2, "title": "B"}, {"kind": "item", "id": i1, "title": "A"}])
    store.spend_dot(r3, a, 0)
    workshop.end_workshop(store, community, wid)
    assert workshop.dots_by_item(store, "test") == {i1: 3, i2: 2}
    assert workshop.dots_by_item(store, "nobody") == {}


def test_a_title_is_shown_as_written(community, store):
    """Sizes in the style sheet are calc() of --u; nothing in a title is taken for one."""
    wid, token = workshop.open_workshop(store, "test", "Room 12U · 3U", 3)
    screen = WorkshopScreen.from_request(f"workshop={wid}&token={token}",
                                         community=community, store=store)
    assert "Room 12U · 3U" in screen.title_html.value and "calc(" not in screen.title_html.value
    assert "calc(28 * var(--u))" in screen.style.value
