"""A bare websocket relay: the floor under the chat benchmark (bench/chat_relay.py).

No Django, no channel layer, no database: one ``websockets`` server that speaks just
enough of the chat protocol (docs/chat-protocol.md) for the same benchmark clients.
Her ``start`` pairs her socket with the console that has the fewest chats (up to
``--capacity``); ``msg``/``ack``/``leg``/``typing`` frames are parsed and forwarded to
the other side of that chat (the console's carry ``chat``, hers do not), as the real
relay does. Run by the benchmark in a subprocess:

    .venv/bin/python bench/bare_relay.py --port 8765 --capacity 10
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
from typing import Any

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

RELAYED = frozenset({"msg", "ack", "leg", "typing"})


def dump(payload: dict[str, Any]) -> str:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


class Console:
    def __init__(self, ws: ServerConnection) -> None:
        self.ws = ws
        self.chats: list[str] = []
        self.available = False

    def state(self) -> str:
        return dump({"t": "state", "available": self.available, "chats": [{"id": c} for c in self.chats]})


class Relay:
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.consoles: list[Console] = []
        self.her: dict[str, ServerConnection] = {}
        self.console_of: dict[str, Console] = {}

    async def handler(self, ws: ServerConnection) -> None:
        path = ws.request.path if ws.request else ""
        try:
            if path.startswith("/ws/personal/chatt/"):
                await self.console(ws)
            elif path.startswith("/ws/chatt/"):
                await self.her_side(ws)
        except ConnectionClosed:
            pass

    async def her_side(self, ws: ServerConnection) -> None:
        chat: str | None = None
        try:
            async for raw in ws:
                frame = json.loads(raw)
                t = frame.get("t")
                if t in RELAYED and chat is not None:
                    console = self.console_of.get(chat)
                    if console is not None:
                        await console.ws.send(dump({**frame, "chat": chat}))
                elif t == "start" and chat is None:
                    room = [c for c in self.consoles if c.available and len(c.chats) < self.capacity]
                    if not room:
                        await ws.send(dump({"t": "refused", "code": "try_later", "minutes": 0}))
                        continue
                    console = min(room, key=lambda c: len(c.chats))
                    chat = secrets.token_urlsafe(16)
                    self.her[chat] = ws
                    self.console_of[chat] = console
                    console.chats.append(chat)
                    await ws.send(dump({"t": "started", "chat": chat, "key": "", "session": ""}))
                    await ws.send(dump({"t": "assigned", "jour": "bare", "leg": 1}))
                    await console.ws.send(console.state())
                elif t == "ping":
                    await ws.send(dump({"t": "pong"}))
        finally:
            if chat is not None:
                self.her.pop(chat, None)
                console = self.console_of.pop(chat, None)
                if console is not None and chat in console.chats:
                    console.chats.remove(chat)

    async def console(self, ws: ServerConnection) -> None:
        console = Console(ws)
        self.consoles.append(console)
        try:
            await ws.send(console.state())
            async for raw in ws:
                frame = json.loads(raw)
                t = frame.get("t")
                if t in RELAYED:
                    chat = frame.pop("chat", None)
                    her = self.her.get(chat or "")
                    if her is not None and self.console_of.get(chat or "") is console:
                        await her.send(dump(frame))
                elif t == "presence":
                    console.available = bool(frame.get("available"))
                    await ws.send(console.state())
                elif t == "ping":
                    await ws.send(dump({"t": "pong"}))
                elif t == "state":
                    await ws.send(console.state())
        finally:
            self.consoles.remove(console)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--capacity", type=int, default=10)
    args = parser.parse_args()
    relay = Relay(args.capacity)
    # Without per-message compression, as Fristad serves (fristad/web/server.py).
    async with serve(relay.handler, "127.0.0.1", args.port, max_size=65536, compression=None) as server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
