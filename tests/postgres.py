"""A throwaway PostgreSQL server for the store tests: its own data folder, a Unix socket only
(no TCP port), started once per test session and removed afterwards."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile


def find_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


class TempPostgres:
    def __init__(self):
        self.initdb, self.pg_ctl = find_bin("initdb"), find_bin("pg_ctl")
        if not self.initdb or not self.pg_ctl:
            raise RuntimeError("PostgreSQL server binaries not found: run `make system-deps`")
        self.dir = tempfile.mkdtemp(prefix="wb-pg-")
        self.data = os.path.join(self.dir, "data")
        # PostgreSQL refuses to run as root; as root, run it as the 'postgres' user.
        self.prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.prefix:
            shutil.chown(self.dir, "postgres")
        os.chmod(self.dir, 0o755)

    def _run(self, *cmd):
        subprocess.run([*self.prefix, *cmd], check=True, capture_output=True, timeout=120)

    def start(self) -> str:
        self._run(self.initdb, "-D", self.data, "-A", "trust", "-U", "workbench",
                  "-E", "UTF8", "--locale=C")
        return self.launch()

    def launch(self) -> str:
        """Start the server on the existing data folder (again, after a crash: PostgreSQL
        recovers from its write-ahead log); returns its URL."""
        self._run(self.pg_ctl, "-D", self.data, "-w", "-l", os.path.join(self.dir, "log"),
                  "-o", f"-k {self.dir} -c listen_addresses='' -p 5433 -c fsync=off", "start")
        return f"postgresql+psycopg://workbench@/postgres?host={self.dir}&port=5433"

    def postmaster_pid(self) -> int:
        with open(os.path.join(self.data, "postmaster.pid")) as f:
            return int(f.readline())

    def stop(self) -> None:
        try:
            self._run(self.pg_ctl, "-D", self.data, "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
