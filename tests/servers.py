"""Servers for tests, started as `workbench serve` starts them. A plain module (not conftest)
so that test modules anywhere under tests/ can import it by name."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEMO_LAYERS = PROJECT_DIR / "layers" / "demo"


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
