"""The agenda's steps over the store: re-group proposals into candidate items, gather each
item's evidence, score and rank, and freeze a published version. Plain Python over the
:class:`workbench.store.Store` (no SQL here, no widgets); the planner's notebook drives it
through :mod:`workbench.agenda.builder`, and ``workbench export-agenda`` reads what it published.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone

import pandas as pd

from workbench.agenda import evidence as ev
from workbench.geo.reach import homes_recorded
from workbench.geo.walking_reach import households_within
from workbench.agenda import grouping, scoring
from workbench.agenda.snapshot import FORMAT


def open_proposals(store, community_id: str) -> pd.DataFrame:
    """The proposals an agenda is built from: every visible one (hidden ones are left out),
    with the kind of its public space."""
    rows = store.list_proposals(community_id)
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=["id", "title", "description", "scenario", "lon", "lat",
                                     "public_space_id", "external_supports", "hidden_reason"])
    return frame[frame["hidden_reason"].isna()].reset_index(drop=True)


def regroup_plan(store, community_id: str, **thresholds) -> tuple[list[dict], list[dict]]:
    """What re-grouping would make, nothing written: (the items kept, the new candidates).
    Decided items stay, and so do undecided items others were merged into; the proposals not
    in a kept item are grouped into candidates (dicts with title, description, scenario,
    public_space_id, lon, lat, proposal_ids). ``thresholds`` go to
    :func:`.grouping.group_proposals`."""
    proposals = open_proposals(store, community_id)
    items = store.agenda_items(community_id)
    # an undecided item that others were merged into stays too: the merged items point at
    # it, and the planner's merge is kept
    targets = {i["merged_into"] for i in items if i.get("merged_into")}
    kept = [i for i in items if i["decision"] or i["id"] in targets]
    taken = {p for item in kept for p in item["proposal_ids"]}
    free = proposals[~proposals["id"].isin(taken)]
    supports: dict[int, int] = {}
    for pid, _code in store.supports_rows(community_id):
        supports[pid] = supports.get(pid, 0) + 1
    by_id = free.set_index("id", drop=False).rename_axis(None)
    candidates = [grouping.candidate_item(by_id.loc[group], supports)
                  for group in grouping.group_proposals(free, **thresholds)]
    return kept, candidates


def items_after(kept: list[dict], candidates: list[dict]) -> list[dict]:
    """The live items the agenda would hold after re-grouping, the candidates with
    provisional ids (-1, -2, ...: never a stored item's), to gather evidence for before
    anything is written."""
    provisional = [{**c, "id": -n, "statement_ids": [], "decision": None}
                   for n, c in enumerate(candidates, start=1)]
    return [i for i in kept if i["decision"] != "merge"] + provisional


def write_regroup(store, community_id: str, kept: list[dict], candidates: list[dict]
                  ) -> list[int]:
    """Replace the undecided items by the candidates (those kept stay), in one transaction;
    the new items' ids."""
    return store.replace_candidates(community_id, candidates,
                                    keep=[i["id"] for i in kept if not i["decision"]])


def regroup(store, community_id: str, **thresholds) -> list[int]:
    """Group the proposals not yet in a decided item into new candidate items (undecided
    items are replaced; decided ones stay, and so do items others were merged into).
    Returns the new items' ids. ``thresholds`` go
    to :func:`.grouping.similar_pairs`; pass ``place_names=grouping.place_names(community)``
    so that the names of the community's places are told apart from what is asked. The
    planner's re-grouping (:func:`workbench.agenda.actions.regroup`) also ranks the items
    before writing them."""
    return write_regroup(store, community_id, *regroup_plan(store, community_id, **thresholds))


def survey_evidence(store, lang: str = "zh", community_id: str | None = None
                    ) -> tuple[dict, dict]:
    """({scenario: {satisfaction, needs}}, {space id or kind: {satisfaction, needs}}) over
    the newest version of every survey published (in ``community_id``, when given); needs
    add up across surveys, satisfaction is the mean of the surveys' means."""
    from workbench.surveys import results
    from workbench.surveys.answers import survey_view

    by_scenario: dict[str, dict] = {}
    by_space: dict[str, dict] = {}
    for version in store.latest_survey_versions(community_id):
        rows = [r for r in store.survey_responses(version["survey_id"], community_id)
                if r["version"] == version["version"]]
        if not rows:
            continue
        survey = survey_view(version["definition"])
        frame = results.responses_frame(survey, rows)
        scen, space = results.agenda_evidence(survey, frame, lang)
        for table, key, target in ((scen, "scenario", by_scenario), (space, "space", by_space)):
            for _, row in table.iterrows():
                entry = target.setdefault(row[key], {"satisfaction": [], "needs": {}})
                if not pd.isna(row["satisfaction"]):
                    entry["satisfaction"].append(float(row["satisfaction"]))
                for label, n in (row["needs"] or {}).items():
                    entry["needs"][label] = entry["needs"].get(label, 0) + int(n)
    for target in (by_scenario, by_space):
        for entry in target.values():
            values = entry["satisfaction"]
            entry["satisfaction"] = sum(values) / len(values) if values else math.nan
    return by_scenario, by_space


def statement_consensus(store, community_id: str, items: list[dict]
                        ) -> tuple[dict[int, float], dict[int, str]]:
    """Group-informed consensus and text of the statements linked to items (computed per
    topic, with the topic's opinion groups)."""
    from workbench.deliberation.topic_groups import topic_groups

    wanted = {s for item in items for s in item.get("statement_ids") or []}
    if not wanted:
        return {}, {}
    topics = {}
    for topic in store.topics(community_id):
        ids = {s["id"] for s in store.statements_of(topic["id"])}
        if ids & wanted:
            topics[topic["id"]] = ids
    gic: dict[int, float] = {}
    texts: dict[int, str] = {}
    for topic_id in topics:
        result = topic_groups(store, topic_id)
        texts.update(result.texts)
        if result.table is not None:
            gic.update(dict(zip(result.table["statement"], result.table[
                "group_informed_consensus"])))
    return gic, texts


def live_items(store, community_id: str) -> list[dict]:
    """Items that are on the agenda (not merged into another)."""
    return [i for i in store.agenda_items(community_id) if i["decision"] != "merge"]


def gather_evidence(store, community, layers: dict | None = None, lang: str = "zh",
                    items: list[dict] | None = None,
                    consensus: dict[int, float] | None = None) -> pd.DataFrame:
    """Evidence for every live item (:data:`workbench.agenda.evidence.COLUMNS`)."""
    items = live_items(store, community.id) if items is None else items
    if not items:
        return pd.DataFrame(columns=ev.COLUMNS)
    proposals = open_proposals(store, community.id)
    kinds = {sid: f["properties"]["kind"] for sid, f in community.public_spaces.items()}
    proposals["space_kind"] = [kinds.get(s) for s in proposals["public_space_id"]]
    by_scenario, by_space = survey_evidence(store, lang, community.id)
    add_space_use(by_space, store, community, kinds, lang)
    # opinion groups are costly: a caller that has them already passes them in
    gic = consensus if consensus is not None else \
        statement_consensus(store, community.id, items)[0]
    reach = None
    if layers and "buildings" in layers and "public_spaces" in layers:
        frame = pd.DataFrame({"item_id": [i["id"] for i in items],
                              "lon": [i["lon"] for i in items],
                              "lat": [i["lat"] for i in items],
                              "public_space_id": [i.get("public_space_id") for i in items]}
                             ).astype({"lon": float, "lat": float})
        # walking along the roads where the layers have them, else the straight line
        reach = households_within(frame, layers["buildings"], layers["public_spaces"],
                                  layers.get("roads"))
    from workbench.workshops.rules import dots_by_item

    return ev.item_evidence(items, proposals, store.supports_rows(community.id),
                            store.stance_counts(community.id), gic, by_scenario, by_space,
                            reach, dots_by_item(store, community.id))


def add_space_use(by_space: dict, store, community, kinds: dict, lang: str) -> None:
    """The use of each space (:func:`workbench.activities.workflow.space_use_evidence`:
    people refused, a space little used) added to the needs of its place, which keeps what
    the surveys said of it or of its kind."""
    from workbench.activities.workflow import space_use_evidence

    for space_id, needs in space_use_evidence(store, community, lang).items():
        entry = by_space.setdefault(space_id, dict(by_space.get(kinds.get(space_id)) or {}))
        entry["needs"] = {**(entry.get("needs") or {}), **needs}


def homes_of(layers: dict | None) -> dict | None:
    """What the buildings layer tells of homes (:func:`workbench.geo.reach.homes_recorded`),
    or None without layers."""
    if not layers or "buildings" not in layers:
        return None
    return homes_recorded(layers["buildings"])


def rank_items(store, community, items: list[dict], layers: dict | None = None,
               weights: dict | None = None) -> pd.DataFrame:
    """The evidence, score parts and ranking of ``items`` (:func:`gather_evidence`,
    :func:`.scoring.score_parts`, :func:`.scoring.rank`), by ``weights`` (the defaults when
    not given): what re-grouping checks before writing."""
    return ranking_of(gather_evidence(store, community, layers, items=items),
                      weights or scoring.DEFAULT_WEIGHTS)


def ranking_of(evidence: pd.DataFrame, weights: dict) -> pd.DataFrame:
    """The items of ``evidence`` ranked by ``weights`` (no rows without evidence)."""
    if not len(evidence):
        return pd.DataFrame(columns=["item_id", "score", "rank", *scoring.PARTS])
    return scoring.rank(scoring.score_parts(evidence), weights)


def build_snapshot(store, community, weights: dict, published_by: str,
                   layers: dict | None = None) -> dict:
    """The agenda as it would be published now (see :mod:`.snapshot` for the format): the
    decided items (adopt, defer, decline), ranked by score. Built whole before anything is
    written: :func:`publish` stores it in one transaction."""
    items = [i for i in live_items(store, community.id) if i["decision"]]
    gic, texts = statement_consensus(store, community.id, items)
    evidence = gather_evidence(store, community, layers, items=items, consensus=gic)
    ranking = ranking_of(evidence, weights)
    homes = homes_of(layers)
    proposals = {p["id"]: p for p in store.list_proposals(community.id)}
    counts = store.support_counts(community.id)
    updates: dict[int, list[dict]] = {}
    for u in store.item_updates([i["id"] for i in items]):
        updates.setdefault(u["item_id"], []).append(u)
    by_item = {i["id"]: i for i in items}
    ev_rows = evidence.set_index("item_id") if len(evidence) else None
    out = []
    for _, r in ranking.iterrows():
        item = by_item[int(r["item_id"])]
        e = ev_rows.loc[item["id"]]
        space = community.public_spaces.get(item["public_space_id"] or "")
        out.append({
            "id": item["id"], "rank": int(r["rank"]), "title": item["title"],
            "description": item["description"], "scenario": item["scenario"],
            "public_space_id": item["public_space_id"],
            "public_space_name": ({"zh": space["properties"]["name_zh"],
                                   "en": space["properties"]["name_en"]} if space else None),
            "lon": item["lon"], "lat": item["lat"],
            "decision": item["decision"], "reason": item["reason"] or "",
            "owner": item["owner"], "budget_line": item["budget_line"],
            "milestones": item["milestones"],
            "target_date": item["target_date"].isoformat() if item["target_date"] else None,
            "status": item["status"], "progress": int(item["progress"] or 0),
            "history": [{"date": u["created_at"].date().isoformat(), "status": u["status"],
                         "progress": u["progress"], "note": u["note"]}
                        for u in updates.get(item["id"], [])],
            "score": round(float(r["score"]), 4),
            # a part unknown in the community is None (left out of the score)
            "score_parts": {p: _number(r[p]) for p in scoring.PARTS},
            "evidence": {
                "proposals": int(e["proposals"]), "supports": int(e["supports"]),
                "supporters": int(e["supporters"]),
                "external_supports": int(e["external_supports"]),
                "comments": {"for": int(e["comments_for"]),
                             "against": int(e["comments_against"]),
                             "neutral": int(e["comments_neutral"])},
                "consensus": _number(e["consensus"]),
                "consensus_statements": sorted(
                    [{"text": texts.get(s, ""), "consensus": round(float(gic[s]), 4)}
                     for s in item["statement_ids"] if s in gic and not math.isnan(gic[s])],
                    key=lambda x: -x["consensus"]),
                "satisfaction": _number(e["satisfaction"]),
                "needs": dict(e["needs"] or {}),
                "households_300": _int(e["households_300"]),
                "households_500": _int(e["households_500"]),
                "underserved_households": _int(e["underserved_households"]),
                "workshop_dots": int(e["workshop_dots"]),
            },
            "proposals": [{"id": pid, "receipt_code": proposals[pid]["receipt_code"],
                           # its id in the file or platform it was imported from, if any
                           "source_id": proposals[pid].get("source_id"),
                           "title": proposals[pid]["title"],
                           "supports": counts.get(pid, 0)
                           + int(proposals[pid].get("external_supports") or 0),
                           "official_answer": proposals[pid].get("official_answer")}
                          for pid in item["proposal_ids"] if pid in proposals],
        })
    return {"format": FORMAT, "version": None,
            "published_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "published_by": published_by,
            "community": {"id": community.id, "name": dict(community.name)},
            "weights": scoring.check_weights(weights),
            # what the buildings layer told of homes, and why reach or gap was left out
            "homes": homes, "score_unknown": scoring.unknown_reasons(evidence, homes),
            "items": out}


def publish(store, community, weights: dict, published_by: str,
            layers: dict | None = None) -> int:
    """Freeze the agenda as the next version; returns its number. Each proposal of an
    adopted item then credits its author's points once (``proposal_adopted`` of the points
    rule file, waiting for review; nothing without a rule file), after the version is
    committed: earning never fails a publication."""
    from workbench.points.hooks import earn_for_adopted

    snapshot = build_snapshot(store, community, weights, published_by, layers)
    version = store.publish_agenda(community.id, snapshot, published_by)
    earn_for_adopted(store, community.id, snapshot, store.proposal_author_codes(community.id))
    return version


def _number(value) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), 4)


def _int(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)
