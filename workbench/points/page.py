"""Points (积分) on the resident page, with the participation code: my balance and its
history (credits still under review shown apart, not counted), my service hours, and the
community's redemption catalogue, where a tap on an item asks to confirm and the confirmation
spends the points and shows a receipt.

Redeeming twice by a repeated click is impossible: each confirmation shown carries its own
request key, and the ledger answers a repeated key with the first redemption's receipt
(:meth:`workbench.points.queries.PointsStore.redeem_points`). The needs pool is the section
beside it (:mod:`.needs_page`).
"""

from __future__ import annotations

import secrets

import ipywidgets as w

from workbench import settings
from workbench.escaping import esc
from workbench.page.access import link_message, scroll_to
from workbench.points.needs_page import NeedsSection
from workbench.points.resident_page import PointsPart, close_children, message_line

#: the most redemptions one page may make (a script driving a kernel is held back)
REDEEMS_PER_PAGE = 50
#: the newest entries of the history shown
HISTORY_SHOWN = 30

#: how the ledger names a room booking's charge (workbench.activities.queries: "room:<id>")
ROOM_CHARGE = "room:"


class PointsSection(PointsPart):
    """My points and the catalogue (see the module's doc)."""

    NAME = "points"
    ORDER = 70
    HEADING = "points.page.heading"

    def build(self) -> None:
        super().build()
        safe = self.page.safe
        self.limiter = self.session.limiter("points_redeem", REDEEMS_PER_PAGE, 0)
        self.balance, self.minutes = 0, 0
        self.history: list[dict] = []
        self.pending: list[dict] = []
        self.left: dict[str, int] = {}
        self.chosen: str | None = None       # the catalogue item whose confirmation is shown
        self.request_key: str | None = None  # that confirmation's key (one redemption)
        self.receipt: dict | None = None
        self.problem: tuple[str, dict] | None = None
        self.balance_html = w.HTML()
        self.balance_html.add_class("wb-points-balance")
        self.history_html = w.HTML()
        self.catalogue_heading = w.HTML()
        self.catalogue_box = w.VBox()
        self.catalogue_box.add_class("wb-points-catalogue")
        self.confirm_text = w.HTML()
        self.confirm_button = w.Button(button_style="primary")
        self.confirm_button.add_class("wb-points-confirm")
        self.confirm_button.on_click(safe(self._on_confirm))
        self.cancel_button = w.Button()
        self.cancel_button.add_class("wb-points-cancel")
        self.cancel_button.on_click(safe(lambda _b: self.choose(None)))
        self.redeem_message = message_line()
        self.redeem_message.add_class("wb-error")
        link_message("points-redeem", self.confirm_button, self.redeem_message)
        self.confirm_box = w.VBox([self.confirm_text,
                                   w.HBox([self.confirm_button, self.cancel_button]),
                                   self.redeem_message])
        self.confirm_box.add_class("wb-points-confirm-box")
        self.receipt_html = message_line()
        self.body.children = [self.balance_html, self.history_html, self.catalogue_heading,
                              self.catalogue_box]

    # -- reading ----------------------------------------------------------------------------
    def read(self) -> None:
        store, code_id = self.store, self.code_id
        self.balance = store.points_balance(code_id)
        self.minutes = store.service_minutes(code_id)
        self.history = store.points_history(code_id)
        self.pending = store.points_credits_of(code_id)
        self.left = store.points_stock_left(self.community.id)

    def stock_left(self, item) -> int | None:
        """How many are left of a catalogue item here; None: no limit."""
        if item.stock is None:
            return None
        return self.left.get(item.id, item.stock)

    # -- drawing ----------------------------------------------------------------------------
    def render(self) -> None:
        if not self.built:
            return
        self.render_intro()
        if not self.ready:
            self.choose(None)
            return
        t = self.t
        hours = f"{self.minutes / 60:.1f}".removesuffix(".0")
        waiting = sum(c["points"] for c in self.pending)
        lines = [f"<h3>{esc(t('points.page.balance_heading'))}</h3>",
                 (f"<p><span class='wb-points-figure'>{self.balance:,}</span> "
                  f"{esc(t('points.page.points'))}</p>")]
        if self.pending:
            pending = t("points.page.pending", n=len(self.pending), points=waiting)
            lines.append(f"<p class='wb-hint'>{esc(pending)}</p>")
        lines.append(f"<p>{esc(t('points.page.hours', hours=hours))}</p>")
        self.balance_html.value = "".join(lines)
        self.history_html.value = self.history_text()
        self.catalogue_heading.value = (
            f"<h3>{esc(t('points.page.catalogue_heading'))}</h3>"
            f"<p class='wb-hint'>{esc(t('points.page.catalogue_explain'))}</p>")
        self.render_catalogue()

    def history_text(self) -> str:
        """My entries, newest first, and the credits under review above them (not counted)."""
        t, rules = self.t, self.rules
        rows = []
        for credit in reversed(self.pending):
            rule = rules.rule(credit["rule_id"])
            what = rule.title(self.lang) if rule else credit["rule_id"]
            rows.append(self._history_row(credit["created_at"], "pending",
                                          f"+{credit['points']:,}", what, "wb-points-pending"))
        for entry in reversed(self.history[-HISTORY_SHOWN:]):
            rows.append(self._history_row(entry["created_at"], entry["kind"],
                                          f"{entry['points']:+,}", self.entry_text(entry),
                                          "wb-points-in" if entry["points"] > 0
                                          else "wb-points-out"))
        if not rows:
            body = f"<p class='wb-hint'>{esc(t('points.page.no_history'))}</p>"
        else:
            older = len(self.history) - HISTORY_SHOWN
            body = (f"<ul class='wb-points-history'>{''.join(rows)}</ul>"
                    + (f"<p class='wb-hint'>{esc(t('points.page.older', n=older))}</p>"
                       if older > 0 else ""))
        return f"<h3>{esc(t('points.page.history_heading'))}</h3>{body}"

    def _history_row(self, at, kind: str, points: str, what: str, css: str) -> str:
        return (f"<li class='{css}'><span class='wb-points-when'>{esc(self.when(at))}</span> "
                f"<span class='wb-points-kind'>{esc(self.t('points.page.kind.' + kind))}</span> "
                f"<span class='wb-points-amount'>{esc(points)}</span>"
                f"<span class='wb-points-what'>{esc(what)}</span></li>")

    def entry_text(self, entry: dict) -> str:
        """What one ledger entry was for, in the page's language."""
        t, kind = self.t, entry["kind"]
        if kind == "earn":
            rule = self.rules.rule(entry["rule_id"] or "")
            return rule.title(self.lang) if rule else (entry["rule_id"] or "")
        if kind == "redeem":
            item = self.rules.item(entry["rule_id"] or "")
            title = (item.title(self.lang) if item
                     # a room booked on the page is charged by the hour, not from the catalogue
                     else t("points.page.room_booking")
                     if (entry["rule_id"] or "").startswith(ROOM_CHARGE) else entry["rule_id"])
            return t("points.page.redeemed_for", item=title, code=entry["receipt_code"] or "")
        if kind == "transfer":
            return t("points.page.transfer_in" if entry["points"] > 0
                     else "points.page.transfer_out")
        if kind == "adjust":
            return t("points.page.adjusted", reason=entry["reason"] or "")
        return t("points.page.expired")

    def where(self, item) -> str:
        return self.place_name(item.public_space) if item.public_space else item.partner

    def render_catalogue(self) -> None:
        """One card per item (title, price, how many left, where) with its Redeem button;
        the confirmation and the receipt open right below the item tapped."""
        t, safe = self.t, self.page.safe
        close_children(self.catalogue_box, keep=(self.confirm_box, self.receipt_html))
        cards = []
        for item in self.rules.catalogue:
            left = self.stock_left(item)
            facts = [t("points.page.price", points=item.price),
                     t("points.page.where", place=self.where(item))]
            if left is not None:
                facts.insert(1, t("points.page.left", n=left))
            card = w.HTML(f"<b>{esc(item.title(self.lang))}</b><br>"
                          + "<br>".join(esc(f) for f in facts))
            button = w.Button(description=t("points.page.redeem"),
                              disabled=left == 0)
            button.add_class("wb-points-redeem")
            button.on_click(safe(lambda _b, item_id=item.id: self.choose(item_id)))
            box = w.VBox([card, button])
            box.add_class("wb-points-item")
            cards.append(box)
            if item.id == self.chosen:
                cards.append(self.receipt_html if self.receipt else self.confirm_box)
        self.catalogue_box.children = cards
        self.render_choice()

    def render_choice(self) -> None:
        t, item = self.t, self.rules.item(self.chosen or "")
        if item is not None:
            self.confirm_text.value = esc(t("points.page.confirm", item=item.title(self.lang),
                                            points=item.price, balance=self.balance))
        self.confirm_button.description = t("points.page.confirm_button")
        self.cancel_button.description = t("points.page.cancel")
        self.redeem_message.value = (esc(t(self.problem[0], **self.problem[1]))
                                     if self.problem else "")
        self.receipt_html.value = self.receipt_text() if self.receipt else ""

    def receipt_text(self) -> str:
        """The receipt of the last redemption, in the page's language, with the local date."""
        t, r = self.t, self.receipt
        item = self.rules.item(r["item_id"])
        entry = next((e for e in self.history if e["id"] == r["entry_id"]), None)
        lines = [item.title(self.lang) if item else r["item_id"],
                 t("points.page.where", place=self.where(item)) if item else "",
                 t("points.page.spent", points=-entry["points"]) if entry else "",
                 t("points.page.on", date=self.when(entry["created_at"] if entry else None)),
                 t("points.page.balance_now", points=r["balance"])]
        return (f"<div class='wb-receipt' role='status'>"
                f"<h3>{esc(t('points.page.receipt_heading'))}</h3>"
                f"<div>{esc(t('receipt.code'))}: <span class='wb-code'>"
                f"{esc(r['receipt_code'])}</span></div>"
                + "".join(f"<div>{esc(line)}</div>" for line in lines if line)
                + f"<p>{esc(t('points.page.receipt_keep'))}</p></div>")

    # -- redeeming --------------------------------------------------------------------------
    def choose(self, item_id: str | None) -> None:
        """Ask to confirm redeeming ``item_id`` (None: take the question away). A new
        confirmation is a new request: its key is made now."""
        self.chosen = item_id if self.rules is not None and self.rules.item(item_id or "") \
            else None
        self.request_key = secrets.token_hex(16) if self.chosen else None
        self.receipt, self.problem = None, None
        if self.ready:
            self.render_catalogue()
            if self.chosen:
                scroll_to(self.confirm_box)

    def _on_confirm(self, _button=None) -> None:
        self.redeem()

    def redeem(self) -> dict | None:
        """Spend the points on the chosen item; the receipt (also when this confirmation was
        sent before: the same one), or None with the reason shown below the button."""
        item = self.rules.item(self.chosen or "") if self.rules is not None else None
        if item is None:
            return None
        home = (self.store.points_account(self.code_id) or {}).get(
            "community_id", self.community.id) if self.code_id else self.community.id
        key = self.request_key
        self.confirm_button.disabled = True  # a second tap waits for the answer
        self.confirm_button.description = self.t("points.page.working")
        try:
            outcome = self.act(self.limiter, lambda code_id, _valid: self._redeem(
                code_id, home, item.id, key))
        finally:
            self.confirm_button.disabled = False
        if not outcome.done:
            self.problem = outcome.message
            self.render_choice()
            return None
        self.receipt = dict(outcome.value, item_id=item.id)
        self.refresh()
        scroll_to(self.receipt_html)
        return self.receipt

    def _redeem(self, code_id: int, home: str, item_id: str, key: str) -> dict:
        from workbench.points import workflow

        return workflow.redeem(self.store, self.rules, code_id, home, self.community.id,
                               item_id, settings.get("points_across_communities"),
                               request_key=key)

    def show_unexpected(self) -> None:
        if getattr(self, "confirm_button", None) is not None:
            self.confirm_button.disabled = False
            self.problem = ("error.unexpected", {})
            self.render_choice()


SECTIONS = [PointsSection, NeedsSection]
