"""axe-core (WCAG 2.0/2.1 A and AA) on her chat page in each of its states and on the
jourkvinna's console with a chat open, in Swedish and in English; and her page can be
used from the keyboard alone.

axe is injected as an init script (the CSP forbids inline scripts), as in
test_accessibility.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.asgi_server import (
    ChatWorld,
    asgi_live_server,
    chat_world,
    open_console,
    open_her_page,
    page_strings,
)
from tests.browser.test_accessibility import AXE_RUN, describe

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

__all__ = ["asgi_live_server", "chat_world"]  # fixtures, imported to be found


def assert_accessible(page: Any, state: str) -> None:
    """No axe violation (WCAG 2.1 AA)."""
    assert page.evaluate("typeof axe") == "object", "axe-core was not injected"
    violations = page.evaluate(AXE_RUN)["violations"]
    assert not violations, f"{state} ({page.url}): {len(violations)} axe violation(s)\n{describe(violations)}"


def fmt(template: str, **values: Any) -> str:
    """The pages' own %(name)s formatting."""
    return template % values


@pytest.mark.parametrize("prefix", ["", "/en"], ids=["sv", "en"])
def test_chat_pages_in_every_state(
    chat_world: ChatWorld, new_context: Any, axe_source: str, prefix: str
) -> None:
    console = open_console(
        new_context,
        chat_world,
        chat_world.staff.kvinna_a,
        path=f"{prefix}/personal/chatt/",
        init_script=axe_source,
    )
    console_strings = page_strings(console, "console-strings")
    her = open_her_page(new_context, chat_world, f"{prefix}/chatt/stockholm/", init_script=axe_source)
    strings = page_strings(her, "chat-strings")
    if prefix:
        assert her.evaluate("document.documentElement.lang") == prefix.strip("/")
    assert_accessible(her, "her page, safety check")
    her.locator("#safe-no").click()
    expect(her.locator("#safety-advice")).to_be_visible()
    assert_accessible(her, "her page, safety advice")
    her.locator("#safe-continue").click()
    expect(her.locator("#start")).to_be_visible()
    her.locator("#code-form").locator("xpath=ancestor::details").locator("summary").click()
    expect(her.locator("#code-input")).to_be_visible()
    assert_accessible(her, "her page, start (return code open)")

    # The jourkvinna steps away: she waits in the queue.
    console.locator("#presence-toggle").click()
    expect(console.locator("#presence-line")).to_have_text(console_strings["away"])
    her.locator("#start").click()
    expect(her.locator("#chat-status")).to_contain_text(fmt(strings["queued"], position=1))
    assert_accessible(her, "her page, waiting")
    assert_accessible(console, "the console, someone waiting")

    # She is answered and they talk.
    console.locator("#presence-toggle").click()
    panel = console.locator(".chat-panel")
    expect(panel).to_have_count(1)
    her.locator("#chat-input").fill("Hej")
    her.locator("#chat-input").press("Enter")
    expect(panel.locator(".chat-log > li")).to_have_count(1)
    panel.locator("textarea").fill("Hej, jag heter Anna.")
    panel.locator("textarea").press("Enter")
    expect(her.locator("#chat-log > li")).to_have_count(2)
    expect(her.locator("#chat-log .pending")).to_have_count(0)
    her.locator("#get-code").click()
    expect(her.locator("#chat-code")).not_to_be_empty()
    assert_accessible(her, "her page, in a chat")
    assert_accessible(console, "the console, a chat open")

    her.once("dialog", lambda dialog: dialog.accept())
    her.locator("#end-chat").click()
    expect(her.locator("#chat-status")).to_have_text(strings["ended_her"])
    expect(panel.locator("p[role=status]")).to_have_text(console_strings["ended_her"])
    assert_accessible(her, "her page, ended")
    assert_accessible(console, "the console, the chat ended")


@pytest.mark.parametrize("prefix", ["", "/en"], ids=["sv", "en"])
def test_chat_logs_are_lists(chat_world: ChatWorld, new_context: Any, axe_source: str, prefix: str) -> None:
    console = open_console(
        new_context,
        chat_world,
        chat_world.staff.kvinna_a,
        path=f"{prefix}/personal/chatt/",
        init_script=axe_source,
    )
    her = open_her_page(new_context, chat_world, f"{prefix}/chatt/stockholm/", init_script=axe_source)
    her.locator("#safe-yes").click()
    her.locator("#start").click()
    panel = console.locator(".chat-panel")
    expect(panel).to_have_count(1)
    her.locator("#chat-input").fill("Hej")
    her.locator("#chat-input").press("Enter")
    panel.locator("textarea").fill("Hej, jag heter Anna.")
    panel.locator("textarea").press("Enter")
    expect(her.locator("#chat-log > li")).to_have_count(2)
    expect(panel.locator(".chat-log > li")).to_have_count(2)
    failures = []
    for page, what in ((her, "her page"), (console, "the console")):
        try:
            assert_accessible(page, f"{what}, in a chat")
        except AssertionError as error:
            failures.append(str(error))
    assert not failures, "\n".join(failures)


def tab_to(page: Any, selector: str, presses: int = 60) -> None:
    """Press Tab until the element has the focus."""
    target = page.locator(selector)
    for _ in range(presses):
        page.keyboard.press("Tab")
        if target.evaluate("e => e === document.activeElement"):
            return
    pytest.fail(f"{selector} is not reached with Tab ({presses} presses)")


def test_chat_by_keyboard(chat_world: ChatWorld, new_context: Any) -> None:
    console = open_console(new_context, chat_world, chat_world.staff.kvinna_a)
    her = open_her_page(new_context, chat_world)
    tab_to(her, "#safe-yes")
    her.keyboard.press("Enter")
    expect(her.locator("#start")).to_be_visible()
    if not her.locator("#start").evaluate("e => e === document.activeElement"):
        tab_to(her, "#start")
    her.keyboard.press("Enter")
    panel = console.locator(".chat-panel")
    expect(panel).to_have_count(1)
    # Answered, the focus is in the message field: she writes and sends with Enter.
    expect(her.locator("#chat-input")).to_be_focused()
    her.keyboard.type("Hej, jag skriver med tangentbordet.")
    her.keyboard.press("Enter")
    expect(panel.locator(".chat-log > li > span:nth-child(2)")).to_have_text(
        ["Hej, jag skriver med tangentbordet."]
    )
    expect(her.locator("#chat-input")).to_have_value("")
    expect(her.locator("#chat-input")).to_be_focused()
    # Shift+Enter is a new line, not a send.
    her.keyboard.type("Rad ett")
    her.keyboard.press("Shift+Enter")
    her.keyboard.type("rad två")
    expect(her.locator("#chat-input")).to_have_value("Rad ett\nrad två")
    her.keyboard.press("Enter")
    expect(panel.locator(".chat-log > li")).to_have_count(2)
    expect(her.locator("#chat-log .pending")).to_have_count(0)
