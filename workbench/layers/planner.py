"""What the planner notebook builds: the community's layers and proposals, on a map."""

from __future__ import annotations

from workbench import settings
from workbench.proposals import analysis
from workbench.layers.community import layer_frames
from workbench.layers.current import current_community
from workbench.store import Store
from workbench.layers.map_widget import CommunityMap


class PlannerSession:
    def __init__(self, layers_dir: str, store: Store, lang: str = "zh"):
        self.community = current_community(layers_dir, store)
        self.layers = layer_frames(self.community)
        self.store = store
        self.lang = lang

    @classmethod
    def from_settings(cls, lang: str = "zh") -> "PlannerSession":
        return cls(settings.get("layers_dir"), Store(), lang=lang)

    def proposals(self):
        return self.store.proposals_frame(self.community.id)

    def summary(self):
        import pandas as pd

        rows = [{"layer": name, "features": len(gdf), "crs": str(gdf.crs)}
                for name, gdf in self.layers.items()]
        rows.append({"layer": "proposals", "features": self.store.count_proposals(
            self.community.id), "crs": "EPSG:4326"})
        return pd.DataFrame(rows)

    def proposals_by_scenario(self):
        return analysis.proposals_by_scenario(self.proposals(), self.lang)

    def map(self, height: str = "600px"):
        m = CommunityMap(self.community, self.lang, basemap=settings.get("basemap"),
                         height=height)
        m.show_proposals(self.store.list_proposals(self.community.id))
        return m.widget
