"""What is spatial and shared by the domains; no widgets, no SQL.

- :mod:`workbench.geo.projection`: longitude/latitude to pixels (``PixelProjection``) and the
  bounds of a drawn map (``bounds_around``)
- :mod:`workbench.geo.drawing`: the community drawn from its own layers, as SVG
  (``community_svg``) or with matplotlib (``map_figure``, ``draw_layers``), numbered markers
  laid out apart (``marker_positions``), the scale bar
- :mod:`workbench.geo.gcj02`: GCJ-02 (Gaode, Tencent) to WGS-84 and back
- :mod:`workbench.geo.reach`: households within reach of a place and of green spaces
- walking distance and life circles (docs/walking.md): :mod:`~workbench.geo.network` (the
  roads as a graph, snapping, one search per kind), :mod:`~workbench.geo.walking` (the
  analysis and the GB 50180-2018 thresholds), :mod:`~workbench.geo.coverage` (the table and
  its sentences), :mod:`~workbench.geo.service_areas` and :mod:`~workbench.geo.gap_map`,
  :mod:`~workbench.geo.siting` (candidate sites, greedy coverage),
  :mod:`~workbench.geo.walking_reach` (the agenda's households by walking),
  :mod:`~workbench.geo.commands` (``workbench coverage``) and the planner's tool
  :mod:`~workbench.geo.walking_panel`
"""
