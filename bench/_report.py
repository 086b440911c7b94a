"""Figures and the table they are written to."""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass
class Figure:
    benchmark: str
    name: str
    value: float
    unit: str
    target: str = ""          # e.g. "<= 1.2"
    ok: bool | None = None    # None: reported, no target
    note: str = ""

    def cell(self) -> str:
        v = self.value
        if isinstance(v, float):
            text = f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}"
        else:
            text = f"{v:,}" if isinstance(v, int) else str(v)
        return f"{text} {self.unit}".strip()


def check(value: float, op: str, limit: float) -> bool:
    return {"<=": value <= limit, ">=": value >= limit, "==": value == limit}[op]


def machine() -> str:
    cpu = ""
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        mem = f"{pages / 2**30:.0f} GiB"
    except (ValueError, OSError):
        pass
    return f"{platform.node()}: {os.cpu_count()} cores {cpu}, {mem}, Python {platform.python_version()}"


def _runs_kept(data: Path) -> dict:
    """The runs in an earlier table's JSON, by benchmark (an older file had one date)."""
    if not data.exists():
        return {}
    old = json.loads(data.read_text(encoding="utf-8"))
    if "runs" in old:
        return old["runs"]
    runs: dict = {}
    for figure in old.get("figures", []):
        runs.setdefault(figure["benchmark"], {"date": old.get("date", ""), "command": "",
                                              "figures": []})["figures"].append(figure)
    return runs


def write(figures: list[Figure], out_dir: Path, quick: bool, command: str = "") -> Path:
    """Write the table. A run of some benchmarks replaces their figures and keeps the other
    benchmarks' from earlier runs, each with the date and command of its own run."""
    out_dir.mkdir(parents=True, exist_ok=True)
    now = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    path = out_dir / ("smoke.md" if quick else "latest.md")
    runs = _runs_kept(path.with_suffix(".json"))
    for name in dict.fromkeys(f.benchmark for f in figures):
        runs[name] = {"date": now, "command": command,
                      "figures": [asdict(f) for f in figures if f.benchmark == name]}
    lines = [f"# Benchmarks{' (quick smoke run)' if quick else ''}", "",
             f"- machine: {machine()}", ""]
    lines += [f"- `{name}`: {run['date']}" + (f", `{run['command']}`" if run["command"] else "")
              for name, run in runs.items()]
    lines += ["", "| benchmark | figure | value | target | ok | note |",
              "|---|---|---|---|---|---|"]
    for run in runs.values():
        for f in run["figures"]:
            figure = Figure(**f)
            ok = "" if figure.ok is None else ("yes" if figure.ok else "**no**")
            lines.append(f"| {figure.benchmark} | {figure.name} | {figure.cell()} | "
                         f"{figure.target} | {ok} | {figure.note} |")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.with_suffix(".json").write_text(json.dumps(
        {"machine": machine(), "runs": runs}, ensure_ascii=False, indent=1), encoding="utf-8")
    return path
