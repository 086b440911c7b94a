"""The layers commands: ``workbench check-layers``, ``workbench layers import`` and
``workbench layers export``."""

from __future__ import annotations

import sys
from pathlib import Path

from workbench import settings


def _lang(args) -> str:
    return args.lang or settings.get("default_language")


def _check_layers(args) -> int:
    from workbench.layers.checks import check_folder, render

    folder = args.folder or settings.get("layers_dir")
    problems = check_folder(folder, repair=args.repair)
    lang = _lang(args)
    if problems:
        print(render(problems, lang), file=sys.stderr)
    errors = [p for p in problems if p.severity == "error"]
    if not errors:
        from workbench.layers.community import load_community

        community = load_community(folder)
        for name, fc in community.layers.items():
            print(f"{name}: {len(fc['features'])}")
    return 1 if errors else 0


def _import(args) -> int:
    from workbench.i18n import t
    from workbench.layers.importing import ImportOptions, ImportProblem, ReadOptions, import_layers
    from workbench.layers.importing.report import render

    lang = _lang(args)
    options = ImportOptions(
        out=Path(args.out), boundary=Path(args.boundary) if args.boundary else None,
        community_id=args.id, name_zh=args.name_zh, name_en=args.name_en,
        margin_m=args.margin, kinds_file=Path(args.kinds) if args.kinds else None,
        licence=args.licence, time_zone=args.time_zone, replace=args.replace,
        read=ReadOptions(crs=args.crs, gcj02=args.gcj02, lon_column=args.lon,
                         lat_column=args.lat))
    try:
        report = import_layers(args.files, options)
    except ImportProblem as exc:
        print(t(lang, "import.error", message=t(lang, exc.key, **exc.params)), file=sys.stderr)
        return 1
    text = render(report, lang)
    (Path(args.out) / "import_report.txt").write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


def _export(args) -> int:
    from workbench.cli import open_community
    from workbench.i18n import t
    from workbench.layers import exporting
    from workbench.layers.current import refresh_spaces

    store, community = open_community()
    refresh_spaces(community, store)
    out = Path(args.out)
    if out.suffix.lower() == ".gpkg":
        path = exporting.write_geopackage(community, out)
    else:
        path = exporting.write_folder(community, out)
    print(t(_lang(args), "layers.export.done", path=str(path)))
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("check-layers", help="validate a community's layer folder: every "
                                                   "problem at once, with what to do")
    p.add_argument("folder", nargs="?", help="folder with community.yaml (default: the setting)")
    p.add_argument("--repair", action="store_true",
                   help="write a repaired copy (make_valid) of each layer with invalid "
                        "geometries beside it, as NAME.repaired.geojson")
    p.add_argument("--lang", choices=["zh", "en"],
                   help="language of the messages (default: the default_language setting)")
    p.set_defaults(func=_check_layers)

    layers = subparsers.add_parser("layers", help="a community's map layers")
    sub = layers.add_subparsers(dest="layers_command", metavar="ACTION", required=True)
    p = sub.add_parser("import", help="build a community's layer folder from OpenStreetMap "
                                      "(.osm.pbf, .osm, .gz, .bz2), GeoPackage, Shapefile (.shp or "
                                      ".zip), GeoJSON, KML or CSV files")
    p.add_argument("files", nargs="+", help="the data files")
    p.add_argument("--out", required=True, help="the community folder to write")
    p.add_argument("--boundary", help="a file with the community's boundary polygon (default: "
                                      "an administrative boundary in the data)")
    p.add_argument("--margin", type=float, default=0.0,
                   help="grow the boundary by this many metres to keep features at its edge")
    p.add_argument("--id", help="the community's id (default: the folder's name)")
    p.add_argument("--name-zh", help="the community's name in Chinese")
    p.add_argument("--name-en", help="the community's name in English")
    p.add_argument("--kinds", help="a kinds mapping (YAML; default: the package's "
                                   "osm_kinds.yaml, documented in layers/README.md)")
    p.add_argument("--crs", help="the CRS of files that do not say, e.g. EPSG:4547")
    p.add_argument("--gcj02", action="store_true",
                   help="the coordinates are GCJ-02 (Gaode/AMap, Tencent exports)")
    p.add_argument("--lon", help="a CSV's longitude (or x) column (default: detected)")
    p.add_argument("--lat", help="a CSV's latitude (or y) column (default: detected)")
    p.add_argument("--licence", help="the licence of non-OSM data, kept with the layers")
    p.add_argument("--time-zone", default="Asia/Shanghai", help="the community's time zone")
    p.add_argument("--replace", action="store_true",
                   help="overwrite the layers of a folder that already holds a community")
    p.add_argument("--lang", choices=["zh", "en"],
                   help="language of the report (default: the default_language setting)")
    p.set_defaults(func=_import)
    p = sub.add_parser("export", help="write the community's layers out with its public spaces "
                                      "as edited: a layer folder (GeoJSON) or, for a name "
                                      "ending .gpkg, one GeoPackage of the four layers")
    p.add_argument("out", help="a folder, or a file NAME.gpkg")
    p.add_argument("--lang", choices=["zh", "en"],
                   help="language of the messages (default: the default_language setting)")
    p.set_defaults(func=_export)
