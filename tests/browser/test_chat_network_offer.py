"""Her page in Chromium at 360 px when her jour is closed or full: the offer of the network
is there at once, passes axe, and a jourkvinna at the jour that answers is named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.asgi_server import (
    ChatWorld,
    asgi_live_server,
    chat_world,
    open_console,
    open_her_page,
    page_strings,
    start_chat,
)
from tests.browser.test_chat_accessibility import assert_accessible

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

__all__ = ["asgi_live_server", "chat_world"]  # fixtures, imported to be found
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def malmo_chats(chat_world: ChatWorld) -> None:
    from fristad.directory.models import Jour

    Jour.objects.filter(pk=chat_world.staff.jour_b.pk).update(chats=True)


def _no_sideways_scroll(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_closed_jour_offers_the_network_and_malmo_answers(
    chat_world: ChatWorld, new_context: Any, axe_source: str, malmo_chats: None, tmp_path: Path
) -> None:
    staff = chat_world.staff
    console = open_console(new_context, chat_world, staff.kvinna_b, path="/en/personal/chatt/")
    her = open_her_page(
        new_context, chat_world, "/en/chatt/stockholm/", init_script=axe_source, viewport=PHONE
    )
    expect(her.locator("#offer-heading")).to_have_text(f"The chat at {staff.jour_a.name} is closed right now")
    expect(her.locator(f'a[href="/en/chatt/{staff.jour_b.slug}/"]')).to_be_visible()
    assert_accessible(her, "her page, her jour closed, the network offered")
    _no_sideways_scroll(her)
    her.screenshot(path=tmp_path / "offer-closed-360.png", full_page=True)
    strings = page_strings(her, "chat-strings")
    start_chat(her)
    expect(her.locator("#chat-status")).to_have_text(strings["assigned"] % {"jour": staff.jour_b.name})
    expect(console.locator(".chat-panel")).to_be_visible()


def test_a_full_jour_offers_both_choices(
    chat_world: ChatWorld, new_context: Any, axe_source: str, malmo_chats: None, tmp_path: Path
) -> None:
    from fristad.accounts.models import Membership

    staff = chat_world.staff
    Membership.objects.filter(user=staff.kvinna_a, jour=staff.jour_a).update(chat_capacity=1)
    open_console(new_context, chat_world, staff.kvinna_a, path="/en/personal/chatt/")
    first = open_her_page(new_context, chat_world, "/en/chatt/stockholm/")
    start_chat(first)  # Stockholm's one place is taken
    strings = page_strings(first, "chat-strings")
    expect(first.locator("#chat-status")).to_have_text(strings["assigned"] % {"jour": staff.jour_a.name})
    open_console(new_context, chat_world, staff.kvinna_b, path="/en/personal/chatt/")

    her = open_her_page(
        new_context, chat_world, "/en/chatt/stockholm/", init_script=axe_source, viewport=PHONE
    )
    her.locator("#safe-yes").click()
    expect(her.locator("#start-any")).to_be_focused()
    expect(her.locator("#start")).to_have_text(f"Wait for {staff.jour_a.name}")
    assert_accessible(her, "her page, her jour full, both choices")
    _no_sideways_scroll(her)
    her.screenshot(path=tmp_path / "offer-full-360.png", full_page=True)
    her.locator("#start-any").click()
    expect(her.locator("#chat-status")).to_have_text(strings["assigned"] % {"jour": staff.jour_b.name})
