"""Community Agenda Workbench: participatory planning for residential communities.

Public API:

- :mod:`workbench.layers.community` - a community's map layers (``load_community``, ``read_layers``)
- :mod:`workbench.proposals.rules` - proposals and their rules (``validate_proposal``)
- :mod:`workbench.store` - the database (``Store``)
- :mod:`workbench.workshops.rules` - workshops: the facilitator's token, dot-voting rounds, the record
  (``open_workshop``, ``open_round``, ``close_round``, ``end_workshop``, ``dots_by_item``)
- :mod:`workbench.i18n` - zh-CN and English strings
- :mod:`workbench.ui` - the ipywidgets pages
"""

__version__ = "0.1.0"
