"""The deliberation notebook runs headless, top to bottom, on the demo database with a seeded
topic (votes generated from a fixed seed) and a reported proposal."""

from notebooks import WIDGET, execute, plain_text, widget_values
from topic_votes import seed_topic


def test_deliberation_notebook_executes(tmp_path):
    from workbench.demo import init
    from workbench.store import Store

    result = init()
    store = Store()
    topic_id = seed_topic(store, result["community"])
    proposal = store.list_proposals(result["community"])[0]["id"]
    store.add_report(result["community"], "proposal", proposal, "<b>广告</b>", "device-1")

    nb, outputs = execute("deliberation.ipynb", tmp_path)
    # the queue, the panel and the groups view are widgets
    assert sum(WIDGET in o.get("data", {}) for o in outputs) >= 3
    # the opinion map came out as a figure
    assert any("image/png" in o.get("data", {}) for o in outputs)
    text = plain_text(outputs)
    assert "口袋公园晚上十点后要安静" in text  # the statements table
    # the groups view saw the seeded topic (the newest, chosen by the panel) and found groups
    html = widget_values(nb)
    assert "群体 A" in html and "群体 B" in html
    assert "&lt;b&gt;广告&lt;/b&gt;" in html and "<b>广告</b>" not in html
    assert topic_id
