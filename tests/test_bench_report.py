"""The benchmarks' table: a run of one benchmark replaces its figures and keeps the others',
each with the date and command of its own run."""

import json
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from bench._report import Figure, write  # noqa: E402


def test_a_run_of_one_benchmark_keeps_the_others(tmp_path):
    write([Figure("agenda", "re-rank", 2.3, "ms", "<= 100", True),
           Figure("workshop", "pages usable", 60, "of 60", "== 60", True)],
          tmp_path, quick=False, command="python -m bench")
    write([Figure("agenda", "re-rank", 4.5, "ms", "<= 100", True)], tmp_path, quick=False,
          command="python -m bench agenda")
    table = (tmp_path / "latest.md").read_text(encoding="utf-8")
    assert "| agenda | re-rank | 4.5 ms |" in table and "2.3 ms" not in table
    assert "| workshop | pages usable | 60 of 60 |" in table
    assert "- `agenda`: " in table and "`python -m bench agenda`" in table
    runs = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))["runs"]
    assert runs["workshop"]["command"] == "python -m bench"


def test_an_older_table_is_read_too(tmp_path):
    (tmp_path / "latest.json").write_text(json.dumps({"date": "2026-11-27 01:03 UTC", "figures": [
        {"benchmark": "opinion_groups", "name": "groups found", "value": 0.998, "unit": "",
         "target": ">= 0.9", "ok": True, "note": ""}]}), encoding="utf-8")
    write([Figure("agenda", "re-rank", 2.3, "ms")], tmp_path, quick=False)
    table = (tmp_path / "latest.md").read_text(encoding="utf-8")
    assert "| opinion_groups | groups found | 0.998 |" in table
    assert "- `opinion_groups`: 2026-11-27 01:03 UTC" in table
