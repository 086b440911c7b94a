"""Where the tests find the real Pol.is conversation (tests/data/polis, see its README)."""

from pathlib import Path

POLIS_DATA = Path(__file__).resolve().parent / "data" / "polis"
BG2050 = POLIS_DATA / "bg2050-volunteers"
