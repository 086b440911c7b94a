"""The chosen item in the agenda builder: its evidence in full and why it ranks where it
does, then three tabs: its proposals with their official answers; its title, description,
scenario and linked statements; merging other items into it and splitting it.

The rules and the writing are :mod:`workbench.agenda.actions`; this panel fills the forms,
calls the actions through the builder's :meth:`~workbench.agenda.builder.AgendaBuilder.act`
and shows what came back.
"""

from __future__ import annotations

import ipywidgets as w
import pandas as pd

from workbench import vocabulary
import base64

from workbench.agenda import actions, browsing, grouping, scoring
from workbench.agenda import presenter as show
from workbench.agenda.builder_html import PART_COLOURS, Panel, field_error
from workbench.escaping import esc

#: Proposals of one item shown with an answer field at once.
PROPOSALS_LIMIT = 40
#: proposals of one item whose words and photo are shown beside its evidence
WORDS_LIMIT = 8
#: the chosen item's evidence in full (its score and parts have their table, by the weights)
DETAIL_FACTS = tuple(k for k in show.EVIDENCE if k not in ("score", "score_parts"))


def choice(label, title: str) -> str:
    """An item or proposal as a choice in a list: its rank or receipt code, and title."""
    return f"{label} · {title}"[:120]


class ItemPanel(Panel):
    """The chosen item's evidence, proposals, fields, merging and splitting."""

    def __init__(self, builder):
        super().__init__(builder)
        html, t, safe = self.html, self.html.t, builder.safe
        wide = w.Layout(width="640px")
        self.detail_html = w.HTML()
        self.words_html = w.HTML()
        self.score_html = w.HTML()
        self._photos: dict[int, dict] = {}
        # proposals and their answers
        self.answer_inputs: dict[int, tuple[w.Textarea, w.HTML]] = {}
        self.proposals_box = w.VBox()
        self.proposals_tab = w.VBox([
            w.HTML(f"<p class='wb-hint'>{esc(t('planner.agenda.answer_explain'))}</p>"),
            self.proposals_box])
        # the item's own fields and its statements
        self.title_input = w.Text(description=t("planner.agenda.title"), layout=wide,
                                  continuous_update=False)
        self.description_input = w.Textarea(description=t("planner.agenda.description"),
                                            rows=3, layout=wide, continuous_update=False)
        self.scenario_input = w.Dropdown(
            description=t("planner.agenda.scenario"),
            options=[(s[builder.lang], s["code"]) for s in vocabulary.scenarios()])
        self.edit_errors = {name: field_error() for name in
                            ("title", "description", "scenario")}
        edit_button = w.Button(description=t("planner.agenda.save_edit"),
                               button_style="primary", layout=w.Layout(width="auto"))
        edit_button.on_click(safe(lambda _b: self.edit()))
        self.edit_status = w.HTML()
        self.statements_input = w.SelectMultiple(description=t("planner.agenda.statements"),
                                                 rows=6, layout=wide)
        self.statements_error = field_error()
        statements_button = w.Button(description=t("planner.agenda.link_statements"),
                                     layout=w.Layout(width="auto"))
        statements_button.on_click(
            safe(lambda _b: self.link_statements(list(self.statements_input.value))))
        self.edit_tab = w.VBox([
            self.title_input, self.edit_errors["title"], self.description_input,
            self.edit_errors["description"], self.scenario_input, self.edit_errors["scenario"],
            w.HBox([edit_button, self.edit_status]),
            w.HTML(html.heading("planner.agenda.statements_heading",
                                "planner.agenda.statements_explain")),
            self.statements_input, self.statements_error, statements_button])
        # merging and splitting
        self.merge_input = w.SelectMultiple(description=t("planner.agenda.merge_sources"),
                                            rows=6, layout=wide)
        self.merge_reason = w.Textarea(description=html.field_label("reason"), rows=2,
                                       layout=wide, continuous_update=False)
        self.merge_errors = {name: field_error() for name in ("sources", "reason")}
        merge_button = w.Button(description=t("planner.agenda.merge"),
                                button_style="warning", layout=w.Layout(width="auto"))
        merge_button.on_click(safe(lambda _b: self.merge(list(self.merge_input.value),
                                                          self.merge_reason.value)))
        self.split_input = w.SelectMultiple(description=t("planner.agenda.split_proposals"),
                                            rows=6, layout=wide)
        self.split_title = w.Text(description=t("planner.agenda.split_title"), layout=wide,
                                  placeholder=t("planner.agenda.split_title_placeholder"),
                                  continuous_update=False)
        self.split_errors = {name: field_error() for name in ("proposals", "title")}
        split_button = w.Button(description=t("planner.agenda.split"),
                                layout=w.Layout(width="auto"))
        split_button.on_click(safe(lambda _b: self.split(list(self.split_input.value),
                                                          self.split_title.value)))
        self.merge_status = w.HTML()
        self.merge_tab = w.VBox([
            w.HTML(html.heading("planner.agenda.merge_heading", "planner.agenda.merge_explain")),
            self.merge_input, self.merge_errors["sources"], self.merge_reason,
            self.merge_errors["reason"], w.HBox([merge_button]),
            w.HTML(html.heading("planner.agenda.split_heading", "planner.agenda.split_explain")),
            self.split_input, self.split_errors["proposals"], self.split_title,
            self.split_errors["title"], w.HBox([split_button]), self.merge_status])

    # -- showing ----------------------------------------------------------------------------
    def clear(self) -> None:
        """No problem or message left from another item."""
        for labels in (self.edit_errors, self.merge_errors, self.split_errors):
            self.html.show_errors(labels, {})
        self.edit_status.value = self.merge_status.value = ""

    def forget(self) -> None:
        """Read which proposals have photos again (after a refresh)."""
        builder = self.builder
        self._photos = builder.store.photo_index(builder.community_id)

    def show(self, item: dict | None) -> None:
        if item is None:
            self.detail_html.value = self.score_html.value = self.words_html.value = (
                f"<p class='wb-hint'>{esc(self.html.t('planner.agenda.choose_hint'))}</p>"
                if self.builder.order else "")
            return
        self.detail_html.value = self.detail_of(item)
        self.words_html.value = self.words_of(item)
        self.score_html.value = self.score_parts_html(item["id"])
        self._fill_proposals(item)
        self._fill_edit(item)
        self._fill_merge(item)

    def detail_of(self, item: dict) -> str:
        """The item's evidence in full, its linked statements and what was merged into it
        (links back to the merged items)."""
        builder, html = self.builder, self.html
        t = html.t
        facts = html.facts(item, builder.evidence_rows.get(item["id"], {}), DETAIL_FACTS)
        rows = [(f.label, html.fact_html(f)) for f in facts.values()]
        linked = {sid: label for label, sid in builder.statement_options}
        if item.get("statement_ids"):
            rows.append((t("planner.agenda.statements"), "<br>".join(
                esc(linked.get(s, f"#{s}")) for s in item["statement_ids"])))
        merged = [i for i in builder.all_items if i.get("merged_into") == item["id"]]
        if merged:
            rows.append((t("planner.agenda.merged_from"), "<br>".join(
                f"{esc(m['title'])} <span class='wb-small'>"
                f"{esc(m.get('reason') or '')}</span>" for m in merged)))
        if item.get("decision"):
            rows.append((html.field_label("decision"),
                         f"{esc(html.decision_label(item['decision']))}: "
                         f"{esc(item.get('reason') or '')}"))
        body = "".join(f"<tr><th>{esc(k)}</th><td>{v}</td></tr>" for k, v in rows)
        place = builder.community.public_spaces.get(item.get("public_space_id") or "")
        where = f" · {esc(place['properties']['name_' + builder.lang])}" if place else ""
        return (f"<div class='wb-item'>{html.title_html(item)}{where}"
                f"<div class='wb-item-text'>{esc(item.get('description') or '')}</div>"
                f"<table class='wb-table'>{body}</table></div>")

    def words_of(self, item: dict) -> str:
        """What residents wrote: the proposals' words and photos, the comments by stance."""
        builder, html = self.builder, self.html
        t = html.t
        words = browsing.residents_words(builder.store, item, self._photos)
        parts = [f"<h4>{esc(t('planner.agenda.words'))}</h4>"]
        for pid in item["proposal_ids"][:WORDS_LIMIT]:
            p = builder.proposals.get(pid)
            if p is None:
                continue
            photo = words["photos"].get(pid)
            img = (f"<img class='wb-photo' alt='{esc(p['title'])}' src='data:"
                   f"{esc(photo['content_type'])};base64,"
                   f"{base64.b64encode(photo['data']).decode('ascii')}'>" if photo else "")
            parts.append(f"<div class='wb-words'>{img}<b>{esc(p['title'])}</b>"
                         f"<div class='wb-item-text'>{esc(p.get('description') or '')}</div>"
                         "</div>")
        total = len(item["proposal_ids"])
        if total > WORDS_LIMIT:
            more = t("planner.agenda.more_proposals", shown=WORDS_LIMIT, total=total)
            parts.append(f"<p class='wb-small'>{esc(more)}</p>")
        columns = []
        for stance in show.STANCES:
            said = words["comments"][stance]
            count = words["comment_counts"][stance]
            lines = "".join(
                f"<li><span class='wb-item-text'>{esc(c['body'])}</span> "
                f"<span class='wb-small'>{esc(html.when(c['created_at']))}</span></li>"
                for c in said) or f"<li class='wb-small'>{show.DASH}</li>"
            shown = t("planner.agenda.list_count", shown=len(said), total=count)
            more = f"<p class='wb-small'>{esc(shown)}</p>" if count > len(said) else ""
            columns.append(f"<div class='wb-stance wb-stance-{stance}'><b>"
                           f"{esc(show.evidence_label(builder.lang, stance))} {count}</b>"
                           f"<ul>{lines}</ul>{more}</div>")
        parts.append(f"<h4>{esc(t('planner.agenda.comments'))}</h4>"
                     f"<div class='wb-stances'>{''.join(columns)}</div>")
        return "".join(parts)

    def score_parts_html(self, item_id: int) -> str:
        """Why the item ranks where it does: each part, its weight and its share."""
        builder, html = self.builder, self.html
        ranking = builder.ranking
        if not len(ranking) or item_id not in builder.items:
            return ""
        row = ranking[ranking["item_id"] == item_id]
        if row.empty:
            return ""
        r = row.iloc[0]
        head = html.table_head("planner.agenda.col_part", "planner.agenda.col_value",
                               "planner.agenda.col_weight", "planner.agenda.col_contribution")
        # no data for any item (the builder knows why), or left out around this item only
        unknown = {p: html.t("planner.agenda.part_unknown.not_mapped") for p in scoring.PARTS
                   if p in r and pd.isna(r[p])}
        unknown.update({p: html.no_data_reason(reason)
                        for p, reason in builder.without.items()})
        body = "".join(
            f"<tr><td><span class='wb-swatch' style='background:{PART_COLOURS[p]}'></span>"
            f"{esc(html.part_label(p))}</td>"
            + (f"<td class='wb-num wb-no-data' colspan='3'>{esc(unknown[p])}</td></tr>"
               if p in unknown else
               f"<td class='wb-num'>{float(r[p]):.2f}</td>"
               f"<td class='wb-num'>{builder.weights[p]:.1f}</td>"
               f"<td class='wb-num'>{float(r['w_' + p]):.3f}</td></tr>")
            for p in scoring.PARTS)
        summary = esc(html.t("planner.agenda.rank_line", rank=int(r["rank"]),
                             total=len(builder.order), score=float(r["score"])))
        homes = show.homes_note(builder.homes, builder.lang)
        return (f"<p><b>{summary}</b> {html.score_bar_html(r.to_dict())}</p>"
                f"<table class='wb-table'><thead><tr>{head}</tr></thead>"
                f"<tbody>{body}</tbody></table>"
                + (f"<p class='wb-hint'>{esc(homes)}</p>" if homes else ""))

    def _fill_proposals(self, item: dict) -> None:
        builder = self.builder
        t = self.html.t
        rows = []
        self.answer_inputs = {}
        pids = item["proposal_ids"]
        shown = [builder.proposals[pid] for pid in pids[:PROPOSALS_LIMIT]
                 if pid in builder.proposals]
        links = grouping.closest_links(shown)
        for p in shown:
            pid = p["id"]
            supports = builder.support_counts.get(pid, 0) + int(p.get("external_supports") or 0)
            hidden = (f" <span class='wb-badge wb-hidden'>{esc(t('planner.agenda.hidden'))}"
                      "</span>" if p.get("hidden_reason") else "")
            answer = p.get("official_answer")
            # its id in the file or platform it was imported from, to find it there
            source = (f" · {esc(t('planner.agenda.source_id', id=p['source_id']))}"
                      if p.get("source_id") else "")
            head = w.HTML(
                f"<div><b>#{int(pid)}</b> <span class='wb-item-title'>{esc(p['title'])}</span>"
                f"{hidden} <span class='wb-small'>{esc(p['receipt_code'])}{source} · "
                f"{esc(t('planner.agenda.supports_n', n=supports))}</span></div>"
                + self._link_html(links.get(pid))
                + f"<div class='wb-item-text wb-small'>{esc(p.get('description') or '')}</div>"
                + (f"<div class='wb-small'>{esc(t('planner.agenda.answer_now'))}: "
                   f"{esc(answer)}</div>" if answer else ""))
            box = w.Textarea(value=answer or "", rows=2, continuous_update=False,
                             placeholder=t("planner.agenda.answer_placeholder"),
                             layout=w.Layout(width="560px"))
            error = field_error()
            button = w.Button(description=t("planner.agenda.save_answer"),
                              layout=w.Layout(width="auto"))
            button.on_click(builder.safe(
                lambda _b, pid=pid, box=box: self.answer(pid, box.value)))
            self.answer_inputs[pid] = (box, error)
            row = w.VBox([head, w.HBox([box, button]), error])
            row.add_class("wb-item")
            rows.append(row)
        if len(pids) > PROPOSALS_LIMIT:
            more = t("planner.agenda.more_proposals", shown=PROPOSALS_LIMIT, total=len(pids))
            rows.append(w.HTML(f"<p class='wb-hint'>{esc(more)}</p>"))
        self.proposals_box.children = rows

    def _link_html(self, link) -> str:
        """Why a proposal is in the item: its most alike fellow, and how far apart."""
        if link is None:
            return ""
        other, similarity, metres = link
        t = self.html.t
        words = t("planner.agenda.link", other=other, share=round(similarity * 100))
        where = (t("planner.agenda.link_metres", metres=round(metres)) if metres is not None
                 else t("planner.agenda.link_unplaced"))
        return f"<div class='wb-small'>{esc(words)}{esc(where)}</div>"

    def _fill_edit(self, item: dict) -> None:
        options = self.builder.statement_options
        self.title_input.value = item["title"]
        self.description_input.value = item.get("description") or ""
        if item["scenario"] in vocabulary.scenario_codes():
            self.scenario_input.value = item["scenario"]
        self.statements_input.options = options
        ids = {sid for _, sid in options}
        self.statements_input.value = tuple(s for s in item.get("statement_ids") or []
                                            if s in ids)

    def _fill_merge(self, item: dict) -> None:
        builder = self.builder
        ranks = {i: k for k, i in enumerate(builder.order, start=1)}
        self.merge_input.options = [(choice(ranks[i], builder.items[i]["title"]), i)
                                    for i in actions.mergeable(item["id"], builder.order)]
        self.merge_input.value = ()
        self.merge_reason.value = ""
        self.split_input.options = [(choice(builder.proposals[pid]["receipt_code"],
                                            builder.proposals[pid]["title"]), pid)
                                    for pid in item["proposal_ids"] if pid in builder.proposals]
        self.split_input.value = ()
        self.split_title.value = ""

    # -- acting -----------------------------------------------------------------------------
    def answer(self, proposal_id: int, text) -> bool:
        """The official answer to a proposal (public, beside the proposal)."""
        builder = self.builder
        box, error = self.answer_inputs.get(proposal_id, (None, None))
        label = error or builder.status
        done, clean = builder.act(lambda: actions.answer(
            builder.store, builder.community_id, proposal_id, text), label)
        if not done:
            return False
        if proposal_id in builder.proposals:
            builder.proposals[proposal_id] = {**builder.proposals[proposal_id],
                                              "official_answer": clean}
        if box is not None:
            box.value = clean
        self.html.message(label, ("planner.agenda.answer_saved", {"id": proposal_id}),
                             ok=True)
        return True

    def edit(self, title=None, description=None, scenario=None) -> bool:
        """Change the chosen item's title, description and scenario (the form's values when
        not given)."""
        if title is not None:
            self.title_input.value = title
        if description is not None:
            self.description_input.value = description
        if scenario is not None:
            self.scenario_input.value = scenario
        builder = self.builder
        done, _ = builder.act(lambda: actions.edit(
            builder.store, builder.community_id, builder.selected_id, self.title_input.value,
            self.description_input.value, self.scenario_input.value),
            self.edit_status, self.edit_errors)
        if done:
            builder.after_write(self.edit_status, ("planner.agenda.saved", {}))
        return done

    def link_statements(self, statement_ids) -> bool:
        """Link statements (from the topics) to the chosen item as evidence of consensus."""
        builder = self.builder
        done, ids = builder.act(lambda: actions.link_statements(
            builder.store, builder.community_id, builder.selected_id, statement_ids),
            self.statements_error)
        if done:
            builder.after_write(self.statements_error, ("planner.agenda.linked",
                                                        {"n": len(ids)}))
        return done

    def merge(self, source_ids, reason) -> bool:
        """Merge other items into the chosen one: their proposals (with every support and
        comment) move to it, and each merged item points at it, with the public reason."""
        builder = self.builder
        target = builder.selected_id
        done, sources = builder.act(lambda: actions.merge(
            builder.store, builder.community_id, target, source_ids, reason),
            self.merge_status, self.merge_errors)
        if done:
            builder.after_write(self.merge_status, ("planner.agenda.merged", {
                "n": len(sources), "title": builder.items[target]["title"]}))
        return done

    def split(self, proposal_ids, title=None) -> int | None:
        """Move some of the chosen item's proposals into a new item (its fields from the
        most supported of them; ``title`` replaces its title). Returns the new item's id."""
        builder = self.builder
        done, new_id = builder.act(lambda: actions.split(
            builder.store, builder.community_id, builder.selected_id, proposal_ids, title),
            self.merge_status, self.split_errors)
        if not done:
            return None
        builder.selected_id = new_id
        builder.after_write(self.merge_status, ("planner.agenda.split_done", {
            "n": len({int(p) for p in proposal_ids}),
            "title": builder.store.agenda_item(new_id)["title"]}))
        return new_id
