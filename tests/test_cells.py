import pandas as pd
import pytest

from workbench.cells import neutralise, neutralise_frame


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)",
                                  "\t=1", "\r=1"])
def test_formulas_become_text(text):
    assert neutralise(text) == "'" + text


def test_other_values_are_left_alone():
    assert neutralise("长椅 = seats") == "长椅 = seats"
    assert neutralise(-5) == -5 and neutralise(None) is None
    frame = pd.DataFrame({"title": ["=1+1", "ok"], "n": [-1, 2]})
    out = neutralise_frame(frame)
    assert out["title"].tolist() == ["'=1+1", "ok"] and out["n"].tolist() == [-1, 2]
    assert frame["title"].tolist() == ["=1+1", "ok"]  # the original is untouched


def test_survey_exports_do_not_run_resident_formulas(tmp_path, community):
    import openpyxl

    from samples import SURVEY, generate_responses
    from workbench.surveys import export, results

    rows = [{"answers": a} for a in generate_responses(SURVEY, 3, community, seed=1)]
    text_q = next(q.id for q in SURVEY.questions() if q.type == "text")
    rows[0]["answers"][text_q] = "=cmd|' /C calc'!A0"
    frame = results.responses_frame(SURVEY, rows)
    csv = export.write_csv(SURVEY, frame, tmp_path / "r.csv")
    assert "'=cmd|" in csv.read_text(encoding="utf-8-sig")
    xlsx = export.write_excel(SURVEY, frame, tmp_path / "r.xlsx")
    sheet = openpyxl.load_workbook(xlsx)["responses"]
    cells = [c.value for row in sheet.iter_rows() for c in row]
    assert "'=cmd|' /C calc'!A0" in cells
    assert not any(getattr(c, "data_type", None) == "f" for row in sheet.iter_rows() for c in row)
