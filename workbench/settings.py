"""Every setting of the workbench, declared once with its help text.

A setting is read from the environment variable ``WORKBENCH_<NAME>`` (upper case) and
falls back to its default. ``workbench settings`` prints this table. Voilà kernels inherit
the environment of ``workbench serve``, so a page reads the same settings as the command.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str

    @property
    def env(self) -> str:
        return "WORKBENCH_" + self.name.upper()


def _bool(text: str) -> bool:
    return text.strip().lower() in {"1", "true", "yes", "on"}


#: The project folder: where layers/, surveys/ and notebooks/ live.
PROJECT_DIR = Path(__file__).resolve().parent.parent

SETTINGS = [
    Setting("home", str(PROJECT_DIR / "var"),
            "Folder for the SQLite database, logs and runtime files."),
    Setting("database_url", "",
            "SQLAlchemy URL of the database. Empty: a SQLite file workbench.db in the home folder. "
            "Use postgresql+psycopg://user@host/db for a deployment with several Voilà servers."),
    Setting("layers_dir", str(PROJECT_DIR / "layers" / "demo"),
            "Folder of the community's layers (community.yaml and GeoJSON files)."),
    Setting("surveys_dir", str(PROJECT_DIR / "surveys"),
            "Folder of survey files (one YAML file per survey); 'workbench init' publishes them."),
    Setting("community", "heguang",
            "Identifier of the community the resident page shows (its id in community.yaml)."),
    Setting("basemap", "none",
            "Web tiles under the map: none (the community's own layers only, works offline), "
            "osm, or a tile URL template. Gaode/Tencent tiles use GCJ-02 and are not offered."),
    Setting("default_language", "zh",
            "Language of the resident page when the link does not say (?lang=en): zh or en."),
    Setting("voila_port", 8866, "Port of the resident web app (Voilà).", int),
    Setting("public_url", "",
            "The address residents open (printed as QR codes on participation-code slips). "
            "Empty: http://<bind>:<voila_port>/."),
    Setting("chromium", "/usr/bin/chromium",
            "Chromium used to print PDFs (Debian's package chromium)."),
    Setting("lab_port", 8888, "Port of JupyterLab for planners.", int),
    Setting("bind", "127.0.0.1",
            "Address both servers listen on. Put a reverse proxy with TLS in front for residents."),
    Setting("preheat_kernels", 2,
            "Pre-started kernels kept ready for the resident page (0 turns preheating off). "
            "Each takes about as much memory as one open page.", int),
    Setting("workshop_port", 8867,
            "Port of the workshop screen (Voilà serving notebooks/public/workshop.ipynb), "
            "started by 'workbench serve --workshop'. The screen needs the facilitator's token "
            "that 'workbench workshop open' prints.", int),
    Setting("workshop_pool", 60,
            "Resident kernels started before a workshop and kept ready ('workbench serve "
            "--workshop' uses it instead of preheat_kernels). Set it before the meeting to the "
            "number of phones expected: each kernel takes about 100 MiB (60: some 6 GiB) and "
            "about 2 s of CPU to start, so start the server a few minutes early. A kernel "
            "taken is replaced only two minutes later, once the arrivals are over; phones "
            "beyond the pool wait for those. Measured by bench/bench_workshop.py.", int),
    Setting("cull_idle_seconds", 600,
            "A resident kernel idle this long is shut down: a closed page otherwise leaves "
            "its kernel running.", int),
    Setting("cull_interval_seconds", 60, "How often idle kernels are looked for.", int),
    Setting("title_max_chars", 60, "Longest proposal title accepted.", int),
    Setting("description_max_chars", 1000, "Longest proposal description accepted.", int),
    Setting("name_max_chars", 40, "Longest optional author name accepted.", int),
    Setting("submissions_per_page", 10,
            "Most proposals one page session may submit (a limit against flooding).", int),
    Setting("seconds_between_submissions", 5,
            "Least time between two proposals from one page session.", float),
    Setting("debug", False, "Show extra logging in the server terminal.", _bool),
]

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> Any:
    """The value of one setting, from the environment or its default."""
    setting = _BY_NAME[name]
    raw = os.environ.get(setting.env)
    if raw is None or raw == "":
        return setting.default
    return setting.parse(raw)


def home() -> Path:
    path = Path(get("home"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url() -> str:
    url = get("database_url")
    if url:
        return url
    return f"sqlite:///{home() / 'workbench.db'}"


def describe() -> str:
    """A plain-text table of every setting, its variable, value and help."""
    lines = []
    for s in SETTINGS:
        lines.append(f"{s.env} = {get(s.name)!r}")
        lines.append(f"    {s.help}")
    return "\n".join(lines)
