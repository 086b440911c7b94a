"""``workbench polis-import DIR`` and ``workbench polis-export TOPIC DIR``."""

from pathlib import Path

import pytest

from test_transfer import BG2050, write_small_export
from workbench.cli import main
from workbench.deliberation.polis_files import read_polis_export


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_prints_the_topic_id_and_a_summary(capsys, tmp_path):
    code, out, err = run(capsys, "polis-import", str(write_small_export(tmp_path / "conv")))
    assert code == 0
    topic_id = int(out.strip())
    assert err.count("\n") == 1
    assert f"topic {topic_id}" in err and "3 statements (1 hidden), 3 votes of 2 participants" \
        in err
    assert "a draft, on no resident page" in err
    from workbench.store import Store

    assert Store().topic(topic_id)["source"] == "polis"


def test_export_writes_a_folder_that_reads_back(capsys, tmp_path):
    _, out, _ = run(capsys, "polis-import", str(write_small_export(tmp_path / "conv")))
    code, out, err = run(capsys, "polis-export", out.strip(), str(tmp_path / "out"))
    assert code == 0 and err == "" and "written to" in out
    conv = read_polis_export(tmp_path / "out")
    assert list(conv.comments["statement"]) == [0, 1, 5]
    assert conv.groups is None or conv.groups.isna().all()  # two voters: no groups


@pytest.mark.parametrize("argv, message", [
    (["polis-import", "{tmp}/nowhere"], "not a folder"),
    (["polis-import", "{tmp}/bad"], "comments.csv, line 1: missing column(s)"),
    (["polis-import", "{tmp}/empty"], "comments.csv: file not found"),
    (["polis-export", "999", "{tmp}/out"], "no topic 999"),
])
def test_errors_say_error_and_exit_1(capsys, tmp_path, argv, message):
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "comments.csv").write_text("comment-id,comment-body\n1,x\n")
    (tmp_path / "empty").mkdir()
    code, out, err = run(capsys, *[a.format(tmp=tmp_path) for a in argv])
    assert code == 1 and out == ""
    assert err.startswith("error: ") and message in err
    assert "Traceback" not in err


def test_export_into_a_file_is_an_error(capsys, tmp_path):
    _, out, _ = run(capsys, "polis-import", str(write_small_export(tmp_path / "conv")))
    (tmp_path / "file").write_text("x")
    code, _, err = run(capsys, "polis-export", out.strip(), str(tmp_path / "file"))
    assert code == 1 and err.startswith("error: ")


def test_real_conversation_through_the_command_line(capsys, tmp_path):
    code, out, err = run(capsys, "polis-import", str(BG2050))
    assert code == 0 and "371 statements (56 hidden)"  # 55 + 1 meta in err
    code, _, _ = run(capsys, "polis-export", out.strip(), str(tmp_path / "out"))
    assert code == 0
    assert sorted(p.name for p in Path(tmp_path / "out").iterdir()) == [
        "comments.csv", "participants-votes.csv", "summary.csv", "votes.csv"]
