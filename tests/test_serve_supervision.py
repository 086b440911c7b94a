"""`workbench serve` supervises what it starts: killed, even by SIGKILL, it leaves no server or
kernel behind, and a restart serves again on the same ports; a busy port is an error that says
so, never a quiet move to another port."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time

import psutil
import pytest
import requests

from servers import free_port, wait_for_port
from workbench.serve import voila_command

pytestmark = pytest.mark.server


def alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def port_open(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def listeners(*ports) -> list:
    """Which processes listen on ``ports`` (to say who holds one that should be closed)."""
    found = []
    for conn in psutil.net_connections(kind="tcp"):
        if conn.status == psutil.CONN_LISTEN and conn.laddr and conn.laddr.port in ports:
            try:
                found.append((conn.laddr.port, conn.pid,
                              psutil.Process(conn.pid).cmdline()[:4] if conn.pid else None))
            except psutil.Error:
                found.append((conn.laddr.port, conn.pid, None))
    return found


def start_serve(env):
    # its own session, as a terminal's job is: the test kills serve's process alone
    proc = subprocess.Popen([sys.executable, "-m", "workbench.cli", "serve"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    output = []
    threading.Thread(target=lambda: output.extend(iter(proc.stdout.readline, "")),
                     daemon=True).start()  # a full pipe would block the servers
    return proc, output


def kernels(pids):
    return [p for p in pids if alive(p) and "ipykernel" in " ".join(psutil.Process(p).cmdline())]


def test_a_killed_serve_leaves_nothing_running_and_a_restart_serves_again(workbench_env):
    vport, lport = free_port(), free_port()
    env = dict(os.environ, WORKBENCH_VOILA_PORT=str(vport), WORKBENCH_LAB_PORT=str(lport),
               WORKBENCH_PREHEAT_KERNELS="1")
    proc, output = start_serve(env)
    descendants = []
    try:
        wait_for_port(vport, proc, timeout=90)
        wait_for_port(lport, proc, timeout=90)
        while not any("token=" in line for line in output):
            time.sleep(0.1)
        token = "".join(output).split("token=", 1)[1].split()[0]
        # a resident's page (its kernel) and a planner's kernel in JupyterLab
        assert requests.get(f"http://127.0.0.1:{vport}/", timeout=60).status_code == 200
        started = requests.post(f"http://127.0.0.1:{lport}/api/kernels",
                                params={"token": token}, json={}, timeout=60)
        assert started.status_code == 201, started.text
        deadline = time.time() + 60
        while time.time() < deadline:
            descendants = [p.pid for p in psutil.Process(proc.pid).children(recursive=True)]
            if len(kernels(descendants)) >= 2:
                break
            time.sleep(0.5)
        assert len(kernels(descendants)) >= 2, "".join(output)[-3000:]
        assert len(descendants) >= 4  # Voilà, JupyterLab and their kernels

        proc.send_signal(signal.SIGKILL)  # serve's process alone, as the OOM killer would
        proc.wait(timeout=10)
        deadline = time.time() + 30
        while any(alive(p) for p in descendants) and time.time() < deadline:
            time.sleep(0.2)
        left = [psutil.Process(p).cmdline()[:3] for p in descendants if alive(p)]
        assert not left, f"orphans after serve was killed: {left}"
        # the dead servers' ports close (a moment after the processes: the kernel's cleanup)
        while (port_open(vport) or port_open(lport)) and time.time() < deadline + 15:
            time.sleep(0.2)
        assert not port_open(vport) and not port_open(lport), listeners(vport, lport)

        # a restart on the same ports serves again at once
        proc, output = start_serve(env)
        wait_for_port(vport, proc, timeout=90)
        assert requests.get(f"http://127.0.0.1:{vport}/", timeout=60).status_code == 200
        os.killpg(proc.pid, signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        for pid in descendants:  # never leave a test's servers behind, whatever failed
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_a_busy_port_is_an_error_that_names_it(workbench_env):
    lport = free_port()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        vport = busy.getsockname()[1]
        env = dict(os.environ, WORKBENCH_VOILA_PORT=str(vport), WORKBENCH_LAB_PORT=str(lport))
        done = subprocess.run([sys.executable, "-m", "workbench.cli", "serve"], env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 1
        assert (f"error: port {vport} on 127.0.0.1 (voila_port setting) is already in use"
                in done.stderr), done.stderr
        assert "WORKBENCH_VOILA_PORT" in done.stderr
        assert not port_open(lport)  # nothing was started


def test_voila_itself_never_moves_to_another_port(workbench_env):
    """The servers' own refusal, for a port taken between serve's check and their start."""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        # a Voilà that moved to another port would serve there and never exit
        done = subprocess.run(voila_command(port=port, preheat=0), capture_output=True,
                              text=True, timeout=120)
        assert done.returncode != 0
        assert f"The port {port} is already in use" in done.stderr
        assert "Voilà is running at" not in done.stderr
