"""Import of proposals gathered elsewhere: CSV (UTF-8, BOM, GBK), Excel and GeoJSON files with
a column mapping; each broken row refused with its line and a plain reason; GCJ-02 coordinates
converted; the good rows stored in one transaction; and the ``workbench import-proposals``
command."""

import json
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from communities import INSIDE_OPEN, INSIDE_P1, OUTSIDE, ll, metres
from workbench import i18n
from workbench.proposals import intake
from workbench.proposals.intake import reading
from workbench.geo.gcj02 import wgs84_to_gcj02
from workbench.proposals.intake import (IntakeError, category_code, import_proposals, parse_date,
                                     parse_mapping, read_table)

EN_MAP = ("title=Title,description=Description,category=Category,latitude=Latitude,"
          "longitude=Longitude,supports=Supports,date=Date")
ZH_MAP = "title=标题,description=描述,category=类别,latitude=纬度,longitude=经度,supports=支持数," \
         "date=日期"
ZH_HEADER = ["标题", "描述", "类别", "纬度", "经度", "支持数", "日期"]


def write_csv(path: Path, header, rows, encoding="utf-8") -> Path:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, header, rows) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def refusals(report):
    """{line: {field: key}} of a report's refused rows."""
    out: dict[int, dict[str, str]] = {}
    for r in report.refused:
        out.setdefault(r.line, {})[r.field] = r.key
    return out


def stored(store, community):
    return {p["title"]: p for p in store.list_proposals(community.id)}


# -- mapping, categories, dates -------------------------------------------------------------

def test_mapping_names_chinese_columns():
    assert parse_mapping(" title = 标题 ，latitude=纬度, longitude=经度,") == {
        "title": "标题", "latitude": "纬度", "longitude": "经度"}


@pytest.mark.parametrize("text, message", [
    ("latitude=纬度", "title"),
    ("", "title"),
    ("title=标题,colour=颜色", "unknown field 'colour'"),
    ("title=标题,title=题目", "mapped twice"),
    ("title", "FIELD=COLUMN"),
    ("title=", "FIELD=COLUMN"),
])
def test_a_bad_mapping_is_refused_clearly(text, message):
    with pytest.raises(IntakeError, match=re.escape(message)):
        parse_mapping(text)


@pytest.mark.parametrize("value, code", [
    ("health", "health"), ("健康", "health"), ("Health", "health"), (" HEALTH ", "health"),
    ("Low carbon", "low_carbon"), ("low_carbon", "low_carbon"), ("lowcarbon", "low_carbon"),
    ("低碳", "low_carbon"), ("Services", "service"), ("ｈｅａｌｔｈ", "health"),
    ("wellness", None), ("", None), (None, None), (3, None),
])
def test_category_from_code_or_label(value, code):
    assert category_code(value) == code


CST = timezone(timedelta(hours=8))


@pytest.mark.parametrize("value, expected", [
    ("2026-11-03", datetime(2026, 11, 3, 12, tzinfo=CST)),
    ("2026/11/3", datetime(2026, 11, 3, 12, tzinfo=CST)),
    ("2026年11月3日", datetime(2026, 11, 3, 12, tzinfo=CST)),
    ("2026.11.3", datetime(2026, 11, 3, 12, tzinfo=CST)),
    ("2026/11/3 14:05", datetime(2026, 11, 3, 14, 5, tzinfo=CST)),
    ("2026-11-03T14:05:00+00:00", datetime(2026, 11, 3, 14, 5, tzinfo=timezone.utc)),
    (datetime(2026, 11, 3), datetime(2026, 11, 3, 12, tzinfo=CST)),
    (date(2026, 11, 3), datetime(2026, 11, 3, 12, tzinfo=CST)),
    (46329, datetime(2026, 11, 3, 12, tzinfo=CST)),          # an Excel serial number
    ("46329", datetime(2026, 11, 3, 12, tzinfo=CST)),
    ("", None), (None, None), (float("nan"), None),
])
def test_dates_in_the_usual_ways(value, expected):
    parsed = parse_date(value)
    assert parsed == expected
    assert parsed is None or parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize("value", ["3/11/2026", "2026/2/30", "yesterday", "2026-13-01", 12,
                                   True])
def test_dates_that_cannot_be_read_are_refused(value):
    with pytest.raises(ValueError):
        parse_date(value)


@pytest.mark.parametrize("values, order", [
    (["30/12/2025", "3/1/2026", "2026-01-05"], "dmy"), (["12/30/2025", "1/3/2026"], "mdy"),
    (["3/11/2026", "1/2/2026"], "ambiguous"), (["30/12/2025", "12/30/2025"], "mixed"),
    (["2026-11-03", None, ""], "ymd"),
])
def test_the_order_of_dates_is_told_by_the_whole_column(values, order):
    assert intake.values.date_order(values) == order


def test_dates_with_the_year_last_in_a_given_order():
    noon = datetime(2026, 1, 3, 12, tzinfo=CST)
    assert parse_date("03/01/2026", "dmy") == noon == parse_date("1/3/2026", "mdy")
    assert parse_date("3.1.2026 14:05", "dmy") == datetime(2026, 1, 3, 14, 5, tzinfo=CST)
    assert parse_date("2026-01-03", "dmy") == noon                 # year first is never ambiguous
    for value, order in (("30/12/2025", "mdy"), ("3/1/2026", "ymd"), ("3/1/2026", None)):
        with pytest.raises(ValueError):
            parse_date(value, order)


def date_file(tmp_path, dates):
    lon, lat = INSIDE_P1
    return write_csv(tmp_path / "d.csv", ["title", "category", "lat", "lon", "date"],
                     [[f"Row {i}", "health", lat, lon, d] for i, d in enumerate(dates)])


DATE_MAP = "title=title,category=category,latitude=lat,longitude=lon,date=date"


def test_day_first_dates_are_read_as_the_column_tells(tmp_path, store, community):
    path = date_file(tmp_path, ["30/12/2025", "07/01/2026", "2/1/2026"])
    report = import_proposals(store, community, path, DATE_MAP)
    assert report.counts["imported"] == 3 and report.dates_found == "dmy"
    assert "read day first" in report.summary("en")
    from workbench.proposals.tables import proposals
    with store.engine.connect() as conn:
        created = dict(conn.execute(select(proposals.c.title, proposals.c.created_at)).all())
    assert created["Row 1"].date() == date(2026, 1, 7)        # 7 January, not 1 July
    assert created["Row 2"].date() == date(2026, 1, 2)


def test_dates_that_cannot_tell_are_refused_and_the_report_asks_for_the_order(tmp_path, store,
                                                                              community):
    path = date_file(tmp_path, ["3/11/2025", "1/2/2026", "2026-01-05", ""])
    report = import_proposals(store, community, path, DATE_MAP, dry_run=True)
    assert report.accepted == 2 and report.dates_found == "ambiguous"
    assert refusals(report) == {2: {"date": "import.reason.date_ambiguous"},
                                3: {"date": "import.reason.date_ambiguous"}}
    summary = report.summary("en")
    assert "2 row(s) with such a date were refused" in summary and "--date-order dmy" in summary
    assert "--date-order" in report.summary("zh")
    assert "--date-order dmy or mdy" in report.table("en").iloc[0]["Reason"]
    given = import_proposals(store, community, path, DATE_MAP, dry_run=True, dates="mdy")
    assert given.accepted == 4 and given.dates_found is None
    with pytest.raises(IntakeError, match="date order"):
        import_proposals(store, community, path, DATE_MAP, dates="dym")


# -- reading files --------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_encoding_excel_users_save(tmp_path, encoding):
    path = write_csv(tmp_path / "p.csv", ["标题", "类别"], [["银杏公园加长椅", "健康"]],
                     encoding)
    frame = read_table(path)
    assert list(frame.columns) == ["标题", "类别"]
    assert frame.loc[2, "标题"] == "银杏公园加长椅"


@pytest.mark.parametrize("encoding, name", [
    ("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 with BOM"), ("gbk", "GB18030"),
    ("gb18030", "GB18030"), ("cp1252", "Windows-1252")])
def test_the_encoding_is_detected_and_named_in_the_report(tmp_path, store, community,
                                                          encoding, name):
    lon, lat = INSIDE_P1
    text = ("Más bancos en la plaza – “ya”, señora" if encoding == "cp1252"
            else "银杏公园加长椅，夏天需要遮阳")
    path = write_csv(tmp_path / "p.csv", ["title", "category", "lat", "lon"],
                     [[text, "health", lat, lon], ["Cañada" if encoding == "cp1252" else "长椅",
                                                   "health", lat, lon]], encoding)
    report = import_proposals(store, community, path,
                              "title=title,category=category,latitude=lat,longitude=lon",
                              dry_run=True)
    assert report.encoding == name and report.accepted == 2
    assert f"read as {name} text" in report.summary("en")
    assert f"按 {name} 编码读取" in report.summary("zh")
    assert read_table(path).loc[2, "title"] == text


def test_bytes_that_are_no_text_are_refused(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(IntakeError, match="CSV UTF-8"):
        read_table(path)


def test_csv_rows_are_spreadsheet_rows_and_duplicated_headers_are_renamed(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text('title,note,note\n"two\nlines",a,b\n\nthird,c,d\n,,\n\n', encoding="utf-8")
    frame = read_table(path)
    assert list(frame.columns) == ["title", "note", "note (2)"]
    # rows as a spreadsheet program shows them: the two-line cell is one row (2); the blank
    # row 3 between records stays (refused as an empty row); trailing ones go
    assert list(frame.index) == [2, 3, 4]
    assert frame.loc[4, "note (2)"] == "d"


def test_refusals_name_the_spreadsheet_row_after_multi_line_cells(tmp_path, store,
                                                                  community):
    lon, lat = INSIDE_P1
    path = write_csv(tmp_path / "p.csv", ["title", "description", "category", "lat", "lon"],
                     [["Bancos", "Línea uno\nlínea dos\nlínea tres", "health", lat, lon],
                      ["Fuente", "A\r\nB", "health", lat, lon],
                      ["", "sin título", "health", lat, lon]])
    report = import_proposals(store, community, path, TEXT_MAP, dry_run=True)
    assert refusals(report) == {4: {"title": "import.reason.required"}}   # text line 7


def test_an_unclosed_quote_is_reported_on_its_row(tmp_path, store, community):
    lon, lat = INSIDE_P1
    rows = "".join(f"Row {i},,health,{lat},{lon}\n" for i in range(2, 11))
    path = tmp_path / "p.csv"
    path.write_text("title,description,category,lat,lon\n" + rows
                    + f'Row 11,"a quote never closed,health,{lat},{lon}\n'
                    + "".join(f"Row {i},,health,{lat},{lon}\n" for i in range(12, 15)),
                    encoding="utf-8")
    report = import_proposals(store, community, path, TEXT_MAP, dry_run=True)
    assert report.read == 10 and report.accepted == 9
    assert refusals(report) == {11: {"row": "import.reason.unclosed_quote"}}
    reason = report.table("en").iloc[0]["Reason"]
    assert reason.startswith("A quote opened in this row is never closed; the rest of the "
                             "file (3 more lines) was read as one cell")
    assert "引号没有闭合" in report.table("zh").iloc[0]["原因"]


def test_a_csv_cell_longer_than_the_csv_module_allows_refuses_its_row_only(tmp_path, store,
                                                                           community):
    lon, lat = INSIDE_P1
    path = write_csv(tmp_path / "p.csv", ["title", "category", "lat", "lon"],
                     [["x" * 200_000, "health", lat, lon], ["=1+1", "health", lat, lon]])
    report = import_proposals(store, community, path,
                              "title=title,category=category,latitude=lat,longitude=lon")
    assert refusals(report) == {2: {"title": "import.reason.too_long"}}
    assert list(stored(store, community)) == ["=1+1"]       # a formula is only text here


def test_excel_formulas_stay_text(tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", ["title", "n"], [["=1+1", "=SUM(B1:B1)"]])
    frame = read_table(path)
    assert frame.loc[2, "title"] == "=1+1" and frame.loc[2, "n"] == "=SUM(B1:B1)"


@pytest.mark.parametrize("name, message", [
    ("p.xls", "save old .xls workbooks as .xlsx"), ("p.txt", "expected one of"),
    ("missing.csv", "no such file"),
])
def test_files_that_cannot_be_imported(tmp_path, name, message):
    if name != "missing.csv":
        (tmp_path / name).write_text("x")
    with pytest.raises(IntakeError, match=re.escape(message)):
        read_table(tmp_path / name)


def test_a_file_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "MAX_BYTES", 100)
    path = write_csv(tmp_path / "big.csv", ["title"], [["x" * 200]])
    with pytest.raises(IntakeError, match="MB"):
        read_table(path)


def test_broken_files_are_refused_not_crashed(tmp_path):
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    (tmp_path / "bad.geojson").write_text("{not json")
    (tmp_path / "empty.csv").write_bytes(b"")
    for name in ("bad.xlsx", "bad.geojson", "empty.csv"):
        with pytest.raises(IntakeError):
            read_table(tmp_path / name)


# -- importing ------------------------------------------------------------------------------

def english_rows():
    lon, lat = INSIDE_P1
    olon, olat = OUTSIDE
    return [
        ["Benches in the pocket park", "Shade too", "health", lat, lon, "12", "2026-11-03"],  # 2
        ["", "no title", "health", lat, lon, "", ""],                                         # 3
        ["Bad category", "", "wellness", lat, lon, "", ""],                                   # 4
        ["Outside", "", "transport", olat, olon, "", ""],                                     # 5
        ["Bad date", "", "education", lat, lon, "", "3/11/2026"],                             # 6
        ["Negative", "", "education", lat, lon, "-3", ""],                                    # 7
        ["<b>Bold</b> idea", "", "education", lat, lon, "", ""],                              # 8
        ["Label category", "", "Low carbon", lat, lon, "", "2026年11月3日"],                  # 9
        ["", "", "", "", "", "", ""],                                                          # 10
        ["Swapped", "", "service", lon, lat, "", ""],                                         # 11
        ["Not a number", "", "service", "north", lon, "", ""],                                # 12
    ]


def test_csv_import_stores_good_rows_and_refuses_broken_ones_by_line(tmp_path, store,
                                                                     community):
    path = write_csv(tmp_path / "p.csv", ["Title", "Description", "Category", "Latitude",
                                          "Longitude", "Supports", "Date"], english_rows())
    report = import_proposals(store, community, path, EN_MAP, source="paper_forms")
    assert report.counts == {"read": 11, "accepted": 2, "imported": 2, "refused": 9}
    assert sorted(report.receipts) == [2, 9]
    assert refusals(report) == {
        3: {"title": "import.reason.required"},
        4: {"category": "import.reason.category_unknown"},
        5: {"location": "import.reason.outside"},
        6: {"date": "import.reason.date_ambiguous"},    # 3/11/2026: day or month first?
        7: {"supports": "import.reason.supports_invalid"},
        8: {"title": "import.reason.markup"},
        10: {"row": "import.reason.empty_row"},
        11: {"location": "import.reason.swapped"},
        12: {"latitude": "import.reason.not_a_number"},
    }
    rows = stored(store, community)
    assert set(rows) == {"Benches in the pocket park", "Label category"}
    benches = rows["Benches in the pocket park"]
    assert benches["external_supports"] == 12 and benches["source"] == "paper_forms"
    assert benches["receipt_code"] == report.receipts[2]
    assert (benches["lon"], benches["lat"]) == pytest.approx(INSIDE_P1)
    assert rows["Label category"]["scenario"] == "low_carbon"
    assert rows["Label category"]["external_supports"] == 0

    from workbench.proposals.tables import proposals
    with store.engine.connect() as conn:
        created = dict(conn.execute(select(proposals.c.title, proposals.c.created_at)).all())
    when = created["Benches in the pocket park"]
    when = when if when.tzinfo else when.replace(tzinfo=timezone.utc)   # SQLite keeps UTC
    assert when == datetime(2026, 11, 3, 4, tzinfo=timezone.utc)        # noon in Hangzhou


def test_invisible_and_private_use_characters_are_removed_and_counted(tmp_path, store,
                                                                       community):
    lon, lat = INSIDE_P1
    rows = [
        ["Bancos\u200b en la plaza", "\uf0b7 sombra \uf0b7 fuentes", "health", lat, lon],  # 2
        ["Pista\u00adde patinaje", "", "health", lat, lon],                                # 3
        ["\ufeffCarril bici", "zero\u200cwidth\u200djoin\u2060", "transport", lat, lon],   # 4
        ["Timbre\u0007", "", "health", lat, lon],                                         # 5
        ["Texto \u202eal revés", "", "health", lat, lon],                                 # 6
        ["\U000f0001Plano", "", "health", lat, lon],                                      # 7
    ]
    path = write_csv(tmp_path / "p.csv", ["title", "description", "category", "lat", "lon"],
                     rows)
    report = import_proposals(store, community, path, "title=title,description=description,"
                              "category=category,latitude=lat,longitude=lon")
    # a real control character and a bidi override stay refused, as on the resident page
    assert refusals(report) == {5: {"title": "import.reason.control_chars"},
                                6: {"title": "import.reason.control_chars"}}
    assert report.invisible == {2: 3, 3: 1, 4: 4, 7: 1}
    assert "Removed 9 invisible characters in 4 rows" in report.summary("en")
    assert "已删除 4 行中的 9 个不可见字符" in report.summary("zh")
    rows = stored(store, community)
    assert set(rows) == {"Bancos en la plaza", "Pistade patinaje", "Carril bici", "Plano"}
    assert rows["Bancos en la plaza"]["description"] == "sombra  fuentes"
    assert rows["Carril bici"]["description"] == "zerowidthjoin"


def test_the_report_reads_in_both_languages(tmp_path, store, community):
    path = write_csv(tmp_path / "p.csv", ["Title", "Description", "Category", "Latitude",
                                          "Longitude", "Supports", "Date"], english_rows())
    report = import_proposals(store, community, path, EN_MAP, dry_run=True)
    en, zh = report.table("en"), report.table("zh")
    assert list(en.columns) == ["Line", "Field", "Column in the file", "Reason"]
    assert list(zh.columns) == ["行", "字段", "文件中的列", "原因"]
    by_line = {row["Line"]: row for row in en.to_dict("records")}
    assert by_line[4]["Reason"].startswith('"wellness" is not one of the nine scenarios')
    assert by_line[4]["Column in the file"] == "Category"
    assert by_line[5]["Reason"] == "The place lies outside the community boundary."
    assert by_line[10]["Reason"] == "Empty row, skipped."
    assert "社区边界之外" in zh[zh["行"] == 5]["原因"].iloc[0]
    assert "dry run" in report.summary("en") and "试运行" in report.summary("zh")


def test_every_import_message_key_exists_in_both_languages():
    source = "\n".join(path.read_text(encoding="utf-8")
                       for path in Path(intake.__file__).parent.glob("*.py"))
    keys = set(re.findall(r'"(import\.[a-z_]+\.[a-z_]+|import\.[a-z_]+)"', source))
    keys |= {f"import.field.{f}" for f in intake.FIELDS + ("location", "row")}
    keys |= {f"import.col.{c}" for c in ("line", "field", "column", "reason")}
    assert "import.reason.outside" in keys
    for lang in i18n.LANGUAGES:
        assert not keys - set(i18n.catalogue(lang)), lang


def test_excel_with_chinese_headers_formulas_long_cells_and_an_empty_row(tmp_path, store,
                                                                          community):
    lon, lat = INSIDE_OPEN
    rows = [
        ["=HYPERLINK(\"http://x\")", "公式按文字保存", "治理", lat, lon, 3,
         datetime(2026, 11, 3)],                                                        # 2
        ["长内容", "很" * 100_000, "健康", lat, lon, 3.0, "2026/11/3"],                # 3
        [None, None, None, None, None, None, None],                                     # 4
        ["邻里节", "", "邻里", lat, lon, None, 46329],                                   # 5
        ["小数支持数", "", "邻里", lat, lon, 2.5, None],                                 # 6
        ["未来日期", "", "邻里", lat, lon, 1,
         datetime.now() + timedelta(days=30)],                                          # 7
        [None, None, None, None, None, None, None],                              # 8, trailing
    ]
    path = write_xlsx(tmp_path / "p.xlsx", ZH_HEADER, rows)
    report = import_proposals(store, community, path, ZH_MAP)
    assert report.counts == {"read": 6, "accepted": 2, "imported": 2, "refused": 4}
    assert refusals(report) == {
        3: {"description": "import.reason.too_long"},
        4: {"row": "import.reason.empty_row"},
        6: {"supports": "import.reason.supports_invalid"},
        7: {"date": "import.reason.date_future"},
    }
    rows = stored(store, community)
    assert rows['=HYPERLINK("http://x")']["scenario"] == "governance"
    assert rows['=HYPERLINK("http://x")']["external_supports"] == 3
    assert rows["邻里节"]["scenario"] == "neighbourhood"


def test_gbk_csv_with_public_spaces_by_name(tmp_path, store, community):
    path = write_csv(tmp_path / "p.csv", ["标题", "类别", "地点"],
                     [["广场加灯", "治理", "中心广场"], ["公园长椅", "健康", "P1"],
                      ["没有的地方", "健康", "月球公园"]], encoding="gbk")
    report = import_proposals(store, community, path, "title=标题,category=类别,"
                                                      "public_space=地点")
    assert report.counts["imported"] == 2
    assert refusals(report) == {4: {"public_space": "import.reason.space_unknown"}}
    rows = stored(store, community)
    assert rows["广场加灯"]["public_space_id"] == "P2"
    assert rows["公园长椅"]["public_space_id"] == "P1"


def test_gcj02_points_land_at_their_wgs84_place(tmp_path, store, community):
    lon, lat = INSIDE_P1
    glon, glat = wgs84_to_gcj02(lon, lat)          # what Gaode maps would show for the place
    path = write_csv(tmp_path / "gaode.csv", ["title", "category", "lat", "lng"],
                     [["From Gaode", "health", glat, glon]])
    mapping = "title=title,category=category,latitude=lat,longitude=lng"
    as_wgs84 = import_proposals(store, community, path, mapping, dry_run=True)
    assert refusals(as_wgs84) == {2: {"location": "import.reason.outside"}}  # ~500 m off
    report = import_proposals(store, community, path, mapping, coordinates="gcj02")
    assert report.counts["imported"] == 1 and "GCJ-02" in report.summary("en")
    row = stored(store, community)["From Gaode"]
    assert metres(row["lon"], row["lat"], lon, lat) < 0.05


def test_geojson_points_properties_and_geometries_refused_per_feature(tmp_path, store,
                                                                      community):
    glon, glat = wgs84_to_gcj02(*INSIDE_OPEN)

    def f(geometry, **props):
        return {"type": "Feature", "geometry": geometry, "properties": props}
    data = {"type": "FeatureCollection", "features": [
        f({"type": "Point", "coordinates": [glon, glat]}, 标题="开放空间种树", 类别="低碳",
          日期="2026-10-01", 支持数=7),                                                  # 1
        f({"type": "Polygon", "coordinates": [[ll(0, 0), ll(10, 0), ll(10, 10), ll(0, 0)]]},
          标题="一块地", 类别="低碳"),                                                     # 2
        f(None, 标题="没有位置", 类别="低碳"),                                              # 3
        f({"type": "Point", "coordinates": [glon, glat]}, 标题="", 类别="低碳"),            # 4
        f(None),                                                                          # 5
    ]}
    path = tmp_path / "export.geojson"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    report = import_proposals(store, community, path, "title=标题,category=类别,date=日期,"
                                                      "supports=支持数", coordinates="gcj02")
    assert report.counts == {"read": 5, "accepted": 1, "imported": 1, "refused": 4}
    assert refusals(report) == {
        2: {"location": "import.reason.not_point"},
        3: {"location": "import.reason.location_required"},
        4: {"title": "import.reason.required"},
        5: {"row": "import.reason.empty_row"},
    }
    assert "Polygon" in report.table("en").iloc[0]["Reason"]
    row = stored(store, community)["开放空间种树"]
    assert metres(row["lon"], row["lat"], *INSIDE_OPEN) < 0.05
    assert row["external_supports"] == 7 and row["scenario"] == "low_carbon"


def test_default_category_and_its_check(tmp_path, store, community):
    lon, lat = INSIDE_P1
    path = write_csv(tmp_path / "p.csv", ["title", "category", "lat", "lon"],
                     [["A", "", lat, lon], ["B", "wellness", lat, lon], ["C", "教育", lat, lon]])
    mapping = "title=title,category=category,latitude=lat,longitude=lon"
    report = import_proposals(store, community, path, mapping, default_category="服务")
    assert report.counts["imported"] == 3 and report.defaulted == [2, 3]
    assert {k: v["scenario"] for k, v in stored(store, community).items()} == {
        "A": "service", "B": "service", "C": "education"}
    with pytest.raises(IntakeError, match="default category"):
        import_proposals(store, community, path, mapping, default_category="wellness")
    with pytest.raises(IntakeError, match="category"):
        import_proposals(store, community, path, "title=title,latitude=lat,longitude=lon")


def category_file(tmp_path):
    lon, lat = INSIDE_P1
    cells = ["['Deportes', 'Urbanismo']", "Urbanismo; Deportes", "Medio Ambiente - Limpieza",
             "['Turismo', 'Deportes']", "['Turismo']", "Turismo, Bebés", "[]", "health"]
    return write_csv(tmp_path / "c.csv", ["title", "categories", "lat", "lon"],
                     [[f"Row {i}", c, lat, lon] for i, c in enumerate(cells)])


CATEGORY_MAP = "title=title,category=categories,latitude=lat,longitude=lon"


def test_the_files_categories_are_mapped_to_scenarios(tmp_path, store, community):
    path = category_file(tmp_path)
    mapping = intake.parse_categories("Deportes=health, urbanismo=建筑,"
                                      "Medio Ambiente - Limpieza=Low carbon")
    report = import_proposals(store, community, path, CATEGORY_MAP, categories=mapping)
    assert {k: v["scenario"] for k, v in stored(store, community).items()} == {
        "Row 0": "health", "Row 1": "architecture", "Row 2": "low_carbon", "Row 3": "health",
        "Row 7": "health"}
    # unmapped values refuse their rows, each row once, and are listed once with their rows
    assert refusals(report) == {6: {"category": "import.reason.category_unknown"},
                                7: {"category": "import.reason.category_unknown"},
                                8: {"category": "import.reason.category_required"}}
    assert report.unmapped == {"Turismo": 2, "Bebés": 1}
    summary = report.summary("en")
    assert "2 value(s) of the category column map to no scenario (rows with each): " \
           "Turismo (2), Bebés (1)." in summary and summary.count("Turismo") == 1
    assert "Turismo (2)" in report.summary("zh")


def test_unmapped_categories_with_a_default_are_listed_not_refused(tmp_path, store, community):
    path = category_file(tmp_path)
    report = import_proposals(store, community, path, CATEGORY_MAP, default_category="service",
                              categories={}, dry_run=True)
    assert report.accepted == 8 and report.refused == []
    assert report.unmapped == {"Deportes": 3, "Urbanismo": 2, "Medio Ambiente - Limpieza": 1,
                               "Turismo": 3, "Bebés": 1}


@pytest.mark.parametrize("cell, values", [
    ("['Deportes', 'Urbanismo']", ["Deportes", "Urbanismo"]),
    ('["Deportes"]', ["Deportes"]), ("[]", []), ("Deportes; Urbanismo", ["Deportes", "Urbanismo"]),
    ("['Seguridad y emergencias\" \"Pasos de cebra']", ["Seguridad y emergencias",
                                                        "Pasos de cebra"]),
    ("['Servicios sociales\";']", ["Servicios sociales"]), ("[Deportes, 'Cultura'", ["Deportes",
                                                                                   "Cultura"]),
    ("Medio Ambiente - Limpieza", ["Medio Ambiente - Limpieza"]),
])
def test_a_cell_may_name_several_categories(cell, values):
    assert intake.categories.category_values(cell) == values


def test_category_mappings_from_text_or_a_file_are_checked(tmp_path):
    path = tmp_path / "categories.yaml"
    path.write_text("Deportes: health\n'Parques y jardines': 低碳\n", encoding="utf-8")
    assert intake.read_categories(path) == {"deportes": "health", "parquesyjardines":
                                            "low_carbon"}
    for text, message in (("Deportes=sport", "'sport' is not a scenario"),
                          ("Deportes", "CATEGORY=SCENARIO"),
                          ("Deportes=health,deportes=education", "two scenarios")):
        with pytest.raises(IntakeError, match=message):
            intake.parse_categories(text)
    path.write_text("- Deportes\n", encoding="utf-8")
    with pytest.raises(IntakeError, match="'Deportes: health'"):
        intake.read_categories(path)


LONG_TITLE = ("Reparación integral del pavimento y las aceras de la calle Abubilla hasta "
              "la carretera de Villabáñez")


def long_text_file(tmp_path):
    lon, lat = INSIDE_P1
    rows = [[LONG_TITLE, "Hay baches.", "health", lat, lon],                           # 2
            ["长" * 70, "", "health", lat, lon],                                         # 3
            ["Corto", "x" * 1001, "health", lat, lon],                                  # 4
            [LONG_TITLE, "y" * 990, "health", lat, lon]]                                # 5
    return write_csv(tmp_path / "t.csv", ["title", "description", "category", "lat", "lon"],
                     rows)


TEXT_MAP = "title=title,description=description,category=category,latitude=lat,longitude=lon"


def test_too_long_text_names_the_setting_that_raises_the_limit(tmp_path, store, community):
    report = import_proposals(store, community, long_text_file(tmp_path), TEXT_MAP,
                              dry_run=True)
    reasons = {(row["Line"], row["Field"]): row["Reason"]
               for row in report.table("en").to_dict("records")}
    assert reasons[(2, "title")] == ("Too long: at most 60 characters, this has 100. The "
                                     "setting WORKBENCH_TITLE_MAX_CHARS raises the limit.")
    assert "WORKBENCH_DESCRIPTION_MAX_CHARS" in reasons[(4, "description")]
    assert "WORKBENCH_TITLE_MAX_CHARS" in report.table("zh").iloc[0]["原因"]
    assert "3 row(s) were refused for a title over the limit: import with --shorten-titles" \
        in report.summary("en")


def test_shortened_titles_keep_the_full_title_in_the_description(tmp_path, store, community):
    report = import_proposals(store, community, long_text_file(tmp_path), TEXT_MAP,
                              shorten_titles=True)
    assert report.shortened == [2, 3]     # line 5's description is too long with its title
    assert refusals(report) == {4: {"description": "import.reason.too_long"},
                                5: {"description": "import.reason.too_long"}}
    assert "2 title(s) over the limit were shortened" in report.summary("en")
    rows = stored(store, community)
    short = "Reparación integral del pavimento y las aceras de la calle…"
    assert len(short) <= 60 and rows[short]["description"] == LONG_TITLE + "\n\nHay baches."
    assert rows["长" * 59 + "…"]["description"] == "长" * 70


def test_a_mapping_may_be_a_dict_with_any_column_name(tmp_path, store, community):
    path = write_csv(tmp_path / "p.csv", ["标题, 简述", "类别", "地点"], [["公园长椅", "健康", "P1"]])
    report = import_proposals(store, community, path, {"title": "标题, 简述",
                                                       "category": "类别",
                                                       "public_space": "地点"})
    assert report.counts["imported"] == 1
    with pytest.raises(IntakeError, match="unknown field 'colour'"):
        import_proposals(store, community, path, {"title": "类别", "colour": "地点"})


def test_a_mapping_naming_a_missing_or_duplicated_column(tmp_path, store, community):
    path = write_csv(tmp_path / "p.csv", ["标题", "类别", "标题", "地点"], [["a", "健康", "b", "P1"]])
    with pytest.raises(IntakeError) as missing:
        import_proposals(store, community, path, "title=题目,category=类别,public_space=地点")
    assert "'题目'" in str(missing.value) and "'类别'" in str(missing.value)
    with pytest.raises(IntakeError, match="occurs 2 times"):
        import_proposals(store, community, path, "title=标题,category=类别,public_space=地点")
    with pytest.raises(IntakeError, match="place"):
        import_proposals(store, community, path, "title=类别,category=类别")
    with pytest.raises(IntakeError, match="both latitude and longitude"):
        import_proposals(store, community, path, "title=类别,category=类别,latitude=地点")


def test_dry_run_stores_nothing(tmp_path, store, community):
    path = write_csv(tmp_path / "p.csv", ["Title", "Description", "Category", "Latitude",
                                          "Longitude", "Supports", "Date"], english_rows())
    before = store.count_proposals(community.id)
    report = import_proposals(store, community, path, EN_MAP, dry_run=True)
    assert report.accepted == 2 and report.imported == 0 and report.receipts == {}
    assert store.count_proposals(community.id) == before


def test_importing_again_adds_only_the_fixed_rows(tmp_path, store, community):
    lon, lat = INSIDE_P1
    path = write_csv(tmp_path / "p.csv", ["title", "category", "lat", "lon"],
                     [["Good", "health", lat, lon], ["Fixed later", "wellness", lat, lon]])
    mapping = "title=title,category=category,latitude=lat,longitude=lon"
    first = import_proposals(store, community, path, mapping)
    write_csv(path, ["title", "category", "lat", "lon"],
              [["Good", "health", lat, lon], ["Fixed later", "health", lat, lon]])
    second = import_proposals(store, community, path, mapping)
    assert second.counts["imported"] == 1 and list(second.receipts) == [3]
    assert refusals(second) == {2: {"row": "import.reason.already_imported"}}
    assert first.receipts[2] in second.table("en").iloc[0]["Reason"]
    assert store.count_proposals(community.id) == 2


def test_the_sources_own_id_is_kept_and_refuses_a_second_import(tmp_path, store, community):
    lon, lat = INSIDE_P1
    header = ["code", "title", "category", "lat", "lon"]
    path = write_csv(tmp_path / "p.csv", header,
                     [["7964", "Espejo", "transport", lat, lon],
                      ["8167", "Marquesina", "transport", lat, lon],
                      ["7964", "Otra", "transport", lat, lon],
                      ["x" * 101, "Larga", "transport", lat, lon]])
    mapping = "id=code,title=title,category=category,latitude=lat,longitude=lon"
    first = import_proposals(store, community, path, mapping, source="valladolid")
    assert refusals(first) == {4: {"id": "import.reason.id_repeated"},
                               5: {"id": "import.reason.id_too_long"}}
    assert "also on row 2" in first.table("en").iloc[0]["Reason"]
    rows = stored(store, community)
    assert rows["Espejo"]["source_id"] == "7964" and rows["Marquesina"]["source_id"] == "8167"
    # the same source row again, edited since: refused by its id, with its receipt code
    write_csv(path, header, [["7964", "Espejo en la calle Abubilla", "transport", lat, lon],
                             ["9001", "Nueva", "transport", lat, lon]])
    second = import_proposals(store, community, path, mapping, source="valladolid")
    assert refusals(second) == {2: {"row": "import.reason.already_imported"}}
    assert first.receipts[2] in second.table("en").iloc[0]["Reason"]
    assert second.receipts and stored(store, community)["Nueva"]["source_id"] == "9001"
    # another source may use the same numbers
    other = import_proposals(store, community, path, mapping, source="paper_forms",
                             dry_run=True)
    assert other.accepted == 2


def test_all_good_rows_or_none_when_the_store_fails(tmp_path, store, community):
    lon, lat = INSIDE_P1
    path = write_csv(tmp_path / "p.csv", ["title", "category", "lat", "lon"],
                     [["One", "health", lat, lon], ["Two", "health", lat, lon]])
    real = store._insert_proposal
    calls = []

    def failing(conn, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(conn, *args, **kwargs)
    store._insert_proposal = failing
    with pytest.raises(RuntimeError, match="disk full"):
        import_proposals(store, community, path,
                         "title=title,category=category,latitude=lat,longitude=lon")
    assert store.count_proposals(community.id) == 0


# -- the command ----------------------------------------------------------------------------

def demo_file(tmp_path) -> Path:
    from workbench import settings
    from workbench.layers.community import load_community

    demo = load_community(settings.get("layers_dir"))
    lon, lat = demo.public_space_location("PS01")
    return write_csv(tmp_path / "forms.csv", ZH_HEADER,
                     [["银杏公园装饮水机", "夏天需要", "健康", lat, lon, "5", "2026/11/3"],
                      ["", "", "健康", lat, lon, "", ""],
                      ["再来一个", "", "未知", lat, lon, "", ""]], encoding="gbk")


def test_command_imports_and_lists_refused_rows(tmp_path, capsys):
    from workbench.cli import main
    from workbench.store import Store

    path = demo_file(tmp_path)
    code = main(["import-proposals", str(path), "--map", ZH_MAP, "--source", "paper_forms",
                 "--lang", "en"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "3 rows read, 1 imported, 2 refused (source: paper_forms)" in out
    assert re.search(r"\b3\s+title\s+标题\s+This is empty", out)
    assert re.search(r"\b4\s+category\s+类别\s+\"未知\" is not one", out)
    rows = [p for p in Store().list_proposals("heguang") if p["source"] == "paper_forms"]
    assert [(p["title"], p["external_supports"]) for p in rows] == [("银杏公园装饮水机", 5)]
    assert re.search(rf"^\s+2  {rows[0]['receipt_code']}$", out, re.MULTILINE)  # for the form


def test_command_dry_run_and_chinese_report(tmp_path, capsys):
    from workbench.cli import main
    from workbench.store import Store

    path = demo_file(tmp_path)
    code = main(["import-proposals", str(path), "--map", ZH_MAP, "--dry-run",
                 "--default-category", "health", "--lang", "zh"])
    out, _ = capsys.readouterr()
    assert code == 0 and "试运行" in out and "可导入 2 行" in out
    assert not [p for p in Store().list_proposals("heguang") if p["source"] == "import"]


def test_command_maps_categories_from_text_or_a_file(tmp_path, capsys):
    from workbench.cli import main

    path = demo_file(tmp_path)
    mapping = tmp_path / "categories.yaml"
    mapping.write_text("未知: education\n", encoding="utf-8")
    for option in (["--categories", "未知=education"], ["--categories-file", str(mapping)]):
        code = main(["import-proposals", str(path), "--map", ZH_MAP, "--dry-run",
                     "--date-order", "ymd", "--lang", "en", *option])
        out, err = capsys.readouterr()
        assert code == 0, err
        assert "3 rows read, 2 would be imported, 1 refused" in out
    code = main(["import-proposals", str(path), "--map", ZH_MAP, "--categories", "未知=sport"])
    assert code == 1 and "'sport' is not a scenario" in capsys.readouterr().err


def test_command_on_a_hostile_spanish_export(tmp_path, capsys):
    """Made like the city's real export (Valladolid, Spanish), as Excel in Western Europe
    saves it: Windows-1252, dates day first, the city's own categories as lists, a
    multi-line cell, a formula, a long title, and a quote never closed."""
    from workbench import settings
    from workbench.cli import main
    from workbench.layers.community import load_community
    from workbench.store import Store

    lon, lat = load_community(settings.get("layers_dir")).public_space_location("PS01")
    header = "code,date,title,description,categories,latitude,longitude,votes\r\n"
    rows = [
        f'7964,30/12/2025,Espejo en la calle Abubilla,"Se ve mal.\r\nMuy mal.",'
        f'"[\'Seguridad y emergencias\', \'Visibilidad\']",{lat},{lon},6',              # 2
        f"8167,07/01/2026,Marquesina,– Con pantalla,['Transportes y movilidad'],"
        f"{lat},{lon},3",                                                                # 3
        f"8170,06/01/2026,=HYPERLINK(\"x\"),,['Deportes'],{lat},{lon},1",                 # 4
        f"8171,05/01/2026,{LONG_TITLE},Hay baches.,['Urbanismo'],{lat},{lon},0",         # 5
        f"8172,04/01/2026,Sin categoría conocida,,['Turismo'],{lat},{lon},0",            # 6
        f'8173,03/01/2026,Comillas,"sin cerrar,[\'Deportes\'],{lat},{lon},0',            # 7
        f"8174,02/01/2026,Tragada,,['Deportes'],{lat},{lon},0",
    ]
    path = tmp_path / "valladolid.csv"
    path.write_bytes((header + "\r\n".join(rows) + "\r\n").encode("cp1252"))
    code = main(["import-proposals", str(path), "--map",
                 "id=code,date=date,title=title,description=description,category=categories,"
                 "latitude=latitude,longitude=longitude,supports=votes",
                 "--categories", "Seguridad y emergencias=service,Transportes y movilidad="
                 "transport,Deportes=health,Urbanismo=architecture", "--shorten-titles",
                 "--source", "valladolid", "--lang", "en"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "6 rows read, 4 imported, 2 refused (source: valladolid)" in out
    assert "read as Windows-1252 text" in out and "read day first" in out
    assert "1 value(s) of the category column map to no scenario (rows with each): " \
           "Turismo (1)" in out
    assert "1 title(s) over the limit were shortened" in out
    assert re.search(r"^6\s+category\s+categories\s+\"\['Turismo'\]\" is not one", out,
                     re.MULTILINE)
    assert re.search(r"^7\s+whole row\s+A quote opened in this row is never closed", out,
                     re.MULTILINE)
    rows = {p["source_id"]: p for p in Store().list_proposals("heguang")
            if p["source"] == "valladolid"}
    assert set(rows) == {"7964", "8167", "8170", "8171"}
    assert rows["8170"]["title"] == '=HYPERLINK("x")'        # kept as text, never run
    assert rows["8171"]["description"].startswith(LONG_TITLE)


@pytest.mark.parametrize("argv, message", [
    (["--map", "title=题目"], "no column '题目'"),
    (["--map", "colour=标题"], "unknown field"),
    (["--map", ZH_MAP, "--default-category", "nope"], "default category"),
])
def test_command_errors_exit_1(tmp_path, capsys, argv, message):
    from workbench.cli import main

    path = demo_file(tmp_path)
    code = main(["import-proposals", str(path), *argv])
    _, err = capsys.readouterr()
    assert code == 1 and message in err


def test_command_unreadable_file_exits_1(tmp_path, capsys):
    from workbench.cli import main

    code = main(["import-proposals", str(tmp_path / "forms.xls"), "--map", "title=标题"])
    assert code == 1 and ".xlsx" in capsys.readouterr().err


def test_an_unknown_date_order_is_refused_before_anything_is_read(tmp_path, store, community):
    path = write_csv(tmp_path / "p.csv", ["title", "date"], [["长椅", "2026-11-03"]])
    for order in ("xyz", "", None, 3):
        with pytest.raises(IntakeError, match="date order must be one of"):
            import_proposals(store, community, path, "title=title,date=date", dates=order)
    assert store.count_proposals() == 0
