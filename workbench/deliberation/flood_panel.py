"""Hiding a flood in one action, on the moderation panel: everything one client sent in a time
window (proposals, comments, statements), found by the busiest clients of the window, counted
before it is hidden, hidden with one public reason, and shown again by one button.

A client is the keyed hash of an address (:mod:`workbench.participation.floods`): the panel
shows its first eight digits, never an address, which it does not know. The store writes each
hide and its undoing with their entry in the moderation log (target "flood") in one
transaction (:meth:`Store.hide_flood`, :meth:`Store.unhide_flood`). Resident text is escaped.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import ipywidgets as w

from workbench import i18n
from workbench.deliberation.discussion import DiscussionInvalid, validate_reason
from workbench.escaping import esc
from workbench.page.safety import guarded, server_log
from workbench.participation.floods import WindowInvalid, check_client, parse_window
from workbench.store import StoreBusy

#: how a planner types a moment, in the community's time zone
TIME_FORMAT = "%Y-%m-%d %H:%M"
#: the window the panel starts with: the last hour
FIRST_WINDOW = timedelta(hours=1)
#: clients listed at once, busiest first
CLIENTS_SHOWN = 20
HIDES_SHOWN = 50
_KINDS = ("proposal", "comment", "statement")


def client_label(key: str) -> str:
    """How a client is named to a planner: enough of its key to tell clients apart."""
    return key[:8] if key else "-"


def _counts(counts: dict) -> dict:
    return {"proposals": counts.get("proposal", 0), "comments": counts.get("comment", 0),
            "statements": counts.get("statement", 0)}


class FloodCleanup:
    """The "hide a flood" part of the moderation panel (``.widget``) for one community.

    ``find()`` lists the busiest clients of the window typed; ``ask(key)`` shows how many
    things hiding that client's window would hide; ``confirm(reason)`` hides them; ``unhide(id)``
    shows a hide's things again. Each returns False (with a message beside its field, nothing
    written) when refused. ``on_change`` is called after a hide or its undoing (the panel
    around it reads its lists again)."""

    def __init__(self, store, community_id: str, moderator: str, lang: str = "zh",
                 time_zone: str = "Asia/Shanghai", on_change=None):
        self.store = store
        self.community_id = community_id
        self.moderator = moderator
        self.lang = lang
        self.zone = ZoneInfo(time_zone)
        self.on_change = on_change or (lambda: None)
        self.clients: list[dict] = []
        self.window: tuple[datetime, datetime] | None = None
        self.pending: dict | None = None  # the client and window waiting for "hide them"
        self.hides: list[dict] = []
        self._build()
        self.refresh_hides()

    def t(self, key: str, **params) -> str:
        return i18n.t(self.lang, key, **params)

    def local(self, moment: datetime) -> str:
        if moment.tzinfo is None:  # SQLite gives back UTC without its zone
            moment = moment.replace(tzinfo=timezone.utc)
        return moment.astimezone(self.zone).strftime(TIME_FORMAT)

    # -- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        safe = guarded(self._show_unexpected)
        t = self.t
        now = datetime.now(self.zone).replace(second=0, microsecond=0) + timedelta(minutes=1)
        self.start = w.Text(value=(now - FIRST_WINDOW).strftime(TIME_FORMAT),
                            description=t("planner.flood.start"), layout=w.Layout(width="260px"))
        self.end = w.Text(value=now.strftime(TIME_FORMAT), description=t("planner.flood.end"),
                          layout=w.Layout(width="260px"))
        self.find_button = w.Button(description=t("planner.flood.find"), icon="search",
                                    layout=w.Layout(width="auto"))
        self.find_button.on_click(safe(lambda _b: self.find()))
        self.window_error = w.HTML()
        self.clients_box = w.VBox()
        self.confirm_text = w.HTML()
        self.reason = w.Text(placeholder=t("planner.mod.reason_placeholder"),
                             description=t("planner.mod.reason"), continuous_update=False,
                             layout=w.Layout(width="420px"))
        self.confirm_button = w.Button(description=t("planner.flood.confirm"),
                                       button_style="danger", layout=w.Layout(width="auto"))
        self.confirm_button.on_click(safe(lambda _b: self.confirm(self.reason.value)))
        self.cancel_button = w.Button(description=t("planner.flood.cancel"),
                                      layout=w.Layout(width="auto"))
        self.cancel_button.on_click(safe(lambda _b: self.cancel()))
        self.reason_error = w.HTML()
        self.confirm_box = w.VBox([self.confirm_text, w.HBox([
            self.reason, self.confirm_button, self.cancel_button]), self.reason_error])
        self.confirm_box.add_class("wb-item")
        self.confirm_box.layout.display = "none"
        self.status = w.HTML()
        self.hides_box = w.VBox()
        self.widget = w.VBox([
            w.HTML(f"<h3>{esc(t('planner.flood.heading'))}</h3>"
                   f"<p class='wb-hint'>{esc(t('planner.flood.explain'))}</p>"
                   f"<p class='wb-hint'>{esc(t('planner.flood.times', zone=str(self.zone)))}"
                   "</p>"),
            # the question stands above the list, where the planner's eyes are after "find"
            w.HBox([self.start, self.end, self.find_button]), self.window_error,
            self.confirm_box, self.status, self.clients_box,
            w.HTML(f"<h4>{esc(t('planner.flood.hides_heading'))}</h4>"), self.hides_box])

    def _show_unexpected(self) -> None:
        self._say(self.status, ("error.unexpected", {}), ok=False)

    def _say(self, where: w.HTML, message: tuple[str, dict] | None, ok: bool = False) -> None:
        if message is None:
            where.value = ""
            return
        css = "wb-ok" if ok else "wb-error"
        where.value = f"<span class='{css}'>{esc(self.t(message[0], **message[1]))}</span>"

    # -- finding ----------------------------------------------------------------------------
    def find(self) -> bool:
        """List the busiest clients of the window typed."""
        self.cancel()
        self._say(self.status, None)
        try:
            self.window = parse_window(self.start.value, self.end.value, self.zone)
        except WindowInvalid as invalid:
            self._say(self.window_error, invalid.message)
            self.window, self.clients = None, []
            self.clients_box.children = []
            return False
        self._say(self.window_error, None)
        self.clients = self.store.flood_clients(self.community_id, *self.window,
                                                limit=CLIENTS_SHOWN)
        self._render_clients()
        return True

    def _render_clients(self) -> None:
        safe = guarded(self._show_unexpected)
        rows = []
        for client in self.clients:
            text = self.t("planner.flood.client", client=client_label(client["client_key"]),
                          first=self.local(client["first"]), last=self.local(client["last"]),
                          **_counts(client))
            sample = "".join(f"<li>{esc(s)}</li>" for s in client["sample"])
            html = w.HTML(f"<div>{esc(text)}</div><div class='wb-hint'>"
                          f"{esc(self.t('planner.flood.sample'))}<ul>{sample}</ul></div>")
            button = w.Button(description=self.t("planner.flood.ask"), button_style="warning",
                              layout=w.Layout(width="auto"))
            button.on_click(safe(lambda _b, key=client["client_key"]: self.ask(key)))
            row = w.VBox([html, w.HBox([button])])  # the button its own width
            row.add_class("wb-item")
            rows.append(row)
        self.clients_box.children = rows or [
            w.HTML(f"<p class='wb-hint'>{esc(self.t('planner.flood.none'))}</p>")]

    # -- hiding -----------------------------------------------------------------------------
    def ask(self, key) -> bool:
        """Show how many things hiding this client's window would hide, and ask to confirm."""
        self._say(self.status, None)
        try:
            key = check_client(key)
            if self.window is None or key not in {c["client_key"] for c in self.clients}:
                raise WindowInvalid("flood.no_client")
        except WindowInvalid as invalid:
            self._say(self.status, invalid.message)
            return False
        counts = self.store.flood_preview(self.community_id, key, *self.window)
        self.pending = {"key": key, "window": self.window, "counts": counts}
        self.confirm_text.value = esc(self.t(
            "planner.flood.confirm_text", client=client_label(key),
            start=self.local(self.window[0]), end=self.local(self.window[1]), **_counts(counts)))
        self._say(self.reason_error, None)
        self.confirm_box.layout.display = None
        return True

    def cancel(self) -> None:
        self.pending = None
        self.confirm_box.layout.display = "none"

    def confirm(self, reason) -> bool:
        """Hide what :meth:`ask` counted, with the public reason (required)."""
        if self.pending is None:
            self._say(self.status, ("flood.no_client", {}))
            return False
        try:
            clean = validate_reason(reason, required=True)
        except DiscussionInvalid as exc:
            problem = exc.errors["reason"]
            if problem[0] == "error.required":
                problem = ("planner.mod.reason_required", {})
            self._say(self.reason_error, problem)
            return False
        key, window = self.pending["key"], self.pending["window"]
        try:
            done = self.store.hide_flood(self.community_id, key, *window, clean, self.moderator)
        except StoreBusy:
            self._say(self.reason_error, ("planner.busy", {}))
            return False
        self.cancel()
        self.reason.value = ""
        if done is None:
            self._say(self.status, ("planner.flood.nothing", {}))
            return False
        hide_id, counts = done
        server_log().info("flood #%s hidden: %s", hide_id, counts)
        self._say(self.status, ("planner.flood.done", {"id": hide_id, **_counts(counts)}),
                  ok=True)
        self._after_change()
        return True

    def unhide(self, hide_id) -> bool:
        """Show again what one flood hide hid."""
        try:
            shown = self.store.unhide_flood(self.community_id, int(hide_id), self.moderator)
        except StoreBusy:
            self._say(self.status, ("planner.busy", {}))
            return False
        except (TypeError, ValueError):
            shown = None
        if shown is None:
            self._say(self.status, ("planner.flood.gone", {}))
            self.refresh_hides()
            return False
        self._say(self.status, ("planner.flood.unhidden", {"id": int(hide_id),
                                                           **_counts(shown)}), ok=True)
        self._after_change()
        return True

    def _after_change(self) -> None:
        if self.window is not None:
            self.clients = self.store.flood_clients(self.community_id, *self.window,
                                                    limit=CLIENTS_SHOWN)
            self._render_clients()
        self.refresh_hides()
        self.on_change()

    # -- what was hidden --------------------------------------------------------------------
    def refresh_hides(self) -> None:
        safe = guarded(self._show_unexpected)
        self.hides = self.store.flood_hides_of(self.community_id)[:HIDES_SHOWN]
        rows = []
        for hide in self.hides:
            text = self.t("planner.flood.hide_line", id=hide["id"],
                          when=self.local(hide["created_at"]), moderator=hide["moderator"],
                          client=client_label(hide["client_key"]),
                          start=self.local(hide["window_start"]),
                          end=self.local(hide["window_end"]), items=hide["items"],
                          reason=hide["reason"])
            parts = [w.HTML(esc(text))]
            if hide["undone_at"] is not None:
                parts.append(w.HTML("<span class='wb-hint'>" + esc(self.t(
                    "planner.flood.undone", when=self.local(hide["undone_at"]),
                    moderator=hide["undone_by"] or "")) + "</span>"))
            else:
                button = w.Button(description=self.t("planner.flood.unhide"),
                                  layout=w.Layout(width="auto"))
                button.on_click(safe(lambda _b, hide_id=hide["id"]: self.unhide(hide_id)))
                parts.append(w.HBox([button]))
            row = w.VBox(parts)
            row.add_class("wb-item")
            rows.append(row)
        self.hides_box.children = rows or [
            w.HTML(f"<p class='wb-hint'>{esc(self.t('planner.flood.hides_none'))}</p>")]
