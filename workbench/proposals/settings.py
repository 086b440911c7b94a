"""The proposals settings: the limits every proposal, and every photo with one, is checked
against."""

from workbench.settings import Setting

SETTINGS = [
    Setting("title_max_chars", 60, "Longest proposal title accepted.", int),
    Setting("description_max_chars", 1000, "Longest proposal description accepted.", int),
    Setting("name_max_chars", 40, "Longest optional author name accepted.", int),
    Setting("submissions_per_page", 10,
            "Most proposals one page session may submit (a limit against flooding).", int),
    Setting("seconds_between_submissions", 5,
            "Least time between two proposals from one page session.", float),
    Setting("photo_max_bytes", 12_000_000,
            "Largest photo file a resident may add to a proposal, in bytes (a phone's "
            "12-megapixel photo is 2 to 6 MB). The resident page's server takes websocket "
            "messages of twice this, at least 32 MiB, so that a larger file is refused with a "
            "message rather than dropping the page's connection.", int),
    Setting("photo_max_pixels", 16_000_000,
            "Most pixels (width x height) decoded to read a photo; more is refused before "
            "decoding, since a small file can unpack to a huge picture (a decompression "
            "bomb). A JPEG is decoded at a reduced scale (down to an eighth of each side), "
            "other formats in full, at up to 4 bytes a pixel in the page's kernel.", int),
    Setting("photo_max_edge", 1600,
            "Longest edge, in pixels, of the stored copy of a photo (smaller ones are kept at "
            "their size).", int),
    Setting("photo_thumbnail_edge", 320,
            "Longest edge, in pixels, of a photo's thumbnail in the proposal list.", int),
]
