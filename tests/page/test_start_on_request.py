"""A preheated kernel hands out the page before its resident's request arrives, and starts the
page with the request's link when it comes, on the kernel's own loop."""

import asyncio
import threading

from workbench.page.resident import ResidentApp


def test_a_preheated_page_is_handed_out_before_its_link_and_started_with_it(
        community, store, monkeypatch):
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    app = ResidentApp(community, store, lang="zh")
    asked = threading.Event()
    link_came = threading.Event()
    started_in: list[threading.Thread] = []
    start = app.start
    monkeypatch.setattr(app, "start", lambda query: (started_in.append(
        threading.current_thread()), start(query))[1])

    def link() -> str:  # Voilà's answer, as request_query_string gives it: later
        asked.set()
        assert link_came.wait(10)
        return "lang=en"

    async def kernel():
        widget = app.start_on_request(link)
        assert widget is app.widget and app.lang == "zh"  # out at once, not started yet
        await asyncio.to_thread(asked.wait, 10)
        assert app.lang == "zh" and not started_in
        link_came.set()
        for _ in range(200):
            if started_in:
                break
            await asyncio.sleep(0.02)

    asyncio.run(kernel())
    assert started_in == [threading.main_thread()]  # the kernel's loop, not the waiting thread
    assert app.lang == "en" and app.language.value == "en"


def test_without_preheating_the_page_starts_at_once(community, store, monkeypatch):
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    app = ResidentApp(community, store, lang="zh")

    async def kernel():
        return app.start_on_request(lambda: "lang=en")

    assert asyncio.run(kernel()) is app.widget
    assert app.lang == "en"
