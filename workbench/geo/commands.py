"""``workbench coverage --kind KIND [--minutes 5]``: the walking coverage table of a kind of
public space, in the terminal (the same rows and sentences as the planner's notebook)."""

from __future__ import annotations

import sys

from workbench import settings
from workbench.i18n import t


def _coverage(args) -> int:
    from workbench.geo.coverage import coverage_table, table_text
    from workbench.geo.walking import WalkingAnalysis, life_circles, threshold
    from workbench.layers.community import LayerError, layer_frames, read_layers

    lang = args.lang or settings.get("default_language")
    folder = args.layers or settings.get("layers_dir")
    try:
        if args.layers:  # a folder given: its files as they are
            layers = read_layers(folder)
        else:            # the community's, with its spaces as planners edited them
            from workbench.layers.current import current_community
            from workbench.store import Store

            store = Store()
            layers = layer_frames(current_community(folder, store))
            store.dispose()
    except LayerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    from workbench import vocabulary

    known = vocabulary.public_space_kinds(str(folder))
    if args.kind not in known:
        print(t(lang, "walk.cli.unknown_kind", kind=args.kind,
                kinds=", ".join(sorted(known))), file=sys.stderr)
        return 2
    try:
        thresholds = [threshold(args.minutes)] if args.minutes is not None else life_circles()
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    analysis = WalkingAnalysis(layers)
    table = coverage_table(analysis, [args.kind], thresholds)
    print(table_text(table, lang, analysis.messages))
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "coverage", help="households within a 5-, 10- or 15-minute walk of a kind of public "
                         "space, along the roads (GB 50180-2018 life circles)")
    p.add_argument("--kind", required=True, help="kind of public space, e.g. pocket_park")
    p.add_argument("--minutes", type=float,
                   help="one walking time (default: the 5-, 10- and 15-minute life circles)")
    p.add_argument("--layers", help="the community's layer folder (default: the layers_dir "
                                     "setting)")
    p.add_argument("--lang", choices=["zh", "en"],
                   help="language of the table (default: the default_language setting)")
    p.set_defaults(func=_coverage)
