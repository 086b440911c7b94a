"""The deliberation notebook runs headless, top to bottom, on the demo database with a seeded
topic (votes generated from a fixed seed) and a reported proposal."""

import nbformat
from nbclient import NotebookClient

from servers import PROJECT_DIR
from topic_votes import seed_topic

WIDGET = "application/vnd.jupyter.widget-view+json"


def test_deliberation_notebook_executes(tmp_path):
    from workbench.demo import init
    from workbench.store import Store

    result = init()
    store = Store()
    topic_id = seed_topic(store, result["community"])
    proposal = store.list_proposals(result["community"])[0]["id"]
    store.add_report(result["community"], "proposal", proposal, "<b>广告</b>", "device-1")

    nb = nbformat.read(PROJECT_DIR / "notebooks" / "deliberation.ipynb", as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    outputs = [o for c in code for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"
                and "Traceback" in o.text]
    # the queue, the panel and the groups view are widgets
    assert sum(WIDGET in o.get("data", {}) for o in outputs) >= 3
    # the opinion map came out as a figure
    assert any("image/png" in o.get("data", {}) for o in outputs)
    text = "".join(str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert "口袋公园晚上十点后要安静" in text  # the statements table
    # the groups view saw the seeded topic (the newest, chosen by the panel) and found groups
    states = nb.metadata.get("widgets", {}).get(
        "application/vnd.jupyter.widget-state+json", {}).get("state", {})
    html = " ".join(str(s.get("state", {}).get("value", "")) for s in states.values())
    assert "群体 A" in html and "群体 B" in html
    assert "&lt;b&gt;广告&lt;/b&gt;" in html and "<b>广告</b>" not in html
    assert topic_id
