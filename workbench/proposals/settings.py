"""The proposals settings: the limits every proposal is checked against."""

from workbench.settings import Setting

SETTINGS = [
    Setting("title_max_chars", 60, "Longest proposal title accepted.", int),
    Setting("description_max_chars", 1000, "Longest proposal description accepted.", int),
    Setting("name_max_chars", 40, "Longest optional author name accepted.", int),
    Setting("submissions_per_page", 10,
            "Most proposals one page session may submit (a limit against flooding).", int),
    Setting("seconds_between_submissions", 5,
            "Least time between two proposals from one page session.", float),
]
