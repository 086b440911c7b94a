"""Files that ship inside the package beside the modules that use them: stylesheets.

CSS lives in ``.css`` files (package data), never in Python strings: the resident page's
sections, the planners' panels, the workshop screen, the reports and the code slips read
theirs through :func:`stylesheet`. Reports inline it (they fetch nothing).
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files


@cache
def stylesheet(package: str, name: str) -> str:
    """The text of the stylesheet ``name`` in ``package`` (e.g. "workbench.agenda")."""
    return files(package).joinpath(name).read_text(encoding="utf-8")


def style_tag(package: str, name: str) -> str:
    """The stylesheet as a ``<style>`` element, for an HTML widget."""
    return "<style>\n" + stylesheet(package, name) + "</style>\n"
