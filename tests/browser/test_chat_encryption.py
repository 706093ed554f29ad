"""The chat's end-to-end encryption in Chromium (docs/chat-encryption.md): the security
code both sides show, when it changes (a new page, a new jourkvinna) and when it does not
(a dropped connection); no chat at all where the browser cannot encrypt, nor where a
script was altered (Subresource Integrity). That the words cross the wire only as
ciphertext: tests/test_chat_canary.py.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from fristad.accounts.models import Membership, Role
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
from tests.browser.test_chat_browser import Cable, assert_logs, chat_between, code_from, her_says, staff_says
from tests.browser.wire import Frames, assert_only_ciphertext, watched_her_page
from tests.conftest import make_staff_user

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

__all__ = ["asgi_live_server", "chat_world"]  # fixtures, imported to be found

CODE = re.compile(r"^\d{4} \d{4} \d{4}$")
# An insecure context has no crypto.subtle (http:// other than localhost): as it is there.
NO_WEBCRYPTO = (
    "Object.defineProperty(Crypto.prototype, 'subtle', {get() { return undefined; }, configurable: true});"
)


def her_code(page: Any) -> str:
    shown = page.locator("#verify-shown")
    expect(shown).to_have_text(CODE)
    return str(shown.inner_text())


def panel_code(panel: Any) -> str:
    shown = panel.locator(".verify .code")
    expect(shown).to_have_text(CODE)
    return str(shown.inner_text())


def spoken(code: str) -> str:
    return ", ".join(" ".join(group) for group in code.split(" "))


def test_both_sides_show_the_same_security_code(chat_world: ChatWorld, new_context: Any) -> None:
    her, _console, panel = chat_between(new_context, chat_world)
    her_says(her, "Hej", seen_by=panel)
    code = her_code(her)
    assert panel_code(panel) == code
    # A screen reader gets it digit by digit; the digits on the screen are hidden from it.
    expect(her.locator("#verify-spoken")).to_have_text(spoken(code))
    expect(her.locator("#verify-shown")).to_have_attribute("aria-hidden", "true")
    expect(panel.locator(".verify .visually-hidden")).to_have_text(spoken(code))
    expect(her.locator("#chat-verify")).to_be_visible()
    her.locator("#chat-verify summary").click()
    expect(her.locator("#chat-verify details p")).to_be_visible()


def test_a_dropped_connection_keeps_the_code_and_a_new_page_gets_a_new_one(
    chat_world: ChatWorld, new_context: Any
) -> None:
    console = open_console(new_context, chat_world, chat_world.staff.kvinna_a)
    console_strings = page_strings(console, "console-strings")
    her = new_context().new_page()
    cable = Cable(her)
    her.goto(f"{chat_world.url}/chatt/stockholm/")
    strings = page_strings(her, "chat-strings")
    start_chat(her)
    panel = console.locator(".chat-panel")
    expect(panel).to_have_count(1)
    her_says(her, "Ett", seen_by=panel)
    code = her_code(her)

    # Her socket drops and comes back: the same page, the same legs, the same keys.
    cable.cut()
    expect(panel.locator("p[role=status]")).to_have_text(console_strings["her_away"])
    her_says(her, "Två (borta)")
    staff_says(panel, "Tre (medan hon var borta)")
    cable.reconnect()
    expect(panel.locator("p[role=status]")).to_have_text(console_strings["her_here"])
    assert_logs(
        her,
        ["Ett", "Två (borta)", "Tre (medan hon var borta)"],
        panel,
        ["Ett", "Tre (medan hon var borta)", "Två (borta)"],
    )
    assert her_code(her) == code and panel_code(panel) == code

    # A return code on a new page: a new leg and a new key pair, so a new code, on both sides.
    her.locator("#get-code").click()
    expect(her.locator("#chat-code")).not_to_be_empty()
    return_code = code_from(her.locator("#chat-code").inner_text(), strings["code"])
    her.context.close()
    expect(panel.locator("p[role=status]")).to_have_text(console_strings["her_away"])
    staff_says(panel, "Är du kvar?")
    again = open_her_page(new_context, chat_world, "/chatt/")
    again.locator("#safe-yes").click()
    again.locator("#code-form").locator("xpath=ancestor::details").locator("summary").click()
    again.locator("#code-input").fill(return_code)
    again.locator("#code-input").press("Enter")
    # What the jourkvinna wrote while she was gone reaches the new page, encrypted for it.
    expect(again.locator("#chat-log > li > span:nth-child(2)")).to_have_text(["Är du kvar?"])
    new_code = her_code(again)
    assert new_code != code
    expect(panel.locator(".verify .code")).to_have_text(new_code)


def test_a_new_jourkvinna_is_a_new_key_exchange(chat_world: ChatWorld, new_context: Any) -> None:
    staff = chat_world.staff
    colleague, _ = make_staff_user("kvinna_c@staff.test")
    Membership.objects.create(user=colleague, role=Role.JOURKVINNA, jour=staff.jour_a)
    first = open_console(new_context, chat_world, staff.kvinna_a)
    frames = Frames()
    her = watched_her_page(new_context, chat_world, frames)
    start_chat(her)
    panel = first.locator(".chat-panel")
    expect(panel).to_have_count(1)
    second = open_console(new_context, chat_world, colleague)
    strings = page_strings(first, "console-strings")
    her_says(her, "Hemligt: han heter Kalle.", seen_by=panel)
    code = her_code(her)
    her_keys = {f["pub"] for f in frames.parsed("sent", "key")}
    assert len(her_keys) == 1
    target = panel.locator(f"select[aria-label='{strings['transfer_to']}']")
    expect(target.locator(f"option[value='u{colleague.pk}']")).to_have_count(1)
    target.select_option(f"u{colleague.pk}")
    panel.get_by_role("button", name=strings["transfer"], exact=True).click()
    expect(panel).to_contain_text(strings["transferred"])
    # The old panel drops the chat's keys and code with its words.
    expect(panel.locator(".verify")).to_be_hidden()
    new_panel = second.locator(".chat-panel")
    expect(new_panel).to_have_count(1)
    her_says(her, "Är du en ny?", seen_by=new_panel)
    staff_says(new_panel, "Ja.", seen_by=her)
    new_code = her_code(her)
    assert new_code != code
    assert panel_code(new_panel) == new_code
    assert "Kalle" not in new_panel.inner_text()
    # Her page dropped its own key pair too: the new jourkvinna gets a new public key.
    later = [f["pub"] for f in frames.parsed("sent", "key")][-1]
    assert later not in her_keys


def test_no_chat_in_clear_where_the_browser_cannot_encrypt(
    chat_world: ChatWorld, new_context: Any, axe_source: str
) -> None:
    """No crypto.subtle: she gets the phone numbers, and no socket is ever opened; a
    console cannot set itself available, so no chat can come to it."""
    open_console(new_context, chat_world, chat_world.staff.kvinna_a)  # the chat is open
    frames = Frames()
    context = new_context()
    context.add_init_script(script=NO_WEBCRYPTO)
    context.add_init_script(script=axe_source)
    her = context.new_page()
    frames.watch(her)
    her.goto(f"{chat_world.url}/chatt/stockholm/")
    her.wait_for_load_state("load")
    assert her.evaluate("typeof crypto.subtle") == "undefined"
    unsupported = her.locator("#chat-unsupported")
    expect(unsupported).to_be_visible()
    expect(unsupported.locator("a[href='tel:020505050']")).to_have_text("020-50 50 50")
    expect(her.locator("#chat-app")).to_be_hidden()
    expect(her.locator("a.phone").first).to_be_visible()  # the jour's own numbers, as ever
    assert_accessible(her, "her page, no WebCrypto")

    from tests.chat_helpers import session_cookie

    console_frames = Frames()
    name, value = session_cookie(chat_world.staff.kvinna_a).decode().split("=", 1)
    staff_context = new_context()
    staff_context.add_cookies([{"name": name, "value": value, "url": chat_world.url}])
    staff_context.add_init_script(script=NO_WEBCRYPTO)
    console = staff_context.new_page()
    console_frames.watch(console)
    console.goto(f"{chat_world.url}/personal/chatt/")
    console.wait_for_load_state("load")
    expect(console.locator("#console-unsupported")).to_be_visible()
    expect(console.locator("#console")).to_be_hidden()
    her.wait_for_timeout(500)
    assert frames.sockets == 0 and console_frames.sockets == 0


def test_an_altered_script_does_not_run(chat_world: ChatWorld, new_context: Any) -> None:
    """The chat page's scripts carry their SHA-384 (integrity=): one altered on the way
    (here by the test; in life a proxy, a cache, a tampered static volume) is refused, and
    a page without its delivery module offers the phone instead of a chat."""
    open_console(new_context, chat_world, chat_world.staff.kvinna_a)
    context = new_context()

    def altered(route: Any) -> None:
        response = route.fetch()
        route.fulfill(response=response, body=response.text() + "\n/* altered */\n")

    context.route(re.compile(r"/static/chat/delivery(\.[0-9a-f]+)?\.js$"), altered)
    frames = Frames()
    her = context.new_page()
    errors: list[str] = []
    her.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    frames.watch(her)
    her.goto(f"{chat_world.url}/chatt/stockholm/")
    her.wait_for_load_state("load")
    expect(her.locator("#chat-unsupported")).to_be_visible()
    expect(her.locator("#chat-app")).to_be_hidden()
    assert her.evaluate("typeof FristadDelivery") == "undefined"
    assert any("integrity" in e.lower() for e in errors), errors
    assert frames.sockets == 0


def test_the_longest_message_goes_encrypted(chat_world: ChatWorld, new_context: Any) -> None:
    """The text field's 1,000 characters in Swedish (å, ä and ö are 2 bytes in UTF-8) still
    fit the relay's 4 KB frame once encrypted; a text that would not (1,000 characters of
    3 bytes each) is refused on her page, whole, and nothing of it is sent."""
    frames = Frames()
    console = open_console(new_context, chat_world, chat_world.staff.kvinna_a)
    her = watched_her_page(new_context, chat_world, frames)
    strings = page_strings(her, "chat-strings")
    start_chat(her)
    panel = console.locator(".chat-panel")
    expect(panel).to_have_count(1)
    longest = "å" * 1000
    her_says(her, longest, seen_by=panel)
    staff_says(panel, "Tack.", seen_by=her)
    assert_only_ciphertext(frames, longest, "Tack.", what="her page's websocket")
    sent = len(frames.parsed("sent", "msg"))
    her.locator("#chat-input").fill("€" * 1000)
    her.locator("#chat-input").press("Enter")
    expect(her.locator("#chat-status")).to_have_text(strings["too_large"])
    expect(her.locator("#chat-input")).to_have_value("€" * 1000)
    her.wait_for_timeout(300)
    assert len(frames.parsed("sent", "msg")) == sent
    expect(her.locator("#chat-log > li")).to_have_count(2)
