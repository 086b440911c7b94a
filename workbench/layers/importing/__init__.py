"""``workbench layers import``: a community's layer folder from the data a planner has.

Rules only (geopandas, pandas, shapely, pyproj): :mod:`.readers` reads the files,
:mod:`.kinds` applies the kinds mapping, :mod:`.build` finds the boundary, clips and writes,
:mod:`.report` says what happened in zh or en.
"""

from workbench.layers.importing.build import ImportOptions, ImportReport, import_layers
from workbench.layers.importing.readers import ImportProblem, ReadOptions

__all__ = ["ImportOptions", "ImportProblem", "ImportReport", "ReadOptions", "import_layers"]
