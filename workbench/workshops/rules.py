"""Workshops: a community meeting run from a projected screen, residents joining from their
phones. The rules, in plain Python over the store.

The facilitator opens a workshop and gets two links: the residents' (the resident page with
``?workshop=<id>``, shown as a QR code on the screen) and the facilitator's screen with a
secret token (``?workshop=<id>&token=<token>``). The token is shown once and stored as a
hash: a resident who opens the screen's address without it sees a plain join panel, never
the controls.

Dot voting: the facilitator picks a shortlist; each participation code gets N dots per round
to spread over it; the database refuses an (N+1)th dot whatever the phones do.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlencode

from workbench.proposals.rules import InputInvalid, check_text

DOTS_MIN, DOTS_MAX = 1, 20
DEFAULT_DOTS = 5
SHORTLIST_MAX = 12
TITLE_MAX_CHARS = 120
#: the screen asks the database for news this often (the issue asks for 2 s at most)
SCREEN_POLL_SECONDS = 1.0
#: a phone in a workshop looks for a newly opened dot round this often
PHONE_POLL_SECONDS = 3.0


class WorkshopInvalid(InputInvalid):
    """A workshop, round or shortlist that breaks a rule."""


def new_token() -> str:
    """The facilitator's secret: 128 random bits, URL-safe."""
    return secrets.token_urlsafe(16)


def hash_token(token: str) -> str:
    # a random 128-bit token needs no slow hash: nobody can guess it to try
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_matches(token, stored_hash: str) -> bool:
    if not isinstance(token, str) or not 10 <= len(token) <= 64:
        return False
    return hmac.compare_digest(hash_token(token), stored_hash)


def validate_workshop(title, dots_per_person) -> tuple[str, int]:
    errors: dict[str, tuple[str, dict]] = {}
    clean, problem = check_text(title, required=True, max_chars=TITLE_MAX_CHARS)
    if problem:
        errors["title"] = problem
    if isinstance(dots_per_person, bool) or not isinstance(dots_per_person, int) \
            or not DOTS_MIN <= dots_per_person <= DOTS_MAX:
        errors["dots"] = ("error.dots_range", {"min": DOTS_MIN, "max": DOTS_MAX})
    if errors:
        raise WorkshopInvalid(errors)
    return clean, dots_per_person


def validate_shortlist(options: list[dict]) -> list[dict]:
    """2 to SHORTLIST_MAX options, each {kind: "item" | "proposal", id, title}."""
    if not isinstance(options, list) or not 2 <= len(options) <= SHORTLIST_MAX:
        raise WorkshopInvalid({"shortlist": ("error.shortlist_size",
                                             {"min": 2, "max": SHORTLIST_MAX})})
    clean, seen = [], set()
    for o in options:
        if not isinstance(o, dict) or o.get("kind") not in ("item", "proposal") \
                or not isinstance(o.get("id"), int) or (o["kind"], o["id"]) in seen:
            raise WorkshopInvalid({"shortlist": ("error.shortlist_size",
                                                 {"min": 2, "max": SHORTLIST_MAX})})
        seen.add((o["kind"], o["id"]))
        clean.append({"kind": o["kind"], "id": o["id"], "title": str(o.get("title", ""))[:200]})
    return clean


def open_workshop(store, community_id: str, title, dots_per_person=DEFAULT_DOTS
                  ) -> tuple[int, str]:
    """Open a workshop; returns (its id, the facilitator's token — shown only now)."""
    clean, dots = validate_workshop(title, dots_per_person)
    token = new_token()
    return store.add_workshop(community_id, clean, dots, hash_token(token)), token


def links(resident_base: str, screen_base: str, workshop_id: int,
          token: str | None = None) -> dict[str, str]:
    """The residents' link (the resident page) and, with the token, the facilitator's screen
    link (the workshop server)."""
    out = {"resident": f"{resident_base.rstrip('/')}/?{urlencode({'workshop': workshop_id})}"}
    if token:
        out["screen"] = (f"{screen_base.rstrip('/')}/?"
                         f"{urlencode({'workshop': workshop_id, 'token': token})}")
    return out


def round_result(round_row: dict, tally: dict[int, int]) -> dict:
    """A round's result: options with their dots, most dots first (ties in shortlist
    order)."""
    rows = [{**o, "dots": int(tally.get(k, 0)), "option": k}
            for k, o in enumerate(round_row["options"])]
    rows.sort(key=lambda r: (-r["dots"], r["option"]))
    return {"round": round_row["id"], "title": round_row["title"],
            "dots_per_person": round_row["dots_per_person"],
            "total_dots": sum(r["dots"] for r in rows), "options": rows}


def workshop_record(store, workshop: dict) -> dict:
    """What is kept when the workshop ends: counts (never names), the proposals made there,
    every dot-voting round's result."""
    rounds = []
    for r in store.rounds_of(workshop["id"]):
        rounds.append(r["result"] or round_result(r, store.dot_tally(r["id"])))
    proposals = store.workshop_proposals(workshop["id"])
    return {"workshop": workshop["id"], "title": workshop["title"],
            "started_at": workshop["started_at"], "joined": store.joined_count(workshop["id"]),
            "proposals": [{"id": p["id"], "title": p["title"], "scenario": p["scenario"]}
                          for p in proposals],
            "rounds": rounds}


# -- the facilitator's actions, shared by the screen and the command line ---------------------
def shortlist_candidates(store, community_id: str, workshop_id: int,
                         source: str = "item") -> list[dict]:
    """What the facilitator may put on a round's shortlist: agenda items that are on the
    agenda (undecided, or decided and not merged into another), or the workshop's own
    proposals. Each ``{kind, id, title}``, oldest first."""
    if source == "proposal":
        return [{"kind": "proposal", "id": p["id"], "title": p["title"]}
                for p in store.workshop_proposals(workshop_id)]
    return [{"kind": "item", "id": i["id"], "title": i["title"]}
            for i in store.agenda_items(community_id) if i.get("decision") != "merge"]


def open_round(store, workshop: dict, title, options: list[dict]) -> int:
    """Open a dot-voting round over a validated shortlist, with the workshop's N dots."""
    if workshop.get("status") != "open":
        raise WorkshopInvalid({"workshop": ("workshop.error.closed", {})})
    clean_title, problem = check_text(title, required=True, max_chars=TITLE_MAX_CHARS)
    if problem:
        raise WorkshopInvalid({"title": problem})
    return store.open_dot_round(workshop["id"], clean_title, validate_shortlist(options),
                                workshop["dots_per_person"])


def close_round(store, round_id: int) -> dict | None:
    """Close a round and keep its result; None when it was not open."""
    round_row = store.dot_round(round_id)
    if round_row is None or round_row["status"] != "open":
        return None
    result = round_result(round_row, store.dot_tally(round_id))
    store.close_dot_round(round_id, result)
    return result


def map_snapshot_png(store, community, workshop_id: int, lang: str = "zh") -> bytes:
    """The community map with the workshop's proposals as numbered dots (numbered as on the
    screen: first proposal 1), drawn by the agenda report's matplotlib map."""
    from workbench.agenda.report import map_png

    items = [{"id": p["id"], "rank": n, "title": p["title"], "lon": p["lon"], "lat": p["lat"],
              "decision": None}
             for n, p in enumerate(store.workshop_proposals(workshop_id), start=1)
             if p["lon"] is not None and p["lat"] is not None]
    return map_png({"items": items}, community, lang)


def end_workshop(store, community, workshop_id: int, lang: str = "zh") -> dict:
    """End the workshop: its open round closes with its result, and the record (counts, the
    proposals, every round's result) and a picture of the map are saved. Returns the record."""
    workshop = store.workshop(workshop_id)
    if workshop is None or workshop["status"] != "open":
        raise WorkshopInvalid({"workshop": ("workshop.error.closed", {})})
    open_now = store.open_round_of(workshop_id)
    if open_now is not None:
        close_round(store, open_now["id"])
    record = workshop_record(store, workshop)
    store.close_workshop(workshop_id, record, map_snapshot_png(store, community, workshop_id,
                                                               lang))
    return record


def dots_by_item(store, community_id: str) -> dict[int, int]:
    """Dots each agenda item received in the closed rounds of every workshop of the
    community, as evidence for the agenda: an option of kind "item" counts for that item, one
    of kind "proposal" for the item holding that proposal (none: not counted). An item merged
    into another passes its dots on to the item it was merged into."""
    items = {i["id"]: i for i in store.agenda_items(community_id)}
    item_of_proposal = {pid: i["id"] for i in items.values() for pid in i["proposal_ids"]}

    def final(item_id):
        seen = set()
        while item_id in items and items[item_id].get("decision") == "merge" \
                and items[item_id].get("merged_into") and item_id not in seen:
            seen.add(item_id)
            item_id = items[item_id]["merged_into"]
        return item_id if item_id in items else None

    totals: dict[int, int] = {}
    for w in store.workshops(community_id):
        for r in store.rounds_of(w["id"]):
            if r["status"] != "closed":
                continue
            for option, dots in store.dot_tally(r["id"]).items():
                if not 0 <= option < len(r["options"]) or not dots:
                    continue
                o = r["options"][option]
                target = o["id"] if o["kind"] == "item" else item_of_proposal.get(o["id"])
                target = final(target) if target is not None else None
                if target is not None:
                    totals[target] = totals.get(target, 0) + dots
    return totals
