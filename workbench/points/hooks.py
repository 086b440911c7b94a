"""Points earned where taking part happens: the one call other domains make
(:func:`earn`) when a resident's survey answers are saved with their participation code,
their page takes part in a workshop with it, or an agenda adopts their proposal.

Earning never gets in the way of the action: the action is done (committed) first, then the
credit is made, waiting for review as every credit does. A community without a rule file,
a rule file with an error or without a rule for the event gives nothing, and a credit that
cannot be made (a busy database, a code of another community, a code revoked while its page
was open) is logged and left. A credit is keyed by the event, the thing and the person
(``survey_completed:<survey id>:<code id>``, :func:`workbench.points.workflow.credit`), so an
action repeated, retried or raced earns once; a credit lost to a failure is made when the
action is done again.

What each event earns is read from the rule file once while it is unchanged, not on every
action. A resident's kernel earns on joining a workshop with a code, and validating the file
loads pydantic, 8 MiB more in every such kernel (measured: 71.9 to 79.8 MiB). So what the
validated file gives, {event: (rule id, points)}, is kept as JSON under the ``home`` setting,
named by a hash of the file's content: the first kernel to read a content validates it and
writes it, the others read the JSON (an edited file is another content, validated again).
Plain Python: no widgets, no SQL.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from workbench import settings
from workbench.points.ledger import PointsRefused

log = logging.getLogger("workbench.points")

#: who a credit made by the workbench itself says awarded it (a steward still reviews it)
AWARDED_BY = "workbench"


def _rule_file(path: str | Path | None) -> tuple[str, int] | None:
    """The rule file (default: the setting's) and when it last changed; None when missing."""
    path = Path(path or settings.get("points_rules"))
    try:
        return str(path), path.stat().st_mtime_ns
    except OSError:
        return None


def community_rules(path: str | Path | None = None):
    """The rule file's rules (:class:`workbench.points.rule_file.PointsRules`), read once
    while the file is unchanged; None when there is no file or it has an error."""
    found = _rule_file(path)
    return None if found is None else _rules(*found)


@lru_cache(maxsize=8)
def _rules(path: str, _changed: int):
    from workbench.points.rule_file import PointsRulesError, load_rules

    try:
        return load_rules(path)
    except PointsRulesError as error:
        log.warning("no points awarded: %s", error)
        return None


#: the version of the JSON kept per rule file content (a new layout: a new name)
EVENT_RULES_FORMAT = 1


def event_rule(event: str, path: str | Path | None = None) -> tuple[str, int] | None:
    """What ``event`` earns by the rule file: (rule id, points), or None when there is no
    file, it has an error or it has no rule for the event. Without pydantic once the file's
    content was validated (see the module's note)."""
    found = _rule_file(path)
    rules = None if found is None else _event_rules(*found)
    return None if rules is None else rules.get(event)


@lru_cache(maxsize=8)
def _event_rules(path: str, _changed: int) -> dict[str, tuple[str, int]] | None:
    try:
        content = Path(path).read_bytes()
    except OSError:
        return None
    digest = hashlib.sha256(content).hexdigest()[:32]
    kept = Path(settings.get("home")) / "cache" / f"points-rules-{EVENT_RULES_FORMAT}-{digest}.json"
    try:
        return {event: (str(rule_id), int(points))
                for event, (rule_id, points) in json.loads(kept.read_text("utf-8")).items()}
    except (OSError, ValueError, TypeError):
        pass                                      # not kept yet (or unreadable): validate
    rules = _rules(path, _changed)
    if rules is None:
        return None
    found = rules.event_rules()
    try:                                          # written whole, or not at all
        kept.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=kept.parent,
                                         suffix=".tmp", delete=False) as out:
            json.dump(found, out)
        os.replace(out.name, kept)
    except OSError as error:
        log.info("points rules not kept for other kernels: %s", error)
    return found


def earn(store, community_id: str, code_id: int, event: str, ref: str | int
         ) -> tuple[int, bool] | None:
    """The credit for ``event`` (``survey_completed``, ``workshop_attended``,
    ``proposal_adopted``) of ``ref`` (the survey, workshop or proposal) to the resident of
    ``code_id``: (its id, whether it is new), or None when nothing is awarded. Never
    raises (see the module's note): call it after the action is done."""
    try:
        from workbench.points.workflow import credit

        rule = event_rule(event)
        if rule is None:
            return None
        return credit(store, community_id, code_id, event, ref, rule, AWARDED_BY)
    except PointsRefused as refused:  # e.g. the code was revoked while the page was open
        log.info("no points awarded for %s %s (code %s): %s", event, ref, code_id,
                 refused.key)
        return None
    except Exception:  # noqa: BLE001 - the action is done; a lost credit is made next time
        log.exception("no points awarded for %s %s (code %s)", event, ref, code_id)
        return None


def earn_for_adopted(store, community_id: str, snapshot: dict, authors: dict[int, int]
                     ) -> int:
    """The ``proposal_adopted`` credits of a published agenda (``snapshot``, as
    :func:`workbench.agenda.workflow.build_snapshot` makes it): each proposal of an adopted
    item credits its author's code (``authors``: proposal id to code id) once, however often
    the agenda is published again. Returns how many credits are new."""
    new = 0
    for item in snapshot.get("items") or []:
        if item.get("decision") != "adopt":
            continue
        for proposal in item.get("proposals") or []:
            code_id = authors.get(proposal["id"])
            if code_id is not None:
                made = earn(store, community_id, code_id, "proposal_adopted", proposal["id"])
                new += bool(made and made[1])
    return new
