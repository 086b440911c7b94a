"""Participation codes: one person, one voice, without an account.

- :mod:`.codes`: codes made, normalised, hashed (salted PBKDF2: the clear code exists only on
  the printed slip), checked with a limit on wrong tries, reissued
- :mod:`.slips`: printable slips with QR codes (HTML, PDF)
- :mod:`.tables`, :mod:`.queries`: code hashes and the community's salt; a reissued code
  carries what the old one gave (each domain's ``carry_code_over``); residents' optional
  names and contact details (``residents_personal``), kept apart from everything shown
- :mod:`.privacy`: a resident's copy of their data, and its deletion (docs/privacy.md)
- :mod:`.floods`: limits per client (a keyed hash of its address) and per code counted in
  the database across pages (:func:`.queries.refuse_flood`); a planner's window and client
  for hiding a flood (the floods hidden: ``flood_hides``)
- :mod:`.commands`: ``workbench codes issue|list|revoke|reissue``,
  ``workbench privacy export|forget|forget-clients``
"""
