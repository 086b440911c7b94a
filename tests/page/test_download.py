"""Files offered as links (a data: URL with the download attribute), numbers and dates for
people, and the language switch of the planners' tools."""

from __future__ import annotations

import base64
import re
from datetime import datetime, timezone

import ipywidgets as w
import pytest

from workbench.page import download, formats
from workbench.page.language import Bilingual


def test_link_carries_the_file_and_escapes_names():
    html = download.download_html("a,b\n1,2\n".encode(), '../"<x>".csv', "表 <b>", download.CSV)
    name = re.search(r'download="([^"]*)"', html).group(1)
    assert "/" not in name and "<" not in name and '"' not in name and name.endswith(".csv")
    assert "表 &lt;b&gt;" in html and "<b>" not in html
    payload = re.search(r"base64,([A-Za-z0-9+/=]+)\"", html).group(1)
    assert base64.b64decode(payload) == b"a,b\n1,2\n"
    assert download.safe_filename("") == "download"


def test_too_large_and_failing_files_say_so():
    big = download.DownloadLink("Log", "log.csv", download.CSV,
                                lambda: b"x" * (download.MAX_BYTES + 1), "too large")
    assert "too large" in big.widget.value and "href" not in big.widget.value

    def broken():
        raise RuntimeError("secret")
    failing = download.DownloadLink("Log", "log.csv", download.CSV, broken, "too large",
                                    "could not be made")
    assert "could not be made" in failing.widget.value and "secret" not in failing.widget.value


def test_nothing_to_offer_shows_no_link():
    link = download.DownloadLink("Topic", "t.zip", download.ZIP, lambda: None, "too large")
    assert link.widget.value == ""


def test_refresh_builds_the_file_again():
    state = {"n": 1}
    link = download.DownloadLink("N", lambda: f"n{state['n']}.txt", "text/plain",
                                 lambda: str(state["n"]).encode(), "too large")
    state["n"] = 2
    link.refresh()
    assert 'download="n2.txt"' in link.widget.value


@pytest.mark.parametrize("share, text", [(0.456, "46%"), (1, "100%"), (float("nan"), "–"),
                                         (None, "–")])
def test_percent(share, text):
    assert formats.percent(share) == text


def test_local_time_in_the_community_zone():
    when = datetime(2026, 3, 1, 16, 5, 7, 123456, tzinfo=timezone.utc)
    assert formats.local_time(when, "Asia/Shanghai") == "2026-03-02 00:05"
    assert formats.local_time(when.replace(tzinfo=None), "Asia/Shanghai") == "2026-03-02 00:05"
    assert formats.local_time(None, "Asia/Shanghai") == "–"


def test_table_escapes_and_formats():
    import pandas as pd

    frame = pd.DataFrame({"label": ["<i>x</i>"], "share": [0.25], "needs": [{"座椅": 3}]})
    html = formats.frame_html(frame, str.upper, percent_columns=["share"])
    assert "&lt;i&gt;x&lt;/i&gt;" in html and "25%" in html and "座椅 3" in html
    assert "wb-table-wrap" in html and "LABEL" in html


def test_switch_rebuilds_the_tool_and_survives_a_failure():
    class Tool:
        def __init__(self, lang):
            if lang == "en":
                raise RuntimeError("broken")
            self.widget = w.HTML(lang)

    app = Bilingual(Tool, "zh")
    assert app.body.children[0].value == "zh"
    app.switch.value = "en"
    assert app.tool is None and "could not open" in app.body.children[0].value
    app.switch.value = "zh"
    assert app.body.children[0].value == "zh"


def test_a_tool_that_signs_takes_the_name_from_its_field_never_from_code():
    import ipywidgets as w

    built = []

    class Tool:
        def __init__(self, lang, person):
            built.append((lang, person))
            self.widget = w.HTML(f"{lang}:{person}")

    app = Bilingual(Tool, "zh", person="社区工作人员")
    assert built == [("zh", "社区工作人员")] and app.person_input.value == "社区工作人员"
    assert app.person_input.description == "你的名字（写进记录）"
    app.person_input.value = "王主任"
    assert built[-1] == ("zh", "王主任") and app.body.children[0].value == "zh:王主任"
    app.switch.value = "en"
    assert built[-1] == ("en", "王主任") and app.person_input.description.startswith("Your")
    for bad in ("", "   ", "x" * 101, "<b>\x00</b>"):
        before = len(built)
        assert app.sign(bad) is False
        assert len(built) == before and app.person == "王主任"
        assert "Please give a name" in app.person_error.value
    assert app.sign("李") is True and app.person_error.value == "" and built[-1] == ("en", "李")
