"""Callbacks that fail politely.

An exception inside a widget callback is otherwise sent to the browser over the websocket,
source lines included (Jupyter's ``allow_tracebacks`` covers only part of this). Every resident
callback goes through :func:`guarded`: the error is logged on the server and the resident sees
a friendly message in their language.
"""

from __future__ import annotations

import functools
import logging
import os
import sys

from workbench import settings

_configured = False
_terminal = None


def _is_kernel_stream(stream) -> bool:
    return type(stream).__name__ == "OutStream"  # ipykernel.iostream.OutStream


def terminal_stream():
    """A stream to the kernel process's real stderr (the Voilà terminal).

    In a kernel, ``sys.stderr`` is sent to the page over the websocket, and so is anything
    written to file descriptor 2 (ipykernel captures it); the copy of the original
    descriptor that ipykernel keeps is the one way to the terminal alone."""
    global _terminal
    if _terminal is None:
        fd = getattr(sys.stderr, "_original_stdstream_copy", None)
        _terminal = os.fdopen(os.dup(fd), "w", buffering=1) if fd is not None else sys.__stderr__
    return _terminal


def keep_output_off_the_wire() -> None:
    """Send the kernel's stdout, stderr and log output to the server terminal, not to the
    websocket: any client of a resident kernel would otherwise receive tracebacks (with the
    server's file paths) that ipykernel prints when a client sends a bad comm message."""
    if not (_is_kernel_stream(sys.stderr) or _is_kernel_stream(sys.stdout)):
        return  # not in a kernel (tests, command line)
    terminal = terminal_stream()
    loggers = [logging.getLogger()] + [
        lg for lg in logging.Logger.manager.loggerDict.values() if isinstance(lg, logging.Logger)]
    for lg in loggers:
        for handler in lg.handlers:
            if isinstance(handler, logging.StreamHandler) and _is_kernel_stream(handler.stream):
                handler.setStream(terminal)
    sys.stdout = terminal
    sys.stderr = terminal


def server_log() -> logging.Logger:
    """The workbench logger, writing to the server's terminal (never to the page) and to
    home/logs/workbench.log."""
    global _configured
    logger = logging.getLogger("workbench")
    if not _configured:
        _configured = True
        logger.setLevel(logging.DEBUG if settings.get("debug") else logging.INFO)
        logger.propagate = False
        fmt = logging.Formatter("%(asctime)s %(levelname)s [%(name)s pid %(process)d] %(message)s")
        stream = logging.StreamHandler(terminal_stream())
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
