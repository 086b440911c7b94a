"""Flood limits counted in the database across pages, and a planner's flood hide and its
undoing, on SQLite and PostgreSQL."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from residents import code_ids, propose
from stores import proposal, store_on_both_databases  # noqa: F401 - both databases
from workbench.deliberation.discussion import Comment
from workbench.deliberation.tables import comments, statements
from workbench.participation.floods import FloodLimited
from workbench.proposals.tables import proposals

A, B = "a" * 32, "b" * 32  # two clients' keys, as the resident server makes them


def age(store, table, hours: float) -> None:
    """Make everything in ``table`` look ``hours`` older (a window passing, without waiting)."""
    with store.engine.begin() as conn:
        for row in conn.execute(table.select()).all():
            conn.execute(update(table).where(table.c.id == row.id).values(
                created_at=row.created_at - timedelta(hours=hours)))


@pytest.fixture
def topic(store):
    return store.add_topic("test", "广场", "怎么用?", ["多种树"])


def test_proposals_per_client_across_pages_refused_with_nothing_written(store, monkeypatch):
    monkeypatch.setenv("WORKBENCH_FLOOD_PROPOSALS_PER_CLIENT", "3/10min, 5/day")
    for n in range(3):
        store.add_proposal("test", proposal(title=f"长椅{n}"), client=A)
    with pytest.raises(FloodLimited) as refused:
        store.add_proposal("test", proposal(title="第四条"), client=A)
    assert refused.value.message == ("flood.client.proposal", {})
    assert store.count_proposals("test") == 3  # nothing half-saved
    store.add_proposal("test", proposal(title="别人的"), client=B)  # another client
    store.add_proposal("test", proposal(title="规划师的"))  # no client: a planner, a test
    age(store, proposals, 1)  # the ten minutes passed: the day's limit still counts
    for n in range(2):
        store.add_proposal("test", proposal(title=f"一小时后{n}"), client=A)
    with pytest.raises(FloodLimited) as refused:
        store.add_proposal("test", proposal(title="第六条"), client=A)
    assert refused.value.limit.seconds == 86400
    age(store, proposals, 24)
    store.add_proposal("test", proposal(title="第二天"), client=A)
    keys = [p["client_key"] for p in _rows(store, proposals)]
    assert keys.count(A) == 6 and keys.count(B) == 1 and keys.count(None) == 1


def test_a_proposal_with_a_photo_over_the_limit_leaves_no_photo(store, monkeypatch):
    from photo_files import png
    from workbench.proposals.photos import prepare_photo

    monkeypatch.setenv("WORKBENCH_FLOOD_PROPOSALS_PER_CLIENT", "1/min")
    photo = prepare_photo(png())
    store.add_proposal("test", proposal(), client=A, photo=photo)
    with pytest.raises(FloodLimited):
        store.add_proposal("test", proposal(), client=A, photo=photo)
    assert store.count_proposals("test") == 1 and len(store.photo_index("test")) == 1


def test_comments_per_code_whatever_the_client_and_per_client_whatever_the_code(
        store, monkeypatch):
    monkeypatch.setenv("WORKBENCH_FLOOD_COMMENTS_PER_CODE", "2/10min")
    monkeypatch.setenv("WORKBENCH_FLOOD_COMMENTS_PER_CLIENT", "3/10min")
    pid = propose(store, "长椅")
    one, two, three = code_ids(store, 3)
    store.add_comment(Comment(pid, "support", "好"), one, client=A)
    store.add_comment(Comment(pid, "support", "好"), one, client=B)  # another address
    with pytest.raises(FloodLimited) as refused:
        store.add_comment(Comment(pid, "support", "好"), one)
    assert refused.value.message == ("flood.code.comment", {})
    store.add_comment(Comment(pid, "oppose", "不好"), two, client=A)
    store.add_comment(Comment(pid, "oppose", "不好"), three, client=A)
    with pytest.raises(FloodLimited) as refused:  # A's third code: the client is full
        store.add_comment(Comment(pid, "oppose", "不好"), three, client=A)
    assert refused.value.message == ("flood.client.comment", {})
    assert len(store.comments_of(pid)) == 4


def test_statements_per_code_and_per_client(store, topic, monkeypatch):
    monkeypatch.setenv("WORKBENCH_FLOOD_STATEMENTS_PER_CODE", "1/10min")
    monkeypatch.setenv("WORKBENCH_FLOOD_STATEMENTS_PER_CLIENT", "2/10min")
    one, two, three = code_ids(store, 3)
    store.add_statement(topic, "多建长椅", code_id=one, client=A)
    with pytest.raises(FloodLimited) as refused:
        store.add_statement(topic, "再建长椅", code_id=one, client=B)
    assert refused.value.message == ("flood.code.statement", {})
    store.add_statement(topic, "少停车", code_id=two, client=A)
    with pytest.raises(FloodLimited) as refused:
        store.add_statement(topic, "多种花", code_id=three, client=A)
    assert refused.value.message == ("flood.client.statement", {})
    store.add_topic("test", "另一个", "", ["种子一", "种子二", "种子三"])  # seeds: no limit
    assert len(store.statements_of(topic)) == 3  # the seed and two


def test_the_limit_counts_every_store_of_the_database(store, monkeypatch):
    # two kernels have two stores (two engines) on one database: they count together
    from workbench.store import Store

    monkeypatch.setenv("WORKBENCH_FLOOD_PROPOSALS_PER_CLIENT", "4/10min")
    other = Store(store.url)
    try:
        for n in range(2):
            store.add_proposal("test", proposal(title=f"一{n}"), client=A)
            other.add_proposal("test", proposal(title=f"二{n}"), client=A)
        for s in (store, other):
            with pytest.raises(FloodLimited):
                s.add_proposal("test", proposal(), client=A)
    finally:
        other.dispose()


def _rows(store, table):
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(table.select().order_by(table.c.id))]


@pytest.fixture
def flood(store, topic):
    """Client A's flood (4 proposals, 3 comments, 2 statements: one pending, one shown),
    B's one proposal, and one of A's proposals hidden earlier by a moderator."""
    (code,) = code_ids(store, 1)
    ids = [propose(store, f"广告{n}") for n in range(4)]
    with store.engine.begin() as conn:  # propose() makes no client: give them A's key
        conn.execute(update(proposals).values(client_key=A))
    b = store.proposal_by_receipt(store.add_proposal("test", proposal(title="正常"),
                                                     client=B))["id"]
    for n in range(3):
        store.add_comment(Comment(b, "oppose", f"加微信{n}"), code, client=A)
    pending = store.add_statement(topic, "加微信", code_id=code, client=A)
    shown = store.add_statement(topic, "加微信看看", code_id=code, client=A)
    store.moderate("test", "statement", shown, "accept", "", "王主任")
    store.moderate("test", "proposal", ids[0], "hide", "重复", "王主任")
    return {"proposals": ids, "b": b, "pending": pending, "shown": shown}


def window():
    now = datetime.now(timezone.utc)
    return now - timedelta(hours=1), now + timedelta(minutes=1)


def test_the_planner_finds_the_busiest_client_of_the_window(store, flood):
    start, end = window()
    busiest, other = store.flood_clients("test", start, end)
    assert (busiest["client_key"], busiest["proposal"], busiest["comment"],
            busiest["statement"], busiest["total"]) == (A, 3, 3, 2, 8)
    assert busiest["sample"][0].startswith("广告") and len(busiest["sample"]) == 3
    assert (other["client_key"], other["total"]) == (B, 1)
    assert store.flood_preview("test", A, start, end) == {
        "proposal": 3, "comment": 3, "statement": 2}
    assert store.flood_clients("test", start - timedelta(days=1), start) == []
    assert store.flood_clients("elsewhere", start, end) == []


def test_hiding_a_flood_in_one_action_and_showing_it_again(store, flood):
    start, end = window()
    hide_id, counts = store.hide_flood("test", A, start, end, "刷屏广告", "王主任")
    assert counts == {"proposal": 3, "comment": 3, "statement": 2}
    hidden = {(i["kind"], i["id"]): i["hidden_reason"] for i in store.hidden_items("test")}
    assert len(hidden) == 9 and hidden[("proposal", flood["proposals"][0])] == "重复"
    assert hidden[("statement", flood["pending"])] == "刷屏广告"
    assert store.hidden_proposals("test").keys() == set(flood["proposals"])  # not B's
    assert store.flood_preview("test", A, start, end) == {
        "proposal": 0, "comment": 0, "statement": 0}
    assert store.hide_flood("test", A, start, end, "again", "王主任") is None
    log = store.moderation_log("test")[-1]
    assert (log["target_kind"], log["target_id"], log["action"], log["reason"],
            log["moderator"]) == ("flood", hide_id, "hide", "刷屏广告", "王主任")
    (record,) = store.flood_hides_of("test")
    assert (record["client_key"], record["items"], record["undone_at"]) == (A, 8, None)

    # one of them shown again by hand meanwhile: the undo leaves it as it is
    store.moderate("test", "comment", 1, "show", "", "李")
    shown = store.unhide_flood("test", hide_id, "李四")
    assert shown == {"proposal": 3, "comment": 2, "statement": 2}
    assert [(i["kind"], i["id"]) for i in store.hidden_items("test")] == [
        ("proposal", flood["proposals"][0])]  # the moderator's own hide stays
    by_id = {s["id"]: s["status"] for s in store.statements_of(1)}
    assert by_id[flood["pending"]] == "pending" and by_id[flood["shown"]] == "shown"
    log = store.moderation_log("test")[-1]
    assert (log["target_kind"], log["action"], log["moderator"]) == ("flood", "show", "李四")
    assert store.flood_hides_of("test")[0]["undone_by"] == "李四"
    assert store.unhide_flood("test", hide_id, "李四") is None  # once
    assert store.unhide_flood("elsewhere", hide_id, "李四") is None


def test_old_client_keys_are_forgotten(store, flood):
    start, end = window()
    store.hide_flood("test", A, start, end, "刷屏广告", "王主任")
    assert store.forget_client_keys(start) == 0
    assert store.forget_client_keys(end) == 10
    assert store.flood_clients("test", start, end) == []
    assert store.flood_hides_of("test")[0]["client_key"] == ""
    assert all(row["client_key"] is None
               for table in (proposals, comments, statements) for row in _rows(store, table))


def test_the_command_forgets_client_keys_older_than_the_setting(monkeypatch, capsys):
    """``workbench privacy forget-clients`` on the settings' database (SQLite)."""
    from workbench.cli import main, open_community

    store, community = open_community()
    for title in ("旧的", "新的"):
        store.add_proposal(community.id, proposal(title=title), client=A)
    with store.engine.begin() as conn:  # the first made "40 days ago"
        row = conn.execute(proposals.select().where(proposals.c.title == "旧的")).one()
        conn.execute(update(proposals).where(proposals.c.id == row.id).values(
            created_at=row.created_at - timedelta(days=40)))
    store.dispose()
    capsys.readouterr()
    monkeypatch.setenv("WORKBENCH_CLIENT_KEY_DAYS", "30")
    assert main(["privacy", "forget-clients", "--lang", "en"]) == 0
    assert "cleared from 1 submissions older than 30 days" in capsys.readouterr().out
    assert main(["privacy", "export", "--lang", "en"]) == 1  # whose? said, not a crash
    assert "say whose data" in capsys.readouterr().err
    store, community = open_community()
    try:
        keys = {r["title"]: r["client_key"] for r in _rows(store, proposals)
                if r["title"] in ("旧的", "新的")}
    finally:
        store.dispose()
    assert keys == {"旧的": None, "新的": A}


def test_pages_submitting_at_the_same_moment_pass_no_limit(store, monkeypatch):
    # eight kernels of one client, each with its own store, submit together: exactly the
    # limit is stored, the rest refused
    from stores import in_threads

    monkeypatch.setenv("WORKBENCH_FLOOD_PROPOSALS_PER_CLIENT", "3/10min")
    refused = []

    def submit(s, n):
        try:
            s.add_proposal("test", proposal(title=f"同时{n}"), client=A)
        except FloodLimited:
            refused.append(n)

    assert in_threads(store.url, submit, 8) == []
    assert store.count_proposals("test") == 3 and len(refused) == 5
