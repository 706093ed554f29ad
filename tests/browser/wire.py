"""What crosses the wire in the chat's browser tests: every websocket frame a page sends
and receives (Playwright's ``framesent``/``framereceived``), and every frame the server's
consumers receive and send (their ``receive`` and ``send`` wrapped, in this process).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.browser.asgi_server import CONSOLE_PAGE, HER_PAGE, ChatWorld, page_strings

B64U = re.compile(r"[A-Za-z0-9_-]+")


def _text(payload: str | bytes) -> str:
    return payload if isinstance(payload, str) else payload.decode("utf-8", "replace")


class Frames:
    """Frames as text, with where they went: ("sent" | "received", text)."""

    def __init__(self) -> None:
        self.frames: list[tuple[str, str]] = []
        self.sockets = 0

    def watch(self, page: Any) -> None:
        """Every websocket the page opens, from its first frame (call before goto)."""

        def opened(socket: Any) -> None:
            self.sockets += 1
            socket.on("framesent", lambda payload: self.frames.append(("sent", _text(payload))))
            socket.on("framereceived", lambda payload: self.frames.append(("received", _text(payload))))

        page.on("websocket", opened)

    def parsed(self, direction: str | None = None, t: str | None = None) -> list[dict[str, Any]]:
        out = []
        for way, text in self.frames:
            if direction is not None and way != direction:
                continue
            try:
                frame = json.loads(text)
            except ValueError:
                continue
            if isinstance(frame, dict) and (t is None or frame.get("t") == t):
                out.append(frame)
        return out

    def text(self) -> str:
        return "\n".join(text for _, text in self.frames)


def assert_only_ciphertext(frames: Frames, *words: str, what: str) -> None:
    """The words are in no frame; messages went both ways, and every body is base64url of
    at least a nonce and a tag (28 bytes); keys are P-256 public keys (65 bytes raw)."""
    text = frames.text()
    for word in words:
        assert word not in text, f"{what}: {word!r} crossed the wire in clear"
    for direction in ("sent", "received"):
        messages = frames.parsed(direction, "msg")
        assert messages, f"{what}: no msg frame was {direction}: the check would prove nothing"
        for frame in messages:
            assert B64U.fullmatch(frame["body"]) and len(frame["body"]) >= 38, (what, frame)
    keys = frames.parsed(None, "key")
    assert keys and all(len(k["pub"]) == 87 and B64U.fullmatch(k["pub"]) for k in keys), (what, keys)


def record_server_frames(monkeypatch: pytest.MonkeyPatch) -> Frames:
    """Every frame her socket's and the consoles' consumers receive ("received") and send
    ("sent"), as text, before anything else sees it."""
    from channels.generic.websocket import AsyncWebsocketConsumer

    from fristad.chat import consumers

    frames = Frames()
    receive = consumers._Base.receive

    async def recorded_receive(
        self: Any, text_data: str | None = None, bytes_data: bytes | None = None
    ) -> None:
        frames.frames.append(("received", text_data or ""))
        await receive(self, text_data, bytes_data)

    async def recorded_send(
        self: Any, text_data: str | None = None, bytes_data: bytes | None = None, close: bool = False
    ) -> None:
        frames.frames.append(("sent", text_data or ""))
        await AsyncWebsocketConsumer.send(self, text_data=text_data, bytes_data=bytes_data, close=close)

    monkeypatch.setattr(consumers._Base, "receive", recorded_receive)
    monkeypatch.setattr(consumers._Base, "send", recorded_send)
    return frames


def watched_her_page(
    new_context: Any, world: ChatWorld, frames: Frames, path: str = HER_PAGE, **options: Any
) -> Any:
    page = new_context(**options).new_page()
    frames.watch(page)
    page.goto(f"{world.url}{path}")
    page.wait_for_load_state("load")
    return page


def watched_console(
    new_context: Any, world: ChatWorld, user: Any, frames: Frames, *, available: bool = True, **options: Any
) -> Any:
    """As asgi_server.open_console, with the page's frames watched from the first."""
    from playwright.sync_api import expect

    from tests.chat_helpers import session_cookie

    name, value = session_cookie(user).decode().split("=", 1)
    context = new_context(**options)
    context.add_cookies([{"name": name, "value": value, "url": world.url}])
    page = context.new_page()
    frames.watch(page)
    page.goto(f"{world.url}{CONSOLE_PAGE}")
    strings = page_strings(page, "console-strings")
    expect(page.locator("#presence-line")).to_have_text(strings["away"])
    if available:
        page.locator("#presence-toggle").click()
        expect(page.locator("#presence-line")).to_have_text(strings["available"])
    return page
