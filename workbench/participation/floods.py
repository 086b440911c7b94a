"""Floods: how much one client, or one participation code, may submit across pages.

A page's own limits (:meth:`workbench.page.session.ParticipantSession.limiter`) live in its
kernel's memory, so a script opening fresh pages is not held back by them: 50 proposals from
50 fresh pages were all stored. The limits here are counted in the database, in the same
transaction that stores a proposal, comment or statement, over sliding windows (the last ten
minutes, the last day), so every page and every server sharing the database counts together:

- per **client**: the resident server hands each page a keyed hash of the client's address
  (:func:`client_key`; the address itself never reaches the page's kernel or the database),
  stored with each submission. Residents behind one address (a community centre's Wi-Fi, a
  carrier's NAT) count as one client, so these limits are sized for a full meeting room;
- per **participation code**: one person, so these limits are tight. Comments and statements
  need a code; proposals do not (anyone may propose), so a per-code limit on them would be
  escaped by leaving the code out: proposals are held per client. So are survey responses:
  an anonymous survey's respondent is the page (or the phone), so each fresh page could add
  one more response; a response edited again is not a new one and is not counted.

A submission over a limit raises :class:`FloodLimited` inside the write: nothing is stored, and
the page shows its message beside the field. Planners hide what got through in one action, by
client and time window (:mod:`workbench.deliberation.flood_panel`), and show it again.

Plain Python: the counting itself is SQL, in :func:`workbench.participation.queries.refuse_flood`.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from workbench import settings

#: what is limited, and by what: (kind, scope) -> the setting holding its limits
LIMIT_SETTINGS = {
    ("proposal", "client"): "flood_proposals_per_client",
    ("comment", "client"): "flood_comments_per_client",
    ("statement", "client"): "flood_statements_per_client",
    ("survey_response", "client"): "flood_survey_responses_per_client",
    ("comment", "code"): "flood_comments_per_code",
    ("statement", "code"): "flood_statements_per_code",
}

#: the request header the resident server sets on a page request (whatever a client sent in
#: it is replaced), and the variable Voilà hands it to the page's kernel as (RFC 3875 style)
CLIENT_HEADER = "X-Workbench-Client"
CLIENT_ENV = "HTTP_X_WORKBENCH_CLIENT"

#: a client key as :func:`client_key` makes it: 32 hex digits (128 bits of an HMAC-SHA256)
CLIENT_KEY = re.compile(r"[0-9a-f]{32}")

_UNITS = {"s": 1, "sec": 1, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}
_LIMIT = re.compile(r"\s*(\d+)\s*/\s*(\d*)\s*([a-z]+)\s*")


class FloodLimited(Exception):
    """A submission over a flood limit; ``message`` is (key, params) for the page, in the
    resident's language. Raised inside the store's transaction, so nothing is written."""

    def __init__(self, kind: str, scope: str, limit: "Limit"):
        self.kind, self.scope, self.limit = kind, scope, limit
        self.message = (f"flood.{scope}.{kind}", {})
        super().__init__(f"{kind}s per {scope}: {limit}")


@dataclass(frozen=True)
class Limit:
    """At most ``count`` submissions in any ``seconds`` (a sliding window)."""

    count: int
    seconds: int

    def __str__(self) -> str:
        return f"{self.count}/{self.seconds}s"


def parse_limits(text: str) -> tuple[Limit, ...]:
    """A flood setting: limits separated by commas, each ``COUNT/WINDOW`` with the window a
    number and a unit (s, min, h, day), e.g. ``"200/10min, 800/day"``. Empty or ``0``: no
    limit. Anything else is an error when the setting is read, not a limit silently lost."""
    text = (text or "").strip().lower()
    if text in ("", "0"):
        return ()
    limits = []
    for part in text.split(","):
        match = _LIMIT.fullmatch(part)
        if not match or match.group(3) not in _UNITS:
            raise ValueError(f"{part.strip()!r} is not a limit like 200/10min or 800/day")
        count, number, unit = match.groups()
        seconds = int(number or 1) * _UNITS[unit]
        if seconds <= 0:
            raise ValueError(f"{part.strip()!r}: the window must be longer than nothing")
        limits.append(Limit(int(count), seconds))
    return tuple(sorted(limits, key=lambda limit: limit.seconds))


def limits(kind: str, scope: str) -> tuple[Limit, ...]:
    """The limits of one kind of submission per client or per code, from the settings."""
    name = LIMIT_SETTINGS.get((kind, scope))
    if name is None:
        return ()
    value = settings.get(name)  # the default is the text, a variable's value is parsed
    return parse_limits(value) if isinstance(value, str) else value


def over_limit(counts: dict[Limit, int], kind: str, scope: str) -> None:
    """Raise :class:`FloodLimited` when a window already holds its limit's count (one more
    would pass it); ``counts`` are the submissions found in each limit's window."""
    for limit, count in counts.items():
        if count >= limit.count:
            raise FloodLimited(kind, scope, limit)


# -- who the client is --------------------------------------------------------------------------
def client_key(address: str, secret: bytes) -> str:
    """The keyed hash of a client's address stored with its submissions: the same address
    gives the same key under one secret; without the secret the key says nothing about the
    address (an IPv4 address alone could be found again from a plain hash in minutes)."""
    return hmac.new(secret, address.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def client_secret() -> bytes:
    """The key of :func:`client_key`: the ``client_key_secret`` setting (the same on every
    resident server sharing one database), or else a random one made when the server starts,
    kept in its memory only, so a copy of the database can never be linked to addresses."""
    configured = settings.get("client_key_secret")
    return configured.encode("utf-8") if configured else secrets.token_bytes(32)


def page_client(env=None) -> str | None:
    """This page's client key, as the resident server handed it to the kernel; None in
    JupyterLab, a test, or a kernel given none (its submissions are then held per code and
    per page only)."""
    key = (os.environ if env is None else env).get(CLIENT_ENV, "")
    return key if CLIENT_KEY.fullmatch(key) else None


# -- the planner's side -------------------------------------------------------------------------
#: the longest window a planner may hide at once: a flood is hours, not weeks
LONGEST_WINDOW = timedelta(days=7)


class WindowInvalid(ValueError):
    """A planner's time window or client that cannot be used; ``message`` is (key, params)."""

    def __init__(self, key: str, **params):
        self.message = (key, params)
        super().__init__(key)


def parse_window(start, end, zone) -> tuple[datetime, datetime]:
    """A planner's time window, typed ``YYYY-MM-DD HH:MM`` in the community's time zone
    (``zone``, a :class:`zoneinfo.ZoneInfo`), as aware datetimes: start before end, at most
    :data:`LONGEST_WINDOW` long."""
    bounds = []
    for field, value in (("start", start), ("end", end)):
        text = value.strip() if isinstance(value, str) else ""
        try:
            moment = datetime.strptime(text, "%Y-%m-%d %H:%M")
        except ValueError:
            raise WindowInvalid("flood.window_format", field=field) from None
        bounds.append(moment.replace(tzinfo=zone))
    if bounds[0] >= bounds[1]:
        raise WindowInvalid("flood.window_order")
    if bounds[1] - bounds[0] > LONGEST_WINDOW:
        raise WindowInvalid("flood.window_long", days=LONGEST_WINDOW.days)
    return bounds[0], bounds[1]


def check_client(key) -> str:
    """A client key as the panel lists them (anything else is refused, never queried)."""
    if not isinstance(key, str) or not CLIENT_KEY.fullmatch(key):
        raise WindowInvalid("flood.no_client")
    return key
