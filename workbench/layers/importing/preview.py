"""What the import panel's map shows of the data before the import: its roads, buildings
and public spaces, read by the importer's own readers and placed by its kinds mapping, so the
planner sees what the import will take.

A browser draws a few thousand shapes smoothly, not an extract's hundred thousand: the preview
keeps at most :data:`MAX_FEATURES` (roads first, then public spaces, then buildings) and says
so when it left some out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from shapely.geometry import mapping

from workbench import vocabulary
from workbench.layers.importing import kinds as kinds_mapping
from workbench.layers.importing.readers import ReadOptions, read_source, scratch_dir

MAX_FEATURES = 3000
LAYERS = ("roads", "public_spaces", "buildings")
#: coordinates kept in the preview: 6 decimals of a degree, about 0.1 m
DECIMALS = 6


@dataclass
class Preview:
    layers: dict = field(default_factory=lambda: {
        name: {"type": "FeatureCollection", "features": []} for name in LAYERS})
    found: int = 0           # roads, public spaces and buildings in the data
    shown: int = 0
    bounds: tuple | None = None      # (west, south, east, north) of what is shown
    notes: list = field(default_factory=list)

    @property
    def capped(self) -> bool:
        return self.shown < self.found


def preview(paths: list[Path], read: ReadOptions | None = None, limit: int = MAX_FEATURES,
            kinds_file: Path | None = None) -> Preview:
    """The roads, public spaces and buildings of ``paths`` as GeoJSON, at most ``limit``,
    placed by the kinds mapping the import will use (``kinds_file``, else the default)."""
    import shapely

    read = read or ReadOptions()
    kinds = vocabulary.public_space_kinds(None)
    mapping_rules = kinds_mapping.load_mapping(kinds_file, kinds)
    found: dict[str, list] = {name: [] for name in LAYERS}
    with scratch_dir() as tmp:
        sources = [layer for p in paths for layer in read_source(p, read, Path(tmp))]
    result = Preview()
    for layer in sources:
        result.notes.extend(layer.notes)
        gdf = layer.gdf
        if gdf.empty:
            continue
        hint = None if layer.is_osm else (kinds_mapping.layer_hint(mapping_rules, layer.name)
                                          or kinds_mapping.layer_hint(mapping_rules,
                                                                      Path(layer.file).stem))
        # areas decide some kinds (a small park is a pocket park): measured as the import does
        areas = list(gdf.geometry.to_crs(gdf.geometry.estimate_utm_crs()).area)
        for geom, attrs, area in zip(gdf.geometry, gdf["attrs"], areas):
            match = kinds_mapping.classify(attrs, geom.geom_type, hint, mapping_rules, kinds,
                                           area)
            if match.layer in found:
                found[match.layer].append((geom, match.value))
    result.found = sum(len(v) for v in found.values())
    kept = []
    for name in LAYERS:
        for geom, value in found[name][:max(0, limit - len(kept))]:
            geom = shapely.set_precision(geom, 10 ** -DECIMALS) if geom.is_valid else geom
            kept.append(geom)
            props = {"class": value} if name == "roads" else {"kind": value} \
                if name == "public_spaces" else {}
            result.layers[name]["features"].append(
                {"type": "Feature", "geometry": mapping(geom), "properties": props})
    result.shown = len(kept)
    if kept:
        result.bounds = tuple(shapely.total_bounds(kept))
    return result


def view_of(bounds: tuple | None, width_px: int = 900, height_px: int = 560
            ) -> tuple[tuple[float, float], float]:
    """(centre as (lat, lon), zoom) at which ``bounds`` fit, with a margin, a map of that
    many pixels (Web Mercator, as Leaflet draws)."""
    if not bounds:
        return (30.0, 115.0), 4       # nothing to show: China
    west, south, east, north = bounds
    centre = ((south + north) / 2, (west + east) / 2)

    def mercator(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    # at zoom z the world is 256 * 2**z pixels wide: 360 degrees, or 2π in Mercator y
    span_x = max(east - west, 1e-6) / 360
    span_y = max(mercator(north) - mercator(south), 1e-8) / (2 * math.pi)
    zoom = min(math.log2(width_px / 256 / span_x), math.log2(height_px / 256 / span_y))
    zoom -= 0.25                       # a margin around the data
    return centre, max(2.0, min(18.0, math.floor(zoom * 4) / 4))
