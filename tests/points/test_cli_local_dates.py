"""The points commands print, and the public notice (公示) holds, the community's days and
times (community.yaml's time zone), not the store's UTC: a credit awarded at 02:30 in
Hangzhou on 2 March is the 2nd's, though it is still 1 March in UTC."""

from __future__ import annotations

import csv
from datetime import datetime, timezone

from sqlalchemy import update

from points_samples import residents
from workbench import settings
from workbench.cli import main
from workbench.demo import init
from workbench.layers.community import load_community
from workbench.points.needs import Need
from workbench.points.tables import points_credits
from workbench.store import Store

#: 2 March 2026, 02:30 in Asia/Shanghai (UTC+8)
LATE_EVENING_UTC = datetime(2026, 3, 1, 18, 30, tzinfo=timezone.utc)


def test_dates_are_the_communitys(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_DEFAULT_LANGUAGE", "en")
    init()
    store = Store()
    community = load_community(settings.get("layers_dir"))
    assert community.time_zone == "Asia/Shanghai"
    (code,) = residents(store, community.id, 1)
    credit_id, _ = store.award_points(community.id, code, "need:1", "elderly_care", 10, 60,
                                      "王管家")
    with store.engine.begin() as conn:
        conn.execute(update(points_credits).where(points_credits.c.id == credit_id)
                     .values(created_at=LATE_EVENING_UTC))
    store.post_need(community.id, Need("修水龙头", "厨房漏水", "skills_help", None,
                                       LATE_EVENING_UTC, LATE_EVENING_UTC.replace(hour=20)),
                    None, "王管家")
    capsys.readouterr()

    assert main(["points", "pending"]) == 0
    assert f"{credit_id:>6}  2026-03-02  code" in capsys.readouterr().out
    notice = tmp_path / "notice.csv"
    assert main(["points", "notice", "--out", str(notice)]) == 0
    with notice.open(encoding="utf-8-sig") as f:
        (row,) = list(csv.DictReader(f))
    assert "2026-03-02" in row.values() and "2026-03-01" not in row.values()
    assert main(["points", "needs"]) == 0
    assert "2026-03-02 02:30  修水龙头" in capsys.readouterr().out
