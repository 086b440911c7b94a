"""The points of a proposal adopted into the agenda, from a real published version: each
proposal of an adopted item credits its author's code once, however often the agenda is
published again; a deferred item's proposals earn nothing.

Proposals keep no author's participation code yet (a resident proposes without one), so
publishing cannot find the authors itself: the authors are given here as the code that
records them would give them."""

from __future__ import annotations

from residents import code_ids, propose

from workbench.agenda import decisions, scoring, workflow
from workbench.points.hooks import earn_for_adopted


def published(store, community) -> tuple[dict, dict]:
    """Two proposals grouped into an adopted item, one into a deferred one, published; the
    newest version and the proposals' authors (proposal id: code id)."""
    benches = [propose(store, "公园里多放些长椅", "老人需要休息的长椅"),
               propose(store, "公园加几张长椅", "希望多放长椅给老人休息")]
    lockers = propose(store, "东门设快递柜", "快递堆在门卫室", space=None, scenario="service")
    workflow.regroup(store, community.id)
    for item in store.agenda_items(community.id):
        raw = ({"decision": "adopt", "owner": "residents_committee"}
               if benches[0] in item["proposal_ids"]
               else {"decision": "defer", "reason": "等物业合同续签"})
        store.decide(item["id"], decisions.validate_decision(raw))
    workflow.publish(store, community, scoring.DEFAULT_WEIGHTS, "居委会")
    authors = dict(zip([*benches, lockers], code_ids(store, 3)))
    return store.agenda_version(community.id), authors


def test_each_adopted_proposal_credits_its_author_once(store, community):
    version, authors = published(store, community)
    assert earn_for_adopted(store, community.id, version, authors) == 2
    workflow.publish(store, community, scoring.DEFAULT_WEIGHTS, "居委会")  # published again
    again = store.agenda_version(community.id)
    assert again["version"] == 2
    assert earn_for_adopted(store, community.id, again, authors) == 0
    credits = store.points_credits(community.id)
    adopted = sorted(pid for pid, _ in list(authors.items())[:2])
    assert sorted(c["event_key"] for c in credits) == sorted(
        f"proposal_adopted:{pid}:{authors[pid]}" for pid in adopted)
    assert {c["points"] for c in credits} == {20}

