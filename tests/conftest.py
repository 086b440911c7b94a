"""Fixtures meant to be overridden per test module (as Voilà's own tests do): a module that
needs another community or server settings defines a fixture of the same name."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import pytest

from communities import write_community

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEMO_LAYERS = PROJECT_DIR / "layers" / "demo"


@pytest.fixture(autouse=True)
def workbench_env(tmp_path, monkeypatch):
    """Every test gets its own home folder, so no test touches the developer's database."""
    home = tmp_path / "home"
    monkeypatch.setenv("WORKBENCH_HOME", str(home))
    monkeypatch.delenv("WORKBENCH_DATABASE_URL", raising=False)
    monkeypatch.setenv("WORKBENCH_LAYERS_DIR", str(DEMO_LAYERS))
    monkeypatch.setenv("WORKBENCH_SECONDS_BETWEEN_SUBMISSIONS", "0")
    return home


@pytest.fixture
def community_dir(tmp_path) -> Path:
    return write_community(tmp_path / "community")


@pytest.fixture
def community(community_dir):
    from workbench.layers import load_community

    return load_community(community_dir)


@pytest.fixture
def store(tmp_path, community):
    from workbench.store import Store

    s = Store(f"sqlite:///{tmp_path / 'test.db'}")
    s.upgrade()
    s.ensure_community(community)
    yield s
    s.dispose()


@pytest.fixture(scope="session")
def postgres_url():
    """A PostgreSQL server for the session (see tests/postgres.py)."""
    from postgres import TempPostgres

    server = TempPostgres()
    url = server.start()
    yield url
    server.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listening on {port} after {timeout} s")


class VoilaServer:
    """The resident server as ``workbench serve`` starts it, on a free port, with its own
    home folder and database."""

    def __init__(self, home: Path, *, preheat: int = 1, cull_idle: int = 600,
                 cull_interval: int = 60, extra_env: dict | None = None):
        self.home = home
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.env_overrides = {
            "WORKBENCH_HOME": str(home),
            "WORKBENCH_LAYERS_DIR": str(DEMO_LAYERS),
            "WORKBENCH_SECONDS_BETWEEN_SUBMISSIONS": "0",
            **(extra_env or {}),
        }
        self.preheat, self.cull_idle, self.cull_interval = preheat, cull_idle, cull_interval
        self.proc = None

    def start(self) -> "VoilaServer":
        saved = {k: os.environ.get(k) for k in self.env_overrides}
        os.environ.update(self.env_overrides)
        try:
            from workbench import serve
            from workbench.demo import init

            init()
            cmd = serve.voila_command(port=self.port, preheat=self.preheat,
                                      cull_idle=self.cull_idle, cull_interval=self.cull_interval)
            env = serve.server_env()
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        self.log_path = self.home / "voila.log"
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(cmd, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        wait_for_port(self.port, self.proc)
        return self

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.home / 'workbench.db'}"

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, 15)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
        self.log.close()


@pytest.fixture(scope="module")
def voila_server(tmp_path_factory):
    server = VoilaServer(tmp_path_factory.mktemp("voila-home")).start()
    yield server
    server.stop()
