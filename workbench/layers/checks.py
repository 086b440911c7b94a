"""``check-layers``: every problem of a community folder at once, each with the file, the
feature and what to do, in zh and en.

Errors stop the folder from being used (the loader in :mod:`.community` would refuse it);
warnings are things a planner should look at (a boundary of implausible size, roads that do
not connect). A folder without errors is also loaded by :func:`load_community` here, so one
that passes never breaks a later step.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import shapely
import yaml
from shapely.geometry import mapping as geojson_of, shape

from workbench import vocabulary
from workbench.i18n import t
from workbench.layers.community import (WGS84_NAMES, LayerError, crs_name, layer_specs,
                                        load_community)

PLAUSIBLE_KM2 = (0.05, 20.0)
KINDS_FILE = "workbench/data/public_space_kinds.yaml"
#: groups of unconnected roads named one by one; the rest are counted
SHOWN_GROUPS = 10


@dataclass
class Problem:
    severity: str          # "error" or "warning"
    file: str
    feature: str | None
    key: str               # message key under layers.check.
    params: dict = field(default_factory=dict)

    def message(self, lang: str) -> str:
        where = f"{self.file}: " + (t(lang, "layers.check.feature", feature=self.feature) + ": "
                                    if self.feature else "")
        return (t(lang, f"layers.check.{self.severity}") + " " + where
                + t(lang, f"layers.check.{self.key}", **self.params))


def render(problems: list[Problem], lang: str) -> str:
    errors = sum(p.severity == "error" for p in problems)
    lines = [p.message(lang) for p in problems]
    lines.append(t(lang, "layers.check.summary", errors=errors, warnings=len(problems) - errors))
    return "\n".join(lines)


def check_folder(folder: str | Path, repair: bool = False) -> list[Problem]:
    folder = Path(folder)
    problems: list[Problem] = []
    meta = _check_meta(folder, problems)
    kinds = vocabulary.public_space_kinds(str(folder))
    geoms: dict[str, list[tuple[str, object]]] = {}
    for spec in layer_specs(kinds):
        geoms[spec.name] = _check_layer(folder, spec, kinds, problems, repair)
    boundary = geoms.get("boundary") or []
    if len(boundary) == 1:
        _check_inside(boundary[0][1], geoms, problems)
        _check_size(boundary[0][1], problems)
    _check_roads(geoms.get("roads") or [], problems)
    if meta is not None:
        buildings = {fid for fid, _ in geoms.get("buildings") or []}
        for area, members in (meta.get("areas") or {}).items():
            unknown = sorted({str(b) for b in members or []} - buildings)
            if unknown:
                problems.append(Problem("error", "community.yaml", None, "area_buildings",
                                        {"area": area, "ids": ", ".join(unknown)}))
    if not any(p.severity == "error" for p in problems):
        try:            # the loader is the last word: what passes here also loads
            load_community(folder)
        except LayerError as exc:
            problems.append(Problem("error", Path(exc.path).name, exc.feature, "loader",
                                    {"problem": exc.problem}))
        except (ValueError, TypeError, KeyError, IndexError) as exc:   # a hostile community.yaml
            problems.append(Problem("error", "community.yaml", None, "loader",
                                    {"problem": str(exc)[:200]}))
    return problems


def _check_meta(folder: Path, problems) -> dict | None:
    try:
        meta = yaml.safe_load((folder / "community.yaml").read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        problems.append(Problem("error", "community.yaml", None, "meta_missing"))
        return None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.append(Problem("error", "community.yaml", None, "meta_unreadable",
                                {"reason": str(exc)[:200]}))
        return None
    if not isinstance(meta, dict):
        problems.append(Problem("error", "community.yaml", None, "meta_unreadable",
                                {"reason": "not a mapping"}))
        return None
    for key in ("id", "name", "center"):
        if key not in meta:
            problems.append(Problem("error", "community.yaml", None, "meta_key", {"name": key}))
    center = meta.get("center")
    try:
        lat, lon = (float(v) for v in center)
        ok = -90 <= lat <= 90 and -180 <= lon <= 180
    except (TypeError, ValueError):
        ok = center is None     # reported as missing above
    if not ok:
        problems.append(Problem("error", "community.yaml", None, "meta_center",
                                {"value": str(center)[:80]}))
    return meta


def _read(path: Path, problems) -> list | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(Problem("error", path.name, None, "file_missing"))
        return None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        problems.append(Problem("error", path.name, None, "not_geojson",
                                {"reason": str(exc)[:200]}))
        return None
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        problems.append(Problem("error", path.name, None, "not_collection"))
        return None
    name = crs_name(data)
    if name is not None and name not in WGS84_NAMES:
        problems.append(Problem("error", path.name, None, "crs",
                                {"crs": name or str(data.get("crs"))[:200]}))
    return data["features"]


def _check_layer(folder: Path, spec, kinds, problems, repair: bool) -> list:
    path = folder / spec.filename
    features = _read(path, problems)
    if features is None:
        return []
    if spec.exactly_one and len(features) != 1:
        problems.append(Problem("error", path.name, None, "exactly_one", {"n": len(features)}))
    good, seen, repaired, projected = [], set(), {}, False
    for i, feature in enumerate(features):
        props = feature.get("properties") if isinstance(feature, dict) else None
        props = props if isinstance(props, dict) else {}  # any JSON may stand there
        label = f"#{i + 1}" + (f" (id={props['id']})" if isinstance(props.get("id"), str)
                               else "")

        def add(message_key, severity="error", **params):
            problems.append(Problem(severity, path.name, label, message_key, params))

        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if not isinstance(geometry, dict) or geometry.get("type") not in spec.geometry_types:
            got = geometry.get("type") if isinstance(geometry, dict) else geometry
            add("geometry_type", want=" / ".join(spec.geometry_types), got=str(got))
            continue
        try:
            geom = shape(geometry)
        except Exception as exc:
            add("geometry_unreadable", reason=str(exc)[:200])
            continue
        if geom.is_empty:
            add("empty")
            continue
        x0, y0, x1, y1 = geom.bounds
        if not all(map(math.isfinite, geom.bounds)) or x0 < -180 or x1 > 180 or y0 < -90 \
                or y1 > 90:
            projected = True
            add("not_lonlat", x=f"{x0:.0f}", y=f"{y0:.0f}")
            continue
        if not geom.is_valid:
            add("invalid", reason=shapely.is_valid_reason(geom),
                file=path.stem + ".repaired.geojson")
            repaired[i] = shapely.make_valid(geom)
        for key, check in spec.properties.items():
            if key not in props and key not in spec.optional:
                add("property_missing", name=key)
            elif key == "kind" and not (isinstance(props.get(key), str)
                                        and props[key] in kinds):
                add("unknown_kind", kind=str(props.get(key)), known=", ".join(kinds),
                    package=KINDS_FILE, local=str(folder / "kinds.yaml"))
            elif (message := check(props.get(key))) is not None:
                add("property", name=key, problem=message)
        fid = props.get("id")
        if isinstance(fid, str):
            if fid in seen:
                add("duplicate_id", id=fid)
            seen.add(fid)
            good.append((fid, repaired.get(i, geom)))
    if projected:
        problems.append(Problem("error", path.name, None, "projected_hint"))
    if repaired and repair:
        out = dict(type="FeatureCollection", features=[
            {**f, "geometry": geojson_of(repaired[i])} if i in repaired else f
            for i, f in enumerate(features)])
        (folder / f"{path.stem}.repaired.geojson").write_text(
            json.dumps(out, ensure_ascii=False), encoding="utf-8")
    return good


def _check_inside(boundary, geoms, problems) -> None:
    grown = boundary.buffer(1e-6)
    for name in ("roads", "buildings", "public_spaces"):
        for fid, geom in geoms.get(name) or []:
            if not grown.covers(geom):
                problems.append(Problem("error", f"{name}.geojson", f"id={fid}", "outside"))


def _metric(geom):
    import geopandas as gpd

    series = gpd.GeoSeries([geom], crs=4326)
    return series.to_crs(series.estimate_utm_crs()).iloc[0]


def _check_size(boundary, problems) -> None:
    km2 = _metric(boundary).area / 1e6
    low, high = PLAUSIBLE_KM2
    if not low <= km2 <= high:
        problems.append(Problem("warning", "boundary.geojson", None, "boundary_size",
                                {"km2": f"{km2:.2f}", "low": low, "high": high}))


def _check_roads(roads, problems) -> None:
    """Roads fall apart into groups that touch each other; every group but the largest is
    named (a road that does not connect cannot be walked to)."""
    if len(roads) < 2:
        return
    tree = shapely.STRtree([g for _, g in roads])
    parent = list(range(len(roads)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # 0.5 m tolerance (in degrees) for ends drawn almost onto another road
    left, right = tree.query([g.buffer(5e-6) for _, g in roads], predicate="intersects")
    for a, b in zip(left, right):
        parent[root(a)] = root(b)
    groups: dict[int, list[str]] = {}
    for i, (fid, _) in enumerate(roads):
        groups.setdefault(root(i), []).append(fid)
    largest = max(groups.values(), key=len)
    apart = sorted((ids for ids in groups.values() if ids is not largest), key=len, reverse=True)
    for ids in apart[:SHOWN_GROUPS]:
        problems.append(Problem("warning", "roads.geojson", "id=" + ", ".join(ids[:5]),
                                "roads_apart", {"n": len(ids), "total": len(roads)}))
    if len(apart) > SHOWN_GROUPS:        # one line for the rest: a clipped extract has many
        rest = apart[SHOWN_GROUPS:]
        problems.append(Problem("warning", "roads.geojson", None, "roads_apart_more", {
            "groups": len(rest), "n": sum(map(len, rest))}))
