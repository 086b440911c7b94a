"""How to join a workshop, as the screen shows it: a QR code of the residents' link, the link
written out short, and how many have joined."""

from __future__ import annotations

import re
from functools import lru_cache

import segno

from workbench import i18n
from workbench.escaping import esc


@lru_cache(maxsize=16)
def qr_svg(link: str) -> str:
    """A QR code of ``link`` as inline SVG, sized by CSS, black on white."""
    return segno.make(link, error="m").svg_inline(border=2, omitsize=True, dark="#000",
                                                  light="#fff")


def short_link(url: str) -> str:
    """The link as typed on a phone: without its scheme."""
    return re.sub(r"^https?://", "", url)


def join_html(link: str, lang: str) -> str:
    """The join panel: heading, QR code and the link."""
    return (f"<div class='wb-panel-h'>{esc(i18n.t(lang, 'workshop.join_heading'))}</div>"
            f"<div class='wb-qr' aria-label='QR'>{qr_svg(link)}</div>"
            f"<div>{esc(i18n.t(lang, 'workshop.join_or_open'))}</div>"
            f"<div class='wb-url'>{esc(short_link(link))}</div>")


def joined_html(joined: int, lang: str) -> str:
    """How many have joined, in big figures."""
    return (f"<div class='wb-joined' data-joined='{joined}'><b>{joined}</b>"
            f"<span>{esc(i18n.t(lang, 'workshop.joined'))}</span></div>")
