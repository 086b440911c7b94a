"""Files offered for download in a planner's notebook and in the same notebook run as a Voilà
app: an HTML link holding the file as a ``data:`` URL with the ``download`` attribute.

Why a link and not a button that writes a file: Voilà never serves the files beside a notebook
(and a committee member has no terminal), and scripts in outputs do not run there; a plain
anchor works alike in JupyterLab, in Voilà and in Voilà's preview (its frame allows
downloads). The file is made by the server when the link is drawn, so the browser needs no
round trip on the click.
"""

from __future__ import annotations

import base64
import re
from typing import Callable

import ipywidgets as w

from workbench.escaping import esc

#: Chromium refuses URLs over 2 MiB; base64 grows a file by a third
MAX_BYTES = 1_500_000
CSV = "text/csv"
EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"

_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


class FileTooLarge(ValueError):
    """The file is larger than a link can carry (:data:`MAX_BYTES`)."""


def safe_filename(name: str, fallback: str = "download") -> str:
    """A file name a browser can save anywhere: no folders, control or reserved characters,
    no leading dots, at most 100 characters (Chinese is kept)."""
    cleaned = _UNSAFE.sub("_", str(name or "")).strip(" ._")
    return cleaned[-100:] if cleaned else fallback


def download_html(data: bytes, filename: str, label: str, mime: str) -> str:
    """An ``<a download>`` link carrying ``data``; ``label`` and the file name are escaped.
    Raises :class:`FileTooLarge` over :data:`MAX_BYTES`."""
    if len(data) > MAX_BYTES:
        raise FileTooLarge(f"{len(data)} bytes")
    payload = base64.b64encode(data).decode("ascii")
    name = safe_filename(filename)
    return (f"<a class='wb-download' download=\"{esc(name)}\" "
            f"href=\"data:{esc(mime)};base64,{payload}\" title=\"{esc(name)}\">"
            f"<span aria-hidden='true'>⬇</span> {esc(label)}</a>")


class DownloadLink:
    """A download link (``.widget``) whose file ``make()`` builds; :meth:`refresh` builds it
    again (after the state it shows has changed); ``make()`` returning None offers nothing
    (e.g. no topic chosen yet). ``too_large`` is said instead of the link
    when the file is too large to carry, ``failed`` when ``make`` raised."""

    def __init__(self, label: str, filename: str | Callable[[], str], mime: str,
                 make: Callable[[], bytes], too_large: str, failed: str = ""):
        self.label, self.filename, self.mime, self.make = label, filename, mime, make
        self.too_large, self.failed = too_large, failed
        self.widget = w.HTML()
        self.widget.add_class("wb-download-box")
        self.refresh()

    def refresh(self) -> None:
        name = self.filename() if callable(self.filename) else self.filename
        try:
            data = self.make()
            self.widget.value = "" if data is None else download_html(data, name, self.label,
                                                                       self.mime)
        except FileTooLarge:
            self.widget.value = f"<span class='wb-hint'>{esc(self.label)}: {esc(self.too_large)}</span>"
        except Exception:  # noqa: BLE001 - a failing file must not break the panel around it
            from workbench.page.safety import server_log

            server_log().exception("download %s failed", name)
            self.widget.value = f"<span class='wb-error'>{esc(self.failed or self.label)}</span>"
