"""Survey responses as flat files for Excel, SPSS or R: one row per response, one column
per question (by id), answers as their stored codes (option values, likert 1–5 or "na").

- multiple choice and ranking: the values joined with ";" (picks in the options' order, a
  ranking best first);
- map point: three columns ``<id>_lon``, ``<id>_lat`` and ``<id>_follow_up``;
- pairwise: each comparison as ``a/b:pick``, joined with ";".

Only ``version``, ``created_at`` and the answers are written: the respondent key is never
returned by the store and never read from a row, and the receipt code is left out too (it
would tie a row to whoever holds the receipt). CSV is UTF-8 with a byte-order mark so that
Excel opens Chinese text correctly; the Excel file has a second sheet, ``questions``, the
codebook (question texts and option labels in both languages).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from workbench.cells import neutralise_frame

from workbench.surveys.results import option_labels, present, text_of

__all__ = ["export_frame", "codebook", "write_csv", "write_excel"]

SEPARATOR = ";"


def _join(value) -> str | None:
    return SEPARATOR.join(str(v) for v in value) if isinstance(value, list) and value else None


def _pairs(value) -> str | None:
    if not isinstance(value, list) or not value:
        return None
    return SEPARATOR.join(f"{c.get('a')}/{c.get('b')}:{c.get('pick')}" for c in value)


def _point(value, key: str):
    return value.get(key) if isinstance(value, dict) else None


def export_frame(survey, frame: pd.DataFrame) -> pd.DataFrame:
    """The flat table written by :func:`write_csv` and :func:`write_excel`, from a
    :func:`workbench.surveys.results.responses_frame`."""
    out = pd.DataFrame(index=frame.index)
    out["version"] = frame["version"] if "version" in frame.columns else None
    out["created_at"] = frame["created_at"] if "created_at" in frame.columns else pd.NaT
    empty = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    for q in survey.questions():
        column = frame[q.id] if q.id in frame.columns else empty
        if q.type == "multiple_choice":  # picks in the options' order, not the clicks'
            order = {v: i for i, v in enumerate(option_labels(q.options, "zh"))}
            out[q.id] = column.map(lambda v: _join(sorted(v, key=lambda x: order.get(x, 99))
                                                   if isinstance(v, list) else v)).astype(object)
        elif q.type == "ranking":
            out[q.id] = column.map(_join).astype(object)
        elif q.type == "pairwise":
            out[q.id] = column.map(_pairs).astype(object)
        elif q.type == "map_point":
            out[f"{q.id}_lon"] = column.map(lambda v: _point(v, "lon")).astype("Float64")
            out[f"{q.id}_lat"] = column.map(lambda v: _point(v, "lat")).astype("Float64")
            out[f"{q.id}_follow_up"] = column.map(lambda v: _point(v, "follow_up")).astype(object)
        else:
            out[q.id] = column.map(lambda v: v if present(v) else None) \
                if column.dtype == object else column
    return out.reset_index(drop=True)


def codebook(survey) -> pd.DataFrame:
    """One row per question: column (its id), type, text_zh, text_en, and the options as
    ``value = 中文 / English`` lines (likert: the points; map point: the follow-up's)."""
    rows = []
    for q in survey.questions():
        options = getattr(q, "options", None)
        if q.type == "map_point" and getattr(q, "follow_up", None) is not None:
            options = getattr(q.follow_up, "options", None)
        zh, en = option_labels(options, "zh"), option_labels(options, "en")
        coded = "\n".join(f"{v} = {zh[v]} / {en[v]}" for v in zh)
        if q.type == "likert":
            coded = "1–5 = 非常不满意…非常满意 / very dissatisfied…very satisfied\n" \
                    "na = 没用过/不了解 / not used, don't know"
        rows.append({"column": q.id, "type": q.type, "text_zh": text_of(q.text, "zh"),
                     "text_en": text_of(q.text, "en"), "options": coded})
    return pd.DataFrame(rows, columns=["column", "type", "text_zh", "text_en", "options"])


def write_csv(survey, frame: pd.DataFrame, path: str | Path) -> Path:
    """Write the responses as CSV (UTF-8 with BOM, comma-separated); returns the path."""
    path = Path(path)
    neutralise_frame(export_frame(survey, frame)).to_csv(
        path, index=False, encoding="utf-8-sig", date_format="%Y-%m-%dT%H:%M:%SZ")
    return path


def write_excel(survey, frame: pd.DataFrame, path: str | Path) -> Path:
    """Write the responses (sheet ``responses``) and the codebook (sheet ``questions``) as
    an .xlsx file (openpyxl); dates in UTC, as Excel has no time zones. Returns the path."""
    path = Path(path)
    table = neutralise_frame(export_frame(survey, frame))
    if isinstance(table["created_at"].dtype, pd.DatetimeTZDtype):
        table["created_at"] = table["created_at"].dt.tz_convert("UTC").dt.tz_localize(None)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name="responses", index=False)
        codebook(survey).to_excel(writer, sheet_name="questions", index=False)
    return path
