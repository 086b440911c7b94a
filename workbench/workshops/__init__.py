"""Workshops: a community meeting run on a projected screen, residents joining from phones.

- :mod:`.rules`: the facilitator's token (shown once, stored hashed), dot-voting rounds over a
  shortlist, the record, dots as agenda evidence
- :mod:`.screen` (with its parts ``screen_request``, ``screen_join``, ``screen_map``,
  ``screen_counts``, ``screen_dots``, ``screen_timer``, ``screen_controls`` and
  ``screen.css``): the 1920x1080 screen served by its own Voilà
- :mod:`.page`: the phone's section (joining by ``?workshop=``, spending dots)
- :mod:`.tables`, :mod:`.queries` (dots never overspent: a conditional decrement);
  :mod:`.commands`: ``workbench workshop open|list|record``; :mod:`.settings`: port and pool
"""
