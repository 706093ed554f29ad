"""An ASGI live server for the browser tests of the chat, and the chat's little world.

pytest-django's ``live_server`` speaks WSGI and cannot serve websockets, so the chat's
browser tests run the project's ASGI application (HTTP through Django, websockets
through Channels) under uvicorn, in a thread of the test process: it shares the test
database (the test must use ``transactional_db``: the server's own connection only
sees committed rows) and the in-memory channel layer.

Import the fixtures into a test module (``from tests.browser.asgi_server import ...``).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

SERVER_START_SECONDS = 10


@pytest.fixture
def asgi_live_server(transactional_db: None) -> Iterator[str]:
    """uvicorn serving ``fristad.asgi.application`` on a free port; yields the base URL."""
    import uvicorn

    from fristad.asgi import application
    from fristad.web.server import SERVER_OPTIONS

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))  # bound before the thread starts: no race for the port
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        application,
        **SERVER_OPTIONS,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        ws="websockets",
        timeout_graceful_shutdown=3,
    )
    server = uvicorn.Server(config)
    # Server.run() installs no signal handlers outside the main thread.
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="asgi-live-server", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + SERVER_START_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            pytest.fail("the ASGI live server (uvicorn) did not start", pytrace=False)
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=SERVER_START_SECONDS)
        sock.close()


@dataclass
class ChatWorld:
    url: str
    staff: Any  # tests.conftest.Staff


@pytest.fixture
def chat_world(browser: Any, asgi_live_server: str, staff: Any) -> ChatWorld:
    """The ASGI server, with the sample jourer and the staff of ``tests.conftest.staff`` (whose
    fixtures reload the reference data a transactional test's flush removed: the geography,
    the tystnadslöfte the staff sign)."""
    return ChatWorld(url=asgi_live_server, staff=staff)


# --- Pages ----------------------------------------------------------------------------

HER_PAGE = "/chatt/stockholm/"
CONSOLE_PAGE = "/personal/chatt/"


def page_strings(page: Any, element_id: str) -> dict[str, Any]:
    """The page's own translated strings (its json_script), so the tests hold in any language."""
    return dict(page.evaluate("(id) => JSON.parse(document.getElementById(id).textContent)", element_id))


def open_console(
    new_context: Any,
    world: ChatWorld,
    user: Any,
    *,
    available: bool = True,
    path: str = CONSOLE_PAGE,
    init_script: str = "",
    **options: Any,
) -> Any:
    """A jourkvinna's console, signed in through a session cookie, set available (by default)."""
    from playwright.sync_api import expect

    from tests.chat_helpers import session_cookie

    name, value = session_cookie(user).decode().split("=", 1)
    context = new_context(**options)
    context.add_cookies([{"name": name, "value": value, "url": world.url}])
    if init_script:
        context.add_init_script(script=init_script)
    page = context.new_page()
    page.goto(f"{world.url}{path}")
    assert "/konto/" not in page.url, f"the console sent us to {page.url}"
    strings = page_strings(page, "console-strings")
    # The first state frame fills the presence line: the socket is up.
    expect(page.locator("#presence-line")).to_have_text(strings["away"])
    if available:
        page.locator("#presence-toggle").click()
        expect(page.locator("#presence-line")).to_have_text(strings["available"])
    return page


def open_her_page(
    new_context: Any, world: ChatWorld, path: str = HER_PAGE, *, init_script: str = "", **options: Any
) -> Any:
    context = new_context(**options)
    if init_script:
        context.add_init_script(script=init_script)
    page = context.new_page()
    page.goto(f"{world.url}{path}")
    page.wait_for_load_state("load")  # chat.js and quickexit.js are deferred
    return page


def start_chat(page: Any) -> None:
    """Through the safety check, then Start (the conversation shows at once, before any answer)."""
    from playwright.sync_api import expect

    page.locator("#safe-yes").click()
    page.locator("#start").click()
    expect(page.locator("#chat-form")).to_be_visible()
