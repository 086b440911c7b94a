"""The workshop screen's request: its link (``?workshop=<id>&token=<token>&lang=``), whether
it may run the workshop, and the bilingual panel shown when it may not.

Only a link with the workshop's facilitator token, for an open workshop of this community,
gets the screen with its controls; every other request gets the panel, whatever the page's
language, in Chinese and English both.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from workbench import i18n, settings
from workbench.escaping import esc
from workbench.workshops.rules import links, token_matches
from workbench.workshops.screen_join import qr_svg, short_link

#: why a request was refused, by its message key
DENIED_KEYS = {"unknown": "workshop.denied_unknown", "closed": "workshop.denied_closed",
               "token": "workshop.denied_token"}


def parse_request(query_string: str | None) -> dict:
    """The screen's link: ``workshop`` (int or None), ``token`` (str or None), ``lang``."""
    query = parse_qs(query_string or "")
    raw = (query.get("workshop") or [""])[0]
    token = (query.get("token") or [None])[0]
    return {"workshop": int(raw) if raw.isdigit() and len(raw) <= 9 else None,
            "token": token if isinstance(token, str) and len(token) <= 64 else None,
            "lang": i18n.language_from_query(query_string, settings.get("default_language"))}


def refusal(workshop: dict | None, community_id: str, token: str | None) -> str | None:
    """Why the request may not run ``workshop`` (``unknown``, ``closed``, ``token``), or None
    when it may."""
    if workshop is None or workshop["community_id"] != community_id:
        return "unknown"
    if workshop["status"] != "open":
        return "closed"
    if not token_matches(token, workshop["facilitator_hash"]):
        return "token"
    return None


def denied_html(reason: str, workshop: dict | None, resident_base: str) -> str:
    """The panel for a refused request, in both languages; a wrong token still shows the
    residents how to join (someone opened the screen's link without its token)."""
    key = DENIED_KEYS.get(reason, "workshop.denied_error")
    parts = ["<div class='wb-panel wb-denied' role='alert'>"]
    for lang in ("zh", "en"):
        cls = "" if lang == "zh" else " class='wb-en'"
        parts.append(f"<h1{cls}>{esc(i18n.t(lang, 'workshop.denied_heading'))}</h1>")
    if workshop is not None:
        parts.append(f"<h2>{esc(workshop['title'])}</h2>")
    for lang in ("zh", "en"):
        cls = "" if lang == "zh" else " class='wb-en'"
        parts.append(f"<p{cls}>{esc(i18n.t(lang, key))}</p>")
    if reason == "token" and workshop is not None:
        link = links(resident_base, "", workshop["id"])["resident"]
        parts.append(
            f"<div class='wb-panel-join'><div class='wb-qr'>{qr_svg(link)}</div><div>"
            f"<p>{esc(i18n.t('zh', 'workshop.join_heading'))} · "
            f"{esc(i18n.t('en', 'workshop.join_heading'))}</p>"
            f"<div class='wb-url'>{esc(short_link(link))}</div></div></div>")
    parts.append("</div>")
    return "".join(parts)
