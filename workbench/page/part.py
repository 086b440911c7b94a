"""What the sections of the resident page share: the page's language and its messages."""

from __future__ import annotations

from workbench import i18n
from workbench.page.safety import esc


class PagePart:
    """A section of a :class:`workbench.page.resident.ResidentApp` (``page``): it speaks the
    page's language and reads and writes through the page's store."""

    #: message keys shown as good news (green); every other message is a problem (red)
    OK_MESSAGES: frozenset[str] = frozenset()

    def __init__(self, page):
        self.page = page
        self.store = page.store

    @property
    def lang(self) -> str:
        return self.page.lang

    def t(self, key: str, **params) -> str:
        return i18n.t(self.lang, key, **params)

    def message_html(self, message: tuple[str, dict] | None) -> str:
        """A (key, params) message as escaped HTML, or "" for none."""
        if not message:
            return ""
        key, params = message
        css = "wb-ok" if key in self.OK_MESSAGES else "wb-error"
        return f"<span class='{css}'>{esc(self.t(key, **params))}</span>"
