"""The participant's session on the resident page: who takes part, and how much they may do.

One resident's page is one kernel. What its sections share about the participant lives here,
not in the page: the language, the community and the store, the participation code (typed in
once, or from the QR link on a slip) with the supports given with it, the browser's device key
(the respondent of anonymous surveys), the workshop joined, and the limits on how often this
page may act. Sections receive the session and hear of its changes through their hooks
(:class:`workbench.page.part.PagePart`).

:meth:`ParticipantSession.act` is the one way a section writes for the participant: the page's
code (when the action needs one), then the rate limit, then validation, then the write.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from workbench.participation.codes import AttemptLimiter, check_code
from workbench.participation.floods import FloodLimited
from workbench.proposals.rules import InputInvalid, RateLimiter
from workbench.store import StoreBusy

#: the device keys the page's template makes: a cookie of 32 hex digits (matched whole)
DEVICE_KEY = re.compile(r"[0-9a-f]{32}")

Message = tuple[str, dict]


@dataclass
class Outcome:
    """What came of an action: ``done`` with what the write returned (``value``), or not done
    with the reason: a ``message`` (a code is needed, too fast, the store is busy) or
    ``errors`` beside the fields (validation)."""

    done: bool = False
    value: Any = None
    message: Message | None = None
    errors: dict[str, Message] = field(default_factory=dict)


class ParticipantSession:
    """One participant on one page (see the module's doc)."""

    def __init__(self, store, community, lang: str = "zh"):
        self.store = store
        self.community = community
        self.lang = lang
        self.code_id: int | None = None
        self.code_hint = ""  # the code's last four characters, shown while it is in use
        self.code_problem: Message | None = None  # shown beside the code field
        self.code_limiter = AttemptLimiter()
        self.supported: set[int] = set()  # proposals supported with the code
        # Who answers an anonymous survey: the page's template gives each browser a random
        # device key (a cookie) and hands it over (set_device), so that a reload keeps a
        # draft and answering again edits the response. Until it arrives (or with no
        # JavaScript), this page session is the respondent.
        self.respondent = "page-" + secrets.token_hex(16)
        self.workshop_id: int | None = None
        self.limiters: dict[str, RateLimiter] = {}
        self._watchers: list = []

    # -- who hears of changes ------------------------------------------------------------------
    def watch(self, part) -> None:
        """Tell ``part`` (a page section) of changes through its hooks ``on_code()``,
        ``on_code_message(point)`` and ``on_respondent()``."""
        self._watchers.append(part)

    def _tell(self, hook: str, *args) -> None:
        for part in list(self._watchers):
            getattr(part, hook)(*args)

    # -- limits ----------------------------------------------------------------------------
    def limiter(self, action: str, max_total: int, min_interval: float) -> RateLimiter:
        """This page's limit on one kind of action (made on first use): at most ``max_total``,
        at least ``min_interval`` seconds apart. Reloading the page starts afresh, but a
        script driving one kernel's widgets is held back."""
        if action not in self.limiters:
            self.limiters[action] = RateLimiter(max_total, min_interval)
        return self.limiters[action]

    # -- the participation code ----------------------------------------------------------------
    def use_code(self, text) -> bool:
        """Check a participation code and use it for this page; False when refused (the
        problem is then the code message)."""
        code_id, problem = check_code(self.store, self.community.id, text, self.code_limiter)
        self.code_problem = problem
        if code_id is not None:
            self.code_id = code_id
            self.code_hint = str(text).strip()[-4:].upper()
            self.supported = self.store.supports_of(code_id)
            self._tell("on_code")
        self._tell("on_code_message", False)
        return code_id is not None

    def active_code(self) -> int | None:
        """This page's code if it is still active; a code revoked since it was entered is
        dropped from the page. None (and the code field pointed at) when there is none."""
        if self.code_id is not None and self.store.code_status(self.code_id) != "active":
            self.code_id = None
            self.supported = set()
            self._tell("on_code")
            self.ask_for_code(("error.code_revoked", {}))
            return None
        if self.code_id is None:
            self.ask_for_code()
        return self.code_id

    def ask_for_code(self, problem: Message = ("code.needed", {})) -> None:
        """Point the resident at the code field (an action needed a code)."""
        self.code_problem = problem
        self._tell("on_code_message", True)

    def show_code_message(self, message: Message | None) -> None:
        """Say something beside the code field (None: take the message away)."""
        if message or self.code_problem:
            self.code_problem = message
            self._tell("on_code_message", False)

    def reload_supports(self) -> None:
        if self.code_id is not None:
            self.supported = self.store.supports_of(self.code_id)

    # -- the device --------------------------------------------------------------------------
    def set_device(self, key) -> bool:
        """Take the browser's device key as the respondent; anything but a key the page's
        template made is ignored (False)."""
        if not isinstance(key, str) or not DEVICE_KEY.fullmatch(key):
            return False
        self.respondent = "device-" + key
        self._tell("on_respondent")
        return True

    # -- acting --------------------------------------------------------------------------------
    def act(self, limiter: RateLimiter, write: Callable[[int | None, Any], Any], *,
            need_code: str | None, validate: Callable[[], Any] | None = None,
            limit_messages: Mapping[str, str] | None = None) -> Outcome:
        """The steps of every action that writes for the participant:

        1. the page's code, still active (unless ``need_code`` is None: anyone may act);
           without one, the code field is pointed at and the message is ``need_code``;
        2. ``limiter``: not too many, not too fast (``limit_messages`` puts a section's own
           message key in place of the limiter's, by the limiter's key);
        3. ``validate()``, whose :class:`~workbench.proposals.rules.InputInvalid` gives the
           errors beside the fields; what it returns is the valid value;
        4. ``write(code_id, valid)`` in the store; a busy store, or a flood limit counted
           across pages (:mod:`workbench.participation.floods`), writes nothing and says so,
           and only a write counts against the limit.
        """
        code_id = None
        if need_code is not None:
            code_id = self.active_code()
            if code_id is None:
                return Outcome(message=(need_code, {}))
        limited = limiter.check()
        if limited:
            key = (limit_messages or {}).get(limited[0])
            return Outcome(message=(key, {}) if key else limited)
        try:
            valid = validate() if validate is not None else None
        except InputInvalid as invalid:
            return Outcome(errors=invalid.errors)
        try:
            value = write(code_id, valid)
        except StoreBusy:
            return Outcome(message=("error.busy", {}))
        except FloodLimited as flood:  # over a limit counted across pages: nothing written
            return Outcome(message=flood.message)
        limiter.record()
        return Outcome(done=True, value=value)
