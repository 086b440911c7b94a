"""The resident page driven over the kernel websocket by a plain Python client, as any program
can: limits must hold in the callbacks, and nothing from the server's insides may come back."""

import json
import re

import pytest

from workbench._kernel_manager import REPLACEMENT
from workbench.layers.community import load_community
from workbench.store import Store
from workbench.widget_client import WidgetClient

from servers import DEMO_LAYERS

pytestmark = pytest.mark.server


@pytest.fixture
def page(voila_server):
    client = WidgetClient(voila_server.url + "?lang=en").open()
    yield client
    client.close()


def form(client):
    return {
        "title": client.find("TextModel", description="Title"),
        "description": client.find("TextareaModel", description="Description"),
        "scenario": client.find("DropdownModel", description="Scenario"),
        "submit": client.find("ButtonModel", description="Submit proposal"),
    }


def errors(client):
    return [client.states[m]["value"] for m in client.find_class("wb-error")
            if client.states[m].get("value")]


def count(server):
    store = Store(server.database_url)
    try:
        return store.count_proposals()
    finally:
        store.dispose()


def test_a_huge_title_fired_fifty_times_saves_nothing(voila_server, page):
    before = count(voila_server)
    f = form(page)
    page.set(f["title"], value="x" * 100_000)
    for _ in range(50):
        page.click(f["submit"], wait=False)
    page.drain(3)
    assert count(voila_server) == before
    assert any("Too long: at most 60 characters, this has 100000." in e for e in errors(page))


def test_a_protocol_client_can_submit_like_a_page(voila_server, page):
    f = form(page)
    lon, lat = load_community(DEMO_LAYERS).public_space_location("PS02")
    page.tap_map(lon, lat)
    page.set(f["title"], value="Drinking fountain")
    page.set(f["description"], value="Near the courts")
    options = page.states[f["scenario"]]["_options_labels"]
    page.set(f["scenario"], index=options.index("Health"))
    page.click(f["submit"])
    codes = [m.group(1) for s in page.states.values()
             if (m := re.search(r"class='wb-code'>([A-Z0-9-]+)<", str(s.get("value", ""))))]
    assert codes, errors(page)
    code = codes[0]
    store = Store(voila_server.database_url)
    row = store.proposal_by_receipt(code)
    store.dispose()
    assert row["title"] == "Drinking fountain" and row["public_space_id"] == "PS02"


def test_submissions_per_page_are_limited(voila_server, page):
    f = form(page)
    lon, lat = load_community(DEMO_LAYERS).public_space_location("PS03")
    before = count(voila_server)
    another = page.find("ButtonModel", description="Make another proposal")
    for i in range(15):
        page.tap_map(lon, lat)
        page.set(f["title"], value=f"Idea {i}")
        page.set(f["scenario"], index=2)
        page.click(f["submit"])
        page.click(another)
    assert count(voila_server) - before == 10  # WORKBENCH_SUBMISSIONS_PER_PAGE's default
    assert any("limit" in e for e in errors(page))


def test_bad_messages_bring_back_no_traceback(voila_server, page):
    f = form(page)
    # a control comm of the wrong version, a message to no comm, an impossible index
    page._send("comm_open", {"comm_id": "x" * 32, "target_name": "jupyter.widget.control",
                             "data": {}})
    page._send("comm_msg", {"comm_id": "0" * 32, "data": {"method": "update", "state": {}}})
    page.set(f["scenario"], index=999)
    page.set(f["title"], value={"not": "a string"})
    page.click(f["submit"])
    page.drain(2)
    sent_back = json.dumps([m["content"] for m in page.received])
    assert "Traceback" not in sent_back and "site-packages" not in sent_back
    assert not [m for m in page.received if m["header"]["msg_type"] == "stream"]
    # the kernel reports the bad values as errors, with the traceback replaced
    replies = [m["content"] for m in page.received if m["header"]["msg_type"] == "error"]
    assert replies and all(r["traceback"] == [REPLACEMENT] for r in replies)
    # and the page still works afterwards (a dropped error message used to stall it)
    page.set(f["title"], value="still here")
    assert page.states[f["title"]]["value"] == "still here"


def test_fifty_votes_in_a_second_and_a_hidden_statement(voila_server):
    """A script with a valid code fires 50 'agree' clicks at once: the page takes one vote per
    half second, the database one vote per code and statement; a statement hidden by the
    moderator after the page showed it takes no vote."""
    from workbench.participation.codes import issue_codes

    store = Store(voila_server.database_url)
    try:
        code = issue_codes(store, "heguang", 1, batch="protocol")[0]
        topic = store.add_topic("heguang", "Protocol topic", "", ["only statement"])
        for other in store.topics("heguang", open_only=True):
            if other["id"] != topic:
                store.set_topic_status(other["id"], "closed")
        client = WidgetClient(f"{voila_server.url}?lang=en&code={code}").open()
        try:
            client.open_section("statement_voting")
            agree = client.find("ButtonModel", description="Agree")
            for _ in range(50):
                client.click(agree, wait=False)
            client.drain(3)
            frame = store.votes_frame(topic)
            assert len(frame) == 1 and frame.iloc[0]["vote"] == 1  # counted once
        finally:
            client.close()
        # a fresh page shows a second statement; the moderator hides it; the click is refused
        sid = store.add_statement(topic, "second statement", status="shown")
        client = WidgetClient(f"{voila_server.url}?lang=en&code={code}").open()
        try:
            client.open_section("statement_voting")
            assert any("second statement" in str(s.get("value", ""))
                       for s in client.states.values())
            store.moderate("heguang", "statement", sid, "hide", "off topic", "moderator")
            client.click(client.find("ButtonModel", description="Agree"))
            client.drain(1)
            assert len(store.votes_frame(topic)) == 1
            assert any("no longer takes votes" in str(s.get("value", ""))
                       for s in client.states.values())
        finally:
            client.close()
        for other in store.topics("heguang"):
            store.set_topic_status(other["id"], "open" if other["id"] != topic else "closed")
    finally:
        store.dispose()
