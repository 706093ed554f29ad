"""A client that goes away while the server sends is normal: no traceback, no error line.

``fristad serve`` runs in a subprocess as in production (uvicorn's default websocket
implementation, SQLite, the in-memory layer). Clients open her sockets and consoles and
drop them mid-stream (the TCP connection aborted, no close frame) while the server pushes
queue and state frames and relays messages; consoles are also closed by the staff floor,
one of them as its client vanishes. The server's log must hold no "Traceback" and no
ERROR line, and the server must still serve.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent

# Run with the server's environment: a jour that chats and jourkvinnor ready for the console
# (a second factor, the pledge signed, a session each). Prints JSON.
SETUP = r"""
import json, sys
import django
django.setup()
from importlib import import_module
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from fristad.accounts.models import Membership, Role, User
from fristad.accounts.selectors import pledge_current
from fristad.accounts.services import pledge_sign
from fristad.directory.models import Jour
from fristad.geo.models import Municipality
store_class = import_module(settings.SESSION_ENGINE).SessionStore
jour = Jour.objects.create(name="Avbrottsjouren", slug="avbrott", chats=True,
                           home_municipality=Municipality.objects.order_by("code").first())
sessions = []
for i in range(int(sys.argv[1])):
    user = User.objects.create_user(f"kvinna{i}@avbrott.test", None)
    TOTP.activate(user, generate_totp_secret())
    Membership.objects.create(user=user, role=Role.JOURKVINNA, jour=jour, chat_capacity=2)
    pledge_sign(user=user, version=pledge_current())
    store = store_class()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    sessions.append(store.session_key)
print(json.dumps({"jour_id": jour.pk, "slug": jour.slug, "sessions": sessions}))
"""


@dataclass
class Served:
    port: int
    log: Path
    database: Path
    jour_id: int
    slug: str
    sessions: list[str]
    server: subprocess.Popen[bytes]

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"ws://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        """Stop the server as the deployment does (SIGTERM), so that its log is complete."""
        if self.server.poll() is None:
            self.server.send_signal(signal.SIGTERM)
            try:
                self.server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()

    def sign_out(self, session: str) -> None:
        """Her session ends (signed out elsewhere), written where the server reads it."""
        with contextlib.closing(sqlite3.connect(self.database, timeout=10)) as db, db:
            db.execute("DELETE FROM django_session WHERE session_key = ?", (session,))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    database = tmp_path / "fristad.sqlite3"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CHANNEL_PREFIX")}
    env.update(
        FRISTAD_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="fristad.settings",
        SECRET_KEY=secrets.token_urlsafe(40),
        DEBUG="false",
        DATABASE_URL=f"sqlite:///{database}",
        REDIS_URL="",
        LOG_LEVEL="INFO",
        CHAT_CONSOLE_CHECK_SECONDS="0.3",
        CHAT_STARTS_PER_SECOND="1000",
        CHAT_MAX_WAITING_PER_JOUR="1000",
        PYTHONWARNINGS="ignore:No directory at:UserWarning",
    )
    subprocess.run([str(BIN / "fristad"), "migrate", "--no-input", "-v0"], env=env, cwd=ROOT, check=True)
    setup = subprocess.run(
        [sys.executable, "-c", SETUP, "4"], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    world = json.loads(setup.stdout.strip().splitlines()[-1])
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [
                str(BIN / "fristad"),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "info",
            ],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    served = Served(port, log, database, world["jour_id"], world["slug"], world["sessions"], server)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.1)
        yield served
    finally:
        served.stop()


def abort(ws: Any) -> None:
    """Drop the connection as a lost network does: no close frame, the TCP connection reset."""
    ws.transport.abort()


async def _frame(ws: Any, timeout: float = 5) -> dict[str, Any]:
    return dict(json.loads(await asyncio.wait_for(ws.recv(), timeout)))


async def _expect(ws: Any, t: str, timeout: float = 5) -> dict[str, Any]:
    seen: list[dict[str, Any]] = []
    try:
        async with asyncio.timeout(timeout):
            while True:
                frame = await _frame(ws, timeout)
                seen.append(frame)
                if frame["t"] == t:
                    return frame
    except TimeoutError:
        raise AssertionError(f"no {t!r} within {timeout}s; got {seen}") from None


async def _read_all(ws: Any, into: list[dict[str, Any]]) -> None:
    """Keep reading (as a page does) until the connection goes."""
    from websockets.exceptions import ConnectionClosed

    with contextlib.suppress(ConnectionClosed):
        async for raw in ws:
            into.append(json.loads(raw))


async def scenario(served: Served) -> dict[str, Any]:
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    her_url, console_url = served.url("/ws/chatt/"), served.url("/ws/personal/chatt/")
    origin = served.origin
    tasks: list[asyncio.Task[None]] = []
    heard: dict[str, list[dict[str, Any]]] = {}

    async def console(n: int) -> Any:
        cookie = {"Cookie": f"sessionid={served.sessions[n]}"}
        ws = await connect(console_url, origin=origin, additional_headers=cookie)  # type: ignore[arg-type]
        await _expect(ws, "state")
        await ws.send(json.dumps({"t": "presence", "jour": served.jour_id, "available": True}))
        return ws

    async def her() -> Any:
        ws = await connect(her_url, origin=origin)  # type: ignore[arg-type]
        await ws.send(json.dumps({"t": "start", "jour": served.slug}))
        return ws

    async def chatter(ws: Any, frame: dict[str, Any]) -> None:
        """A message a little slower than her rate limit (one a second), until the socket goes."""
        seq = 0
        with contextlib.suppress(ConnectionClosed):
            while True:
                seq += 1
                await ws.send(json.dumps({**frame, "seq": seq, "body": f"meddelande {seq}"}))
                await asyncio.sleep(1.1)

    # Four consoles (room for eight chats), then twelve of her: eight answered, four waiting.
    consoles = [await console(n) for n in range(4)]
    hers = []
    for _ in range(12):
        ws = await her()
        started = await _expect(ws, "started")
        hers.append((ws, started["chat"]))
    await asyncio.sleep(1.0)
    answered: dict[str, Any] = {}
    for n, ws in enumerate(consoles):
        log: list[dict[str, Any]] = []
        heard[f"console{n}"] = log
        tasks.append(asyncio.create_task(_read_all(ws, log)))
    for ws, chat in hers:
        log = []
        heard[chat] = log
        tasks.append(asyncio.create_task(_read_all(ws, log)))
    await asyncio.sleep(1.0)
    for n in range(4):
        for frame in heard[f"console{n}"]:
            if frame["t"] == "chat":
                answered[frame["chat"]] = consoles[n]
    # Every answered chat talks both ways; the console's side is its own stream of frames.
    for ws, chat in hers:
        if chat in answered:
            tasks.append(asyncio.create_task(chatter(ws, {"t": "msg", "leg": "h"})))
            tasks.append(asyncio.create_task(chatter(answered[chat], {"t": "msg", "chat": chat, "leg": "s"})))
    await asyncio.sleep(1.0)

    waiting = [ws for ws, chat in hers if chat not in answered]
    talking = [(ws, chat) for ws, chat in hers if chat in answered]
    # Text no socket can carry on (a lone surrogate, a NUL): refused, never relayed.
    poisoned_ws, poisoned = talking[1]
    await poisoned_ws.send('{"t":"msg","seq":999,"leg":"h","body":"\\ud800"}')
    await poisoned_ws.send('{"t":"msg","seq":999,"leg":"h","body":"a\\u0000b"}')
    # Waiting ones vanish while the queue moves (each drop moves the others' places).
    for ws in waiting[:3]:
        abort(ws)
    # One of her answered chats vanishes while its jourkvinna writes to it.
    abort(talking[0][0])
    # A console vanishes while her messages are relayed to it.
    abort(consoles[1])
    # Starts that vanish before the answer, many in a row: each one moves the queue.
    for _ in range(20):
        ws = await her()
        abort(ws)
    # Connections that vanish during the handshake.
    for _ in range(5):
        raw = socket.create_connection(("127.0.0.1", served.port))
        raw.sendall(b"GET /ws/chatt/ HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n")
        raw.close()
    # A console closed by the staff floor (signed out elsewhere) as its client vanishes too.
    await asyncio.to_thread(served.sign_out, served.sessions[2])
    await asyncio.sleep(0.25)
    abort(consoles[2])
    # And one closed by the floor that stays to hear why, while its chats still write to it.
    await asyncio.to_thread(served.sign_out, served.sessions[3])
    await asyncio.sleep(2.5)
    closed_frames = [f for f in heard["console3"] if f["t"] == "closed"]
    close_code = consoles[3].close_code

    # The server still serves: a new chat starts and is answered by the console that is left.
    fresh = await her()
    fresh_started = await _expect(fresh, "started")
    await fresh.send(json.dumps({"t": "ping"}))
    pong = await _expect(fresh, "pong")
    for task in tasks:
        task.cancel()
    for ws in [*consoles, *[w for w, _chat in hers], fresh]:
        with contextlib.suppress(Exception):
            await ws.close()
    return {
        "refused": [f["code"] for f in heard[poisoned] if f["t"] == "error"],
        "answered": len(answered),
        "closed": closed_frames,
        "close_code": close_code,
        "fresh": fresh_started["t"],
        "pong": pong,
    }


def test_clients_that_vanish_mid_stream_leave_no_error_in_the_log(served: Served) -> None:
    outcome = asyncio.run(asyncio.wait_for(scenario(served), 90))
    assert outcome["answered"] == 8, outcome
    assert outcome["refused"] == ["bad_text", "bad_text"], outcome
    assert outcome["closed"] == [{"t": "closed", "reason": "session_ended"}], outcome
    assert outcome["close_code"] == 4403
    assert outcome["fresh"] == "started" and outcome["pong"] == {"t": "pong"}
    # Give the server's background work (ticks, reaps) a moment; stop it; read its whole log.
    time.sleep(1.0)
    served.stop()
    text = served.log.read_text(errors="replace")
    assert "Traceback" not in text, text
    assert not re.search(r"\b(ERROR|CRITICAL)\b", text), text
    assert "Exception in ASGI application" not in text, text
