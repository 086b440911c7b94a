"""The planners' notebooks in a real browser: Run All in JupyterLab (no error, the tool drawn,
a file downloaded) and each notebook as a Voilà app for committee members (no code shown, no
error), on a database with survey answers, a topic with votes and a report. Screenshots at
1440x900 in Chinese and English go to WORKBENCH_SCREENSHOTS when it is set."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lab import jupyterlab, offline_page, run_all
from servers import DEMO_LAYERS, PROJECT_DIR, VoilaServer

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
    seed(home)    # workbench init, then the answers, votes and report
    token = "planner-test-token"
    with jupyterlab(root, home, token) as base:
        yield base, token, home


@pytest.mark.parametrize("name", list(NOTEBOOKS))
def test_run_all_in_jupyterlab(browser, lab, name):
    base, token, _home = lab
    context, page, errors = offline_page(browser, base, DESKTOP, accept_downloads=True)
    try:
        tool = run_all(page, base, token, name, ".wb-planner")
        zh, en, offered = NOTEBOOKS[name]
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
        context, page, errors = offline_page(browser, server.url, DESKTOP)
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
