"""Checking in at the door with the organiser's QR code: the link it holds, its token, and
"I am here". Plain Python: no widgets, no SQL.

The QR code (drawn by the planners' panel) opens the resident page with one query
parameter, ``?checkin=<activity id>.<YYYYMMDD>.<token>``, naming the activity, the meeting's
local date and a token: the first 128 bits of HMAC-SHA256 of ``"<activity id>:<date>"``
under the community's check-in key, URL-safe base64 (22 characters). Nobody can make a token
for another activity or another meeting without the key, so a code photographed last week
does not check anyone in today; and the page accepts it only around the meeting's time
(:data:`OPENS_BEFORE`, :data:`CLOSES_AFTER`).

The key (:func:`checkin_key`): the setting ``activities_checkin_secret`` when set (the same
on the planners' and the residents' servers), else one derived from the community's secret
kept in the database (``community_secrets``, the salt of its participation codes), so that
every server sharing the database agrees with nothing to configure. The derivation is an
HMAC with a label of its own: a check-in key says nothing about the salt.

Planners' side::

    key = checkin_key(store, community.id)
    url = checkin_url(key, activity_id, on)          # put into the QR code

Residents' side: :func:`read_checkin` parses the parameter, :func:`check_in` verifies it
and confirms the attendance (:func:`workbench.activities.workflow.confirm_attendance`:
points once per activity and person).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlencode

from workbench import settings
from workbench.activities.rules import Occurrence, SignupRefused, occurrence_on

#: the resident page's query parameter the QR code sets
PARAM = "checkin"
#: "I am here" works from this long before a meeting starts to this long after it ends
OPENS_BEFORE = timedelta(hours=1)
CLOSES_AFTER = timedelta(hours=1)
#: who confirmed an attendance checked in by QR code, and the role that awards its points
#: (the QR code stands for the steward who printed it)
CHECKED_BY = "QR check-in"
ROLE = "steward"
_LABEL = b"workbench activities check-in v1"
_VALUE = re.compile(r"^([1-9][0-9]{0,8})\.([0-9]{8})\.([A-Za-z0-9_-]{22})$")


def checkin_key(store, community_id: str) -> bytes:
    """The community's check-in key (see the module's note)."""
    configured = settings.get("activities_checkin_secret")
    secret = configured or store.code_salt(community_id, create=True)
    return hmac.new(secret.encode("utf-8"), _LABEL + community_id.encode("utf-8"),
                    hashlib.sha256).digest()


def make_token(key: bytes, activity_id: int, on: date) -> str:
    """The token of one meeting (activity ``activity_id`` on local date ``on``)."""
    message = f"{activity_id}:{on.isoformat()}".encode("ascii")
    digest = hmac.new(key, message, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def token_matches(key: bytes, activity_id: int, on: date, token) -> bool:
    """Whether ``token`` is the meeting's (compared in constant time)."""
    if not isinstance(token, str) or len(token) != 22:
        return False
    return hmac.compare_digest(make_token(key, activity_id, on), token)


def checkin_value(key: bytes, activity_id: int, on: date) -> str:
    """The value of :data:`PARAM` for one meeting: ``12.20261208.<token>``."""
    return f"{activity_id}.{on:%Y%m%d}.{make_token(key, activity_id, on)}"


def checkin_url(key: bytes, activity_id: int, on: date, base_url: str | None = None,
                lang: str | None = None) -> str:
    """The resident page's address that checks in at one meeting (what the QR code holds);
    ``base_url``: the page's address (default: the ``public_url`` setting, else the local
    server), ``lang``: the page's language (zh or en; default the page's own)."""
    if base_url is None:
        from workbench.participation.slips import page_url

        base_url = page_url()
    query = {PARAM: checkin_value(key, activity_id, on)}
    if lang:
        query["lang"] = lang
    return f"{base_url}?{urlencode(query)}"


def read_checkin(value) -> tuple[int, date, str] | None:
    """(activity id, date, token) from the parameter's value, or None for anything that is
    not of its shape (the token is not checked here)."""
    if not isinstance(value, str) or len(value) > 64:
        return None
    found = _VALUE.match(value.strip())
    if not found:
        return None
    try:
        on = datetime.strptime(found.group(2), "%Y%m%d").date()
    except ValueError:
        return None
    return int(found.group(1)), on, found.group(3)


def is_open(meeting: Occurrence, now: datetime) -> bool:
    """Whether "I am here" is taken at ``now`` (aware) for ``meeting``."""
    return meeting.starts_at - OPENS_BEFORE <= now <= meeting.ends_at + CLOSES_AFTER


def verify(store, community, value, now: datetime | None = None) -> dict:
    """The meeting a check-in link names, when its token is right, the activity is this
    community's and open, and the meeting is now: ``{"activity_id", "on", "activity",
    "meeting"}``; else :class:`SignupRefused` (``activities.checkin.invalid`` for a link
    that is not one, ``activities.checkin.closed`` outside the meeting's time)."""
    now = now or datetime.now(timezone.utc)
    read = read_checkin(value)
    if read is None:
        raise SignupRefused("activities.checkin.invalid")
    activity_id, on, token = read
    found = store.activity(activity_id)
    if found is None or found[1]["community_id"] != community.id or \
            not token_matches(checkin_key(store, community.id), activity_id, on, token):
        raise SignupRefused("activities.checkin.invalid")
    activity, row = found
    if row["status"] != "open":
        raise SignupRefused("activities.refused.cancelled")
    meeting = occurrence_on(activity, on)
    if not is_open(meeting, now):
        raise SignupRefused("activities.checkin.closed")
    return {"activity_id": activity_id, "on": meeting.on, "activity": activity,
            "meeting": meeting}


def check_in(store, community, rules, value, code_id: int, now: datetime | None = None
             ) -> tuple[int, bool] | None:
    """"I am here": the link verified again (:func:`verify`), then the attendance confirmed
    with its points (once per activity and person). Returns the points credit (id, new), or
    None when the rules give none. A resident without a place is refused
    (``activities.checkin.no_place``)."""
    from workbench.activities.workflow import confirm_attendance

    found = verify(store, community, value, now)
    try:
        return confirm_attendance(store, rules, found["activity_id"], found["on"], code_id,
                                  CHECKED_BY, ROLE)
    except SignupRefused as refused:
        if refused.key == "activities.refused.not_accepted":
            raise SignupRefused("activities.checkin.no_place") from None
        raise
