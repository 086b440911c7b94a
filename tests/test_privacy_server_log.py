"""The resident server's own logs (Voilà's, and the kernels' workbench.log) keep no
participation code: a slip's link opened, and refused requests carrying a code."""

from __future__ import annotations

import time

import pytest
import requests

from workbench.participation.codes import issue_codes

pytestmark = pytest.mark.server


def test_a_slips_code_stays_out_of_the_servers_logs(voila_server):
    from servers import DEMO_LAYERS
    from workbench.layers.community import load_community
    from workbench.store import Store

    store = Store(voila_server.database_url)
    (code,) = issue_codes(store, load_community(DEMO_LAYERS).id, 1)
    store.dispose()
    page = requests.get(f"{voila_server.url}?lang=en&code={code}", timeout=90)
    assert page.status_code == 200
    for path in ("voila/render/no-such.ipynb", "no-such-page", "logout"):
        refused = requests.get(f"{voila_server.url}{path}?code={code}",
                               headers={"Referer": f"{voila_server.url}?code={code}"},
                               timeout=30)
        assert 400 <= refused.status_code < 500
    time.sleep(1)  # the log lines are written by the server process
    voila_log = voila_server.log_path.read_text(encoding="utf-8", errors="replace")
    assert "code=[secret]" in voila_log, "the refused requests are logged"
    logs = voila_server.home / "logs"
    kernel_logs = "".join(p.read_text(encoding="utf-8", errors="replace")
                          for p in logs.glob("*.log")) if logs.is_dir() else ""
    bare = code.replace("-", "")
    assert [log for log in (voila_log, kernel_logs) if code in log or bare in log] == []
