"""The list of proposals on the resident page: numbered as on the map, with their supports
and photos, a page of rows at a time; a marker tapped on the map shows its proposal. Resident
text is escaped wherever it is shown (HTML widgets and map popups alike).
"""

from __future__ import annotations

import ipywidgets as w
from ipywidgets.widgets.widget_string import HTMLStyle

from workbench import vocabulary
from workbench.escaping import esc
from workbench.page.access import chip
from workbench.page.part import PagePart
from workbench.proposals.photo_widget import ListedPhotos
from workbench.proposals.rules import ProposalInvalid

#: newest proposals read for the map, the numbering and the duplicate warning (plain dicts)
LIST_LIMIT = 300
#: rows listed with their buttons at first, and added by each "show more": every row is three
#: widgets, and a page of 20 keeps a phone's first load quick and the kernel small
LIST_PAGE = 20
SUPPORT_CLICKS = 120  # most support clicks one page session may make


class ProposalList(PagePart):
    """The newest proposals, a page at a time, each with its support and discuss buttons; and
    the proposals on the map with their popups."""

    NAME = "proposal_list"
    ORDER = 20
    CSS = "page.css"
    # folded at start: the map shows the proposals (read at start), the list when opened
    LAZY = True
    HEADING = "list.heading"

    def __init__(self, session, page):
        super().__init__(session, page)
        self.community = session.community
        self.support_limiter = session.limiter("supports", SUPPORT_CLICKS, 0)
        self.rows: list[dict] = []
        self.total_proposals = 0
        self.counts: dict[int, int] = {}
        self.comment_counts: dict[int, int] = {}
        self.list_limit = LIST_PAGE
        #: (proposal id, widget) shown right below that proposal's row (its discussion)
        self.beside: tuple[int, w.Widget] | None = None
        self.page.map.proposals.on_click(self.page.safe(self._on_proposal_click))
        self.photos = ListedPhotos(self)  # which rows have a photo; a photo read when opened

    def build(self) -> None:
        safe = self.page.safe
        self.list_html = w.HTML()
        self.list_rows = w.VBox()
        self.more_button = w.Button(layout={"width": "auto"})
        self.more_button.add_class("wb-more")
        self.more_button.on_click(safe(lambda _b: self.show_more()))
        self.widget = w.VBox([self.list_html, self.list_rows, self.more_button])
        self.widget.add_class("wb-list")
        self._row_widgets: dict[int, tuple[w.HTML, w.Button, w.Button]] = {}
        self._row_boxes: dict[int, w.HBox] = {}
        # every row shares one layout and style of each kind: a widget apiece would add
        # four widgets per row to the kernel and the page
        self._row_layout = w.Layout(align_items="flex-start")
        self._row_html_layout = w.Layout()
        self._row_html_style = HTMLStyle()
        self._row_button_layout = w.Layout(width="auto", min_width="110px")
        self._row_button_style = w.ButtonStyle()

    # -- reading --------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the newest proposals, their supports and comment counts; redraw the list and
        the map."""
        self.rows = self.store.list_proposals(self.community.id, limit=LIST_LIMIT)
        self.total_proposals = self.store.count_proposals(self.community.id)
        self.counts = self.store.support_counts(self.community.id)
        self.comment_counts = self.store.comment_counts(self.community.id)
        self.photos.refresh()
        self.session.reload_supports()
        # a hidden proposal stays in the list with the moderator's reason, but leaves the map
        self.page.map.show_proposals([r for r in self.rows if not r.get("hidden_reason")])
        self.render()

    def row(self, proposal_id: int) -> dict | None:
        """The row of a proposal this page has read, or None."""
        return next((r for r in self.rows if r["id"] == proposal_id), None)

    def comments_changed(self) -> None:
        self.comment_counts = self.store.comment_counts(self.community.id)
        self.render()

    def on_code(self) -> None:
        self.render()  # the support buttons say which proposals this code supports

    # -- showing --------------------------------------------------------------------------
    def show_more(self) -> None:
        """List the next page of older proposals."""
        self.list_limit = min(self.list_limit + LIST_PAGE, LIST_LIMIT)
        self.render()

    def list_text(self) -> str:
        """The list as the resident reads it (heading and every row), for checks."""
        return self.list_html.value + "".join(h.value for h, *_ in self._row_widgets.values())

    def fold_label(self) -> str:
        return f"{self.t('list.heading')} ({self.total_proposals})"

    def render(self) -> None:
        if not self.built:
            return  # drawn when opened
        t = self.t
        # the heading is the fold's (fold_label)
        head = f"<div class='wb-hint'>{esc(t('list.count', count=self.total_proposals))}</div>"
        self.list_html.value = head + ("" if self.rows else f"<p>{esc(t('list.empty'))}</p>")
        colours = {s["code"]: s["color"] for s in vocabulary.scenarios()}
        spaces = self.community.public_spaces
        supported = self.session.supported
        rows = []
        listed = self.rows[:self.list_limit]
        for number, row in enumerate(listed, start=1):
            chip_html = chip(vocabulary.scenario_label(row["scenario"], self.lang),
                             colours.get(row["scenario"], "#333333"))
            place = ""
            if row.get("public_space_id") in spaces:
                name = spaces[row["public_space_id"]]["properties"][f"name_{self.lang}"]
                place = f"<br><span class='wb-hint'>{esc(t('list.at', place=name))}</span>"
            desc = f"<br>{esc(row['description'][:200])}" if row.get("description") else ""
            text, button, talk = self._row(row["id"])
            talk.description = t("discuss.button", count=self.comment_counts.get(row["id"], 0))
            if row.get("hidden_reason"):
                # the moderator's public reason in the proposal's place; nothing is deleted
                text.value = (f"<div class='wb-row wb-hidden'>{number}. "
                              f"{esc(t('discuss.hidden', reason=row['hidden_reason']))}</div>")
                self._row_boxes[row["id"]].children = [text, talk]
            else:
                text.value = (f"<div class='wb-row'>{number}. {chip_html}<b>{esc(row['title'])}</b>"
                              f"{desc}{place}</div>")
                count = self.counts.get(row["id"], 0)
                mine = row["id"] in supported
                button.description = t("support.done" if mine else "support.do", count=count)
                button.button_style = "success" if mine else ""
                self._row_boxes[row["id"]].children = [text, button, talk,
                                                       *self.photos.widgets(row)]
            rows.append(self._row_boxes[row["id"]])
            if self.beside is not None and self.beside[0] == row["id"]:
                rows.append(self.beside[1])
        self.list_rows.children = rows
        more = len(self.rows) - len(listed)
        self.more_button.description = t("list.more", count=min(more, LIST_PAGE))
        self.more_button.layout.display = None if more > 0 else "none"
        # rows that left the list (pushed down by newer ones) are closed, so a long session
        # does not keep widgets nobody sees
        shown = {r["id"] for r in listed}
        for pid in [p for p in self._row_boxes if p not in shown]:
            box = self._row_boxes.pop(pid)
            self.photos.forget(pid)
            for widget in (*self._row_widgets.pop(pid), box):
                widget.close()

    def show_beside(self, proposal_id: int, widget: w.Widget) -> bool:
        """Show ``widget`` right below a listed proposal's row (where the resident acted);
        False when the list does not show that proposal."""
        if proposal_id not in {r["id"] for r in self.rows[:self.list_limit]}:
            return False
        self.page.open_section(self.NAME)
        self.beside = (proposal_id, widget)
        self.render()
        return True

    def _row(self, proposal_id: int) -> tuple[w.HTML, w.Button, w.Button]:
        """A row's text, support and discuss buttons: made once, reused by every redraw."""
        if proposal_id not in self._row_widgets:
            safe = self.page.safe
            button = w.Button(layout=self._row_button_layout, style=self._row_button_style)
            button.add_class("wb-support")
            button.on_click(safe(lambda _b: self.toggle_support(proposal_id)))
            talk = w.Button(layout=self._row_button_layout, style=self._row_button_style)
            talk.add_class("wb-discuss")
            talk.on_click(safe(lambda _b: self.open_discussion(proposal_id)))
            html_row = w.HTML(layout=self._row_html_layout, style=self._row_html_style)
            self._row_widgets[proposal_id] = (html_row, button, talk)
            self._row_boxes[proposal_id] = w.HBox(layout=self._row_layout)
        return self._row_widgets[proposal_id]

    def _on_proposal_click(self, event=None, feature=None, properties=None, **_) -> None:
        pid = (properties or {}).get("id")
        row = self.row(pid)
        if row is None:
            return
        supports_text = esc(self.t("support.count", count=self.counts.get(pid, 0)))
        # the tap went on to the map too and put the resident's pin here (its space chosen)
        self.page.map.show_popup(row["lat"], row["lon"], (
            f"<b>{esc(row['title'])}</b><br>{supports_text}<br>"
            f"{esc(vocabulary.scenario_label(row['scenario'], self.lang))}<br>"
            f"{esc(row['description'][:280])}"
            f"<p class='wb-hint'>{esc(self.t('map.pin_here_too'))}</p>"))

    # -- acting ---------------------------------------------------------------------------
    def toggle_support(self, proposal_id: int) -> None:
        """Support a proposal with this page's code, or take the support back. What went
        wrong is said beside the code field."""
        def shown() -> None:
            if proposal_id not in {r["id"] for r in self.rows[:self.list_limit]
                                   if not r.get("hidden_reason")}:
                # not a proposal this page shows for support
                raise ProposalInvalid({"proposal": ("error.unexpected", {})})

        def write(code_id, _valid) -> None:
            now = proposal_id not in self.session.supported
            self.store.set_support(proposal_id, code_id, now)

        outcome = self.session.act(self.support_limiter, write, validate=shown,
                                   need_code="support.need_code",
                                   limit_messages={"error.too_many": "error.too_many_clicks"})
        self.session.show_code_message(outcome.message)
        if outcome.done:
            self.session.reload_supports()
            self.counts = self.store.support_counts(self.community.id)
            self.render()

    def open_discussion(self, proposal_id: int) -> None:
        """Open a listed proposal's discussion (the deliberation section's panel)."""
        row = self.row(proposal_id)
        discussions = self.page.section("discussions")
        if row is not None and discussions is not None:
            discussions.open(row)
