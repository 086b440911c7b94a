"""What the points commands and pages do, in one place each: the rule file's rules applied,
then one write through the store. Plain Python: no widgets, no SQL.

Every function raises :class:`workbench.points.ledger.PointsRefused` (an i18n key and its
params) when the rules refuse, having written nothing.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from workbench.points.ledger import PointsRefused, check_adjustment, check_points, expires_on, \
    may_spend_in

if TYPE_CHECKING:  # the rules come validated; a resident's kernel crediting never loads pydantic
    from workbench.points.rule_file import PointsRules

#: the longest service one task may be credited with, minutes (a day)
MAX_MINUTES = 24 * 60


def check_minutes(value, most: float) -> int:
    """Minutes of service given by a person: a whole number from 1 to the rule's most."""
    limit = min(MAX_MINUTES, int(most * 60))
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= limit:
        raise PointsRefused("points.error.minutes", most=limit)
    return value


def award(store, rules: PointsRules, community_id: str, code_id: int, rule_id: str,
          event_key: str, awarded_by: str, role: str, minutes: int = 0) -> tuple[int, bool]:
    """A credit for ``event_key`` by the earn rule ``rule_id``, waiting for review: (its id,
    whether it is new). Only the rule file's ``awarders`` may award."""
    if role not in rules.awarders:
        raise PointsRefused("points.refused.awarder", roles=", ".join(rules.awarders))
    rule = rules.rule(rule_id)
    if rule is None:
        raise PointsRefused("points.refused.no_rule", rule=rule_id)
    if rule.event == "volunteer_hours":
        minutes = check_minutes(minutes, rule.max_hours)
    else:
        minutes = 0
    return store.award_points(community_id, code_id, event_key, rule.id,
                              rule.points_for(minutes), minutes, awarded_by)


def award_event(store, rules: PointsRules, community_id: str, code_id: int, event: str,
                ref: str | int, awarded_by: str, role: str) -> tuple[int, bool] | None:
    """A credit for taking part (``proposal_adopted``, ``survey_completed``,
    ``workshop_attended``, ``activity_attended``) by the rule file's rule for that event, keyed
    ``event:ref:code`` so that the same participation never earns twice; None when the
    rules give no points for it."""
    if role not in rules.awarders:
        raise PointsRefused("points.refused.awarder", roles=", ".join(rules.awarders))
    return credit_event(store, rules, community_id, code_id, event, ref, awarded_by)


def credit_event(store, rules: PointsRules, community_id: str, code_id: int, event: str,
                 ref: str | int, awarded_by: str) -> tuple[int, bool] | None:
    """:func:`award_event` without the awarder's role: the credit the workbench itself makes
    when the event happens (:mod:`workbench.points.hooks`); it waits for review all the
    same. Keyed ``event:ref:code``, as an award by hand of the same event."""
    rule = rules.event_rules().get(event)
    if rule is None:
        return None
    return credit(store, community_id, code_id, event, ref, rule, awarded_by)


def credit(store, community_id: str, code_id: int, event: str, ref: str | int,
           rule: tuple[str, int], awarded_by: str) -> tuple[int, bool]:
    """The credit of ``event`` of ``ref`` to ``code_id`` by ``rule`` (its id and points, as
    :meth:`~workbench.points.rule_file.PointsRules.event_rules` gives them), keyed
    ``event:ref:code`` so that the same participation never earns twice."""
    rule_id, points = rule
    return store.award_points(community_id, code_id, f"{event}:{ref}:{code_id}", rule_id,
                              points, 0, awarded_by)


def review(store, rules: PointsRules, credit_id: int, reviewer: str, approve: bool,
           note: str | None = None, today: date | None = None) -> dict:
    """Approve (into the ledger, expiring as the rules say) or reject a pending credit."""
    return review_many(store, rules, [credit_id], reviewer, approve, note, today)[credit_id]


def review_many(store, rules: PointsRules, credit_ids: list[int], reviewer: str,
                approve: bool, note: str | None = None, today: date | None = None,
                community_id: str | None = None) -> dict[int, dict]:
    """Approve or reject several pending credits in one transaction: all of them or none
    (:meth:`workbench.points.queries.PointsStore.review_credits`). ``today`` is the
    community's day, from which approved points expire as the rules say."""
    until = expires_on(rules.expiry.months if rules.expiry else None, today or date.today())
    return store.review_credits(credit_ids, reviewer, approve, note=note, expires_on=until,
                                community_id=community_id)


def redeem(store, rules: PointsRules, code_id: int, home: str, where: str, item_id: str,
           across: bool, request_key: str | None = None) -> dict:
    """Spend points on a catalogue item in community ``where`` (a resident of ``home``):
    the receipt code, the entry and the balance after it."""
    item = rules.item(item_id)
    if item is None:
        raise PointsRefused("points.refused.no_item", item=item_id)
    if not may_spend_in(home, where, rules.communities, across):
        raise PointsRefused("points.refused.elsewhere")
    return store.redeem_points(code_id, where, item.id, item.price, stock=item.stock,
                               request_key=request_key)


def transfer(store, rules: PointsRules, giver: int, taker: int, points: int,
             request_key: str, today: date | None = None) -> bool:
    """Give points to someone of the same household (when the rules allow moving them)."""
    if check_points(points) < 0:
        raise PointsRefused("points.error.range", most=1_000_000)
    until = expires_on(rules.expiry.months if rules.expiry else None, today or date.today())
    return store.transfer_points(giver, taker, points, request_key,
                                 within_household=rules.transfer_within_household,
                                 expires_on=until)


def adjust(store, rules: PointsRules, code_id: int, points, reason, steward,
           request_key: str, today: date | None = None) -> bool:
    """A correction by a steward, with its reason: a new entry, never an edit."""
    points, reason, steward = check_adjustment(points, reason, steward)
    until = expires_on(rules.expiry.months if rules.expiry else None, today or date.today())
    return store.adjust_points(code_id, points, reason, steward, request_key,
                               expires_on=until)


def need_done(store, rules: PointsRules, need_id: int, code_id: int, minutes) -> str:
    """The volunteer who claimed a need marks it done with the time spent."""
    need = store.need(need_id)
    rule = _rule_for_skill(rules, need["skill"] if need else "")
    return store.move_need(need_id, "done", by_code_id=code_id,
                           minutes=check_minutes(minutes, rule.max_hours))


def confirm_need(store, rules: PointsRules, need_id: int, by_code_id: int | None = None,
                 by_steward: str | None = None) -> str:
    """The one who posted a need, or a steward, confirms it done: in the same transaction
    the volunteer's points (hours x the skill's coefficient) are credited, waiting for
    review."""
    need = store.need(need_id)
    if need is None:
        raise PointsRefused("needs.refused.no_need")
    rule = _rule_for_skill(rules, need["skill"])
    if need["claimed_by_code_id"] is not None:
        store.open_points_account(need["claimed_by_code_id"])
    credit = dict(rule_id=rule.id, points=max(1, rule.points_for(need["minutes"] or 0)),
                  awarded_by=by_steward or "resident")
    return store.move_need(need_id, "confirm", by_code_id=by_code_id, by_steward=by_steward,
                           credit=credit)


def _rule_for_skill(rules: PointsRules, skill: str):
    rule = next((r for r in rules.earn if r.event == "volunteer_hours"
                 and r.category == skill), None)
    if rule is None:
        raise PointsRefused("points.refused.no_rule", rule=skill)
    return rule
