"""A local HTML file opened in Chromium the way someone opens it from a USB stick: its own
browser context, offline. Every request other than the file itself is aborted and recorded,
as are JavaScript dialogs and page errors. A plain module, importable by name under tests/."""

from __future__ import annotations

from pathlib import Path


class FilePage:
    """``with FilePage(browser, path, viewport) as f:`` then ``f.page``; ``f.outside()`` lists
    what the page asked for beyond the file (data: URLs inside it are no request out)."""

    def __init__(self, browser, path: Path, viewport: dict, locale: str = "en-US"):
        self.url = Path(path).resolve().as_uri()
        self.context = browser.new_context(viewport=viewport, locale=locale)
        self.page = self.context.new_page()
        self.blocked: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _route(self, route) -> None:
        if route.request.url == self.url:
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def open(self) -> None:
        self.page.goto(self.url, wait_until="load")

    def outside(self) -> list[str]:
        return self.blocked + [r for r in self.requests
                               if r != self.url and not r.startswith("data:")]

    def __enter__(self) -> "FilePage":
        return self

    def __exit__(self, *exc) -> None:
        self.context.close()
