"""The deliberation commands: ``workbench polis-import`` and ``polis-export``."""

from __future__ import annotations

import sys

from workbench.cli import open_community


def _polis_import(args) -> int:
    from workbench.deliberation.transfer import import_polis

    store, community = open_community()
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
          f"({hidden} hidden), {len(votes)} votes of {votes['voter'].nunique()} participants; "
          "a draft, on no resident page until a planner opens it in the topics panel",
          file=sys.stderr)
    return 0


def _polis_export(args) -> int:
    from workbench.deliberation.transfer import export_polis

    store, community = open_community()
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


def register(subparsers) -> None:
    p = subparsers.add_parser("polis-import", help="import a Pol.is export folder (comments.csv, "
                                            "votes.csv, ...) as a new topic; prints its id")
    p.add_argument("folder", help="the Pol.is export folder")
    p.set_defaults(func=_polis_import)
    p = subparsers.add_parser("polis-export", help="write a topic as a Pol.is export folder, with "
                                            "opinion groups and group-informed consensus")
    p.add_argument("topic", type=int, help="the topic's id")
    p.add_argument("folder", help="the folder to write (made if missing)")
    p.set_defaults(func=_polis_export)
