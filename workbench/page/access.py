"""What the resident page says to screen readers and browsers beyond what widgets expose.

ipywidgets give a control its label (``description``) and classes (``add_class``), but no
ARIA attributes. The page's template carries a small script
(``share/jupyter/voila/templates/workbench/static/workbench-page.js``) that reads classes and
data attributes the kernel puts on the page and sets the attributes from them. This module
writes those classes and notes, so that the sections never spell them out:

- :func:`document_note`: the document's language (``<html lang>``) and title;
- :func:`name_note`: an accessible name (and role) for elements of a class (the map);
- :func:`link_message`: a message line is a live region describing its field, which is
  marked invalid while the line says something; :func:`live` for messages of no field;
- :func:`scroll_to`: bring a widget into view after an action (each call scrolls once more);
- :func:`chip`: a coloured label whose text colour reads on its background (WCAG AA).
"""

from __future__ import annotations

import itertools
import re

from workbench.escaping import esc

#: the languages of the page as ``<html lang>`` wants them
HTML_LANG = {"zh": "zh-CN", "en": "en"}
_KEY = re.compile(r"[a-z0-9_-]+")
_scrolls = itertools.count(1)


def document_note(lang: str, title: str) -> str:
    """A hidden note giving the document its language and ``<title>``."""
    return (f"<span class='wb-doc' hidden data-lang='{esc(HTML_LANG.get(lang, lang))}' "
            f"data-title='{esc(title)}'></span>")


def name_note(target_class: str, label: str, role: str | None = None) -> str:
    """A hidden note naming every element of class ``target_class`` (for a widget, its
    first control) ``label``, with ``role`` if the element has none."""
    role_attr = f" data-role='{esc(role)}'" if role else ""
    return (f"<span class='wb-aria' hidden data-target='{esc(target_class)}' "
            f"data-label='{esc(label)}'{role_attr}></span>")


def link_message(key: str, field, message) -> None:
    """``message`` (an HTML widget) is the live message line of ``field`` (a widget, or a box
    of them); ``key`` is unique on the page (letters, digits, - and _)."""
    if not _KEY.fullmatch(key):
        raise ValueError(f"not a message key: {key!r}")
    field.add_class(f"wb-for-{key}")
    message.add_class(f"wb-msg-{key}")


def live(widget) -> None:
    """A message that screen readers announce when it changes."""
    widget.add_class("wb-live")


def scroll_to(widget) -> None:
    """Scroll ``widget`` into view in the browser (once per call)."""
    for name in [c for c in widget._dom_classes if c.startswith("wb-scroll-")]:
        widget.remove_class(name)
    widget.add_class(f"wb-scroll-{next(_scrolls)}")


# -- colours ---------------------------------------------------------------------------------
def _luminance(colour: str) -> float:
    """Relative luminance of a #rrggbb colour (WCAG 2.1)."""
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    channels = [int(value[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour_on(background: str) -> str:
    """Black or white, whichever reads better on ``background``: one of them always has a
    contrast of at least 4.5:1."""
    return "#000000" if contrast(background, "#000000") >= contrast(background, "#ffffff") \
        else "#ffffff"


def chip(text: str, background: str) -> str:
    """A coloured label (class wb-chip) with readable text; ``text`` is escaped here."""
    if not re.fullmatch(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?", background or ""):
        background = "#333333"
    return (f"<span class='wb-chip' style='background:{background};"
            f"color:{text_colour_on(background)}'>{esc(text)}</span>")
