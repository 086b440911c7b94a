"""The points of a proposal adopted into the agenda, from a real publication: each proposal
of an adopted item made with a participation code credits that code once, however often the
agenda is published again; a deferred item's proposals, and a proposal made without a code,
earn nothing; a community without a points rule file publishes as before."""

from __future__ import annotations

from residents import code_ids, propose

from workbench.agenda import decisions, scoring, workflow


def publish_decided(store, community, authors: list[int | None]) -> list[int]:
    """Two proposals (by ``authors[0]``, ``authors[1]``) grouped into an adopted item, one
    (by ``authors[2]``) into a deferred one, published; the proposals' ids."""
    benches = [propose(store, "公园里多放些长椅", "老人需要休息的长椅", author=authors[0]),
               propose(store, "公园加几张长椅", "希望多放长椅给老人休息", author=authors[1])]
    lockers = propose(store, "东门设快递柜", "快递堆在门卫室", space=None, scenario="service",
                      author=authors[2])
    workflow.regroup(store, community.id)
    for item in store.agenda_items(community.id):
        raw = ({"decision": "adopt", "owner": "residents_committee"}
               if benches[0] in item["proposal_ids"]
               else {"decision": "defer", "reason": "等物业合同续签"})
        store.decide(item["id"], decisions.validate_decision(raw))
    workflow.publish(store, community, scoring.DEFAULT_WEIGHTS, "居委会")
    return [*benches, lockers]


def test_publishing_credits_each_adopted_proposals_author_once(store, community):
    first, second, third = code_ids(store, 3)
    benches_1, benches_2, _lockers = publish_decided(store, community, [first, None, third])
    workflow.publish(store, community, scoring.DEFAULT_WEIGHTS, "居委会")  # published again
    assert store.agenda_version(community.id)["version"] == 2
    credits = store.points_credits(community.id)
    # the adopted proposal made with a code earns; the one made without, and the deferred
    # item's, do not; publishing again adds nothing
    assert [c["event_key"] for c in credits] == [f"proposal_adopted:{benches_1}:{first}"]
    assert credits[0]["points"] == 20
    assert store.proposal_author_codes(community.id) == {benches_1: first, _lockers: third}
    assert benches_2 not in store.proposal_author_codes(community.id)


def test_without_a_rule_file_publishing_credits_nothing(store, community, tmp_path,
                                                        monkeypatch):
    monkeypatch.setenv("WORKBENCH_POINTS_RULES", str(tmp_path / "none.yaml"))
    codes = code_ids(store, 3)
    publish_decided(store, community, codes)
    assert store.agenda_version(community.id)["version"] == 1
    assert store.points_credits(community.id) == []


def test_the_author_code_is_never_public(store, community):
    (code,) = code_ids(store, 1)
    propose(store, "公园里多放些长椅", author=code)
    (shown,) = store.list_proposals(community.id)
    assert "author_code_id" not in shown


def test_a_proposal_sent_from_a_page_with_a_code_is_its_authors(store, community):
    from communities import INSIDE_OPEN
    from workbench.page.resident import ResidentApp
    from workbench.participation.codes import issue_codes

    with_code = ResidentApp(community, store, lang="en")
    assert with_code.use_code(issue_codes(store, community.id, 1)[0])
    without = ResidentApp(community, store, lang="en")
    receipts = []
    for app in (with_code, without):
        app.title_input.value, app.scenario_input.value = "More benches", "health"
        app.place_at(*INSIDE_OPEN)
        receipts.append(app.submit_proposal())
    ids = [store.proposal_by_receipt(r)["id"] for r in receipts]
    assert store.proposal_author_codes(community.id) == {ids[0]: with_code.code_id}


def test_a_reissued_code_stays_the_author(store, community):
    (code,) = code_ids(store, 1)
    proposal = propose(store, "公园里多放些长椅", author=code)
    (new,) = store.add_codes(community.id, ["reissued-hash"], replaces_id=code)
    assert store.proposal_author_codes(community.id) == {proposal: new}


def test_a_residents_access_request_lists_the_proposals_sent_with_their_code(store,
                                                                              community):
    (code,) = code_ids(store, 1)
    proposal = propose(store, "公园里多放些长椅", author=code)
    found = [row for row in store.contributions_of_code(code) if row["table"] == "proposals"]
    assert [row["id"] for row in found] == [proposal]
