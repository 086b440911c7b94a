"""How many resident pages the server holds at once, and how many one client may open.

Every resident page runs its own kernel (about 90 MiB). Without limits one client opening
pages in a loop fills the machine's memory: a closed page's kernel used to live on until the
idle cull ten minutes later. Three things keep the server whole:

- a closed page's kernel goes within about a minute: the page shuts it down itself when the
  browser says it is leaving, and otherwise the cull shuts down a kernel with no page
  connected, counting idle time from the moment its last page left (:class:`ResidentKernels`),
  so a phone that drops its connection for a moment keeps its page;
- a cap on resident kernels, sized from the memory free when the server starts
  (:func:`kernel_cap`), beyond which a new visitor is told "busy, try again in a minute"; its
  last tenth kept for residents arriving rather than clients opening page after page;
- a per-client limit on new pages per minute (:class:`PageRate`), the client being the
  connection's address, or the address a trusted reverse proxy saw (:func:`client_address`).

The rules are plain Python; :mod:`workbench.voila_app` applies them to page requests before a
kernel is started.

A kernel belongs to the browser its page was rendered for (:meth:`ResidentKernels.claim`): only
that browser may shut it down. Jupyter's xsrf check does not say who is asking (any program
may send the same made-up token as cookie and header), so without an owner any client that
knew a kernel's id could end a resident's page.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import time
from collections import deque
from datetime import datetime, timezone

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

from workbench import settings

#: the window of the per-client limit, in seconds
RATE_WINDOW = 60.0
#: clients remembered at most by the per-client limit (the oldest are forgotten first)
RATE_CLIENTS = 100_000
#: the cookie naming a browser to the resident server (random, HttpOnly): whose kernels are whose
OWNER_COOKIE = "wb_page_owner"
#: what the server makes for that cookie: anything else a client sends is replaced
OWNER_TOKEN = re.compile(r"[0-9a-f]{32}")


class ResidentKernels(AsyncMappingKernelManager):
    """Jupyter's kernel manager, with a kernel's idle time restarted when its last page
    disconnects: the cull (``cull_connected=False``) then shuts down a closed page's kernel
    ``cull_idle_timeout`` seconds after the page left, whatever the resident did before."""

    #: kernels being started (a pool's refill among them): not listed yet, soon resident
    starting = 0

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        #: kernel id -> hash of its browser's owner token (the page's cookie)
        self.owners: dict[str, str] = {}
        # a page ends its kernel through the owner-checked shutdown alone: a shutdown_request
        # over the websocket would let anyone connected to a kernel end it
        self.allowed_message_types = [t for t in self.allowed_message_types
                                      if t != "shutdown_request"]

    def claim(self, kernel_id: str, owner: str) -> None:
        """The page rendered for the browser with the owner token ``owner`` runs on this
        kernel (kernels gone meanwhile are forgotten)."""
        for gone in set(self.owners) - set(self.list_kernel_ids()):
            del self.owners[gone]
        self.owners[kernel_id] = _digest(owner)

    def owned_by(self, kernel_id: str, owner: str | None) -> bool:
        """Whether the browser with the owner token ``owner`` may end this kernel."""
        expected = self.owners.get(kernel_id)
        return (expected is not None and isinstance(owner, str)
                and hmac.compare_digest(expected, _digest(owner)))

    async def start_kernel(self, *args, **kwargs):
        self.starting += 1
        try:
            return await super().start_kernel(*args, **kwargs)
        finally:
            self.starting -= 1

    def notify_disconnect(self, kernel_id):
        super().notify_disconnect(kernel_id)
        if kernel_id in self and self.kernel_model(kernel_id)["connections"] == 0:
            self.get_kernel(kernel_id).last_activity = datetime.now(timezone.utc)


def _digest(owner: str) -> str:
    return hashlib.sha256(owner.encode("utf-8", "replace")).hexdigest()


def kernel_cap(available_bytes: int, *, kernel_mib: float, reserve_mib: float) -> int:
    """Kernels that fit in the memory available, once the reserve is set aside (at least 1)."""
    return max(1, int((available_bytes / 2**20 - reserve_mib) // kernel_mib))


def resident_kernel_cap() -> int:
    """The ``max_kernels`` setting, or, when 0, the cap sized from the memory available now."""
    fixed = settings.get("max_kernels")
    if fixed > 0:
        return fixed
    import psutil

    return kernel_cap(psutil.virtual_memory().available,
                      kernel_mib=settings.get("kernel_memory_mib"),
                      reserve_mib=settings.get("memory_reserve_mib"))


def parse_networks(text: str) -> tuple:
    """The ``trusted_proxies`` setting: addresses or networks, separated by commas or spaces.
    An entry that is not an address is an error at start, not a proxy silently ignored."""
    networks = []
    for entry in text.replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(f"trusted_proxies: {entry!r} is not an IP address or network"
                             ) from None
    return tuple(networks)


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(address, proxies: tuple) -> bool:
    return address is not None and any(address in net for net in proxies)


def client_address(peer: str, forwarded_for: str | None, proxies: tuple) -> str:
    """Who is asking: the connection's address, unless it is a trusted proxy; then the
    right-most address in X-Forwarded-For that is not a trusted proxy (what a client writes
    there itself stands to the left of what the proxies add). A malformed entry where the
    client should be means the header cannot be believed: the peer is the client."""
    if not proxies or not _trusted(_address(peer), proxies):
        return peer
    hops = [hop for hop in (forwarded_for or "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return peer
        if not _trusted(address, proxies):
            return str(address)
    return peer


class PageRate:
    """New pages per client in the last minute: ``allow(client)`` counts a page and says
    whether it is within the limit (a refused page is not counted, so a client waiting
    between pages gets the next one)."""

    def __init__(self, per_minute: int, *, clients: int = RATE_CLIENTS,
                 clock=time.monotonic):
        self.per_minute = per_minute
        self.clients = clients
        self.clock = clock
        self._pages: dict[str, deque] = {}

    def recent(self, client: str) -> int:
        """Pages the client opened in the last minute (none counted when there is no limit)."""
        pages = self._pages.get(client, ())
        now = self.clock()
        return sum(1 for at in pages if now - at < RATE_WINDOW)

    def allow(self, client: str) -> bool:
        if self.per_minute <= 0:
            return True
        now = self.clock()
        pages = self._pages.pop(client, None) or deque()
        while pages and now - pages[0] >= RATE_WINDOW:
            pages.popleft()
        allowed = len(pages) < self.per_minute
        if allowed:
            pages.append(now)
        if pages:
            self._pages[client] = pages  # re-inserted: the dict's order is by last page
            if len(self._pages) > self.clients:
                del self._pages[next(iter(self._pages))]
        return allowed


#: near the cap, the last tenth of it (at least one kernel) is kept for visitors who asked for
#: fewer than this many pages in the last minute, refused ones included: a resident arriving,
#: or reloading once
NEWCOMER_PAGES = 2


class Admission:
    """Whether a page request may start a kernel: "ok", "busy" (the cap is reached: 503) or
    "too_many" (this client's pages per minute: 429).

    The last tenth of the cap is kept for newcomers (:data:`NEWCOMER_PAGES`): clients that
    open pages over and over, each within its own limit, cannot together take the last
    kernels from a resident who just arrived.

    ``kernels`` counts the kernels alive or being started and the preheated pool's size (a
    page that took one of its kernels is followed by a refill); with the pages being
    rendered, so that a burst of requests cannot pass the cap together."""

    def __init__(self, cap: int, rate: PageRate, proxies: tuple):
        self.cap, self.rate, self.proxies = cap, rate, proxies
        self.kept_for_newcomers = max(1, cap // 10)
        self.asked = PageRate(2**31)  # every request, refused or not: who is a newcomer
        self.rendering = 0

    def decide(self, kernels: int, peer: str, forwarded_for: str | None) -> str:
        resident = kernels + self.rendering
        client = client_address(peer, forwarded_for, self.proxies)
        newcomer = self.asked.recent(client) < NEWCOMER_PAGES
        self.asked.allow(client)
        if resident >= self.cap:
            return "busy"
        if resident >= self.cap - self.kept_for_newcomers and not newcomer:
            return "busy"
        if not self.rate.allow(client):
            return "too_many"
        return "ok"

    @classmethod
    def from_settings(cls) -> "Admission":
        return cls(resident_kernel_cap(), PageRate(settings.get("pages_per_minute_per_client")),
                   parse_networks(settings.get("trusted_proxies")))
