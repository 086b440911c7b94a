"""Points earned where taking part happens: the one call other domains make
(:func:`earn`) when a resident's survey answers are saved with their participation code,
their page takes part in a workshop with it, or an agenda adopts their proposal.

Earning never gets in the way of the action: the action is done (committed) first, then the
credit is made, waiting for review as every credit does. A community without a rule file,
a rule file with an error or without a rule for the event gives nothing, and a credit that
cannot be made (a busy database, a code of another community, a code revoked while its page
was open) is logged and left. A credit
is keyed by the event, the thing and the person (``survey_completed:<survey id>:<code id>``,
:func:`workbench.points.workflow.credit_event`), so an action repeated, retried or raced
earns once; a credit lost to a failure is made when the action is done again.

The rule file (the ``points_rules`` setting) is read once while it is unchanged, not on
every action. Plain Python: no widgets, no SQL.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from workbench import settings
from workbench.points.ledger import PointsRefused

log = logging.getLogger("workbench.points")

#: who a credit made by the workbench itself says awarded it (a steward still reviews it)
AWARDED_BY = "workbench"


def community_rules(path: str | Path | None = None):
    """The rule file's rules (:class:`workbench.points.rule_file.PointsRules`), read once
    while the file is unchanged; None when there is no file or it has an error."""
    path = Path(path or settings.get("points_rules"))
    try:
        changed = path.stat().st_mtime_ns
    except OSError:
        return None
    return _rules(str(path), changed)


@lru_cache(maxsize=8)
def _rules(path: str, _changed: int):
    from workbench.points.rule_file import PointsRulesError, load_rules

    try:
        return load_rules(path)
    except PointsRulesError as error:
        log.warning("no points awarded: %s", error)
        return None


def earn(store, community_id: str, code_id: int, event: str, ref: str | int
         ) -> tuple[int, bool] | None:
    """The credit for ``event`` (``survey_completed``, ``workshop_attended``,
    ``proposal_adopted``) of ``ref`` (the survey, workshop or proposal) to the resident of
    ``code_id``: (its id, whether it is new), or None when nothing is awarded. Never
    raises (see the module's note): call it after the action is done."""
    try:
        from workbench.points.workflow import credit_event

        rules = community_rules()
        if rules is None:
            return None
        return credit_event(store, rules, community_id, code_id, event, ref, AWARDED_BY)
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
