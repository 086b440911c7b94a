"""A published agenda version as open data: CSV (for spreadsheets) and GeoJSON (for maps).

Everything comes from the snapshot alone, which holds no personal data: no author names,
no participation codes. Proposals are listed with their receipt codes, which are public
(they are printed in the report and let residents find their own proposal) and name no one.
The CSV files are UTF-8 with a byte-order mark, so that Excel (as used in China) opens the
Chinese text correctly; the GeoJSON follows RFC 7946 (WGS-84 longitude/latitude, no BOM).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from workbench.agenda.presenter import ranked_items
from workbench.cells import neutralise

ITEM_COLUMNS = ("id", "rank", "title", "scenario", "decision", "reason", "owner", "budget_line",
                "target_date", "status", "progress", "public_space_id", "lon", "lat", "score",
                "supporters", "supporters_elsewhere", "proposals")
PROPOSAL_COLUMNS = ("id", "receipt_code", "source_id", "item_id", "title", "supports",
                    "official_answer")
UPDATE_COLUMNS = ("item_id", "date", "status", "progress", "note")
#: digits kept of a coordinate (about 1 cm)
COORDINATE_DIGITS = 7


def _coordinate(value):
    return None if value is None else round(float(value), COORDINATE_DIGITS)


def item_rows(snapshot: dict) -> list[dict]:
    """One row per item, with the columns of :data:`ITEM_COLUMNS`, in rank order."""
    rows = []
    for item in ranked_items(snapshot):
        evidence = item.get("evidence") or {}
        proposals = evidence.get("proposals")
        rows.append({
            "id": item.get("id"), "rank": item.get("rank"), "title": item.get("title"),
            "scenario": item.get("scenario"), "decision": item.get("decision"),
            "reason": item.get("reason"), "owner": item.get("owner"),
            "budget_line": item.get("budget_line"), "target_date": item.get("target_date"),
            "status": item.get("status"), "progress": item.get("progress"),
            "public_space_id": item.get("public_space_id"),
            "lon": _coordinate(item.get("lon")), "lat": _coordinate(item.get("lat")),
            # everyone who supports it; those gathered elsewhere (paper forms, another
            # platform) are among them, and also counted apart
            "score": item.get("score"), "supporters": _everyone(evidence),
            "supporters_elsewhere": evidence.get("external_supports"),
            "proposals": proposals if proposals is not None
            else len(item.get("proposals") or []),
        })
    return rows


def _everyone(evidence: dict):
    online = evidence.get("supporters")
    return None if online is None else online + (evidence.get("external_supports") or 0)


def proposal_rows(snapshot: dict) -> list[dict]:
    return [{"id": p.get("id"), "receipt_code": p.get("receipt_code"),
             "source_id": p.get("source_id"), "item_id": item.get("id"),
             "title": p.get("title"), "supports": p.get("supports"),
             "official_answer": p.get("official_answer")}
            for item in ranked_items(snapshot) for p in item.get("proposals") or []]


def update_rows(snapshot: dict) -> list[dict]:
    return [{"item_id": item.get("id"), "date": h.get("date"), "status": h.get("status"),
             "progress": h.get("progress"), "note": h.get("note")}
            for item in ranked_items(snapshot) for h in item.get("history") or []]


def _write_csv(path: Path, columns, rows: list[dict]) -> Path:
    # utf-8-sig: the byte-order mark tells Excel the file is UTF-8
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            # resident text that a spreadsheet would run as a formula stays text
            writer.writerow({k: "" if row.get(k) is None else neutralise(row[k])
                             for k in columns})
    return path


def agenda_csv(snapshot: dict, folder) -> list[Path]:
    """Write ``agenda_items.csv``, ``proposals.csv`` and ``updates.csv`` into ``folder``
    (made if missing); returns the files written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return [_write_csv(folder / "agenda_items.csv", ITEM_COLUMNS, item_rows(snapshot)),
            _write_csv(folder / "proposals.csv", PROPOSAL_COLUMNS, proposal_rows(snapshot)),
            _write_csv(folder / "updates.csv", UPDATE_COLUMNS, update_rows(snapshot))]


def agenda_feature_collection(snapshot: dict) -> dict:
    """The located items as a GeoJSON FeatureCollection of points, with the CSV's columns
    as properties (items without a place are left out: they have no geometry)."""
    features = []
    for row in item_rows(snapshot):
        if row["lon"] is None or row["lat"] is None:
            continue
        features.append({"type": "Feature", "id": row["id"],
                         "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
                         "properties": dict(row)})
    return {"type": "FeatureCollection", "features": features}


def agenda_geojson(snapshot: dict, path) -> Path:
    """Write the located items as GeoJSON (RFC 7946: WGS-84, UTF-8 without BOM)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(agenda_feature_collection(snapshot), ensure_ascii=False,
                               indent=1) + "\n", encoding="utf-8")
    return path
