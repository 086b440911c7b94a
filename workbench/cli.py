"""The ``workbench`` command. Each part of the workbench adds its subcommand here."""

from __future__ import annotations

import argparse
import sys

from . import settings


def _init(args) -> int:
    from .demo import init
    from .surveys import SurveyError

    try:
        result = init()
    except SurveyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    state = "created" if result["created"] else "already there, kept as it was"
    print(f"database: {result['database']} (schema {result['revision']})")
    print(f"community {result['community']}: {state}; demo proposals added: "
          f"{result['demo_proposals']}")
    for survey_id, version in result["surveys"].items():
        print(f"survey {survey_id}: version {version}")
    return 0


def _serve(args) -> int:
    from .demo import init
    from .serve import serve

    if not args.no_init:
        init()
    return serve(lab=not args.no_lab)


def _settings(args) -> int:
    print(settings.describe())
    return 0


def _check_layers(args) -> int:
    from .layers import LayerError, load_community

    try:
        community = load_community(args.folder or settings.get("layers_dir"))
    except LayerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for name, fc in community.layers.items():
        print(f"{name}: {len(fc['features'])} features")
    return 0


def _codes(args) -> int:
    from pathlib import Path

    from .layers import load_community
    from .participation import issue_codes, reissue_code
    from .slips import write_slips
    from .store import Store

    from .demo import init

    init()  # the schema up to date and the community there (idempotent)
    store = Store()
    community = load_community(settings.get("layers_dir"))
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench",
        description="Community Agenda Workbench: participatory planning for residential "
                    "communities. Settings come from WORKBENCH_* environment variables "
                    "(see 'workbench settings').")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    p = sub.add_parser("init", help="create or upgrade the database and add the demo community "
                                    "(keeps existing data)")
    p.set_defaults(func=_init)
    p = sub.add_parser("serve", help="run the resident web app (Voilà) and JupyterLab for "
                                     "planners until Ctrl-C")
    p.add_argument("--no-lab", action="store_true", help="run the resident web app only")
    p.add_argument("--no-init", action="store_true", help="do not run 'init' first")
    p.set_defaults(func=_serve)
    p = sub.add_parser("codes", help="participation codes: issue N (prints slips with QR "
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
    p = sub.add_parser("settings", help="list every setting with its value and help")
    p.set_defaults(func=_settings)
    p = sub.add_parser("check-layers", help="validate a community's layer folder")
    p.add_argument("folder", nargs="?", help="folder with community.yaml (default: the setting)")
    p.set_defaults(func=_check_layers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
