"""Hiding a flood from the moderation panel, through its widgets: the window typed, the
busiest client found, the count shown before, one action, logged, and undone."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from residents import code_ids, propose
from stores import proposal
from workbench.deliberation.discussion import Comment
from workbench.deliberation.moderation_panel import ModerationQueue
from workbench.proposals.tables import proposals

A, B = "a" * 32, "b" * 32
ZONE = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def flood(store):
    """Client A: 5 proposals with markup in one and 2 comments; B: 1 proposal."""
    for n in range(5):
        store.add_proposal("test", proposal(title=f"加微信{n}" if n else "<b>x</b>"), client=A)
    b = store.proposal_by_receipt(store.add_proposal("test", proposal(title="正常"),
                                                     client=B))["id"]
    (code,) = code_ids(store, 1)
    for n in range(2):
        store.add_comment(Comment(b, "oppose", f"广告{n}"), code, client=A)
    return b


@pytest.fixture
def panel(store):
    return ModerationQueue(store, "test", "王主任", lang="en")


def test_a_flood_hidden_in_one_action_after_its_count_and_shown_again(store, flood, panel):
    floods = panel.floods
    floods.find_button.click()  # the last hour, as the panel opens
    assert [c["client_key"] for c in floods.clients] == [A, B]
    first = floods.clients_box.children[0]
    assert "Client aaaaaaaa: 5 proposal(s), 2 comment(s), 0 statement(s)" in first.children[0].value
    assert "&lt;b&gt;x&lt;/b&gt;" in first.children[0].value  # resident text escaped
    first.children[1].children[0].click()  # "Hide…": the count first, nothing hidden yet
    assert floods.confirm_box.layout.display is None
    assert "This hides 5 proposal(s), 2 comment(s) and 0 statement(s)" in floods.confirm_text.value
    assert store.hidden_items("test") == []
    floods.confirm_button.click()  # no reason: refused beside it
    assert "needs a reason" in floods.reason_error.value and store.hidden_items("test") == []
    floods.reason.value = "刷屏广告"
    floods.confirm_button.click()
    assert "Flood #1 hidden: 5 proposal(s), 2 comment(s), 0 statement(s)" in floods.status.value
    assert len(store.hidden_items("test")) == 7
    assert store.hidden_proposals("test").keys().isdisjoint({flood})  # B's stays
    # the panel around it read its lists again: hidden now, and the log names the flood
    assert len(panel.hidden_rows) == 7
    assert "Flood #1" in panel.log_html.value and "刷屏广告" in panel.log_html.value
    assert "Flood" in panel.log_for_people().iloc[-1].iloc[3]
    assert [c["client_key"] for c in floods.clients] == [B]  # nothing left of A's

    (line,) = floods.hides_box.children
    assert "5 proposal" not in line.children[0].value and "7 thing(s)" in line.children[0].value
    line.children[1].children[0].click()  # show again
    assert "Flood #1 shown again: 5 proposal(s), 2 comment(s)" in floods.status.value
    assert store.hidden_items("test") == [] and panel.hidden_rows == {}
    log = store.moderation_log("test")
    assert [(e["target_kind"], e["action"], e["moderator"]) for e in log] == [
        ("flood", "hide", "王主任"), ("flood", "show", "王主任")]
    assert "Shown again" in floods.hides_box.children[0].children[1].value
    assert floods.unhide(1) is False and "not in effect" in floods.status.value


@pytest.mark.parametrize("start, end, message", [
    ("yesterday", "2026-12-01 19:30", "year-month-day hour:minute"),
    ("2026-12-01 20:00", "2026-12-01 19:30", "start must come before"),
    ("2026-11-01 20:00", "2026-12-01 19:30", "at most 7 days"),
])
def test_a_bad_window_is_refused_beside_it(store, flood, panel, start, end, message):
    panel.floods.start.value, panel.floods.end.value = start, end
    assert panel.floods.find() is False
    assert message in panel.floods.window_error.value and panel.floods.clients == []


def test_only_a_listed_client_of_the_window_can_be_hidden(store, flood, panel):
    floods = panel.floods
    assert floods.ask(A) is False  # no window searched yet
    floods.find()
    assert floods.ask("c" * 32) is False and floods.ask("1; drop table") is False
    assert "Choose a client from the list" in floods.status.value
    assert floods.confirm("刷屏") is False and store.hidden_items("test") == []


def test_a_window_typed_in_the_community_time_zone(store, flood, panel):
    # A's proposals made two hours ago fall outside the last hour, inside a window typed
    with store.engine.begin() as conn:
        rows = conn.execute(proposals.select().where(proposals.c.client_key == A)).all()
        for row in rows:
            conn.execute(update(proposals).where(proposals.c.id == row.id).values(
                created_at=row.created_at - timedelta(hours=2)))
    floods = panel.floods
    floods.find()
    assert [(c["client_key"], c["proposal"]) for c in floods.clients] == [(A, 0), (B, 1)]
    now = datetime.now(ZONE)
    floods.start.value = (now - timedelta(hours=3)).strftime("%Y-%m-%d %H:%M")
    floods.end.value = (now - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
    floods.find()
    assert [(c["client_key"], c["proposal"], c["comment"]) for c in floods.clients] == [
        (A, 5, 0)]
    assert floods.ask(A) and "5 proposal(s), 0 comment(s)" in floods.confirm_text.value


def test_the_panel_in_chinese(store, flood):
    panel = ModerationQueue(store, "test", "王主任", lang="zh")
    panel.floods.find()
    assert "来源 aaaaaaaa：提案 5 条" in panel.floods.clients_box.children[0].children[0].value
