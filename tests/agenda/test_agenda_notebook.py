"""The agenda notebook runs headless, top to bottom, on the demo database with proposals,
supports, an adopted item and a published version."""

import json

from notebooks import WIDGET, execute, widget_values

AMPERSAND = 'Bike racks & "smart" lockers'


def seed(store, community_id):
    from workbench import settings
    from workbench.agenda import decisions, grouping, scoring, workflow
    from workbench.layers.community import load_community
    from workbench.participation.codes import hash_code, issue_codes, normalise_code
    from workbench.proposals.rules import validate_proposal

    community = load_community(settings.get("layers_dir"))
    space = sorted(community.public_spaces)[0]
    titles = ("银杏口袋公园加装遮阳棚", "银杏口袋公园加个遮阳棚", AMPERSAND)
    for title in titles:
        store.add_proposal(community_id, validate_proposal(
            {"title": title, "description": "", "scenario": "health",
             "public_space_id": space}, community))
    salt = store.code_salt(community_id)
    codes = [store.active_code_id(community_id, hash_code(normalise_code(c), salt))
             for c in issue_codes(store, community_id, 3)]
    first = store.list_proposals(community_id)[-1]["id"]
    for code in codes:
        store.set_support(first, code, True)
    workflow.regroup(store, community_id, place_names=grouping.place_names(community))
    item = next(i for i in store.agenda_items(community_id) if first in i["proposal_ids"])
    store.decide(item["id"], decisions.validate_decision(
        {"decision": "adopt", "owner": "steward", "reason": "支持者多"}))
    workflow.publish(store, community, scoring.DEFAULT_WEIGHTS, "居委会")


def test_agenda_notebook_executes(tmp_path):
    from workbench.demo import init
    from workbench.store import Store

    result = init()
    seed(Store(), result["community"])
    nb, outputs = execute("agenda.ipynb", tmp_path)
    assert sum(WIDGET in o.get("data", {}) for o in outputs) >= 1
    html = widget_values(nb)
    # the tables and the downloads are part of the tool, not cells to run again
    titles = json.dumps(nb.metadata["widgets"], ensure_ascii=False)
    assert "排序（当前权重下每部分的值和贡献）" in titles and "每个事项的依据" in titles
    assert 'download="agenda-v1.html"' in html and 'download="agenda-v1.docx"' in html
    assert "银杏口袋公园加装遮阳棚" in html and "采纳" in html   # the list, in Chinese
    assert "v1" in html                                          # the published version
    assert "Bike racks &amp; &quot;smart&quot; lockers" in html and AMPERSAND not in html
