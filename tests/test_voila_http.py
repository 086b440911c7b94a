"""The resident Voilà server over plain HTTP: what an anonymous client can and cannot fetch.

The server is the one ``workbench serve`` starts (``voila_server`` in conftest.py). Paths are
sent exactly as written (no ``..`` folding by the client), the way an attacker would send them.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests

pytestmark = pytest.mark.server

# Strings only found in the notebook sources, never in their output.
NOTEBOOK_SOURCE_MARKERS = ("ResidentApp.from_settings", "request_query_string",
                           "from workbench", "preheated kernel")
# Characteristic text of the files that must never be served.
PRIVATE_MARKERS = (
    "planner_map_app",  # planner.ipynb
    "space_editor_app",  # spaces.ipynb
    "walking_app",  # walking.ipynb
    "地图与提案 · Map and proposals",  # planner.ipynb
    "ResidentApp",  # resident.ipynb (its source) and workbench/page/resident.py
    "def main(",  # workbench/cli.py
    "SQLite format 3",  # workbench.db
    '"cells"',  # any notebook's JSON
    '"nbformat"',
)

#: every planner notebook in the project (new domains add theirs: activities, points...)
PLANNER_NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))
assert len(PLANNER_NOTEBOOKS) >= 10

FORBIDDEN_PATHS = [
    "/voila/files/resident.ipynb",
    "/voila/files/../planner.ipynb",
    "/voila/files/..%2Fplanner.ipynb",
    "/voila/files/%2E%2E/planner.ipynb",
    "/planner.ipynb",
    "/resident.ipynb",
    "/voila/render/planner.ipynb",
    "/voila/render/resident.ipynb",
    "/voila/render/workshop.ipynb",  # the workshop screen: its own server only
    "/voila/files/workshop.ipynb",
    "/workshop.ipynb",
    "/notebooks/planner.ipynb",
    "/notebooks/public/resident.ipynb",
    # every planner notebook: served by JupyterLab only, never by the residents' server
    *[f"/voila/render/{notebook.name}" for notebook in PLANNER_NOTEBOOKS],
    *[f"/voila/files/..%2F{name}.ipynb" for name in ("agenda", "spaces", "walking")],
    "/files/planner.ipynb",
    "/voila/files/../../workbench/cli.py",
    "/voila/files/..%2F..%2Fworkbench%2Fcli.py",
    "/voila/files/../../var/workbench.db",
    "/voila/files/workbench.db",
    "/voila/tree",
    "/voila/tree/",
    "/voila/api/contents",
    "/voila/api/contents/planner.ipynb",
    "/api/contents",
    "/api/contents/planner.ipynb",
    "/api/contents/public/resident.ipynb",
    "/tree",
    "/lab",
]

# Traversal attempts through Voilà's other static handlers. Voilà 0.5.13 answers some of
# these with a 500 (an AssertionError in its TemplateStaticFileHandler): ugly but harmless,
# so for these only "not served" is asserted, not the exact status.
TRAVERSAL_PATHS = [
    "/voila/static/..%2F..%2F..%2Fworkbench%2Fcli.py",
    "/voila/templates/lab/static/..%2F..%2F..%2F..%2Fworkbench%2Fcli.py",
    "/voila/templates/lab/static/../../../../../../etc/passwd",
    "/voila/files/..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "/voila/labextensions/..%2F..%2Fworkbench%2Fcli.py",
    "/voila/api/themes/..%2F..%2Fplanner.ipynb",
    "/wb-lib/leaflet/..%2F..%2F..%2F..%2F..%2Fworkbench%2Fcli.py",
    "/wb-lib/leaflet/../__init__.py",
    "/wb-lib/leaflet/%2E%2E/__init__.py",
]


def raw_get(server, path: str, *, method: str = "GET", follow: bool = True,
            **kwargs) -> requests.Response:
    """Send ``path`` exactly as written: requests/urllib3 would otherwise fold ``a/../b``."""
    url = server.url.rstrip("/") + path
    with requests.Session() as session:
        prepared = session.prepare_request(requests.Request(method, url, **kwargs))
        prepared.url = url
        return session.send(prepared, allow_redirects=follow, timeout=30)


def hops(response: requests.Response) -> list[requests.Response]:
    return [*response.history, response]


def assert_not_served(response: requests.Response, statuses=(403, 404, 405)) -> None:
    for hop in hops(response):
        # A redirect may only lead to another path of this server.
        if hop.is_redirect:
            target = urljoin(hop.url, hop.headers["Location"])
            assert urlsplit(target).netloc == urlsplit(hop.url).netloc, target
    assert response.status_code in statuses, (response.url, response.status_code,
                                              response.text[:300])
    body = response.content.decode("utf-8", "replace")
    for marker in PRIVATE_MARKERS:
        assert marker not in body, f"{response.url} served {marker!r}"
    assert "root:x:0:0" not in body


def test_private_markers_are_in_the_private_files():
    """The markers above really are in the files they stand for, so "marker not in body"
    below means something."""
    project = Path(__file__).resolve().parent.parent
    planner = (project / "notebooks" / "planner.ipynb").read_text(encoding="utf-8")
    resident = (project / "notebooks" / "public" / "resident.ipynb").read_text(encoding="utf-8")
    assert "planner_map_app" in planner and "地图与提案 · Map and proposals" in planner
    assert "ResidentApp" in resident and '"cells"' in resident
    assert "def main(" in (project / "workbench" / "cli.py").read_text(encoding="utf-8")
    for marker in ("ResidentApp.from_settings", "request_query_string"):
        assert marker in resident


@pytest.fixture(scope="module")
def resident_html(voila_server) -> str:
    response = requests.get(voila_server.url, timeout=90)
    assert response.status_code == 200
    return response.text


def test_home_page_is_served_without_notebook_sources(voila_server, resident_html):
    assert "<html" in resident_html.lower()
    # The page is the Voilà page of the resident notebook (its kernel is in the page).
    assert re.search(r'"kernelId":\s*"[0-9a-f-]{36}"', resident_html)
    for marker in NOTEBOOK_SOURCE_MARKERS:
        assert marker not in resident_html, f"notebook source leaked: {marker!r}"
    # No traceback either (show_tracebacks=False and nothing should have failed).
    assert "Traceback" not in resident_html


def test_home_page_with_language_is_served(voila_server):
    response = requests.get(voila_server.url + "?lang=en", timeout=90)
    assert response.status_code == 200
    assert "ResidentApp" not in response.text


@pytest.mark.parametrize("path", FORBIDDEN_PATHS)
def test_private_files_are_not_served(voila_server, path):
    assert_not_served(raw_get(voila_server, path))


def test_leaflet_is_served_for_the_residents_map(voila_server):
    """The template links Leaflet for the residents' map from the XStatic-Leaflet package."""
    for name, kind in (("leaflet.js", "javascript"), ("leaflet.css", "css")):
        response = raw_get(voila_server, f"/wb-lib/leaflet/{name}")
        assert response.status_code == 200 and kind in response.headers["Content-Type"]
    assert "Leaflet 1.9" in raw_get(voila_server, "/wb-lib/leaflet/leaflet.js").text[:300]


@pytest.mark.parametrize("path", TRAVERSAL_PATHS)
def test_path_traversal_through_static_handlers_is_not_served(voila_server, path):
    response = raw_get(voila_server, path)
    assert_not_served(response, statuses=(403, 404, 405, 500))


def test_redirects_of_unknown_paths_end_in_403(voila_server):
    """In single-notebook mode every unknown path is redirected to /voila/files/<path>, where
    the allowlist (images only) refuses it: checked here so a change of behaviour is seen."""
    response = raw_get(voila_server, "/planner.ipynb", follow=False)
    assert response.status_code in (301, 302, 403, 404)
    if response.is_redirect:
        assert response.headers["Location"].startswith("/voila/files/")


@pytest.mark.parametrize("path", ["/api/kernels", "/api/kernels/", "/api/sessions",
                                  "/api/kernelspecs", "/api/terminals", "/api/me",
                                  "/api/status", "/api/config/notebook"])
def test_server_api_lists_are_not_available(voila_server, path):
    """Voilà 0.5.13 routes only /api/kernels/<id> and /api/kernels/<id>/channels; the
    list of kernels (and other Jupyter server APIs) is not routed at all."""
    response = raw_get(voila_server, path)
    assert_not_served(response)
    try:
        data = response.json()
    except ValueError:
        data = None
    assert not isinstance(data, list), f"{path} lists something: {response.text[:200]}"


def test_unknown_kernel_is_404_and_delete_needs_xsrf(voila_server, resident_html):
    unknown = str(uuid.uuid4())
    response = raw_get(voila_server, f"/api/kernels/{unknown}")
    assert response.status_code == 404
    # Deleting (even an unknown kernel) without the page's _xsrf token is refused.
    response = raw_get(voila_server, f"/api/kernels/{unknown}", method="DELETE")
    assert response.status_code == 403
    own = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', resident_html).group(1)
    response = raw_get(voila_server, f"/api/kernels/{own}", method="DELETE")
    assert response.status_code == 403
    response = raw_get(voila_server, f"/voila/api/shutdown/{own}", method="POST")
    assert response.status_code == 403
    # The kernel is still there: GET of one's own kernel returns its model (the id is in
    # the page anyway; the model holds only id, name, state and activity).
    response = raw_get(voila_server, f"/api/kernels/{own}")
    assert response.status_code == 200
    assert set(response.json()) <= {"id", "name", "last_activity", "execution_state",
                                    "connections"}


def _message(msg_type: str, content: dict) -> tuple[str, str]:
    msg_id = uuid.uuid4().hex
    return msg_id, json.dumps({
        "header": {"msg_id": msg_id, "username": "anonymous", "session": uuid.uuid4().hex,
                   "msg_type": msg_type, "version": "5.3", "date": ""},
        "parent_header": {}, "metadata": {}, "channel": "shell", "content": content,
    })


def test_kernel_websocket_refuses_code_execution(voila_server, tmp_path):
    """Anyone can open the websocket of the page's kernel (the id is in the page); Voilà
    must drop execute_request so that only widget messages (comm_msg) reach the kernel."""
    import websocket

    html = requests.get(voila_server.url, timeout=90).text
    kernel_id = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', html).group(1)
    marker = voila_server.home / f"executed-{uuid.uuid4().hex}"
    ws_url = (voila_server.url.replace("http://", "ws://")
              + f"api/kernels/{kernel_id}/channels?session_id={uuid.uuid4().hex}")
    ws = websocket.create_connection(ws_url, timeout=30)
    try:
        exec_id, exec_msg = _message("execute_request", {
            "code": f"open({str(marker)!r}, 'w').write('x')", "silent": False,
            "store_history": False, "user_expressions": {}, "allow_stdin": False,
            "stop_on_error": True})
        info_id, info_msg = _message("kernel_info_request", {})
        ws.send(exec_msg)
        ws.send(info_msg)
        # The shell channel is handled in order: had the execute_request reached the kernel,
        # its reply would come before the kernel_info_reply.
        seen = []
        deadline = time.time() + 30
        while time.time() < deadline:
            msg = json.loads(ws.recv())
            parent = (msg.get("parent_header") or {}).get("msg_id")
            seen.append((msg.get("msg_type"), parent))
            if parent == info_id and msg.get("msg_type") == "kernel_info_reply":
                break
        else:
            pytest.fail(f"no kernel_info_reply within 30 s; saw {seen}")
        assert not [s for s in seen if s[1] == exec_id], seen
    finally:
        ws.close()
    time.sleep(0.5)
    assert not marker.exists(), "code sent over the kernel websocket was executed"
    log = voila_server.log_path.read_text(errors="replace")
    assert 'Received message of type "execute_request", which is not allowed' in log
