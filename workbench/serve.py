"""Starting the two servers: Voilà for residents, JupyterLab for planners.

The command lines are built here, once, and used by ``workbench serve`` and by the tests, so
what is tested is what runs.
"""

from __future__ import annotations

import ctypes
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from workbench import settings

PUBLIC_NOTEBOOKS = settings.PROJECT_DIR / "notebooks" / "public"
RESIDENT_NOTEBOOK = PUBLIC_NOTEBOOKS / "resident.ipynb"
#: the workshop's projected screen, served by a second Voilà on ``workshop_port``
WORKSHOP_NOTEBOOK = PUBLIC_NOTEBOOKS / "workshop.ipynb"
#: kernels kept ready for the screen: one facilitator opens it, maybe twice
SCREEN_PREHEAT = 1
#: In meeting mode a kernel taken from the pool is replaced this many seconds later (Voilà's
#: default: 1 s). Starting a kernel costs about 1.8 s of CPU and a phone's page about 1 s
#: (its kernel and Voilà's server); sixty phones arriving within a minute on 2 cores, with the
#: pool refilling right behind them, waited a minute for their pages (bench/bench_workshop.py;
#: with a 60 s delay the refills still overlapped the proposals). With the pool sized for the
#: meeting, the refills start once the arrivals and first proposals are over.
WORKSHOP_FILL_DELAY = 120


#: the front-end extensions every page loads: Voilà's widget manager and the widgets' own
BASE_EXTENSIONS = ["@voila-dashboards/widgets-manager8", "@jupyter-widgets/jupyterlab-manager"]
#: the widget libraries' front ends a page may need: ipyleaflet's (the planners' map, some
#: 1 MiB of plugins) and anywidget (the residents' map, workbench/layers/page_map_widget.py)
WIDGET_EXTENSIONS = ["jupyter-leaflet", "anywidget"]


def page_extensions(notebook: Path) -> list[str]:
    """The front-end extensions Voilà loads for ``notebook``: the base ones, and of the widget
    libraries those it names in its metadata (``workbench.widget_libraries``); a notebook that
    names none (a planner's notebook served as an app) gets them all."""
    try:
        metadata = json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, ValueError):
        metadata = {}
    named = (metadata.get("workbench") or {}).get("widget_libraries")
    if not isinstance(named, list):
        return BASE_EXTENSIONS + WIDGET_EXTENSIONS
    return BASE_EXTENSIONS + [name for name in WIDGET_EXTENSIONS if name in named]


def voila_command(notebook: Path = RESIDENT_NOTEBOOK, *, port: int | None = None,
                  preheat: int | None = None, cull_idle: int | None = None,
                  cull_interval: int | None = None,
                  fill_delay: float | None = None) -> list[str]:
    """The Voilà command line for a public notebook, with the settings that hold up in use.

    - single-notebook mode with the public folder as root: no other notebook is reachable;
      static files only from an allowlist of images (never .py, .ipynb or .db);
    - kernels over IPC: TCP ports of preheated kernels sometimes clashed ("Address already in
      use") and left a page hanging;
    - a closed page's kernel culled ``cull_idle`` seconds after its page left (the idle time
      restarts at the last disconnection: :class:`workbench.resident_kernels.ResidentKernels`);
      a page whose browser says goodbye shuts its kernel down at once itself;
    - page requests admitted before a kernel starts: a cap on resident kernels and a limit of
      new pages per client a minute (settings ``max_kernels``, ``pages_per_minute_per_client``,
      ``trusted_proxies``), read by :mod:`workbench.voila_app` from the environment;
    - no tracebacks sent to the browser, sources stripped; malformed paths answer 404, not
      500 (:mod:`workbench.voila_app`, Voilà with those paths refused);
    - ``fill_delay``: seconds before a used preheated kernel is replaced (Voilà's default
      when None).
    """
    port = settings.get("voila_port") if port is None else port
    preheat = settings.get("preheat_kernels") if preheat is None else preheat
    cull_idle = settings.get("cull_idle_seconds") if cull_idle is None else cull_idle
    cull_interval = settings.get("cull_interval_seconds") if cull_interval is None else cull_interval
    # IPC sockets live in Voilà's default connection folder under the system temp dir: a
    # Unix socket path must stay under 108 bytes, which a deep home folder would exceed.
    cmd = [
        sys.executable, "-m", "workbench.voila_app", str(notebook),
        f"--Voila.ip={settings.get('bind')}", f"--port={port}", "--no-browser",
        # a busy port is an error (serve says which), never a quiet move to the next one
        "--Voila.port_retries=0",
        f"--Voila.root_dir={notebook.parent}",
        "--VoilaConfiguration.strip_sources=True",
        "--VoilaConfiguration.template=workbench",
        "--VoilaConfiguration.show_tracebacks=False",
        # only the front-end extensions the page uses (not every one installed: pygments...)
        f"--VoilaConfiguration.extension_allowlist={page_extensions(notebook)!r}",
        r"--VoilaConfiguration.file_allowlist=.*\.(png|jpg|jpeg|gif|svg|webp)$",
        r"--VoilaConfiguration.file_denylist=.*\.(ipynb|py|db|sqlite|yaml|yml|json|env|log)$",
        "--KernelManager.transport=ipc",
        f"--MappingKernelManager.cull_idle_timeout={cull_idle}",
        f"--MappingKernelManager.cull_interval={cull_interval}",
        "--MappingKernelManager.cull_connected=False",
        "--VoilaConfiguration.multi_kernel_manager_class="
        "workbench.resident_kernels.ResidentKernels",
        "--MappingKernelManager.allow_tracebacks=False",
        "--MappingKernelManager.kernel_manager_class="
        "workbench._kernel_manager.ResidentKernelManager",
        # a resident's photo reaches the kernel in one websocket message: tornado's 10 MiB
        # limit would drop the page's connection, with no word, for a photo above it, where
        # the page can say "too large" instead
        "--Voila.tornado_settings={'websocket_max_message_size': %d}"
        % max(32 * 2**20, 2 * settings.get("photo_max_bytes")),
    ]
    if preheat > 0:
        cmd += ["--VoilaConfiguration.preheat_kernel=True",
                f"--VoilaConfiguration.default_pool_size={preheat}"]
        if fill_delay is not None:
            cmd.append(f"--VoilaKernelManager.fill_delay={fill_delay}")
    return cmd


def lab_command(token: str, *, port: int | None = None) -> list[str]:
    port = settings.get("lab_port") if port is None else port
    return [
        sys.executable, "-m", "jupyterlab", f"--ServerApp.ip={settings.get('bind')}",
        f"--ServerApp.port={port}", "--ServerApp.port_retries=0", "--no-browser",
        f"--ServerApp.root_dir={settings.PROJECT_DIR}",
        f"--IdentityProvider.token={token}",
        "--KernelManager.transport=ipc",
        "--ServerApp.open_browser=False",
    ] + (["--ServerApp.allow_root=True"] if os.geteuid() == 0 else [])


def server_env() -> dict[str, str]:
    """The environment for both servers: settings resolved to absolute values so kernels
    started anywhere read the same database and layers."""
    env = dict(os.environ)
    env["WORKBENCH_HOME"] = str(settings.home())
    env["WORKBENCH_DATABASE_URL"] = settings.database_url()
    env["WORKBENCH_LAYERS_DIR"] = str(Path(settings.get("layers_dir")).resolve())
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    # the project's own Voilà template (share/jupyter/voila/templates/workbench)
    share = str(settings.PROJECT_DIR / "share" / "jupyter")
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (share, env.get("JUPYTER_PATH")) if p)
    return env


def meeting_env(env: dict[str, str], pool: int) -> dict[str, str]:
    """The resident server's environment in meeting mode: the phones in the room share the
    venue's Wi-Fi, one address, so the per-client limit of new pages covers them all (twice
    the pool: each phone may reload once)."""
    per_client = settings.get("pages_per_minute_per_client")
    if per_client <= 0:
        return env
    return {**env, "WORKBENCH_PAGES_PER_MINUTE_PER_CLIENT": str(max(per_client, 2 * pool))}


#: Linux's prctl option: a signal the kernel sends a process when its parent dies
PR_SET_PDEATHSIG = 1


class PortBusy(RuntimeError):
    """A port serve needs is taken: nothing was started."""


def _die_with_serve(parent: int):
    """For ``preexec_fn``: the child gets SIGTERM when serve dies, even by SIGKILL, so no
    server outlives it (their kernels follow: ipykernel exits when its server goes)."""
    def preexec():
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # serve died before the prctl: no signal would come
            os.kill(os.getpid(), signal.SIGTERM)
    return preexec if sys.platform.startswith("linux") else None


def check_ports_free(ports: dict[str, int], bind: str) -> None:
    """Refuse to start when a port is taken (another serve, or anything else), naming the
    setting that moves it. Bound as Tornado binds (SO_REUSEADDR), so a port left in TIME_WAIT
    by a crashed serve counts as free and a restart serves again at once."""
    seen: dict[int, str] = {}
    for name, port in ports.items():
        if port in seen:
            raise PortBusy(f"the {name} and {seen[port]} settings are both port {port}: give "
                           "each server its own port")
        seen[port] = name
        with socket.socket(socket.AF_INET6 if ":" in bind else socket.AF_INET) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind((bind, port))
            except OSError as exc:
                raise PortBusy(
                    f"port {port} on {bind} ({name} setting) is already in use ({exc.strerror})"
                    f": is another 'workbench serve' running? Stop it, or choose another port "
                    f"with WORKBENCH_{name.upper()}") from exc


def serve(lab: bool = True, workshop: bool = False, screen: bool = True) -> int:
    """Run Voilà (and JupyterLab) in the foreground until Ctrl-C, then stop both cleanly.

    ``workshop``: meeting mode. The resident server keeps ``workshop_pool`` kernels ready
    instead of ``preheat_kernels`` (sixty phones scanning the QR code within a minute), and a
    second Voilà serves the projected screen on ``workshop_port``. Outside a meeting neither is
    wanted: the screen's server and kernel and the large pool cost memory and CPU for nobody.
    ``screen`` False: meeting mode without the screen, for a second resident server behind a
    proxy (README, "Two servers, one database"): one server shows the screen for both.

    The servers run in their own sessions so that Ctrl-C in the terminal reaches serve alone
    (JupyterLab would ask "Shutdown this Jupyter server (y/[n])?") and serve stops them in
    order; and they die with serve, whatever kills it.
    """
    bind = settings.get("bind")
    ports = {"voila_port": settings.get("voila_port")}
    screen = workshop and screen
    if screen:
        ports["workshop_port"] = settings.get("workshop_port")
    if lab:
        ports["lab_port"] = settings.get("lab_port")
    try:
        check_ports_free(ports, bind)
    except PortBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    env = server_env()
    procs: list[subprocess.Popen] = []
    token = secrets.token_hex(24)
    pool = settings.get("workshop_pool") if workshop else settings.get("preheat_kernels")
    supervised = dict(env=env, start_new_session=True, preexec_fn=_die_with_serve(os.getpid()))
    procs.append(subprocess.Popen(
        voila_command(preheat=pool, fill_delay=WORKSHOP_FILL_DELAY if workshop else None),
        **{**supervised, "env": meeting_env(env, pool) if workshop else env}))
    if screen:
        procs.append(subprocess.Popen(
            voila_command(WORKSHOP_NOTEBOOK, port=settings.get("workshop_port"),
                          preheat=SCREEN_PREHEAT), **supervised))
    if lab:
        procs.append(subprocess.Popen(lab_command(token), **supervised))
    lines = [f"  Resident web app (Voilà):  http://{bind}:{settings.get('voila_port')}/"
             + (f"  ({pool} kernels kept ready)" if workshop else "")]
    if screen:
        lines.append(f"  Workshop screen:           http://{bind}:{settings.get('workshop_port')}/"
                     "  (open the link 'workbench workshop open' printed: it carries the "
                     "facilitator's token)")
    if lab:
        lines.append(f"  Planners (JupyterLab):     "
                     f"http://{bind}:{settings.get('lab_port')}/lab?token={token}")
    print("\n" + "\n".join(lines) + "\n  Press Ctrl-C to stop.\n", flush=True)

    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    code = 0
    try:
        while not stopping:
            for p in procs:
                if p.poll() is not None:
                    print(f"a server stopped (exit {p.returncode}); stopping the others",
                          file=sys.stderr)
                    code = p.returncode or 1
                    stopping = True
            time.sleep(0.3)
    finally:
        for p in procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        deadline = time.time() + 15
        for p in procs:
            try:
                p.wait(timeout=max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
        print("stopped.", flush=True)
    return code


# -- a Voilà server in the background, for tests and benchmarks ------------------------------
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
    """A resident server as ``workbench serve`` starts it (same command line), on a free
    port, with its own home folder and database; for tests and benchmarks."""

    def __init__(self, home: Path, *, notebook: Path = RESIDENT_NOTEBOOK, preheat: int = 1,
                 cull_idle: int = 600, cull_interval: int = 60, extra_env: dict | None = None,
                 fill_delay: float | None = None):
        self.home = Path(home)
        self.notebook = notebook
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        # every client of a test or a benchmark is this machine, one address: the per-client
        # limit of new pages would take them all for one flooding client (tests of the limit
        # set it)
        self.env_overrides = {"WORKBENCH_HOME": str(self.home),
                              "WORKBENCH_PAGES_PER_MINUTE_PER_CLIENT": "0", **(extra_env or {})}
        self.preheat, self.cull_idle, self.cull_interval = preheat, cull_idle, cull_interval
        self.fill_delay = fill_delay
        self.proc: subprocess.Popen | None = None
        self.log = None

    def start(self, timeout: float = 60) -> "VoilaServer":
        from workbench.demo import init

        saved = {k: os.environ.get(k) for k in self.env_overrides}
        os.environ.update(self.env_overrides)
        try:
            init()
            cmd = voila_command(self.notebook, port=self.port, preheat=self.preheat,
                                cull_idle=self.cull_idle, cull_interval=self.cull_interval,
                                fill_delay=self.fill_delay)
            env = server_env()
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        self.home.mkdir(parents=True, exist_ok=True)
        self.log_path = self.home / "voila.log"
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(cmd, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        wait_for_port(self.port, self.proc, timeout)
        return self

    @property
    def database_url(self) -> str:
        return (self.env_overrides.get("WORKBENCH_DATABASE_URL")
                or f"sqlite:///{self.home / 'workbench.db'}")

    def kernel_pids(self) -> list[int]:
        """Live kernel processes of this server (a culled kernel may linger as a zombie)."""
        import psutil

        pids = []
        for p in psutil.Process(self.proc.pid).children(recursive=True):
            try:
                if p.status() != psutil.STATUS_ZOMBIE and "ipykernel" in " ".join(p.cmdline()):
                    pids.append(p.pid)
            except psutil.Error:  # gone between listing and looking
                pass
        return pids

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        if self.log:
            self.log.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
