"""The workshop screen's dot-voting bars: the round's question, how many dots were spent, one
bar per option (the longest for the most dots), and the result once the round is closed."""

from __future__ import annotations

from workbench import i18n
from workbench.escaping import esc

#: a dot round of at most this many options shows each title whole, above its bar
ROOMY_OPTIONS = 6


def result_tally(dot_round: dict) -> dict[int, int] | None:
    """Dots by option as saved when the round closed; None while it has no result."""
    result = dot_round.get("result")
    if not result:
        return None
    return {o["option"]: o["dots"] for o in result["options"]}


def round_html(dot_round: dict, tally: dict[int, int], lang: str) -> str:
    """The round with its bars; ``tally``: dots by option number."""
    total = sum(tally.values())
    most = max(tally.values(), default=0)
    closed = dot_round["status"] != "open"
    sub = (i18n.t(lang, "workshop.round_closed", total=total) if closed
           else i18n.t(lang, "workshop.round_explain", dots=dot_round["dots_per_person"]))
    running = ("" if closed else f"<div class='wb-round-total'>"
               f"{esc(i18n.t(lang, 'workshop.round_total', total=total))}</div>")
    rows = []
    for k, option in enumerate(dot_round["options"]):
        n = int(tally.get(k, 0))
        width = 100 * n / most if most else 0
        top = " wb-top" if most and n == most else ""
        rows.append(
            f"<div class='wb-opt{top}' data-option='{k}' data-dots='{n}'>"
            f"<span class='wb-opt-title'><b>{k + 1}.</b> {esc(option['title'])}</span>"
            f"<span class='wb-opt-bar'><i style='width:{width:.0f}%'></i></span>"
            f"<b class='wb-opt-n'>{n}</b></div>")
    # up to ROOMY_OPTIONS options, each title gets its own line (two at most) above its bar;
    # a longer shortlist takes one line per option
    roomy = " wb-roomy" if len(dot_round["options"]) <= ROOMY_OPTIONS else ""
    return (f"<div class='{'wb-round-closed' if closed else 'wb-round-open'}{roomy}' "
            f"data-round='{dot_round['id']}' data-total='{total}'>"
            f"<div class='wb-panel-h'>{esc(i18n.t(lang, 'workshop.round_heading'))}</div>"
            f"<div class='wb-round-title'>{esc(dot_round['title'])}</div>"
            f"<div class='wb-round-sub'>{esc(sub)}</div>{running}{''.join(rows)}</div>")
