"""OpenStreetMap's credit (ODbL) goes wherever layers imported from it are shown: the
residents' and planners' map, the agenda's reports, a map taken away. Layers from elsewhere
ask for none."""

import docx
import pytest
import yaml

from agenda_samples import sample_snapshot
from communities import write_community
from workbench.agenda.report import agenda_docx, agenda_html
from workbench.layers.community import load_community
from workbench.layers.map_widget import CommunityMap
from workbench.layers.sources import attribution_text, layer_sources

CREDIT = "© OpenStreetMap contributors (openstreetmap.org/copyright)"


def with_sources(folder, sources):
    meta = yaml.safe_load((folder / "community.yaml").read_text(encoding="utf-8"))
    meta["sources"] = sources
    (folder / "community.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True),
                                           encoding="utf-8")
    return folder


@pytest.fixture
def osm_community(tmp_path):
    folder = with_sources(write_community(tmp_path / "osm"), [
        {"file": "extract.osm.pbf", "licence": "ODbL-1.0", "attribution": CREDIT},
        {"file": "more.osm", "licence": "ODbL-1.0", "attribution": CREDIT},
        {"file": "parcels.gpkg", "licence": "CC-BY-4.0"}])
    return load_community(folder)


def test_the_credit_is_asked_once_for_osm_layers_and_not_for_others(tmp_path, osm_community):
    assert attribution_text(osm_community.folder) == f"{CREDIT} · ODbL-1.0"
    plain = with_sources(write_community(tmp_path / "plain"),
                         [{"file": "survey.gpkg", "licence": "unknown"}])
    assert attribution_text(plain) == ""
    assert attribution_text(write_community(tmp_path / "none")) == ""
    broken = write_community(tmp_path / "broken")
    (broken / "community.yaml").write_text("sources: [1, 2", encoding="utf-8")
    assert layer_sources(broken) == [] and attribution_text(None) == ""


def attribution_prefixes(community_map):
    return [c.prefix for c in community_map.widget.controls
            if type(c).__name__ == "AttributionControl"]


def test_the_map_credits_osm_with_or_without_tiles(osm_community, community):
    for basemap in ("none", "osm"):
        shown = attribution_prefixes(CommunityMap(osm_community, "zh", basemap=basemap))
        assert len(shown) == 1 and "OpenStreetMap contributors" in shown[0]
        assert "ODbL-1.0" in shown[0]
    assert attribution_prefixes(CommunityMap(community, "zh")) == []


def test_the_agenda_reports_credit_osm(tmp_path, osm_community, community):
    snapshot = sample_snapshot(osm_community)
    page = agenda_html(snapshot, osm_community, "en")
    assert "OpenStreetMap contributors" in page and "ODbL-1.0" in page
    assert "OpenStreetMap" not in agenda_html(sample_snapshot(community), community, "en")
    paragraphs = [p.text for p in docx.Document(str(agenda_docx(
        snapshot, osm_community, tmp_path / "a.docx", "zh"))).paragraphs]
    assert any("OpenStreetMap contributors" in p for p in paragraphs)
