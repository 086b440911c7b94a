"""One way to tell an agenda item: the same labelled, formatted facts from a published
snapshot's item and from a live item's evidence row, one rule for what is left out, labels
from one place, and no pandas needed (the resident's kernel imports it)."""

import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from agenda_samples import sample_snapshot
from workbench.agenda import presenter as show
from workbench.agenda.evidence import COLUMNS


@pytest.fixture
def items(community):
    return {i["id"]: i for i in sample_snapshot(community)["items"]}


def by_key(facts):
    return {f.key: f for f in facts}


def test_labels_come_from_one_place_and_unknown_codes_stay_readable():
    assert show.decision_label("zh", "adopt") == "采纳"
    assert show.decision_label("en", "decline") == "Declined"
    assert show.decision_label("en", None) == "Candidate"
    assert show.decision_label("en", "merge") == "Merged"
    for lang in ("zh", "en"):
        for status in ("planned", "in_progress", "done", "dropped"):
            assert show.status_label(lang, status) not in ("", status.replace("_", " "))
    assert show.status_label("en", "in_progress") == "In progress"
    assert show.owner_label("zh", "steward") == "社区管家"
    assert show.part_label("en", "gap") == "Service gap"
    assert show.field_label("zh", "reason") == "理由"
    assert show.status_label("en", "on_hold") == "on hold"  # added after the strings
    assert show.owner_label("en", None) == ""


@pytest.mark.parametrize("value, lang, expected", [
    ("2027-06-30", "zh", "2027年6月30日"), ("2027-06-30", "en", "30 Jun 2027"),
    ("2026-11-27T10:00:00+00:00", "zh", "2026年11月27日"), ("2026-11-27T10:00:00Z", "en",
                                                          "27 Nov 2026"),
    ("next spring", "en", "next spring"), (None, "en", ""), ("", "zh", ""),
])
def test_dates(value, lang, expected):
    assert show.format_date(value, lang) == expected


def test_numbers():
    assert show.format_count(420.0) == "420" and show.format_count(np.int64(7)) == "7"
    assert show.format_count(math.nan) == "–" and show.format_count(None) == "–"
    assert show.format_percent(0.62) == "62%" and show.format_percent(None) == "–"
    assert show.format_satisfaction(2.8) == "2.8 / 5" and show.format_score(0.71) == "0.71"
    assert show.is_missing(pd.NA) and show.is_missing(np.float64("nan"))
    assert not show.is_missing(0)


def test_evidence_of_an_adopted_item_in_order(items):
    facts = show.evidence_facts(items[12], "zh")
    assert [f.key for f in facts] == ["supporters", "proposals", "score", "households_300",
                                      "households_500", "underserved_households", "comments",
                                      "consensus", "satisfaction", "needs", "score_parts"]
    f = by_key(facts)
    # 38 participation codes and 5 supports gathered on paper: 43 people
    assert (f["supporters"].label, f["supporters"].text) == ("支持人数", "43")
    assert f["supporters"].notes == (("其中 5 人在线下或其他平台支持", ""),)
    assert [f[k].text for k in ("households_300", "households_500",
                                "underserved_households")] == ["420", "910", "130"]
    assert f["comments"].text == "赞成 6 · 中立 2 · 反对 1"
    assert f["comments"].value == {"for": 6, "neutral": 2, "against": 1}
    assert (f["consensus"].text, f["consensus"].value) == ("62%", 0.62)
    assert f["consensus"].notes[0] == ("公园里需要更多树荫。", "81%")
    assert f["satisfaction"].text == "2.8 / 5"
    assert f["needs"].text == "遮阳 12，座椅 9，照明 4"
    assert f["needs"].value[0] == ("遮阳", 12.0, "12")
    assert f["score"].text == "0.71" and f["score_parts"].value[0] == ("支持人数", 0.9, "0.90")
    assert not any(fact.missing for fact in facts)
    english = by_key(show.evidence_facts(items[12], "en"))
    assert english["needs"].text == "遮阳 12, 座椅 9, 照明 4"
    assert english["comments"].text == "for 6 · neutral 2 · against 1"


def test_missing_evidence_reads_no_data_and_optional_evidence_is_left_out(items):
    deferred = by_key(show.evidence_facts(items[7], "zh"))  # no consensus
    assert deferred["consensus"].missing and deferred["consensus"].text == "暂无数据"
    declined = by_key(show.evidence_facts(items[9], "en"))  # no survey, no needs
    assert declined["satisfaction"].text == "No data" and "needs" not in declined
    unplaced = by_key(show.evidence_facts(items[15], "en"))  # no place: no households
    assert not {"households_300", "households_500", "underserved_households"} & set(unplaced)
    quiet = dict(items[12], evidence=dict(items[12]["evidence"], satisfaction=math.nan,
                                          comments={}, households_300=None,
                                          workshop_dots=0))
    f = by_key(show.evidence_facts(quiet, "en"))
    assert f["satisfaction"].missing and f["satisfaction"].text == "No data"
    assert f["comments"].missing and f["comments"].text == "No comments yet"
    assert f["households_300"].text == "No data"  # placed, but not counted
    assert "workshop_dots" not in f
    dots = dict(items[12], evidence=dict(items[12]["evidence"], workshop_dots=17))
    assert by_key(show.evidence_facts(dots, "en"))["workshop_dots"].text == "17"
    chosen = show.evidence_facts(items[12], "en", keys=("consensus", "supporters"))
    assert [f.key for f in chosen] == ["consensus", "supporters"]


def test_a_live_row_tells_the_same_as_the_published_item(items):
    """The planner's list reads evidence rows (NaN for unknown, numpy numbers): the facts
    are those of the published item."""
    item = items[7]
    ev = item["evidence"]
    row = pd.DataFrame([{
        "item_id": 7, "proposals": 1, "supports": 12, "supporters": 12, "external_supports": 0,
        "comments_for": 2, "comments_against": 2, "comments_neutral": 1,
        "stance_balance": 0.0, "consensus": math.nan, "satisfaction": 3.4,
        "needs": {"活动室": 5}, "households_300": 260.0, "households_500": 700.0,
        "underserved_households": 40.0, "workshop_dots": 0}], columns=COLUMNS
    ).to_dict("records")[0]
    assert ev["households_500"] == 700
    live = show.evidence_facts(item, "zh", show.evidence_of_row(row))
    assert live == show.evidence_facts(item, "zh")


def test_fields_of_a_decision(items):
    adopted = by_key(show.item_facts(items[12], "zh"))
    assert list(adopted) == list(show.FIELDS)
    assert adopted["owner"].text == "居委会" and adopted["target_date"].text == "2027年6月30日"
    assert (adopted["progress"].text, adopted["progress"].value) == ("40%", 40)
    deferred = by_key(show.item_facts(items[7], "en"))
    assert list(deferred) == ["reason"]  # a deferred item shows what it has
    bare = by_key(show.item_facts(dict(items[15], status=None, budget_line=""), "en"))
    assert bare["status"].text == "Planned"  # adopting makes an item planned
    assert bare["budget_line"].text == "–" and bare["budget_line"].missing
    assert show.history_lines(items[12], "en")[1] == ("20 Jan 2027", "In progress", "40%",
                                                      items[12]["history"][1]["note"])
    assert show.milestone_lines(items[12], "zh")[0] == (True, "方案设计与居民意见征询",
                                                        "2027年1月15日")


def test_ranked_items_and_place(community):
    snapshot = sample_snapshot(community)
    shuffled = dict(snapshot, items=list(reversed(snapshot["items"])))
    assert [i["rank"] for i in show.ranked_items(shuffled)] == [1, 2, 3, 4]
    first = show.ranked_items(snapshot)[0]
    assert show.place_name(first, "en") == first["public_space_name"]["en"]
    assert show.place_name({"public_space_name": {"zh": "小桥口袋公园"}}, "en") == "小桥口袋公园"
    assert not show.has_place({"lon": math.nan, "lat": 30.2})


def test_presenter_needs_no_pandas():
    code = ("import sys, workbench.agenda.presenter as p; p.evidence_facts({}, 'zh'); "
            "assert 'pandas' not in sys.modules and 'ipywidgets' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_households_say_how_they_were_measured(items):
    """Walking along the roads where the community has them, else a straight line: said
    beside the figures, in the resident's and the planner's words."""
    for method, zh, en in (("network", "沿道路和步道的步行距离", "walking along the roads"),
                           ("straight_line", "直线距离", "in a straight line")):
        item = dict(items[12], evidence=dict(items[12]["evidence"], reach_method=method))
        for lang, words in (("zh", zh), ("en", en)):
            f = by_key(show.evidence_facts(item, lang))
            for key in ("households_300", "households_500"):
                assert any(words in note for note, _ in f[key].notes)
    row = {"households_300": 3.0, "households_500": 9.0, "reach_method": "straight_line"}
    assert show.evidence_of_row(row)["reach_method"] == "straight_line"
    assert show.evidence_of_row({**row, "reach_method": "<b>"})["reach_method"] is None
    assert not by_key(show.evidence_facts(items[12], "en"))["households_300"].notes
