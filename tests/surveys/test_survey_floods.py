"""New survey responses are held per client across pages (an anonymous survey's respondent
is the page, so every fresh page could add a response): over the limit nothing is written
and the page says so beside the Submit button, in the resident's language, keeping what was
filled in. Answering again edits a response and is never held. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from samples import SURVEY, generate_responses
from stores import store_on_both_databases  # noqa: F401 - the store fixture, both databases
from workbench.page.resident import ResidentApp
from workbench.participation.floods import CLIENT_ENV, FloodLimited
from workbench.surveys.tables import survey_responses

A, B = "a" * 32, "b" * 32  # two clients' keys, as the resident server makes them


@pytest.fixture
def version_id(store, community):
    definition = SURVEY.model_dump(mode="json", by_alias=True)
    return store.publish_survey(SURVEY.id, "v1", definition, community.id)


@pytest.fixture
def answers(community):
    return generate_responses(SURVEY, 1, community)[0]


def rows(store):
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(survey_responses.select())]


def test_new_responses_per_client_across_pages(store, version_id, answers, monkeypatch):
    monkeypatch.setenv("WORKBENCH_FLOOD_SURVEY_RESPONSES_PER_CLIENT", "2/10min")
    for page in ("page-1", "page-2"):
        store.save_response(version_id, page, answers, client=A)
    with pytest.raises(FloodLimited) as refused:
        store.save_response(version_id, "page-3", answers, client=A)
    assert refused.value.message == ("flood.client.survey_response", {})
    assert len(rows(store)) == 2 and store.draft_of(version_id, "page-3") is None
    # answering again is an edit, not a new response: never held
    store.save_response(version_id, "page-1", dict(answers), client=A)
    store.save_response(version_id, "page-3", answers, client=B)   # another address
    store.save_response(version_id, "page-4", answers)             # no client: a planner
    assert sorted((r["respondent"], r["client_key"]) for r in rows(store)) == [
        ("page-1", A), ("page-2", A), ("page-3", B), ("page-4", None)]


def test_a_refused_response_keeps_the_draft(store, version_id, answers, monkeypatch):
    monkeypatch.setenv("WORKBENCH_FLOOD_SURVEY_RESPONSES_PER_CLIENT", "1/day")
    store.save_response(version_id, "page-1", answers, client=A)
    store.save_draft(version_id, "page-2", answers)
    with pytest.raises(FloodLimited):
        store.save_response(version_id, "page-2", answers, client=A)
    assert store.draft_of(version_id, "page-2") == answers


def test_old_client_keys_of_responses_are_forgotten(store, version_id, answers):
    store.save_response(version_id, "page-1", answers, client=A)
    assert store.forget_client_keys(datetime.now(timezone.utc) - timedelta(days=1)) == 0
    assert store.forget_client_keys(datetime.now(timezone.utc) + timedelta(seconds=1)) == 1
    assert [r["client_key"] for r in rows(store)] == [None]


@pytest.mark.parametrize("lang, words", [("en", "Too many survey answers"),
                                         ("zh", "问卷回答过多")])
def test_the_page_says_so_beside_submit_and_keeps_the_answers(
        store, community, version_id, answers, monkeypatch, lang, words):
    monkeypatch.setenv("WORKBENCH_FLOOD_SURVEY_RESPONSES_PER_CLIENT", "1/10min")
    monkeypatch.setenv(CLIENT_ENV, A)   # what the resident server hands each page's kernel
    receipts = []
    for _ in range(2):                   # two fresh pages of one phone or one Wi-Fi
        app = ResidentApp(community, store, lang=lang)
        app.refresh()
        form = app.open_survey(SURVEY.id)
        for qid, block in form.blocks.items():
            block.set_value(answers.get(qid))
        receipts.append(form.save())
    assert receipts[0] and receipts[1] is None
    assert words in form.message.value and form.receipt_html.value == ""
    kept = {qid: value for qid, value in form.answers().items() if value is not None}
    assert len(kept) >= 3                                           # still in the form
    draft = store.draft_of(version_id, form.respondent)             # and kept for a reload
    assert draft and sum(value is not None for value in draft.values()) >= 3
    assert len(rows(store)) == 1
