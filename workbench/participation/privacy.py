"""A resident's rights over their personal data (China's Personal Information Protection Law):
a copy of everything tied to them, and deletion of their name and contact details while
their contributions stay, anonymous. See docs/privacy.md.

A resident is found by what they hold: their participation code (the slip), or the receipt
of a proposal they made without one (its name is kept with the proposal)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from workbench.i18n import t
from workbench.participation.codes import hash_code, normalise_code


@dataclass(frozen=True)
class Resident:
    """Whom a request is about: ``kind`` "code" (``id`` the code's id) or "proposal" (``id``
    the proposal's id and ``receipt`` its receipt, made without a code)."""

    kind: str
    id: int
    receipt: str = ""


def find_resident(store, community_id: str, text) -> Resident | None:
    """The resident holding ``text``: a participation code (any status) or a proposal's
    receipt; None when the community has neither."""
    from workbench.proposals.rules import normalise_receipt_code

    code = normalise_code(text)
    if code is not None:
        salt = store.code_salt(community_id, create=False)
        code_id = store.code_id_of(community_id, hash_code(code, salt)) if salt else None
        return Resident("code", code_id) if code_id is not None else None
    if not isinstance(text, str) or len(text) > 40:
        return None
    receipt = normalise_receipt_code(text)
    found = store.proposal_author(community_id, receipt)
    return Resident("proposal", found["proposal"], receipt) if found else None


def personal_export(store, community_id: str, resident: Resident) -> dict:
    """What the workbench holds about a resident, for them: their personal data and their
    contributions. The code itself is never in it (only its id)."""
    if resident.kind == "code":
        personal = store.personal_data(resident.id)
        return {"participation_code_id": resident.id,
                "personal_data": personal or {},
                "contributions": store.contributions_of_code(resident.id)}
    found = store.proposal_author(community_id, resident.receipt) or {}
    return {"proposal_id": resident.id,
            "personal_data": {"name": found["name"]} if found.get("name") else {},
            "contributions": [{"table": "proposals", "id": resident.id,
                               "title": found.get("title"),
                               "created_at": found.get("created_at")}] if found else []}


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


def write_export(document: dict, path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2, default=_plain),
                    encoding="utf-8")
    return path


def forget(store, community_id: str, resident: Resident, planner: str) -> bool:
    """Delete the resident's personal data and log that it was done (in both languages,
    without the data); whether there was any."""
    reason = f"{t('zh', 'privacy.log_reason')} / {t('en', 'privacy.log_reason')}"
    if resident.kind == "code":
        return store.forget_personal_data(community_id, resident.id, planner, reason)
    return store.forget_proposal_author(community_id, resident.id, planner, reason)
