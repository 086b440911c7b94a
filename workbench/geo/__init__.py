"""What is spatial and shared by the domains; no widgets, no SQL.

- :mod:`workbench.geo.projection`: longitude/latitude to pixels (``PixelProjection``) and the
  bounds of a drawn map (``bounds_around``)
- :mod:`workbench.geo.drawing`: the community drawn from its own layers, as SVG
  (``community_svg``) or with matplotlib (``map_figure``, ``draw_layers``), numbered markers
  laid out apart (``marker_positions``), the scale bar
- :mod:`workbench.geo.gcj02`: GCJ-02 (Gaode, Tencent) to WGS-84 and back
- :mod:`workbench.geo.reach`: households within reach of a place and of green spaces
"""
