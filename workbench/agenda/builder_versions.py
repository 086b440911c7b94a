"""Publishing in the agenda builder: "I have checked the list", a new numbered version
(:func:`workbench.agenda.actions.publish`), the versions published so far, and what changed
between two of them (:func:`workbench.agenda.snapshot.diff`)."""

from __future__ import annotations

import ipywidgets as w

from workbench.agenda import actions, snapshot
from workbench.agenda.builder_html import DECISION_CSS, Panel
from workbench.agenda.decisions import COMMITTEE_DECISIONS
from workbench.escaping import esc


class VersionsPanel(Panel):
    """Publish a version; list the versions; compare two."""

    def __init__(self, builder):
        super().__init__(builder)
        html, t, safe = self.html, self.html.t, builder.safe
        self.confirm_input = w.Checkbox(description=t("planner.agenda.confirm"), indent=False,
                                        layout=w.Layout(width="auto"))
        publish_button = w.Button(description=t("planner.agenda.publish"),
                                  button_style="success", icon="check",
                                  layout=w.Layout(width="auto"))
        publish_button.on_click(safe(lambda _b: self.publish()))
        self.publish_status = w.HTML()
        self.preview_html = w.HTML()
        self.published_html = w.HTML()
        self.versions_html = w.HTML()
        self.diff_from = w.Dropdown(description=t("planner.agenda.diff_from"),
                                    layout=w.Layout(width="320px"))
        self.diff_to = w.Dropdown(description=t("planner.agenda.diff_to"),
                                  layout=w.Layout(width="320px"))
        diff_button = w.Button(description=t("planner.agenda.diff"),
                               layout=w.Layout(width="auto"))
        diff_button.on_click(safe(lambda _b: self.show_diff(self.diff_from.value,
                                                             self.diff_to.value)))
        self.diff_html = w.HTML()
        self.box = w.VBox([
            w.HTML(html.heading("planner.agenda.publish_heading",
                                "planner.agenda.publish_explain", level=3)),
            self.preview_html,
            w.HBox([self.confirm_input, publish_button, self.publish_status]),
            self.published_html,
            w.HTML(f"<h4>{esc(t('planner.agenda.versions'))}</h4>"), self.versions_html,
            w.HBox([self.diff_from, self.diff_to, diff_button]), self.diff_html])

    def publish(self) -> int | None:
        """Freeze the decided items as the next version (the current weights, the author's
        name); only once "I have checked the list" is ticked. Returns the version number."""
        builder = self.builder
        done, number = builder.act(lambda: actions.publish(
            builder.store, builder.community, builder.weights, builder.author, builder.layers,
            checked=bool(self.confirm_input.value)), self.publish_status)
        if not done:
            return None
        self.confirm_input.value = False
        self.show_versions()
        version = builder.store.agenda_version(builder.community_id, number)
        self.published_html.value = self.contents_html(
            version["items"], self.html.t("planner.agenda.published_contents", v=number))
        self.html.message(self.publish_status, ("planner.agenda.published", {"v": number}),
                             ok=True)
        return number

    def contents_html(self, items: list[dict], heading: str) -> str:
        """Items by decision (adopted, deferred, declined), each with its reason."""
        html = self.html
        parts = [f"<h4>{esc(heading)}</h4>"]
        for decision in COMMITTEE_DECISIONS:
            chosen = [i for i in items if i.get("decision") == decision]
            if not chosen:
                continue
            lines = "".join(
                f"<li><span class='wb-item-title'>{esc(i['title'])}</span>"
                + (f" <span class='wb-small'>{esc(i.get('reason') or '')}</span>"
                   if i.get("reason") else "") + "</li>" for i in chosen)
            parts.append(f"<div class='wb-contents'><span class='wb-badge "
                         f"{DECISION_CSS[decision]}'>{esc(html.decision_label(decision))} "
                         f"{len(chosen)}</span><ul>{lines}</ul></div>")
        if len(parts) == 1:
            parts.append(f"<p class='wb-hint'>"
                         f"{esc(html.t('planner.agenda.nothing_decided'))}</p>")
        return "".join(parts)

    def show_preview(self) -> None:
        """What publishing now would put in the version: the decided items by decision."""
        builder = self.builder
        ranked = [builder.items[i] for i in builder.order]
        self.preview_html.value = self.contents_html(
            ranked, self.html.t("planner.agenda.preview_contents"))

    def show_versions(self) -> None:
        self.show_preview()
        html = self.html
        versions = self.builder.store.agenda_versions(self.builder.community_id)
        self.builder.exports_panel.show_versions(versions)
        if not versions:
            self.versions_html.value = (f"<p class='wb-hint'>"
                                        f"{esc(html.t('planner.agenda.no_versions'))}</p>")
            self.diff_from.options = self.diff_to.options = []
            return
        head = html.table_head("planner.agenda.col_version", "planner.agenda.col_date",
                               "planner.agenda.col_author")
        body = "".join(
            f"<tr><td>v{int(v['number'])}</td>"
            f"<td>{esc(html.when(v['published_at']))}</td>"
            f"<td>{esc(v['published_by'])}</td></tr>" for v in reversed(versions))
        self.versions_html.value = (f"<table class='wb-table'><thead><tr>{head}</tr></thead>"
                                    f"<tbody>{body}</tbody></table>")
        options = [(f"v{int(v['number'])} · {html.when(v['published_at'])}",
                    int(v["number"])) for v in versions]
        self.diff_from.options = options
        self.diff_to.options = options
        self.diff_from.value = options[-2][1] if len(options) > 1 else options[0][1]
        self.diff_to.value = options[-1][1]

    def show_diff(self, old: int | None, new: int | None) -> dict | None:
        """What changed between two published versions: items added, removed, and fields
        changed (old → new)."""
        store, community_id = self.builder.store, self.builder.community_id
        html = self.html
        t = html.t
        first = store.agenda_version(community_id, old) if old else None
        second = store.agenda_version(community_id, new) if new else None
        if first is None or second is None:
            self.diff_html.value = (f"<p class='wb-hint'>"
                                    f"{esc(t('planner.agenda.diff_choose'))}</p>")
            return None
        change = snapshot.diff(first, second)
        titles = {i["id"]: i["title"] for i in first["items"] + second["items"]}
        heading = t("planner.agenda.diff_heading", a=change["from"], b=change["to"])
        parts = [f"<h4>{esc(heading)}</h4>"]

        def listing(key, items):
            if items:
                parts.append(f"<b>{esc(t(key))}</b><ul>" + "".join(
                    f"<li>{esc(i['title'])} · "
                    f"{esc(html.decision_label(i.get('decision')))}</li>" for i in items)
                    + "</ul>")
        listing("planner.agenda.diff_added", change["added"])
        listing("planner.agenda.diff_removed", change["removed"])
        if change["changed"]:
            parts.append(f"<b>{esc(t('planner.agenda.diff_changed'))}</b><ul>")
            for item_id, fields in change["changed"].items():
                lines = "".join(
                    f"<li>{esc(html.field_label(f))}: "
                    f"<span class='wb-old'>{esc(self._value(f, a))}</span> → "
                    f"<span class='wb-new'>{esc(self._value(f, b))}</span></li>"
                    for f, (a, b) in fields.items())
                parts.append(f"<li>{esc(titles.get(item_id, ''))}"
                             f"<ul>{lines}</ul></li>")
            parts.append("</ul>")
        if not (change["added"] or change["removed"] or change["changed"]):
            parts.append(f"<p class='wb-hint'>{esc(t('planner.agenda.diff_none'))}</p>")
        self.diff_html.value = "".join(parts)
        return change

    def _value(self, field: str, value) -> str:
        html = self.html
        if value is None or value == "":
            return "–"
        if field == "decision":
            return html.decision_label(value)
        if field == "status":
            return html.status_label(value)
        if field == "owner":
            return html.owner_label(value)
        if field == "progress":
            return f"{int(value)}%"
        return str(value)
