"""A community's layers written back out, with its public spaces as they are now: a layer
folder (GeoJSON, what ``workbench init`` and ``check-layers`` read) or one GeoPackage holding
the four layers (boundary, roads, buildings, public_spaces), which desktop GIS opens and
``workbench layers import`` reads back (its layer names say which layer is which).

Facilities are written as one text (``seating;shade``): a GeoPackage has no lists.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from workbench.layers.editing import file_properties

LAYERS = ("boundary", "roads", "buildings", "public_spaces")
#: files of a layer folder that are copied as they are
BESIDE = ("community.yaml", "kinds.yaml", "SOURCES.md", "README.md")


def layer_collections(community) -> dict[str, dict]:
    """Every layer as a GeoJSON FeatureCollection, the spaces with their file properties."""
    out = {name: community.layers[name] for name in LAYERS}
    out["public_spaces"] = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": f["geometry"], "properties": file_properties(f)}
        for f in community.layers["public_spaces"]["features"]]}
    return out


def geojson_bytes(community) -> bytes:
    """``public_spaces.geojson`` as it would be written (UTF-8)."""
    return _json(layer_collections(community)["public_spaces"]).encode("utf-8")


def write_folder(community, out: str | Path) -> Path:
    """A layer folder at ``out``: the four GeoJSON files, with the spaces as they are now,
    and the folder's other files copied from the community's folder."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for name in BESIDE:
        source = Path(community.folder) / name
        if source.exists() and source.resolve() != (out / name).resolve():
            shutil.copyfile(source, out / name)
    for name, collection in layer_collections(community).items():
        (out / f"{name}.geojson").write_text(_json(collection), encoding="utf-8")
    return out


def write_geopackage(community, path: str | Path) -> Path:
    """One GeoPackage with the four layers (EPSG:4326), replacing a file already there."""
    import geopandas as gpd

    path = Path(path)
    if path.exists():
        path.unlink()
    for name, collection in layer_collections(community).items():
        frame = gpd.GeoDataFrame.from_features(collection["features"], crs="EPSG:4326")
        frame.to_file(path, layer=name, driver="GPKG", engine="pyogrio")
    return path


def geopackage_bytes(community) -> bytes:
    with tempfile.TemporaryDirectory(prefix="wb-gpkg-") as tmp:
        return write_geopackage(community, Path(tmp) / "layers.gpkg").read_bytes()


def _json(collection: dict) -> str:
    return json.dumps(collection, ensure_ascii=False, indent=1)
