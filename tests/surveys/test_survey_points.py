"""A survey answered with a participation code earns the rule file's points once, waiting
for review, however often it is answered again; without a rule file it is saved all the
same and earns nothing. An anonymous survey earns nothing (its answers stay unlinked)."""

from __future__ import annotations

import pytest

from samples import SURVEY, generate_responses
from workbench.page.resident import ResidentApp
from workbench.participation.codes import issue_codes


def answered(app, community, anonymous: bool, version: str):
    """The survey published (anonymous or per participant), opened on ``app`` and answered
    through its widgets; the form."""
    definition = dict(SURVEY.model_dump(mode="json", by_alias=True), anonymous=anonymous)
    app.store.publish_survey(SURVEY.id, version, definition)
    app.refresh()
    form = app.open_survey(SURVEY.id)
    (answers,) = generate_responses(SURVEY, 1, community)
    for qid, block in form.blocks.items():
        block.set_value(answers.get(qid))
    return form


@pytest.fixture
def app(community, store):
    app = ResidentApp(community, store, lang="en")
    assert app.use_code(issue_codes(store, community.id, 1)[0])
    return app


def test_answering_with_a_code_earns_once(app, community, store):
    form = answered(app, community, anonymous=False, version="v-named")
    for _ in range(3):  # saved, then edited and saved again
        assert form.save()
    (credit,) = store.points_credits(community.id)
    assert credit["code_id"] == app.code_id and credit["status"] == "pending"
    assert credit["event_key"] == f"survey_completed:{SURVEY.id}:{app.code_id}"
    # a new version of the same survey is the same survey: no second credit
    again = answered(app, community, anonymous=False, version="v-named-2")
    assert again.save() and len(store.points_credits(community.id)) == 1


def test_a_code_revoked_while_the_form_is_open_earns_nothing(app, community, store):
    form = answered(app, community, anonymous=False, version="v-named")
    assert store.revoke_code(app.code_id)   # the slip was reported lost meanwhile
    receipt = form.save()
    assert receipt and receipt in form.receipt_html.value   # the answers are kept
    assert store.points_credits(community.id) == []


def test_an_anonymous_survey_earns_nothing(app, community, store):
    assert answered(app, community, anonymous=True, version="v-anon").save()
    assert store.points_credits(community.id) == []


def test_without_a_rule_file_the_answers_are_saved(app, community, store, tmp_path,
                                                  monkeypatch):
    monkeypatch.setenv("WORKBENCH_POINTS_RULES", str(tmp_path / "no-rules.yaml"))
    form = answered(app, community, anonymous=False, version="v-named")
    receipt = form.save()
    assert receipt and receipt in form.receipt_html.value
    assert store.response_of(form.version_id, f"code-{app.code_id}") is not None
    assert store.points_credits(community.id) == []
