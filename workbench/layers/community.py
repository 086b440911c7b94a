"""A community's map layers: read, validated, and handed out as GeoJSON or GeoDataFrames.

A community is a folder (``layers/demo`` for the demo) holding ``community.yaml`` and four
GeoJSON files. Everything is WGS-84 longitude/latitude as RFC 7946 requires; a file that says
otherwise, a broken geometry or a missing property is refused with a message naming the file,
the feature and the problem.

The resident page needs GeoJSON dicts and a boundary to test points against, so this module
uses json and shapely only; geopandas is imported by :func:`read_layers` for planners.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml
from shapely.geometry import Point, shape
from shapely.prepared import prep
from shapely.validation import explain_validity

from workbench import vocabulary

ROAD_CLASSES = ("primary", "secondary", "residential", "footway")
#: CRS names that mean WGS-84 lon/lat (old GeoJSON files may carry a "crs" member).
WGS84_NAMES = {
    "urn:ogc:def:crs:OGC:1.3:CRS84",
    "urn:ogc:def:crs:OGC::CRS84",
    "EPSG:4326",
    "urn:ogc:def:crs:EPSG::4326",
}


class LayerError(ValueError):
    """A layer file that cannot be used, with where and why."""

    def __init__(self, path: Path | str, problem: str, feature: str | None = None):
        self.path = str(path)
        self.feature = feature
        self.problem = problem
        where = f"{self.path}: feature {feature}: " if feature else f"{self.path}: "
        super().__init__(where + problem)


# A check returns None when the value is fine, or what is wrong with it.
Check = Callable[[Any], str | None]


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) and value.strip() else "must be a non-empty text"


def _optional_text(value: Any) -> str | None:
    return None if value is None or isinstance(value, str) else "must be a text or null"


def _count(value: Any) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return None if ok else f"must be a whole number ≥ 0, got {value!r}"


def _optional_count(value: Any) -> str | None:
    """A count, or null where it is not known."""
    return None if value is None else _count(value)


def _one_of(options) -> Check:
    def check(value: Any) -> str | None:
        return None if value in options else f"must be one of {', '.join(options)}; got {value!r}"
    return check


@dataclass(frozen=True)
class LayerSpec:
    name: str
    geometry_types: tuple[str, ...]
    properties: dict[str, Check]
    exactly_one: bool = False
    #: properties a feature may lack (as if null)
    optional: tuple[str, ...] = ()

    @property
    def filename(self) -> str:
        return f"{self.name}.geojson"


def layer_specs(kinds: dict[str, dict]) -> tuple[LayerSpec, ...]:
    polygon = ("Polygon", "MultiPolygon")
    return (
        LayerSpec("boundary", polygon, {"id": _text, "name_zh": _text, "name_en": _text},
                  exactly_one=True),
        LayerSpec("roads", ("LineString", "MultiLineString"),
                  {"id": _text, "class": _one_of(ROAD_CLASSES)}),
        # a building's households may be unknown (missing or null): the agenda leaves it out
        # of the households within reach and says how many such buildings there are
        LayerSpec("buildings", polygon, {"id": _text, "households": _optional_count},
                  optional=("households",)),
        LayerSpec("public_spaces", polygon + ("Point",),
                  {"id": _text, "kind": _one_of(tuple(kinds)), "name_zh": _text,
                   "name_en": _text, "description_zh": _optional_text,
                   "description_en": _optional_text}),
    )


def crs_name(data: dict) -> str | None:
    """The CRS a GeoJSON file declares (old-style ``crs`` member): None when it declares
    none, "" when what it declares cannot be read as a name."""
    crs = data.get("crs")
    if crs is None:
        return None
    props = crs.get("properties") if isinstance(crs, dict) else None
    name = props.get("name", "") if isinstance(props, dict) else ""
    return name if isinstance(name, str) else ""


def _check_crs(path: Path, data: dict) -> None:
    name = crs_name(data)
    if name is None:
        return
    crs = data.get("crs")
    if name not in WGS84_NAMES:
        raise LayerError(path, f"coordinates must be WGS-84 longitude/latitude (RFC 7946); "
                               f"the file declares CRS {name or crs!r}. Reproject it to EPSG:4326.")


def _coordinates(geometry: dict):
    """Every position of a GeoJSON geometry."""
    def walk(c):
        if c and isinstance(c[0], (int, float)):
            yield c
        else:
            for part in c:
                yield from walk(part)
    yield from walk(geometry.get("coordinates") or [])


def _check_feature(path: Path, spec: LayerSpec, index: int, feature: Any, seen_ids: set) -> None:
    label = f"#{index + 1}"
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise LayerError(path, "is not a GeoJSON Feature", label)
    props = feature.get("properties") or {}
    if isinstance(props.get("id"), str):
        label = f"#{index + 1} (id={props['id']})"
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") not in spec.geometry_types:
        got = geometry.get("type") if isinstance(geometry, dict) else geometry
        raise LayerError(path, f"geometry must be {' or '.join(spec.geometry_types)}, got {got!r}",
                         label)
    for lon, lat, *_ in _coordinates(geometry):
        if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180
                and -90 <= lat <= 90):
            raise LayerError(path, f"position ({lon}, {lat}) is not a WGS-84 longitude/latitude "
                                   "(projected coordinates? reproject to EPSG:4326)", label)
    try:
        geom = shape(geometry)
    except Exception as exc:  # shapely's messages are precise enough to pass on
        raise LayerError(path, f"geometry cannot be read: {exc}", label) from None
    if geom.is_empty:
        raise LayerError(path, "geometry is empty", label)
    if not geom.is_valid:
        raise LayerError(path, f"geometry is invalid: {explain_validity(geom)}", label)
    for key, check in spec.properties.items():
        if key not in props and key not in spec.optional:
            raise LayerError(path, f"property {key!r} is missing", label)
        problem = check(props.get(key))
        if problem:
            raise LayerError(path, f"property {key!r} {problem}", label)
    if props["id"] in seen_ids:
        raise LayerError(path, f"id {props['id']!r} is used twice", label)
    seen_ids.add(props["id"])


def read_geojson(path: Path, spec: LayerSpec) -> dict:
    """Read and validate one layer file; returns the FeatureCollection as a dict."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        raise LayerError(path, "file is missing") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LayerError(path, f"is not valid GeoJSON: {exc}") from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise LayerError(path, "must be a GeoJSON FeatureCollection")
    _check_crs(path, data)
    features = data.get("features")
    if not isinstance(features, list):
        raise LayerError(path, "has no 'features' list")
    if spec.exactly_one and len(features) != 1:
        raise LayerError(path, f"must hold exactly one feature, found {len(features)}")
    seen: set = set()
    for i, feature in enumerate(features):
        _check_feature(path, spec, i, feature, seen)
    return {"type": "FeatureCollection", "features": features}


@dataclass
class Community:
    """A community's description and validated layers, ready for maps and checks."""

    id: str
    name: dict[str, str]
    center: tuple[float, float]  # (lat, lon), as Leaflet wants it
    zoom: int
    layers: dict[str, dict]
    kinds: dict[str, dict]
    folder: Path
    description: dict[str, str] = field(default_factory=dict)
    #: Parts of the community by the building ids they hold (community.yaml ``areas``).
    areas: dict[str, list[str]] = field(default_factory=dict)
    #: Who may own an adopted agenda item, as suggestions (community.yaml ``owners``: the
    #: community's own offices and partners, e.g. 物业服务中心); any name may be written.
    owners: list[str] = field(default_factory=list)
    #: The IANA time zone planners read dates and times in (community.yaml ``time_zone``).
    time_zone: str = "Asia/Shanghai"

    def __post_init__(self):
        self._boundary = shape(self.layers["boundary"]["features"][0]["geometry"])
        self._prepared = prep(self._boundary)

    @property
    def boundary(self):
        return self._boundary

    def contains(self, lon: float, lat: float) -> bool:
        """Whether a point lies inside (or on the edge of) the community boundary."""
        return self._prepared.covers(Point(lon, lat))

    def bounds_latlon(self) -> list[list[float]]:
        """[[south, west], [north, east]] for fitting a map."""
        west, south, east, north = self._boundary.bounds
        return [[south, west], [north, east]]

    def replace_public_spaces(self, features: list[dict]) -> None:
        """Show these spaces instead of the layer file's (the database's current spaces,
        :mod:`workbench.layers.current`); everything reading the community sees them."""
        self.layers["public_spaces"] = {"type": "FeatureCollection", "features": list(features)}

    @property
    def public_spaces(self) -> dict[str, dict]:
        """Public-space features by id."""
        return {f["properties"]["id"]: f for f in self.layers["public_spaces"]["features"]}

    def public_space_location(self, space_id: str) -> tuple[float, float]:
        """(lon, lat) of a point inside the public space, where a proposal about it is pinned."""
        point = shape(self.public_spaces[space_id]["geometry"]).representative_point()
        return point.x, point.y

    def public_space_at(self, lon: float, lat: float) -> str | None:
        """Id of the public space whose area holds the point, if any."""
        p = Point(lon, lat)
        for space_id, feature in self.public_spaces.items():
            geom = shape(feature["geometry"])
            if geom.geom_type != "Point" and geom.covers(p):
                return space_id
        return None


def load_community(layers_dir: str | Path) -> Community:
    """Read ``community.yaml`` and every layer of a community folder, validating all."""
    folder = Path(layers_dir)
    meta_path = folder / "community.yaml"
    try:
        with open(meta_path, encoding="utf-8") as f:
            meta = yaml.safe_load(f) or {}
    except FileNotFoundError:
        raise LayerError(meta_path, "file is missing: a community folder needs community.yaml") \
            from None
    for key in ("id", "name", "center"):
        if key not in meta:
            raise LayerError(meta_path, f"key {key!r} is missing")
    kinds = vocabulary.public_space_kinds(str(folder))
    layers = {spec.name: read_geojson(folder / spec.filename, spec) for spec in layer_specs(kinds)}
    community = Community(
        id=str(meta["id"]), name=dict(meta["name"]),
        center=(float(meta["center"][0]), float(meta["center"][1])),
        zoom=int(meta.get("zoom", 16)), layers=layers, kinds=kinds, folder=folder,
        description=dict(meta.get("description") or {}),
        areas={str(k): [str(b) for b in v] for k, v in (meta.get("areas") or {}).items()},
        owners=[str(o).strip() for o in (meta.get("owners") or []) if str(o).strip()],
        time_zone=_time_zone(meta_path, meta.get("time_zone")),
    )
    buildings = {f["properties"]["id"] for f in layers["buildings"]["features"]}
    for area, members in community.areas.items():
        unknown = sorted(set(members) - buildings)
        if unknown:
            raise LayerError(meta_path, f"area {area!r} lists buildings that are not in "
                                        f"buildings.geojson: {', '.join(unknown)}")
    for name in ("roads", "buildings", "public_spaces"):
        for feature in layers[name]["features"]:
            if not community.boundary.buffer(1e-6).covers(shape(feature["geometry"])):
                raise LayerError(folder / f"{name}.geojson", "lies outside the community boundary",
                                 f"id={feature['properties']['id']}")
    return community


def _time_zone(meta_path: Path, value) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if value is None:
        return "Asia/Shanghai"
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise LayerError(meta_path, f"time_zone {value!r} is not a known time zone "
                                    "(e.g. Asia/Shanghai)") from None
    return str(value)


def read_layers(layers_dir: str | Path) -> dict:
    """Every layer of a community as a GeoDataFrame in EPSG:4326, validated first."""
    return layer_frames(load_community(layers_dir))


def layer_frames(community: Community) -> dict:
    """Every layer of a loaded community (its spaces as edited, when it holds the
    database's) as a GeoDataFrame in EPSG:4326."""
    import geopandas as gpd

    return {
        name: gpd.GeoDataFrame.from_features(fc["features"], crs="EPSG:4326")
        for name, fc in community.layers.items()
    }
