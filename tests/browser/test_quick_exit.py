"""Quick exit: by the button or by pressing Shift three times, she lands on a neutral site,
and Back does not bring our page back (the history entry is replaced)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings

pytestmark = pytest.mark.browser

NEUTRAL_HTML = "<!doctype html><title>Neutral</title><p>neutral</p>"


@pytest.fixture
def exit_page(site: str, new_context: Any) -> Any:
    """about:blank, then our home page; the neutral site is stubbed (no internet here)."""
    context = new_context()
    host = urlsplit(settings.QUICK_EXIT_URL).netloc
    context.route(
        f"*://{host}/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body=NEUTRAL_HTML),
    )
    page = context.new_page()
    page.goto("about:blank")
    page.goto(f"{site}/")
    page.locator("#quick-exit").wait_for()
    page.wait_for_load_state("load")  # quickexit.js is deferred
    return page


def assert_left_for_good(page: Any, site: str) -> None:
    page.wait_for_url(settings.QUICK_EXIT_URL)
    page.wait_for_load_state("load")
    assert page.url == settings.QUICK_EXIT_URL
    assert "neutral" in page.content()
    page.go_back()
    page.wait_for_load_state()
    assert not page.url.startswith(site), f"Back returned to our site: {page.url}"
    assert page.url == "about:blank", page.url


def test_quick_exit_button(site: str, exit_page: Any) -> None:
    exit_page.locator("#quick-exit").click()
    assert_left_for_good(exit_page, site)


def test_quick_exit_shift_three_times(site: str, exit_page: Any) -> None:
    # Two presses do nothing, and presses older than 2 s do not count.
    exit_page.keyboard.press("Shift")
    exit_page.keyboard.press("Shift")
    exit_page.wait_for_timeout(2100)
    assert exit_page.url.startswith(site)
    exit_page.keyboard.press("Shift")
    exit_page.wait_for_timeout(300)
    assert exit_page.url.startswith(site), "one press after two stale ones left the page"
    assert exit_page.locator("#quick-exit").is_visible()
    # Three within 2 s leave (a reload starts the count afresh; it adds no history entry).
    exit_page.reload(wait_until="load")
    for _ in range(3):
        exit_page.keyboard.press("Shift")
    assert_left_for_good(exit_page, site)
