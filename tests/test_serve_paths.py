"""Unknown and malformed paths on the resident server `workbench serve` starts: a 404 (or
another client error), never a server error, and the server serves on afterwards."""

from __future__ import annotations

import pytest
import requests

pytestmark = pytest.mark.server

# each once answered 500 from Voilà itself (a NUL byte, Jupyter's logout page, template
# static paths not of the form <template>/static/<file>)
NOT_FOUND = [
    "/voila/files/%00.png",
    "/voila/files/a%00b/c.png",
    "/%00",
    "/logout",
    "/voila/templates/workbench/static/%00.css",
    "/voila/templates/workbench/static/no-such-file.css",
    "/voila/templates/workbench/static/..%2f..%2fx.css",
    "/voila/templates/workbench/no-static/x.css",
    "/voila/templates/workbench",
    "/voila/templates/no-such-template/static/x.css",
    "/voila/static/%00",
    "/voila/labextensions/%00",
    "/voila/api/themes/%00",
]
# any client error will do: what matters is that nothing fails on the server
REFUSED = NOT_FOUND + [
    "/voila/files/%ff.png",
    "/%ff%fe",
    "/no-such-page",
    "/voila/files/..%2f..%2fworkbench.db",
    "/api/kernels/not-a-kernel",
    "/voila/query/not-a-kernel",
]


def get(server, path: str) -> requests.Response:
    """The path sent exactly as written (requests would re-quote it)."""
    with requests.Session() as session:
        prepared = session.prepare_request(requests.Request("GET", server.url.rstrip("/")))
        prepared.url = server.url.rstrip("/") + path
        return session.send(prepared, allow_redirects=True, timeout=30)


@pytest.mark.parametrize("path", NOT_FOUND)
def test_malformed_and_unknown_paths_are_not_found(voila_server, path):
    assert get(voila_server, path).status_code == 404


def test_no_path_is_a_server_error(voila_server):
    answers = {path: get(voila_server, path).status_code for path in REFUSED}
    assert all(400 <= code < 500 for code in answers.values()), answers
    assert " 500 GET" not in voila_server.log_path.read_text()
    assert get(voila_server, "/").status_code == 200  # and the page is still served
