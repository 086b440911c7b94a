"""Importing a community in a real browser: a planner opens notebooks/import.ipynb in
JupyterLab (Run All), names an OpenStreetMap file, shows it on the map, draws the boundary
with the polygon tool and imports; the folder written passes check-layers. Screenshots (the
panel at 1920x1080 in zh and en) go to WORKBENCH_SCREENSHOTS when it is set."""

from __future__ import annotations

import json
import shutil

import pytest
from lab import jupyterlab, offline_page, run_all
from playwright.sync_api import expect
from servers import PROJECT_DIR
from shapely.geometry import box, shape
from test_space_editing import SCREEN, shoot

from workbench.layers.checks import check_folder

pytestmark = [pytest.mark.browser, pytest.mark.server]

#: the apartment block of tests/layers/test_import.py's osm_xml(): its corners on the screen
#: tell where any longitude and latitude are (the map is linear at this size)
BLOCK = (120.1520, 30.3030, 120.1525, 30.3035)
#: the boundary drawn: around the street, the block and the playground, not the far park
CORNERS = [(120.1512, 30.3012), (120.1552, 30.3012), (120.1552, 30.3042), (120.1512, 30.3042)]


def osm_xml() -> bytes:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "import_sources", PROJECT_DIR / "tests" / "layers" / "test_import.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.osm_xml()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    home = tmp_path_factory.mktemp("lab-home")
    root = tmp_path_factory.mktemp("lab-root")
    shutil.copy(PROJECT_DIR / "notebooks" / "import.ipynb", root / "import.ipynb")
    (root / "data").mkdir()
    (root / "data" / "area.osm").write_bytes(osm_xml())
    token = "import-panel-token"
    with jupyterlab(root, home, token) as base:
        yield base, token, root


def test_draw_the_boundary_and_import_in_jupyterlab(browser, lab):
    base, token, root = lab
    context, page, errors = offline_page(browser, base, SCREEN)
    try:
        panel = run_all(page, base, token, "import.ipynb", ".wb-import-panel")
        assert "导入自己的社区" in panel.inner_text()
        panel.locator(".wb-field-sources textarea").fill("data/area.osm")
        panel.get_by_role("button", name="在地图上显示").click()
        expect(panel.get_by_text("地图上：道路 1 条，建筑 1 栋，公共空间 2 处。")).to_be_visible()
        block = panel.locator(".leaflet-overlay-pane path[fill='#d7cfc2']").first
        the_map = panel.locator(".leaflet-container").first
        # the first click in an output makes JupyterLab scroll to its cell: click once first,
        # then bring the whole map into view
        the_map.evaluate("e => e.scrollIntoView({block: 'center'})")
        edge = block.bounding_box()
        page.mouse.click(edge["x"] + edge["width"] / 2, edge["y"] - 30)
        page.wait_for_timeout(800)
        the_map.evaluate("e => e.scrollIntoView({block: 'center'})")
        page.wait_for_timeout(500)

        edge = block.bounding_box()
        west, south, east, north = BLOCK
        x_per_lon = edge["width"] / (east - west)
        y_per_lat = edge["height"] / (north - south)
        panel.locator(".leaflet-pm-icon-polygon").first.click()
        for lon, lat in CORNERS + CORNERS[:1]:      # the first corner again closes it
            edge = block.bounding_box()
            page.mouse.click(edge["x"] + (lon - west) * x_per_lon,
                             edge["y"] + (north - lat) * y_per_lat)
            page.wait_for_timeout(300)
        expect(panel.get_by_text("已画边界：0.1")).to_be_visible()
        out = root / "xinhua"
        panel.locator(".wb-field-out input").fill(str(out))
        panel.locator(".wb-field-community_id input").fill("xinhua")
        panel.locator(".wb-field-name_zh input").fill("新华社区")
        panel.locator(".wb-field-name_en input").fill("Xinhua Community")
        page.wait_for_timeout(500)
        shoot(page, "lab-import-zh")
        panel.get_by_role("button", name="导入").click()
        expect(panel.locator(".wb-import-message")).to_contain_text("已导入到", timeout=60_000)
        expect(panel.locator(".wb-import-report")).to_contain_text("道路")
        assert [p for p in check_folder(out) if p.severity == "error"] == []
        boundary = json.loads((out / "boundary.geojson").read_text("utf-8"))["features"][0]
        drawn = shape(boundary["geometry"])
        want = box(*CORNERS[0], *CORNERS[2])
        # the drawn rectangle, to within a pixel or two of the taps
        assert drawn.intersection(want).area / drawn.union(want).area > 0.9
        assert boundary["properties"]["name_zh"] == "新华社区"
        page.wait_for_timeout(500)
        shoot(page, "lab-import-zh-done")

        page.locator(".jp-OutputArea .wb-language").first.get_by_text("English").click()
        english = page.locator(".jp-OutputArea .wb-import-panel").first
        expect(english.get_by_text("Boundary drawn: 0.1")).to_be_visible()
        expect(english.locator(".wb-field-community_id input")).to_have_value("xinhua")
        english.locator(".leaflet-container").first.evaluate(
            "e => e.scrollIntoView({block: 'center'})")
        page.wait_for_timeout(1000)
        shoot(page, "lab-import-en")
        assert not errors
    except Exception:
        shoot(page, "lab-import-failed")
        raise
    finally:
        context.close()
