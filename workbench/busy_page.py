"""The page a visitor gets instead of the resident page when no kernel may start for them:
the server holds as many pages as its memory allows (503, "busy"), or their connection opened
too many pages this minute (429, "too many"). Both languages on one small static page (the
one asked for with ``?lang=`` first), with Retry-After: 60; it reloads itself a minute later.
It shows nothing a resident wrote and costs the server no kernel.
"""

from __future__ import annotations

from workbench import i18n, settings
from workbench.assets import stylesheet
from workbench.escaping import esc

RETRY_SECONDS = 60
STATUS = {"busy": 503, "too_many": 429}

#: (heading, explanation) by kind and language; the page is static, so its words are here
#: rather than in the page's catalogues, which the kernel loads
WORDS = {
    "busy": {
        "zh": ("现在来的人很多，请一分钟后再试",
               "服务器正在为很多居民打开页面，暂时没有空位。这个页面一分钟后会自己再试一次，"
               "您也可以稍后点下面的按钮。"),
        "en": ("Many people are here right now: please try again in a minute",
               "The server is opening pages for many residents and has no room at the moment. "
               "This page tries again by itself in a minute, or use the button below later."),
    },
    "too_many": {
        "zh": ("打开的页面太多了，请一分钟后再试",
               "您的网络在一分钟内打开了太多页面。这个页面一分钟后会自己再试一次。"),
        "en": ("Too many pages opened: please try again in a minute",
               "Your connection opened too many pages this minute. This page tries again by "
               "itself in a minute."),
    },
}
AGAIN = {"zh": "再试一次", "en": "Try again"}
LANG_TAG = {"zh": "zh-CN", "en": "en"}


def busy_page(kind: str, query: str | None = None) -> str:
    """The HTML for ``kind`` ("busy" or "too_many"); ``query`` is the request's query string,
    read only for the language (nothing of it is echoed)."""
    first = i18n.language_from_query(query, settings.get("default_language"))
    order = [first] + [lang for lang in i18n.LANGUAGES if lang != first]
    title = " · ".join(WORDS[kind][lang][0] for lang in order)
    sections = "\n".join(
        f"<section lang='{LANG_TAG[lang]}'><h1>{esc(WORDS[kind][lang][0])}</h1>"
        f"<p>{esc(WORDS[kind][lang][1])}</p>"
        f"<a class='again' href=''>{esc(AGAIN[lang])}</a></section>" for lang in order)
    return (f"<!DOCTYPE html>\n<html lang='{LANG_TAG[first]}'>\n<head>\n<meta charset='utf-8'>\n"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>\n"
            f"<meta http-equiv='refresh' content='{RETRY_SECONDS}'>\n"
            f"<title>{esc(title)}</title>\n<style>\n{stylesheet('workbench', 'busy_page.css')}"
            f"</style>\n</head>\n<body>\n<main>\n{sections}\n</main>\n</body>\n</html>\n")
