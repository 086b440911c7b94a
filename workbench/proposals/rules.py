"""Proposals: what a resident puts on the map, and the rules a proposal must meet.

Every value is validated here, in Python, whatever the page claims to have checked: a page's
widgets can be set to anything by any client of its kernel. Problems are returned per field as
i18n message keys, so the page can show each one beside its field in the resident's language.
"""

from __future__ import annotations

import math
import re
import secrets
import time
import unicodedata
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable

from workbench import settings, vocabulary

FIELDS = ("title", "description", "scenario", "location", "name")

#: Receipt codes avoid look-alike characters (0/O, 1/I/L) so they can be read over a phone.
RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RECEIPT_LENGTH = 8

# Markup is refused rather than stored: a tag in a title is never what a resident meant, and
# refusing it keeps exports and other tools safe too. Text is still escaped wherever shown.
_MARKUP = re.compile(
    r"<\s*/?\s*[a-zA-Z!?][^>]*>|<\s*/?\s*[a-zA-Z]+\s*$|javascript\s*:|\bon[a-z]+\s*=",
    re.IGNORECASE,
)
# Unicode categories refused anywhere: control characters (Cc) except newline/tab in long
# text, format characters (Cf) such as bidi overrides that disguise text, and unassigned (Cn).
_ALLOWED_CONTROLS_MULTILINE = {"\n", "\t"}


class InputInvalid(ValueError):
    """Input that breaks a rule; ``errors`` maps each field to (message key, params), so a
    page can show each problem beside its field in the resident's language."""

    def __init__(self, errors: dict[str, tuple[str, dict]]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v[0]}" for k, v in errors.items()))


class ProposalInvalid(InputInvalid):
    """A proposal that breaks a rule."""


@dataclass(frozen=True)
class Proposal:
    """A validated proposal, ready to be stored."""

    title: str
    description: str
    scenario: str
    lon: float
    lat: float
    public_space_id: str | None = None
    author_name: str | None = None


def _bad_characters(text: str, multiline: bool) -> bool:
    for ch in text:
        cat = unicodedata.category(ch)
        if cat == "Cc" and not (multiline and ch in _ALLOWED_CONTROLS_MULTILINE):
            return True
        if cat in ("Cf", "Cn", "Co", "Cs"):
            return True
    return False


def check_text(value: Any, *, required: bool, max_chars: int, multiline: bool = False
               ) -> tuple[str | None, tuple[str, dict] | None]:
    """Normalise a piece of resident text; returns (clean text or None, problem or None)."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        return None, ("error.text_type", {})
    # NFC so that the same characters typed on different phones compare equal.
    text = unicodedata.normalize("NFC", value).strip()
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text:
        return None, (("error.required", {}) if required else None)
    if len(text) > max_chars:
        return None, ("error.too_long", {"max": max_chars, "length": len(text)})
    if _bad_characters(text, multiline):
        return None, ("error.control_chars", {})
    if _MARKUP.search(text):
        return None, ("error.markup", {})
    return text, None


def finite_number(value: Any) -> float | None:
    """A number sent as an int or a float, as a finite float; None for anything else (a
    bool, text, NaN, an infinity, or an integer too large for a float, which JSON allows)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def validate_proposal(raw: dict, community) -> Proposal:
    """Check a resident's proposal against every rule; raise :class:`ProposalInvalid`.

    ``raw`` holds title, description, scenario, lon, lat, and optionally public_space_id and
    name, as they came from the page (any types). ``community`` is a
    :class:`workbench.layers.community.Community`.
    """
    errors: dict[str, tuple[str, dict]] = {}

    title, problem = check_text(raw.get("title"), required=True,
                                max_chars=settings.get("title_max_chars"))
    if problem:
        errors["title"] = problem
    description, problem = check_text(raw.get("description"), required=False, multiline=True,
                                      max_chars=settings.get("description_max_chars"))
    if problem:
        errors["description"] = problem
    name, problem = check_text(raw.get("name"), required=False,
                               max_chars=settings.get("name_max_chars"))
    if problem:
        errors["name"] = problem

    scenario = raw.get("scenario")
    if not scenario:
        errors["scenario"] = ("error.scenario_required", {})
    elif scenario not in vocabulary.scenario_codes():
        errors["scenario"] = ("error.scenario_unknown", {})

    space_id = raw.get("public_space_id") or None
    if space_id is not None and (not isinstance(space_id, str)
                                 or space_id not in community.public_spaces):
        errors["location"] = ("error.space_unknown", {})
        space_id = None
    lon, lat = raw.get("lon"), raw.get("lat")
    if space_id is not None and (lon is None or lat is None):
        lon, lat = community.public_space_location(space_id)
    if "location" not in errors:
        if lon is None or lat is None:
            errors["location"] = ("error.location_required", {})
        elif finite_number(lon) is None or finite_number(lat) is None:
            errors["location"] = ("error.location_invalid", {})
        elif not community.contains(float(lon), float(lat)):
            errors["location"] = ("error.location_outside", {})

    if errors:
        raise ProposalInvalid(errors)
    return Proposal(title=title, description=description or "", scenario=scenario,
                    lon=round(float(lon), 7), lat=round(float(lat), 7),
                    public_space_id=space_id, author_name=name)


def new_receipt_code() -> str:
    """A short random code a resident keeps to look up their proposal later (XXXX-XXXX)."""
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normalise_receipt_code(text: str) -> str:
    """Accept codes typed in lower case, with spaces or without the dash."""
    cleaned = re.sub(r"[^0-9A-Za-z]", "", text or "").upper()
    return f"{cleaned[:4]}-{cleaned[4:]}" if len(cleaned) == RECEIPT_LENGTH else cleaned


@dataclass
class RateLimiter:
    """Limits how often one page session may act: at most ``max_total`` actions, and at least
    ``min_interval`` seconds apart. Lives in the kernel, so reloading the page starts afresh,
    but a script driving one kernel's widgets is held back."""

    max_total: int
    min_interval: float
    clock: Callable[[], float] = time.monotonic
    _times: deque = field(default_factory=deque)

    def check(self) -> tuple[str, dict] | None:
        """None when the action may go ahead, else the message key and params."""
        now = self.clock()
        if len(self._times) >= self.max_total:
            return ("error.too_many", {"max": self.max_total})
        if self._times and now - self._times[-1] < self.min_interval:
            wait = math.ceil(self.min_interval - (now - self._times[-1]))
            return ("error.too_fast", {"seconds": wait})
        return None

    def record(self) -> None:
        self._times.append(self.clock())
