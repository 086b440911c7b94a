"""The ledger's rules: what each kind of entry may be, balances from entries, what expires,
where points may be spent. Plain Python: no widgets, no SQL (the store applies these inside
its transactions, :mod:`workbench.points.queries`).

The ledger is append-only: earn, redeem, transfer (within a household), expire and adjust
entries, never edited or deleted; a correction is a new ``adjust`` entry with its reason and
the steward who made it. A resident's balance is the sum of their entries, and no entry may
take it below zero. Debits spend the points that expire first.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Iterable

from workbench.proposals.rules import check_text

#: the kinds of ledger entry, and the sign their points take
KINDS = {"earn": +1, "redeem": -1, "transfer": 0, "expire": -1, "adjust": 0}
#: the most points one entry may carry either way (a typo's extra zeros refused)
MAX_POINTS = 1_000_000


class PointsRefused(Exception):
    """An operation the rules or the balance do not allow: an i18n key and its params, shown
    to whoever asked; nothing was written."""

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key, self.params = key, params


def balance(entries: Iterable[int]) -> int:
    """A balance: the sum of the entries' points."""
    return sum(entries)


def expires_on(months: int | None, credited: date) -> date | None:
    """The day points credited on ``credited`` expire: ``months`` later (the month's last day
    when it is shorter), or never."""
    if months is None:
        return None
    total = credited.month - 1 + months
    year, month = credited.year + total // 12, total % 12 + 1
    return date(year, month, min(credited.day, calendar.monthrange(year, month)[1]))


def expiring(lots: Iterable[tuple[date | None, int]], debited: int, on: date) -> int:
    """Points that expire by ``on`` and have not been spent: the credits (``lots``: expiry
    date, points) due by then, less everything debited so far (redeemed, transferred away,
    expired, adjusted down), which spent the earliest-expiring points first. Never more than
    the balance, so an expiry never takes one below zero."""
    due = sum(points for until, points in lots if until is not None and until <= on)
    return max(0, due - debited)


def check_points(value) -> int:
    """A number of points given by a person: a whole number, not zero, within bounds."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise PointsRefused("points.error.whole_number")
    if value == 0 or abs(value) > MAX_POINTS:
        raise PointsRefused("points.error.range", most=MAX_POINTS)
    return value


def check_debit(current: int, points: int) -> None:
    """A debit of ``points`` (> 0) from a balance of ``current``: refused below zero."""
    if points > current:
        raise PointsRefused("points.refused.balance", balance=current, needed=points)


def check_adjustment(points, reason, steward) -> tuple[int, str, str]:
    """An adjustment: signed points, a reason and the steward who makes it, all required."""
    points = check_points(points)
    text, problem = check_text(reason, required=True, max_chars=500, multiline=True)
    if problem:
        raise PointsRefused("points.error.reason")
    name, problem = check_text(steward, required=True, max_chars=100)
    if problem:
        raise PointsRefused("points.error.steward")
    return points, text, name


def check_transfer(giver_household: str | None, taker_household: str | None,
                   within_household: bool, same_person: bool) -> None:
    """Points move only between two people of one household (when the rules say so)."""
    if same_person:
        raise PointsRefused("points.refused.self")
    if within_household and (not giver_household or giver_household != taker_household):
        raise PointsRefused("points.refused.household")


def may_spend_in(home: str, where: str, shared: list[str], across: bool) -> bool:
    """Whether points of a resident of ``home`` may be spent in community ``where``: always
    at home; elsewhere only when the setting lets points cross and both share the rules."""
    return home == where or (across and home in shared and where in shared)
