"""The participation settings: flood limits across pages, per client and per participation
code (:mod:`workbench.participation.floods`), and the key of the clients' hashes."""

from workbench.participation.floods import parse_limits
from workbench.settings import Setting

_FORMAT = ("Limits are COUNT/WINDOW separated by commas, windows in s, min, h or day, counted "
           "in the database over every page and server (0: no limit). ")
_ROOM = ("A client is one address: the phones of a meeting room on one Wi-Fi (one NAT "
         "address) count as one client, so this is sized for some 60 phones at once; a flood "
         "from one address is held to it, and a planner hides what got through in one action "
         "(moderation panel, by client and time window). ")

SETTINGS = [
    Setting("flood_proposals_per_client", "200/10min, 800/day",
            "Most proposals from one client (all its pages together). " + _FORMAT + _ROOM
            + "Each page also keeps submissions_per_page.", parse_limits),
    Setting("flood_comments_per_client", "400/10min, 2000/day",
            "Most comments and replies from one client (all its pages together). " + _FORMAT
            + _ROOM, parse_limits),
    Setting("flood_statements_per_client", "100/10min, 400/day",
            "Most statements proposed from one client (all its pages together). " + _FORMAT
            + _ROOM, parse_limits),
    Setting("flood_survey_responses_per_client", "200/10min, 800/day",
            "Most new survey responses from one client (all its pages together; a response "
            "answered again is an edit, not counted). " + _FORMAT + _ROOM, parse_limits),
    Setting("flood_comments_per_code", "30/10min, 120/day",
            "Most comments and replies with one participation code, whatever the pages and "
            "addresses: one person. " + _FORMAT, parse_limits),
    Setting("flood_statements_per_code", "10/10min, 30/day",
            "Most statements proposed with one participation code, whatever the pages and "
            "addresses: one person. " + _FORMAT, parse_limits),
    Setting("client_key_secret", "",
            "Key of the hashes that stand for clients' addresses in the database (the "
            "address itself is never stored). Empty: a random key made when the resident "
            "server starts and kept in its memory only, so the hashes link to no address "
            "once it stops; set the same value on every resident server sharing one "
            "database, so that a client is counted once across them.", str),
    Setting("client_key_days", 30,
            "Days a submission keeps its client's hash (for flood limits and hiding a "
            "flood); `workbench privacy forget-clients` clears older ones (run it daily).",
            int),
]
