"""Callbacks that fail politely.

An exception inside a widget callback is otherwise sent to the browser over the websocket,
source lines included (Jupyter's ``allow_tracebacks`` covers only part of this). Every resident
callback goes through :func:`guarded`: the error is logged on the server and the resident sees
a friendly message in their language.
"""

from __future__ import annotations

import functools
import logging
import sys

from .. import settings

_configured = False


def server_log() -> logging.Logger:
    """The workbench logger, writing to the server's terminal and to home/logs/workbench.log.

    ``sys.__stderr__`` is the kernel process's real stderr (the Voilà terminal); the
    ``sys.stderr`` of a kernel would send the text to the page instead."""
    global _configured
    logger = logging.getLogger("workbench")
    if not _configured:
        _configured = True
        logger.setLevel(logging.DEBUG if settings.get("debug") else logging.INFO)
        logger.propagate = False
        fmt = logging.Formatter("%(asctime)s %(levelname)s [%(name)s pid %(process)d] %(message)s")
        stream = logging.StreamHandler(sys.__stderr__)
        stream.setFormatter(fmt)
        logger.addHandler(stream)
        try:
            logs = settings.home() / "logs"
            logs.mkdir(exist_ok=True)
            file_handler = logging.FileHandler(logs / "workbench.log", encoding="utf-8")
            file_handler.setFormatter(fmt)
            logger.addHandler(file_handler)
        except OSError:  # a read-only home still gets terminal logging
            pass
    return logger


def guarded(on_failure):
    """Decorate a callback so that an exception is logged, not shown; ``on_failure()`` then
    tells the resident in their language."""
    def decorate(callback):
        @functools.wraps(callback)
        def wrapper(*args, **kwargs):
            try:
                return callback(*args, **kwargs)
            except Exception:
                server_log().exception("callback %s failed", callback.__qualname__)
                try:
                    on_failure()
                except Exception:
                    server_log().exception("on_failure handler failed too")
        return wrapper
    return decorate
