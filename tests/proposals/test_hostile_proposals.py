"""Proposals given what a hostile client can send (property-based, hypothesis): the rules
answer every value with a clean proposal or messages beside known fields; the resident page,
driven through its widgets as any websocket client can, never raises, and a refused proposal
writes nothing while an accepted one is written once."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from communities import INSIDE_OPEN, INSIDE_P1, OUTSIDE
from hostile import (coordinates, json_values, message_keys, module_tally, small_community,
                     sqlite_store, texts)
from workbench import settings
from workbench.proposals.rules import ProposalInvalid, validate_proposal

FIELDS = {"title", "description", "scenario", "location", "name"}
KEYS = message_keys()


tally = module_tally(
    "hostile_proposals", "Hostile input: proposals",
    "Any JSON value in every field of a proposal, taps at any coordinates, through the rules "
    "and through the resident page's widgets with a real SQLite store.")


@pytest.fixture(scope="module")
def community(tmp_path_factory):
    return small_community(tmp_path_factory)


@pytest.fixture(scope="module")
def app_and_store(tmp_path_factory, community):
    from workbench.page.resident import ResidentApp

    with sqlite_store(tmp_path_factory, community) as store:
        yield ResidentApp(community, store, lang="zh"), store


places = st.one_of(st.sampled_from([INSIDE_P1, INSIDE_OPEN, OUTSIDE]).map(list), coordinates)
raw_proposals = st.fixed_dictionaries({}, optional={
    "title": st.one_of(texts, json_values), "description": st.one_of(texts, json_values),
    "scenario": st.one_of(st.sampled_from(["health", "education", "culture"]), json_values),
    "name": st.one_of(texts, json_values),
    "public_space_id": st.one_of(st.sampled_from(["P1", "P3", "P9", ""]), json_values),
    "lon": json_values, "lat": json_values})


@given(raw=raw_proposals, place=places)
def test_the_rules_answer_any_value_with_a_proposal_or_messages(community, tally, raw, place):
    if isinstance(place, list) and len(place) == 2 and "lon" not in raw:
        raw = {**raw, "lon": place[0], "lat": place[1]}
    try:
        proposal = validate_proposal(raw, community)
    except ProposalInvalid as invalid:
        assert invalid.errors and set(invalid.errors) <= FIELDS
        assert {key for key, _ in invalid.errors.values()} <= KEYS
        tally.tried_one("rules: proposal", False)
        return
    tally.tried_one("rules: proposal", True)
    assert 0 < len(proposal.title) <= settings.get("title_max_chars")
    assert proposal.title == proposal.title.strip()
    assert math.isfinite(proposal.lon) and math.isfinite(proposal.lat)
    assert community.contains(proposal.lon, proposal.lat)
    assert proposal.public_space_id in (None, *community.public_spaces)


@pytest.fixture(scope="module")
def failures():
    """ERROR records of the server's log: a callback that raised (the page's guard logs it
    and shows a polite message, so only the log tells)."""
    import logging

    from workbench.page.safety import server_log

    class Kept(logging.Handler):
        def __init__(self):
            super().__init__(logging.ERROR)
            self.records = []

        def emit(self, record):
            self.records.append(record)

    kept = Kept()
    server_log().addHandler(kept)
    yield kept.records
    server_log().removeHandler(kept)


@given(title=texts, description=texts, scenario=st.sampled_from(["health", "education"]),
       tap=places)
def test_the_page_never_raises_and_writes_a_proposal_once_or_not_at_all(
        app_and_store, failures, tally, title, description, scenario, tap):
    app, store = app_and_store
    failures.clear()
    app.title_input.value = title
    app.description_input.value = description
    app.scenario_input.value = scenario
    # a tap as the map widget receives it from a client, with whatever the client put in it
    app.map.widget.handle_message({"event": "interaction", "type": "click", "coordinates": tap})
    before = store.count_proposals("test")
    code = app.submit_proposal()
    after = store.count_proposals("test")
    tally.tried_one("page: tap and submit a proposal", code is not None)
    assert not failures, failures[0].getMessage()
    assert after == before + (code is not None)
    if code is not None:
        assert store.proposal_by_receipt(code)["title"] == title.strip()
        assert app.title_input.value == ""
        for shown in (app.receipt.value, app.list_text()):
            assert "<script" not in shown.lower() and "onerror=" not in shown.lower()
