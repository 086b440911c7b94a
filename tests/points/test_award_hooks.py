"""The points other domains' actions earn (workbench.points.hooks): by the rule file's rule
for the event, once per event and person, waiting for review; nothing, and no error, without
a rule file, with a broken one or without a rule for the event."""

from __future__ import annotations

import os
import shutil

import pytest

from points_samples import residents
from workbench import settings
from workbench.points import hooks
from workbench.points.tables import points_credits


@pytest.fixture
def rule_file(tmp_path, monkeypatch):
    """A copy of the sample rule file, used as the community's."""
    path = tmp_path / "rules.yaml"
    shutil.copy(settings.get("points_rules"), path)
    monkeypatch.setenv("WORKBENCH_POINTS_RULES", str(path))
    return path


@pytest.fixture
def logged(caplog):
    """What the hooks log (the workbench logger may not pass it on to the root)."""
    hooks.log.addHandler(caplog.handler)
    yield caplog
    hooks.log.removeHandler(caplog.handler)


def credits(store):
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(points_credits.select())]


def test_an_event_earns_its_rule_once_and_waits_for_review(store, community, rule_file):
    (code,) = residents(store, community.id, 1)
    first = hooks.earn(store, community.id, code, "survey_completed", "hall_2026")
    for _ in range(10):  # a click repeated, a request retried
        assert hooks.earn(store, community.id, code, "survey_completed", "hall_2026") \
            == (first[0], False)
    (credit,) = credits(store)
    assert first[1] and credit["status"] == "pending" and credit["points"] == 2
    assert credit["event_key"] == f"survey_completed:hall_2026:{code}"
    assert credit["awarded_by"] == hooks.AWARDED_BY and store.points_balance(code) == 0
    # another survey, another person: their own credits
    (other,) = residents(store, community.id, 1)
    assert hooks.earn(store, community.id, code, "survey_completed", "park")[1]
    assert hooks.earn(store, community.id, other, "survey_completed", "hall_2026")[1]
    assert len(credits(store)) == 3


def test_no_rule_file_a_broken_one_or_no_rule_awards_nothing(store, community, rule_file,
                                                             monkeypatch, logged):
    (code,) = residents(store, community.id, 1)
    rule_file.write_text(rule_file.read_text(encoding="utf-8").replace(
        "event: workshop_attended", "event: workshop_attended\n    bonus: 3"), encoding="utf-8")
    assert hooks.earn(store, community.id, code, "workshop_attended", 1) is None
    assert "not a field of the rule file" in logged.text
    monkeypatch.setenv("WORKBENCH_POINTS_RULES", str(rule_file.with_name("missing.yaml")))
    assert hooks.earn(store, community.id, code, "workshop_attended", 1) is None
    assert hooks.earn(store, community.id, code, "volunteer_hours", 1) is None  # by the hour
    assert credits(store) == []


def test_an_event_without_a_rule_awards_nothing(store, community, rule_file):
    (code,) = residents(store, community.id, 1)
    text = rule_file.read_text(encoding="utf-8")
    start = text.index("  - id: workshop_attended")
    end = text.index("  - id:", start + 1)
    rule_file.write_text(text[:start] + text[end:], encoding="utf-8")
    assert hooks.earn(store, community.id, code, "workshop_attended", 1) is None
    assert hooks.earn(store, community.id, code, "survey_completed", "s")[1]


def test_the_rule_file_is_read_once_while_unchanged(rule_file, monkeypatch):
    hooks._rules.cache_clear()
    reads = []
    from workbench.points import rule_file as module

    real = module.load_rules
    monkeypatch.setattr(module, "load_rules", lambda path: reads.append(path) or real(path))
    first = hooks.community_rules()
    assert hooks.community_rules() is first and len(reads) == 1
    stat = rule_file.stat()
    rule_file.write_text(rule_file.read_text(encoding="utf-8").replace("points: 2", "points: 3"),
                         encoding="utf-8")
    os.utime(rule_file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    changed = hooks.community_rules()
    assert len(reads) == 2 and changed.rule("survey_completed").points == 3


def test_a_code_of_another_community_or_a_busy_store_fails_quietly(store, community,
                                                                   rule_file, monkeypatch,
                                                                   logged):
    from workbench.store import StoreBusy

    (code,) = residents(store, community.id, 1)
    assert hooks.earn(store, "elsewhere", code, "survey_completed", "s") is None
    assert hooks.earn(store, community.id, 10_000, "survey_completed", "s") is None  # no code

    def busy(*_args, **_kw):
        raise StoreBusy("the database stayed locked")
    monkeypatch.setattr(store, "award_points", busy)
    assert hooks.earn(store, community.id, code, "survey_completed", "s") is None
    assert "no points awarded for survey_completed s" in logged.text
    assert credits(store) == []


def test_a_published_agenda_credits_each_adopted_proposals_author_once(store, community,
                                                                      rule_file):
    authors = dict(zip((11, 12, 13), residents(store, community.id, 3)))
    snapshot = {"items": [
        {"decision": "adopt", "proposals": [{"id": 11}, {"id": 12}]},
        {"decision": "decline", "proposals": [{"id": 13}]},
        {"decision": "adopt", "proposals": [{"id": 14}]}]}  # its author gave no code
    assert hooks.earn_for_adopted(store, community.id, snapshot, authors) == 2
    assert hooks.earn_for_adopted(store, community.id, snapshot, authors) == 0  # republished
    assert sorted(c["code_id"] for c in credits(store)) == [authors[11], authors[12]]
    assert {c["points"] for c in credits(store)} == {20}


def test_an_edited_rule_file_earns_its_new_points(store, community, rule_file, workbench_env):
    (code,) = residents(store, community.id, 1)
    assert hooks.earn(store, community.id, code, "survey_completed", "first")[1]
    stat = rule_file.stat()
    rule_file.write_text(rule_file.read_text(encoding="utf-8").replace("points: 2", "points: 3"),
                         encoding="utf-8")
    os.utime(rule_file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert hooks.earn(store, community.id, code, "survey_completed", "second")[1]
    assert [c["points"] for c in credits(store)] == [2, 3]
    # what each content earns is kept for the other kernels, one file per content
    assert len(list((workbench_env / "cache").glob("points-rules-*.json"))) == 2


def test_a_kernel_earning_by_a_kept_rule_file_loads_no_pydantic(store, community, rule_file,
                                                                 workbench_env):
    # a resident's kernel earns on joining a workshop with a code; pydantic was 8 MiB of it
    import subprocess
    import sys

    one, two = residents(store, community.id, 2)
    code = ("import sys\n"
            "from workbench.store import Store\n"
            "from workbench.points.hooks import earn\n"
            f"made = earn(Store({str(store.engine.url)!r}), {community.id!r}, int(sys.argv[1]), "
            "'workshop_attended', 7)\n"
            "print(made[1], 'pydantic' in sys.modules)")
    env = dict(os.environ, WORKBENCH_HOME=str(workbench_env),
               WORKBENCH_POINTS_RULES=str(rule_file))

    def kernel(code_id: int) -> str:
        return subprocess.run([sys.executable, "-c", code, str(code_id)], env=env,
                              capture_output=True, text=True, check=True).stdout.split()
    assert kernel(one) == ["True", "True"]      # the first to read this content validates it
    assert kernel(two) == ["True", "False"]     # the next ones read what it kept
    assert {c["code_id"]: c["points"] for c in credits(store)} == {one: 5, two: 5}
