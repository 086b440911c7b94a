"""Proposals: what residents ask for, placed on the community's map.

- :mod:`.rules`: a proposal's rules (``validate_proposal``, ``check_text`` shared by every
  domain that takes resident text, ``InputInvalid``, receipt codes, ``RateLimiter``)
- :mod:`.similarity`: proposals that look alike while a resident types (character n-grams)
- :mod:`.intake`: proposals gathered elsewhere (CSV, Excel, GeoJSON), each refused row with its
  line and reason
- :mod:`.photos`: a proposal's photo: what an upload must be (sniffed by Pillow, size and pixels
  checked before decoding) and the clean copy stored (upright, smaller, a new JPEG without
  EXIF, GPS, XMP or ICC); :mod:`.photo_widget`: its field in the form and the list's photos,
  read when a resident opens one
- :mod:`.analysis`: counts by scenario and by public space for the planner
- :mod:`.page`: the form (:mod:`.form_page`) and the list (:mod:`.list_page`) on the
  resident page; :mod:`.tables`, :mod:`.queries` (proposals, authors' names kept apart,
  supports, photos); :mod:`.commands`: ``import-proposals``; :mod:`.settings`: the limits
  every proposal and photo is checked against
"""
