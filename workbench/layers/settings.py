"""The layers settings: which community, where its layers are, what is under the map."""

from workbench.settings import PROJECT_DIR, Setting

SETTINGS = [
    Setting("layers_dir", str(PROJECT_DIR / "layers" / "demo"),
            "Folder of the community's layers (community.yaml and GeoJSON files)."),
    Setting("community", "heguang",
            "Identifier of the community the resident page shows (its id in community.yaml)."),
    Setting("basemap", "none",
            "Web tiles under the map: none (the community's own layers only, works offline), "
            "osm, or a tile URL template. Gaode/Tencent tiles use GCJ-02 and are not offered."),
]
