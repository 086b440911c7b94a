"""The moderation queue of the planner notebook: reported proposals, photos, comments and
statements, and residents' statements waiting to be accepted, each with its buttons; the
newest photos (shown to residents at once, like text); a flood hidden in one action, by client
and time window (:mod:`workbench.deliberation.flood_panel`); what is hidden now (to show it
again); and the moderation log.

Every action goes through :meth:`Store.moderate`, which writes the change and its log entry in
one transaction. A reason for hiding is required and is PUBLIC: residents see "hidden by the
moderator: <reason>" in place of the text, so it is checked like any resident text
(:func:`workbench.deliberation.discussion.validate_reason`). Resident text is escaped
wherever it is shown.
"""

from __future__ import annotations

from collections import Counter

import ipywidgets as w

from workbench import i18n, settings
from workbench.deliberation.discussion import (ACTIONS, DiscussionInvalid, validate_reason)
from workbench.deliberation.flood_panel import FloodCleanup
from workbench.proposals.rules import check_text
from workbench.store import Store, StoreBusy
from workbench.assets import style_tag
from workbench.escaping import esc
from workbench.page.safety import guarded, server_log
from workbench.proposals.photo_widget import photo_img

#: Queue items shown at once (the oldest first); the rest wait for the next refresh.
QUEUE_LIMIT = 100
LOG_LIMIT = 200
#: the newest photos shown for a look (each a thumbnail of some 20 kB)
PHOTOS_SHOWN = 30
MODERATOR_MAX_CHARS = 100

#: the planners' panels' shared style (workbench/page/planner.css)
CSS = style_tag("workbench.page", "planner.css")

_KIND_KEYS = {"proposal": "planner.kind.proposal", "comment": "planner.kind.comment",
              "statement": "planner.kind.statement", "photo": "planner.kind.photo",
              "flood": "planner.kind.flood"}
_CONTEXT_KEYS = {"comment": "planner.mod.on_proposal", "photo": "planner.mod.photo_of",
                 "statement": "planner.mod.in_topic"}
_ACTION_KEYS = {"hide": "planner.mod.hide", "show": "planner.mod.show",
                "accept": "planner.mod.accept", "dismiss": "planner.mod.dismiss"}
_DONE_KEYS = {"hide": "planner.mod.done_hide", "show": "planner.mod.done_show",
              "accept": "planner.mod.done_accept", "dismiss": "planner.mod.done_dismiss"}


def check_moderator(name) -> str:
    """The moderator's name as logged: short plain text, required."""
    text, problem = check_text(name, required=True, max_chars=MODERATOR_MAX_CHARS)
    if problem:
        raise ValueError("the moderator's name (as it will appear in the log) must be plain "
                         f"text of 1 to {MODERATOR_MAX_CHARS} characters")
    return text


class ItemRow:
    """One thing waiting for a moderator (or hidden now): its text and its buttons."""

    def __init__(self, item: dict, panel: "ModerationQueue"):
        self.item = item
        self.kind = item["kind"]
        self.id = item["id"]
        t = panel.t
        safe = guarded(panel._show_unexpected)
        self.html = w.HTML(self._html(t))
        self.reason = w.Text(placeholder=t("planner.mod.reason_placeholder"),
                             description=t("planner.mod.reason"),
                             continuous_update=False, layout=w.Layout(width="420px"))
        self.error = w.HTML()
        self.buttons: dict[str, w.Button] = {}
        hidden = bool(item.get("hidden_reason"))
        wanted = ["show"] if hidden else ["hide"]
        if item.get("pending"):
            wanted.insert(0, "accept")
        if item.get("reports"):
            wanted.append("dismiss")
        for action in wanted:
            button = w.Button(description=t(_ACTION_KEYS[action]),
                              button_style="danger" if action == "hide" else "",
                              layout=w.Layout(width="auto"))
            button.on_click(safe(lambda _b, a=action: panel.act_on_row(self, a)))
            self.buttons[action] = button
        self.box = w.VBox([self.html, w.HBox([self.reason, *self.buttons.values()]),
                           self.error])
        self.box.add_class("wb-item")

    def _html(self, t) -> str:
        item = self.item
        badges = [f"<span class='wb-badge'>{esc(t(_KIND_KEYS[self.kind]))} #{self.id}</span>"]
        if item.get("pending"):
            badges.append(f"<span class='wb-badge wb-pending'>"
                          f"{esc(t('planner.mod.pending'))}</span>")
        if item.get("reports"):
            badges.append(f"<span class='wb-badge wb-reported'>"
                          f"{esc(t('planner.mod.reports', count=item['reports']))}</span>")
        if item.get("hidden_reason"):
            badges.append(f"<span class='wb-badge wb-hidden'>"
                          f"{esc(t('planner.mod.hidden_now', reason=item['hidden_reason']))}"
                          "</span>")
        parts = [" ".join(badges)]
        if item.get("context") and self.kind in _CONTEXT_KEYS:
            parts.append(f"<div class='wb-hint'>"
                         f"{esc(t(_CONTEXT_KEYS[self.kind], title=item['context']))}</div>")
        if item.get("image"):  # a photo: the moderator sees it, hidden or not
            parts.append(photo_img(item["image"], "image/jpeg", item["width"], item["height"],
                                   t("planner.mod.photo_alt", title=item.get("context", ""))))
        parts.append(f"<div class='wb-item-text'><b>{esc(item.get('text'))}</b>")
        if item.get("more"):
            parts.append(f"<br>{esc(item['more'])}")
        parts.append("</div>")
        reasons = Counter(item.get("reasons") or [])
        if reasons:
            lines = "".join(f"<li>{esc(r)}" + (f" ×{n}" if n > 1 else "") + "</li>"
                            for r, n in reasons.most_common())
            parts.append(f"<div class='wb-hint'>{esc(t('planner.mod.report_reasons'))}"
                         f"<ul>{lines}</ul></div>")
        return "".join(parts)


class ModerationQueue:
    """The moderator's panel (``.widget``) for one community.

    ``act(kind, id, action, reason)`` is what the buttons call: it validates the reason,
    writes through :meth:`Store.moderate` and refreshes; ``False`` (and a message beside the
    field, nothing written) when the input is refused."""

    def __init__(self, store: Store, community_id: str, moderator: str, lang: str = "zh",
                 time_zone: str = "Asia/Shanghai"):
        self.store = store
        self.community_id = community_id
        self.time_zone = time_zone  # the log's times are read in the community's zone
        self.moderator = check_moderator(moderator)
        self.lang = lang if lang in i18n.LANGUAGES else "zh"
        self.log = server_log()
        self.items: list[dict] = []
        self.hidden: list[dict] = []
        self.rows: dict[tuple[str, int], ItemRow] = {}
        self.hidden_rows: dict[tuple[str, int], ItemRow] = {}
        self.photos: list[dict] = []
        self.photo_rows: dict[tuple[str, int], ItemRow] = {}
        self.errors: dict[tuple[str, int], tuple[str, dict]] = {}
        self._build()
        self.refresh()

    @classmethod
    def from_settings(cls, moderator: str, lang: str = "zh",
                      store: Store | None = None) -> "ModerationQueue":
        """The queue of the settings' community, acting as ``moderator`` (a name for the log,
        e.g. "王主任")."""
        from workbench.layers.community import load_community

        community = load_community(settings.get("layers_dir"))
        return cls(store or Store(), community.id, moderator, lang=lang,
                   time_zone=community.time_zone)

    def t(self, key: str, **params) -> str:
        return i18n.t(self.lang, key, **params)

    # -- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        safe = guarded(self._show_unexpected)
        t = self.t
        self.heading = w.HTML(f"<h3>{esc(t('planner.mod.heading'))}</h3>"
                              f"<p class='wb-hint'>{esc(t('planner.mod.explain'))}</p>")
        self.refresh_button = w.Button(description=t("planner.refresh"), icon="refresh",
                                       layout=w.Layout(width="auto"))
        self.refresh_button.on_click(safe(lambda _b: self.refresh()))
        self.status = w.HTML()
        self.queue_box = w.VBox()
        self.photos_heading = w.HTML(f"<h3>{esc(t('planner.mod.photos_heading'))}</h3>"
                                     f"<p class='wb-hint'>{esc(t('planner.mod.photos_explain'))}"
                                     "</p>")
        self.photos_box = w.VBox()
        self.hidden_heading = w.HTML(f"<h3>{esc(t('planner.mod.hidden_heading'))}</h3>")
        self.hidden_box = w.VBox()
        self.log_heading = w.HTML(f"<h3>{esc(t('planner.mod.log_heading'))}</h3>")
        self.log_html = w.HTML()
        # a flood hidden (or shown again) changes what is hidden and the log: read them again
        self.floods = FloodCleanup(self.store, self.community_id, self.moderator, self.lang,
                                   self.time_zone, on_change=self.refresh)
        self.widget = w.VBox([w.HTML(CSS), self.heading,
                              w.HBox([self.refresh_button, self.status]), self.queue_box,
                              self.photos_heading, self.photos_box, self.floods.widget,
                              self.hidden_heading, self.hidden_box,
                              self.log_heading, self.log_html])
        self.widget.add_class("wb-planner")

    def _show_unexpected(self) -> None:
        self._set_status(("error.unexpected", {}), ok=False)

    def _set_status(self, message: tuple[str, dict] | None, ok: bool = True) -> None:
        if message is None:
            self.status.value = ""
            return
        css = "wb-ok" if ok else "wb-error"
        self.status.value = f"<span class='{css}'>{esc(self.t(message[0], **message[1]))}</span>"

    # -- reading ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the queue, what is hidden and the log again, and redraw them."""
        self.items = self.store.moderation_queue(self.community_id)
        self.hidden = self.store.hidden_items(self.community_id)
        shown = self.items[:QUEUE_LIMIT]
        self.rows = {(i["kind"], i["id"]): ItemRow(i, self) for i in shown}
        children = [r.box for r in self.rows.values()]
        if not self.items:
            children = [w.HTML(f"<p class='wb-hint'>{esc(self.t('planner.mod.empty'))}</p>")]
        elif len(self.items) > len(shown):
            children.append(w.HTML("<p class='wb-hint'>" + esc(self.t(
                "planner.mod.more", shown=len(shown), total=len(self.items))) + "</p>"))
        self.queue_box.children = children
        queued = set(self.rows)
        self.hidden_rows = {(i["kind"], i["id"]): ItemRow(i, self)
                            for i in self.hidden[:QUEUE_LIMIT]
                            if (i["kind"], i["id"]) not in queued}
        self.hidden_box.children = [r.box for r in self.hidden_rows.values()] or [
            w.HTML(f"<p class='wb-hint'>{esc(self.t('planner.mod.none_hidden'))}</p>")]
        self.photos = self.store.recent_photos(self.community_id, PHOTOS_SHOWN)
        self.photo_rows = {("photo", i["id"]): ItemRow(i, self) for i in self.photos
                           if ("photo", i["id"]) not in queued}
        self.photos_box.children = [r.box for r in self.photo_rows.values()] or [
            w.HTML(f"<p class='wb-hint'>{esc(self.t('planner.mod.photos_none'))}</p>")]
        self.log_html.value = self.log_table_html()
        self.floods.refresh_hides()

    def log_frame(self):
        """The moderation log as a DataFrame, newest first."""
        import pandas as pd

        rows = self.store.moderation_log(self.community_id)
        cols = ["created_at", "moderator", "action", "target_kind", "target_id", "reason"]
        return pd.DataFrame(rows[::-1], columns=["id", *cols, "community_id"])[cols]

    def log_for_people(self):
        """The moderation log as people read it (oldest first, for a file): local times,
        actions and kinds in words, headings in the planner's language."""
        import pandas as pd

        from workbench.page.formats import local_time

        t = self.t
        rows = self.store.moderation_log(self.community_id)
        heads = [t(k) for k in ("planner.mod.col_time", "planner.mod.col_moderator",
                                "planner.mod.col_action", "planner.mod.col_target",
                                "planner.mod.reason")]
        return pd.DataFrame([[
            local_time(r["created_at"], self.time_zone), r["moderator"],
            t(_ACTION_KEYS[r["action"]]) if r["action"] in _ACTION_KEYS else r["action"],
            f"{t(_KIND_KEYS[r['target_kind']]) if r['target_kind'] in _KIND_KEYS else ''} "
            f"#{int(r['target_id'])}", r["reason"]] for r in rows], columns=heads)

    def log_table_html(self) -> str:
        from workbench.page.formats import local_time

        t = self.t
        rows = self.store.moderation_log(self.community_id)[::-1][:LOG_LIMIT]
        if not rows:
            return f"<p class='wb-hint'>{esc(t('planner.mod.log_empty'))}</p>"
        head = "".join(f"<th>{esc(t(k))}</th>" for k in (
            "planner.mod.col_time", "planner.mod.col_moderator", "planner.mod.col_action",
            "planner.mod.col_target", "planner.mod.reason"))
        body = []
        for r in rows:
            action = t(_ACTION_KEYS[r["action"]]) if r["action"] in _ACTION_KEYS else r["action"]
            kind = t(_KIND_KEYS[r["target_kind"]]) if r["target_kind"] in _KIND_KEYS else ""
            when = local_time(r["created_at"], self.time_zone)
            body.append(f"<tr><td>{esc(when)}</td>"
                        f"<td>{esc(r['moderator'])}</td><td>{esc(action)}</td>"
                        f"<td>{esc(kind)} #{int(r['target_id'])}</td>"
                        f"<td>{esc(r['reason'])}</td></tr>")
        return (f"<table class='wb-table'><thead><tr>{head}</tr></thead>"
                f"<tbody>{''.join(body)}</tbody></table>")

    # -- acting -----------------------------------------------------------------------------
    def row(self, kind: str, target_id: int) -> ItemRow | None:
        key = (kind, target_id)
        return self.rows.get(key) or self.hidden_rows.get(key) or self.photo_rows.get(key)

    def act_on_row(self, row: ItemRow, action: str) -> bool:
        return self.act(row.kind, row.id, action, row.reason.value)

    def act(self, kind: str, target_id: int, action: str, reason) -> bool:
        """Validate and carry out one moderation action; False when refused (the message is
        shown beside the reason field and nothing is written)."""
        row = self.row(kind, target_id)
        problem = None
        clean = ""
        if action not in ACTIONS or row is None or action not in row.buttons:
            problem = ("planner.mod.not_allowed", {})
        else:
            try:
                clean = validate_reason(reason, required=(action == "hide"))
            except DiscussionInvalid as exc:
                problem = exc.errors["reason"]
                if problem[0] == "error.required":
                    problem = ("planner.mod.reason_required", {})
        if problem is None:
            try:
                self.store.moderate(self.community_id, kind, target_id, action, clean,
                                    self.moderator)
            except StoreBusy:
                problem = ("planner.busy", {})
            except ValueError:  # gone from this community (a stale or forged row)
                self.log.warning("moderation of missing %s %s refused", kind, target_id)
                problem = ("planner.mod.not_allowed", {})
        if problem is not None:
            if row is not None:
                row.error.value = (f"<span class='wb-error'>"
                                   f"{esc(self.t(problem[0], **problem[1]))}</span>")
            self._set_status(problem, ok=False)
            return False
        self.refresh()
        self._set_status((_DONE_KEYS[action], {"what": f"{self.t(_KIND_KEYS[kind])} "
                                                       f"#{target_id}"}))
        return True
