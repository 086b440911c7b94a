"""The kinds mapping: which imported feature goes to which layer, as which kind or class.

The mapping is data (``workbench/layers/osm_kinds.yaml`` by default, a planner's copy with
``--kinds FILE``): conditions on a feature's attributes (OSM tags or a file's columns).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from workbench.layers.community import ROAD_CLASSES
from workbench.layers.importing.readers import ImportProblem

DEFAULT_MAPPING = Path(__file__).resolve().parent.parent / "osm_kinds.yaml"
TARGETS = ("boundary", "roads", "buildings", "public_spaces")


@dataclass
class Match:
    layer: str | None               # one of TARGETS, or None: not wanted
    value: str | None = None        # road class or public-space kind
    assumed: bool = False           # the class was assumed (a "roads" layer without one)


def load_mapping(path: str | Path | None, kinds: dict) -> dict:
    """The mapping, checked: every kind it names must be a known kind."""
    path = Path(path) if path else DEFAULT_MAPPING
    try:
        with open(path, encoding="utf-8") as f:
            mapping = yaml.safe_load(f)
    except FileNotFoundError:
        raise ImportProblem("import.problem.missing", file=str(path)) from None
    except yaml.YAMLError as exc:
        raise ImportProblem("import.problem.mapping", file=path.name, reason=str(exc)[:200]) \
            from None
    if not isinstance(mapping, dict):
        raise ImportProblem("import.problem.mapping", file=path.name, reason="not a mapping")
    if path != DEFAULT_MAPPING:     # sections a planner's file leaves out keep the defaults
        mapping = {**load_mapping(None, kinds), **mapping}
    for rule in mapping.get("public_spaces") or []:
        if not isinstance(rule, dict) or not isinstance(rule.get("when"), dict):
            raise ImportProblem("import.problem.mapping", file=path.name,
                                reason=f"rule without 'when': {rule!r}"[:200])
        if rule.get("kind") not in kinds:
            raise ImportProblem("import.problem.mapping_kind", file=path.name,
                                kind=str(rule.get("kind")), known=", ".join(kinds))
    classes = (mapping.get("roads") or {}).get("classes") or {}
    for road_class in classes:
        if road_class not in ROAD_CLASSES:
            raise ImportProblem("import.problem.mapping", file=path.name,
                                reason=f"road class {road_class!r} is not one of "
                                       f"{', '.join(ROAD_CLASSES)}")
    return mapping


def _matches(attrs: dict, when: dict) -> bool:
    for key, wanted in when.items():
        value = attrs.get(key)
        if value is None or str(value).strip() == "":
            return False
        if wanted == "*":
            continue
        options = wanted if isinstance(wanted, list) else [wanted]
        if str(value) not in {str(o) for o in options}:
            return False
    return True


def layer_hint(mapping: dict, source_name: str) -> str | None:
    """The target layer a source layer's name says, if any (e.g. a GeoPackage's "roads")."""
    name = source_name.strip().lower()
    for target, names in (mapping.get("layer_names") or {}).items():
        if target in TARGETS and name in {str(n).lower() for n in names}:
            return target
    return None


def classify(attrs: dict, geom_type: str, hint: str | None, mapping: dict, kinds: dict,
             area_m2: float) -> Match:
    """Where one feature goes. Lines can only be roads, points only public spaces."""
    polygonal = geom_type in ("Polygon", "MultiPolygon")
    lines = geom_type in ("LineString", "MultiLineString")
    if polygonal and (hint == "boundary" or any(
            _matches(attrs, w) for w in mapping.get("boundary") or [])):
        return Match("boundary")
    if lines:
        return _road(attrs, hint, mapping)
    if hint == "public_spaces" or hint is None or not polygonal:
        kind = _kind(attrs, mapping, kinds, area_m2)
        if kind:
            return Match("public_spaces", kind)
        if hint == "public_spaces":
            return Match(None)
    if polygonal and (hint == "buildings" or _is_building(attrs, mapping)):
        return Match("buildings")
    return Match(None)


def _road(attrs: dict, hint: str | None, mapping: dict) -> Match:
    roads = mapping.get("roads") or {}
    if attrs.get("class") in ROAD_CLASSES:
        return Match("roads", attrs["class"])
    value = str(attrs.get(roads.get("key", "highway"), ""))
    for road_class, values in (roads.get("classes") or {}).items():
        if value in {str(v) for v in values}:
            return Match("roads", road_class)
    if hint == "roads":
        return Match("roads", roads.get("default_class", "residential"), assumed=True)
    return Match(None)


def _kind(attrs: dict, mapping: dict, kinds: dict, area_m2: float) -> str | None:
    if attrs.get("kind") in kinds:
        return attrs["kind"]
    for rule in mapping.get("public_spaces") or []:
        if _matches(attrs, rule["when"]) and area_m2 <= float(rule.get("max_area_m2", "inf")):
            return rule["kind"]
    return None


def _is_building(attrs: dict, mapping: dict) -> bool:
    rule = mapping.get("buildings") or {}
    value = attrs.get(rule.get("key", "building"))
    return value is not None and str(value) not in {str(v) for v in rule.get("not", [])}


def households(attrs: dict, mapping: dict, area_m2: float) -> tuple[int | None, str | None]:
    """A building's households and where the figure comes from: ``data`` (a count in the
    data), ``building type`` (0: not a home), ``estimate`` (footprint × levels / floor area
    per home, for homes without a count), or (None, None) when nothing is known."""
    rule = mapping.get("buildings") or {}
    for key in rule.get("households_from") or []:
        count = _whole(attrs.get(key))
        if count is not None:
            return count, "data"
    value = str(attrs.get(rule.get("key", "building"), ""))
    if value in {str(v) for v in rule.get("no_homes") or []}:
        return 0, "building type"
    if value in {str(v) for v in rule.get("residential") or []}:
        estimate = rule.get("estimate") or {}
        levels = next((n for n in (_whole(attrs.get(k)) for k in rule.get("levels_from") or [])
                       if n), None) or int(estimate.get("default_levels", 6))
        per_home = float(estimate.get("floor_area_per_household_m2", 90))
        return max(1, round(area_m2 * levels / per_home)), "estimate"
    return None, None


def _whole(value) -> int | None:
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return int(number) if number >= 0 and number == int(number) else None


def names(attrs: dict, mapping: dict) -> tuple[str | None, str | None]:
    """(zh, en) names from the attributes the mapping names, falling back on a plain name."""
    spec = mapping.get("names") or {}

    def first(keys):
        return next((str(attrs[k]).strip() for k in keys or []
                     if str(attrs.get(k) or "").strip()), None)

    plain = first(spec.get("any"))
    return first(spec.get("zh")) or plain, first(spec.get("en")) or plain
