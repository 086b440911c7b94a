"""Building a community's layer folder from the files a planner has.

Every source layer is read (:mod:`.readers`), each feature is placed by the kinds mapping
(:mod:`.kinds`), the boundary is found (``--boundary FILE`` or a boundary in the data),
geometries are repaired (``make_valid``) and clipped to the boundary (grown by the margin,
if one is asked for), and the four GeoJSON files, ``community.yaml`` and a ``SOURCES.md`` with
the data's licence are written. What was skipped and what was estimated is counted in the
:class:`ImportReport`.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from datetime import date
from pathlib import Path

import numpy as np
import shapely
import shapely.prepared
import yaml
from shapely.geometry import MultiLineString, MultiPolygon, mapping as geojson_of

from workbench import vocabulary
from workbench.layers.checks import PLAUSIBLE_KM2
from workbench.layers.importing import kinds as kinds_mapping
from workbench.layers.importing.readers import (
    OSM_LICENCE, ImportProblem, ReadOptions, SourceLayer, read_source, scratch_dir)

MIN_PIECE = {"Polygon": 1.0, "LineString": 1.0}   # m² / m: slivers left by clipping are dropped


@dataclass
class ImportOptions:
    out: Path
    boundary: Path | None = None
    community_id: str | None = None
    name_zh: str | None = None
    name_en: str | None = None
    margin_m: float = 0.0
    kinds_file: Path | None = None
    licence: str | None = None
    time_zone: str = "Asia/Shanghai"
    replace: bool = False         # overwrite the layers of an existing community folder
    read: ReadOptions = field(default_factory=ReadOptions)


@dataclass
class ImportReport:
    imported: Counter = field(default_factory=Counter)          # layer -> features
    skipped: Counter = field(default_factory=Counter)           # (file, reason) -> features
    households: Counter = field(default_factory=Counter)        # source of the figure -> n
    notes: list = field(default_factory=list)                   # (key, params)
    sources: list = field(default_factory=list)                 # dicts for community.yaml
    boundary_km2: float = 0.0
    out: str = ""


@dataclass
class _Candidate:
    geom: object
    attrs: dict
    source_id: str | None
    file: str
    value: str | None = None
    area_m2: float = 0.0


def import_layers(paths: list[str | Path], options: ImportOptions) -> ImportReport:
    """Read ``paths`` and write a community folder at ``options.out``; raises ImportProblem
    before writing anything when a source or the boundary cannot be used."""
    report = ImportReport(out=str(options.out))
    existing = [name for name in ("community.yaml",) + tuple(
        f"{t}.geojson" for t in kinds_mapping.TARGETS) if (Path(options.out) / name).exists()]
    if existing and not options.replace:
        raise ImportProblem("import.problem.out_exists", out=str(options.out),
                            files=", ".join(existing))
    # a community's own kinds.yaml, put in the folder before the import, can be mapped to
    own = Path(options.out) / "kinds.yaml"
    kinds = vocabulary.public_space_kinds(str(options.out) if own.exists() else None)
    mapping = kinds_mapping.load_mapping(options.kinds_file, kinds)
    if not paths:
        raise ImportProblem("import.problem.no_files")
    with scratch_dir() as tmp:
        boundary_sources = (read_source(options.boundary, options.read, Path(tmp))
                            if options.boundary else [])
        read = options.read
        if boundary_sources:     # an OSM extract is read only around the community
            read = replace(read, osm_bbox=_around(boundary_sources, options.margin_m))
        sources = [layer for p in paths for layer in read_source(p, read, Path(tmp))]
    for path in paths:
        is_osm = any(s.is_osm and s.file == Path(path).name for s in sources)
        report.sources.append({"file": Path(path).name, **(
            OSM_LICENCE if is_osm else {"licence": options.licence or "unknown"})})
        if not is_osm and not options.licence:
            report.notes.append(("import.note.licence_unknown", {"file": Path(path).name}))
    found = {target: [] for target in kinds_mapping.TARGETS}
    for layer in sources:
        report.notes.extend(layer.notes)
        _place(layer, mapping, kinds, found, report)
    boundary = _boundary(boundary_sources, found["boundary"], options, mapping, report)
    layers = _clip(found, boundary, mapping, kinds, report)
    _write(options, boundary, layers, report)
    return report


def _around(boundary_sources, margin_m: float) -> tuple[float, float, float, float]:
    west, south, east, north = shapely.union_all(
        [g for s in boundary_sources for g in s.gdf.geometry]).bounds
    pad = (margin_m + 100) / 100_000      # degrees, generously: a reading window, not a clip
    return (west - pad * 3, south - pad, east + pad * 3, north + pad)


def _metric_areas(gdf):
    if gdf.empty:
        return []
    metric = gdf.geometry.to_crs(gdf.geometry.estimate_utm_crs())
    return list(metric.area)


def _place(layer: SourceLayer, mapping, kinds, found, report) -> None:
    gdf = layer.gdf
    if gdf.empty:
        report.notes.append(("import.note.empty_layer", {"file": layer.file, "layer": layer.name}))
        return
    hint = kinds_mapping.layer_hint(mapping, layer.name if not layer.is_osm else "")
    if hint is None and not layer.is_osm:
        hint = kinds_mapping.layer_hint(mapping, Path(layer.file).stem)
    areas = _metric_areas(gdf)
    for geom, attrs, source_id, area in zip(gdf.geometry, gdf["attrs"], gdf["source_id"], areas):
        match = kinds_mapping.classify(attrs, geom.geom_type, hint, mapping, kinds, area)
        if match.layer is None:    # an OSM extract holds much more than a community's layers
            report.skipped[(layer.file, "osm_other" if layer.is_osm else "not_mapped")] += 1
            continue
        if match.assumed:
            report.notes.append(("import.note.class_assumed", {"file": layer.file,
                                                               "id": source_id or "?"}))
        found[match.layer].append(_Candidate(geom, attrs, source_id, layer.file, match.value,
                                             area))


def _boundary(boundary_sources, candidates, options, mapping, report):
    if boundary_sources:
        polygons = [g for s in boundary_sources for g in s.gdf.geometry
                    if g.geom_type in ("Polygon", "MultiPolygon")]
        if not polygons:
            raise ImportProblem("import.problem.boundary_not_polygon", file=options.boundary.name)
        geom = shapely.union_all([shapely.make_valid(g) for g in polygons])
        names = kinds_mapping.names(boundary_sources[0].gdf["attrs"].iloc[0], mapping)
    elif candidates:
        # the most local of the administrative areas in the data: the highest admin_level,
        # then the smallest
        best = max(candidates, key=lambda c: (_level(c.attrs), -c.area_m2))
        geom = shapely.make_valid(best.geom)
        report.notes.append(("import.note.boundary_from_data",
                             {"file": best.file, "id": best.source_id or "?"}))
        names = (best.attrs.get("name:zh") or best.attrs.get("name"),
                 best.attrs.get("name:en") or best.attrs.get("name"))
    else:
        raise ImportProblem("import.problem.no_boundary")
    geom = _polygonal(geom)
    if geom is None:
        raise ImportProblem("import.problem.boundary_not_polygon",
                            file=options.boundary.name if options.boundary else "?")
    if options.margin_m > 0:
        import geopandas as gpd

        series = gpd.GeoSeries([geom], crs=4326)
        utm = series.estimate_utm_crs()
        geom = series.to_crs(utm).buffer(options.margin_m).to_crs(4326).iloc[0]
        report.notes.append(("import.note.margin", {"m": f"{options.margin_m:g}"}))
    report.boundary_km2 = _area_m2(geom) / 1e6
    low, high = PLAUSIBLE_KM2
    if not low <= report.boundary_km2 <= high:
        report.notes.append(("import.note.boundary_size",
                             {"km2": f"{report.boundary_km2:.2f}", "low": low, "high": high}))
    return geom, names


def _level(attrs) -> int:
    try:
        return int(attrs.get("admin_level", 0))
    except (TypeError, ValueError):
        return 0


def _area_m2(geom) -> float:
    """Area in m² on the UTM zone of the geometry (one transformer per zone, cached)."""
    lon = geom.centroid.x
    zone = int((lon + 180) // 6) + 1
    north = geom.centroid.y >= 0
    transformer = _utm(zone, north)
    metric = shapely.transform(geom, lambda c: np.column_stack(
        transformer.transform(c[:, 0], c[:, 1])))
    return float(metric.area)


@lru_cache(maxsize=8)
def _utm(zone: int, north: bool):
    from pyproj import Transformer

    return Transformer.from_crs(4326, (32600 if north else 32700) + zone, always_xy=True)


def _polygonal(geom):
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    parts = [q for p in parts for q in shapely.get_parts(p)]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def _lineal(geom):
    parts = [q for p in shapely.get_parts(geom)
             if p.geom_type in ("LineString", "MultiLineString") for q in shapely.get_parts(p)]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else MultiLineString(parts)


def _clip(found, boundary, mapping, kinds, report) -> dict[str, list[dict]]:
    area, _ = boundary
    prepared = shapely.prepared.prep(area)
    layers: dict[str, list[dict]] = {"roads": [], "buildings": [], "public_spaces": []}
    used_ids: set[str] = set()
    prefix = {"roads": "R", "buildings": "B", "public_spaces": "P"}
    for layer_name in layers:
        for n, c in enumerate(found[layer_name], start=1):
            geom = c.geom
            if not geom.is_valid:
                geom = shapely.make_valid(geom)
                report.notes.append(("import.note.repaired", {"file": c.file,
                                                              "id": c.source_id or "?"}))
            if not prepared.intersects(geom):
                report.skipped[(c.file, "outside")] += 1
                continue
            clipped = geom if prepared.contains(geom) else geom.intersection(area)
            if layer_name == "roads":
                clipped = _lineal(clipped)
            elif geom.geom_type != "Point":
                clipped = _polygonal(clipped)
            if clipped is None or clipped.is_empty:
                report.skipped[(c.file, "outside")] += 1
                continue
            feature_id = _unique(str(c.source_id or f"{prefix[layer_name]}{n}"), used_ids)
            props = _properties(layer_name, feature_id, c, clipped, mapping, kinds, report)
            if props is None:
                continue
            layers[layer_name].append({"type": "Feature", "properties": props,
                                       "geometry": geojson_of(shapely.orient_polygons(clipped))})
            report.imported[layer_name] += 1
    return layers


def _unique(feature_id: str, used: set[str]) -> str:
    candidate, n = feature_id, 1
    while candidate in used:
        n += 1
        candidate = f"{feature_id}-{n}"
    used.add(candidate)
    return candidate


def _properties(layer_name, feature_id, c: _Candidate, geom, mapping, kinds, report):
    if layer_name == "roads":
        return {"id": feature_id, "class": c.value}
    area = _area_m2(geom) if geom.geom_type != "Point" else 0.0
    if layer_name == "buildings":
        if area < MIN_PIECE["Polygon"]:
            report.skipped[(c.file, "sliver")] += 1
            return None
        households, source = kinds_mapping.households(c.attrs, mapping, area)
        report.households[source or "unknown"] += 1
        props = {"id": feature_id, "households": households}
        if source:
            props["households_source"] = source
        return props
    zh, en = kinds_mapping.names(c.attrs, mapping)
    kind = kinds[c.value]
    if not (zh and en):
        report.notes.append(("import.note.named_by_kind", {"id": feature_id}))
    props = {"id": feature_id, "kind": c.value,
             "name_zh": zh or f"{kind['zh']} {feature_id}",
             "name_en": en or f"{kind['en']} {feature_id}",
             "description_zh": None, "description_en": None}
    # what the space editor writes out (layers/editing.py) comes back in as it went
    for key in ("description_zh", "description_en", "opening_hours", "facilities", "status"):
        if str(c.attrs.get(key) or "").strip():
            props[key] = str(c.attrs[key]).strip()
    if area:
        props["area_m2"] = round(area)
    return props


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-")
    return slug or "community"


def _write(options: ImportOptions, boundary, layers, report) -> None:
    area, (zh, en) = boundary
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    community_id = options.community_id or _slug(out.name)
    name_zh = options.name_zh or zh or community_id
    name_en = options.name_en or en or community_id
    boundary_fc = [{"type": "Feature", "geometry": geojson_of(shapely.orient_polygons(area)),
                    "properties": {"id": community_id, "name_zh": name_zh, "name_en": name_en}}]
    for name, features in {"boundary": boundary_fc, **layers}.items():
        with open(out / f"{name}.geojson", "w", encoding="utf-8") as f:
            json.dump({"type": "FeatureCollection", "features": features}, f,
                      ensure_ascii=False)
    centre = area.representative_point()
    meta = {"id": community_id, "name": {"zh": name_zh, "en": name_en},
            "center": [round(centre.y, 6), round(centre.x, 6)], "zoom": 16,
            "time_zone": options.time_zone,
            "sources": [{**s, "imported": date.today().isoformat()} for s in report.sources]}
    with open(out / "community.yaml", "w", encoding="utf-8") as f:
        f.write("# Written by `workbench layers import`; edit freely.\n")
        yaml.safe_dump(meta, f, allow_unicode=True, sort_keys=False)
    lines = ["# Sources of these layers", ""]
    for s in report.sources:
        lines.append(f"- {s['file']}: licence {s['licence']}"
                     + (f"; {s['attribution']}" if s.get("attribution") else ""))
    (out / "SOURCES.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
