"""The use of spaces as agenda evidence: an item about a space where people were left
waiting shows it among its needs (with what the surveys said of the place's kind kept), a
little used space is a question, and a community that keeps no calendar here says nothing."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from activity_samples import load_spaces
from residents import propose
from use_samples import fill_recent

from workbench.activities import workflow as activities
from workbench.activities.use import period_ending
from workbench.agenda import workflow

NEED = "想用却用不上（预订未通过、候补未获名额、想订的时段已被占或未开放）"
QUESTION = "很少使用：期间使用小时"


def needs_by_space(store, community) -> dict:
    workflow.regroup(store, community.id)
    evidence = workflow.gather_evidence(store, community).set_index("item_id")
    return {item["public_space_id"]: evidence.loc[item["id"], "needs"]
            for item in workflow.live_items(store, community.id)}


def test_an_item_about_a_space_people_could_not_get_into_shows_it(store, community,
                                                                   monkeypatch):
    load_spaces(store, community)
    propose(store, "口袋公园多办些合唱活动", space="P1")
    propose(store, "广场晚上加灯", space="P2", scenario="transport")
    propose(store, "多功能室多开放给居民", space="P3", scenario="education")
    assert needs_by_space(store, community) == {"P1": {}, "P2": {}, "P3": {}}  # no calendar
    fill_recent(store, community, "P1", "P3")
    # the surveys said something of squares (P2's kind): kept beside the use
    monkeypatch.setattr(workflow, "survey_evidence", lambda store, lang, community_id: (
        {}, {"square": {"satisfaction": 3.0, "needs": {"照明": 4}}}))
    needs = needs_by_space(store, community)
    # the chorus is full every week, one left waiting each time: a need of the park; the
    # park's and the square's daily use is not what a calendar sees: no "little used"
    held = len(chorus_meetings(store, community))
    assert held >= 7
    assert needs["P1"] == {NEED: held}
    assert needs["P2"] == {"照明": 4}
    # the centre's room was open 13 h a day and used 5 h (the talk, a booking): a question,
    # beside the booking refused
    assert needs["P3"] == {NEED: 1, QUESTION: 5}


def chorus_meetings(store, community) -> list[dict]:
    """The chorus's meetings of the evidence's period (holidays left out, as the rules do)."""
    first, last = period_ending(datetime.now(ZoneInfo(community.time_zone)).date(),
                                activities.EVIDENCE_DAYS)
    return [m for m in activities.calendar(store, community, first, last)
            if m["title"] == "社区合唱团排练"]
