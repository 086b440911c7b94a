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
    return serve(lab=not args.no_lab, workshop=args.workshop)


def _workshop_bases() -> tuple[str, str]:
    """Where residents and the screen are reached: the ``public_url`` setting (else the
    resident server on bind:voila_port), and the screen server on bind:workshop_port."""
    from .slips import page_url

    return page_url(), f"http://{settings.get('bind')}:{settings.get('workshop_port')}/"


def _workshop(args) -> int:
    import json
    from pathlib import Path

    from . import i18n
    from .demo import init
    from .layers import load_community
    from .store import Store
    from .workshop import WorkshopInvalid, links, map_snapshot_png, open_workshop, \
        workshop_record

    init()
    store = Store()
    community = load_community(settings.get("layers_dir"))
    lang = settings.get("default_language")
    if args.action == "open":
        if not args.title:
            print("error: give the workshop a title: workbench workshop open \"TITLE\"",
                  file=sys.stderr)
            return 1
        try:
            workshop_id, token = open_workshop(store, community.id, args.title, args.dots)
        except WorkshopInvalid as invalid:
            for key, params in invalid.errors.values():
                print(f"error: {i18n.t(lang, key, **params)}", file=sys.stderr)
            return 1
        resident_base, screen_base = _workshop_bases()
        found = links(resident_base, screen_base, workshop_id, token)
        print(f"workshop {workshop_id} opened: {store.workshop(workshop_id)['title']} "
              f"({args.dots} dots per person)")
        print(f"  residents (the QR code on the screen): {found['resident']}")
        print(f"  facilitator's screen:                  {found['screen']}")
        print("The screen's link carries the facilitator's token and is shown only now: "
              "keep it to yourself. Run 'workbench serve --workshop' for both servers.")
        return 0
    if args.action == "list":
        for row in store.workshops(community.id):
            ended = f"{row['ended_at']:%Y-%m-%d %H:%M}" if row["ended_at"] else "-"
            print(f"{row['id']:>5}  {row['status']:<7} {row['started_at']:%Y-%m-%d %H:%M}  "
                  f"{ended:<16}  {store.joined_count(row['id']):>4} joined  {row['title']}")
        return 0
    # record
    if not args.title or not args.title.isdigit():
        print("error: give the workshop's id: workbench workshop record ID [--out DIR]",
              file=sys.stderr)
        return 1
    workshop = store.workshop(int(args.title))
    if workshop is None or workshop["community_id"] != community.id:
        print(f"error: no workshop {args.title} in community {community.id} (see 'workbench "
              "workshop list')", file=sys.stderr)
        return 1
    if workshop["status"] == "open":
        print(f"note: workshop {workshop['id']} is still open; this record is provisional "
              "(the screen's 'End workshop' saves the final one)", file=sys.stderr)
        record, png = workshop_record(store, workshop), map_snapshot_png(
            store, community, workshop["id"], lang)
    else:
        record, png = workshop["record"], store.workshop_map_png(workshop["id"])
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written = [out / f"workshop-{workshop['id']}.json"]
    written[0].write_text(json.dumps(record, ensure_ascii=False, indent=2, default=str) + "\n",
                          encoding="utf-8")
    if png:
        written.append(out / f"workshop-{workshop['id']}-map.png")
        written[1].write_bytes(png)
    print(f"workshop {workshop['id']} record written: " + ", ".join(str(f) for f in written))
    return 0


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


def _polis_import(args) -> int:
    from .deliberation.transfer import import_polis
    from .demo import init
    from .layers import load_community
    from .store import Store

    init()
    store = Store()
    community = load_community(settings.get("layers_dir"))
    try:
        topic_id = import_polis(store, community.id, args.folder)
    except (OSError, ValueError) as exc:  # PolisFormatError is a ValueError
        print(f"error: {exc}", file=sys.stderr)
        return 1
    statements = store.statements_of(topic_id)
    votes = store.votes_frame(topic_id)
    hidden = sum(1 for s in statements if s["status"] == "hidden")
    print(topic_id)
    print(f"topic {topic_id} \"{store.topic(topic_id)['title']}\": {len(statements)} statements "
          f"({hidden} hidden), {len(votes)} votes of {votes['voter'].nunique()} participants",
          file=sys.stderr)
    return 0


def _polis_export(args) -> int:
    from .deliberation.transfer import export_polis
    from .demo import init
    from .layers import load_community
    from .store import Store

    init()
    store = Store()
    community = load_community(settings.get("layers_dir"))
    topic = store.topic(args.topic)
    if topic is None or topic["community_id"] != community.id:
        print(f"error: no topic {args.topic} in community {community.id} (see the topics "
              "panel of the planner notebook)", file=sys.stderr)
        return 1
    try:
        folder = export_polis(store, args.topic, args.folder)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"topic {args.topic} written to {folder}")
    return 0


def _import_proposals(args) -> int:
    from .agenda.intake import IntakeError, import_proposals, parse_mapping
    from .demo import init
    from .layers import load_community
    from .store import Store, StoreBusy

    init()
    store = Store()
    community = load_community(settings.get("layers_dir"))
    lang = args.lang or settings.get("default_language")
    try:
        report = import_proposals(
            store, community, args.file, parse_mapping(args.map),
            coordinates="gcj02" if args.gcj02 else "wgs84", source=args.source,
            default_category=args.default_category, dry_run=args.dry_run)
    except IntakeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except StoreBusy:
        print("error: the database stayed busy; nothing was imported. Try again.",
              file=sys.stderr)
        return 1
    print(report.text(lang))
    return 0


def _export_agenda(args) -> int:
    from pathlib import Path

    from .demo import init
    from .layers import load_community
    from .store import Store

    init()
    store = Store()
    community = load_community(settings.get("layers_dir"))
    snapshot = store.agenda_version(community.id, args.version)
    if snapshot is None:
        if args.version is None:
            print("error: no published agenda yet (publish one in the agenda notebook)",
                  file=sys.stderr)
        else:
            print(f"error: there is no published agenda version {args.version} (see the "
                  "agenda notebook for the published versions)", file=sys.stderr)
        return 1
    lang = args.lang or settings.get("default_language")
    out = Path(args.out)
    if args.format == "csv":
        from .agenda.open_data import agenda_csv

        written = agenda_csv(snapshot, out)
    elif args.format == "geojson":
        from .agenda.open_data import agenda_geojson

        written = [agenda_geojson(snapshot, out)]
    else:
        from .agenda import report

        if args.format == "html":
            written = [report.write_agenda_html(snapshot, community, out, lang)]
        elif args.format == "pdf":
            written = [report.agenda_pdf(snapshot, community, out, lang)]
        else:
            written = [report.agenda_docx(snapshot, community, out, lang)]
    print(f"agenda version {snapshot.get('version')} written: "
          + ", ".join(str(f) for f in written))
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
    p.add_argument("--workshop", action="store_true",
                   help="meeting mode: also serve the workshop screen on the workshop_port "
                        "setting, and keep workshop_pool resident kernels ready")
    p.set_defaults(func=_serve)
    p = sub.add_parser("workshop", help="workshops: open \"TITLE\" [--dots N] (prints the "
                                        "residents' and the facilitator's links), list, "
                                        "record ID [--out DIR]")
    p.add_argument("action", choices=["open", "list", "record"])
    p.add_argument("title", nargs="?", default="", metavar="TITLE|ID",
                   help="the new workshop's title (open), or a workshop's id (record)")
    p.add_argument("--dots", type=int, default=5, metavar="N",
                   help="dots each participant may spread in a dot-voting round (default 5)")
    p.add_argument("--out", default=".", help="folder for the record's JSON and map PNG "
                                              "(default: here)")
    p.set_defaults(func=_workshop)
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
    p = sub.add_parser("polis-import", help="import a Pol.is export folder (comments.csv, "
                                            "votes.csv, ...) as a new topic; prints its id")
    p.add_argument("folder", help="the Pol.is export folder")
    p.set_defaults(func=_polis_import)
    p = sub.add_parser("polis-export", help="write a topic as a Pol.is export folder, with "
                                            "opinion groups and group-informed consensus")
    p.add_argument("topic", type=int, help="the topic's id")
    p.add_argument("folder", help="the folder to write (made if missing)")
    p.set_defaults(func=_polis_export)
    p = sub.add_parser("import-proposals", help="import proposals gathered elsewhere (CSV, "
                                                "Excel .xlsx, GeoJSON); lists refused rows")
    p.add_argument("file", help="the .csv, .xlsx or .geojson file")
    p.add_argument("--map", required=True, metavar="FIELD=COLUMN,...",
                   help="which column holds each field: title (required), description, "
                        "category, latitude, longitude, supports, date, public_space; "
                        "e.g. title=标题,category=类别,latitude=纬度,longitude=经度")
    p.add_argument("--gcj02", action="store_true", help="the coordinates are GCJ-02 (Gaode, "
                                                        "Tencent maps): convert to WGS-84")
    p.add_argument("--source", default="import", help="name kept with each proposal "
                                                      "(default: import), e.g. paper_forms")
    p.add_argument("--default-category", metavar="CODE",
                   help="category for rows whose category is blank or unknown "
                        "(default: refuse them)")
    p.add_argument("--dry-run", action="store_true", help="check and report, store nothing")
    p.add_argument("--lang", choices=["zh", "en"], help="language of the report (default: "
                                                        "the default_language setting)")
    p.set_defaults(func=_import_proposals)
    p = sub.add_parser("export-agenda", help="a published agenda version as a report (HTML, "
                                             "PDF, DOCX) or open data (CSV, GeoJSON)")
    p.add_argument("--format", required=True, choices=["html", "pdf", "docx", "csv", "geojson"])
    p.add_argument("--version", type=int, metavar="N",
                   help="the published version (default: the newest)")
    p.add_argument("--lang", choices=["zh", "en"], help="language of the report's labels "
                                                        "(default: the default_language setting)")
    p.add_argument("out", help="the file to write; for csv, a folder (made if missing)")
    p.set_defaults(func=_export_agenda)
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
