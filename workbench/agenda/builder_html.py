"""The words and HTML pieces every panel of the agenda builder draws with: labels in the
planner's language, an item's title and badges, its evidence cells, the score bar, and a
message beside a field. Labels and evidence are the presenter's (:mod:`.presenter`), told as
in the report and on the resident's card. Every text from residents and planners is escaped
here."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as w

from workbench import i18n, vocabulary
from workbench.agenda import presenter as show
from workbench.agenda import scoring
from workbench.assets import style_tag
from workbench.escaping import esc

if TYPE_CHECKING:
    from workbench.agenda.builder import AgendaBuilder

BAR_PX = 120
#: One colour per score part (colour-blind safe: Okabe-Ito).
PART_COLOURS = {"supporters": "#0072B2", "consensus": "#009E73", "stance": "#CC79A7",
                "need": "#D55E00", "reach": "#E69F00", "gap": "#56B4E9"}
DECISION_CSS = {"adopt": "wb-adopt", "defer": "wb-defer", "decline": "wb-decline",
                "merge": "wb-hidden"}

AGENDA_CSS = style_tag("workbench.agenda", "builder.css")


def field_error() -> w.HTML:
    """The place for a field's problem, under the field."""
    return w.HTML(layout=w.Layout(margin="0 0 4px 0"))


class AgendaHtml:
    """Labels and HTML pieces in one language."""

    def __init__(self, lang: str):
        self.lang = lang

    def t(self, key: str, **params) -> str:
        return i18n.t(self.lang, key, **params)

    # -- labels: the presenter's, as the report and the resident's card write them; the
    # decision buttons' verbs ("Adopt") are the planner's own words for an action --------
    def part_label(self, part: str) -> str:
        return show.part_label(self.lang, part)

    def part_help(self, part: str) -> str:
        return self.t(f"planner.agenda.part_help.{part}")

    def no_data_reason(self, reason: str) -> str:
        """"No data" and why (a reason of :func:`workbench.agenda.browsing.parts_without_data`)."""
        return show.labelled(self.lang, show.evidence_label(self.lang, "no_data"),
                             self.t(f"planner.agenda.no_data.{reason}"))

    def when(self, moment) -> str:
        """A stored time in the community's time zone, as people write it there."""
        return show.format_time(moment, self.lang)

    def decision_verb(self, decision: str) -> str:
        return self.t(f"planner.agenda.decision.{decision}")

    def decision_label(self, decision: str | None) -> str:
        return show.decision_label(self.lang, decision)

    def status_label(self, status: str | None) -> str:
        return show.status_label(self.lang, status) or show.DASH

    def owner_label(self, owner: str | None) -> str:
        return show.owner_label(self.lang, owner) or show.DASH

    def field_label(self, field: str) -> str:
        return show.field_label(self.lang, field)

    def heading(self, key: str, explain: str | None = None, level: int = 4) -> str:
        """A heading and, under it, a hint."""
        hint = f"<p class='wb-hint'>{esc(self.t(explain))}</p>" if explain else ""
        return f"<h{level}>{esc(self.t(key))}</h{level}>{hint}"

    def table_head(self, *keys: str) -> str:
        return self.head(*(self.t(k) for k in keys))

    @staticmethod
    def head(*labels: str) -> str:
        return "".join(f"<th>{esc(label)}</th>" for label in labels)

    # -- messages ---------------------------------------------------------------------------
    def message(self, widget: w.HTML, problem, ok: bool = False) -> None:
        """Show (key, params) in ``widget``, as a problem or (``ok``) as done; None clears."""
        if not problem:
            widget.value = ""
            return
        css = "wb-ok" if ok else "wb-error"
        widget.value = f"<span class='{css}'>{esc(self.t(problem[0], **problem[1]))}</span>"

    def show_errors(self, labels: dict[str, w.HTML], errors: dict) -> None:
        """Each field's problem beside it (the others cleared)."""
        for name, label in labels.items():
            self.message(label, errors.get(name))

    # -- an item and its evidence ---------------------------------------------------------------
    def title_html(self, item: dict) -> str:
        scenario = next((s for s in vocabulary.scenarios() if s["code"] == item["scenario"]),
                        None)
        chip = (f"<span class='wb-chip' style='background:{scenario['color']}'>"
                f"{esc(scenario[self.lang])}</span>" if scenario else "")
        return (f"<span class='wb-item-title'>{esc(item['title'])}</span><br>{chip}"
                f"{self.badges_html(item)}")

    def badges_html(self, item: dict) -> str:
        decision = item.get("decision")
        css = DECISION_CSS.get(decision, "wb-candidate")
        out = f"<span class='wb-badge {css}'>{esc(self.decision_label(decision))}</span>"
        if decision == "adopt" and item.get("status"):
            out += (f"<span class='wb-badge'>{esc(self.status_label(item['status']))} "
                    f"{int(item.get('progress') or 0)}%</span>")
        return out

    def facts(self, item: dict, row: dict, keys=show.EVIDENCE) -> dict[str, show.Fact]:
        """The item's evidence from its live row (empty: none yet), as the presenter tells it
        (``keys``: which facts), by key."""
        return {f.key: f for f in show.evidence_facts(item, self.lang, show.evidence_of_row(row),
                                                      keys)}

    @staticmethod
    def compact(fact: show.Fact | None) -> str:
        """A fact's text in a list cell: a dash for no data, or when it is left out."""
        return show.DASH if fact is None or fact.missing else fact.text

    def supporters_html(self, facts: dict) -> str:
        supporters, proposals = facts["supporters"], facts["proposals"]
        if supporters.missing:
            return show.DASH
        tip = esc(" ".join(text for text, _ in supporters.notes))
        count = self.t("planner.agenda.proposals_n", n=self.compact(proposals))
        return (f"<b title='{tip}'>{esc(supporters.text)}</b><br>"
                f"<span class='wb-small'>{esc(count)}</span>")

    def stance_html(self, comments: show.Fact) -> str:
        """The comments for, neutral and against as a bar, and their counts."""
        if comments.missing:
            return f"<span class='wb-small'>{show.DASH}</span>"
        f, n, a = (comments.value[s] for s in show.STANCES)
        width, total = 70, f + n + a
        segments = "".join(
            f"<span style='width:{round(width * k / total)}px;background:{colour}'></span>"
            for k, colour in ((f, "#2e7d32"), (n, "#9e9e9e"), (a, "#c62828")) if k)
        label = esc(self.t("planner.agenda.stance_counts", f=f, a=a, n=n))
        return (f"<span class='wb-bar' style='width:{width}px' title='{label}'>{segments}"
                f"</span><br><span class='wb-small wb-nowrap'>{label}</span>")

    def survey_html(self, facts: dict) -> str:
        """Satisfaction, and the two needs named most."""
        parts = [] if facts["satisfaction"].missing else [esc(facts["satisfaction"].text)]
        needs = facts.get("needs")
        if needs:
            parts.append("<span class='wb-small'>" + " · ".join(
                f"{esc(name)} {shown}" for name, _, shown in needs.value[:2]) + "</span>")
        return "<br>".join(parts) or show.DASH

    def households_html(self, facts: dict) -> str:
        near, far = facts.get("households_300"), facts.get("households_500")
        if far is None or far.missing:
            return f"<span class='wb-small'>{show.DASH}</span>"
        underserved = facts["underserved_households"]
        return (f"{esc(self.compact(near))} / {esc(far.text)}<br><span class='wb-small'>"
                f"{esc(show.labelled(self.lang, underserved.label, self.compact(underserved)))}"
                "</span>")

    def fact_html(self, fact: show.Fact) -> str:
        """A fact in full, as the report tells it, with the comments' bar and its notes."""
        text = (self.stance_html(fact) if fact.key == "comments" and not fact.missing
                else esc(fact.text))
        notes = "".join(f"<br><span class='wb-small'>{esc(' '.join(filter(None, note)))}</span>"
                        for note in fact.notes)
        return text + notes

    def score_bar_html(self, r: dict) -> str:
        """The score as a bar of its weighted parts, each part's value in the tooltip."""
        segments, tips = [], []
        for part in scoring.PARTS:
            value = float(r.get(f"w_{part}", 0.0) or 0.0)
            part_value = r.get(part)
            tips.append(f"{self.part_label(part)} " + ("–" if part_value is None
                                                      or part_value != part_value
                                                      else f"{float(part_value):.2f}"))
            px = round(value * BAR_PX)
            if px:
                segments.append(f"<span style='width:{px}px;background:{PART_COLOURS[part]}'>"
                                "</span>")
        tip = esc(" · ".join(tips))
        return (f"<span class='wb-bar' style='width:{BAR_PX}px' title='{tip}'>"
                f"{''.join(segments)}</span> <b>{float(r['score']):.2f}</b>")


class Panel:
    """A part of the builder's widget: it reads what the builder read, draws with its words
    (``html``) and writes through :meth:`~workbench.agenda.builder.AgendaBuilder.act`."""

    def __init__(self, builder: "AgendaBuilder"):
        self.builder = builder
        self.html: AgendaHtml = builder.html
