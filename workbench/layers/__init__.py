"""The community and its map: boundary, roads, buildings (with households) and public spaces.

- :mod:`.community`: a community's layer folder read and validated (``load_community``,
  ``read_layers``, ``LayerError`` naming file, feature and problem)
- :mod:`.current`: the community as pages show it now, its public spaces as edited (the
  database's, once loaded there: docs/layers-editing.md)
- :mod:`.editing`: the rules a change to a public space passes (attributes, geometry, area);
  :mod:`.exporting`: the layers written back out (GeoJSON folder, GeoPackage)
- :mod:`.map_widget`: the interactive map (ipyleaflet) drawn from the layers, no tiles needed;
  planned spaces dashed and labelled
- :mod:`.space_panel`: the planner's space editor (draw, move, reshape, delete, undo)
- :mod:`.planner`: what the planner notebook builds (layers and proposals, on a map)
- :mod:`.tables`, :mod:`.queries`: the communities, their public spaces and the spaces'
  history; :mod:`.commands`: ``check-layers``, ``layers import``, ``layers export``;
  :mod:`.settings`: which community, its layers, the basemap
"""
