"""The resident page's shared pieces: the shell that lays out the domains' sections, the
Voilà request, the participant's session, escaping and callbacks that never leak a
traceback (:mod:`.safety`), what every section shares (:mod:`.part`), what widgets cannot
tell screen readers and browsers (:mod:`.access`), and figures shown as pictures
(:mod:`.figures`)."""
