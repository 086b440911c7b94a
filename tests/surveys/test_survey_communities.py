"""Surveys belong to the community they were published into: one database holding two
communities (a street's) shows each community's residents, planners and agenda its own
surveys and answers only; surveys published before surveys had a community are the one
community's on upgrade (or every community's, when the database holds several)."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import select

from communities import small_community_layers, write_community
from samples import SURVEY
from workbench.agenda.workflow import survey_evidence
from workbench.layers.community import load_community
from workbench.page.resident import ResidentApp
from workbench.surveys.tables import survey_versions

DEFINITION = SURVEY.model_dump(mode="json", by_alias=True)
OURS_ONLY = {**DEFINITION, "id": "ours_only"}


@pytest.fixture
def neighbour(tmp_path, store):
    layers = small_community_layers()
    layers["boundary"]["features"][0]["properties"]["id"] = "next-door"
    folder = write_community(tmp_path / "next-door", layers, {
        "id": "next-door", "name": {"zh": "隔壁社区", "en": "Next Door"},
        "center": [30.25, 120.2], "zoom": 17})
    community = load_community(folder)
    store.ensure_community(community)
    return community


def test_each_community_sees_its_own_surveys_and_answers(store, community, neighbour):
    ours = store.publish_survey(SURVEY.id, "v1", DEFINITION, community.id)
    store.publish_survey("ours_only", "v1", OURS_ONLY, community.id)
    theirs = store.publish_survey(SURVEY.id, "v1", DEFINITION, neighbour.id)
    assert ours != theirs  # the same file, published by both: one version each
    assert store.publish_survey(SURVEY.id, "v1", DEFINITION, neighbour.id) == theirs
    assert [s["survey_id"] for s in store.latest_survey_versions(community.id)] \
        == [SURVEY.id, "ours_only"]
    assert [(s["survey_id"], s["id"]) for s in store.latest_survey_versions(neighbour.id)] \
        == [(SURVEY.id, theirs)]
    store.save_response(theirs, "device-1", {"uses": "yes"})
    assert store.survey_responses(SURVEY.id, community.id) == []
    assert len(store.survey_responses(SURVEY.id, neighbour.id)) == 1


def test_the_resident_page_offers_only_the_communitys_surveys(store, community, neighbour):
    store.publish_survey("ours_only", "v1", OURS_ONLY, community.id)
    theirs = ResidentApp(neighbour, store, lang="en")
    theirs.start("lang=en")
    assert theirs.open_section("surveys").open_surveys == []
    ours = ResidentApp(community, store, lang="en")
    ours.start("lang=en")
    assert [s["survey_id"] for s in ours.open_section("surveys").open_surveys] == ["ours_only"]


def test_the_agenda_reads_only_its_communitys_answers(store, community, neighbour,
                                                      monkeypatch):
    store.publish_survey("ours_only", "v1", OURS_ONLY, community.id)
    theirs = store.publish_survey(SURVEY.id, "v1", DEFINITION, neighbour.id)
    store.save_response(theirs, "device-1", {"uses": "yes"})
    read: list[str] = []
    from workbench.surveys import results

    def evidence(survey, frame, lang):
        read.append(survey.id)
        return pd.DataFrame(), pd.DataFrame()
    monkeypatch.setattr(results, "agenda_evidence", evidence)
    survey_evidence(store, "en", community.id)
    assert read == []  # ours has no answers yet; theirs is not ours
    survey_evidence(store, "en", neighbour.id)
    assert read == [SURVEY.id]


def test_surveys_published_before_are_the_one_communitys_on_upgrade(store, community):
    store.downgrade("0019")
    with store.engine.begin() as conn:  # a survey of before, written as 0019 had it
        conn.exec_driver_sql(
            "INSERT INTO survey_versions (survey_id, version, definition, created_at) "
            "VALUES ('old', 'v0', '{}', '2026-11-01 00:00:00')")
    store.upgrade()
    with store.engine.connect() as conn:
        assert conn.execute(select(survey_versions.c.community_id)).scalars().all() \
            == [community.id]


def test_with_several_communities_surveys_of_before_are_everyones(store, community,
                                                                  neighbour):
    store.downgrade("0019")
    with store.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO survey_versions (survey_id, version, definition, created_at) "
            "VALUES ('old', 'v0', '{}', '2026-11-01 00:00:00')")
    store.upgrade()
    for someone in (community, neighbour):
        assert [s["survey_id"] for s in store.latest_survey_versions(someone.id)] == ["old"]
