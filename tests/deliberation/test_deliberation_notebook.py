"""The deliberation notebook runs headless, top to bottom, on the demo database with a seeded
topic (votes generated from a fixed seed) and a reported proposal; its files download."""

import base64
import io
import re
import zipfile

import pandas as pd

from notebooks import WIDGET, execute, widget_values
from topic_votes import seed_topic


def link_bytes(html: str) -> tuple[str, bytes]:
    name = re.search(r'download="([^"]+)"', html).group(1)
    return name, base64.b64decode(re.search(r'base64,([^"]+)"', html).group(1))


def test_deliberation_notebook_executes(tmp_path):
    from workbench.demo import init
    from workbench.store import Store

    result = init()
    store = Store()
    topic_id = seed_topic(store, result["community"])
    proposal = store.list_proposals(result["community"])[0]["id"]
    store.add_report(result["community"], "proposal", proposal, "<b>广告</b>", "device-1")

    nb, outputs = execute("deliberation.ipynb", tmp_path)
    assert sum(WIDGET in o.get("data", {}) for o in outputs) >= 1
    html = widget_values(nb)
    assert "口袋公园晚上十点后要安静" in html       # the statements of the newest topic
    assert "群体 A" in html and "群体 B" in html    # its opinion groups
    assert "&lt;b&gt;广告&lt;/b&gt;" in html and "<b>广告</b>" not in html
    assert f'download="polis-topic-{topic_id}.zip"' in html
    assert 'download="moderation-log-' in html


def test_moderation_log_and_polis_files_follow_the_panels():
    from workbench.deliberation.planner import DeliberationTools
    from workbench.demo import init
    from workbench.store import Store

    result = init()
    store = Store()
    topic_id = seed_topic(store, result["community"])
    proposal = store.list_proposals(result["community"])[0]["id"]
    store.add_report(result["community"], "proposal", proposal, "=HYPERLINK(1)", "device-1")
    tools = DeliberationTools.from_settings("王主任", "en", store=store)
    _name, data = link_bytes(tools.log_download.widget.value)
    assert len(pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")) == 0
    assert tools.queue.act("proposal", proposal, "hide", "=cmd|advert")
    name, data = link_bytes(tools.log_download.widget.value)
    log = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(log.columns)[:3] == ["Time", "Moderator", "Action"]
    assert log.iloc[0]["Action"] == "Hide" and log.iloc[0]["Moderator"] == "王主任"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", log.iloc[0]["Time"])
    assert not str(log.iloc[0]["Reason"]).startswith("=")   # no formula reaches Excel
    # in the community's time zone (Asia/Shanghai, UTC+8), in the file and on the panel
    from datetime import timedelta, timezone

    stored = store.moderation_log(result["community"])[-1]["created_at"]
    utc = stored if stored.tzinfo else stored.replace(tzinfo=timezone.utc)
    local = (utc.astimezone(timezone.utc) + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
    assert log.iloc[0]["Time"] == local and local in tools.queue.log_html.value
    name, data = link_bytes(tools.polis_download.widget.value)
    assert name == f"polis-topic-{topic_id}.zip"
    files = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "comments.csv" in files and "votes.csv" in files


def test_a_fresh_database_offers_files_without_errors():
    from workbench.deliberation.planner import DeliberationTools
    from workbench.demo import init
    from workbench.store import Store

    init()
    tools = DeliberationTools.from_settings("王主任", "zh", store=Store())
    assert "wb-error" not in tools.polis_download.widget.value
    assert "wb-error" not in tools.log_download.widget.value
    assert 'download="moderation-log-' in tools.log_download.widget.value
