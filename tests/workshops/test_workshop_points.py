"""A page that takes part in a workshop with a participation code (it joined with the code,
or the code was typed in there) earns the rule file's points for attending once, waiting
for review; without a rule file the page joins all the same and earns nothing."""

from __future__ import annotations

from workbench.page.resident import ResidentApp
from workbench.participation.codes import issue_codes
from workbench.workshops import rules as workshop


def test_attending_with_a_code_earns_once(community, store):
    wid, _ = workshop.open_workshop(store, community.id, "议事会", 2)
    code, other = issue_codes(store, community.id, 2)
    for _ in range(3):  # the QR link opened again, on another phone too
        app = ResidentApp(community, store, lang="en")
        app.start(f"workshop={wid}&code={code}")
        assert app.dots is not None and app.workshop_id == wid
    (credit,) = store.points_credits(community.id)
    assert credit["event_key"] == f"workshop_attended:{wid}:{app.code_id}"
    assert credit["status"] == "pending" and credit["points"] == 5
    late = ResidentApp(community, store, lang="en")  # joined first, code typed in later
    late.start(f"workshop={wid}")
    assert len(store.points_credits(community.id)) == 1
    assert late.use_code(other) and late.use_code(other)
    assert sorted(c["code_id"] for c in store.points_credits(community.id)) \
        == sorted([app.code_id, late.code_id])


def test_a_code_typed_in_after_the_workshop_ended_earns_nothing(community, store):
    wid, _ = workshop.open_workshop(store, community.id, "议事会", 2)
    app = ResidentApp(community, store, lang="en")
    app.start(f"workshop={wid}")  # joined while it was open, without a code
    workshop.end_workshop(store, community, wid, lang="en")
    assert app.use_code(issue_codes(store, community.id, 1)[0])
    assert store.points_credits(community.id) == []


def test_a_page_outside_a_workshop_earns_nothing(community, store):
    app = ResidentApp(community, store, lang="en")
    app.start("")
    assert app.use_code(issue_codes(store, community.id, 1)[0])
    assert store.points_credits(community.id) == []


def test_without_a_rule_file_the_page_joins(community, store, tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_POINTS_RULES", str(tmp_path / "no-rules.yaml"))
    wid, _ = workshop.open_workshop(store, community.id, "议事会", 2)
    app = ResidentApp(community, store, lang="en")
    app.start(f"workshop={wid}&code={issue_codes(store, community.id, 1)[0]}")
    assert app.dots is not None and store.joined_count(wid) == 1
    assert store.points_credits(community.id) == []
