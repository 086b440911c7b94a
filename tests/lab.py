"""JupyterLab for the browser tests of the planners' notebooks: a server on a folder of
notebooks whose kernels use a given WORKBENCH_HOME and the demo layers, and a browser context
kept offline (only that server is reachable). A plain module, importable by name."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from servers import DEMO_LAYERS, free_port, wait_for_port


def lab_env(home: Path) -> dict[str, str]:
    """The environment of the server and its kernels (and of a seeding script)."""
    return {**os.environ, "WORKBENCH_HOME": str(home), "WORKBENCH_LAYERS_DIR": str(DEMO_LAYERS),
            "JUPYTER_CONFIG_DIR": str(home / "jupyter-config"),
            "JUPYTER_RUNTIME_DIR": str(home / "jupyter-runtime")}


@contextmanager
def jupyterlab(root: Path, home: Path, token: str):
    """JupyterLab serving ``root``; yields its base URL. Its log is ``home/lab.log``."""
    port = free_port()
    log = open(home / "lab.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
         "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={root}", "--LabApp.news_url=", "--ServerApp.port_retries=0",
         "--allow-root"],
        env=lab_env(home), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for_port(port, proc, 120)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def offline(context, base: str) -> None:
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                  else route.abort())


def offline_page(browser, base: str, viewport: dict, **context_options):
    """A page that reaches nothing but ``base`` (a generous timeout: kernels start slowly on a
    busy machine), and the list its page errors are put in: (context, page, errors)."""
    context = browser.new_context(viewport=viewport, **{"locale": "zh-CN", **context_options})
    context.set_default_timeout(120_000)
    offline(context, base)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return context, page, errors


def run_all(page, base: str, token: str, name: str, tool: str):
    """Open notebook ``name`` in JupyterLab, Run All, and wait until the kernel is idle again
    with the tool (CSS selector ``tool`` in an output) drawn; returns the tool's locator."""
    page.goto(f"{base}/lab/tree/{name}?token={token}&reset")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", state="attached")
    # the kernel is connected once the status bar says so
    page.get_by_text(re.compile(r"\| Idle$")).first.wait_for()
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click()
    found = page.locator(f".jp-OutputArea {tool}").first
    found.wait_for(state="visible")
    page.get_by_text(re.compile(r"\| Idle$")).first.wait_for()
    time.sleep(2)
    news = page.get_by_role("button", name="No", exact=True)   # JupyterLab's news toast
    if news.count():
        news.first.click()
    return found
