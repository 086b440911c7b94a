"""Dot voting on the resident page in a workshop, through the widgets."""

import pytest

from communities import INSIDE_OPEN
from workbench.workshops import rules as workshop
from workbench.participation.codes import issue_codes
from workbench.page.resident import ResidentApp


@pytest.fixture
def setup(store):
    wid, _ = workshop.open_workshop(store, "test", "会议", 2)
    codes = issue_codes(store, "test", 2)
    return wid, codes


def test_a_phone_joins_and_its_proposals_are_tagged(community, store, setup):
    wid, _ = setup
    app = ResidentApp(community, store, lang="en")
    app.start(f"lang=en&workshop={wid}")
    assert store.joined_count(wid) == 1 and app.dots is not None
    assert "When the facilitator opens a vote" in app.dots.heading.value
    app.title_input.value = "Benches"
    app.scenario_input.value = "health"
    app.place_at(*INSIDE_OPEN)
    app.submit_proposal()
    assert [p["title"] for p in store.workshop_proposals(wid)] == ["Benches"]


@pytest.mark.parametrize("value", ["999", "abc", "1; DROP TABLE", "-1", "9" * 30])
def test_unknown_or_bad_workshops_are_ignored(community, store, value):
    app = ResidentApp(community, store, lang="en")
    app.start(f"workshop={value}")
    assert app.dots is None and app.workshop_id is None


def test_dots_need_a_code_and_stop_at_n(community, store, setup):
    wid, codes = setup
    rid = store.open_dot_round(wid, "Round 1", [{"kind": "proposal", "id": 1, "title": "A"},
                                                {"kind": "proposal", "id": 2,
                                                 "title": "<b>B</b>"}], 2)
    app = ResidentApp(community, store, lang="en")
    app.start(f"lang=en&workshop={wid}")
    d = app.dots
    d.limiter.min_interval = 0
    assert "Round 1" in d.heading.value and "&lt;b&gt;B&lt;/b&gt;" in d.options_box.children[1]\
        .children[0].value
    assert not d.spend(0) and "participation code" in d.status.value
    app.use_code(codes[0])
    assert d.spend(0) and d.spend(1)
    assert not d.spend(0) and "spent all 2" in d.status.value
    assert store.dot_tally(rid) == {0: 1, 1: 1}
    assert "0 dots left" in d.left_html.value
    store.close_dot_round(rid, {})
    other = ResidentApp(community, store, lang="en")
    other.start(f"workshop={wid}&code={codes[1]}")
    assert other.dots.round is None  # closed: nothing to spend on
