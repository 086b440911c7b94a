"""How an agenda item is told, the same in the report (HTML, PDF, DOCX), the planner's list and
the resident's card: its evidence and its decision's fields as labelled, formatted facts, and
the labels of decisions, statuses, owners and score parts.

Plain Python (no pandas, no widgets: the resident's kernel imports it). An item is a dict of
a published snapshot (:mod:`.snapshot`), or a live item with its evidence row
(:data:`workbench.agenda.evidence.COLUMNS`) turned into the snapshot's shape by
:func:`evidence_of_row`. Every text returned is plain: escape it where it is shown.

The rules:

- Core evidence (supporters, proposals, comments, consensus, satisfaction) is always shown,
  so that items can be compared; a missing value (None, NaN) reads "No data" ("No comments
  yet" for comments) and the fact says ``missing``.
- The rest is shown only when there is something to show: the score and its parts when
  known, the needs named in surveys when any, households within 300/500 m and the
  underserved among them when the item has a place, workshop dots when there are any.
- Counts are whole numbers, consensus a whole percent, satisfaction a mean out of 5 with
  one decimal, the score and its parts two decimals, dates 2027年6月30日 / 30 Jun 2027.
- A decision's field (reason, owner, budget line, target date, status, progress) is shown
  when it has a value, and always for an adopted item ("–" when missing: the committee owes
  it); an adopted item without a status is planned (adopting sets it so).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timezone

from workbench import i18n
from workbench.agenda.snapshot import UNKNOWN_REASONS
from workbench.geo.projection import located

#: shown where a decision's field is missing
DASH = "–"
#: the most named needs shown, most named first
NEEDS_SHOWN = 6
STANCES = ("for", "neutral", "against")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: where the labels of each group of codes live (``<prefix>.<code>``): the one set, the
#: words residents read on their page (the planner's decision *verbs* are its own)
LABEL_KEYS = {"decision": "agenda.decision", "status": "agenda.status",
              "owner": "agenda.owner", "part": "agenda.part", "field": "agenda.field"}
FIELDS = ("reason", "owner", "budget_line", "target_date", "status", "progress")



@dataclass(frozen=True)
class Fact:
    """One labelled fact about an item.

    ``key`` names it (an output picks a chart by it), ``text`` is the value as read,
    ``value`` the number(s) behind it for a chart (a count, a share, a mean, the comments'
    counts by stance, or (label, number, text) bars for needs and score parts), ``notes``
    lines under it as (text, aside) pairs (the supports behind the supporters, the
    statements behind the consensus with their share)."""

    key: str
    label: str
    text: str
    value: object = None
    notes: tuple[tuple[str, str], ...] = ()
    missing: bool = False


# -- labels -----------------------------------------------------------------------------------
def label(lang: str, group: str, code) -> str:
    """A code's label (``group``: decision, status, owner, part, field), else the code made
    readable (a code added after the strings were written); empty for no code."""
    if code is None or code == "":
        return ""
    key = f"{LABEL_KEYS[group]}.{code}"
    catalogue = i18n.catalogue(lang)
    return catalogue[key] if key in catalogue else str(code).replace("_", " ")


def decision_label(lang: str, decision) -> str:
    """Adopted, deferred, declined, merged; an item not decided yet is a candidate."""
    return label(lang, "decision", decision or "none")


def status_label(lang: str, status) -> str:
    return label(lang, "status", status)


def owner_label(lang: str, owner) -> str:
    """A role's label (``residents_committee``: 居委会), or the owner as the planner wrote it."""
    if owner is None or owner == "":
        return ""
    key = f"{LABEL_KEYS['owner']}.{owner}"
    catalogue = i18n.catalogue(lang)
    return catalogue[key] if key in catalogue else str(owner)


def owner_suggestions(lang: str, roles, community_owners=()) -> list[str]:
    """What the owner field offers: the roles' labels, then the community's own names."""
    return list(dict.fromkeys([owner_label(lang, r) for r in roles] + list(community_owners)))


def owner_as_stored(text, roles):
    """A typed owner: a role's code when the text is that role's label in either language (so
    it reads in the other language too), else the text as written."""
    text = text.strip() if isinstance(text, str) else text
    for role in roles:
        if text and any(text == owner_label(lang, role) for lang in i18n.LANGUAGES):
            return role
    return text


def part_label(lang: str, part) -> str:
    return label(lang, "part", part)


def field_label(lang: str, field: str) -> str:
    """The label of an item's field: decision, scenario, place, title, reason, owner,
    budget_line, target_date, status, progress."""
    return label(lang, "field", field)


def labelled(lang: str, label: str, text: str) -> str:
    """"label: text" as the language writes it (a full-width colon in Chinese)."""
    return f"{label}{'：' if lang == 'zh' else ': '}{text}"


def evidence_label(lang: str, key: str, **params) -> str:
    """The label of an evidence fact (:data:`EVIDENCE`) or of its words (``no_data``...)."""
    return i18n.t(lang, f"agenda.evidence.{key}", **params)


# -- formats ----------------------------------------------------------------------------------
def is_missing(value) -> bool:
    """None, NaN, or something that is not a number (pandas' NA)."""
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def format_date(value, lang: str) -> str:
    """An ISO date or timestamp as 2026年11月27日 / 27 Nov 2026; other text as it is."""
    if value is None or value == "":
        return ""
    try:
        day = (value if isinstance(value, date) else
               datetime.fromisoformat(str(value).replace("Z", "+00:00")))
        if isinstance(day, datetime):
            day = day.date()
    except ValueError:
        return str(value)
    if lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"  # not locale-dependent


def format_time(value, lang: str, zone: str | None = None) -> str:
    """A stored moment (a timezone-aware datetime, or naive UTC as SQLite gives it back) in
    the community's time zone (``zone``, default the ``time_zone`` setting): 2026年11月27日
    14:05 / 27 Nov 2026 14:05. A date alone is told as a date."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if not isinstance(value, datetime):
        return format_date(value, lang)
    from zoneinfo import ZoneInfo

    from workbench import settings

    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    local = value.astimezone(ZoneInfo(zone or settings.get("time_zone")))
    return f"{format_date(local.date(), lang)} {local:%H:%M}"


def format_count(value) -> str:
    return DASH if is_missing(value) else str(int(round(float(value))))


def format_percent(share) -> str:
    return DASH if is_missing(share) else f"{round(float(share) * 100):d}%"


def format_score(value) -> str:
    return DASH if is_missing(value) else f"{float(value):.2f}"


def format_satisfaction(mean) -> str:
    return DASH if is_missing(mean) else f"{float(mean):.1f} / 5"


def progress_of(item: dict) -> int:
    """The item's progress in percent, 0 to 100."""
    try:
        return max(0, min(100, int(item.get("progress") or 0)))
    except (TypeError, ValueError):
        return 0


# -- the agenda ---------------------------------------------------------------------------------
def ranked_items(snapshot: dict) -> list[dict]:
    """A snapshot's items in rank order (unranked last, then by id)."""
    return sorted(snapshot.get("items") or [], key=lambda i: (i.get("rank") is None,
                                                               i.get("rank") or 0, i.get("id")))


def has_place(item: dict) -> bool:
    return located(item) and not is_missing(item["lon"]) and not is_missing(item["lat"])


def place_name(item: dict, lang: str) -> str:
    """The public space's name in the language, else in the other one; empty for none."""
    name = item.get("public_space_name") or {}
    return name.get(lang) or name.get("zh") or name.get("en") or ""


def item_status(item: dict):
    """The item's status; an adopted item without one is planned."""
    return item.get("status") or ("planned" if item.get("decision") == "adopt" else None)


def item_facts(item: dict, lang: str) -> list[Fact]:
    """The decision's fields (:data:`FIELDS`) shown for the item, by the rule above; the
    progress fact's value is the percent."""
    adopted = item.get("decision") == "adopt"
    progress = progress_of(item)
    values = {"reason": item.get("reason") or "",
              "owner": owner_label(lang, item.get("owner")),
              "budget_line": item.get("budget_line") or "",
              "target_date": format_date(item.get("target_date"), lang),
              "status": status_label(lang, item_status(item)),
              "progress": f"{progress}%" if adopted or progress else ""}
    return [Fact(key, field_label(lang, key), values[key] or DASH,
                 progress if key == "progress" else None, missing=not values[key])
            for key in FIELDS if values[key] or adopted]


def history_lines(item: dict, lang: str) -> list[tuple[str, str, str, str]]:
    """The item's tracking updates, oldest first: (date, status, progress, note)."""
    return [(format_date(h.get("date"), lang), status_label(lang, h.get("status")),
             f"{int(h.get('progress') or 0)}%", h.get("note") or "")
            for h in item.get("history") or []]


def milestone_lines(item: dict, lang: str) -> list[tuple[bool, str, str]]:
    """The item's milestones in order: (done, title, date)."""
    return [(bool(m.get("done")), m.get("title") or "", format_date(m.get("date"), lang))
            for m in item.get("milestones") or []]


# -- evidence -----------------------------------------------------------------------------------
def evidence_of_row(row: dict) -> dict:
    """A live evidence row (:data:`workbench.agenda.evidence.COLUMNS`, NaN for unknown) in
    the snapshot's evidence shape (nested comments, None for unknown)."""
    def number(key):
        value = row.get(key)
        return None if is_missing(value) else float(value)

    return {"proposals": number("proposals"), "supports": number("supports"),
            "supporters": number("supporters"), "external_supports": number("external_supports"),
            "comments": {s: int(number(f"comments_{s}") or 0) for s in STANCES},
            "consensus": number("consensus"), "consensus_statements": [],
            "satisfaction": number("satisfaction"), "needs": dict(row.get("needs") or {}),
            "households_300": number("households_300"),
            "households_500": number("households_500"),
            "underserved_households": number("underserved_households"),
            "reach_method": (row.get("reach_method")
                             if row.get("reach_method") in REACH_METHODS else None),
            "workshop_dots": number("workshop_dots")}


def _fact(lang: str, key: str, text: str, value=None, notes=()) -> Fact:
    return Fact(key, evidence_label(lang, key), text, value, tuple(notes))


def _no_data(lang: str, key: str, value=None, words: str = "no_data") -> Fact:
    return Fact(key, evidence_label(lang, key), evidence_label(lang, words), value,
                missing=True)


def _measured(lang: str, key: str, value, fmt, notes=()) -> Fact:
    """A number formatted by ``fmt``, or No data."""
    if is_missing(value):
        return _no_data(lang, key)
    return _fact(lang, key, fmt(value), float(value), notes)


def _bars(lang: str, key: str, pairs, fmt, sep: str) -> Fact | None:
    """(name, number) pairs as bars, and as text joined by ``sep``; none: left out."""
    bars = [(name, float(n or 0), fmt(n)) for name, n in pairs]
    return _fact(lang, key, sep.join(f"{name} {shown}" for name, _, shown in bars),
                 bars) if bars else None


def _supporters(item: dict, ev: dict, lang: str) -> Fact:
    """Everyone who supports it: each participation code once, and each support gathered
    elsewhere (a paper form, another platform: one person each), said apart under it."""
    online, external = ev.get("supporters"), ev.get("external_supports") or 0
    total = online if is_missing(online) else online + external
    notes = [(evidence_label(lang, "supporters_elsewhere", external=format_count(external)),
              "")] if external else []
    return _measured(lang, "supporters", total, format_count, notes)


#: how a households figure was measured (:mod:`workbench.geo.walking_reach`), as said beside it
REACH_METHODS = ("network", "straight_line")


def _households(key: str):
    """Households within reach, counted from the item's place: left out without one; how
    they were measured (walking along the roads, or a straight line) said beside them."""
    def fact(item: dict, ev: dict, lang: str) -> Fact | None:
        counted = not is_missing(ev.get("households_500")) and ev["households_500"] > 0
        if not (has_place(item) or counted):
            return None
        method = ev.get("reach_method")
        notes = ([(evidence_label(lang, f"reach.{method}"), "")]
                 if method in REACH_METHODS else [])
        return _measured(lang, key, ev.get(key), format_count, notes)
    return fact


def _comments(item: dict, ev: dict, lang: str) -> Fact:
    counts = {s: int((ev.get("comments") or {}).get(s) or 0) for s in STANCES}
    if not sum(counts.values()):
        return _no_data(lang, "comments", counts, "no_comments")
    return _fact(lang, "comments", " · ".join(f"{evidence_label(lang, s)} {counts[s]}"
                                              for s in STANCES), counts)


def _consensus(item: dict, ev: dict, lang: str) -> Fact:
    notes = [(s.get("text") or "", format_percent(s.get("consensus")))
             for s in ev.get("consensus_statements") or []]
    return _measured(lang, "consensus", ev.get("consensus"), format_percent, notes)


def _needs(item: dict, ev: dict, lang: str) -> Fact | None:
    needs = sorted((ev.get("needs") or {}).items(), key=lambda kv: (-kv[1], kv[0]))
    return _bars(lang, "needs", needs[:NEEDS_SHOWN], format_count,
                 "，" if lang == "zh" else ", ")


def _score_parts(item: dict, ev: dict, lang: str, unknown: dict | None = None) -> Fact | None:
    """The parts the score was made of; a part left out of it (None) is named under them
    with why (``unknown``: part -> reason for every item, :data:`UNKNOWN_REASONS`; a part
    it does not name is unknown around this item only; without ``unknown``, as in older
    snapshots: no households recorded)."""
    parts = item.get("score_parts") or {}
    fact = _bars(lang, "score_parts", ((part_label(lang, p), v) for p, v in parts.items()
                                       if v is not None), format_score, " · ")
    left_out: dict[str, list[str]] = {}
    for p, v in parts.items():
        if v is None:
            reason = "no_households" if unknown is None else unknown.get(p, "not_mapped")
            reason = reason if reason in UNKNOWN_REASONS else "no_households"
            left_out.setdefault(reason, []).append(part_label(lang, p))
    if fact is None or not left_out:
        return fact
    notes = tuple((evidence_label(lang, f"parts_unknown.{reason}", parts=(
        "、" if lang == "zh" else ", ").join(names)), "") for reason, names in left_out.items())
    return Fact(fact.key, fact.label, fact.text, fact.value, fact.notes + notes, fact.missing)


def homes_note(homes: dict | None, lang: str) -> str:
    """What the buildings layer told of homes (``homes``: the snapshot's, see
    :func:`workbench.geo.reach.homes_recorded`) when it limits the households figures: an
    empty layer, no households recorded, or some buildings without a count (how many).
    Empty when every building has its count, or nothing is known of the layer."""
    if not homes:
        return ""
    if not homes.get("buildings"):
        key = "empty"
    elif not homes.get("households"):
        key = "none"
    elif homes.get("without_count"):
        key = "partial"
    else:
        return ""
    return i18n.t(lang, f"agenda.homes.{key}", **{k: int(homes.get(k) or 0) for k in (
        "buildings", "counted", "without_count")})


def _workshop_dots(item: dict, ev: dict, lang: str) -> Fact | None:
    """Dots from workshops' dot-voting rounds: left out when there are none."""
    dots = ev.get("workshop_dots")
    return None if is_missing(dots) or not dots else _measured(lang, "workshop_dots", dots,
                                                               format_count)


#: every evidence fact, in the order shown: how it is told
_EVIDENCE = {
    "supporters": _supporters,
    "proposals": lambda item, ev, lang: _measured(lang, "proposals", ev.get("proposals"),
                                                  format_count),
    "score": lambda item, ev, lang: (None if is_missing(item.get("score")) else
                                     _measured(lang, "score", item["score"], format_score)),
    "households_300": _households("households_300"),
    "households_500": _households("households_500"),
    "underserved_households": _households("underserved_households"),
    "workshop_dots": _workshop_dots,
    "comments": _comments,
    "consensus": _consensus,
    "satisfaction": lambda item, ev, lang: _measured(lang, "satisfaction",
                                                     ev.get("satisfaction"),
                                                     format_satisfaction),
    "needs": _needs,
    "score_parts": _score_parts,
}
EVIDENCE = tuple(_EVIDENCE)


def evidence_facts(item: dict, lang: str, evidence: dict | None = None,
                   keys=EVIDENCE, unknown: dict | None = None) -> list[Fact]:
    """The item's evidence as facts, in the order of :data:`EVIDENCE` (or of ``keys``, a
    choice among them), by the rules above. ``evidence`` defaults to the item's own (a
    snapshot's); pass :func:`evidence_of_row` of a live row for a live item. ``unknown``
    says why a score part was left out (a snapshot's ``score_unknown``)."""
    ev = (item.get("evidence") or {}) if evidence is None else evidence
    tell = {**_EVIDENCE, "score_parts": lambda i, e, l: _score_parts(i, e, l, unknown)}
    facts = (tell[key](item, ev, lang) for key in keys)
    return [fact for fact in facts if fact is not None]
