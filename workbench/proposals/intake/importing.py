"""The import itself: a column mapping (``title=标题,latitude=纬度``) and a file become
proposals. Every row is checked by the same rules as the resident page
(:func:`workbench.proposals.rules.validate_proposal`) and by the import's own (category,
place, supports, date, already imported); the good rows are stored in one transaction.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from workbench import settings, vocabulary
from workbench.geo.gcj02 import gcj02_to_wgs84
from workbench.proposals.intake.categories import scenario_for
from workbench.proposals.intake.reading import (GEOMETRY_COLUMNS, GEOMETRY_LAT, GEOMETRY_LON,
                                                GEOMETRY_PROBLEM, IntakeError, Table, read_file)
from workbench.proposals.intake.report import RULE_REASONS, ImportReport, Refusal
from workbench.proposals.intake.values import (DATE_ORDERS, blank, category_code,
                                               cell_number, cell_supports, cell_text,
                                               date_order, name_key, name_value_pairs, parse_date, shown,
                                               shorten_title, space_lookup, without_invisible,
                                               year_last)
from workbench.proposals.rules import ProposalInvalid, check_text, validate_proposal

#: Fields a column can be mapped to; ``title`` is required. ``id`` is the row's own id in its
#: source (kept with the proposal, and a second import of the same id is refused).
FIELDS = ("title", "description", "category", "latitude", "longitude", "supports", "date",
          "public_space", "id")
#: Longest source id kept (the column's size).
SOURCE_ID_MAX_CHARS = 100
#: The setting that raises each text field's limit, named when a text is too long.
LIMIT_SETTINGS = {"title": "title_max_chars", "description": "description_max_chars"}
#: Most supports one row may bring (more is a typing mistake, or an attempt to flood).
MAX_SUPPORTS = 1_000_000


# -- the mapping ----------------------------------------------------------------------------

def parse_mapping(text: str) -> dict[str, str]:
    """``"title=标题,latitude=纬度"`` to ``{"title": "标题", "latitude": "纬度"}``: which column
    holds each field. Pairs are separated by commas (also "，"); spaces around names are
    ignored. Raises :class:`IntakeError` for an unknown field, a field named twice, a pair
    without "=", or a mapping without ``title``."""
    pairs = []
    for typed, name, column in name_value_pairs(text):
        if column is None or not column.strip():
            raise IntakeError(f"'{typed}' is not FIELD=COLUMN (for example title=标题)")
        pairs.append((name, column))
    return _check_mapping(pairs)


def _check_mapping(pairs) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for name, column in pairs:
        name = str(name).strip().lower()
        column = str(column).strip() if column is not None else ""
        if name not in FIELDS:
            raise IntakeError(f"unknown field '{name}': the fields are {', '.join(FIELDS)}")
        if name in mapping:
            raise IntakeError(f"the field '{name}' is mapped twice")
        if not column:
            raise IntakeError(f"no column given for the field '{name}'")
        mapping[name] = column
    if "title" not in mapping:
        raise IntakeError("the mapping must name the title column (title=COLUMN); fields: "
                          + ", ".join(FIELDS))
    return mapping


def _resolve_columns(table: Table, mapping: dict[str, str]) -> dict[str, str]:
    """Each mapped field's column in the frame; IntakeError naming the columns that exist."""
    columns = [c for c in table.frame.columns if c not in GEOMETRY_COLUMNS]
    by_key: dict[str, list[str]] = defaultdict(list)
    for c in columns:
        by_key[name_key(c)].append(c)
    resolved = {}
    for name, wanted in mapping.items():
        wanted = " ".join(unicodedata.normalize("NFC", wanted).split())
        if wanted in table.duplicated or (wanted not in columns
                                          and len(by_key[name_key(wanted)]) > 1):
            raise IntakeError(f"the column '{wanted}' ({name}) occurs "
                              f"{table.duplicated.get(wanted, 2)} times in the header: rename "
                              "the columns so that each name is used once")
        if wanted in columns:
            resolved[name] = wanted
        elif by_key[name_key(wanted)]:
            resolved[name] = by_key[name_key(wanted)][0]
        else:
            listed = ", ".join(f"'{c}'" for c in columns[:60]) or "(none)"
            raise IntakeError(f"the file has no column '{wanted}' (mapped to {name}); its "
                              f"columns are: {listed}")
    return resolved


# -- importing ------------------------------------------------------------------------------

def _check_source(source: str) -> str:
    text, problem = check_text(source, required=True, max_chars=32)
    if problem:
        raise IntakeError("the source must be a short plain name (at most 32 characters), "
                          "such as paper_forms")
    return text


def _identity(title, description, scenario, lon, lat, space_id) -> tuple:
    return (title, description or "", scenario, round(float(lon), 7), round(float(lat), 7),
            space_id or None)


def import_proposals(store, community, path: str | Path, mapping: dict[str, str] | str, *,
                     coordinates: str = "wgs84", source: str = "import",
                     default_category: str | None = None, dry_run: bool = False,
                     dates: str = "auto", categories: dict[str, str] | None = None,
                     shorten_titles: bool = False) -> ImportReport:
    """Read ``path``, check every row, and store the rows that pass in one transaction (all of
    them or, if the store fails, none). ``mapping`` says which column holds each field (see
    :func:`parse_mapping`; a string is parsed). ``coordinates="gcj02"`` declares latitude and
    longitude (or GeoJSON points) to be GCJ-02, converted to WGS-84 first. ``categories``
    maps the file's own categories to scenarios (see
    :func:`~workbench.proposals.intake.categories.parse_categories`); a cell naming several
    takes the first that maps. A category that is blank or maps to no scenario refuses its
    row, or gets ``default_category`` when one is given; the values that map to none are
    counted in the report.
    ``dates`` is the order of dates written with the year last: ``dmy`` (30/12/2025),
    ``mdy`` (12/30/2025), ``ymd`` (only year-first dates are read) or ``auto``, which decides
    from the whole column (:func:`~workbench.proposals.intake.values.date_order`).
    ``shorten_titles``: a title over the limit is cut at a word with "…", and the full title
    starts the description. ``dry_run`` checks and reports without storing. Raises
    :class:`IntakeError` when the file or the mapping cannot be used at all."""
    mapping = (parse_mapping(mapping) if isinstance(mapping, str)
               else _check_mapping(mapping.items()))
    if coordinates not in ("wgs84", "gcj02"):
        raise IntakeError(f"coordinates must be wgs84 or gcj02, not {coordinates!r}")
    source = _check_source(source)
    if dates not in DATE_ORDERS:
        raise IntakeError(f"the date order must be one of {', '.join(DATE_ORDERS)}, "
                          f"not {dates!r}")
    default_code = None
    if default_category is not None:
        default_code = category_code(default_category)
        if default_code is None:
            raise IntakeError(f"the default category '{shown(default_category)}' is not a "
                              "scenario; use one of " + ", ".join(vocabulary.scenario_codes()))

    table = read_file(path)
    columns = _resolve_columns(table, mapping)
    geojson = table.kind == "geojson"
    if "category" not in mapping and default_code is None:
        raise IntakeError("map the category column (category=COLUMN), or give a default "
                          "category")
    if ("latitude" in mapping) != ("longitude" in mapping):
        raise IntakeError("map both latitude and longitude, or neither")
    if not ({"latitude", "public_space"} & set(columns)) and not geojson:
        raise IntakeError("map the place: latitude and longitude columns, or a public_space "
                          "column")
    frame = table.frame
    report = ImportReport(file=Path(path).name, kind=table.kind, source=source,
                          coordinates=coordinates, dry_run=dry_run, read=len(frame),
                          encoding=table.encoding)
    if dates == "auto" and "date" in columns:
        report.dates_found = date_order(without_invisible(v)[0]
                                        for v in frame[columns["date"]])
    # When the column cannot tell day from month, those dates are refused rather than guessed
    # or dropped: a row stored without its date would be dated today, and importing the file
    # again with --date-order would then find it "already imported" with the wrong date.
    order = report.dates_found if dates == "auto" else dates
    spaces = space_lookup(community)
    title_max = settings.get("title_max_chars")
    environment = {s.name: s.env for s in settings.all_settings()}
    limits = {name: environment[setting] for name, setting in LIMIT_SETTINGS.items()}
    existing: dict[tuple, list[str]] = defaultdict(list)
    existing_ids: dict[str, str] = {}       # a source id already imported: its receipt code
    for p in reversed(store.list_proposals(community.id)):   # oldest first
        if p["source"] == source:
            existing[_identity(p["title"], p["description"], p["scenario"], p["lon"], p["lat"],
                               p["public_space_id"])].append(p["receipt_code"])
            if p["source_id"]:
                existing_ids.setdefault(p["source_id"], p["receipt_code"])
    first_row_of_id: dict[str, int] = {}
    good: list[dict] = []
    lines: list[int] = []
    data_columns = [c for c in frame.columns if c not in GEOMETRY_COLUMNS]

    for line, row in zip(frame.index, frame.to_dict("records")):
        problems: list[Refusal] = []

        def refuse(name: str, key: str, **params) -> None:
            column = columns.get(name)
            if name == "location" and "latitude" in columns:
                column = f"{columns['latitude']}, {columns['longitude']}"
            problems.append(Refusal(int(line), name, column, key, params))

        def cell(name: str) -> Any:
            value = row[columns[name]] if name in columns else None
            value, removed = without_invisible(value)
            if removed:
                invisible[name] = removed    # counted once per cell, however often read
            return value

        invisible: dict[str, int] = {}

        if line == table.unclosed_quote:
            report.refused.append(Refusal(int(line), "row", None, "import.reason.unclosed_quote",
                                          {"lines": table.swallowed_lines}))
            continue
        if all(blank(row[c]) for c in data_columns) and not (
                geojson and row.get(GEOMETRY_PROBLEM) == ""):
            report.refused.append(Refusal(int(line), "row", None, "import.reason.empty_row", {}))
            continue

        # the source's own id
        source_id = None
        if not blank(cell("id")):
            source_id = " ".join(str(cell_text(cell("id"))).split())
            if len(source_id) > SOURCE_ID_MAX_CHARS:
                refuse("id", "import.reason.id_too_long", max=SOURCE_ID_MAX_CHARS)
            elif source_id in first_row_of_id:
                refuse("id", "import.reason.id_repeated", value=shown(source_id),
                       row=first_row_of_id[source_id])
            else:
                first_row_of_id[source_id] = int(line)

        # category
        scenario, values = None, []
        raw_category = cell("category")
        if not blank(raw_category):
            scenario, values = scenario_for(cell_text(raw_category), categories or {})
        if scenario is None:
            for value in dict.fromkeys(values):
                report.unmapped[value] += 1
            if default_code is not None:
                scenario = default_code
                report.defaulted.append(int(line))
            elif not values:
                refuse("category", "import.reason.category_required")
            else:
                refuse("category", "import.reason.category_unknown", value=shown(raw_category))

        # place
        lon = lat = None
        place_reported = False
        if "latitude" in columns:
            parsed = {}
            for name in ("longitude", "latitude"):
                try:
                    parsed[name] = cell_number(cell(name))
                except ValueError:
                    refuse(name, "import.reason.not_a_number", value=shown(cell(name)))
                    place_reported = True
            lon, lat = parsed.get("longitude"), parsed.get("latitude")
        elif geojson:
            lon, lat = row[GEOMETRY_LON], row[GEOMETRY_LAT]
            if row[GEOMETRY_PROBLEM] not in ("", "none"):
                refuse("location", "import.reason.not_point", kind=row[GEOMETRY_PROBLEM])
                place_reported = True
        if not place_reported and (lon is None) != (lat is None):
            refuse("latitude" if lat is None else "longitude", "import.reason.required")
            place_reported = True
        if not place_reported and lon is not None:
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                swapped = -90 <= lon <= 90 and -180 <= lat <= 180
                refuse("location", "import.reason.swapped" if swapped
                       else "import.reason.location_invalid")
                place_reported = True
            elif coordinates == "gcj02":
                lon, lat = gcj02_to_wgs84(lon, lat)
        space_id = None
        raw_space = cell("public_space")
        if not blank(raw_space):
            space_id = spaces.get(name_key(cell_text(raw_space)))
            if space_id is None:
                refuse("public_space", "import.reason.space_unknown", value=shown(raw_space))
                place_reported = True
        if lon is None and space_id is None and not place_reported:
            refuse("location", "import.reason.location_required")
            place_reported = True

        # supports and date
        try:
            supports = cell_supports(cell("supports"))
            if supports > MAX_SUPPORTS:
                refuse("supports", "import.reason.supports_too_large", max=MAX_SUPPORTS)
        except ValueError:
            supports = 0
            refuse("supports", "import.reason.supports_invalid", value=shown(cell("supports")))
        created_at = None
        try:
            created_at = parse_date(cell("date"), order)
            if created_at and created_at > datetime.now(timezone.utc) + timedelta(days=1):
                refuse("date", "import.reason.date_future", value=shown(cell("date")))
        except (ValueError, OverflowError):
            if order in ("ambiguous", "mixed") and year_last(cell("date")):
                refuse("date", "import.reason.date_ambiguous", value=shown(cell("date")))
            else:
                refuse("date", "import.reason.date_invalid", value=shown(cell("date")))

        # the resident page's rules: text, markup, lengths, inside the community
        title, description = cell_text(cell("title")), cell_text(cell("description"))
        shortened = (shorten_titles and isinstance(title, str)
                     and len(title.strip()) > title_max)
        if shortened:
            description = "\n\n".join(t.strip() for t in (title, description or "")
                                       if isinstance(t, str) and t.strip())
            title = shorten_title(title, title_max)
        raw = {"title": title, "description": description,
               "scenario": scenario or vocabulary.scenario_codes()[0],
               "lon": lon, "lat": lat, "public_space_id": space_id}
        proposal = None
        try:
            proposal = validate_proposal(raw, community)
        except ProposalInvalid as exc:
            for name, (key, params) in exc.errors.items():
                if name == "location":
                    if place_reported:
                        continue
                    name = "location"
                elif name == "scenario":
                    continue  # reported above as the category
                if key == "error.too_long" and name in LIMIT_SETTINGS:
                    params = {**params, "setting": limits[name]}
                refuse(name, RULE_REASONS.get(key, key), **params)

        if not problems and proposal is not None:
            ident = _identity(proposal.title, proposal.description, proposal.scenario,
                              proposal.lon, proposal.lat, proposal.public_space_id)
            if source_id in existing_ids:
                refuse("row", "import.reason.already_imported", receipt=existing_ids[source_id])
            elif existing.get(ident):
                refuse("row", "import.reason.already_imported", receipt=existing[ident].pop(0))
        if invisible:
            report.invisible[int(line)] = sum(invisible.values())
        if problems:
            report.refused.extend(problems)
            continue
        if shortened:
            report.shortened.append(int(line))
        good.append({"proposal": proposal, "created_at": created_at,
                     "external_supports": supports, "source_id": source_id})
        lines.append(int(line))

    report.accepted = len(good)
    if good and not dry_run:
        codes = store.import_proposals(community.id, good, source)
        report.receipts = dict(zip(lines, codes))
        report.imported = len(codes)
    return report
