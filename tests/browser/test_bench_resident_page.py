"""A quick run of the resident-page benchmark: it works, and what it checks that is not a
speed holds (nothing fetched from the internet, no kernel left behind, a lean kernel)."""

import pytest

from bench import bench_resident_page

pytestmark = [pytest.mark.browser, pytest.mark.server]


def test_quick_resident_page_benchmark(browser):
    # the session's browser: a second Playwright in one process would clash with it
    figures = {f.name: f for f in bench_resident_page.run(quick=True, browser=browser)}
    assert figures["requests to the internet"].value == 0
    left = next(f for name, f in figures.items() if name.startswith("kernels alive"))
    assert left.ok, left
    ratio = figures["time to usable, resident / minimal page"]
    assert ratio.value > 0  # a figure, not a timing assertion
    assert figures["resident kernel memory (RSS) after usable"].value > 0
