"""The agenda commands: ``workbench export-agenda``."""

from __future__ import annotations

import sys

from workbench import settings
from workbench.cli import open_community


def _export_agenda(args) -> int:
    from pathlib import Path

    store, community = open_community()
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
        from workbench.agenda.open_data import agenda_csv

        written = agenda_csv(snapshot, out)
    elif args.format == "geojson":
        from workbench.agenda.open_data import agenda_geojson

        written = [agenda_geojson(snapshot, out)]
    else:
        from workbench.agenda import report

        if args.format == "html":
            written = [report.write_agenda_html(snapshot, community, out, lang)]
        elif args.format == "pdf":
            written = [report.agenda_pdf(snapshot, community, out, lang)]
        else:
            written = [report.agenda_docx(snapshot, community, out, lang)]
    print(f"agenda version {snapshot.get('version')} written: "
          + ", ".join(str(f) for f in written))
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("export-agenda", help="a published agenda version as a report (HTML, "
                                             "PDF, DOCX) or open data (CSV, GeoJSON)")
    p.add_argument("--format", required=True, choices=["html", "pdf", "docx", "csv", "geojson"])
    p.add_argument("--version", type=int, metavar="N",
                   help="the published version (default: the newest)")
    p.add_argument("--lang", choices=["zh", "en"], help="language of the report's labels "
                                                        "(default: the default_language setting)")
    p.add_argument("out", help="the file to write; for csv, a folder (made if missing)")
    p.set_defaults(func=_export_agenda)
