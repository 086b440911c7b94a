"""What the sections of the resident page share: the participant's session, the page's
language and messages, and the hooks through which the page and the session reach them.

A domain adds a section to the resident page by listing its class in ``SECTIONS`` of its
``page`` module (see :mod:`workbench.registry`); the page builds it with the session and
puts its widgets where ``SLOT`` and ``ORDER`` say.
"""

from __future__ import annotations

from workbench import assets, i18n
from workbench.escaping import esc

#: where a section can stand, from the top of the page down: above the map, in the column
#: beside the map (below it on a phone), below the map
SLOTS = ("top", "beside_map", "below")


class PagePart:
    """A section of the resident page (``.widget``), or a panel inside one.

    ``session`` is the :class:`workbench.page.session.ParticipantSession` (the participant's
    code, supports, limits, device key, language); ``page`` is the shell
    (:class:`workbench.page.resident.ResidentApp`): its map, its error handler (``safe``) and
    its other sections by name (``section(name)``)."""

    #: how the shell and other sections find it (``page.section(NAME)``)
    NAME = ""
    #: where it stands (one of :data:`SLOTS`) and its place there, lowest first
    SLOT = "below"
    ORDER = 100
    #: a stylesheet beside the section's module, put into the page
    CSS: str | None = None
    #: message keys shown as good news (green); every other message is a problem (red)
    OK_MESSAGES: frozenset[str] = frozenset()
    #: built when the resident first opens it, not at page start: a section below a phone's
    #: first screen stands folded under its heading (``HEADING``, a message key) until
    #: tapped (:class:`workbench.page.fold.Fold`). Folded, it may still read what the map
    #: shows (``refresh``); its widgets are made by ``build``, and ``render`` waits for them.
    LAZY = False
    HEADING = ""
    #: whether ``build`` has made the widgets (at page start, or when first opened)
    built = False

    def __init__(self, session, page):
        self.session = session
        self.page = page
        self.store = session.store
        session.watch(self)

    @property
    def widgets(self) -> list:
        """What the page shows of it, in order (most sections: their one ``widget``)."""
        return [self.widget]

    @property
    def lang(self) -> str:
        return self.session.lang

    def t(self, key: str, **params) -> str:
        return i18n.t(self.lang, key, **params)

    def message_html(self, message: tuple[str, dict] | None) -> str:
        """A (key, params) message as escaped HTML, or "" for none."""
        if not message:
            return ""
        key, params = message
        css = "wb-ok" if key in self.OK_MESSAGES else "wb-error"
        return f"<span class='{css}'>{esc(self.t(key, **params))}</span>"

    def fold_label(self) -> str:
        """What the fold of a LAZY section says (its heading)."""
        return self.t(self.HEADING)

    # -- hooks: the page calls these ----------------------------------------------------------
    def build(self) -> None:
        """Make the section's widgets (``widgets``): at page start, or when a LAZY section
        is first opened (then ``refresh`` follows)."""

    def render(self) -> None:
        """Show everything again in the page's language (after a language switch)."""

    def refresh(self) -> None:
        """Read again from the store and show it (on opening the page, after a proposal)."""

    def start(self, query: dict[str, list[str]]) -> None:
        """The resident's link has arrived (parsed query string: ``?workshop=12``)."""

    def show_unexpected(self) -> None:
        """A callback failed (logged on the server): say so, if this section says such
        things."""

    # -- hooks: the session calls these ------------------------------------------------------
    def on_code(self) -> None:
        """The page's participation code came or went."""

    def on_code_message(self, point: bool) -> None:
        """The message beside the code field changed; ``point``: an action needs a code."""

    def on_respondent(self) -> None:
        """The browser's device key arrived: anonymous answers are now this browser's."""


def stylesheet(part: type) -> str:
    """The CSS of a section class (its ``CSS`` file, beside its module), or ""."""
    if not part.CSS:
        return ""
    return assets.stylesheet(part.__module__.rpartition(".")[0], part.CSS)
