"""The community needs pool (社区需求服务池): a need posted by a resident (with their
participation code) or the committee, claimed by a volunteer with the skill, done with the
time spent, confirmed by whoever posted it or a steward; then its points are credited, waiting
for review like every credit. Plain Python: no widgets, no SQL.

Every move is one of :data:`MOVES`, allowed from one state only, so two volunteers claiming
at once cannot both have it (the store makes the move conditional on the state it read).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from workbench.points.ledger import PointsRefused
from workbench.proposals.rules import check_text

#: action -> (the state it is allowed from, the state it leads to)
MOVES = {
    "claim": ("open", "claimed"),
    "release": ("claimed", "open"),
    "done": ("claimed", "done"),
    "confirm": ("done", "confirmed"),
    "cancel": ("open", "cancelled"),
}
STATES = ("open", "claimed", "done", "confirmed", "cancelled")
#: the longest time window of a need
LONGEST_WINDOW = timedelta(days=92)


class NeedInvalid(ValueError):
    """A need with fields the rules refuse: {field: (i18n key, params)}; nothing was saved."""

    def __init__(self, errors: dict[str, tuple[str, dict]]):
        super().__init__(", ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Need:
    title: str
    description: str
    skill: str
    public_space_id: str | None
    window_start: datetime
    window_end: datetime


def validate_need(values: dict, skills: list[str], spaces: list[str], now: datetime) -> Need:
    """A need from a form's values: a title, a description, a skill the rules know, a public
    space of the community (or none), a time window from
    now on, at most :data:`LONGEST_WINDOW` long."""
    errors: dict[str, tuple[str, dict]] = {}
    title, problem = check_text(values.get("title"), required=True, max_chars=200)
    if problem:
        errors["title"] = problem
    description, problem = check_text(values.get("description"), required=False,
                                      max_chars=2000, multiline=True)
    if problem:
        errors["description"] = problem
    skill = values.get("skill")
    if not isinstance(skill, str) or skill not in skills:
        errors["skill"] = ("needs.error.skill", {})
    space = values.get("public_space_id") or None
    if space is not None and space not in spaces:
        errors["public_space_id"] = ("needs.error.space", {})
    start, end = values.get("window_start"), values.get("window_end")
    if not all(isinstance(v, datetime) and v.tzinfo is not None for v in (start, end)):
        errors["window"] = ("needs.error.window", {})
    elif not (now - timedelta(hours=1) <= start < end <= start + LONGEST_WINDOW):
        errors["window"] = ("needs.error.window", {})
    if errors:
        raise NeedInvalid(errors)
    return Need(title, description or "", skill, space, start, end)


def skills_of(rules) -> list[str]:
    """The skills of the needs pool: the categories of the rule file's volunteer hours."""
    return [r.category for r in rules.earn if r.event == "volunteer_hours"]


def check_move(need: dict, action: str, by_code_id: int | None, by_steward: str | None,
               volunteer_skills: list[str] | None = None) -> str:
    """Who may make a move, and from which state; the state it leads to. A volunteer claims
    a need with their skill, never their own; only the claimer releases (or a steward) and
    marks it done; the one who posted it or a steward confirms; a steward or the poster
    cancels an open need."""
    if action not in MOVES:
        raise PointsRefused("needs.refused.action")
    source, target = MOVES[action]
    if need["status"] != source:
        raise PointsRefused("needs.refused.state", state=need["status"])
    mine = by_code_id is not None and by_code_id == need["claimed_by_code_id"]
    posted = by_code_id is not None and by_code_id == need["posted_by_code_id"]
    if action == "claim":
        if by_code_id is None or posted:
            raise PointsRefused("needs.refused.who")
        if need["skill"] not in (volunteer_skills or []):
            raise PointsRefused("needs.refused.skill")
    elif action in ("release", "done"):
        if not (mine or (action == "release" and by_steward)):
            raise PointsRefused("needs.refused.who")
    elif not (posted or by_steward):  # confirm, cancel
        raise PointsRefused("needs.refused.who")
    return target


def for_the_steward(needs: list[dict], now: datetime,
                    unclaimed_after: timedelta = timedelta(days=2)) -> list[dict]:
    """Needs a steward should look at: open and unclaimed for ``unclaimed_after`` (or past
    their window's start), or done and not yet confirmed."""
    found = []
    for need in needs:
        waiting = need["status"] == "open" and (
            now - _aware(need["created_at"]) >= unclaimed_after
            or now >= _aware(need["window_start"]))
        if waiting or need["status"] == "done":
            found.append(need)
    return found


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes of what was stored in UTC
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


#: how long a volunteer's "when I can help" may be (a line: "weekday evenings, Sat morning")
AVAILABILITY_MAX_CHARS = 200


def check_availability(value) -> str:
    """When a volunteer can help, as they say it: a line of plain text, or nothing."""
    text, problem = check_text(value, required=False, max_chars=AVAILABILITY_MAX_CHARS)
    if problem is not None:
        key, params = problem
        raise PointsRefused(key, **params)
    return text or ""


def check_skills(value) -> list[str]:
    """A volunteer's skills: identifiers, a few."""
    # imported here: the rule file's module brings pydantic (some 7 MiB), and the store
    # (this module with it) is in every resident's kernel
    from workbench.points.rule_file import IDENTIFIER

    if not isinstance(value, list) or not 1 <= len(value) <= 20 or not all(
            isinstance(s, str) and IDENTIFIER.match(s) for s in value):
        raise PointsRefused("needs.error.skills")
    return sorted(set(value))
