"""`workbench serve` as `make run` uses it: both servers up, the token printed, Ctrl-C stops
both cleanly."""

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
import requests

from servers import free_port, wait_for_port

pytestmark = pytest.mark.server


def port_open(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_serve_runs_both_servers_until_ctrl_c(workbench_env):
    vport, lport = free_port(), free_port()
    env = dict(os.environ, WORKBENCH_VOILA_PORT=str(vport), WORKBENCH_LAB_PORT=str(lport),
               WORKBENCH_PREHEAT_KERNELS="1")
    proc = subprocess.Popen([sys.executable, "-m", "workbench.cli", "serve"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    output = []
    # drain the servers' output all along: a full pipe would block them
    reader = threading.Thread(target=lambda: output.extend(iter(proc.stdout.readline, "")),
                              daemon=True)
    reader.start()
    try:
        wait_for_port(vport, proc, timeout=90)
        wait_for_port(lport, proc, timeout=90)
        while not any("token=" in line for line in output):
            time.sleep(0.1)
        token = re.search(r"token=([0-9a-f]+)", "".join(output)).group(1)
        page = requests.get(f"http://127.0.0.1:{vport}/", timeout=60)
        assert page.status_code == 200, "".join(output)[-3000:]
        # JupyterLab answers with its token, and refuses without it
        api = f"http://127.0.0.1:{lport}/api/contents/notebooks"
        assert requests.get(api, timeout=30).status_code == 403
        listing = requests.get(api, params={"token": token}, timeout=30).json()
        assert "planner.ipynb" in {item["name"] for item in listing["content"]}
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in the terminal sends
        assert proc.wait(timeout=30) == 0
        reader.join(timeout=10)
        assert "stopped." in "".join(output[-20:])
        deadline = time.time() + 10
        while (port_open(vport) or port_open(lport)) and time.time() < deadline:
            time.sleep(0.2)
        assert not port_open(vport) and not port_open(lport)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)


def test_each_page_loads_only_the_widget_front_ends_it_names(tmp_path):
    """The residents' page loads anywidget (its map) and not ipyleaflet's 1 MiB of plugins; the
    screen neither; a notebook that names nothing (a planner's, served as an app) gets all."""
    from workbench import serve

    base = serve.BASE_EXTENSIONS
    assert serve.page_extensions(serve.RESIDENT_NOTEBOOK) == base + ["anywidget"]
    assert serve.page_extensions(serve.WORKSHOP_NOTEBOOK) == base
    plain = tmp_path / "plain.ipynb"
    plain.write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    assert serve.page_extensions(plain) == base + serve.WIDGET_EXTENSIONS
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{")
    assert serve.page_extensions(broken) == base + serve.WIDGET_EXTENSIONS
    command = serve.voila_command(serve.RESIDENT_NOTEBOOK, port=1, preheat=0)
    assert f"--VoilaConfiguration.extension_allowlist={base + ['anywidget']!r}" in command
