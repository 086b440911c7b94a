"""A community boundary drawn on the map, and what the import panel asks besides it.

Residential communities' (社区) boundaries are rarely in OpenStreetMap: the planner draws one
(:mod:`workbench.layers.import_panel`). What the drawing tools report is hostile input like
any file: it is checked here (one polygon, finite WGS-84 coordinates, not crossing itself),
written as a GeoJSON boundary file in a temporary folder, and handed to
:func:`~workbench.layers.importing.build.import_layers` as ``--boundary FILE`` would be.
Every refusal is ``(key, params)`` for the field it concerns; nothing is written then.
"""

from __future__ import annotations

import json
import math
import re
import tempfile
from dataclasses import replace
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape

from workbench.layers.checks import PLAUSIBLE_KM2
from workbench.layers.importing.build import ImportOptions, ImportReport, import_layers
from workbench.layers.importing.readers import MAX_BYTES, ImportProblem, kind_of_file

#: a community's id: what the importer makes of a folder's name, and safe in paths and URLs
COMMUNITY_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
NAME_MAX_CHARS = 100
#: the most data files one import takes (a shapefile counts once: its .shp or its .zip)
MAX_FILES = 20
#: the most corners a drawn boundary may have: a hand-drawn polygon has tens
MAX_CORNERS = 5000


class DrawnInvalid(ValueError):
    """What the planner gave cannot be imported: ``errors`` maps a field (sources, boundary,
    out, community_id, name_zh, name_en) to ``(key, params)``."""

    def __init__(self, errors: dict[str, tuple[str, dict]]):
        self.errors = errors
        super().__init__(", ".join(f"{f}: {k}" for f, (k, _) in errors.items()))


def drawn_polygon(drawn) -> shapely.Polygon:
    """The one polygon in what the drawing tools report (a geometry, a feature, a list of
    features or a FeatureCollection; the newest polygon counts). Raises DrawnInvalid for
    nothing drawn, no polygon, broken coordinates or a polygon that crosses itself."""
    geometry = _newest_polygon(drawn)
    if geometry is None:
        raise DrawnInvalid({"boundary": ("import_panel.error.no_polygon", {})})
    rings = geometry.get("coordinates")
    try:
        corners = sum(len(ring) for ring in rings)
        if corners > MAX_CORNERS:
            raise DrawnInvalid({"boundary": ("import_panel.error.too_many_corners",
                                             {"n": corners, "max": MAX_CORNERS})})
        polygon = shape(geometry)
        coords = shapely.get_coordinates(polygon)
    except DrawnInvalid:
        raise
    except Exception:  # noqa: BLE001 - whatever broke, it is no polygon
        raise DrawnInvalid({"boundary": ("import_panel.error.no_polygon", {})}) from None
    finite = all(math.isfinite(v) for v in coords.ravel())
    if not finite or not (abs(coords[:, 0]) <= 180).all() or not (abs(coords[:, 1]) <= 90).all():
        raise DrawnInvalid({"boundary": ("import_panel.error.coordinates", {})})
    if polygon.is_empty or len({tuple(c) for c in coords}) < 3:
        raise DrawnInvalid({"boundary": ("import_panel.error.no_polygon", {})})
    if not polygon.is_valid:
        # GEOS names the first place it is broken, e.g. "Self-intersection[120.15 30.30]"
        where = re.search(r"\[(-?[\d.e+-]+) (-?[\d.e+-]+)", shapely.is_valid_reason(polygon))
        params = {"lon": f"{float(where[1]):.5f}", "lat": f"{float(where[2]):.5f}"} if where \
            else {"lon": "?", "lat": "?"}
        raise DrawnInvalid({"boundary": ("import_panel.error.self_crossing", params)})
    if polygon.area == 0:
        raise DrawnInvalid({"boundary": ("import_panel.error.no_polygon", {})})
    return polygon


def _newest_polygon(drawn) -> dict | None:
    if isinstance(drawn, dict) and drawn.get("type") == "FeatureCollection":
        drawn = drawn.get("features")
    items = drawn if isinstance(drawn, list) else [drawn]
    for item in reversed(items):
        if not isinstance(item, dict):
            continue
        geometry = item.get("geometry") if item.get("type") == "Feature" else item
        if isinstance(geometry, dict) and geometry.get("type") == "Polygon" \
                and isinstance(geometry.get("coordinates"), list):
            return geometry
    return None


def area_km2(polygon) -> float:
    from workbench.geo.projection import area_m2

    return area_m2(polygon) / 1e6


def size_warning(km2: float) -> tuple[str, dict] | None:
    """The importer's warning for a boundary whose size is implausible for a community."""
    low, high = PLAUSIBLE_KM2
    if low <= km2 <= high:
        return None
    return "import.note.boundary_size", {"km2": f"{km2:.2f}", "low": low, "high": high}


def check_sources(text: str) -> list[Path]:
    """The data files named one per line, each checked on the server: it exists, is a file
    of a type the import reads and not larger than it reads."""
    lines = [line.strip().strip('"') for line in str(text or "").splitlines() if line.strip()]
    if not lines:
        raise DrawnInvalid({"sources": ("import_panel.error.no_sources", {})})
    if len(lines) > MAX_FILES:
        raise DrawnInvalid({"sources": ("import_panel.error.too_many_sources",
                                        {"max": MAX_FILES})})
    paths = []
    for line in lines:
        path = Path(line).expanduser()
        try:
            if not path.is_file():
                raise ImportProblem("import.problem.missing", file=line)
            kind_of_file(path)
            if path.stat().st_size > MAX_BYTES:
                raise ImportProblem("import.problem.too_big", file=path.name,
                                    size=f"{path.stat().st_size / 1e6:.0f} MB",
                                    limit=f"{MAX_BYTES / 1e6:.0f} MB")
        except OSError:
            raise DrawnInvalid({"sources": ("import.problem.missing", {"file": line})}) \
                from None
        except ImportProblem as exc:
            raise DrawnInvalid({"sources": (exc.key, exc.params)}) from None
        paths.append(path)
    return paths


def check_kinds_file(text: str) -> Path | None:
    """The planner's kinds mapping (a YAML file on the server), or None for the default."""
    name = str(text or "").strip()
    if not name:
        return None
    path = Path(name).expanduser()
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise DrawnInvalid({"kinds": ("import_panel.error.kinds_yaml", {"file": name})})
    if not path.is_file():
        raise DrawnInvalid({"kinds": ("import.problem.missing", {"file": name})})
    return path


def check_identity(out: str, community_id: str, name_zh: str, name_en: str
                   ) -> tuple[Path, str, str, str]:
    """The output folder (new, in a folder that exists), the community's id and its names;
    every problem at once."""
    from workbench.proposals.rules import check_text

    errors: dict[str, tuple[str, dict]] = {}
    folder = Path(str(out or "").strip()).expanduser()
    if not str(out or "").strip():
        errors["out"] = ("import_panel.error.no_out", {})
    elif folder.exists():
        errors["out"] = ("import_panel.error.out_exists", {"out": str(folder)})
    elif not folder.parent.is_dir():
        errors["out"] = ("import_panel.error.out_parent", {"parent": str(folder.parent)})
    community_id = str(community_id or "").strip()
    if not COMMUNITY_ID.match(community_id):
        errors["community_id"] = ("import_panel.error.community_id", {})
    names = {}
    for field, value in (("name_zh", name_zh), ("name_en", name_en)):
        names[field], problem = check_text(value, required=True, max_chars=NAME_MAX_CHARS)
        if problem:
            errors[field] = problem
    if errors:
        raise DrawnInvalid(errors)
    return folder, community_id, names["name_zh"], names["name_en"]


def write_boundary(polygon, folder: Path, community_id: str, name_zh: str,
                   name_en: str) -> Path:
    """The boundary as a one-feature GeoJSON file in ``folder`` (the importer's input)."""
    path = Path(folder) / "drawn_boundary.geojson"
    feature = {"type": "Feature", "geometry": mapping(shapely.orient_polygons(polygon)),
               "properties": {"id": community_id, "name_zh": name_zh, "name_en": name_en}}
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]},
                               ensure_ascii=False), encoding="utf-8")
    return path


def import_with_drawn(paths: list[Path], drawn, options: ImportOptions) -> ImportReport:
    """Import ``paths`` into ``options.out`` with the drawn polygon as the boundary (checked
    first: nothing is written for a bad one). The boundary file lives only for the import."""
    polygon = drawn_polygon(drawn)
    with tempfile.TemporaryDirectory(prefix="workbench-drawn-") as tmp:
        boundary = write_boundary(polygon, Path(tmp), options.community_id or "community",
                                  options.name_zh or "", options.name_en or "")
        return import_layers(paths, replace(options, boundary=boundary))
