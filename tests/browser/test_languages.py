"""Every language of the public site in Chromium: axe-core on every public page, the quick
exit (its label in the language, the button and Shift three times, right-to-left too), and
the language switch on a 360 px phone, by keyboard and for a screen reader.

Swedish has its own page-by-page run in test_accessibility.py. The other languages run all
their pages in one test each, so that the live server's database is set up once per
language (that set-up, not axe, is what takes the time).
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.utils import translation

from fristad.directory.pages import INFO_PAGES
from fristad.web.languages import NATIVE_NAMES
from tests.browser.asgi_server import asgi_live_server
from tests.browser.test_accessibility import AXE_RUN, describe
from tests.conftest import SAMPLE_JOURER

pytestmark = pytest.mark.browser

__all__ = ["asgi_live_server"]  # a fixture, imported to be found

LANGUAGES = [code for code, _name in settings.LANGUAGES]
OTHER_LANGUAGES = [code for code in LANGUAGES if code != settings.LANGUAGE_CODE]
RTL = {"ar", "fa"}
NEUTRAL_HTML = "<!doctype html><title>Neutral</title><p>neutral</p>"
CHAT_JOUR = next(j for j in SAMPLE_JOURER if j.get("chats"))["slug"]

# Every kind of public page, as test_accessibility.py lists them for Swedish.
PATHS: list[tuple[str, int]] = [
    ("/", 200),
    ("/sok/?q=11520", 200),
    ("/sok/?q=Qwertyville", 200),
    ("/jourer/", 200),
    (f"/jour/{CHAT_JOUR}/", 200),
    *[(f"/info/{p.slug}/", 200) for p in INFO_PAGES],
    (f"/chatt/{CHAT_JOUR}/", 200),
    ("/finns-inte-har/", 404),
]


def prefixed(code: str, path: str) -> str:
    return path if code == settings.LANGUAGE_CODE else f"/{code}{path}"


def translated(code: str, msgid: str) -> str:
    with translation.override(code):
        return translation.gettext(msgid)


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_axe_on_every_public_page(site: str, new_context: Any, axe_source: str, code: str) -> None:
    context = new_context()
    context.add_init_script(script=axe_source)
    page = context.new_page()
    failures = []
    started = time.perf_counter()
    for path, status in PATHS:
        url = prefixed(code, path)
        response = page.goto(f"{site}{url}")
        assert response is not None
        assert response.status == status, f"{url}: {response.status}"
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.lang") == code, url
        direction = "rtl" if code in RTL else "ltr"
        assert page.evaluate("document.documentElement.dir") == direction, url
        assert page.evaluate("typeof axe") == "object", "axe-core was not injected"
        violations = page.evaluate(AXE_RUN)["violations"]
        if violations:
            failures.append(f"{url}: {len(violations)} axe violation(s)\n{describe(violations)}")
    elapsed = time.perf_counter() - started
    print(f"\naxe {code}: {len(PATHS)} pages in {elapsed:.1f} s")
    assert not failures, "\n".join(failures)


@pytest.fixture
def exit_context(new_context: Any) -> Any:
    """A context in which the neutral site is stubbed (no internet here)."""
    context = new_context()
    host = urlsplit(settings.QUICK_EXIT_URL).netloc
    context.route(
        f"*://{host}/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body=NEUTRAL_HTML),
    )
    return context


def open_page(context: Any, url: str) -> Any:
    page = context.new_page()
    page.goto("about:blank")
    page.goto(url)
    page.locator("#quick-exit").wait_for()
    page.wait_for_load_state("load")  # quickexit.js is deferred
    return page


def assert_left_for_good(page: Any, site: str) -> None:
    page.wait_for_url(settings.QUICK_EXIT_URL)
    page.wait_for_load_state("load")
    assert "neutral" in page.content()
    page.go_back()
    page.wait_for_load_state()
    assert not page.url.startswith(site), f"Back returned to our site: {page.url}"


@pytest.mark.parametrize("code", LANGUAGES)
def test_quick_exit_in_every_language(site: str, exit_context: Any, code: str) -> None:
    url = f"{site}{prefixed(code, '/info/din-sakerhet/')}"
    label = translated(code, "Leave this page quickly")
    hint = translated(code, "or press Shift three times")
    assert code == "en" or label != "Leave this page quickly", f"{code}: the quick exit is not translated"

    page = open_page(exit_context, url)
    button = page.locator("#quick-exit")
    text = " ".join(button.inner_text().split())
    assert label in text and hint in text, text
    # At the top of the page and inside the screen, in either direction.
    box = button.bounding_box()
    width = page.evaluate("document.documentElement.clientWidth")
    assert box is not None and box["y"] == 0 and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, box
    button.click()
    assert_left_for_good(page, site)

    page = open_page(exit_context, url)
    for _ in range(3):
        page.keyboard.press("Shift")
    assert_left_for_good(page, site)


@pytest.mark.parametrize("code", ["sv", "ar", "ti"])
def test_language_switch_on_a_small_phone(site: str, new_context: Any, code: str) -> None:
    """360 px wide: every language is there to see and to tap, nothing scrolls sideways,
    and the keyboard reaches each name, read in its own language."""
    context = new_context(viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(f"{site}{prefixed(code, '/sok/?q=11520')}")
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "the page scrolls sideways"
    items = page.locator("ul.langs > li > *")
    assert items.count() == len(settings.COMPLETE_LANGUAGES)
    for i in range(items.count()):
        item = items.nth(i)
        other = item.get_attribute("lang")
        assert other in LANGUAGES
        assert item.inner_text().strip() == NATIVE_NAMES[other]
        assert item.get_attribute("dir") == ("rtl" if other in RTL else "ltr")
        box = item.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360, (other, box)
        assert box["height"] >= 24 and box["width"] >= 24, f"{other}: target {box}"
        if other == code:
            assert item.get_attribute("aria-current") == "true"
            continue
        assert item.get_attribute("hreflang") == other
        href = item.get_attribute("href") or ""
        assert href.endswith(prefixed(other, "/sok/?q=11520")), href
    # No two targets overlap (they wrap onto lines; they do not crowd).
    boxes = [items.nth(i).bounding_box() for i in range(items.count())]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a and b
            apart = a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
            apart = apart or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"]
            assert apart, (a, b)

    # The keyboard: Tab from the top reaches every other language's link, in order.
    page.keyboard.press("Tab")
    reached = []
    for _ in range(12):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.getAttribute('hreflang')"))
    others = [c for c in settings.COMPLETE_LANGUAGES if c != code]
    assert [r for r in reached if r][: len(others)] == others, reached

    # A screen reader hears a named list, each name in its own language.
    nav = page.get_by_role("navigation", name=translated(code, "Language"))
    assert nav.count() == 1
    link = nav.get_by_role("link", name=NATIVE_NAMES["so"])
    assert link.get_attribute("lang") == "so"
    link.click()
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.lang") == "so"
    assert urlsplit(page.url).path == "/so/sok/"


# --- Her chat page, open, right to left and in Ge'ez script ---------------------------------


@pytest.mark.parametrize("code", ["ar", "ti"])
def test_open_chat_page_is_accessible(
    asgi_live_server: str, staff: Any, new_context: Any, axe_source: str, code: str
) -> None:
    """The chat app's states before and after Start, in Arabic and Tigrinya, with axe."""
    from playwright.sync_api import expect

    from tests.browser.asgi_server import ChatWorld, open_console, open_her_page, start_chat

    world = ChatWorld(url=asgi_live_server, staff=staff)
    open_console(new_context, world, staff.kvinna_a)
    her = open_her_page(new_context, world, prefixed(code, f"/chatt/{CHAT_JOUR}/"), init_script=axe_source)
    assert her.evaluate("document.documentElement.lang") == code
    failures = []

    def check(state: str) -> None:
        violations = her.evaluate(AXE_RUN)["violations"]
        if violations:
            failures.append(f"{code} {state}: {len(violations)} axe violation(s)\n{describe(violations)}")

    expect(her.locator("#safe-yes")).to_be_visible()
    assert her.locator("#safe-yes").inner_text() == translated(code, "No, I am alone")
    check("safety check")
    her.locator("#safe-no").click()
    expect(her.locator("#safety-advice")).to_be_visible()
    check("safety advice")
    her.reload(wait_until="load")
    start_chat(her)
    check("chat started")
    assert not failures, "\n".join(failures)
