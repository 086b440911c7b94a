"""The issue's flood, against the real resident server: proposals from fresh pages of one
client (each page its own kernel, preheated or not) are held to the limit counted in the
database; the kernel learns its client as a keyed hash made by the server, whatever the
client claims."""

import re

import pytest

from workbench.layers.community import load_community
from workbench.participation.floods import CLIENT_HEADER, CLIENT_KEY
from workbench.proposals.tables import proposals
from workbench.store import Store
from workbench.widget_client import WidgetClient

from servers import DEMO_LAYERS, VoilaServer

pytestmark = pytest.mark.server

LIMIT = 3
RECEIPT = re.compile(r"class='wb-code'>[A-Z0-9-]+<")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = VoilaServer(tmp_path_factory.mktemp("flood-home"), extra_env={
        "WORKBENCH_FLOOD_PROPOSALS_PER_CLIENT": f"{LIMIT}/10min"}).start()
    yield server
    server.stop()


def propose_on_a_fresh_page(server, title, headers=None) -> list[str]:
    """Open a new page (a new kernel), submit one proposal; the page's messages."""
    with WidgetClient(server.url + "?lang=en", headers=headers) as page:
        lon, lat = load_community(DEMO_LAYERS).public_space_location("PS02")
        page.tap_map(lon, lat)
        page.set(page.find("TextModel", description="Title"), value=title)
        scenario = page.find("DropdownModel", description="Scenario")
        page.set(scenario, index=page.states[scenario]["_options_labels"].index("Health"))
        page.click(page.find("ButtonModel", description="Submit proposal"))
        return [str(s.get("value")) for s in page.states.values()
                if RECEIPT.search(str(s.get("value", "")))
                or "wb-error" in s.get("_dom_classes", [])]


def stored(server) -> list[dict]:
    store = Store(server.database_url)
    try:
        with store.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(
                proposals.select().order_by(proposals.c.id))]
    finally:
        store.dispose()


def test_fresh_pages_of_one_client_are_held_to_the_limit_across_pages(server):
    # the second claims to be another client in the server's own header: it is replaced
    for n in range(LIMIT):
        headers = {CLIENT_HEADER: "f" * 32} if n == 1 else None
        said = " ".join(propose_on_a_fresh_page(server, f"Fountain {n}", headers))
        assert RECEIPT.search(said), said
    said = " ".join(propose_on_a_fresh_page(server, "Flood"))
    assert "from your network in a short time" in said and not RECEIPT.search(said)
    rows = [r for r in stored(server) if r["client_key"]]  # not the demo's own
    assert [r["title"] for r in rows] == [f"Fountain {n}" for n in range(LIMIT)]
    keys = {r["client_key"] for r in rows}
    assert len(keys) == 1 and CLIENT_KEY.fullmatch(keys.pop()) and "f" * 32 not in keys
    # another client (a proxy's X-Forwarded-For is believed only from a trusted proxy)
    said = " ".join(propose_on_a_fresh_page(server, "Other", {"X-Forwarded-For": "203.0.113.9"}))
    assert "from your network" in said  # not trusted here: the same client
