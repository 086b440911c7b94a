"""Every setting of the workbench, declared once with its help text: the shared ones here,
each domain's in its own ``settings`` module, read through :mod:`workbench.registry`.

A setting is read from the environment variable ``WORKBENCH_<NAME>`` (upper case) and
falls back to its default. ``workbench settings`` prints this table. Voilà kernels inherit
the environment of ``workbench serve``, so a page reads the same settings as the command.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
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

#: The settings every domain shares: where data lives, the servers, the language.
SETTINGS = [
    Setting("home", str(PROJECT_DIR / "var"),
            "Folder for the SQLite database, logs and runtime files."),
    Setting("database_url", "",
            "SQLAlchemy URL of the database. Empty: a SQLite file workbench.db in the home folder. "
            "Use postgresql+psycopg://user@host/db for a deployment with several Voilà servers."),
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
    Setting("cull_idle_seconds", 45,
            "A resident kernel with no page connected is shut down this many seconds after its "
            "last page left (or after it last worked, for a page never connected): a closed "
            "page whose browser did not say goodbye otherwise leaves its kernel running. A "
            "phone away longer than this finds its page ended and reloads it.", int),
    Setting("cull_interval_seconds", 15, "How often idle kernels are looked for.", int),
    Setting("max_kernels", 0,
            "Most resident kernels at once (open pages and those kept ready); a visitor beyond "
            "it gets a 'busy, try again in a minute' page. 0: sized from memory when the "
            "server starts, (available memory - memory_reserve_mib) / kernel_memory_mib.", int),
    Setting("kernel_memory_mib", 110,
            "Memory one resident page's kernel takes, with headroom (measured 83 MiB on a busy "
            "page and up to 91 MiB in a workshop: python -m bench resident_page, workshop), "
            "for sizing max_kernels.", int),
    Setting("memory_reserve_mib", 2048,
            "Memory kept for the system, the database and the servers themselves when "
            "max_kernels is sized from memory.", int),
    Setting("pages_per_minute_per_client", 20,
            "New resident pages one client may open per minute; beyond it a 'too many pages, "
            "try again in a minute' page (0: no limit). Residents behind one address (a "
            "venue's Wi-Fi, a carrier's NAT) count as one client: raise it before sending the "
            "link to a large group chat. In meeting mode (serve --workshop) it is at least "
            "twice workshop_pool.", int),
    Setting("trusted_proxies", "",
            "Reverse proxies in front of the resident server (addresses or networks, e.g. "
            "127.0.0.1 or 10.0.0.0/8). Only a request from one of them is counted by the "
            "right-most X-Forwarded-For address that is not a proxy; otherwise by the "
            "connection's address.", str),
    Setting("debug", False, "Show extra logging in the server terminal.", _bool),
    # the walking analysis (workbench/geo/walking.py, docs/walking.md)
    Setting("walking_speed_m_per_min", 60.0,
            "Walking speed for the life-circle analysis, metres a minute (60 to 80 are both in "
            "use; elderly residents walk nearer 60). Turns minutes into metres for a time the "
            "standard gives no distance for, and for all when walking_thresholds_m is "
            "'speed'.", float),
    Setting("walking_thresholds_m", "",
            "Walking distances of the 5-, 10- and 15-minute life circles, metres, e.g. "
            "300,500,800. Empty: GB 50180-2018's 300, 500 and 1000 m (workbench/data/"
            "standards.yaml). 'speed': minutes times walking_speed_m_per_min."),
    Setting("walking_access_max_m", 150.0,
            "A building whose centre is farther than this from every road or path is measured "
            "in a straight line (and named so): its way to the network is not mapped.", float),
    Setting("walking_band_m", 30.0,
            "Half-width in metres of the band drawn along the paths a service area reaches.",
            float),
]



def all_settings() -> list[Setting]:
    """The shared settings above, then every domain's (``workbench/<domain>/settings.py``)."""
    from workbench import registry

    return SETTINGS + registry.settings()


@lru_cache(maxsize=1)
def _by_name() -> dict[str, Setting]:
    return {s.name: s for s in all_settings()}


def get(name: str) -> Any:
    """The value of one setting, from the environment or its default."""
    setting = _by_name()[name]
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
    for s in all_settings():
        lines.append(f"{s.env} = {get(s.name)!r}")
        lines.append(f"    {s.help}")
    return "\n".join(lines)
