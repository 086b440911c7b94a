"""The public notice (公示) of credits awaiting review: a table the committee posts before the
credits become final, so that neighbours can object. Plain Python and pandas."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pandas as pd

from workbench.cells import neutralise_frame
from workbench.i18n import t

COLUMNS = ("credit", "awarded", "resident", "earned_for", "hours", "points")


def in_zone(moment, time_zone: str):
    """A moment the store keeps (aware, or naive meaning UTC) in the community's
    ``time_zone``, so that its day is the community's; anything else as it is."""
    if not isinstance(moment, datetime):
        return moment
    aware = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return aware.astimezone(ZoneInfo(time_zone))


def notice_table(credits: list[dict], rules, lang: str, time_zone: str) -> pd.DataFrame:
    """The pending credits as the notice shows them, headed in ``lang``: the day each was
    awarded in the community's ``time_zone`` (the store keeps UTC), residents by their
    participation code's number (names stay with the committee), what each is for, the
    service hours and the points. Cells a spreadsheet would run are neutralised."""
    rows = []
    for credit in credits:
        rule = rules.rule(credit["rule_id"])
        rows.append({
            "credit": credit["id"],
            "awarded": f"{in_zone(credit['created_at'], time_zone):%Y-%m-%d}",
            "resident": t(lang, "points.notice.resident_no", n=credit["code_id"]),
            "earned_for": rule.title(lang) if rule else credit["rule_id"],
            "hours": round(credit["minutes"] / 60, 2),
            "points": credit["points"],
        })
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame.columns = [t(lang, f"points.notice.{c}") for c in COLUMNS]
    return neutralise_frame(frame)
