"""The workshop commands: ``workbench workshop open|list|record``."""

from __future__ import annotations

import sys

from workbench import settings
from workbench.cli import open_community


def _workshop_bases() -> tuple[str, str]:
    """Where residents and the screen are reached: the ``public_url`` setting (else the
    resident server on bind:voila_port), and the screen server on bind:workshop_port."""
    from workbench.participation.slips import page_url

    return page_url(), f"http://{settings.get('bind')}:{settings.get('workshop_port')}/"


def _workshop(args) -> int:
    import json
    from pathlib import Path

    from workbench import i18n
    from workbench.workshops.rules import WorkshopInvalid, links, map_snapshot_png, open_workshop, \
        workshop_record

    store, community = open_community()
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


def register(subparsers) -> None:
    p = subparsers.add_parser("workshop", help="workshops: open \"TITLE\" [--dots N] (prints the "
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
