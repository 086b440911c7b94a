"""The planner's points panel without a browser: reviewing approves or refuses the chosen
credits (the balance follows, nothing is written on a bad choice), the public notice holds
the pending credits, the team and needs tables and the chart draw for an empty and a filled
community, in zh and en."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest
from points_samples import residents

from workbench import i18n, settings
from workbench.points import workflow
from workbench.points.charts import hours_by_month_chart
from workbench.points.needs import skills_of, validate_need
from workbench.points.points_panel import PointsPanel, points_app
from workbench.points.rule_file import load_rules

PNG = b"\x89PNG"


@pytest.fixture
def rules():
    return load_rules(settings.get("points_rules"))


def panel(store, community, rules, lang="zh"):
    return PointsPanel(store, rules, community.id, lang, "Asia/Shanghai", "王管家")


def fill(store, community, rules) -> dict:
    """Two volunteers, a need confirmed (its credit approved), a need done and not confirmed,
    a need open since three days, and two credits waiting for review."""
    poster, helper, other = residents(store, community.id, 3)
    store.register_volunteer(helper, community.id, ["skills_help", "elderly_care"], "周末上午")
    store.register_volunteer(other, community.id, ["environment"])
    now = datetime.now(timezone.utc)

    def need(title, skill, start=timedelta(hours=2)):
        values = dict(title=title, description="", skill=skill, public_space_id=None,
                      window_start=now + start, window_end=now + start + timedelta(days=1))
        return store.post_need(community.id, validate_need(values, skills_of(rules), [], now),
                               poster, "resident")
    confirmed = need("修理楼道灯 & 插座", "skills_help")
    store.move_need(confirmed, "claim", by_code_id=helper)
    workflow.need_done(store, rules, confirmed, helper, 90)
    workflow.confirm_need(store, rules, confirmed, by_code_id=poster)
    (first,) = store.points_credits(community.id)
    workflow.review(store, rules, first["id"], "王管家", approve=True)
    done = need("陪老人去医院", "elderly_care")
    store.move_need(done, "claim", by_code_id=helper)
    workflow.need_done(store, rules, done, helper, 120)
    need("清理花坛", "environment", start=timedelta(minutes=-30))   # past its start, unclaimed
    ids = [workflow.award(store, rules, community.id, code, rule, key, "committee",
                          "committee", minutes=minutes)[0]
           for code, rule, key, minutes in ((other, "environment", "hours:clean-up:1", 60),
                                            (poster, "survey_completed", "survey:1:p", 0))]
    return dict(poster=poster, helper=helper, other=other, pending=ids, confirmed=confirmed)


def test_approving_the_chosen_credits_counts_them_in_the_balance(store, community, rules):
    people = fill(store, community, rules)
    p = panel(store, community, rules)
    assert [value for _label, value in p.chosen.options] == people["pending"]
    p.chosen.value = (people["pending"][0],)
    assert p.review(approve=True)
    assert store.points_balance(people["other"]) == 8            # 1 h of clean-up x 8
    assert "已通过 1 条，共 8 积分" in p.message.value
    assert [value for _label, value in p.chosen.options] == [people["pending"][1]]
    (entry,) = store.points_history(people["other"])
    assert entry["steward"] == "王管家"


def test_refusing_needs_a_reason_and_keeps_it(store, community, rules):
    people = fill(store, community, rules)
    p = panel(store, community, rules, "en")
    p.choose_all.click()
    p.reason.value = "   "
    assert not p.review(approve=False)
    assert "Give the reason for refusing" in p.reason_error.value
    assert len(store.points_credits(community.id)) == 2           # nothing written
    p.reason.value = "同一次问卷已经记过"
    assert p.review(approve=False)
    assert "Refused 2 credit(s), 10 points" in p.message.value
    refused = store.points_credits(community.id, "rejected")
    assert {c["review_note"] for c in refused} == {"同一次问卷已经记过"}
    assert store.points_balance(people["poster"]) == 0
    assert p.chosen.options == () and p.approve_button.disabled
    assert p.controls.layout.display == "none"
    assert p.reason_error.value == ""


def test_nothing_chosen_or_reviewed_meanwhile_writes_nothing(store, community, rules):
    people = fill(store, community, rules)
    p = panel(store, community, rules)
    assert not p.review(approve=True)
    assert "至少选择一条" in p.chosen_error.value
    p.chosen.value = tuple(people["pending"])
    workflow.review(store, rules, people["pending"][1], "另一位管家", approve=False, note="x")
    assert not p.review(approve=True)                              # one moved on: none done
    assert "没有做任何修改" in p.message.value
    assert store.points_balance(people["other"]) == 0
    assert [value for _label, value in p.chosen.options] == [people["pending"][0]]


def test_the_notice_download_holds_the_pending_credits(store, community, rules):
    people = fill(store, community, rules)
    for lang, header in (("zh", "参与码"), ("en", "Code no.")):
        data = panel(store, community, rules, lang).notice_csv()
        assert data.startswith("\ufeff".encode())                 # Excel reads it as UTF-8
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert [int(r[0]) for r in rows[1:]] == people["pending"]
        assert all(header in r[2] for r in rows[1:])
    p = panel(store, community, rules)
    assert "a class='wb-download'" in p.notice.widget.value
    assert ".csv" in p.notice.widget.value


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_empty_community_draws_every_part(store, community, rules, lang):
    p = panel(store, community, rules, lang)
    hints = {"zh": ("没有待审核", "还没有志愿者", "还没有确认完成"),
             "en": ("No credits are waiting", "No volunteers", "No need has been confirmed")}
    hints = {lang: (*words, i18n.t(lang, "points.panel.no_hours"))
             for lang, words in hints.items()}
    for hint, html in zip(hints[lang], (p.pending_html, p.team_html, p.fulfilment_html)):
        assert hint in html.value
    assert p.chart.layout.display == "none"                         # the line says it
    empty = hours_by_month_chart(p.hours_by_month(), lang)
    assert not empty.axes[0].patches and empty.axes[0].texts[0].get_text() == hints[lang][3]
    assert p.approve_button.disabled and p.refuse_button.disabled
    assert p.controls.layout.display == "none" and p.notice_csv() is None
    assert p.notice.widget.value == ""                             # no empty notice offered
    assert "wb-table" in p.needs_html.value                       # every skill, 0 open


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_filled_community_draws_tables_with_local_dates_and_shares(store, community, rules,
                                                                   lang):
    fill(store, community, rules)
    p = panel(store, community, rules, lang)
    html = " ".join(x.value for x in (p.pending_html, p.team_html, p.needs_html,
                                      p.steward_html, p.fulfilment_html, p.hours_html))
    assert "100%" in p.needs_html.value and "100%" in p.hours_html.value
    assert "灯 &amp; 插座" in p.fulfilment_html.value
    month = datetime.now(timezone(timedelta(hours=8))).strftime("%Y-%m")
    assert month in p.hours_html.value
    assert "周末上午" in p.team_html.value                        # as the volunteer wrote it
    assert ("已完成，待确认" if lang == "zh" else "done, not confirmed") in p.steward_html.value
    assert ("待认领" if lang == "zh" else "open, unclaimed") in p.steward_html.value
    skill = {"zh": "专业技能服务", "en": "Skilled help"}[lang]
    assert skill in p.team_html.value and skill in p.fulfilment_html.value
    for repr_sign in ("Timestamp(", "datetime.", "nan", "NaT", "dtype", "['"):
        assert repr_sign not in html
    assert bytes(p.chart.value).startswith(PNG) and p.chart.layout.display is None
    bars = hours_by_month_chart(p.hours_by_month(), lang).axes[0].patches
    assert [bar.get_height() for bar in bars] == [1.5]          # the approved 90 minutes


def test_the_chart_shows_months_without_hours_between_others():
    hours = pd.Series({"2026-10": 2.0, "2027-01": 1.5}, name="hours")
    bars = hours_by_month_chart(hours, "en").axes[0].patches
    assert [bar.get_height() for bar in bars] == [2.0, 0.0, 0.0, 1.5]


def test_the_panel_is_a_tab_of_the_planners_home(store, community, rules, monkeypatch):
    from workbench.page.planner_home import PlannerHome

    monkeypatch.setattr(PointsPanel, "from_settings", classmethod(
        lambda cls, lang, person: cls(store, rules, community.id, lang, "Asia/Shanghai",
                                      person)))
    home = PlannerHome("王主任", "en")
    index = [panel.name for panel in home.panels].index("points")
    assert home.tabs.titles[index] == "Points and needs"
    assert "wb-points" in home.open(index)._dom_classes


def test_the_app_signs_reviews_with_the_name_typed_in_it(store, community, rules,
                                                        monkeypatch):
    people = fill(store, community, rules)
    monkeypatch.setattr(PointsPanel, "from_settings", classmethod(
        lambda cls, lang, person: cls(store, rules, community.id, lang, "Asia/Shanghai",
                                      person)))
    app = points_app("zh", person="李书记")
    app.switch.value = "en"
    assert app.tool.lang == "en"
    app.tool.chosen.value = (people["pending"][0],)
    assert app.tool.review(approve=True)
    assert store.points_history(people["other"])[0]["steward"] == "李书记"
