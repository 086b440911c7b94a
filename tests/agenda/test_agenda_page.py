"""The published agenda on the resident page and "what happened to my proposal", driven
through the widgets."""

import pytest

from communities import INSIDE_OPEN, INSIDE_P1
from workbench.agenda import decisions, scoring, workflow
from workbench.participation.codes import hash_code, issue_codes, normalise_code
from workbench.proposals.rules import Proposal
from workbench.page.resident import ResidentApp


@pytest.fixture
def published(store, community):
    """Two proposals grouped into an adopted item with progress, one declined, one not on
    the agenda; a code that supported the first."""
    receipts = [store.add_proposal("test", Proposal(t, d, s, *at, public_space_id=sp))
                for t, d, s, at, sp in [
                    ("More benches in the park", "benches for older people", "health",
                     INSIDE_P1, "P1"),
                    ("Benches in the park please", "older people need benches", "health",
                     INSIDE_P1, "P1"),
                    ("<img src=x onerror=alert(1)> parking", "", "transport", INSIDE_OPEN,
                     None),
                    ("Later idea", "", "education", INSIDE_OPEN, None)]]
    ids = [store.proposal_by_receipt(r)["id"] for r in receipts]
    code = issue_codes(store, "test", 1)[0]
    code_id = store.active_code_id("test", hash_code(normalise_code(code),
                                                     store.code_salt("test")))
    store.set_support(ids[0], code_id, True)
    workflow.regroup(store, "test")
    items = {p: i for i in store.agenda_items("test") for p in i["proposal_ids"]}
    store.decide(items[ids[0]]["id"], decisions.validate_decision(
        {"decision": "adopt", "owner": "steward", "reason": "Many asked for it",
         "target_date": "2027-05-01"}))
    store.add_update(items[ids[0]]["id"], "in_progress", 60, "Benches <ordered>", "staff")
    store.decide(items[ids[2]]["id"], decisions.validate_decision(
        {"decision": "decline", "reason": "The road is not the community's"}))
    store.set_official_answer(ids[2], "Passed to the district & the police")
    workflow.publish(store, community, scoring.DEFAULT_WEIGHTS, "committee")
    later = store.add_proposal("test", Proposal("Even later idea", "", "education",
                                                *INSIDE_OPEN))
    return {"receipts": receipts, "ids": ids, "code": code, "later": later}


def test_the_agenda_shows_decisions_status_and_history(community, store, published):
    app = ResidentApp(community, store, lang="en")
    a = app.agenda_section
    html = a.items_html.value
    assert "Version 1" in a.heading.value
    assert "Adopted" in html and "In progress · 60%" in html and "Declined" in html
    assert "Benches &lt;ordered&gt;" in html  # resident-visible text is escaped
    assert "&lt;img src=x onerror=alert(1)&gt; parking" in html and "<img" not in html
    assert "Later idea" not in html  # undecided: not on the agenda
    assert len(app.map.agenda.data["features"]) == 2
    app.set_language("zh")
    assert "采纳" in a.items_html.value and "进行中" in a.items_html.value


def test_looking_up_by_receipt_code(community, store, published):
    app = ResidentApp(community, store, lang="en")
    a = app.agenda_section
    a.lookup_input.value = published["receipts"][1].lower().replace("-", " ")
    a.lookup_button.click()
    assert "Benches in the park please" in a.result.value
    assert "Adopted" in a.result.value and "Many asked for it" in a.result.value
    assert a.look_up(published["receipts"][2])
    assert "Declined" in a.result.value and "Passed to the district &amp; the police" \
        in a.result.value
    assert a.look_up(published["later"]) and "not on a published agenda yet" in a.result.value
    assert "Your proposal" in a.result.value
    assert not a.look_up("ZZZZ-ZZZZ")
    assert "No proposal has this receipt code" in a.lookup_error.value and not a.result.value
    assert not a.look_up("<script>") and not a.look_up("x" * 10_000)


def test_looking_up_by_participation_code_and_guessing_is_limited(community, store,
                                                                   published):
    app = ResidentApp(community, store, lang="en")
    a = app.agenda_section
    assert a.look_up(published["code"])
    assert "More benches in the park" in a.result.value and "Adopted" in a.result.value
    # supported, not written, by this code: not called "your proposal"
    assert "A proposal you supported" in a.result.value and "Your proposal" not in a.result.value
    for _ in range(5):
        a.look_up("AAAA-AAAA")
    assert not a.look_up(published["receipts"][0])
    assert "too many" in a.lookup_error.value.lower()


def test_no_agenda_yet(community, store):
    app = ResidentApp(community, store, lang="en")
    assert "No agenda has been published yet" in app.agenda_section.items_html.value
