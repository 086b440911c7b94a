"""The proposals commands: ``workbench import-proposals``."""

from __future__ import annotations

import sys

from workbench import settings
from workbench.cli import open_community


def _import_proposals(args) -> int:
    from workbench.proposals.intake import (IntakeError, import_proposals, parse_categories,
                                            parse_mapping, read_categories)
    from workbench.store import StoreBusy

    store, community = open_community()
    lang = args.lang or settings.get("default_language")
    try:
        categories = read_categories(args.categories_file) if args.categories_file else {}
        categories.update(parse_categories(args.categories or ""))
        report = import_proposals(
            store, community, args.file, parse_mapping(args.map),
            coordinates="gcj02" if args.gcj02 else "wgs84", source=args.source,
            default_category=args.default_category, dry_run=args.dry_run,
            dates=args.date_order, categories=categories,
            shorten_titles=args.shorten_titles)
    except IntakeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except StoreBusy:
        print("error: the database stayed busy; nothing was imported. Try again.",
              file=sys.stderr)
        return 1
    print(report.text(lang))
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("import-proposals", help="import proposals gathered elsewhere (CSV, "
                                                "Excel .xlsx, GeoJSON); lists refused rows")
    p.add_argument("file", help="the .csv, .xlsx or .geojson file")
    p.add_argument("--map", required=True, metavar="FIELD=COLUMN,...",
                   help="which column holds each field: title (required), description, "
                        "category, latitude, longitude, supports, date, public_space, and id "
                        "(the row's own id in its source: kept with the proposal, and a second "
                        "import of the same id is refused); "
                        "e.g. title=标题,category=类别,latitude=纬度,longitude=经度")
    p.add_argument("--gcj02", action="store_true", help="the coordinates are GCJ-02 (Gaode, "
                                                        "Tencent maps): convert to WGS-84")
    p.add_argument("--source", default="import", help="name kept with each proposal "
                                                      "(default: import), e.g. paper_forms")
    p.add_argument("--categories", metavar="VALUE=SCENARIO,...",
                   help="the scenario of each of the file's own categories, e.g. "
                        "\"Deportes=health,Urbanismo=architecture\"; a cell naming several "
                        "categories (['Deportes', 'Urbanismo'] or Deportes; Urbanismo) takes "
                        "the first that maps; values that map to none are listed in the report")
    p.add_argument("--categories-file", metavar="FILE.yaml",
                   help="the same as a YAML file of 'VALUE: SCENARIO' lines (--categories "
                        "adds to it and wins)")
    p.add_argument("--default-category", metavar="CODE",
                   help="category for rows whose category is blank or maps to no scenario "
                        "(default: refuse them)")
    p.add_argument("--date-order", choices=["auto", "dmy", "mdy", "ymd"], default="auto",
                   help="how dates with the year last are written: dmy for day/month/year "
                        "(30/12/2025), mdy for month/day/year (12/30/2025), ymd to read only "
                        "year-first dates (2025-12-30); auto (the default) decides from the "
                        "whole column and, when no day is over 12, refuses those rows and "
                        "asks for this option")
    p.add_argument("--shorten-titles", action="store_true",
                   help="shorten a title over the limit (setting WORKBENCH_TITLE_MAX_CHARS) at "
                        "a word with \"…\", and put the full title at the start of the "
                        "description (default: refuse the row)")
    p.add_argument("--dry-run", action="store_true", help="check and report, store nothing")
    p.add_argument("--lang", choices=["zh", "en"], help="language of the report (default: "
                                                        "the default_language setting)")
    p.set_defaults(func=_import_proposals)
