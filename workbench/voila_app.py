"""The resident server: Voilà, with malformed and unknown paths answered 404 instead of 500.

Voilà 0.5 answers some paths with a server error: a NUL byte anywhere (``/voila/files/%00.png``:
the file handlers and the notebook handler's redirect raise on it), ``/logout`` (Jupyter's
logout page, whose template Voilà does not ship), and template static paths not of the form
``<template>/static/<file>``. Nothing leaks (tracebacks are off), but a 500 reads as a broken
server to a monitor and to a resident. Run as ``python -m workbench.voila_app`` with Voilà's
own options (:func:`workbench.serve.voila_command`).

A page request is admitted before its kernel starts (:mod:`workbench.resident_kernels`): past
the cap on resident kernels or the client's pages per minute, the visitor gets the small
bilingual "try again in a minute" page (:mod:`workbench.busy_page`) instead of a kernel. An
admitted page's kernel learns its client as a keyed hash of the address, never the address
(:mod:`workbench.participation.floods`: flood limits counted across pages).

Leaflet, for the residents' map (:mod:`workbench.layers.page_map_widget`), is served from the
installed XStatic-Leaflet package at ``wb-lib/leaflet/`` (``LEAFLET_PATH``): read-only files
of a package, as the maps people take away read it (``layers/map_libraries.yaml``).

A kernel is ended only for the browser its page was rendered for (the ``wb_page_owner``
cookie, :meth:`workbench.resident_kernels.ResidentKernels.claim`): the page's goodbye and
``DELETE /api/kernels/<id>`` from anyone else are refused (403), whatever xsrf token they
carry.
"""

from __future__ import annotations

import re
import secrets
from functools import partial

from jupyter_server.log import log_request
from jupyter_server.services.kernels.handlers import KernelHandler
from jupyter_server.utils import url_path_join
from tornado import web
from tornado.web import HTTPError, RequestHandler
from voila.app import Voila
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.static_file_handler import TemplateStaticFileHandler
from voila.tornado.handler import TornadoVoilaHandler

from workbench.busy_page import RETRY_SECONDS, STATUS, busy_page
from workbench.participation.floods import CLIENT_HEADER, client_key, client_secret
from workbench.resident_kernels import OWNER_COOKIE, OWNER_TOKEN, Admission, client_address

#: the kernel id in a rendered page (its page config), as the page's script reads it
KERNEL_ID = re.compile(r'"kernelId"\s*:\s*"([0-9a-f-]{36})"')

#: raw (percent-encoded) request paths no handler may see: a NUL byte, and Jupyter's logout
#: page (the resident server has no login to end)
REFUSED_PATHS = r"(?:/.*%00.*|/logout)"


class NotFound(RequestHandler):
    def prepare(self):
        raise HTTPError(404)


class TemplateStatic(TemplateStaticFileHandler):
    """Voilà's template static files; a path not of the form ``<template>/static/<file>``
    is not found, not a failed assertion or unpacking."""

    def parse_url_path(self, path):
        try:
            return super().parse_url_path(path)
        except (ValueError, AssertionError):
            raise HTTPError(404) from None

    @classmethod
    def get_absolute_path(cls, root, path):
        try:
            return super().get_absolute_path(root, path)
        except ValueError:
            raise HTTPError(404) from None


#: where the resident server serves Leaflet (the template links it: ``index.html.j2``)
LEAFLET_PATH = "wb-lib/leaflet/"


def leaflet_handler(base_url: str) -> tuple:
    import xstatic.pkg.leaflet

    return (url_path_join(base_url, LEAFLET_PATH, "(.*)"), web.StaticFileHandler,
            {"path": xstatic.pkg.leaflet.BASE_DIR})


class ResidentPage(TornadoVoilaHandler):
    """The notebook's page, rendered only for an admitted request; a refused one gets the
    busy page with its status (503 or 429) and Retry-After, and no kernel."""

    def initialize(self, admission: Admission, client_secret: bytes, **kwargs):
        self.admission = admission
        self.client_secret = client_secret
        self.rendering = False
        self.owner: str | None = None
        self.kernel_id: str | None = None
        super().initialize(**kwargs)

    async def prepare(self):
        await super().prepare()
        if self.request.method != "GET" or any(self.path_args):
            return  # not the notebook itself (single-notebook mode redirects other paths)
        kernels = self.resident_kernels()
        verdict = self.admission.decide(kernels, self.request.remote_ip,
                                        self.request.headers.get("X-Forwarded-For"))
        if verdict != "ok":
            self.log.warning("page refused (%s): %d kernels, %d pages rendering, cap %d",
                             verdict, kernels, self.admission.rendering, self.admission.cap)
            self.set_status(STATUS[verdict])
            self.set_header("Retry-After", str(RETRY_SECONDS))
            self.set_header("Content-Type", "text/html; charset=UTF-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(busy_page(verdict, self.request.query))
            return
        self.rendering = True
        self.admission.rendering += 1
        # the page's client, for the flood limits across pages: a keyed hash of its address
        # in a header of our own (what a client sent in it is replaced), which Voilà hands
        # the kernel with the request (http_header_envs); the address stays here
        client = client_address(self.request.remote_ip,
                                self.request.headers.get("X-Forwarded-For"),
                                self.admission.proxies)
        self.request.headers[CLIENT_HEADER] = client_key(client, self.client_secret)
        # the _xsrf cookie: a page says goodbye (sendBeacon to /voila/api/shutdown/<kernel>,
        # with the cookie's token) when the browser leaves it; without the cookie that request
        # was refused (403) and only the cull ended a closed page's kernel
        self.xsrf_token  # noqa: B018 - read for its effect: it sets the cookie
        # the browser's owner token: its page's kernel will be its own to end
        owner = self.get_cookie(OWNER_COOKIE)
        self.owner = owner if owner and OWNER_TOKEN.fullmatch(owner) else secrets.token_hex(16)
        self.set_cookie(OWNER_COOKIE, self.owner, httponly=True, samesite="Lax")

    @web.authenticated
    async def get(self, path=None):
        """Voilà's page (as its handler writes it), its kernel claimed for this browser
        before the page naming the kernel leaves the server."""
        async for html in self.get_generator(path=path):
            if self.kernel_id is None and self.owner is not None:
                found = KERNEL_ID.search(html)
                if found:
                    self.kernel_id = found.group(1)
                    self.kernel_manager.claim(self.kernel_id, self.owner)
            self.write(html)
            self.flush()

    def resident_kernels(self) -> int:
        """Kernels alive or being started, plus the preheated pool's size: a page that took a
        pool kernel is followed by a refill, which may not be started yet (Voilà waits a
        moment). The pool's ready kernels are thus counted twice: the count errs on the side
        of memory, by the pool's size at most."""
        manager = self.kernel_manager
        count = len(manager.list_kernel_ids()) + getattr(manager, "starting", 0)
        config = self.voila_configuration
        return count + (config.default_pool_size if config.preheat_kernel else 0)

    def _rendered(self):
        if self.rendering:
            self.rendering = False
            self.admission.rendering -= 1

    def on_finish(self):
        self._rendered()
        super().on_finish()

    def on_connection_close(self):
        self._rendered()
        super().on_connection_close()


def refuse_unless_owner(handler, kernel_id: str) -> None:
    """403 unless the request comes from the browser the kernel's page was rendered for."""
    if not handler.kernel_manager.owned_by(kernel_id, handler.get_cookie(OWNER_COOKIE)):
        handler.log.warning("kernel shutdown refused: not the page's own browser")
        raise HTTPError(403)


class OwnKernelShutdown(VoilaShutdownKernelHandler):
    """The page's goodbye (sendBeacon when the browser leaves it) ends its own kernel only."""

    async def post(self, kernel_id):
        refuse_unless_owner(self, kernel_id)
        await super().post(kernel_id)


class OwnKernel(KernelHandler):
    """A kernel's model for anyone who knows its id (as before); its shutdown for its page's
    browser only."""

    async def delete(self, kernel_id):
        refuse_unless_owner(self, kernel_id)
        await super().delete(kernel_id)


#: The access log's line for a request, a QR slip's participation code (``?code=``) and any
#: token in its query or referer replaced by ``[secret]`` (Tornado's own line logs the whole
#: address: every refused or failed page would write the resident's code to the log).
log_request_without_codes = partial(log_request, record_prometheus_metrics=False)


class ResidentVoila(Voila):
    def init_settings(self):
        return {**super().init_settings(), "log_function": log_request_without_codes}

    def init_handlers(self):
        admission = Admission.from_settings()
        self.log.info("Resident pages: at most %d kernels, %s new pages per client a minute",
                      admission.cap, admission.rate.per_minute or "unlimited")
        config = self.voila_configuration
        config.http_header_envs = [*config.http_header_envs, CLIENT_HEADER]
        secret = client_secret()
        handlers = [(REFUSED_PATHS, NotFound), leaflet_handler(self.base_url)]
        for pattern, handler, *options in super().init_handlers():
            if handler is TemplateStaticFileHandler:
                handler = TemplateStatic
            elif handler is VoilaShutdownKernelHandler:
                handler = OwnKernelShutdown
            elif handler is KernelHandler:
                handler = OwnKernel
            elif handler is TornadoVoilaHandler:
                handler = ResidentPage
                options = [{**(options[0] if options else {}), "admission": admission,
                            "client_secret": secret}]
            handlers.append((pattern, handler, *options))
        return handlers


main = ResidentVoila.launch_instance

if __name__ == "__main__":
    main()
