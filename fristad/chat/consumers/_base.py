"""What both sockets share: the frames relayed as they are, their checks, and the base
consumer (dispatch without ``close_old_connections``, sends and closes that a gone socket
does not break, one error frame per bad frame)."""

from __future__ import annotations

import logging
from typing import Any

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncWebsocketConsumer
from django.core.exceptions import ValidationError
from django.http import Http404
from uvicorn.protocols.utils import ClientDisconnected

from fristad.chat import events, services
from fristad.chat.protocol import LEG_RE, PUB_RE, Frame, FrameError, dump, parse

# One logger for both sockets, under the name it had before the consumers were split
# (error reports and log filters know it).
logger = logging.getLogger("fristad.chat.consumers")

# Frames relayed between the two sides as they are (after their fields are checked).
# ``key`` is a page's public key for the chat's end-to-end encryption; bodies are ciphertext.
RELAYED = frozenset({"msg", "ack", "leg", "key", "typing"})


def relayed_frame(frame: Frame) -> dict[str, Any]:
    """The fields of a relayed frame, checked; the body is opaque and only its type is checked."""
    if frame.t == "msg":
        body = frame.data.get("body")
        if not isinstance(body, str) or not body.strip():
            raise FrameError("bad_field")
        return {
            "t": "msg",
            "seq": frame.number("seq", low=1),
            "leg": frame.text("leg", pattern=LEG_RE),
            "body": body,
        }
    if frame.t == "ack":
        return {"t": "ack", "seq": frame.number("seq"), "leg": frame.text("leg", pattern=LEG_RE)}
    if frame.t == "leg":
        return {"t": "leg", "leg": frame.text("leg", pattern=LEG_RE), "from": frame.number("from", low=1)}
    if frame.t == "key":
        return {
            "t": "key",
            "leg": frame.text("leg", pattern=LEG_RE),
            "pub": frame.text("pub", pattern=PUB_RE),
        }
    return {"t": "typing"}


class _Base(AsyncWebsocketConsumer):
    side = ""
    allowed: frozenset[str] = frozenset()
    # Closed (by this side, or the client went): nothing more is sent.
    gone = False

    async def dispatch(self, message: dict[str, Any]) -> None:
        """As Channels' own, without its ``close_old_connections`` before every handler.

        That call hops through the single database thread on every relayed frame (a third
        of the event loop's time at a thousand chats). Every database touch here goes
        through ``database_sync_to_async``, which closes old connections itself, in that
        thread, before and after each call.
        """
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def send_frame(self, payload: dict[str, Any]) -> None:
        """A socket that closed while a frame was on its way is normal (a closed tab, a
        lost network): its disconnect handler does what a leaving side needs.

        uvicorn says so with ClientDisconnected; its legacy ``websockets`` implementation
        with a RuntimeError ("after sending 'websocket.close'"), as it does for a send
        after this side closed (which ``gone`` already prevents).
        """
        if self.gone:
            return
        try:
            await self.send(text_data=dump(payload))
        except (ClientDisconnected, RuntimeError):
            logger.debug("a %s socket closed before a frame reached it", self.side)

    async def close_quietly(self, code: int) -> None:
        """Close the socket (before or after the handshake); one already gone is closed too."""
        self.gone = True
        try:
            await self.close(code=code)
        except (ClientDisconnected, RuntimeError):
            logger.debug("a %s socket was gone before it was closed", self.side)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        try:
            frame = parse(text_data, self.allowed)
            await self.handle(frame)
        except FrameError as error:
            await self.send_frame({"t": "error", "code": error.code})
        except services.ChatRefused as refused:
            await self.send_frame({"t": "refused", "code": refused.code, "minutes": refused.minutes})
        except (ValidationError, Http404) as error:
            message = "; ".join(error.messages) if isinstance(error, ValidationError) else ""
            await self.send_frame({"t": "error", "code": "refused", "message": message})
        except Exception:
            # Never the frame: it may hold her words. Only that something failed.
            logger.exception("chat consumer failed on a %s frame", self.side)
            await self.send_frame({"t": "error", "code": "server"})

    async def handle(self, frame: Frame) -> None:
        raise NotImplementedError

    async def _answer_peer(self, event: dict[str, Any]) -> None:
        """The other side arrived: say once that this side is here too (see events.presence)."""
        if event["here"] and not event.get("reply"):
            await events.presence(
                chat_id=event["chat_id"], side=self.side, here=True, sender=self.channel_name, reply=True
            )
