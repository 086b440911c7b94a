"""A small community built in code, for tests: a square of about 400 m with two roads, three
buildings and four public spaces, around a fixed point in Hangzhou."""

from __future__ import annotations

import json
import math
from pathlib import Path

import yaml

LON0, LAT0 = 120.2000, 30.2500
M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON = 111_320.0 * math.cos(math.radians(LAT0))


def ll(x_m: float, y_m: float) -> list[float]:
    """Metres east/north of the centre to [lon, lat]."""
    return [round(LON0 + x_m / M_PER_DEG_LON, 7), round(LAT0 + y_m / M_PER_DEG_LAT, 7)]


def rect(x0, y0, x1, y1) -> dict:
    ring = [ll(x0, y0), ll(x1, y0), ll(x1, y1), ll(x0, y1), ll(x0, y0)]
    return {"type": "Polygon", "coordinates": [ring]}


def feature(geometry: dict, **properties) -> dict:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def fc(*features) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def small_community_layers() -> dict[str, dict]:
    return {
        "boundary": fc(feature(rect(-200, -200, 200, 200), id="test", name_zh="测试社区",
                               name_en="Test Community")),
        "roads": fc(
            feature({"type": "LineString", "coordinates": [ll(-190, 0), ll(190, 0)]},
                    id="R1", **{"class": "primary"}, name_zh="东西路", name_en="East-West Road"),
            feature({"type": "LineString", "coordinates": [ll(0, -190), ll(0, 0), ll(0, 190)]},
                    id="R2", **{"class": "footway"}, name_zh="南北步道", name_en="North-South Path"),
        ),
        "buildings": fc(
            feature(rect(-150, 50, -60, 64), id="B1", households=60, floors=6),
            feature(rect(60, 50, 150, 64), id="B2", households=90, floors=11),
            feature(rect(-150, -120, -60, -106), id="B3", households=0, floors=3),
        ),
        "public_spaces": fc(
            feature(rect(30, 100, 90, 150), id="P1", kind="pocket_park", name_zh="小桥口袋公园",
                    name_en="Little Bridge Pocket Park", description_zh="有树荫和长椅。",
                    description_en="Shade and benches.", area_m2=3000),
            feature(rect(-150, -180, -60, -140), id="P2", kind="square", name_zh="中心广场",
                    name_en="Central Square", description_zh=None, description_en=None),
            feature({"type": "Point", "coordinates": ll(100, -100)}, id="P3",
                    kind="community_living_room", name_zh="社区客厅",
                    name_en="Community Living Room", description_zh="一楼。",
                    description_en="Ground floor."),
            feature(rect(50, -180, 150, -130), id="P4", kind="children_play",
                    name_zh="儿童乐园", name_en="Children's Play Area",
                    description_zh="滑梯和沙坑。", description_en="Slide and sandpit."),
        ),
    }


def write_community(folder: Path, layers: dict | None = None, meta: dict | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    meta = meta or {"id": "test", "name": {"zh": "测试社区", "en": "Test Community"},
                    "center": [LAT0, LON0], "zoom": 17}
    (folder / "community.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True),
                                           encoding="utf-8")
    for name, data in (layers or small_community_layers()).items():
        (folder / f"{name}.geojson").write_text(json.dumps(data, ensure_ascii=False),
                                                encoding="utf-8")
    return folder


#: A point inside the pocket park P1, and one outside the community, as (lon, lat).
INSIDE_P1 = tuple(ll(60, 125))
INSIDE_OPEN = tuple(ll(-100, 150))
OUTSIDE = tuple(ll(400, 400))


def metres(lon1, lat1, lon2, lat2):
    """Distance on the sphere (plenty for checking errors of a few metres or less)."""
    r = 6378137.0
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return r * math.hypot(x, math.radians(lat2 - lat1))
