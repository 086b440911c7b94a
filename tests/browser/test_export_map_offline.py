"""The exported map as someone opens it from a USB stick: the HTML file alone in Chromium,
offline. Every request other than the file itself (and the data: URLs inside it) is aborted
and recorded: there must be none. The layers control, the proposals' clusters, the heat map
and the agenda's items must be there, and a title that is markup must show as text."""

import pytest

from agenda_samples import MARKUP_TITLE, sample_snapshot
from file_pages import FilePage
from map_samples import add_proposals
from workbench.layers.export_map import community_page

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_exported_map_works_offline_with_layers_clusters_and_heat(browser, tmp_path, store,
                                                                  community, screenshots,
                                                                  lang):
    titles = add_proposals(store, community, 40)
    store.publish_agenda(community.id, sample_snapshot(community), "test")
    path = tmp_path / "usb" / "map.html"
    path.parent.mkdir()
    path.write_text(community_page(store, community, lang), encoding="utf-8")
    with FilePage(browser, path, {"width": 1000, "height": 760}) as opened:
        page = opened.page
        opened.open()
        page.locator(".leaflet-control-layers").wait_for()
        page.wait_for_timeout(400)        # a late onerror or fetch would have happened by now
        assert opened.outside() == [] and opened.dialogs == [] and opened.errors == []
        assert page.locator(".leaflet-tile").count() == 0          # no tiles at all
        overlays = page.locator(".leaflet-control-layers-overlays label")
        assert overlays.count() == 7       # boundary, roads, buildings, spaces, proposals,
        assert page.locator(".leaflet-control-layers-list").is_visible()   # heat, agenda
        clusters = page.locator(".marker-cluster")
        assert clusters.count() >= 1
        on_map = sum(int(c.inner_text()) for c in clusters.all()) + \
            page.locator(".wb-dot").count()
        assert on_map == len(titles)       # every proposal, clustered or alone
        assert page.locator(".wb-rank").count() == 3       # the agenda's located items
        drawn = sum(len(fc["features"]) for fc in community.layers.values())
        assert page.locator("path.leaflet-interactive").count() == drawn   # the layers
        shot = screenshots(page, f"export-map-{lang}")
        assert shot.stat().st_size > 10_000

        # the heat map is an overlay, off at first
        assert page.locator("canvas.leaflet-heatmap-layer").count() == 0
        overlays.nth(5).locator("input").check()
        assert page.locator("canvas.leaflet-heatmap-layer").count() == 1
        # proposals can be hidden and shown again
        overlays.nth(4).locator("input").uncheck()
        assert page.locator(".marker-cluster, .wb-dot").count() == 0
        overlays.nth(4).locator("input").check()

        # the cluster holding the markup title opens to show it (markercluster's own
        # zoomToShowLayer); a click on it shows the title as text in its popup
        page.evaluate("""(title) => new Promise((done) => {
            const group = Object.keys(window).filter((k) => k.startsWith('marker_cluster_'))
                .map((k) => window[k])[0];
            const marker = group.getLayers().find((l) => l.options.title === title);
            group.zoomToShowLayer(marker, done);
        })""", MARKUP_TITLE)
        page.wait_for_timeout(500)
        marker = page.locator(f".leaflet-marker-icon[title='{MARKUP_TITLE}']")
        marker.first.click()
        popup = page.locator(".leaflet-popup-content b")
        popup.wait_for()
        assert popup.inner_text() == MARKUP_TITLE
        assert page.locator(".leaflet-popup-content img").count() == 0
        page.wait_for_timeout(300)         # the popup has faded in
        screenshots(page, f"export-map-popup-{lang}")
        assert opened.outside() == [] and opened.dialogs == [] and opened.errors == []


def test_the_panels_framed_map_fits_the_community_once_shown(browser, tmp_path, store,
                                                             community, screenshots):
    """The planner's panel shows the page in a sandboxed iframe, which may be laid out only
    after the map is made (a tab not yet open): once shown, the map fits the community."""
    import json

    from workbench.layers.take_away_panel import TakeAwayMap

    add_proposals(store, community, 30)
    panel = TakeAwayMap(community, store, "zh")
    panel.show()
    host = tmp_path / "host.html"     # the HTML widget's value, put in a hidden box
    host.write_text(
        "<!DOCTYPE html><html><body><style>iframe { width: 900px; height: 600px; }</style>"
        "<div id='tab' style='display: none'></div><script>"
        f"document.getElementById('tab').innerHTML = {json.dumps(panel.view.value)};"
        "</script></body></html>", encoding="utf-8")
    with FilePage(browser, host, {"width": 960, "height": 660}, "zh-CN") as opened:
        page = opened.page
        opened.open()
        page.wait_for_timeout(500)
        page.evaluate("() => { document.getElementById('tab').style.display = 'block'; }")
        frame = page.frame_locator("iframe.wb-take-away")
        frame.locator(".marker-cluster").first.wait_for()
        page.wait_for_timeout(500)
        zoom = page.frames[1].evaluate("""() => window[Object.keys(window)
            .find((k) => k.startsWith('map_'))].getZoom()""")
        assert zoom >= 16          # the community fills the frame (not the lowest zoom, 12)
        assert frame.locator(".leaflet-control-layers-overlays label").count() == 6
        assert opened.outside() == [] and opened.errors == []
        screenshots(page, "panel-frame")
