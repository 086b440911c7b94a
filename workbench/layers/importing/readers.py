"""Reading the files a planner has into GeoDataFrames in WGS-84 with each feature's attributes.

OpenStreetMap extracts (.osm.pbf, .osm, also .gz/.bz2) are read with GDAL's OSM driver
through pyogrio (offline, no extra native library); GeoPackage, Shapefile (a .zip holding one
too), GeoJSON and KML likewise; CSV with coordinate columns with pandas. Every file is hostile:
its size, its compressed size claims, its CRS and its content are checked before use, and any
failure becomes an :class:`ImportProblem` naming the file and what to do.
"""

from __future__ import annotations

import bz2
import gzip
import io
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from workbench.geo.gcj02 import gcj02_to_wgs84

#: Largest file (or decompressed content) read: a community's data is far smaller; larger
#: claims are refused before any byte is unpacked.
MAX_BYTES = 1 << 30
OSM_LAYERS = ("points", "lines", "multipolygons")
LON_NAMES = ("lon", "lng", "long", "longitude", "经度", "x")
LAT_NAMES = ("lat", "latitude", "纬度", "y")
OSM_LICENCE = {"licence": "ODbL-1.0",
               "attribution": "© OpenStreetMap contributors (openstreetmap.org/copyright)"}
#: Encodings of a CSV's or a shapefile's text that declares none, as charset-normalizer names
#: them, and as the report names them (the proposals' CSV import detects among the same few:
#: left to choose among every code page, short texts are taken for far-off ones).
TEXT_ENCODINGS = {"utf_8": "UTF-8", "gb18030": "GBK/GB18030", "cp1252": "Windows-1252"}
#: Bytes read to detect an encoding: enough text, whatever the file's size
SAMPLE_BYTES = 2 << 20
_TAG = re.compile(r'"((?:[^"\\]|\\.)*)"=>"((?:[^"\\]|\\.)*)"')


class ImportProblem(ValueError):
    """A source that cannot be imported; ``key`` and ``params`` give the message in zh/en."""

    def __init__(self, key: str, **params):
        self.key, self.params = key, params
        super().__init__(f"{key}: {params}")


@dataclass
class SourceLayer:
    """One layer of a source file: ``gdf`` in EPSG:4326 with ``attrs`` (dict per feature) and
    ``source_id`` columns besides the geometry."""

    file: str
    name: str
    gdf: object
    is_osm: bool = False
    notes: list[tuple[str, dict]] = field(default_factory=list)


@dataclass
class ReadOptions:
    crs: str | None = None        # the CRS of files that do not say
    gcj02: bool = False           # coordinates are GCJ-02 (Gaode/Tencent exports)
    lon_column: str | None = None
    lat_column: str | None = None
    #: (west, south, east, north) in WGS-84: OSM features outside it are not read at all
    osm_bbox: tuple[float, float, float, float] | None = None


def kind_of_file(path: Path) -> str:
    name = path.name.lower()
    for suffix, kind in ((".osm.pbf", "osm"), (".pbf", "osm"), (".osm", "osm"),
                         (".osm.gz", "osm"), (".osm.bz2", "osm"), (".gpkg", "gpkg"),
                         (".shp", "shp"), (".zip", "zip"), (".geojson", "geojson"),
                         (".json", "geojson"), (".kml", "kml"), (".csv", "csv")):
        if name.endswith(suffix):
            return kind
    raise ImportProblem("import.problem.unknown_type", file=path.name)


def read_source(path: str | Path, options: ReadOptions, workdir: Path) -> list[SourceLayer]:
    """Every usable layer of one file, reprojected to WGS-84."""
    path = Path(path)
    if not path.is_file():
        raise ImportProblem("import.problem.missing", file=str(path))
    if path.stat().st_size > MAX_BYTES:
        raise ImportProblem("import.problem.too_big", file=path.name,
                            size=_mb(path.stat().st_size), limit=_mb(MAX_BYTES))
    kind = kind_of_file(path)
    if kind == "osm":
        return _read_osm(path, options, workdir)
    if kind == "csv":
        return [_read_csv(path, options)]
    if kind == "zip":
        path = _unzip(path, workdir)
    layers = []
    encoding = dbf_encoding(path) if path.suffix.lower() == ".shp" else None
    for name in _layer_names(path):
        gdf = _read_vector(path, name, **({"encoding": encoding[0]} if encoding else {}))
        layers.append(SourceLayer(str(path.name), name, gdf))
        if encoding:
            layers[-1].notes.append(("import.note.dbf_encoding", {"file": path.name,
                                                                  "encoding": encoding[1]}))
    for layer in layers:
        read = len(layer.gdf)
        layer.gdf = _with_attrs(_to_wgs84(layer.gdf, path.name, layer.name, options), None)
        if len(layer.gdf) < read:
            layer.notes.append(("import.note.no_geometry", {
                "file": path.name, "layer": layer.name, "n": read - len(layer.gdf)}))
    return layers


def _mb(n: int) -> str:
    return f"{n / 1e6:.0f} MB"


def dbf_encoding(shp: Path) -> tuple[str, str] | None:
    """(codec, name for the report) of a shapefile's attribute text when nothing declares
    it: no ``.cpg`` beside it and no code page in the DBF header, as Chinese GIS tools save
    GBK. GDAL would read such text as Latin-1; the detector the proposals' CSV import uses
    (charset-normalizer) decides among :data:`TEXT_ENCODINGS` from the field names and text
    values. None when declared, absent or plain ASCII (nothing to decode)."""
    if any(shp.with_suffix(s).exists() for s in (".cpg", ".CPG")):
        return None
    dbf = next((p for p in (shp.with_suffix(".dbf"), shp.with_suffix(".DBF")) if p.exists()),
               None)
    if dbf is None:
        return None
    sample = _dbf_text(dbf)
    if sample is None or sample.isascii():
        return None
    # None: GDAL's own reading stands, and the names will show what went wrong
    return detect_encoding(sample)


def detect_encoding(sample: bytes) -> tuple[str, str] | None:
    """(codec, name for the report) of text in one of :data:`TEXT_ENCODINGS`, as
    charset-normalizer (the proposals' CSV import's detector) judges it; None if none fits."""
    from charset_normalizer import from_bytes

    best = from_bytes(sample, cp_isolation=list(TEXT_ENCODINGS)).best()
    if best is None or best.encoding not in TEXT_ENCODINGS:
        return None
    return best.encoding, TEXT_ENCODINGS[best.encoding]


def _dbf_text(dbf: Path) -> bytes | None:
    """The field names and the text values of a DBF's first records, one per line; None when
    the header declares a code page (GDAL then reads it) or is not a DBF header."""
    with open(dbf, "rb") as f:
        head = f.read(32)
        if len(head) < 32 or head[29] != 0:      # byte 29: the code page (language driver)
            return None
        header_size = int.from_bytes(head[8:10], "little")
        record_size = int.from_bytes(head[10:12], "little")
        if header_size < 33 or record_size < 1:
            return None
        fields, lines, offset = [], [], 1           # a record starts with its deletion flag
        for start in range(0, header_size - 32 - 1, 32):
            desc = f.read(32)
            if len(desc) < 32 or desc[0] == 0x0D:
                break
            lines.append(desc[:11].split(b"\0", 1)[0])
            if desc[11:12] == b"C":
                fields.append((offset, desc[16]))
            offset += desc[16]
        f.seek(header_size)
        data = f.read(min(SAMPLE_BYTES, max(record_size, 1) * 20_000))
    for r in range(0, len(data) - record_size + 1, record_size):
        lines += [data[r + o:r + o + n].strip(b" \0") for o, n in fields]
    return b"\n".join(line for line in lines if line)


def _layer_names(path: Path) -> list[str]:
    import pyogrio

    try:
        return [str(row[0]) for row in pyogrio.list_layers(path)]
    except Exception as exc:     # GDAL names the reason precisely
        raise ImportProblem("import.problem.unreadable", file=path.name,
                            reason=str(exc)[:200]) from None


def _read_vector(path: Path, layer: str, **kwargs):
    import pyogrio

    try:
        return pyogrio.read_dataframe(path, layer=layer, on_invalid="ignore", **kwargs)
    except Exception as exc:
        raise ImportProblem("import.problem.unreadable", file=path.name,
                            reason=str(exc)[:200]) from None


def _unzip(path: Path, workdir: Path) -> Path:
    """The one vector file inside a zip (a zipped shapefile), unpacked after its claimed sizes
    are checked: a zip bomb is refused before unpacking."""
    try:
        with zipfile.ZipFile(path) as zf:
            members = [m for m in zf.infolist() if not m.is_dir()]
            if sum(m.file_size for m in members) > MAX_BYTES:
                raise ImportProblem("import.problem.too_big", file=path.name,
                                    size=_mb(sum(m.file_size for m in members)),
                                    limit=_mb(MAX_BYTES))
            target = workdir / path.stem
            target.mkdir(parents=True, exist_ok=True)
            for m in members:
                name = Path(m.filename).name       # flattened: no path from the archive is used
                if name and not name.startswith("."):
                    with zf.open(m) as src, open(target / name, "wb") as dst:
                        shutil.copyfileobj(src, dst)
    except zipfile.BadZipFile:
        raise ImportProblem("import.problem.unreadable", file=path.name,
                            reason="not a zip archive") from None
    found = [p for p in sorted(target.iterdir())
             if p.suffix.lower() in (".shp", ".gpkg", ".geojson", ".json", ".kml")]
    if len(found) != 1:
        raise ImportProblem("import.problem.zip_content", file=path.name, n=len(found))
    return found[0]


def _decompressed(path: Path, workdir: Path) -> Path:
    name = path.name.lower()
    opener = gzip.open if name.endswith(".gz") else bz2.open if name.endswith(".bz2") else None
    if opener is None:
        return path
    out = workdir / path.name.rsplit(".", 1)[0]
    written = 0
    try:
        with opener(path, "rb") as src, open(out, "wb") as dst:
            while chunk := src.read(1 << 20):
                written += len(chunk)
                if written > MAX_BYTES:
                    raise ImportProblem("import.problem.too_big", file=path.name,
                                        size=f"> {_mb(MAX_BYTES)}", limit=_mb(MAX_BYTES))
                dst.write(chunk)
    except (OSError, EOFError) as exc:
        raise ImportProblem("import.problem.unreadable", file=path.name,
                            reason=str(exc)[:200]) from None
    return out


def _read_osm(path: Path, options: ReadOptions, workdir: Path) -> list[SourceLayer]:
    import pyogrio

    source = _decompressed(path, workdir)
    layers = []
    # GDAL keeps its node index on disk, not in memory, for extracts bigger than a city
    pyogrio.set_gdal_config_options({"OSM_USE_CUSTOM_INDEXING": "YES"})
    for name in OSM_LAYERS:
        gdf = _read_vector(source, name, bbox=options.osm_bbox)
        gdf = _to_wgs84(gdf, path.name, name, options)
        layers.append(SourceLayer(path.name, name, _with_attrs(gdf, prefix=name), is_osm=True))
    return layers


def _osm_tags(row: dict) -> dict:
    tags = {k: v for k, v in row.items()
            if k not in ("osm_id", "osm_way_id", "other_tags", "z_order") and _filled(v)}
    other = row.get("other_tags")
    for key, value in _TAG.findall(other if isinstance(other, str) else ""):
        tags[key.replace('\\"', '"')] = value.replace('\\"', '"')
    return tags


def _filled(value) -> bool:
    return value is not None and not (isinstance(value, float) and np.isnan(value)) \
        and str(value).strip() != ""


def _with_attrs(gdf, prefix: str | None):
    """The frame reduced to geometry, ``attrs`` (the feature's tags or columns) and
    ``source_id`` (OSM: n/w/r + the element's number)."""
    import geopandas as gpd

    columns = [c for c in gdf.columns if c != gdf.geometry.name]
    values = [gdf[c].to_numpy(dtype=object) for c in columns]   # faster than to_dict
    records = [dict(zip(columns, row)) for row in zip(*values)] if columns else \
        [{} for _ in range(len(gdf))]
    if prefix is not None:
        attrs = [_osm_tags(r) for r in records]
        ids = []
        for r in records:
            if _filled(r.get("osm_way_id")):
                ids.append(f"w{r['osm_way_id']}")
            elif _filled(r.get("osm_id")):
                ids.append({"points": "n", "lines": "w"}.get(prefix, "r") + str(r["osm_id"]))
            else:
                ids.append(None)
    else:
        attrs = [{k: v for k, v in r.items() if _filled(v)} for r in records]
        ids = [str(a["id"]) if "id" in a else None for a in attrs]
    return gpd.GeoDataFrame({"attrs": attrs, "source_id": ids}, geometry=gdf.geometry.values,
                            crs=gdf.crs, index=range(len(gdf)))


def _to_wgs84(gdf, file: str, layer: str, options: ReadOptions):
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    if gdf.crs is None:
        if not options.crs:
            raise ImportProblem("import.problem.no_crs", file=file, layer=layer)
        try:
            gdf = gdf.set_crs(CRS.from_user_input(options.crs), allow_override=True)
        except CRSError:
            raise ImportProblem("import.problem.bad_crs", crs=options.crs) from None
    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    if not gdf.crs.equals(CRS.from_epsg(4326)):
        try:
            gdf = gdf.to_crs(4326)
            usable = not len(gdf) or all(np.isfinite(gdf.total_bounds))
        except Exception:      # pyproj cannot transform from it (a local grid, a broken .prj)
            usable = False
        if not usable:
            raise ImportProblem("import.problem.unknown_crs", file=file, layer=layer,
                                crs=str(gdf.crs.name if gdf.crs else "?")[:80])
    if options.gcj02:
        gdf = gdf.set_geometry(shapely.transform(gdf.geometry.values, _gcj02_array))
    return gdf


def _gcj02_array(coords: np.ndarray) -> np.ndarray:
    return np.array([gcj02_to_wgs84(float(x), float(y)) for x, y in coords]).reshape(-1, 2)


def _read_csv(path: Path, options: ReadOptions) -> SourceLayer:
    import geopandas as gpd

    raw = path.read_bytes()
    # a byte-order mark says UTF-8; else Chinese spreadsheets often save GBK, others cp1252
    found = ("utf-8-sig", "UTF-8") if raw.startswith(b"\xef\xbb\xbf") or raw.isascii() \
        else detect_encoding(raw[:SAMPLE_BYTES].rsplit(b"\n", 1)[0] if len(raw) > SAMPLE_BYTES
                             else raw)
    if found is None:
        raise ImportProblem("import.problem.unreadable", file=path.name, reason="encoding")
    try:
        frame = pd.read_csv(io.BytesIO(raw), encoding=found[0], dtype=str,
                            keep_default_na=False)
    except UnicodeDecodeError:
        raise ImportProblem("import.problem.unreadable", file=path.name,
                            reason=f"not {found[1]} throughout") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ImportProblem("import.problem.unreadable", file=path.name,
                            reason=str(exc)[:200]) from None
    lon = _column(frame, options.lon_column, LON_NAMES)
    lat = _column(frame, options.lat_column, LAT_NAMES)
    if lon is None or lat is None:
        raise ImportProblem("import.problem.csv_columns", file=path.name,
                            columns=", ".join(map(str, frame.columns)))
    x = pd.to_numeric(frame[lon], errors="coerce")
    y = pd.to_numeric(frame[lat], errors="coerce")
    usable = x.notna() & y.notna() & np.isfinite(x) & np.isfinite(y)
    notes = [] if found[1] == "UTF-8" else [("import.note.text_encoding", {
        "file": path.name, "encoding": found[1]})]
    if (~usable).sum():
        notes.append(("import.note.csv_rows_skipped", {"file": path.name,
                                                        "n": int((~usable).sum())}))
    crs = options.crs
    if crs is None:
        degrees = x[usable].between(-180, 180).all() and y[usable].between(-90, 90).all()
        if lon.lower() in ("x",) or not degrees:
            raise ImportProblem("import.problem.no_crs", file=path.name, layer=path.stem)
        crs = "EPSG:4326"
        if not options.gcj02:
            notes.append(("import.note.csv_wgs84", {"file": path.name}))
    rows = frame[usable]
    gdf = gpd.GeoDataFrame(rows.drop(columns=[lon, lat]).reset_index(drop=True),
                           geometry=gpd.points_from_xy(x[usable], y[usable]), crs=None)
    gdf = _to_wgs84(gdf, path.name, path.stem, ReadOptions(crs=crs, gcj02=options.gcj02))
    return SourceLayer(path.name, path.stem, _with_attrs(gdf, prefix=None), notes=notes)


def _column(frame, named: str | None, candidates) -> str | None:
    if named:
        if named not in frame.columns:
            return None
        return named
    by_lower = {str(c).strip().lower(): c for c in frame.columns}
    return next((by_lower[n] for n in candidates if n in by_lower), None)


def scratch_dir():
    """A temporary folder for unpacked archives, removed after the import."""
    return tempfile.TemporaryDirectory(prefix="workbench-import-")
