"""A client of a Voilà page that speaks the Jupyter widget protocol, without a browser.

It does what a phone's page does over the kernel websocket: it opens the page, reads every
widget's state, sets values and presses buttons. Tests use it to prove that limits hold in the
Python callbacks whatever a client sends; load scripts use it to play many residents at once
without many browsers.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlparse

import requests
import websocket

from workbench.page import STARTED

_KERNEL_ID = re.compile(r'"kernelId"\s*:\s*"([0-9a-f-]{36})"')


class WidgetClient:
    """One resident's page: ``WidgetClient(url).open()`` then ``find`` / ``set`` / ``click``."""

    def __init__(self, page_url: str, timeout: float = 60, headers: dict | None = None):
        self.page_url = page_url
        self.timeout = timeout
        self.headers = dict(headers or {})  # e.g. X-Forwarded-For, as a proxy adds it
        self.session_id = uuid.uuid4().hex
        self.states: dict[str, dict] = {}
        self.received: list[dict] = []  # every message, for checks (e.g. no tracebacks)
        self.ws: websocket.WebSocket | None = None
        self.kernel_id: str | None = None

    # -- connection -------------------------------------------------------------------------
    def open(self, started: str | None = STARTED) -> "WidgetClient":
        """Load the page, connect to its kernel and read its widgets; with ``started`` (a
        resident page's: not the workshop screen's), wait until a widget has that class."""
        t0 = time.perf_counter()
        http = requests.Session()
        page = http.get(self.page_url, timeout=self.timeout, headers=self.headers)
        page.raise_for_status()
        match = _KERNEL_ID.search(page.text)
        if not match:
            raise RuntimeError("no kernel id in the page")
        self.kernel_id = match.group(1)
        parts = urlparse(self.page_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        ws_url = (f"{scheme}://{parts.netloc}/api/kernels/{self.kernel_id}/channels"
                  f"?session_id={self.session_id}")
        cookies = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
        header = [f"{k}: {v}" for k, v in self.headers.items()]
        self.ws = websocket.create_connection(
            ws_url, timeout=self.timeout, header=header + ([f"Cookie: {cookies}"] if cookies else []))
        self._request_states()
        # a preheated kernel starts the page with its link in its own time: the language and
        # the code are the link's only once the root widget says it has started
        if started and not self.find_class(started):
            self._receive(lambda _m: bool(self.find_class(started)))
        self.page_seconds = time.perf_counter() - t0
        return self

    def close(self) -> None:
        if self.ws is not None:
            self.ws.close()
            self.ws = None

    def __enter__(self):
        return self.open()

    def __exit__(self, *exc):
        self.close()

    # -- messages ---------------------------------------------------------------------------
    def _send(self, msg_type: str, content: dict, channel: str = "shell",
              metadata: dict | None = None) -> str:
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "username": "resident", "session": self.session_id,
                       "msg_type": msg_type, "version": "5.3",
                       "date": datetime.now(timezone.utc).isoformat()},
            "parent_header": {}, "metadata": metadata or {}, "content": content,
            "channel": channel,
            "buffers": [],
        }))
        return msg_id

    def _receive(self, until, timeout: float | None = None) -> None:
        """Read messages, applying widget updates, until ``until(msg)`` is true or the kernel
        has been idle after our request."""
        deadline = time.time() + (timeout or self.timeout)
        while time.time() < deadline:
            self.ws.settimeout(max(0.05, deadline - time.time()))
            try:
                raw = self.ws.recv()
            except websocket.WebSocketTimeoutException:
                break
            if isinstance(raw, bytes):
                continue  # binary frames carry widget buffers, which this client ignores
            msg = json.loads(raw)
            self.received.append(msg)
            self._apply(msg)
            if until(msg):
                return
        raise TimeoutError("the kernel did not answer in time")

    def _apply(self, msg: dict) -> None:
        kind = msg.get("msg_type") or msg["header"]["msg_type"]
        content = msg.get("content", {})
        if kind == "comm_open" and content.get("target_name") == "jupyter.widget":
            self.states[content["comm_id"]] = dict(content["data"].get("state", {}))
        elif kind == "comm_msg":
            data = content.get("data", {})
            if data.get("method") == "update" and content.get("comm_id") in self.states:
                self.states[content["comm_id"]].update(data.get("state", {}))
            elif data.get("method") == "update_states":
                for model_id, entry in data.get("states", {}).items():
                    self.states[model_id] = dict(entry.get("state", {}))

    def _idle_after(self, msg_id: str):
        return lambda m: (m.get("parent_header", {}).get("msg_id") == msg_id
                          and m["header"]["msg_type"] == "status"
                          and m["content"].get("execution_state") == "idle")

    def _request_states(self) -> None:
        comm_id = uuid.uuid4().hex
        self._send("comm_open", {"comm_id": comm_id, "target_name": "jupyter.widget.control",
                                 "data": {}}, metadata={"version": "1.0.0"})
        msg_id = self._send("comm_msg", {"comm_id": comm_id,
                                         "data": {"method": "request_states"}})
        self._receive(lambda m: m["header"]["msg_type"] == "comm_msg"
                      and m["content"].get("data", {}).get("method") == "update_states"
                      and m.get("parent_header", {}).get("msg_id") == msg_id)

    # -- widgets ----------------------------------------------------------------------------
    def find(self, model: str | None = None, **state: Any) -> str:
        """The id of the one widget whose model name and state match, e.g.
        ``find("TextModel", description="Title")``."""
        found = [mid for mid, s in self.states.items()
                 if (model is None or s.get("_model_name") == model)
                 and all(s.get(k) == v for k, v in state.items())]
        if len(found) != 1:
            raise LookupError(f"{len(found)} widgets match {model} {state}")
        return found[0]

    def find_class(self, css_class: str) -> list[str]:
        return [mid for mid, s in self.states.items() if css_class in s.get("_dom_classes", [])]

    def set(self, model_id: str, **state: Any) -> None:
        """Set widget values as the page would, and wait until the kernel has handled them."""
        msg_id = self._send("comm_msg", {"comm_id": model_id, "data": {
            "method": "update", "state": state, "buffer_paths": []}})
        self.states[model_id].update(state)
        self._receive(self._idle_after(msg_id))

    def custom(self, model_id: str, content: dict, wait: bool = True) -> None:
        msg_id = self._send("comm_msg", {"comm_id": model_id, "data": {
            "method": "custom", "content": content}})
        if wait:
            self._receive(self._idle_after(msg_id))

    def map_id(self) -> str:
        """The id of the page's map (class wb-map: ``layers/page_map_widget.py``)."""
        found = self.find_class("wb-map")
        if len(found) != 1:
            raise LookupError(f"{len(found)} maps on the page")
        return found[0]

    def tap_map(self, lon: Any, lat: Any, wait: bool = True) -> None:
        """A tap on the map at (lon, lat), as the map's script tells the kernel of it."""
        self.custom(self.map_id(), {"event": "interaction", "type": "click",
                                    "coordinates": [lat, lon]}, wait=wait)

    def click(self, model_id: str, wait: bool = True) -> None:
        self.custom(model_id, {"event": "click"}, wait=wait)

    def open_section(self, section: str) -> None:
        """Open a folded section of the resident page (``statement_voting``, ``surveys``,
        ...) as a tap on its heading does; one already open, or a page without folds, is left
        as it is. Its widgets exist from then on."""
        for fold in self.find_class(f"wb-fold-{section}"):
            if "wb-fold-open" not in self.states[fold].get("_dom_classes", []):
                head = self.states[fold]["children"][0][len("IPY_MODEL_"):]
                self.click(self.states[head]["children"][0][len("IPY_MODEL_"):])

    def drain(self, seconds: float = 1.0) -> None:
        """Read whatever the kernel still sends for a while (after clicks without waiting)."""
        try:
            self._receive(lambda m: False, timeout=seconds)
        except TimeoutError:
            pass
