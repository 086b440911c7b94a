"""The resident page's shared pieces: the shell that lays out the domains' sections, the
Voilà request, the participant's session, escaping and callbacks that never leak a
traceback (:mod:`.safety`), what every section shares (:mod:`.part`), what widgets cannot
tell screen readers and browsers (:mod:`.access`), and figures shown as pictures
(:mod:`.figures`)."""

#: the class the page's root widget takes once it has started with its resident's link (language,
#: code): a program driving the page over the websocket (:mod:`workbench.widget_client`) waits
#: for it, since a preheated kernel may still be starting when the widgets are first asked for
STARTED = "wb-started"
