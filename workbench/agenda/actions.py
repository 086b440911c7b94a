"""What a planner does to the agenda: regroup, edit an item and link statements to it, merge
and split items, answer proposals, decide, record progress and publish.

Each action checks its input first and refuses with an :class:`InputInvalid` (per field, an
i18n key and its params, nothing written), then writes through the store in one transaction
(a busy database raises :class:`workbench.store.StoreBusy`, with nothing written). Plain
Python over the store, no widgets: the builder's buttons call these, and so can a script.
Items are named by id and read again from the store, so an action never works on an item
that was merged or regrouped away since the caller last looked.
"""

from __future__ import annotations

import pandas as pd

from workbench import settings, vocabulary
from workbench.agenda import decisions, grouping, workflow
from workbench.agenda.decisions import COMMITTEE_DECISIONS, Decision, DecisionInvalid
from workbench.proposals.rules import InputInvalid, check_text

#: Longest item title a planner may write.
TITLE_MAX_CHARS = 200
#: The refusal when an item is no longer on the agenda (merged, regrouped, another community).
UNKNOWN_ITEM = ("planner.agenda.unknown_item", {})


class AgendaInvalid(InputInvalid):
    """An edit, link, split, answer or publishing that breaks a rule."""


def item_on_agenda(store, community_id: str, item_id) -> dict | None:
    """The item as stored now, if it is still on this community's agenda (not merged)."""
    if item_id is None:
        return None
    item = store.agenda_item(item_id)
    if item is None or item["community_id"] != community_id or item["decision"] == "merge":
        return None
    return item


def _item(store, community_id: str, item_id, refusal: type[InputInvalid]) -> dict:
    item = item_on_agenda(store, community_id, item_id)
    if item is None:
        raise refusal({"item": UNKNOWN_ITEM})
    return item


def _ids(values) -> list[int] | None:
    """Ids as ints, or None when one is not a whole number."""
    try:
        return [int(v) for v in values or []]
    except (TypeError, ValueError):
        return None


# -- grouping and editing -------------------------------------------------------------------
def regroup(store, community, layers: dict | None = None) -> list[int]:
    """Group the proposals of undecided items again (:func:`workflow.regroup_plan`), telling
    the names of the community's places apart from what is asked. All or nothing: the
    grouping, and the evidence and ranking of every item the agenda would then hold (with
    households within reach when ``layers`` are given), are computed before anything is
    written; the items are then replaced in one transaction. The new items' ids."""
    kept, candidates = workflow.regroup_plan(store, community.id,
                                             place_names=grouping.place_names(community))
    workflow.rank_items(store, community, workflow.items_after(kept, candidates), layers)
    return workflow.write_regroup(store, community.id, kept, candidates)


def edit(store, community_id: str, item_id, title, description, scenario) -> None:
    """An item's title, description and scenario (public: plain text, no markup)."""
    item = _item(store, community_id, item_id, AgendaInvalid)
    errors = {}
    clean_title, problem = check_text(title, required=True, max_chars=TITLE_MAX_CHARS)
    if problem:
        errors["title"] = problem
    clean_description, problem = check_text(description, required=False, multiline=True,
                                            max_chars=settings.get("description_max_chars"))
    if problem:
        errors["description"] = problem
    if scenario not in vocabulary.scenario_codes():
        errors["scenario"] = ("error.scenario_required", {})
    if errors:
        raise AgendaInvalid(errors)
    store.edit_item(item["id"], title=clean_title, description=clean_description or "",
                    scenario=scenario)


def linkable_statements(store, community_id: str, items: list[dict] | None = None
                        ) -> list[dict]:
    """Statements an item may link as evidence of consensus: the shown ones of open topics,
    and those linked now by ``items`` (the live items when not given), so a link outlives
    its topic's closing. Each: id, topic (its title), text."""
    items = workflow.live_items(store, community_id) if items is None else items
    linked = {s for item in items for s in item.get("statement_ids") or []}
    out = []
    for topic in store.topics(community_id):
        for s in store.statements_of(topic["id"]):
            if (topic["status"] == "open" and s["status"] == "shown") or s["id"] in linked:
                out.append({"id": s["id"], "topic": topic["title"], "text": s["body"]})
    return out


def link_statements(store, community_id: str, item_id, statement_ids) -> list[int]:
    """Link statements to an item (replacing its links); the ids linked."""
    item = item_on_agenda(store, community_id, item_id)
    ids = _ids(statement_ids)
    allowed = {s["id"] for s in linkable_statements(store, community_id)}
    if item is None or ids is None or not set(ids) <= allowed:
        raise AgendaInvalid({"statements": UNKNOWN_ITEM})
    store.edit_item(item["id"], statement_ids=ids)
    return ids


# -- merging and splitting ------------------------------------------------------------------
def mergeable(target_id, item_ids) -> list[int]:
    """The items (of ``item_ids``, those on the agenda) that can be merged into
    ``target_id``: every other one; an item is never merged into itself."""
    return [i for i in item_ids if i != target_id]


def merge(store, community_id: str, target_id, source_ids, reason) -> list[int]:
    """Merge items into the target: their proposals (with every support and comment) move to
    it, and each merged item points at it, with the public reason. The merged ids."""
    errors = {}
    sources = _ids(source_ids)
    target = item_on_agenda(store, community_id, target_id)
    live = [i["id"] for i in workflow.live_items(store, community_id)]
    allowed = set(mergeable(target["id"], live)) if target else set()
    if not sources or not set(sources) <= allowed:
        errors["sources"] = ("planner.agenda.merge_choose", {})
    try:
        clean = decisions.validate_decision({"decision": "merge", "reason": reason}).reason
    except DecisionInvalid as exc:
        errors.update({k: v for k, v in exc.errors.items() if k == "reason"})
    if errors:
        raise DecisionInvalid(errors)
    store.merge_items(target["id"], sources, clean)
    return sources


def split(store, community_id: str, item_id, proposal_ids, title=None) -> int:
    """Move some of an item's proposals (at least one stays) into a new item, its fields from
    the most supported of them (``title`` replaces its title); one transaction. Its id."""
    item = item_on_agenda(store, community_id, item_id)
    errors = {}
    pids = sorted(set(_ids(proposal_ids) or []))
    if item is None or not pids or not set(pids) <= set(item["proposal_ids"]) \
            or len(pids) == len(item["proposal_ids"]):
        errors["proposals"] = ("planner.agenda.split_choose", {})
    clean_title, problem = check_text(title, required=False, max_chars=TITLE_MAX_CHARS)
    if problem:
        errors["title"] = problem
    if errors:
        raise AgendaInvalid(errors)
    rows = pd.DataFrame([p for p in store.list_proposals(community_id) if p["id"] in pids])
    fields = grouping.candidate_item(rows, store.support_counts(community_id))
    if clean_title:
        fields["title"] = clean_title
    return store.split_item(community_id, {**fields, "proposal_ids": pids})


# -- answers, decisions, progress -----------------------------------------------------------
def answer(store, community_id: str, proposal_id, text) -> str:
    """The official answer to a proposal (public, beside it); the answer as saved."""
    clean, problem = check_text(text, required=True, multiline=True,
                                max_chars=decisions.REASON_MAX_CHARS)
    if problem:
        raise AgendaInvalid({"answer": problem})
    if not store.set_official_answer(proposal_id, clean, community_id=community_id):
        raise AgendaInvalid({"answer": UNKNOWN_ITEM})
    return clean


def decide(store, community_id: str, item_id, decision, reason="", owner=None,
           budget_line="", milestones="", target_date=None) -> Decision:
    """The committee's decision on an item (adopt, defer or decline: merging is done by
    :func:`merge`), checked by :func:`decisions.validate_decision`; ``milestones`` as typed
    (:func:`decisions.parse_milestones`) or a list. Every problem at once, per field."""
    item = _item(store, community_id, item_id, DecisionInvalid)
    chosen = decision if decision in COMMITTEE_DECISIONS else None
    problem = None
    if not isinstance(milestones, list):
        milestones, problem = decisions.parse_milestones(milestones)
    raw = {"decision": chosen, "reason": reason, "owner": owner, "budget_line": budget_line,
           "milestones": milestones, "target_date": target_date}
    try:
        checked, errors = decisions.validate_decision(raw), {}
    except DecisionInvalid as exc:
        checked, errors = None, dict(exc.errors)
    if problem and chosen == "adopt":
        errors["milestones"] = problem
    if chosen is None:
        errors["decision"] = ("planner.agenda.decision_choose", {})
    if errors:
        raise DecisionInvalid(errors)
    store.decide(item["id"], checked)
    return checked


def withdraw_decision(store, community_id: str, item_id, reason, author: str,
                      lang: str = "zh") -> str:
    """Undo the committee's decision on an item (it becomes a candidate again) with a
    reason; the item's history keeps a dated entry naming the decision withdrawn, its reason
    and why (in ``lang``). Nothing is erased. The entry's note as saved."""
    from workbench import i18n
    from workbench.agenda.presenter import decision_label

    item = _item(store, community_id, item_id, DecisionInvalid)
    errors = {}
    if item.get("decision") not in COMMITTEE_DECISIONS:
        errors["withdraw"] = ("planner.agenda.nothing_to_withdraw", {})
    clean, problem = check_text(reason, required=True, multiline=True,
                                max_chars=decisions.REASON_MAX_CHARS)
    if problem:
        errors["withdraw_reason"] = problem
    if errors:
        raise DecisionInvalid(errors)
    note = i18n.t(lang, "planner.agenda.withdrawn_note",
                  decision=decision_label(lang, item["decision"]),
                  reason=item.get("reason") or "–", why=clean)
    store.withdraw_decision(item["id"], note, author)
    return note


def add_update(store, community_id: str, item_id, status, progress, note,
               author: str) -> tuple[str, int, str]:
    """A dated progress update of an adopted item, checked by
    :func:`decisions.validate_update`; (status, progress, note) as saved."""
    item = _item(store, community_id, item_id, DecisionInvalid)
    status, progress, note = decisions.validate_update(
        {"status": status, "progress": progress, "note": note}, item)
    store.add_update(item["id"], status, progress, note, author)
    return status, progress, note


# -- publishing -----------------------------------------------------------------------------
def publish(store, community, weights: dict, author: str, layers: dict | None = None, *,
            checked: bool = False) -> int:
    """Freeze the decided items as the next version (:func:`workflow.publish`), only once
    the planner has ``checked`` the list and when some item has a decision. Its number."""
    if not checked:
        raise AgendaInvalid({"checked": ("planner.agenda.confirm_first", {})})
    if not any(i["decision"] in COMMITTEE_DECISIONS
               for i in store.agenda_items(community.id)):
        raise AgendaInvalid({"items": ("planner.agenda.nothing_decided", {})})
    return workflow.publish(store, community, weights, author, layers)
