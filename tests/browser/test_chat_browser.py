"""The anonymous chat in a real browser: her page and the jourkvinna's console, in
two browser contexts, against the ASGI application (uvicorn, in this process).

Each side numbers its messages and resends what was not acknowledged
(docs/chat-protocol.md): every message shows once, in order, on both sides.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from fristad.accounts.models import Membership, Role
from fristad.directory.models import Jour
from tests.browser.asgi_server import (
    ChatWorld,
    asgi_live_server,
    chat_world,
    open_console,
    open_her_page,
    page_strings,
    start_chat,
)
from tests.conftest import make_staff_user

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

__all__ = ["asgi_live_server", "chat_world"]  # fixtures, imported to be found

NEUTRAL_HTML = "<!doctype html><title>Neutral</title><p>neutral</p>"


def her_says(page: Any, text: str, *, seen_by: Any = None) -> None:
    """She sends a message (and, given the console's panel, waits until it arrives there:
    a conversation's turns, so that both logs have one order)."""
    page.locator("#chat-input").fill(text)
    page.locator("#chat-input").press("Enter")
    if seen_by is not None:
        expect(panel_log(seen_by).last).to_have_text(text)


def staff_says(panel: Any, text: str, *, seen_by: Any = None) -> None:
    """The jourkvinna sends a message (and, given her page, waits until it arrives there)."""
    panel.locator("textarea").fill(text)
    panel.locator("textarea").press("Enter")
    if seen_by is not None:
        expect(her_log(seen_by).last).to_have_text(text)


def her_log(page: Any) -> Any:
    """The message bodies on her page (the second span of each item; the first says who)."""
    return page.locator("#chat-log > li > span:nth-child(2)")


def panel_log(panel: Any) -> Any:
    return panel.locator(".chat-log > li > span:nth-child(2)")


def assert_logs(her: Any, her_expected: list[str], panel: Any, panel_expected: list[str]) -> None:
    """Both logs hold exactly these messages, in this order, all acknowledged; and still
    do a moment later (a late duplicate would show then)."""

    def check() -> None:
        expect(her_log(her)).to_have_text(her_expected)
        expect(panel_log(panel)).to_have_text(panel_expected)
        expect(her.locator("#chat-log .pending")).to_have_count(0)
        expect(panel.locator(".chat-log .pending")).to_have_count(0)

    check()
    her.wait_for_timeout(300)
    check()


def chat_between(
    new_context: Any, world: ChatWorld, user: Any = None, **options: Any
) -> tuple[Any, Any, Any]:
    """Her page and a console with her chat open in it: (her page, console page, panel)."""
    console = open_console(new_context, world, user or world.staff.kvinna_a, **options)
    her = open_her_page(new_context, world, **options)
    start_chat(her)
    panel = console.locator(".chat-panel")
    expect(panel).to_have_count(1)
    return her, console, panel


def stub_quick_exit_site(context: Any) -> None:
    """The neutral site of the quick exit, stubbed: there is no internet here."""
    host = urlsplit(settings.QUICK_EXIT_URL).netloc
    context.route(
        f"*://{host}/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body=NEUTRAL_HTML),
    )


# --- 1. A whole chat -------------------------------------------------------------------


def test_whole_chat(chat_world: ChatWorld, new_context: Any) -> None:
    her, console, panel = chat_between(new_context, chat_world)
    strings = page_strings(her, "chat-strings")
    console_strings = page_strings(console, "console-strings")
    her_typing = her.locator("#chat-typing")
    panel_typing = panel.locator("p.meta[aria-live=polite]")

    her.locator("#chat-input").press_sequentially("Hej")
    expect(panel_typing).to_have_text(console_strings["typing"])
    her.locator("#chat-input").fill("Hej, jag behöver prata.")
    her.locator("#chat-input").press("Enter")
    expect(panel_log(panel)).to_have_text(["Hej, jag behöver prata."])
    expect(panel_typing).to_have_text("")
    # She sees the jourkvinna writing, and the line goes when the words come.
    panel.locator("textarea").press_sequentially("Hej")
    expect(her_typing).to_have_text(strings["typing"])
    panel.locator("textarea").fill("Hej, jag heter Anna. Vad har hänt?")
    panel.locator("textarea").press("Enter")
    expect(her_log(her)).to_have_text(["Hej, jag behöver prata.", "Hej, jag heter Anna. Vad har hänt?"])
    expect(her_typing).to_have_text("")
    her_says(her, "Han skriker på mig.", seen_by=panel)
    her_says(her, "Varje kväll.", seen_by=panel)
    staff_says(panel, "Det låter svårt. Är du trygg just nu?", seen_by=her)

    both = [
        "Hej, jag behöver prata.",
        "Hej, jag heter Anna. Vad har hänt?",
        "Han skriker på mig.",
        "Varje kväll.",
        "Det låter svårt. Är du trygg just nu?",
    ]
    assert_logs(her, both, panel, both)
    expect(her.locator("#chat-log > li.mine")).to_have_count(3)
    expect(panel.locator(".chat-log > li.mine")).to_have_count(2)

    # The jourkvinna ends it: the words go from both pages.
    console.once("dialog", lambda dialog: dialog.accept())
    panel.get_by_role("button", name=console_strings["end"], exact=True).click()
    expect(her.locator("#chat-status")).to_have_text(strings["ended_staff"])
    expect(her.locator("#chat-log > li")).to_have_count(0)
    expect(her.locator("#chat-form")).to_be_hidden()
    expect(panel.locator("p[role=status]")).to_have_text(console_strings["ended_staff"])
    expect(panel.locator(".chat-log > li")).to_have_count(0)


def test_her_status_says_she_is_answered(chat_world: ChatWorld, new_context: Any) -> None:
    her, _console, panel = chat_between(new_context, chat_world)
    strings = page_strings(her, "chat-strings")
    staff_says(panel, "Hej, jag heter Anna.")
    expect(her_log(her)).to_have_text(["Hej, jag heter Anna."])  # the console has joined by now
    assigned = strings["assigned"] % {"jour": chat_world.staff.jour_a.name}
    expect(her.locator("#chat-status")).to_have_text(assigned, timeout=1000)


def test_what_she_writes_while_connecting_is_not_lost(chat_world: ChatWorld, new_context: Any) -> None:
    """The form shows at once, before the server has answered "started": what she writes
    then waits in the page and reaches the jourkvinna when the chat is answered, and so
    does her typing. (Found on CI, where a loaded machine made the server's answer late.)"""
    console = open_console(new_context, chat_world, chat_world.staff.kvinna_a)
    console_strings = page_strings(console, "console-strings")
    her = new_context().new_page()
    held: list[Any] = []
    holding = {"now": True}

    def handle(page_end: Any) -> None:
        server_end = page_end.connect_to_server()

        def to_page(message: Any) -> None:
            if holding["now"]:
                held.append(message)
            else:
                page_end.send(message)

        server_end.on_message(to_page)
        held.append(page_end)  # first item: where the held frames go

    her.route_web_socket(re.compile(r"/ws/chatt/$"), handle)
    her.goto(f"{chat_world.url}/chatt/stockholm/")
    start_chat(her)
    panel = console.locator(".chat-panel")
    expect(panel).to_have_count(1)  # answered on the server; her page has heard nothing yet
    her.locator("#chat-input").press_sequentially("Jag")
    her_says(her, "Jag skrev innan sidan var klar.")
    expect(her.locator("#chat-log .pending")).to_have_count(1)
    her.locator("#chat-input").press_sequentially("Och")

    holding["now"] = False
    page_end, *frames = held
    for frame in frames:
        page_end.send(frame)
    expect(panel.locator("p.meta[aria-live=polite]")).to_have_text(console_strings["typing"])
    expect(panel_log(panel)).to_have_text(["Jag skrev innan sidan var klar."])
    expect(her.locator("#chat-log .pending")).to_have_count(0)


# --- 2. Reconnecting after a dropped connection ------------------------------------------


class Cable:
    """Her page's websocket, passed through Playwright (route_web_socket) so that the
    test can cut it. ``cut()`` drops the server's end and swallows whatever her page
    sends, while her page still believes it is connected (a dead mobile network);
    ``reconnect()`` lets her page notice (its end closes) and reconnect for real."""

    def __init__(self, page: Any) -> None:
        self.cut_now = False
        self.ends: list[tuple[Any, Any]] = []
        page.route_web_socket(re.compile(r"/ws/chatt/$"), self.handle)

    def handle(self, page_end: Any) -> None:
        server_end = page_end.connect_to_server()
        page_end.on_message(lambda m: None if self.cut_now else server_end.send(m))
        server_end.on_message(lambda m: None if self.cut_now else page_end.send(m))
        # Closing one end does not close the other by itself: the test decides.
        server_end.on_close(lambda code, reason: None)
        page_end.on_close(lambda code, reason: server_end.close())
        self.ends.append((page_end, server_end))

    def cut(self) -> None:
        self.cut_now = True
        self.ends[-1][1].close()

    def reconnect(self) -> None:
        self.cut_now = False
        self.ends[-1][0].close()


def test_reconnect_after_dropped_connection(chat_world: ChatWorld, new_context: Any) -> None:
    console = open_console(new_context, chat_world, chat_world.staff.kvinna_a)
    console_strings = page_strings(console, "console-strings")
    her = new_context().new_page()
    cable = Cable(her)
    her.goto(f"{chat_world.url}/chatt/stockholm/")
    start_chat(her)
    panel = console.locator(".chat-panel")
    expect(panel).to_have_count(1)
    her_line = panel.locator("p[role=status]")

    before = ["Ett", "Två"]
    hers, theirs = ["Tre (borta)", "Fyra (borta)"], ["Fem (medan hon var borta)", "Sex (medan hon var borta)"]
    after = ["Sju (tillbaka)", "Åtta"]
    her_says(her, before[0], seen_by=panel)
    staff_says(panel, before[1], seen_by=her)
    assert_logs(her, before, panel, before)

    cable.cut()
    expect(her_line).to_have_text(console_strings["her_away"])
    for text in hers:
        her_says(her, text)
    for text in theirs:
        staff_says(panel, text)
    # Nothing got through; both sides keep their messages as "sending".
    expect(her.locator("#chat-log .pending")).to_have_count(2)
    expect(panel.locator(".chat-log .pending")).to_have_count(2)
    expect(her_log(her)).to_have_text(before + hers)
    expect(panel_log(panel)).to_have_text(before + theirs)

    cable.reconnect()
    expect(her_line).to_have_text(console_strings["her_here"])
    assert len(cable.ends) >= 2, "her page did not reconnect"
    her_says(her, after[0], seen_by=panel)
    staff_says(panel, after[1], seen_by=her)
    # Each side's own messages stand where they were written, the other's where they arrived.
    assert_logs(her, before + hers + theirs + after, panel, before + theirs + hers + after)


def test_reconnect_while_her_page_knows_it_is_offline(chat_world: ChatWorld, new_context: Any) -> None:
    """Her socket closes and reconnecting fails for a while: what she writes waits in the page."""
    console = open_console(new_context, chat_world, chat_world.staff.kvinna_a)
    console_strings = page_strings(console, "console-strings")
    her = new_context().new_page()
    offline = {"now": False}
    ends: list[Any] = []

    def handle(page_end: Any) -> None:
        if offline["now"]:
            page_end.close()  # the attempt fails at once
            return
        ends.append(page_end)
        page_end.connect_to_server()

    her.route_web_socket(re.compile(r"/ws/chatt/$"), handle)
    her.goto(f"{chat_world.url}/chatt/stockholm/")
    strings = page_strings(her, "chat-strings")
    start_chat(her)
    panel = console.locator(".chat-panel")
    expect(panel).to_have_count(1)
    her_says(her, "Före", seen_by=panel)
    assert_logs(her, ["Före"], panel, ["Före"])

    offline["now"] = True
    ends[-1].close()
    expect(her.locator("#chat-status")).to_have_text(strings["reconnecting"])
    expect(panel.locator("p[role=status]")).to_have_text(console_strings["her_away"])
    her_says(her, "Under avbrottet")
    staff_says(panel, "Svar under avbrottet")
    expect(her.locator("#chat-log .pending")).to_have_count(1)
    offline["now"] = False
    expect(panel.locator("p[role=status]")).to_have_text(console_strings["her_here"])
    assert_logs(
        her,
        ["Före", "Under avbrottet", "Svar under avbrottet"],
        panel,
        ["Före", "Svar under avbrottet", "Under avbrottet"],
    )


# --- 3. Handing the chat over to a colleague -----------------------------------------------


def test_transfer_to_a_colleague(chat_world: ChatWorld, new_context: Any) -> None:
    staff = chat_world.staff
    colleague, _ = make_staff_user("kvinna_c@staff.test")
    Membership.objects.create(user=colleague, role=Role.JOURKVINNA, jour=staff.jour_a)
    her, first, panel = chat_between(new_context, chat_world)
    second = open_console(new_context, chat_world, colleague, available=False)
    first_strings = page_strings(first, "console-strings")
    her_says(her, "Hemligt: han heter Kalle.", seen_by=panel)
    staff_says(panel, "Jag hör dig.", seen_by=her)
    assert_logs(
        her,
        ["Hemligt: han heter Kalle.", "Jag hör dig."],
        panel,
        ["Hemligt: han heter Kalle.", "Jag hör dig."],
    )

    # Her colleague becomes available after the chat was answered: it stays with the first.
    second.locator("#presence-toggle").click()
    expect(second.locator("#presence-line")).to_have_text(first_strings["available"])
    target = panel.locator(f"select[aria-label='{first_strings['transfer_to']}']")
    expect(target.locator(f"option[value='u{colleague.pk}']")).to_have_count(1)
    target.select_option(f"u{colleague.pk}")
    panel.get_by_role("textbox", name=first_strings["note"]).fill("Hon är rädd för sin man. Var varsam.")
    panel.get_by_role("button", name=first_strings["transfer"], exact=True).click()

    expect(panel).to_contain_text(first_strings["transferred"])
    expect(panel_log(panel)).to_have_count(0)
    new_panel = second.locator(".chat-panel")
    expect(new_panel).to_have_count(1)
    expect(new_panel.locator(".notice")).to_have_text(
        f"{first_strings['note']}: Hon är rädd för sin man. Var varsam."
    )
    expect(new_panel.locator(".chat-log > li")).to_have_count(0)

    her_says(her, "Är du en ny?", seen_by=new_panel)
    staff_says(new_panel, "Ja, jag heter Bodil.", seen_by=her)
    assert_logs(
        her,
        ["Hemligt: han heter Kalle.", "Jag hör dig.", "Är du en ny?", "Ja, jag heter Bodil."],
        new_panel,
        ["Är du en ny?", "Ja, jag heter Bodil."],
    )
    assert "Kalle" not in new_panel.inner_text()
    expect(panel_log(panel)).to_have_count(0)


def test_handover_note_survives_a_state_update(chat_world: ChatWorld, new_context: Any) -> None:
    staff = chat_world.staff
    colleague, _ = make_staff_user("kvinna_c@staff.test")
    Membership.objects.create(user=colleague, role=Role.JOURKVINNA, jour=staff.jour_a)
    other_jour = Jour.objects.get(slug="tjej-soder")
    _her, first, panel = chat_between(new_context, chat_world)
    second = open_console(new_context, chat_world, colleague)
    strings = page_strings(first, "console-strings")
    target = panel.locator(f"select[aria-label='{strings['transfer_to']}']")
    colleague_option = target.locator(f"option[value='u{colleague.pk}']")
    note = panel.get_by_role("textbox", name=strings["note"])
    expect(colleague_option).to_have_count(1)
    target.select_option(f"j{other_jour.pk}")
    note.fill("Hon vill prata med en tjejjour.")

    # Her colleague steps away for a moment: the consoles get the state again, twice.
    second.locator("#presence-toggle").click()
    expect(colleague_option).to_have_count(0)
    second.locator("#presence-toggle").click()
    expect(colleague_option).to_have_count(1)
    expect(note).to_have_value("Hon vill prata med en tjejjour.", timeout=1000)
    expect(target).to_have_value(f"j{other_jour.pk}", timeout=1000)


# --- 4. The quick exit in the middle of a chat ---------------------------------------------


@pytest.mark.parametrize("how", ["button", "shift"])
def test_quick_exit_ends_the_chat(chat_world: ChatWorld, new_context: Any, how: str) -> None:
    console = open_console(new_context, chat_world, chat_world.staff.kvinna_a)
    console_strings = page_strings(console, "console-strings")
    context = new_context()
    stub_quick_exit_site(context)
    her = context.new_page()
    her.goto("about:blank")
    her.goto(f"{chat_world.url}/chatt/stockholm/")
    her.wait_for_load_state("load")
    start_chat(her)
    panel = console.locator(".chat-panel")
    expect(panel).to_have_count(1)
    her_says(her, "Han kommer!")
    expect(panel_log(panel)).to_have_text(["Han kommer!"])

    if how == "button":
        her.locator("#quick-exit").click()
    else:  # Shift three times, while she writes
        her.locator("#chat-input").fill("Jag")
        for _ in range(3):
            her.keyboard.press("Shift")
    her.wait_for_url(settings.QUICK_EXIT_URL)
    assert her.url == settings.QUICK_EXIT_URL
    expect(panel.locator("p[role=status]")).to_have_text(console_strings["ended_her"])
    expect(panel_log(panel)).to_have_count(0)
    expect(panel.locator("textarea")).to_have_count(0)
    her.go_back()
    her.wait_for_load_state()
    assert her.url == "about:blank", f"Back returned to {her.url}"


# --- 5. Nothing stays in her browser ----------------------------------------------------------

STORED = """async () => ({
  local: localStorage.length,
  session: sessionStorage.length,
  indexed: (await indexedDB.databases()).map(d => d.name),
  workers: navigator.serviceWorker ? (await navigator.serviceWorker.getRegistrations()).length : 0,
  caches: 'caches' in window ? await caches.keys() : [],
})"""


def test_nothing_stored_in_her_browser(chat_world: ChatWorld, new_context: Any) -> None:
    console = open_console(new_context, chat_world, chat_world.staff.kvinna_a)
    console_strings = page_strings(console, "console-strings")
    context = new_context(service_workers="allow")  # so that a registration would show
    her = context.new_page()
    her.goto(f"{chat_world.url}/chatt/stockholm/")
    strings = page_strings(her, "chat-strings")
    start_chat(her)
    panel = console.locator(".chat-panel")
    expect(panel).to_have_count(1)
    her_says(her, "Hej", seen_by=panel)
    staff_says(panel, "Hej, välkommen", seen_by=her)
    assert_logs(her, ["Hej", "Hej, välkommen"], panel, ["Hej", "Hej, välkommen"])
    her.locator("#get-code").click()
    expect(her.locator("#chat-code")).not_to_be_empty()

    her.once("dialog", lambda dialog: dialog.accept())
    her.locator("#end-chat").click()
    expect(her.locator("#chat-status")).to_have_text(strings["ended_her"])
    expect(her.locator("#chat-log > li")).to_have_count(0)
    expect(her.locator("#chat-code")).to_be_empty()
    expect(panel.locator("p[role=status]")).to_have_text(console_strings["ended_her"])

    assert context.cookies() == []
    assert her.evaluate(STORED) == {"local": 0, "session": 0, "indexed": [], "workers": 0, "caches": []}


# --- 6. The return code -------------------------------------------------------------------------


def code_from(text: str, counted: dict[str, Any]) -> str:
    """The code in her page's line, read with the page's own (translated) forms of it."""
    for template in counted["f"]:
        pattern = re.escape(template).replace(re.escape("%(code)s"), "(.+?)")
        pattern = pattern.replace(re.escape("%(minutes)s"), r"\d+")
        found = re.fullmatch(pattern, text)
        if found:
            return found.group(1)
    raise AssertionError((text, counted))


def test_return_code_on_a_new_page(chat_world: ChatWorld, new_context: Any) -> None:
    her, console, panel = chat_between(new_context, chat_world)
    console_strings = page_strings(console, "console-strings")
    strings = page_strings(her, "chat-strings")
    her_says(her, "Jag måste gå, jag fortsätter sen.", seen_by=panel)
    staff_says(panel, "Ta en kod, så fortsätter vi.", seen_by=her)
    assert_logs(
        her,
        ["Jag måste gå, jag fortsätter sen.", "Ta en kod, så fortsätter vi."],
        panel,
        ["Jag måste gå, jag fortsätter sen.", "Ta en kod, så fortsätter vi."],
    )
    her.locator("#get-code").click()
    expect(her.locator("#chat-code")).not_to_be_empty()
    code = code_from(her.locator("#chat-code").inner_text(), strings["code"])
    her.context.close()
    expect(panel.locator("p[role=status]")).to_have_text(console_strings["her_away"])

    again = open_her_page(new_context, chat_world, "/chatt/")
    again.locator("#safe-yes").click()
    again.locator("#code-form").locator("xpath=ancestor::details").locator("summary").click()
    again.locator("#code-input").fill(code)
    again.locator("#code-input").press("Enter")
    expect(again.locator("#chat-form")).to_be_visible()
    expect(panel.locator("p[role=status]")).to_have_text(console_strings["her_here"])
    her_says(again, "Nu är jag tillbaka.", seen_by=panel)
    staff_says(panel, "Välkommen tillbaka.", seen_by=again)
    # The new page starts empty; the console keeps the conversation.
    assert_logs(
        again,
        ["Nu är jag tillbaka.", "Välkommen tillbaka."],
        panel,
        [
            "Jag måste gå, jag fortsätter sen.",
            "Ta en kod, så fortsätter vi.",
            "Nu är jag tillbaka.",
            "Välkommen tillbaka.",
        ],
    )
    # The code worked once.
    third = open_her_page(new_context, chat_world, "/chatt/")
    third.locator("#safe-yes").click()
    third.locator("#code-form").locator("xpath=ancestor::details").locator("summary").click()
    third.locator("#code-input").fill(code)
    third.locator("#code-input").press("Enter")
    expect(third.locator("#chat-status")).to_have_text(strings["refused_no_such_code"])
    expect(panel.locator("p[role=status]")).to_have_text(console_strings["her_here"])


# --- 7. A small phone ---------------------------------------------------------------------------

WIDE = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > 321)
  .slice(0, 5)
  .map(e => `${e.tagName}#${e.id}.${e.className} right=${Math.round(e.getBoundingClientRect().right)}`)"""


def assert_fits(page: Any, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 321, f"{what} scrolls sideways at 320 px ({width} px): {page.evaluate(WIDE)}"


def test_small_phone_no_sideways_scrolling(chat_world: ChatWorld, new_context: Any) -> None:
    phone = {"width": 320, "height": 640}
    console = open_console(new_context, chat_world, chat_world.staff.kvinna_a, viewport=phone)
    her = open_her_page(new_context, chat_world, viewport=phone)
    assert_fits(her, "her page, safety check")
    her.locator("#safe-yes").click()
    assert_fits(her, "her page, start")
    her.locator("#start").click()
    panel = console.locator(".chat-panel")
    expect(panel).to_have_count(1)
    long_word = "Jagkanintesovapånätternalängre" * 3
    her_says(her, f"Hej. {long_word}", seen_by=panel)
    staff_says(
        panel,
        "Hej, jag finns här för dig. https://example.org/en/mycket/lang/adress/som/inte/bryts",
        seen_by=her,
    )
    expect(her_log(her)).to_have_count(2)
    expect(panel_log(panel)).to_have_count(2)
    assert_fits(her, "her page, in a chat")
    assert_fits(console, "the console, with a chat open")
