"""The ``workbench`` command: ``init``, ``serve`` and ``settings`` here, the store's ``backup``
and ``restore`` (:mod:`workbench.store.commands`), and each domain's own subcommands from its
``commands`` module (:func:`workbench.registry.register_commands`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench import registry, settings
from workbench.geo import commands as geo_commands
from workbench.store import commands as store_commands


def _init(args) -> int:
    from workbench.demo import init
    from workbench.surveys import SurveyError

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
    if result["demo_surveys_skipped"]:
        print("surveys: none published; the project's surveys/ folder is the demo community's. "
              "Set WORKBENCH_SURVEYS_DIR to your community's survey folder.")
    return 0


def _serve(args) -> int:
    from workbench.demo import init
    from workbench.serve import serve

    if not args.no_init:
        init()
    return serve(lab=not args.no_lab, workshop=args.workshop, screen=not args.no_screen)


def open_community():
    """The store and the community a command works on: the schema brought up to date and
    the community added if new (``init``, idempotent), the layers from the setting with the
    public spaces as planners edited them."""
    from workbench.demo import init
    from workbench.layers.current import current_community
    from workbench.store import Store

    init()
    store = Store()
    return store, current_community(settings.get("layers_dir"), store)


def _export_map(args) -> int:
    from workbench.i18n import t
    from workbench.layers.community import LayerError, load_community
    from workbench.layers.export_map import community_page

    lang = args.lang or settings.get("default_language")
    store, community = open_community()
    if args.layers:
        try:
            community = load_community(args.layers)
        except LayerError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(community_page(store, community, lang), encoding="utf-8")
    print(t(lang, "export_map.written", path=out, kb=round(out.stat().st_size / 1000)))
    return 0


def _settings(args) -> int:
    print(settings.describe())
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
    p.add_argument("--no-screen", action="store_true",
                   help="with --workshop, on a second resident server behind a proxy: the "
                        "meeting's kernels without the screen (another server shows it)")
    p.set_defaults(func=_serve)
    p = sub.add_parser("export-map", help="the community's map as one HTML file that works "
                                          "offline: layers, proposals (clustered, heat map), "
                                          "the published agenda's items")
    p.add_argument("out", help="the .html file to write")
    p.add_argument("--layers", metavar="FOLDER",
                   help="the community's layer folder (default: the layers_dir setting)")
    p.add_argument("--lang", choices=["zh", "en"],
                   help="language of the map's labels (default: the default_language setting)")
    p.set_defaults(func=_export_map)
    registry.register_commands(sub)
    store_commands.register(sub)
    geo_commands.register(sub)
    p = sub.add_parser("settings", help="list every setting with its value and help")
    p.set_defaults(func=_settings)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
