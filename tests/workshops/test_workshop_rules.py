"""Workshops: the rules and the store — joining, dot wallets that never overspend (also with
many threads at once), results and the record."""

import pytest

from communities import INSIDE_OPEN
from stores import in_threads, store_on_both_databases  # noqa: F401 (both databases)
from workbench.workshops import rules as workshop
from residents import code_ids
from workbench.proposals.rules import Proposal




def test_tokens_are_checked_and_never_stored(store):
    wid, token = workshop.open_workshop(store, "test", "社区会议", 3)
    row = store.workshop(wid)
    assert token not in str(row) and workshop.token_matches(token, row["facilitator_hash"])
    for wrong in ("", None, token[:-1] + ("A" if token[-1] != "A" else "B"), "x" * 1000, 5):
        assert not workshop.token_matches(wrong, row["facilitator_hash"])
    links = workshop.links("http://host:8866", "http://host:8867/", wid, token)
    assert links["resident"] == f"http://host:8866/?workshop={wid}"
    assert links["screen"].startswith("http://host:8867/?workshop=") and token in links["screen"]


@pytest.mark.parametrize("title, dots", [("", 3), ("<b>x</b>", 3), ("ok", 0), ("ok", 21),
                                         ("ok", True), ("x" * 500, 3)])
def test_bad_workshops_are_refused(store, title, dots):
    with pytest.raises(workshop.WorkshopInvalid):
        workshop.open_workshop(store, "test", title, dots)


def test_joins_count_pages_once(store):
    wid, _ = workshop.open_workshop(store, "test", "会议", 3)
    assert store.join_workshop(wid, "device-a") and not store.join_workshop(wid, "device-a")
    assert store.join_workshop(wid, "device-b")
    assert store.joined_count(wid) == 2


def test_a_code_never_spends_more_than_its_dots_even_at_once(store):
    wid, _ = workshop.open_workshop(store, "test", "会议", 3)
    a, b = code_ids(store, 2)
    options = workshop.validate_shortlist([{"kind": "proposal", "id": 1, "title": "长椅"},
                                           {"kind": "proposal", "id": 2, "title": "遮阳"}])
    rid = store.open_dot_round(wid, "第一轮", options, 3)
    assert store.dots_left(rid, a) == 3
    errors = in_threads(store.url, lambda s, n: s.spend_dot(rid, a, n % 2), 8)
    assert errors == []
    assert sum(store.dot_tally(rid, a).values()) == 3 and store.dots_left(rid, a) == 0
    assert store.spend_dot(rid, a, 0) is None  # the fourth is refused
    assert store.spend_dot(rid, b, 1) == 2
    assert store.spend_dot(rid, b, 7) is None  # no such option
    result = workshop.round_result(store.dot_round(rid), store.dot_tally(rid))
    assert result["total_dots"] == 4 and sum(o["dots"] for o in result["options"]) == 4
    store.close_dot_round(rid, result)
    assert store.spend_dot(rid, b, 1) is None  # closed
    assert store.dot_round(rid)["result"]["total_dots"] == 4


def test_shortlists_are_checked():
    for bad in ([], [{"kind": "item", "id": 1}], [{"kind": "x", "id": 1}, {"kind": "x", "id": 2}],
                [{"kind": "item", "id": 1}, {"kind": "item", "id": 1}],
                [{"kind": "item", "id": i} for i in range(13)], "items"):
        with pytest.raises(workshop.WorkshopInvalid):
            workshop.validate_shortlist(bad)


def test_the_record_keeps_counts_proposals_and_results(store):
    wid, _ = workshop.open_workshop(store, "test", "会议", 2)
    store.join_workshop(wid, "device-a")
    receipt = store.add_proposal("test", Proposal("加长椅", "", "health", *INSIDE_OPEN),
                                 workshop_id=wid)
    store.add_proposal("test", Proposal("not at the workshop", "", "health", *INSIDE_OPEN))
    assert [p["title"] for p in store.workshop_proposals(wid)] == ["加长椅"]
    pid = store.proposal_by_receipt(receipt)["id"]
    (a,) = code_ids(store, 1)
    rid = store.open_dot_round(wid, "r", [{"kind": "proposal", "id": pid, "title": "加长椅"},
                                          {"kind": "proposal", "id": pid + 1, "title": "x"}], 2)
    store.spend_dot(rid, a, 0)
    record = workshop.workshop_record(store, store.workshop(wid))
    assert record["joined"] == 1 and record["proposals"][0]["title"] == "加长椅"
    assert record["rounds"][0]["options"][0]["dots"] == 1
    store.close_workshop(wid, record, b"\x89PNG")
    closed = store.workshop(wid)
    assert closed["status"] == "closed" and closed["record"]["joined"] == 1
    assert store.workshop_map_png(wid) == b"\x89PNG"
    assert store.open_round_of(wid) is None and not store.join_workshop(wid, "device-z")
