"""The resident server: Voilà, with malformed and unknown paths answered 404 instead of 500.

Voilà 0.5 answers some paths with a server error: a NUL byte anywhere (``/voila/files/%00.png``:
the file handlers and the notebook handler's redirect raise on it), ``/logout`` (Jupyter's
logout page, whose template Voilà does not ship), and template static paths not of the form
``<template>/static/<file>``. Nothing leaks (tracebacks are off), but a 500 reads as a broken
server to a monitor and to a resident. Run as ``python -m workbench.voila_app`` with Voilà's
own options (:func:`workbench.serve.voila_command`).
"""

from __future__ import annotations

from tornado.web import HTTPError, RequestHandler
from voila.app import Voila
from voila.static_file_handler import TemplateStaticFileHandler

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


class ResidentVoila(Voila):
    def init_handlers(self):
        handlers = [(REFUSED_PATHS, NotFound)]
        for pattern, handler, *options in super().init_handlers():
            if handler is TemplateStaticFileHandler:
                handler = TemplateStatic
            handlers.append((pattern, handler, *options))
        return handlers


main = ResidentVoila.launch_instance

if __name__ == "__main__":
    main()
