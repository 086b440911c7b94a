"""The RELIABILITY figures: written by the tests that measure them, rendered into
docs/reliability.md.

A reliability test (crash recovery, hostile input, ...) calls :func:`record` with its figures
when it has run; they are kept in ``docs/reliability.json``, one section per test, each with
the date, the command and the outcome of its own run, and the page is rendered again at once.
The kernel and load figures come from the benchmarks' own table (``bench/results/latest.json``,
``python -m bench kernels``). Nothing on the page is typed by hand: ``python tests/reliability.py``
renders it again from the two files.

A plain module (not conftest), importable by name anywhere under tests/.
"""

from __future__ import annotations

import datetime as _dt
import json
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
RESULTS = PROJECT_DIR / "docs" / "reliability.json"
PAGE = PROJECT_DIR / "docs" / "reliability.md"
BENCH_RESULTS = PROJECT_DIR / "bench" / "results" / "latest.json"
#: the benchmarks whose figures belong on the page: resident kernels under a flood of pages
BENCHMARKS = {"kernels": "Kernels under a flood of pages (`python -m bench kernels`)"}


def figure(name: str, value, unit: str = "", note: str = "") -> dict:
    return {"name": name, "value": value, "unit": unit, "note": note}


def record(section: str, title: str, figures: list[dict], *, command: str, outcome: str,
           about: str = "", results: Path = RESULTS, page: Path = PAGE) -> None:
    """Keep one test's figures (replacing that test's earlier ones) and render the page.
    ``outcome``: "passed", or what failed (a failed run's figures are shown, marked)."""
    kept = _read(results)
    kept[section] = {"title": title, "about": about, "command": command, "outcome": outcome,
                     "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                     "figures": figures}
    results.write_text(json.dumps({"sections": kept}, ensure_ascii=False, indent=1) + "\n",
                       encoding="utf-8")
    page.write_text(render(kept, _bench_runs()), encoding="utf-8")


def _read(results: Path) -> dict:
    if not results.exists():
        return {}
    return json.loads(results.read_text(encoding="utf-8")).get("sections", {})


def _bench_runs() -> dict:
    if not BENCH_RESULTS.exists():
        return {}
    runs = json.loads(BENCH_RESULTS.read_text(encoding="utf-8")).get("runs", {})
    return {name: runs[name] for name in BENCHMARKS if name in runs}


def _cell(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


def _escape(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(figures: list[dict]) -> list[str]:
    lines = ["| figure | value | note |", "|---|---|---|"]
    for f in figures:
        value = f"{_cell(f['value'])} {f.get('unit', '')}".strip()
        lines.append(f"| {_escape(f['name'])} | {_escape(value)} | {_escape(f.get('note', ''))} |")
    return lines


def render(sections: dict, bench_runs: dict) -> str:
    lines = ["# Reliability", "",
             "What the reliability tests did to the workbench and what came of it. Every figure "
             "below was written by the test (or benchmark) that measured it, at the end of its "
             "own run (`tests/reliability.py` keeps them in `docs/reliability.json`); "
             "`python tests/reliability.py` renders this page again. Do not edit it by hand.", ""]
    for _, section in sorted(sections.items()):  # by key: crash_*, hostile_*, ...
        mark = "" if section["outcome"] == "passed" else f" — FAILED: {section['outcome']}"
        lines += [f"## {section['title']}", "",
                  f"Run {section['date']}: `{section['command']}`{mark}.", ""]
        if section.get("about"):
            lines += [section["about"], ""]
        lines += _table(section["figures"]) + [""]
    for name, run in bench_runs.items():
        lines += [f"## {BENCHMARKS[name]}", "",
                  f"Run {run['date']}: `{run['command']}` (from `bench/results/latest.json`).", ""]
        figures = [{**f, "note": (f"target {f['target']}: {'met' if f['ok'] else 'MISSED'}; "
                                  if f.get("target") else "") + f.get("note", "")}
                   for f in run["figures"]]
        lines += _table(figures) + [""]
    return "\n".join(lines)


def main() -> int:
    PAGE.write_text(render(_read(RESULTS), _bench_runs()), encoding="utf-8")
    print(f"written: {PAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
