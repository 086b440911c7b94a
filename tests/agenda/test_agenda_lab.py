"""The agenda notebook in a real JupyterLab driven by Debian's Chromium, as a planner uses it at
1440x900: Run All with no error, an item chosen by clicking its row and its numbered marker,
a report downloaded; screenshots in Chinese and English (in SCREENSHOTS_DIR when set, else in
the test's folder) to look at."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from servers import PROJECT_DIR, free_port, wait_for_port

pytestmark = [pytest.mark.browser, pytest.mark.server]

SCREEN = {"width": 1440, "height": 900}
TITLES = ("东门快递柜", "Shade over the west benches", "单车棚加装充电桩", "楼道灯换成声控灯",
          "健身角换新器材", "儿童游乐区铺软垫", "垃圾分类点加雨棚", "Bike racks & \"smart\" lockers")


def seed() -> None:
    """The demo community with about 70 proposals, supports and comments, no items yet (the
    notebook's Run All must group them itself)."""
    from workbench import settings
    from workbench.deliberation.discussion import Comment
    from workbench.demo import init
    from workbench.layers.community import load_community
    from workbench.participation.codes import hash_code, issue_codes, normalise_code
    from workbench.proposals.rules import validate_proposal
    from workbench.store import Store

    store = Store()
    community_id = init(store)["community"]
    community = load_community(settings.get("layers_dir"))
    spaces = sorted(community.public_spaces)
    salt = store.code_salt(community_id)
    codes = [store.active_code_id(community_id, hash_code(normalise_code(c), salt))
             for c in issue_codes(store, community_id, 12)]
    scenarios = ("health", "service", "neighbourhood", "governance")
    for n in range(60):
        title = f"{TITLES[n % len(TITLES)]}（{n // len(TITLES) + 1}）"
        receipt = store.add_proposal(community_id, validate_proposal(
            {"title": title, "description": f"居民的想法 {n}", "scenario":
             scenarios[n % len(scenarios)], "public_space_id": spaces[n % len(spaces)]},
            community))
        pid = store.proposal_by_receipt(receipt)["id"]
        for code in codes[: n % 7]:
            store.set_support(pid, code, True)
        if n % 3 == 0:
            store.add_comment(Comment(pid, ("for", "against", "neutral")[n % 3],
                                      f"评论 {n}：要快点做"), codes[n % 12])


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on a copy of the agenda notebook, its own home
    and settings, no token; the seeded database."""
    root = tmp_path_factory.mktemp("lab")
    home = root / "home"
    env = {**os.environ, "WORKBENCH_HOME": str(home),
           "WORKBENCH_LAYERS_DIR": str(PROJECT_DIR / "layers" / "demo"),
           "JUPYTER_CONFIG_DIR": str(root / "config"), "JUPYTER_DATA_DIR": str(root / "data"),
           "JUPYTER_RUNTIME_DIR": str(root / "runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(root / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(root / "workspaces"),
           "PYTHONPATH": str(PROJECT_DIR)}
    env.pop("WORKBENCH_DATABASE_URL", None)
    subprocess.run([sys.executable, "-c", "import test_agenda_lab as t; t.seed()"], env={
        **env, "PYTHONPATH": f"{Path(__file__).parent}{os.pathsep}{PROJECT_DIR / 'tests'}"
                             f"{os.pathsep}{PROJECT_DIR}"}, check=True, cwd=PROJECT_DIR)
    notebooks = root / "notebooks"
    notebooks.mkdir()
    shutil.copy(PROJECT_DIR / "notebooks" / "agenda.ipynb", notebooks / "agenda.ipynb")
    # no "check for news" question over the notebook
    settings_dir = root / "settings" / "@jupyterlab" / "apputils-extension"
    settings_dir.mkdir(parents=True)
    (settings_dir / "notification.jupyterlab-settings").write_text(
        '{"fetchNews": "false", "checkForUpdates": false}')
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--allow-root",
         "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=", "--ServerApp.password=",
         f"--ServerApp.root_dir={notebooks}", "--ServerApp.disable_check_xsrf=True",
         "--LabApp.news_url=", "--LabServerApp.check_for_updates_class="
         "jupyterlab.NeverCheckForUpdate"],
        env=env, cwd=notebooks, stdout=subprocess.DEVNULL, stderr=open(root / "lab.log", "w"))
    try:
        wait_for_port(port, process, timeout=60)
        yield {"url": f"http://127.0.0.1:{port}", "root": root}
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def shots_dir(lab) -> Path:
    folder = Path(os.environ.get("SCREENSHOTS_DIR") or lab["root"] / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def open_page(browser, lab, timeout_ms: int):
    """A new page at the planner's screen size, offline but for JupyterLab, downloads
    accepted; the page and the page's errors."""
    context = browser.new_context(viewport=SCREEN, accept_downloads=True)
    context.set_default_timeout(timeout_ms)
    context.route("**/*", lambda route: route.continue_()
                  if route.request.url.startswith(lab["url"]) else route.abort())
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page, errors


def run_all(browser, lab, notebook: str, workspace: str):
    """Open the notebook in JupyterLab, Run All, wait for the agenda tool; the page and the
    page's errors."""
    page, errors = open_page(browser, lab, timeout_ms=90_000)
    try:
        start(page, lab, notebook, workspace)
    except Exception:
        page.screenshot(path=str(shots_dir(lab) / f"failed-{workspace}.png"))
        raise
    return page, errors


def start(page, lab, notebook: str, workspace: str) -> None:
    # a workspace of its own: only this notebook open, the file browser as Lab starts it
    page.goto(f"{lab['url']}/lab/workspaces/{workspace}/tree/{notebook}?reset")
    page.wait_for_selector(".jp-Notebook .jp-Cell", state="visible")
    # the kernel started and connected: Run All before that would be dropped
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for()
    # the file browser closed, as a planner working in one notebook has it
    if page.locator(".jp-FileBrowser").is_visible():
        page.keyboard.press("Control+b")
    page.locator(".jp-Notebook").click(position={"x": 5, "y": 5})
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    page.wait_for_selector(".wb-agenda .wb-row", state="visible")
    page.wait_for_selector(".wb-agenda .wb-rank-marker", state="visible")


def decide_and_publish(page, suffix: str):
    """Adopt the chosen item, publish, and the newest version's download link whose file
    name ends with ``suffix``."""
    page.get_by_role("tab", name="决定").click()
    page.get_by_role("button", name="采纳", exact=True).click()
    page.get_by_placeholder("公开的理由，居民会在提案旁看到").fill("居民支持的多")
    page.get_by_placeholder("从建议中选择，或直接填写名称").fill("居委会")
    page.get_by_role("button", name="保存决定").click()
    page.wait_for_selector(".wb-agenda-detail .wb-ok")
    page.get_by_role("checkbox", name="我已核对过这份清单").check()
    page.get_by_role("button", name="发布新版本").click()
    page.get_by_text(re.compile(r"^已发布 v\d+。$")).wait_for()
    link = page.locator(f"a.wb-download[download$='{suffix}']")
    link.wait_for(state="visible")
    return link


def test_run_all_click_the_map_and_a_row_download(browser, lab):
    page, errors = run_all(browser, lab, "agenda.ipynb", "zh")
    assert page.locator(".jp-OutputArea-output[data-mime-type="
                        "'application/vnd.jupyter.stderr']").count() == 0
    assert page.locator("[data-mime-type='application/vnd.jupyter.error']").count() == 0
    detail = page.locator(".wb-agenda-detail .wb-item-title").first
    first_title = detail.inner_text()
    tool = page.locator(".wb-agenda")
    tool.scroll_into_view_if_needed()
    time.sleep(1.5)  # the map's tiles of the community's own layers are drawn
    page.locator(".wb-agenda-map").scroll_into_view_if_needed()
    page.screenshot(path=str(shots_dir(lab) / "agenda-zh-map.png"))
    # a numbered marker chooses its item
    marker = page.locator(".wb-rank-marker").filter(has_text=re.compile(r"^2$"))
    marker.click()
    page.wait_for_function(
        "t => document.querySelector('.wb-agenda-detail .wb-item-title').innerText !== t",
        arg=first_title)
    second = page.locator(".wb-agenda-detail .wb-item-title").first.inner_text()
    page.locator(".wb-rank-marker.wb-chosen").filter(
        has_text=re.compile(r"^2$")).wait_for()
    # a row of the list chooses its item
    row = page.locator(".wb-row").nth(2)
    row.scroll_into_view_if_needed()
    row.click()
    page.wait_for_function(
        "t => document.querySelector('.wb-agenda-detail .wb-item-title').innerText !== t",
        arg=second)
    page.wait_for_function(
        "() => document.querySelectorAll('.wb-row')[2].classList.contains('wb-selected')")
    assert page.locator(".wb-row.wb-selected").count() == 1
    page.screenshot(path=str(shots_dir(lab) / "agenda-zh-list.png"))
    link = decide_and_publish(page, "v1.html")
    page.screenshot(path=str(shots_dir(lab) / "agenda-zh-publish.png"))
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "agenda-v1.html"
    saved = Path(download.path()).read_text(encoding="utf-8")
    assert "<html" in saved and "第 1 版" in saved
    assert not errors


def test_english_notebook_screenshot(browser, lab):
    page, errors = run_all(browser, lab, "agenda.ipynb", "en")
    assert page.locator("[data-mime-type='application/vnd.jupyter.error']").count() == 0
    # the language is chosen in the tool, not in the code
    page.get_by_role("button", name="English", exact=True).click()
    page.get_by_text("Ranked items", exact=True).wait_for()
    page.wait_for_selector(".wb-agenda .wb-rank-marker", state="visible")
    page.locator(".wb-agenda-map").scroll_into_view_if_needed()
    time.sleep(1.5)
    page.screenshot(path=str(shots_dir(lab) / "agenda-en-map.png"))
    page.locator(".wb-row").first.scroll_into_view_if_needed()
    page.screenshot(path=str(shots_dir(lab) / "agenda-en-list.png"))
    assert "Ranked items" in page.locator(".wb-agenda").inner_text()
    assert not errors


def test_in_voila_a_row_chooses_and_open_data_downloads(browser, lab):
    """The same tool as an app (Voilà, as JupyterLab's Voilà preview shows it)."""
    page, errors = open_page(browser, lab, timeout_ms=120_000)
    page.goto(f"{lab['url']}/voila/render/agenda.ipynb")
    page.wait_for_selector(".wb-agenda .wb-row", state="visible")
    first = page.locator(".wb-agenda-detail .wb-item-title").first.inner_text()
    page.locator(".wb-row").nth(1).click()
    page.wait_for_function(
        "t => document.querySelector('.wb-agenda-detail .wb-item-title').innerText !== t",
        arg=first)
    link = decide_and_publish(page, "-csv.zip")
    page.screenshot(path=str(shots_dir(lab) / "agenda-voila-publish.png"))
    with page.expect_download() as info:
        link.click()
    assert info.value.suggested_filename.endswith("-csv.zip")
    with zipfile.ZipFile(info.value.path()) as archive:
        assert "agenda_items.csv" in archive.namelist()
    assert not errors
