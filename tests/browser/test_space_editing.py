"""Editing public spaces in a real browser: a planner draws a space with the map's polygon tool
in JupyterLab (notebooks/spaces.ipynb, Run All) and saves it; the resident page, loaded after
a planner's edits, shows the edited space and a planned one (dashed, labelled "planned").
Screenshots (the editor at 1920x1080 in zh and en, the resident map at 390x844) go to
WORKBENCH_SCREENSHOTS when it is set."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect
from shapely.geometry import box, shape
from shapely.ops import unary_union

from lab import jupyterlab, lab_env, offline, offline_page, run_all
from servers import DEMO_LAYERS, PROJECT_DIR
from workbench.layers.community import load_community
from workbench.store import Store

pytestmark = [pytest.mark.browser, pytest.mark.server]

SCREEN = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
BOUNDARY = 'path[stroke-dasharray="8 5"]'
PLANNED = 'path[stroke-dasharray="7 5"]'
READY = 60_000


def shoot(page, name: str) -> None:
    folder = os.environ.get("WORKBENCH_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


def empty_plot(community, half_lon=0.00015, half_lat=0.00012):
    """(lon, lat) of the centre of a small plot inside the boundary, far from every space: a
    tap there draws, it never picks a space."""
    spaces = unary_union([shape(f["geometry"]).buffer(0.00005)
                          for f in community.layers["public_spaces"]["features"]])
    inner = community.boundary.buffer(-0.00005)
    west, south, east, north = community.boundary.bounds
    best = None
    for i in range(1, 40):
        for j in range(1, 40):
            lon, lat = west + (east - west) * i / 40, south + (north - south) * j / 40
            plot = box(lon - half_lon, lat - half_lat, lon + half_lon, lat + half_lat)
            if inner.contains(plot) and not plot.intersects(spaces):
                gap = plot.distance(spaces)
                if best is None or gap > best[0]:
                    best = (gap, lon, lat)
    return best[1], best[2]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on a copy of the spaces notebook, its kernels on an initialised database."""
    home = tmp_path_factory.mktemp("lab-home")
    root = tmp_path_factory.mktemp("lab-root")
    shutil.copy(PROJECT_DIR / "notebooks" / "spaces.ipynb", root / "spaces.ipynb")
    subprocess.run([sys.executable, "-m", "workbench.cli", "init"], env=lab_env(home),
                   check=True, timeout=300, capture_output=True)
    token = "space-editor-token"
    with jupyterlab(root, home, token) as base:
        yield base, token, home


def test_draw_a_space_in_jupyterlab(browser, lab):
    base, token, home = lab
    community = load_community(DEMO_LAYERS)
    context, page, errors = offline_page(browser, base, SCREEN)
    try:
        editor = run_all(page, base, token, "spaces.ipynb", ".wb-space-editor")
        assert "公共空间" in editor.inner_text()
        boundary = editor.locator(BOUNDARY).first
        boundary.scroll_into_view_if_needed()
        # the first click in an output makes JupyterLab scroll to its cell: click once first
        edge = boundary.bounding_box()
        page.mouse.click(edge["x"] + edge["width"] / 2, edge["y"] + 4)
        page.wait_for_timeout(800)
        shoot(page, "lab-spaces-zh")

        west, south, east, north = community.boundary.bounds
        lon0, lat0 = empty_plot(community)
        corners = [(lon0 - 0.00015, lat0 - 0.00012), (lon0 + 0.00015, lat0 - 0.00012),
                   (lon0 + 0.00015, lat0 + 0.00012), (lon0 - 0.00015, lat0 + 0.00012)]
        editor.locator(".leaflet-pm-icon-polygon").first.click()
        for lon, lat in corners + corners[:1]:      # the first corner again closes it
            edge = boundary.bounding_box()   # at this size the map is linear in lon and lat
            page.mouse.click(edge["x"] + (lon - west) / (east - west) * edge["width"],
                             edge["y"] + (north - lat) / (north - south) * edge["height"])
            page.wait_for_timeout(300)
        expect(editor.get_by_text(re.compile(r"面积 [\d,]+ 平方米"))).to_be_visible(timeout=READY)
        editor.locator(".wb-field-name_zh input").fill("候选口袋公园")
        editor.locator(".wb-field-name_en input").fill("Candidate Pocket Park")
        editor.locator(".wb-field-kind select").select_option(label="口袋公园")
        editor.locator(".wb-field-status select").select_option(label="规划中")
        editor.get_by_role("button", name="保存").click()
        expect(editor.locator(".wb-editor-message")).to_contain_text("已保存", timeout=60_000)
        expect(editor.locator(PLANNED)).to_have_count(1)     # drawn as planned at once
        expect(editor.get_by_text("候选口袋公园 · 规划中")).to_be_visible()

        store = Store(f"sqlite:///{home / 'workbench.db'}")
        try:
            saved = [f for f in store.public_space_features(community.id)
                     if f["properties"]["name_en"] == "Candidate Pocket Park"]
            assert len(saved) == 1
            drawn = shape(saved[0]["geometry"])
            want = box(corners[0][0], corners[0][1], corners[2][0], corners[2][1])
            # the drawn square, to within a pixel or two of the taps (it is about 25 px wide)
            assert drawn.intersection(want).area / drawn.union(want).area > 0.6
            assert saved[0]["properties"]["status"] == "planned"
            assert saved[0]["properties"]["area_m2"] > 500
            assert store.public_space_changes(community.id)[0]["who"] == "规划师"
        finally:
            store.dispose()
        page.wait_for_timeout(500)
        shoot(page, "lab-spaces-zh-saved")
        page.locator(".jp-OutputArea .wb-language").first.get_by_text("English").click()
        page.locator(".jp-OutputArea .wb-space-editor").get_by_text(
            "Candidate Pocket Park · planned").wait_for()
        page.wait_for_timeout(800)
        shoot(page, "lab-spaces-en")
        assert not errors
    except Exception:
        shoot(page, "lab-spaces-failed")
        raise
    finally:
        context.close()


def test_resident_page_shows_edited_and_planned_spaces(browser, voila_server):
    """The page's kernel was preheated before the planner's edits; the resident still sees
    them on this load."""
    from workbench.layers.space_panel import SpaceEditor

    community = load_community(DEMO_LAYERS)
    store = Store(voila_server.database_url)
    try:
        editor = SpaceEditor(community, store, "规划师", "en")
        lon0, lat0 = empty_plot(community, 0.0003, 0.00025)
        editor.new_space()
        editor.set_shape({"type": "Polygon", "coordinates": [[
            [lon0 - 0.0003, lat0 - 0.00025], [lon0 + 0.0003, lat0 - 0.00025],
            [lon0 + 0.0003, lat0 + 0.00025], [lon0 - 0.0003, lat0 + 0.00025],
            [lon0 - 0.0003, lat0 - 0.00025]]]})
        for name, value in dict(name_zh="候选口袋公园", name_en="Candidate Pocket Park",
                                kind="pocket_park", status="planned").items():
            editor.inputs[name].value = value
        assert editor.save() == "create"
        first = sorted(community.public_spaces)[0]
        editor.select(first)
        editor.inputs["name_en"].value = "Renamed Garden"
        editor.inputs["status"].value = "under_construction"
        assert editor.save() == "edit"
    finally:
        store.dispose()

    context = browser.new_context(viewport=PHONE, device_scale_factor=1, locale="en-US")
    context.set_default_timeout(60_000)
    offline(context, voila_server.url)
    page = context.new_page()
    try:
        page.goto(voila_server.url + "?lang=en", wait_until="domcontentloaded")
        expect(page.locator(".wb-submit")).to_be_visible(timeout=READY)
        expect(page.locator(BOUNDARY)).to_have_count(1, timeout=READY)
        expect(page.locator(PLANNED)).to_have_count(1)
        expect(page.locator('path[stroke-dasharray="2 5"]')).to_have_count(1)
        expect(page.get_by_text("Candidate Pocket Park · planned")).to_be_visible()
        expect(page.get_by_text("Renamed Garden · under construction")).to_be_visible()
        expect(page.locator(".wb-legend").first).to_contain_text("Planned (dashed outline)")
        page.wait_for_timeout(1500)        # the map zooms to fit once it knows its size
        shoot(page, "resident-planned-space-en")
        page.goto(voila_server.url + "?lang=zh", wait_until="domcontentloaded")
        expect(page.get_by_text("候选口袋公园 · 规划中")).to_be_visible(timeout=READY)
        page.wait_for_timeout(1500)
        shoot(page, "resident-planned-space-zh")
    finally:
        context.close()
