"""``workbench points``: checking the rule file, reviewing pending credits, the public notice
as CSV, expiry."""

from __future__ import annotations

import csv

from points_samples import residents
from workbench import settings
from workbench.cli import main
from workbench.demo import init
from workbench.layers.community import load_community
from workbench.store import Store


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def pending_credit(points=25, minutes=150):
    init()
    store = Store()
    community = load_community(settings.get("layers_dir"))
    (code,) = residents(store, community.id, 1)
    credit_id, _ = store.award_points(community.id, code, "need:1", "elderly_care", points,
                                      minutes, "王管家")
    return store, community, code, credit_id


def test_check_rules(capsys, tmp_path):
    code, out, _ = run(capsys, "points", "check-rules")
    assert code == 0 and "8 earn rules" in out
    broken = tmp_path / "rules.yaml"
    broken.write_text("id: x\ntitle: {zh: 规则, en: Rules}\nawarders: [mayor]\n",
                      encoding="utf-8")
    code, _, err = run(capsys, "points", "check-rules", "--file", str(broken))
    assert code == 1 and "rules.yaml:3: awarders[0]: must be" in err


def test_review_and_the_public_notice(capsys, tmp_path, monkeypatch):
    store, community, code_id, credit_id = pending_credit()
    monkeypatch.setenv("WORKBENCH_DEFAULT_LANGUAGE", "zh")
    code, out, _ = run(capsys, "points", "pending")
    assert code == 0 and f"code {code_id:>6}" in out and "助老服务" in out
    notice = tmp_path / "notice.csv"
    assert run(capsys, "points", "notice", "--out", str(notice))[0] == 0
    with notice.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert rows == [{"编号": str(credit_id), "登记日期": rows[0]["登记日期"],
                     "居民": f"参与码 {code_id} 号", "积分事由": "助老服务（陪伴、送餐、代办）",
                     "服务时长（小时）": "2.5", "积分": "25"}]
    code, _, err = run(capsys, "points", "review", str(credit_id), "--approve")
    assert code == 1 and "--by NAME" in err   # who reviews is required
    code, out, _ = run(capsys, "points", "review", str(credit_id), "--approve", "--by", "李书记")
    assert code == 0 and "approved" in out and store.points_balance(code_id) == 25
    code, out, _ = run(capsys, "points", "review", str(credit_id), "--reject", "--by", "李书记")
    assert "unchanged" in out and store.points_balance(code_id) == 25
    code, _, err = run(capsys, "points", "review", "999", "--approve", "--by", "李书记")
    assert code == 1 and "没有这条积分记录" in err


def test_expire(capsys):
    store, community, code_id, credit_id = pending_credit()
    main(["points", "review", str(credit_id), "--approve", "--by", "李书记"])
    capsys.readouterr()
    code, out, _ = run(capsys, "points", "expire", "--on", "2099-01-01")
    assert code == 0 and "25 points of 1 residents" in out
    assert store.points_balance(code_id) == 0
    code, _, err = run(capsys, "points", "expire", "--on", "someday")
    assert code == 1 and "error" in err
