"""The planners' notebooks in a real browser: Run All in JupyterLab (no error, the tool drawn,
a file downloaded) and each notebook as a Voilà app for committee members (no code shown, no
error), on a database with survey answers, a topic with votes and a report. Screenshots at
1440x900 in Chinese and English go to WORKBENCH_SCREENSHOTS when it is set."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from servers import DEMO_LAYERS, PROJECT_DIR, VoilaServer, free_port, wait_for_port

pytestmark = [pytest.mark.browser, pytest.mark.server]

DESKTOP = {"width": 1440, "height": 900}
NOTEBOOKS = {  # notebook: (what the tool shows in Chinese, in English, a file it offers)
    "surveys.ipynb": ("问卷结果", "Survey results", "public_space_needs.csv"),
    "planner.ipynb": ("地图与提案", "map and proposals", None),
    "deliberation.ipynb": ("内容管理", "Moderation", "moderation-log-"),
    "home.ipynb": ("地图与提案", "Map and proposals", None),
}


def seed(home: Path) -> None:
    """``workbench init`` on ``home``'s database, then survey answers, a topic with votes and
    a reported proposal."""
    code = (
        "import sys; sys.path[:0] = [{tests!r}, {surveys!r}]\n"
        "from test_charts_export import seed_settings_store\n"
        "from topic_votes import seed_topic\n"
        "from workbench.layers.community import load_community\n"
        "from workbench.store import Store\n"
        "community = load_community({layers!r})\n"
        "seed_settings_store(community, 40)\n"
        "store = Store(); seed_topic(store, community.id)\n"
        "first = store.list_proposals(community.id)[0]['id']\n"
        "store.add_report(community.id, 'proposal', first, '广告', 'device-1')\n"
    ).format(tests=str(PROJECT_DIR / "tests"), surveys=str(PROJECT_DIR / "tests" / "surveys"),
             layers=str(DEMO_LAYERS))
    env = {**os.environ, "WORKBENCH_HOME": str(home), "WORKBENCH_LAYERS_DIR": str(DEMO_LAYERS)}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=300)


def shoot(page, name: str) -> None:
    folder = os.environ.get("WORKBENCH_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on a copy of the notebooks, its kernels on a seeded database."""
    home = tmp_path_factory.mktemp("lab-home")
    root = tmp_path_factory.mktemp("lab-root")
    for name in NOTEBOOKS:
        shutil.copy(PROJECT_DIR / "notebooks" / name, root / name)
    env = {**os.environ, "WORKBENCH_HOME": str(home), "WORKBENCH_LAYERS_DIR": str(DEMO_LAYERS),
           "JUPYTER_CONFIG_DIR": str(home / "jupyter-config"),
           "JUPYTER_RUNTIME_DIR": str(home / "jupyter-runtime")}
    seed(home)    # workbench init, then the answers, votes and report
    port, token = free_port(), "planner-test-token"
    log = open(home / "lab.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
         "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={root}", "--LabApp.news_url=", "--ServerApp.port_retries=0",
         "--allow-root"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for_port(port, proc, 120)
        yield f"http://127.0.0.1:{port}", token, home
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


@pytest.mark.parametrize("name", list(NOTEBOOKS))
def test_run_all_in_jupyterlab(browser, lab, name):
    base, token, _home = lab
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True, locale="zh-CN")
    context.set_default_timeout(120_000)
    offline(context, base)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(f"{base}/lab/tree/{name}?token={token}&reset")
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", state="attached")
        # the kernel is connected once the status bar says so
        page.get_by_text(re.compile(r"\| Idle$")).first.wait_for()
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click()
        zh, en, offered = NOTEBOOKS[name]
        tool = page.locator(".jp-OutputArea .wb-planner").first
        tool.wait_for(state="visible")
        page.get_by_text(re.compile(r"\| Idle$")).first.wait_for()
        time.sleep(2)
        news = page.get_by_role("button", name="No", exact=True)   # JupyterLab's news toast
        if news.count():
            news.first.click()
        outputs = page.locator(".jp-OutputArea")
        assert page.locator(".jp-OutputArea-output[data-mime-type="
                            "'application/vnd.jupyter.stderr']").count() == 0
        assert "Traceback" not in outputs.all_inner_texts().__str__()
        assert zh in tool.inner_text()
        shoot(page, f"lab-{name[:-6]}-zh")
        if offered:
            link = page.locator(f"a.wb-download[download^='{offered}']").first
            with page.expect_download() as got:
                link.click()
            saved = got.value.path()
            assert saved and Path(saved).stat().st_size > 0
        page.locator(".jp-OutputArea .wb-language").first.get_by_text("English").click()
        page.locator(".jp-OutputArea .wb-planner").get_by_text(en).first.wait_for()
        shoot(page, f"lab-{name[:-6]}-en")
        assert not errors
    except Exception:
        shoot(page, f"lab-{name[:-6]}-failed")
        raise
    finally:
        context.close()


@pytest.mark.parametrize("name", list(NOTEBOOKS))
def test_notebook_as_a_voila_app(browser, tmp_path, name):
    server = VoilaServer(tmp_path / "home", notebook=PROJECT_DIR / "notebooks" / name,
                         preheat=0).start()
    try:
        seed(server.home)
        context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
        context.set_default_timeout(120_000)
        offline(context, server.url)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda m: errors.append("console " + m.type + ": " + m.text)
                if m.type == "error" else None)
        page.goto(server.url)
        tool = page.locator(".wb-planner").first
        try:
            tool.wait_for(state="visible")
        except Exception:
            shoot(page, f"voila-{name[:-6]}-failed")
            print(server.log_path.read_text(errors="replace")[-3000:], errors)
            raise
        zh, en, offered = NOTEBOOKS[name]
        assert zh in tool.inner_text()
        # committee members see no code: no editor, no input prompt
        assert page.locator(".cm-editor, .jp-InputPrompt, .jp-CodeMirrorEditor").count() == 0
        assert "from workbench" not in page.locator("body").inner_text()
        assert "Traceback" not in page.content()
        if offered:
            assert page.locator(f"a.wb-download[download^='{offered}']").count() == 1
        shoot(page, f"voila-{name[:-6]}-zh")
        page.locator(".wb-language").first.get_by_text("English").click()
        page.locator(".wb-planner").get_by_text(en).first.wait_for()
        shoot(page, f"voila-{name[:-6]}-en")
        assert not errors
        context.close()
    finally:
        server.stop()
