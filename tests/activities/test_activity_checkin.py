"""The check-in QR link's token (workbench.activities.checkin): made and checked with the
community's key, refused when any part of the link is changed or the key differs, readable
only in its one shape; the key from the setting when set, else from the database's secret;
"I am here" taken only around the meeting's time."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest

from workbench.activities import checkin
from workbench.activities.rules import Occurrence

ON = date(2026, 12, 8)


def test_a_token_is_the_meetings_alone(store, community):
    key = checkin.checkin_key(store, community.id)
    token = checkin.make_token(key, 12, ON)
    assert len(token) == 22 and checkin.token_matches(key, 12, ON, token)
    assert not checkin.token_matches(key, 13, ON, token)  # another activity
    assert not checkin.token_matches(key, 12, ON + timedelta(days=7), token)  # next week
    assert not checkin.token_matches(b"another key", 12, ON, token)
    for forged in (token[:-1] + ("A" if token[-1] != "A" else "B"), token.upper(), "", None,
                   12, token + "A", ["x"]):
        assert not checkin.token_matches(key, 12, ON, forged)


def test_the_link_names_the_meeting_in_one_parameter(store, community):
    key = checkin.checkin_key(store, community.id)
    url = checkin.checkin_url(key, 12, ON, base_url="https://community.example/", lang="zh")
    query = parse_qs(urlsplit(url).query)
    assert query["lang"] == ["zh"]
    (value,) = query[checkin.PARAM]
    assert value == checkin.checkin_value(key, 12, ON)
    activity_id, on, token = checkin.read_checkin(value)
    assert (activity_id, on) == (12, ON) and checkin.token_matches(key, 12, ON, token)


@pytest.mark.parametrize("value", [None, 12, "", "12", "12.20261208", "0.20261208." + "A" * 22,
                                   "12.20261308." + "A" * 22, "12.2026-12-08." + "A" * 22,
                                   "12.20261208." + "A" * 21, "12.20261208." + "A+" * 11,
                                   "-1.20261208." + "A" * 22, "1" * 100,
                                   "<script>.20261208." + "A" * 22])
def test_anything_else_is_not_a_check_in(value):
    assert checkin.read_checkin(value) is None


def test_the_key_is_the_settings_or_else_the_communitys(store, community, monkeypatch):
    from_database = checkin.checkin_key(store, community.id)
    assert checkin.checkin_key(store, community.id) == from_database  # kept, not random
    assert store.code_salt(community.id).encode() not in from_database
    monkeypatch.setenv("WORKBENCH_ACTIVITIES_CHECKIN_SECRET", "a long secret of the servers")
    configured = checkin.checkin_key(store, community.id)
    assert configured != from_database
    assert configured != checkin.checkin_key(store, "another")  # one key per community
    monkeypatch.setenv("WORKBENCH_ACTIVITIES_CHECKIN_SECRET", "another secret")
    assert checkin.checkin_key(store, community.id) != configured


def test_i_am_here_is_taken_around_the_meeting_only():
    start = datetime(2026, 12, 8, 11, tzinfo=timezone.utc)
    meeting = Occurrence(ON, start, start + timedelta(hours=2))
    hour = timedelta(hours=1)
    assert checkin.is_open(meeting, start - hour)
    assert checkin.is_open(meeting, start + 3 * hour)
    assert not checkin.is_open(meeting, start - hour - timedelta(minutes=1))
    assert not checkin.is_open(meeting, start + 3 * hour + timedelta(minutes=1))
    assert not checkin.is_open(meeting, start + timedelta(days=7))
