"""A published agenda snapshot built in code, for the report and open-data tests: four items
(adopted with milestones and history, deferred, declined, and one adopted without a place),
Chinese and English text, a title that is markup and one with ``&`` and quotes. A plain module
(not conftest), importable by name anywhere under tests/.

The coordinates are those of the given community's public spaces, so the same snapshot works
on the small test community (tests/communities.py) and on the demo community."""

from __future__ import annotations

#: Titles the tests look for, by item id.
MARKUP_TITLE = "<img src=x onerror=alert(1)>"
AMPERSAND_TITLE = 'Bike racks & "smart" lockers near Building 2'
TITLES = {12: "银杏口袋公园增加遮阳棚和座椅", 7: MARKUP_TITLE, 9: AMPERSAND_TITLE,
          15: "每月一次居民议事会"}
RECEIPTS = ("K7QM-2XPA", "B3RT-9WZC", "H4NV-6LDE", "P8FJ-3SKU", "T2YC-7MRB", "W5GH-4NAQ")


def _place(community, index: int) -> dict:
    space_id = sorted(community.public_spaces)[index % len(community.public_spaces)]
    props = community.public_spaces[space_id]["properties"]
    lon, lat = community.public_space_location(space_id)
    return {"public_space_id": space_id,
            "public_space_name": {"zh": props["name_zh"], "en": props["name_en"]},
            "lon": round(lon, 7), "lat": round(lat, 7)}


def _evidence(proposals, supports, supporters, external=0, comments=(0, 0, 0), consensus=None,
              statements=(), satisfaction=None, needs=None, h300=0, h500=0, underserved=0):
    return {"proposals": proposals, "supports": supports, "supporters": supporters,
            "external_supports": external,
            "comments": {"for": comments[0], "against": comments[1], "neutral": comments[2]},
            "consensus": consensus,
            "consensus_statements": [{"text": t, "consensus": c} for t, c in statements],
            "satisfaction": satisfaction, "needs": needs or {},
            "households_300": h300, "households_500": h500,
            "underserved_households": underserved}


def sample_snapshot(community) -> dict:
    """A snapshot in the format of :mod:`workbench.agenda.snapshot` (``version`` is set by
    the store on publishing; 3 here for the tests that use the dict directly)."""
    weights = {"supporters": 3.0, "consensus": 2.0, "stance": 1.0, "need": 2.0, "reach": 1.0,
               "gap": 2.0}
    items = [
        {"id": 12, "rank": 1, "title": TITLES[12],
         "description": "公园夏天太晒，老人和带孩子的家长希望有遮阳的地方坐一坐。",
         "scenario": "health", **_place(community, 0),
         "decision": "adopt",
         "reason": "支持人数最多，满意度调查中遮阳是最常提到的需求；费用在社区微更新预算之内。",
         "owner": "residents_committee", "budget_line": "2027 社区微更新",
         "milestones": [
             {"title": "方案设计与居民意见征询", "date": "2027-01-15", "done": True},
             {"title": "采购与施工", "date": "2027-04-30", "done": False},
             {"title": "验收", "date": "2027-06-15", "done": False}],
         "target_date": "2027-06-30", "status": "in_progress", "progress": 40,
         "history": [
             {"date": "2026-12-01", "status": "planned", "progress": 0,
              "note": "议事会通过，列入 2027 年计划。"},
             {"date": "2027-01-20", "status": "in_progress", "progress": 40,
              "note": "设计方案已公示两周，收到 12 条意见 & 已全部答复。"}],
         "score": 0.71,
         "score_parts": {"supporters": 0.9, "consensus": 0.62, "stance": 0.78, "need": 0.55,
                         "reach": 0.8, "gap": 0.6},
         "evidence": _evidence(3, 41, 38, external=5, comments=(6, 1, 2), consensus=0.62,
                               statements=[("公园里需要更多树荫。", 0.81),
                                           ("座椅应该靠近儿童游戏区。", 0.58)],
                               satisfaction=2.8, needs={"遮阳": 12, "座椅": 9, "照明": 4},
                               h300=420, h500=910, underserved=130),
         "proposals": [
             {"id": 5, "receipt_code": RECEIPTS[0], "title": "公园需要遮阳棚", "supports": 20,
              "official_answer": "已采纳，计划 2027 年 6 月前完工。"},
             {"id": 8, "receipt_code": RECEIPTS[1], "title": "多放几张长椅", "supports": 15,
              "official_answer": None},
             {"id": 21, "receipt_code": RECEIPTS[2], "title": "Shade sails for the park",
              "supports": 6, "official_answer": "Adopted: see item 1."}]},
        {"id": 7, "rank": 2, "title": MARKUP_TITLE,
         "description": "<script>alert('d')</script> 描述里也有标记。",
         "scenario": "neighbourhood", **_place(community, 1),
         "decision": "defer",
         "reason": "需要先和物业协商场地 <b>使用</b> 时间，明年再议。",
         "owner": None, "budget_line": None, "milestones": [],
         "target_date": None, "status": None, "progress": 0, "history": [],
         "score": 0.48, "score_parts": {"supporters": 0.5, "consensus": 0.0, "stance": 0.5,
                                        "need": 0.4, "reach": 0.6, "gap": 0.2},
         "evidence": _evidence(1, 12, 12, comments=(2, 2, 1), consensus=None,
                               satisfaction=3.4, needs={"活动室": 5},
                               h300=260, h500=700, underserved=40),
         "proposals": [
             {"id": 9, "receipt_code": RECEIPTS[3], "title": "<img src=x onerror=alert(2)>",
              "supports": 12, "official_answer": "暂缓：<i>明年</i>再议。"}]},
        {"id": 9, "rank": 3, "title": AMPERSAND_TITLE,
         "description": "Secure parking for e-bikes, with chargers.",
         "scenario": "transport", **_place(community, 2),
         "decision": "decline",
         "reason": 'Charging e-bikes in "smart" lockers is not allowed by the fire rules & '
                   "the street office; racks without chargers are in item 1's budget line.",
         "owner": None, "budget_line": None, "milestones": [], "target_date": None,
         "status": None, "progress": 0, "history": [],
         "score": 0.31, "score_parts": {"supporters": 0.3, "consensus": 0.2, "stance": 0.25,
                                        "need": 0.0, "reach": 0.4, "gap": 0.0},
         "evidence": _evidence(1, 7, 7, comments=(1, 3, 0), consensus=0.2,
                               satisfaction=None, needs={},
                               h300=150, h500=480, underserved=0),
         "proposals": [
             {"id": 14, "receipt_code": RECEIPTS[4], "title": AMPERSAND_TITLE, "supports": 7,
              "official_answer": "Declined: fire rules (see the reason above)."}]},
        {"id": 15, "rank": 4, "title": TITLES[15],
         "description": "每月第一个周六上午，在社区客厅开议事会，所有居民都可以参加。",
         "scenario": "governance", "public_space_id": None, "public_space_name": None,
         "lon": None, "lat": None,
         "decision": "adopt", "reason": "成本低，居民普遍支持。",
         "owner": "steward", "budget_line": None,
         "milestones": [{"title": "第一次议事会", "date": "2027-01-09", "done": False}],
         "target_date": "2027-01-09", "status": "planned", "progress": 0, "history": [],
         "score": 0.29, "score_parts": {"supporters": 0.4, "consensus": 0.7, "stance": 1.0,
                                        "need": 0.0, "reach": 0.0, "gap": 0.0},
         "evidence": _evidence(1, 9, 9, comments=(3, 0, 0), consensus=0.7,
                               statements=[("居民应该定期参与社区决策。", 0.7)],
                               satisfaction=None, needs={}, h300=0, h500=0),
         "proposals": [
             {"id": 30, "receipt_code": RECEIPTS[5], "title": "定期开居民议事会", "supports": 9,
              "official_answer": None}]},
    ]
    return {"format": 1, "version": 3, "published_at": "2026-11-27T10:00:00+00:00",
            "published_by": "居委会",
            "community": {"id": community.id, "name": dict(community.name)},
            "weights": weights, "items": items}
