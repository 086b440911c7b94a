"""The resident's request as the page's kernel receives it from Voilà.

In a preheated Voilà kernel the notebook runs before anyone asks for the page, and the request
(its query string: ``?lang=en``, ``?code=``, ``?workshop=``) reaches the kernel later over
Voilà's ``/voila/query/<kernel id>`` websocket. This does what
``voila.utils.get_query_string`` does without importing Voilà, which would add about 45 MiB
(the server's own libraries) to every resident kernel.
"""

from __future__ import annotations

import json
import os
import time

from workbench.page.safety import server_log

#: how long a preheated kernel keeps asking Voilà for its request, and the longest pause
#: between two tries (seconds)
ASK_FOR = 60
LONGEST_PAUSE = 5.0


def request_query_string() -> str:
    """The page's query string (``lang=en&code=...``); in JupyterLab or a test, where there is
    no request to wait for, the ``QUERY_STRING`` of the environment (usually empty)."""
    env = os.environ
    if not preheated():
        return env.get("QUERY_STRING", "")
    url = query_url(env)
    info = _ask(url)
    if info is None:
        server_log().warning("no request info from Voilà at %s", url)
        return ""
    for key, value in info.items():
        if isinstance(key, str) and isinstance(value, str):
            os.environ[key] = value
    return os.environ.get("QUERY_STRING", "")


def preheated() -> bool:
    """Whether this kernel ran the notebook before its request came (a Voilà pool kernel):
    then the request is still to be waited for."""
    return os.environ.get("VOILA_PREHEAT", "False") != "False"


def query_url(env) -> str:
    """Where this kernel's request is handed out, from the variables Voilà gave the kernel."""
    server_url = env.get("VOILA_SERVER_URL", "/")
    return (f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{env.get('VOILA_APP_IP', '127.0.0.1')}:"
            f"{env.get('VOILA_APP_PORT', '8866')}{env.get('VOILA_WS_BASE_URL', server_url)}"
            f"voila/query/{env.get('VOILA_KERNEL_ID', '')}")


def _ask(url: str) -> dict | None:
    """The request's variables from Voilà, or None when it never answered.

    A kernel refilling the pool while a room full of phones arrives can find the server too
    busy to answer at first: keep trying for about a minute, or the page would lose its
    ?workshop=, ?code= and ?lang= (seen under a 60-phone load)."""
    import websocket  # only a preheated kernel needs it

    delay, deadline = 0.5, time.monotonic() + ASK_FOR
    while True:
        try:
            ws = websocket.create_connection(url, timeout=5)
            ws.settimeout(None)  # a preheated kernel waits as long as it takes for a visitor
            info = json.loads(ws.recv())
            ws.close()
            return info
        except (OSError, websocket.WebSocketException, ValueError):
            if time.monotonic() + delay > deadline:
                return None
            time.sleep(delay)
            delay = min(delay * 2, LONGEST_PAUSE)
