"""Flood rules without a database: the limits' settings, the client's keyed hash, the page's
client from its kernel's environment, and the planner's time window."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from workbench import settings
from workbench.participation import floods
from workbench.participation.floods import FloodLimited, Limit, WindowInvalid

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("text, limits", [
    ("200/10min, 800/day", (Limit(200, 600), Limit(800, 86400))),
    ("800/day,200/10min", (Limit(200, 600), Limit(800, 86400))),  # ordered by window
    ("5/30s", (Limit(5, 30),)),
    ("7 / 2 h", (Limit(7, 7200),)),
    ("3/d", (Limit(3, 86400),)),
    ("", ()), ("0", ()), ("  ", ()),
])
def test_limits_are_read_from_their_setting(text, limits):
    assert floods.parse_limits(text) == limits


@pytest.mark.parametrize("text", ["200", "200/", "200/10", "200/10 weeks", "ten/min",
                                  "-1/min", "5/0min", "5/min;6/h", "1e3/min"])
def test_a_malformed_limit_is_an_error_not_a_limit_lost(text):
    with pytest.raises(ValueError):
        floods.parse_limits(text)


def test_every_limit_has_a_default_and_a_variable_overrides_it(monkeypatch):
    for (kind, scope), name in floods.LIMIT_SETTINGS.items():
        assert floods.limits(kind, scope), name  # a limit by default
    monkeypatch.setenv("WORKBENCH_FLOOD_PROPOSALS_PER_CLIENT", "3/min")
    assert floods.limits("proposal", "client") == (Limit(3, 60),)
    monkeypatch.setenv("WORKBENCH_FLOOD_PROPOSALS_PER_CLIENT", "0")
    assert floods.limits("proposal", "client") == ()
    assert floods.limits("proposal", "code") == ()  # no code is asked for a proposal


def test_the_defaults_let_a_full_meeting_room_behind_one_address_through():
    # 60 phones on one Wi-Fi, each making 3 proposals and 5 comments within ten minutes, and
    # 2 statements: one client; every window of the defaults holds them
    room = {"proposal": 60 * 3, "comment": 60 * 5, "statement": 60 * 1}
    for kind, made in room.items():
        for limit in floods.limits(kind, "client"):
            assert made < limit.count or limit.seconds < 600, (kind, limit)
    # one person: a comment a minute, a statement every two minutes, for ten minutes
    assert all(limit.count > 10 for limit in floods.limits("comment", "code"))
    assert all(limit.count >= 5 for limit in floods.limits("statement", "code"))


def test_over_limit_names_the_kind_and_scope():
    limits = {Limit(3, 600): 2, Limit(10, 86400): 9}
    floods.over_limit(limits, "comment", "code")  # one more fits each window
    with pytest.raises(FloodLimited) as refused:
        floods.over_limit({Limit(3, 600): 2, Limit(10, 86400): 10}, "comment", "code")
    assert refused.value.message == ("flood.code.comment", {})
    assert refused.value.limit == Limit(10, 86400)


def test_the_refusals_are_said_in_both_languages():
    from workbench import i18n

    for kind, scope in floods.LIMIT_SETTINGS:
        zh, en = (i18n.t(lang, f"flood.{scope}.{kind}") for lang in ("zh", "en"))
        assert zh != en and f"flood.{scope}" not in zh + en
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh)


def test_the_client_key_is_a_keyed_hash_of_the_address():
    key = floods.client_key("203.0.113.7", b"k" * 32)
    assert floods.CLIENT_KEY.fullmatch(key) and "203" not in key
    assert key == floods.client_key("203.0.113.7", b"k" * 32)
    assert key != floods.client_key("203.0.113.8", b"k" * 32)
    assert key != floods.client_key("203.0.113.7", b"j" * 32)  # another secret, unlinkable


def test_the_secret_is_the_setting_or_a_new_one_in_memory(monkeypatch):
    monkeypatch.setenv("WORKBENCH_CLIENT_KEY_SECRET", "shared by both servers")
    assert floods.client_secret() == floods.client_secret() == b"shared by both servers"
    monkeypatch.delenv("WORKBENCH_CLIENT_KEY_SECRET")
    first, second = floods.client_secret(), floods.client_secret()
    assert first != second and len(first) == 32
    assert not any(p.name.endswith("secret") for p in settings.home().iterdir())


@pytest.mark.parametrize("value, key", [
    ("0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef"),
    ("0123456789ABCDEF0123456789ABCDEF", None),  # only what the server makes
    ("203.0.113.7", None), ("", None), ("0" * 33, None), ("0" * 31 + "\n", None),
])
def test_the_page_client_is_only_a_key_the_server_made(value, key):
    assert floods.page_client({floods.CLIENT_ENV: value}) == key
    assert floods.page_client({}) is None


def test_a_planner_window_in_the_community_time_zone():
    start, end = floods.parse_window(" 2026-12-01 19:30", "2026-12-01 20:00 ", SHANGHAI)
    assert start == datetime(2026, 12, 1, 19, 30, tzinfo=SHANGHAI)
    assert (end - start).total_seconds() == 1800


@pytest.mark.parametrize("start, end, key", [
    ("2026-12-01 19:30", "2026-12-01 19:30", "flood.window_order"),
    ("2026-12-01 20:30", "2026-12-01 19:30", "flood.window_order"),
    ("2026-12-01", "2026-12-01 19:30", "flood.window_format"),
    ("2026-13-01 10:00", "2026-12-01 19:30", "flood.window_format"),
    (None, "2026-12-01 19:30", "flood.window_format"),
    ("2026-11-01 10:00", "2026-12-01 19:30", "flood.window_long"),
])
def test_a_bad_window_is_refused_with_a_message(start, end, key):
    with pytest.raises(WindowInvalid) as refused:
        floods.parse_window(start, end, SHANGHAI)
    assert refused.value.message[0] == key


@pytest.mark.parametrize("key", [None, 5, "", "x" * 32, "'; drop table proposals; --"])
def test_only_a_listed_client_key_is_taken(key):
    with pytest.raises(WindowInvalid):
        floods.check_client(key)
