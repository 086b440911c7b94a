"""The participation commands: ``workbench codes issue|list|revoke|reissue`` and
``workbench privacy export|forget`` (a resident's rights over their personal data), and
``workbench privacy forget-clients`` (the clients' hashes kept no longer than a setting says)."""

from __future__ import annotations

import sys

from workbench.cli import open_community


def _codes(args) -> int:
    from pathlib import Path

    from workbench.participation.codes import issue_codes, reissue_code
    from workbench.participation.slips import write_slips

    store, community = open_community()
    if args.action == "list":
        for row in store.list_codes(community.id):
            print(f"{row['id']:>6}  {row['status']:<8} {row['batch']:<20} "
                  f"{row['issued_at']:%Y-%m-%d}"
                  + (f"  replaces {row['replaces_id']}" if row["replaces_id"] else ""))
        return 0
    if args.action == "revoke":
        if not store.revoke_code(args.number):
            print(f"error: no active code with id {args.number}", file=sys.stderr)
            return 1
        print(f"code {args.number} revoked")
        return 0
    if args.action == "issue":
        codes = issue_codes(store, community.id, args.number, batch=args.batch)
    else:  # reissue
        try:
            codes = [reissue_code(store, community.id, args.number, batch=args.batch)]
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    out = Path(args.out)
    files = write_slips(codes, community.name, out, batch=args.batch,
                        base_url=args.base_url or None, pdf=not args.no_pdf)
    print(f"{len(codes)} code(s) issued; print and hand out: "
          + ", ".join(str(f) for f in files))
    print("The codes are not kept in the clear anywhere else: keep these files safe, and "
          "delete them once printed.")
    return 0


def _privacy(args) -> int:
    import getpass

    from workbench import settings
    from workbench.i18n import t
    from workbench.participation.privacy import (find_resident, forget, personal_export,
                                                 write_export)

    lang = args.lang or settings.get("default_language")
    store, community = open_community()
    if args.action == "forget-clients":
        return _forget_clients(store, lang)
    if not args.code:
        print(t(lang, "privacy.code_needed"), file=sys.stderr)
        return 1
    resident = find_resident(store, community.id, args.code)
    if resident is None:
        print(t(lang, "privacy.not_found"), file=sys.stderr)
        return 1
    # the code is never printed back: it is the resident's key
    who = t(lang, f"privacy.who_{resident.kind}", id=resident.id)
    if args.action == "export":
        if not args.out:
            print(t(lang, "privacy.out_needed"), file=sys.stderr)
            return 1
        path = write_export(personal_export(store, community.id, resident), args.out)
        print(t(lang, "privacy.exported", who=who, path=str(path)))
        return 0
    had = forget(store, community.id, resident, args.planner or getpass.getuser())
    print(t(lang, "privacy.forgotten" if had else "privacy.nothing_to_forget", who=who))
    return 0


def _forget_clients(store, lang: str) -> int:
    """Clear the client keys older than the ``client_key_days`` setting (run it daily)."""
    from datetime import datetime, timedelta, timezone

    from workbench import settings
    from workbench.i18n import t

    days = settings.get("client_key_days")
    cleared = store.forget_client_keys(datetime.now(timezone.utc) - timedelta(days=days))
    print(t(lang, "privacy.clients_forgotten", count=cleared, days=days))
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("codes", help="participation codes: issue N (prints slips with QR "
                                     "codes), list, revoke ID, reissue ID")
    p.add_argument("action", choices=["issue", "list", "revoke", "reissue"])
    p.add_argument("number", nargs="?", type=int, default=0,
                   help="how many codes to issue, or the id of the code to revoke/reissue")
    p.add_argument("--batch", default="", help="a label printed on the slips (e.g. 3幢)")
    p.add_argument("--out", default="slips", help="folder for slips.html and slips.pdf")
    p.add_argument("--base-url", default="", help="address in the QR codes (default: the "
                                                  "public_url setting)")
    p.add_argument("--no-pdf", action="store_true", help="write the HTML slips only")
    p.set_defaults(func=_codes)

    p = subparsers.add_parser("privacy", help="a resident's personal data, on their request: "
                                     "export CODE OUT.json (a copy of it and of their "
                                     "contributions), forget CODE (deletes it; their "
                                     "contributions stay, anonymous). CODE: their "
                                     "participation code, or a proposal's receipt. "
                                     "forget-clients: clear the clients' hashes older than "
                                     "the client_key_days setting (run it daily)")
    p.add_argument("action", choices=["export", "forget", "forget-clients"])
    p.add_argument("code", nargs="?", default="",
                   help="the resident's participation code or proposal receipt")
    p.add_argument("out", nargs="?", default="", help="the JSON file to write (export)")
    p.add_argument("--planner", default="", help="who does it, for the moderation log "
                                                 "(default: the system user)")
    p.add_argument("--lang", choices=["zh", "en"], default="",
                   help="language of the messages (default: the default_language setting)")
    p.set_defaults(func=_privacy)
