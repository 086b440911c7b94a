"""Servers for tests: the package's own (what `workbench serve` runs), with the demo layers and
no pause between submissions. A plain module (not conftest), importable by name anywhere under
tests/."""

from __future__ import annotations

from pathlib import Path

from workbench import serve
from workbench.serve import free_port, wait_for_port  # noqa: F401  (for test modules)

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEMO_LAYERS = PROJECT_DIR / "layers" / "demo"


class VoilaServer(serve.VoilaServer):
    def __init__(self, home: Path, **kwargs):
        extra = {"WORKBENCH_LAYERS_DIR": str(DEMO_LAYERS),
                 "WORKBENCH_SECONDS_BETWEEN_SUBMISSIONS": "0", **kwargs.pop("extra_env", {})}
        super().__init__(home, extra_env=extra, **kwargs)


#: Debian's Chromium (`make system-deps`), as every browser test launches it: offline, no
#: sandbox (containers), nothing fetched in the background
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
