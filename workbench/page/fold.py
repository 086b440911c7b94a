"""A folded section of the resident page: its heading, a button that opens the section (making
its widgets the first time) and closes it again, and the place it opens in.

A phone's first screen shows the map and the proposal form; the sections below them (the
proposals, the agenda, statements, surveys) cost the kernel memory and the browser time to
draw, and many visits never reach them. Folded, each is three small widgets until opened.
The page's script gives the heading ``role=heading`` and the button ``aria-expanded`` from
the classes set here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import ipywidgets as w


@dataclass
class FoldLooks:
    """The layouts and style every fold of a page shares (fewer models in the kernel and
    the browser); each fold's body keeps its own layout, which opens and closes."""

    box: w.Layout = field(default_factory=w.Layout)
    button: w.Layout = field(default_factory=lambda: w.Layout(width="100%"))
    button_style: w.ButtonStyle = field(default_factory=w.ButtonStyle)


class Fold:
    """The place of a LAZY section (``part``) on the page (``.widget``).

    Folded, it is its heading alone: the body that holds the section's widgets is made when
    the section is first opened, and closing takes it off the page (kept for the next
    opening), so a fold never opened costs its page no model but its heading's."""

    def __init__(self, part, safe: Callable, looks: FoldLooks | None = None):
        looks = looks or FoldLooks()
        self.part = part
        self.looks = looks
        self.button = w.Button(layout=looks.button, style=looks.button_style)
        self.button.add_class("wb-fold-button")
        self.button.on_click(safe(lambda _b: self.toggle()))
        self.head = w.HBox([self.button], layout=looks.box)
        self.head.add_class("wb-fold-head")
        #: the section's widgets, under the heading while open (None until first opened)
        self.body: w.VBox | None = None
        self.widget = w.VBox([self.head], layout=looks.box)
        self.widget.add_class("wb-fold")
        self.widget.add_class(f"wb-fold-{part.NAME}")

    @property
    def is_open(self) -> bool:
        return self.body is not None and self.body in self.widget.children

    def toggle(self) -> None:
        if self.is_open:
            self.close()
        else:
            self.open()

    def open(self) -> None:
        """Show the section, made and read from the store the first time."""
        part = self.part
        if not part.built:
            part.build()
            part.built = True
            part.refresh()  # reads what the section shows and draws it
        if self.body is None:
            self.body = w.VBox(part.widgets, layout=self.looks.box)
        self.widget.children = (self.head, self.body)
        self.widget.add_class("wb-fold-open")
        self.render()

    def close(self) -> None:
        self.widget.children = (self.head,)
        self.widget.remove_class("wb-fold-open")
        self.render()

    def render(self) -> None:
        """The heading in the page's language (after a switch, or a count changed)."""
        self.button.description = self.part.fold_label()
