"""A published agenda version as one JSON document, and the difference between two.

Publishing freezes what residents are told: the snapshot is written once
(``Store.publish_agenda``) and never changed; later decisions and progress make a new version.
The resident page, the reports and the open-data exports all read snapshots, so they agree.

The format (``format`` 1); every text is plain (escape it where you show it)::

    {
      "format": 1,
      "version": 3,                         # v3 (set by the store on publishing)
      "published_at": "2026-11-27T10:00:00+00:00",
      "published_by": "居委会",
      "community": {"id": "heguang", "name": {"zh": "...", "en": "..."}},
      "weights": {"supporters": 1.0, ...},  # the score's weights when published
      "homes": {"buildings": 40, "counted": 28, "without_count": 12, "households": 2300}
               | null,                      # what the buildings layer told (none: no layers)
      "score_unknown": {"reach": "same_for_all", ...},  # parts left out, and why
      "items": [                            # decided items (adopt, defer, decline), ranked
        {
          "id": 12, "rank": 1,
          "title": "...", "description": "...", "scenario": "health",
          "public_space_id": "PS03" | null, "public_space_name": {"zh": "...", "en": "..."} | null,
          "lon": 120.1, "lat": 30.2,        # or null
          "decision": "adopt" | "defer" | "decline", "reason": "...",
          "owner": "residents_committee" | ... | null, "budget_line": "..." | null,
          "milestones": [{"title": "...", "date": "2027-03-01", "done": false}],
          "target_date": "2027-06-30" | null,
          "status": "planned" | "in_progress" | "done" | "dropped" | null,
          "progress": 40,
          "history": [{"date": "2026-12-01", "status": "in_progress", "progress": 40,
                       "note": "..."}],
          "score": 0.71, "score_parts": {"supporters": 0.9, ...},  # null: left out
          "evidence": {
            "proposals": 3, "supports": 41, "supporters": 38, "external_supports": 5,
            "comments": {"for": 6, "against": 1, "neutral": 2},
            "consensus": 0.62 | null,
            "consensus_statements": [{"text": "...", "consensus": 0.62}],
            "satisfaction": 2.8 | null,     # survey mean 1-5 for the scenario
            "needs": {"Shade": 12, ...},     # survey needs named for the place or scenario
            "households_300": 420, "households_500": 910, "underserved_households": 130,
            "workshop_dots": 17             # dots from workshops' dot-voting rounds
          },
          "proposals": [{"id": 5, "receipt_code": "ABCD-EFGH", "source_id": "7680" | null,
                         "title": "...",
                         "supports": 20, "official_answer": "..." | null}]
        }
      ]
    }
"""

from __future__ import annotations

FORMAT = 1
#: why reach or gap was left out of the score (``score_unknown``, for every item; a part
#: null for one item only is ``not_mapped`` there): the buildings layer records no households
#: (also what a snapshot without ``score_unknown`` meant), no building with a household count
#: within 500 m, or every item with a count reaches the same households
UNKNOWN_REASONS = ("no_households", "not_mapped", "same_for_all")
#: item fields whose change between two versions is worth telling
TRACKED = ("decision", "reason", "status", "progress", "owner", "target_date", "title")


def diff(old: dict, new: dict) -> dict:
    """What changed from one published version to another: items added, removed, and for
    each item in both, the fields in :data:`TRACKED` that changed ({field: (old, new)})."""
    before = {i["id"]: i for i in old.get("items", [])}
    after = {i["id"]: i for i in new.get("items", [])}
    changed = {}
    for item_id in sorted(before.keys() & after.keys()):
        fields = {f: (before[item_id].get(f), after[item_id].get(f)) for f in TRACKED
                  if before[item_id].get(f) != after[item_id].get(f)}
        if fields:
            changed[item_id] = fields
    return {"from": old.get("version"), "to": new.get("version"),
            "added": [after[i] for i in after if i not in before],
            "removed": [before[i] for i in before if i not in after],
            "changed": changed}


def items_of(snapshot: dict | None, proposal_ids) -> list[tuple[dict, dict]]:
    """(item, proposal) for each of the proposals that a published version answers: "what
    happened to my proposal". Plain dicts, no pandas: the resident page calls it."""
    if not snapshot:
        return []
    wanted = set(proposal_ids)
    return [(item, p) for item in snapshot.get("items", []) for p in item.get("proposals", [])
            if p.get("id") in wanted]
