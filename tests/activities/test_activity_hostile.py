"""Whatever a hostile client puts in an activity form or a booking request (any JSON value
in any field), the rules answer with an activity or with problems by field whose messages
exist in zh and en: never another exception."""

from __future__ import annotations

from datetime import datetime, timezone

from activity_samples import form
from hostile import json_values, message_keys
from hypothesis import given
from hypothesis import strategies as st

from workbench.activities.rules import (
    ActivityInvalid,
    Room,
    validate_activity,
    validate_booking,
)

FIELDS = ["title", "description", "public_space_id", "room_id", "scenario", "organiser",
          "capacity", "starts_at", "ends_at", "repeat", "repeat_until", "skip_dates"]
KEYS = message_keys()


@given(st.dictionaries(st.sampled_from(FIELDS), json_values, min_size=1))
def test_any_values_in_an_activity_form(changes):
    try:
        activity = validate_activity(form(**changes), ["P1"], {"P1": [1]})
    except ActivityInvalid as refused:
        assert refused.errors and {key for key, _ in refused.errors.values()} <= KEYS
    else:
        assert 1 <= activity.capacity <= 500 and activity.ends_at > activity.starts_at


@given(st.dictionaries(st.sampled_from(["purpose", "starts_at", "ends_at"]), json_values))
def test_any_values_in_a_booking_request(raw):
    try:
        validate_booking(raw, Room("会议室", "08:00", "21:00"), "Asia/Shanghai",
                         datetime(2026, 12, 1, tzinfo=timezone.utc))
    except ActivityInvalid as refused:
        assert {key for key, _ in refused.errors.values()} <= KEYS
