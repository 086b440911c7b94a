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


def write(figures: list[Figure], out_dir: Path, quick: bool) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    now = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"# Benchmarks{' (quick smoke run)' if quick else ''}", "",
             f"- date: {now}", f"- machine: {machine()}", "",
             "| benchmark | figure | value | target | ok | note |",
             "|---|---|---|---|---|---|"]
    for f in figures:
        ok = "" if f.ok is None else ("yes" if f.ok else "**no**")
        lines.append(f"| {f.benchmark} | {f.name} | {f.cell()} | {f.target} | {ok} | {f.note} |")
    path = out_dir / ("smoke.md" if quick else "latest.md")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (path.with_suffix(".json")).write_text(json.dumps(
        {"date": now, "machine": machine(), "figures": [asdict(f) for f in figures]},
        ensure_ascii=False, indent=1), encoding="utf-8")
    return path
