"""What the points sections of the resident page share (:mod:`.page`, :mod:`.needs_page`):
the community's rule file (:func:`workbench.points.hooks.community_rules`, read once while
unchanged), the participation code they all need, a write for the resident whose refusal is
shown in their language, local dates, lists drawn again.

Both sections are folded until opened (``LAZY``): the rule file's module brings pydantic, read
only then, so a page that never opens them costs the kernel nothing of it.
"""

from __future__ import annotations

import ipywidgets as w

from workbench.escaping import esc
from workbench.page.access import live
from workbench.page.formats import local_time
from workbench.page.part import PagePart
from workbench.page.session import Outcome
from workbench.points.hooks import community_rules
from workbench.points.ledger import PointsRefused


def close_children(box, keep=()) -> None:
    """Take a list's widgets off the page and out of the kernel before drawing it again,
    but for those in ``keep`` (drawn again in the new list)."""
    old, box.children = box.children, ()
    for child in old:
        if any(child is kept for kept in keep):
            continue
        if hasattr(child, "children"):
            close_children(child)
        child.close()


def message_line() -> w.HTML:
    """A line that says what came of an action, announced by screen readers."""
    line = w.HTML()
    live(line)
    return line


class PointsPart(PagePart):
    """A points section: folded until opened, shown only with the participation code."""

    LAZY = True
    CSS = "points_page.css"

    def build(self) -> None:
        self.rules = community_rules()
        self.code_id: int | None = None
        self.intro = self.page.text()
        self.body = w.VBox()  # what the section shows once the code is there
        self.widget = w.VBox([self.intro, self.body])
        self.widget.add_class("wb-points")

    @property
    def ready(self) -> bool:
        return self.rules is not None and self.code_id is not None

    @property
    def community(self):
        return self.session.community

    def refresh(self) -> None:
        if not self.built:
            return  # read when opened
        self.code_id = self.session.code_id
        if self.ready:
            self.read()
        self.render()

    def read(self) -> None:
        """Read what the section shows for ``self.code_id`` from the store."""

    def render_intro(self) -> None:
        """Without a code (or a rule file), one short line says what to do."""
        if self.rules is None:
            self.intro.value = f"<p class='wb-hint'>{esc(self.t('points.page.no_rules'))}</p>"
        elif self.code_id is None:
            self.intro.value = f"<p class='wb-hint'>{esc(self.t('points.page.enter_code'))}</p>"
        else:
            self.intro.value = ""
        self.body.layout.display = None if self.ready else "none"

    def on_code(self) -> None:
        self.refresh()

    def act(self, limiter, write, validate=None) -> Outcome:
        """:meth:`ParticipantSession.act` with the code this section needs; a refusal of the
        rules or the ledger (:class:`PointsRefused`) is the outcome's message."""
        try:
            return self.session.act(limiter, write, need_code="points.page.code_needed",
                                    validate=validate)
        except PointsRefused as refused:
            return Outcome(message=(refused.key, refused.params))

    def when(self, moment, with_time: bool = False) -> str:
        """A stored time as the community's local date (and time)."""
        return local_time(moment, self.community.time_zone, with_time=with_time)

    def place_name(self, space_id: str | None) -> str:
        """A public space's name in the page's language (its id if the map lacks it)."""
        space = self.community.public_spaces.get(space_id or "")
        if space is None:
            return space_id or ""
        return space["properties"].get(f"name_{self.lang}") or space_id
