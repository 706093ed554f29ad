"""Helpers for chat tests: run an async scenario, open her socket or a console."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from asgiref.testing import ApplicationCommunicator
from channels.layers import channel_layers
from django.db import OperationalError
from django.test import Client

from fristad.asgi import application

if TYPE_CHECKING:
    from tests.conftest import Staff

T = TypeVar("T")
ORIGIN = (b"origin", b"http://testserver")


def run(scenario: Callable[[], Awaitable[T]]) -> T:
    """Run an async scenario on a fresh event loop in its own thread (no loop is left behind).

    Each scenario gets a fresh channel layer too: channels-redis binds its locks to the
    event loop that first used them, and a server has one loop, but each test has its own.
    """
    channel_layers.backends.clear()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(scenario())).result()  # type: ignore[arg-type]


class WebsocketCommunicator(ApplicationCommunicator):
    """A websocket client for an ASGI app, in process (channels' own one needs daphne)."""

    def __init__(self, app: Any, path: str, headers: list[tuple[bytes, bytes]]) -> None:
        super().__init__(
            app,
            {
                "type": "websocket",
                "path": path,
                "raw_path": path.encode(),
                "query_string": b"",
                "headers": headers,
                "subprotocols": [],
                "server": ("testserver", 80),
                "client": None,
            },
        )

    # asgiref's methods, with their types.
    async def send_input(self, message: dict[str, Any]) -> None:
        await super().send_input(message)

    async def receive_output(self, timeout: float = 1) -> dict[str, Any]:
        output: dict[str, Any] = await super().receive_output(timeout)
        return output

    async def receive_nothing(self, timeout: float = 0.1, interval: float = 0.01) -> bool:
        return bool(await super().receive_nothing(timeout, interval))

    async def wait(self, timeout: float = 1) -> None:
        await super().wait(timeout)

    async def connect(self, timeout: float = 3) -> tuple[bool, int | None]:
        await self.send_input({"type": "websocket.connect"})
        response = await self.receive_output(timeout)
        if response["type"] == "websocket.close":
            return False, response.get("code", 1000)
        return True, None

    async def send_to(self, text_data: str) -> None:
        await self.send_input({"type": "websocket.receive", "text": text_data})

    async def receive_from(self, timeout: float = 3) -> str:
        response = await self.receive_output(timeout)
        if response["type"] == "websocket.close":
            raise ConnectionError(f"closed with {response.get('code')}")
        return str(response["text"])

    async def disconnect(self, code: int = 1000, timeout: float = 3) -> None:
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)


class Socket:
    """A websocket speaking the chat's JSON frames."""

    def __init__(self, communicator: WebsocketCommunicator) -> None:
        self.communicator = communicator

    async def send(self, **frame: Any) -> None:
        await self.communicator.send_to(text_data=json.dumps(frame))

    async def send_raw(self, text: str) -> None:
        await self.communicator.send_to(text_data=text)

    async def receive(self, timeout: float = 3) -> dict[str, Any]:
        frame: dict[str, Any] = json.loads(await self.communicator.receive_from(timeout=timeout))
        return frame

    async def expect(self, t: str, timeout: float = 10, **fields: Any) -> dict[str, Any]:
        """The next frame of type ``t`` (skipping others, such as queue and state updates)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        seen: list[dict[str, Any]] = []
        while True:
            left = deadline - loop.time()
            try:
                if left <= 0:
                    raise TimeoutError
                frame = await self.receive(timeout=left)
            except TimeoutError:
                raise AssertionError(f"no {t!r} frame {fields} within {timeout}s; got {seen}") from None
            seen.append(frame)
            if frame["t"] == t and all(frame.get(k) == v for k, v in fields.items()):
                return frame

    async def nothing(self, timeout: float = 0.3) -> bool:
        return await self.communicator.receive_nothing(timeout=timeout)

    async def close(self) -> None:
        await self.communicator.disconnect()


async def her_socket() -> Socket:
    communicator = WebsocketCommunicator(application, "/ws/chatt/", headers=[ORIGIN])
    connected, _ = await communicator.connect()
    assert connected
    return Socket(communicator)


def session_cookie(user: Any) -> bytes:
    """A signed-in session for ``user``.

    Browser tests call this while the live server in this process writes too; the test
    database is SQLite's shared-cache memory database, whose table locks fail at once
    ("database table is locked") instead of waiting as a file database would. So wait here.
    """
    for attempt in range(50):
        client = Client()
        try:
            client.force_login(user)
            break
        except OperationalError as error:
            if "locked" not in str(error) or attempt == 49:
                raise
            time.sleep(0.05)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def console_socket(cookie: bytes | None) -> tuple[bool, Socket]:
    headers = [ORIGIN] + ([(b"cookie", cookie)] if cookie else [])
    communicator = WebsocketCommunicator(application, "/ws/personal/chatt/", headers=headers)
    connected, _ = await communicator.connect()
    return connected, Socket(communicator)


# --- Scenarios the chat tests share ---------------------------------------------------------


async def started_chat(her: Socket) -> str:
    await her.send(t="start", jour="stockholm")
    started = await her.expect("started")
    return str(started["chat"])


async def answered_chat(staff: Staff, cookie: bytes) -> tuple[Socket, Socket, str]:
    """She starts at Stockholm, then kvinna_a's console comes and answers: (her, console, chat)."""
    her, console, started = await answered_chat_started(staff, cookie)
    return her, console, str(started["chat"])


async def answered_chat_started(staff: Staff, cookie: bytes) -> tuple[Socket, Socket, dict[str, Any]]:
    """As ``answered_chat``, with her "started" frame (chat, key, session)."""
    her = await her_socket()
    await her.send(t="start", jour="stockholm")
    started = await her.expect("started")
    ok, console = await console_socket(cookie)
    assert ok
    await console.expect("state")
    await console.send(t="presence", jour=staff.jour_a.pk, available=True)
    # Assigned, and the console has joined the chat (its "peer here" reached her).
    await expect_each(her, "assigned", "peer")
    return her, console, started


async def expect_each(socket: Socket, *types: str, timeout: float = 3) -> dict[str, dict[str, Any]]:
    """One frame of each type, in any order (others are skipped)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    found: dict[str, dict[str, Any]] = {}
    while set(types) - set(found):
        frame = await socket.receive(timeout=max(0.01, deadline - loop.time()))
        if frame["t"] in types:
            found.setdefault(frame["t"], frame)
    return found


async def drain(socket: Socket, settle: float = 0.4) -> list[dict[str, Any]]:
    """Every frame that arrives until none has come for ``settle`` seconds."""
    frames = []
    while not await socket.nothing(timeout=settle):
        frames.append(await socket.receive())
    return frames
