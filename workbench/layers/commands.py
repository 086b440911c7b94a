"""The layers commands: ``workbench check-layers``."""

from __future__ import annotations

import sys

from workbench import settings


def _check_layers(args) -> int:
    from workbench.layers.community import LayerError, load_community

    try:
        community = load_community(args.folder or settings.get("layers_dir"))
    except LayerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for name, fc in community.layers.items():
        print(f"{name}: {len(fc['features'])} features")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("check-layers", help="validate a community's layer folder")
    p.add_argument("folder", nargs="?", help="folder with community.yaml (default: the setting)")
    p.set_defaults(func=_check_layers)
