"""The activities commands: ``workbench activities ics SPACE [--out FILE] [--lang zh|en]``,
a space's calendar as an iCalendar file a committee's phone subscribes to."""

from __future__ import annotations

import sys
from pathlib import Path

from workbench import settings
from workbench.cli import open_community


def _activities(args) -> int:
    from workbench import i18n
    from workbench.activities import workflow
    from workbench.activities.rules import ActivityInvalid

    lang = args.lang or settings.get("default_language")
    store, community = open_community()
    try:
        text = workflow.space_ics(store, community, args.space, lang)
    except ActivityInvalid as refused:
        key, params = refused.errors["public_space_id"]
        print(f"error: {i18n.t(lang, key, **params)}", file=sys.stderr)
        return 1
    finally:
        store.dispose()
    if args.out:
        # newline="" keeps the CRLF line ends RFC 5545 asks for
        Path(args.out).write_text(text, encoding="utf-8", newline="")
    else:
        sys.stdout.write(text)
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("activities", help="a public space's calendar of activities "
                                                 "and bookings as an iCalendar (.ics) file")
    p.add_argument("action", choices=["ics"])
    p.add_argument("space", help="the public space's id")
    p.add_argument("--out", default=None, help="the .ics file (default: standard output)")
    p.add_argument("--lang", choices=["zh", "en"], default=None)
    p.set_defaults(func=_activities)
