"""The workshop screen's live counts: the community's proposals since the workshop began, by
scenario as bars, and the supports and survey answers given meanwhile."""

from __future__ import annotations

from datetime import datetime

from workbench import i18n, vocabulary
from workbench.escaping import esc


def counts_html(counts: dict, started: datetime | None, lang: str) -> str:
    """``counts`` as the store's ``live_counts`` gives them; ``started``: when the workshop
    began (aware), shown as a local time."""
    by_scenario = counts.get("proposals", {})
    most = max(by_scenario.values(), default=0) or 1
    rows = []
    for s in vocabulary.scenarios():
        n = int(by_scenario.get(s["code"], 0))
        rows.append(
            f"<div class='wb-crow' data-scenario='{s['code']}' data-count='{n}'>"
            f"<span class='wb-cname'>{esc(s[lang])}</span>"
            f"<span class='wb-cbar'><i style='width:{100 * n / most:.0f}%;"
            f"background:{s['color']}'></i></span><b class='wb-cnum'>{n}</b></div>")
    total = sum(int(v) for v in by_scenario.values())
    clock = started.astimezone().strftime("%H:%M") if started else "--:--"
    supports, answers = counts.get("supports", 0), counts.get("survey_answers", 0)
    return (
        f"<div class='wb-panel-h'>{esc(i18n.t(lang, 'workshop.counts_heading', time=clock))}"
        f"</div><div class='wb-cproposals'>{esc(i18n.t(lang, 'workshop.counts_proposals'))} · "
        f"<b data-count='{total}'>{total}</b></div>{''.join(rows)}"
        "<div class='wb-totals'>"
        f"<div class='wb-supports' data-count='{supports}'>"
        f"<b>{supports}</b>{esc(i18n.t(lang, 'workshop.counts_supports'))}</div>"
        f"<div class='wb-answers' data-count='{answers}'>"
        f"<b>{answers}</b>{esc(i18n.t(lang, 'workshop.counts_answers'))}</div></div>")
