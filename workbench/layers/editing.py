"""The rules a change to a public space passes, before anything is written.

Plain Python and shapely (no widgets, no SQL): the space editor's panel
(:mod:`workbench.layers.space_panel`), the command line and the tests call these alike.
A change is a space's attributes (names in zh and en, kind, status, opening hours,
facilities, descriptions) and its geometry (a GeoJSON Polygon, MultiPolygon or Point in
WGS-84, as the map's drawing tools send it). Every field is checked, every problem is
reported at once with a (key, params) message for the field, and nothing is saved while one
remains (:class:`SpaceInvalid`). The area is computed, never typed.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import shapely
import yaml
from shapely.geometry import mapping, shape
from shapely.validation import explain_validity

from workbench.geo.projection import area_m2
from workbench.proposals.rules import check_text

#: what a space is, from the planner's point of view; planned spaces are drawn as planned on
#: the resident page (a candidate pocket park can be discussed before it exists)
STATUSES = ("existing", "planned", "under_construction", "closed")
#: the attributes a space carries besides its geometry, in the order files show them
PROPERTIES = ("id", "kind", "name_zh", "name_en", "description_zh", "description_en",
              "opening_hours", "facilities", "status", "area_m2")
#: what the planner edits (the id is given, the area computed)
FIELDS = ("name_zh", "name_en", "kind", "status", "opening_hours", "facilities",
          "description_zh", "description_en")
NAME_MAX_CHARS = 100
HOURS_MAX_CHARS = 100
DESCRIPTION_MAX_CHARS = 500
#: a drawn space has at most this many corners (a hostile client may send millions)
MAX_POSITIONS = 5000
#: smaller than this is a slip of the mouse, not a place
MIN_AREA_M2 = 1.0
#: how far past the boundary line a space may reach (degrees, about 0.1 m), as
#: :func:`workbench.layers.community.load_community` allows
EDGE_DEGREES = 1e-6
#: coordinates are kept to 7 decimals (about 1 cm), as the layer files are written
DECIMALS = 7
FACILITIES_FILE = Path(__file__).resolve().parent / "facilities.yaml"


class SpaceInvalid(ValueError):
    """A change that breaks rules: ``errors`` maps a field ("geometry", "name_zh", ...) to a
    (message key, params) pair, shown beside that field in the planner's language."""

    def __init__(self, errors: dict[str, tuple[str, dict]]):
        self.errors = errors
        super().__init__(", ".join(f"{k}: {v[0]}" for k, v in errors.items()))


class SpaceConflict(RuntimeError):
    """The space changed (or was deleted) since the planner read it; ``key`` says how."""

    def __init__(self, key: str, **params):
        self.key, self.params = key, params
        super().__init__(key)


@lru_cache(maxsize=1)
def facilities() -> tuple[dict, ...]:
    """The facilities a space may have (code, zh, en), from ``facilities.yaml``."""
    with open(FACILITIES_FILE, encoding="utf-8") as f:
        return tuple(yaml.safe_load(f)["facilities"])


def parse_facilities(value: Any) -> list[str]:
    """Facility codes from a file's value: a list, or a text "seating;shade" (a GeoPackage
    has no lists); blanks dropped, order kept, no repeats."""
    if value is None:
        return []
    items = value if isinstance(value, (list, tuple)) else str(value).replace(",", ";").split(";")
    return list(dict.fromkeys(str(v).strip() for v in items if str(v).strip()))


def facilities_text(codes: Iterable[str]) -> str:
    return ";".join(codes)


def _positions(geometry: dict):
    def walk(c):
        if isinstance(c, (list, tuple)) and c and isinstance(c[0], (int, float)) \
                and not isinstance(c[0], bool):
            yield c
        elif isinstance(c, (list, tuple)):
            for part in c:
                yield from walk(part)
        else:
            raise TypeError("not a coordinate list")
    yield from walk(geometry.get("coordinates"))


def check_geometry(geometry: Any, community) -> tuple[Any, tuple[str, dict] | None]:
    """(shapely geometry, None) when ``geometry`` can be a space of ``community``, else
    (None, problem). Read as GeoJSON; 2-D, rounded to 1 cm, rings oriented as RFC 7946
    wants."""
    if not isinstance(geometry, dict) or geometry.get("type") not in (
            "Polygon", "MultiPolygon", "Point"):
        return None, ("editor.error.geometry_type", {})
    try:
        positions = list(_positions(geometry))
    except (TypeError, RecursionError):
        return None, ("editor.error.geometry_unreadable", {})
    if len(positions) > MAX_POSITIONS:
        return None, ("editor.error.geometry_too_many", {"max": MAX_POSITIONS})
    for position in positions:
        if len(position) < 2 or not all(isinstance(v, (int, float)) and math.isfinite(v)
                                        for v in position[:2]) \
                or not (-180 <= position[0] <= 180 and -90 <= position[1] <= 90):
            return None, ("editor.error.geometry_unreadable", {})
    try:
        geom = shapely.force_2d(shape(geometry))
    except Exception:  # shapely refuses rings of too few points and the like
        return None, ("editor.error.geometry_unreadable", {})
    if geom.is_empty:
        return None, ("editor.error.geometry_empty", {})
    if geom.geom_type == "Point":
        geom = shapely.Point(round(geom.x, DECIMALS), round(geom.y, DECIMALS))
    else:
        # checked before rounding: rounding would quietly repair a self-crossing ring
        if not geom.is_valid:
            return None, ("editor.error.geometry_invalid", {"why": explain_validity(geom)})
        geom = shapely.set_precision(geom, 10 ** -DECIMALS)
        if geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon") \
                or area_m2(geom) < MIN_AREA_M2:
            return None, ("editor.error.geometry_tiny", {"min": MIN_AREA_M2})
        # one way to write a shape (rounding turns rings round): the same corners compare
        # equal, and a save without a change is seen as one
        geom = shapely.orient_polygons(geom.normalize())
    if not community.boundary.buffer(EDGE_DEGREES).covers(geom):
        return None, ("editor.error.outside", {})
    return geom, None


def validate_space(values: dict, geometry: Any, community) -> tuple[dict, Any]:
    """A space's attributes and geometry, checked: (properties without the id, shapely
    geometry), the area computed. Raises :class:`SpaceInvalid` naming every bad field."""
    errors: dict[str, tuple[str, dict]] = {}
    props: dict[str, Any] = {}
    for name in ("name_zh", "name_en"):
        props[name], problem = check_text(values.get(name), required=True,
                                          max_chars=NAME_MAX_CHARS)
        if problem:
            errors[name] = problem
    for name in ("description_zh", "description_en"):
        props[name], problem = check_text(values.get(name), required=False, multiline=True,
                                          max_chars=DESCRIPTION_MAX_CHARS)
        if problem:
            errors[name] = problem
    props["opening_hours"], problem = check_text(values.get("opening_hours"), required=False,
                                                 max_chars=HOURS_MAX_CHARS)
    if problem:
        errors["opening_hours"] = problem
    kind = values.get("kind")
    if not kind:
        errors["kind"] = ("editor.error.kind_required", {})
    elif not isinstance(kind, str) or kind not in community.kinds:
        errors["kind"] = ("editor.error.kind_unknown", {"file": "kinds.yaml"})
    props["kind"] = kind
    status = values.get("status")
    if status not in STATUSES:
        errors["status"] = ("editor.error.status_unknown", {})
    props["status"] = status
    chosen = values.get("facilities") or ()
    known = {f["code"] for f in facilities()}
    if not isinstance(chosen, (list, tuple)) or not all(
            isinstance(c, str) and c in known for c in chosen):
        errors["facilities"] = ("editor.error.facility_unknown", {})
    else:
        props["facilities"] = list(dict.fromkeys(chosen))
    geom, problem = check_geometry(geometry, community)
    if problem:
        errors["geometry"] = problem
    if errors:
        raise SpaceInvalid(errors)
    props["area_m2"] = round(area_m2(geom), 1) if geom.geom_type != "Point" else None
    return props, geom


def new_space_id(existing: Iterable[str]) -> str:
    """An id no space of the community has had (deleted ones included): S1, S2, ..."""
    taken = set(existing)
    n = len(taken) + 1
    while f"S{n}" in taken:
        n += 1
    return f"S{n}"


def snapshot(space_id: str, props: dict, geometry: dict, extra: dict | None = None) -> dict:
    """A space as one GeoJSON Feature (what history keeps before and after a change):
    its properties in :data:`PROPERTIES` order, then the file's other properties."""
    known = {key: props.get(key) for key in PROPERTIES if key != "id"}
    return {"type": "Feature", "geometry": geometry,
            "properties": {"id": space_id, **known, **(extra or {})}}


def snapshot_json(feature: dict | None) -> str | None:
    return None if feature is None else json.dumps(feature, ensure_ascii=False, sort_keys=True)


def split(feature: dict) -> tuple[str, dict, dict, dict]:
    """(id, properties of :data:`PROPERTIES`, geometry, the other properties) of a Feature."""
    p = dict(feature.get("properties") or {})
    space_id = str(p.pop("id"))
    props = {key: p.pop(key, None) for key in PROPERTIES if key != "id"}
    props["facilities"] = parse_facilities(props["facilities"])
    return space_id, props, feature["geometry"], p


def from_layer_file(feature: dict) -> tuple[str, dict, dict, dict]:
    """A feature of ``public_spaces.geojson`` as the editor keeps it: status ``existing``
    unless the file says another known one; facilities the file names that are not known
    here stay with the file's other properties (``facilities_other``), so nothing is lost."""
    space_id, props, geometry, extra = split(feature)
    if props["status"] not in STATUSES:
        if props["status"]:
            extra["status_in_file"] = props["status"]
        props["status"] = "existing"
    known = {f["code"] for f in facilities()}
    other = [c for c in props["facilities"] if c not in known]
    props["facilities"] = [c for c in props["facilities"] if c in known]
    if other:
        extra["facilities_other"] = facilities_text(other)
    if props["area_m2"] is None and geometry.get("type") != "Point":
        props["area_m2"] = round(area_m2(shape(geometry)), 1)
    return space_id, props, geometry, extra


def file_properties(feature: dict) -> dict:
    """A space's properties as a layer file holds them: facilities as one text."""
    p = dict(feature["properties"])
    p["facilities"] = facilities_text(p.get("facilities") or [])
    return p


def change_action(before: dict | None, after: dict | None) -> str:
    """What a change did, for the history: create, delete, move (the same shape elsewhere),
    reshape, or edit (attributes only)."""
    if before is None:
        return "create"
    if after is None:
        return "delete"
    a, b = shape(before["geometry"]), shape(after["geometry"])
    if a.equals(b):
        return "edit"
    if a.geom_type == b.geom_type and _moved(a, b):
        return "move"
    return "reshape"


def _moved(a, b) -> bool:
    """Whether ``b`` is ``a`` shifted (to a few centimetres: corners are kept to 1 cm)."""
    from shapely.affinity import translate

    ca, cb = a.centroid, b.centroid
    shifted = translate(a, cb.x - ca.x, cb.y - ca.y)
    return shifted.normalize().equals_exact(b.normalize(), 10 ** -(DECIMALS - 1))


def geometry_json(geom) -> dict:
    """A shapely geometry as a GeoJSON dict with plain lists (what the store keeps)."""
    return json.loads(json.dumps(mapping(geom)))
