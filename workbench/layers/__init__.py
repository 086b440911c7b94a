"""The community and its map: boundary, roads, buildings (with households) and public spaces.

- :mod:`.community`: a community's layer folder read and validated (``load_community``,
  ``read_layers``, ``LayerError`` naming file, feature and problem)
- :mod:`.map_widget`: the interactive map (ipyleaflet) drawn from the layers, no tiles needed
- :mod:`.planner`: what the planner notebook builds (layers and proposals, on a map)
- :mod:`.tables`, :mod:`.queries`: the communities table; :mod:`.commands`: ``check-layers``;
  :mod:`.settings`: which community, its layers, the basemap
"""
