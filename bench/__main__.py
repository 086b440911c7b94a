"""python -m bench [--quick] [NAME ...]: run benchmarks and write bench/results/latest.md."""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

from ._report import write

#: Every benchmark, by name: module bench.bench_<name> with run(quick: bool) -> list[Figure].
BENCHMARKS = ["store_writes", "resident_page", "opinion_groups", "agenda", "grouping", "workshop",
              "kernels", "walking", "points"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default all: "
                                                 f"{', '.join(BENCHMARKS)})")
    parser.add_argument("--quick", action="store_true", help="a fast smoke run")
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "results"))
    args = parser.parse_args(argv)
    names = args.names or BENCHMARKS
    unknown = set(names) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    figures = []
    for name in names:
        t0 = time.perf_counter()
        print(f"== {name}", flush=True)
        module = importlib.import_module(f"bench.bench_{name}")
        result = module.run(quick=args.quick)
        for f in result:
            mark = "" if f.ok is None else ("  ok" if f.ok else "  MISSED")
            print(f"   {f.name}: {f.cell()} {f.target}{mark}  {f.note}", flush=True)
        figures += result
        print(f"   ({time.perf_counter() - t0:.1f} s)", flush=True)
    command = "python -m bench" + "".join(f" {a}" for a in (argv if argv is not None
                                                             else sys.argv[1:]))
    path = write(figures, Path(args.out), args.quick, command)
    print(f"table written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
