"""The participation commands: ``workbench codes issue|list|revoke|reissue``."""

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
