"""A community with its public spaces in the database, residents' codes and an activity form,
for the activities tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from workbench.layers.editing import from_layer_file, snapshot

ZONE = ZoneInfo("Asia/Shanghai")


def load_spaces(store, community) -> list[str]:
    """The layer file's spaces put into the database (what planners then edit); their ids."""
    features = [snapshot(*from_layer_file(f))
                for f in community.layers["public_spaces"]["features"]]
    store.load_public_spaces(community.id, features, "王规划")
    return [f["properties"]["id"] for f in features]


def codes(store, community_id: str, count: int, tag: str = "") -> list[int]:
    """``count`` new active participation codes; their ids."""
    return store.add_codes(community_id, [f"activity-{tag}-{n}" for n in range(count)])


def next_week(hour: int = 19) -> datetime:
    """A local time a week from now (naive, as a form sends it): sign-ups are open then."""
    day = datetime.now(ZONE).date() + timedelta(days=7)
    return datetime(day.year, day.month, day.day, hour)


def form(**changes) -> dict:
    """An activity form as a steward fills it in; ``changes`` replace its values."""
    start = next_week()
    values = dict(title="社区合唱团排练", description="每周一次，欢迎新朋友", public_space_id="P1",
                  room_id=None, scenario="neighbourhood", organiser="李阿姨", capacity=10,
                  starts_at=start, ends_at=start + timedelta(hours=2), repeat="once")
    values.update(changes)
    return values


def without_holidays(tmp_path, monkeypatch) -> None:
    """An empty holiday list, for tests whose weekly meetings fall on dates counted from
    today (which a later year's list might make holidays)."""
    path = tmp_path / "holidays.yaml"
    path.write_text("holidays: []\n", encoding="utf-8")
    monkeypatch.setenv("WORKBENCH_ACTIVITIES_HOLIDAYS", str(path))
