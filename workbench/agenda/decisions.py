"""The committee's decisions on agenda items, and the tracking of adopted ones: the rules.

Adopt, defer, decline or merge. The reason is public (residents read it beside their
proposal) and required for decline and defer. An adopted item gets an owner, and may get a
budget line, milestones and a target date; later it moves through planned, in progress, done
or dropped, with progress in percent and a dated note each time. Milestones are typed one a
line (:func:`parse_milestones`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from workbench.proposals.rules import InputInvalid, check_text

DECISIONS = ("adopt", "defer", "decline", "merge")
#: what the committee decides on one item; merging is done by merging (it moves proposals)
COMMITTEE_DECISIONS = ("adopt", "defer", "decline")
#: who carries an adopted item (the future-community roles of DESIGN.md)
#: The roles of the future-community governance that usually own an adopted item, offered
#: as suggestions (labels in the strings, ``agenda.owner.<role>``); the owner is free text, and
#: a community adds its own suggestions in community.yaml (``owners``).
OWNERS = ("residents_committee", "community_representative", "steward", "grid_worker")
OWNER_MAX_CHARS = 100
STATUSES = ("planned", "in_progress", "done", "dropped")
REASON_MAX_CHARS = 1000
BUDGET_MAX_CHARS = 200
MILESTONES_MAX = 20
_MILESTONE = re.compile(r"^\s*(\d{4}-\d{1,2}-\d{1,2})\s+(.*)$")


class DecisionInvalid(InputInvalid):
    """A decision or update that breaks a rule."""


@dataclass(frozen=True)
class Decision:
    decision: str
    reason: str = ""
    owner: str | None = None
    budget_line: str | None = None
    milestones: list = field(default_factory=list)
    target_date: dt.date | None = None


def _date(value, errors: dict, key: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        errors[key] = ("error.date_invalid", {})
        return None


def validate_decision(raw: dict) -> Decision:
    """Check a decision: decision, reason, and for adopt: owner (required), budget_line,
    milestones ([{title, date, done}]), target_date."""
    errors: dict[str, tuple[str, dict]] = {}
    decision = raw.get("decision")
    if decision not in DECISIONS:
        errors["decision"] = ("error.decision_required", {})
    reason, problem = check_text(raw.get("reason"), multiline=True,
                                 required=decision in ("decline", "defer", "merge"),
                                 max_chars=REASON_MAX_CHARS)
    if problem:
        errors["reason"] = problem
    owner = budget = target = None
    milestones: list[dict] = []
    if decision == "adopt":
        owner, problem = check_text(raw.get("owner"), required=True,
                                    max_chars=OWNER_MAX_CHARS)
        if problem:
            errors["owner"] = (("error.owner_required", {}) if problem[0] == "error.required"
                               else problem)
        budget, problem = check_text(raw.get("budget_line"), required=False,
                                     max_chars=BUDGET_MAX_CHARS)
        if problem:
            errors["budget_line"] = problem
        target = _date(raw.get("target_date"), errors, "target_date")
        given = raw.get("milestones") or []
        if not isinstance(given, list) or len(given) > MILESTONES_MAX:
            errors["milestones"] = ("error.milestones", {"max": MILESTONES_MAX})
        else:
            for k, m in enumerate(given):
                if not isinstance(m, dict):
                    errors["milestones"] = ("error.milestones", {"max": MILESTONES_MAX})
                    break
                title, problem = check_text(m.get("title"), required=True, max_chars=200)
                when = _date(m.get("date"), errors, "milestones")
                if problem:
                    errors["milestones"] = problem
                    break
                milestones.append({"title": title, "date": when.isoformat() if when else None,
                                   "done": bool(m.get("done"))})
    if errors:
        raise DecisionInvalid(errors)
    return Decision(decision=decision, reason=reason or "", owner=owner, budget_line=budget,
                    milestones=milestones, target_date=target)


def validate_update(raw: dict, item: dict) -> tuple[str, int, str]:
    """A tracking update of an adopted item: (status, progress 0-100, note)."""
    errors: dict[str, tuple[str, dict]] = {}
    if item.get("decision") != "adopt":
        errors["status"] = ("error.not_adopted", {})
    status = raw.get("status")
    if status not in STATUSES:
        errors["status"] = ("error.status_required", {})
    progress = raw.get("progress")
    if isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100:
        errors["progress"] = ("error.progress", {})
    elif status == "done" and progress != 100:
        progress = 100  # done is done
    note, problem = check_text(raw.get("note"), required=True, multiline=True,
                               max_chars=REASON_MAX_CHARS)
    if problem:
        errors["note"] = problem
    if errors:
        raise DecisionInvalid(errors)
    return status, progress, note


def parse_milestones(text) -> tuple[list[dict], tuple[str, dict] | None]:
    """Milestones typed one a line, "YYYY-MM-DD title" (or a title alone): the list for
    :func:`validate_decision`, or a problem naming the first bad line."""
    if text is None:
        text = ""
    if not isinstance(text, str):
        return [], ("error.text_type", {})
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _MILESTONE.match(line)
        if match:
            if not match.group(2).strip():
                return [], ("planner.agenda.milestone_line", {"line": number})
            out.append({"date": match.group(1), "title": match.group(2).strip()})
        elif re.match(r"^\s*\d{4}[-/.]", line):  # a date, written another way
            return [], ("planner.agenda.milestone_line", {"line": number})
        else:
            out.append({"date": None, "title": line.strip()})
    return out, None


def milestones_text(milestones: list[dict]) -> str:
    """Milestones as a planner types them (what :func:`parse_milestones` reads back)."""
    return "\n".join(f"{m.get('date') or ''} {m.get('title') or ''}".strip()
                     for m in milestones or [])
