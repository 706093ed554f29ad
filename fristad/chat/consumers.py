"""Thin websocket consumers: parse a frame, authorize it, call one service or relay it.

Her socket (``HelpSeekerConsumer``) reads no cookie, header or address. The
jourkvinna's console (``ConsoleConsumer``) stands on the same floor as every staff
page (``accounts.floor.staff_floor``), at the handshake and on a tick every few seconds
after (``floor_watch``: one check for all the process's consoles).
A bad frame gets an error frame; the consumer lives on.
Message frames pass through untouched and are never logged or stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from uvicorn.protocols.utils import ClientDisconnected

from fristad.accounts.models import User
from fristad.chat import events, floor_watch, selectors, services
from fristad.chat.models import ChatStatus
from fristad.chat.protocol import LEG_RE, PUB_RE, TOKEN_RE, Frame, FrameError, TokenBucket, dump, parse

logger = logging.getLogger(__name__)

HER_FRAMES = frozenset(
    {
        "start",
        "resume",
        "resume_code",
        "msg",
        "ack",
        "leg",
        "key",
        "typing",
        "any_jour",
        "code",
        "end",
        "ping",
    }
)
CONSOLE_FRAMES = frozenset(
    {"presence", "take", "msg", "ack", "leg", "key", "typing", "end", "transfer", "block", "ping", "state"}
)
# Frames relayed between the two sides as they are (after their fields are checked).
# ``key`` is a page's public key for the chat's end-to-end encryption; bodies are ciphertext.
RELAYED = frozenset({"msg", "ack", "leg", "key", "typing"})
QUEUE_TICK_SECONDS = 15
# Queue changes come in bursts; a console fetches its state once per burst.
REFRESH_AFTER_SECONDS = 1.0
# What she does on her console keeps her session alive (her staff pages' idle clock too);
# what her page sends by itself (heartbeats, state fetches, acks, legs) does not.
CONSOLE_ACTIVITY = frozenset({"msg", "typing", "presence", "take", "end", "transfer", "block"})
# A console refused at the handshake, or closed when she leaves the staff floor.
CLOSE_OFF_FLOOR = 4403

_start_bucket: TokenBucket | None = None


def start_allowed() -> bool:
    """This server process's budget of chat starts (CHAT_STARTS_PER_SECOND, a burst of
    CHAT_STARTS_BURST): a flood of sockets is refused before it costs a database query.
    It counts starts, never who starts them."""
    global _start_bucket
    rate, burst = float(settings.CHAT_STARTS_PER_SECOND), float(settings.CHAT_STARTS_BURST)
    bucket = _start_bucket
    if bucket is None or (bucket.rate, bucket.burst) != (rate, burst):
        bucket = _start_bucket = TokenBucket(rate=rate, burst=int(burst))
    return bucket.take()


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


class HelpSeekerConsumer(_Base):
    """Her end of the chat. Her page keeps the chat's secret in memory; the server keeps a hash."""

    side = "her"
    allowed = HER_FRAMES

    async def connect(self) -> None:
        self.chat_id: str | None = None
        self.bucket = TokenBucket(rate=settings.CHAT_MESSAGE_RATE, burst=settings.CHAT_MESSAGE_BURST)
        self.typing_bucket = TokenBucket(rate=0.5, burst=3)
        # A new key of hers makes the console answer with its key and resend: a page needs a
        # few per (re)join, a flood would crowd the console's own frames out.
        self.key_bucket = TokenBucket(rate=0.2, burst=10)
        self.control_bucket = TokenBucket(rate=0.2, burst=5)
        self.tick: asyncio.Task[None] | None = None
        # Answered: the waiting tick has nothing to do (and no database work to queue).
        self.answered = False
        await self.accept()

    async def disconnect(self, code: int) -> None:
        self.gone = True
        if self.tick is not None:
            self.tick.cancel()
        if self.chat_id is not None:
            chat_id, self.chat_id = self.chat_id, None
            await self.channel_layer.group_discard(events.chat_group(chat_id), self.channel_name)
            gone = await database_sync_to_async(services.chat_her_left)(
                chat_id=chat_id, channel=self.channel_name
            )
            if gone:
                await events.presence(chat_id=chat_id, side=self.side, here=False, sender=self.channel_name)

    async def handle(self, frame: Frame) -> None:
        if frame.t == "ping":
            await self.send_frame({"t": "pong"})
            return
        if frame.t in RELAYED:
            await self._relay(frame)
            return
        if not self.control_bucket.take():
            raise FrameError("slow_down")
        if frame.t in ("start", "resume", "resume_code"):
            if self.chat_id is not None:
                raise FrameError("already_in_chat")
            await getattr(self, f"_{frame.t}")(frame)
            return
        if self.chat_id is None:
            raise FrameError("no_chat")
        if frame.t == "any_jour":
            await database_sync_to_async(services.chat_any_jour)(chat_id=self.chat_id)
        elif frame.t == "code":
            code = await database_sync_to_async(services.chat_return_code_issue)(chat_id=self.chat_id)
            await self.send_frame({"t": "code", "code": code, "minutes": settings.CHAT_RETURN_CODE_MINUTES})
        elif frame.t == "end":
            chat_id = self.chat_id
            await self._leave()
            await database_sync_to_async(services.chat_end)(chat_id=chat_id, by="her")
            await self.send_frame({"t": "ended", "by": "her"})

    async def _relay(self, frame: Frame) -> None:
        if self.chat_id is None:
            raise FrameError("no_chat")
        bucket = {"msg": self.bucket, "typing": self.typing_bucket, "key": self.key_bucket}.get(frame.t)
        if bucket is not None and not bucket.take():
            if frame.t == "msg":
                raise FrameError("slow_down")
            return
        await events.relay(
            chat_id=self.chat_id, frame=relayed_frame(frame), side=self.side, sender=self.channel_name
        )

    async def _start(self, frame: Frame) -> None:
        session = frame.text("session", required=False)
        if session and not TOKEN_RE.fullmatch(session):
            raise FrameError("bad_field")
        jour_slug = frame.text("jour", required=False)[:80] or None
        any_jour = frame.flag("any")
        if not start_allowed():
            raise services.ChatRefused("busy")
        ticket = await database_sync_to_async(services.chat_start)(
            jour_slug=jour_slug,
            any_jour=any_jour,
            session=session or None,
            channel=self.channel_name,
        )
        await self._join(ticket.chat_id)
        await self.send_frame(
            {"t": "started", "chat": ticket.chat_id, "key": ticket.key, "session": ticket.session}
        )
        # Answered before her socket joined the chat's group (at once, or by another
        # process in between)? The event is gone, so ask now that she listens.
        progress = await database_sync_to_async(selectors.chat_progress)(chat_id=ticket.chat_id)
        if progress is not None and progress[0] == ChatStatus.ACTIVE:
            self.answered = True
            await self.send_frame({"t": "assigned", "jour": progress[1], "leg": progress[2]})
            await events.presence(chat_id=ticket.chat_id, side=self.side, here=True, sender=self.channel_name)
        else:
            await self._send_position()

    async def _resume(self, frame: Frame) -> None:
        chat = await database_sync_to_async(services.chat_resume)(
            chat_id=frame.text("chat", pattern=TOKEN_RE),
            key=frame.text("key", pattern=TOKEN_RE),
            channel=self.channel_name,
        )
        await self._after_resume(chat, key=None)

    async def _resume_code(self, frame: Frame) -> None:
        code = frame.text("code")
        if len(code) > 200:
            raise FrameError("bad_field")
        chat, key = await database_sync_to_async(services.chat_resume_by_code)(
            code=code, channel=self.channel_name
        )
        await self._after_resume(chat, key=key)

    async def _after_resume(self, chat: Any, *, key: str | None) -> None:
        await self._join(chat.id)
        jour_name = await database_sync_to_async(lambda: chat.agent_jour.name if chat.agent_jour_id else "")()
        payload: dict[str, Any] = {
            "t": "resumed",
            "chat": chat.id,
            "status": chat.status,
            "jour": jour_name,
            "leg": chat.staff_leg,
        }
        if key is not None:
            payload["key"] = key
        await self.send_frame(payload)
        await events.presence(chat_id=chat.id, side=self.side, here=True, sender=self.channel_name)
        self.answered = chat.status == ChatStatus.ACTIVE
        if chat.status == ChatStatus.WAITING:
            await self._send_position()

    async def _join(self, chat_id: str) -> None:
        self.chat_id = chat_id
        await self.channel_layer.group_add(events.chat_group(chat_id), self.channel_name)
        if self.tick is None:
            self.tick = asyncio.create_task(self._tick())

    async def _leave(self) -> None:
        if self.chat_id is not None:
            await self.channel_layer.group_discard(events.chat_group(self.chat_id), self.channel_name)
        self.chat_id = None
        if self.tick is not None:
            self.tick.cancel()
            self.tick = None

    async def _send_position(self) -> None:
        if self.chat_id is None:
            return
        notices = await database_sync_to_async(selectors.queue_notices)()
        if self.chat_id in notices:
            await self.send_frame({"t": "queue", **notices[self.chat_id]})

    async def _tick(self) -> None:
        """While she waits: keep the routing clock going and her estimate fresh."""
        with contextlib.suppress(asyncio.CancelledError):
            while True:
                await asyncio.sleep(QUEUE_TICK_SECONDS)
                if self.answered or self.chat_id is None:
                    continue
                try:
                    await database_sync_to_async(services.chat_dispatch_if_due)()
                    progress = await database_sync_to_async(selectors.chat_progress)(chat_id=self.chat_id)
                    if progress is not None and progress[0] == ChatStatus.ACTIVE:
                        # Answered, but the event did not reach this socket: say so now.
                        self.answered = True
                        await self.send_frame({"t": "assigned", "jour": progress[1], "leg": progress[2]})
                        await events.presence(
                            chat_id=self.chat_id, side=self.side, here=True, sender=self.channel_name
                        )
                        continue
                    await self._send_position()
                except Exception:
                    logger.exception("chat queue tick failed")

    # --- Events from the channel layer ---

    async def chat_relay(self, event: dict[str, Any]) -> None:
        # Events already on their way when this socket left the chat are not hers any more.
        if event["side"] != self.side and event["chat_id"] == self.chat_id:
            await self.send_frame(event["frame"])

    async def chat_peer(self, event: dict[str, Any]) -> None:
        if event["side"] != self.side and event["chat_id"] == self.chat_id:
            await self.send_frame({"t": "peer", "here": event["here"]})
            await self._answer_peer(event)

    async def chat_assigned(self, event: dict[str, Any]) -> None:
        self.answered = True
        await self.send_frame({"t": "assigned", "jour": event["jour"], "leg": event["leg"]})

    async def chat_requeued(self, event: dict[str, Any]) -> None:
        self.answered = False
        await self.send_frame({"t": "requeued", "jour": event["jour"]})
        await self._send_position()

    async def chat_queue(self, event: dict[str, Any]) -> None:
        await self.send_frame({"t": "queue", **event["notice"]})

    async def chat_ended(self, event: dict[str, Any]) -> None:
        if self.chat_id is not None:
            await self._leave()
            await self.send_frame({"t": "ended", "by": event["by"]})

    async def chat_moved(self, event: dict[str, Any]) -> None:
        """Another socket of hers took the chat (a return code, a reconnect): this page leaves it."""
        if self.chat_id is not None:
            await self._leave()
            await self.send_frame({"t": "ended", "by": "moved"})


class ConsoleConsumer(_Base):
    """The jourkvinna's console: presence, queues, and her chats over one socket."""

    side = "staff"
    allowed = CONSOLE_FRAMES

    async def connect(self) -> None:
        self.user: User | None = None
        self.chats: set[str] = set()
        self.refresh_pending = False
        self.view: str | None = None
        self.full_refresh = False
        self.state_jour: int | None = None
        self.answers_overflow = True
        self.tasks: set[asyncio.Task[None]] = set()
        self.opened_at = time.time()
        user = self.scope.get("user")
        user_id = getattr(user, "pk", None)
        key = getattr(self.scope.get("session"), "session_key", None)
        if user_id is None or not key:
            await self.close_quietly(CLOSE_OFF_FLOOR)
            return
        self.watched = floor_watch.Watched(
            marks=floor_watch.ConsoleMarks(user_id=user_id, session_key=key, opened_at=self.opened_at),
            off_floor=lambda reason: self._close_off_floor(reason, user_id),
        )
        [reason] = await database_sync_to_async(floor_watch.floor_check)([self.watched.marks])
        if reason is not None:
            await self.close_quietly(CLOSE_OFF_FLOOR)
            return
        self.user = user
        self.bucket = TokenBucket(rate=5.0, burst=30)
        await self.accept()
        await self.channel_layer.group_add(events.agent_group(user.pk), self.channel_name)
        await self.channel_layer.group_add(events.CONSOLES, self.channel_name)
        for chat_id in await database_sync_to_async(selectors.console_chat_ids)(user=user):
            await self._join(chat_id)
        await self._send_state()
        floor_watch.watch(self.watched)

    async def _close_off_floor(self, reason: str, user_id: int) -> None:
        """She left the staff floor: her page is told why, her chats go back to the queue at
        once (as a console that went quiet loses them), and the socket closes."""
        await self.send_frame({"t": "closed", "reason": reason})
        self.gone = True
        await database_sync_to_async(services.presence_withdraw)(user_id=user_id)
        await self.close_quietly(CLOSE_OFF_FLOOR)

    async def disconnect(self, code: int) -> None:
        self.gone = True
        for task in list(getattr(self, "tasks", ())):
            task.cancel()
        if self.user is None:
            return
        floor_watch.unwatch(self.watched)
        for chat_id in list(self.chats):
            await events.presence(chat_id=chat_id, side=self.side, here=False, sender=self.channel_name)
            await self.channel_layer.group_discard(events.chat_group(chat_id), self.channel_name)
        await self.channel_layer.group_discard(events.agent_group(self.user.pk), self.channel_name)
        await self.channel_layer.group_discard(events.CONSOLES, self.channel_name)

    async def handle(self, frame: Frame) -> None:
        assert self.user is not None
        if not self.bucket.take():
            raise FrameError("slow_down")
        if frame.t in CONSOLE_ACTIVITY:
            self.watched.marks.active_at = time.time()
        user = self.user
        if frame.t in RELAYED:
            chat_id = frame.text("chat", pattern=TOKEN_RE)
            if chat_id not in self.chats:
                raise FrameError("not_yours")
            await events.relay(
                chat_id=chat_id, frame=relayed_frame(frame), side=self.side, sender=self.channel_name
            )
        elif frame.t == "ping":
            # The heartbeat is written in the background: her chats' frames never wait on it.
            self._background(database_sync_to_async(services.presence_heartbeat)(user=user), "heartbeat")
            await self.send_frame({"t": "pong"})
        elif frame.t == "state":
            await self._send_state()
        elif frame.t == "presence":
            await database_sync_to_async(services.presence_set)(
                user=user, jour_id=frame.number("jour", low=1), available=frame.flag("available")
            )
        elif frame.t == "take":
            chat = frame.text("chat", required=False, pattern=None)
            if chat and not TOKEN_RE.fullmatch(chat):
                raise FrameError("bad_field")
            taken = await database_sync_to_async(services.chat_take)(user=user, chat_id=chat or None)
            if taken is None:
                await self.send_frame({"t": "error", "code": "queue_empty"})
        elif frame.t == "end":
            await database_sync_to_async(services.chat_end_by_staff)(
                user=user, chat_id=frame.text("chat", pattern=TOKEN_RE)
            )
        elif frame.t == "transfer":
            to_user = frame.data.get("to_user")
            to_jour = frame.data.get("to_jour")
            await database_sync_to_async(services.chat_transfer)(
                user=user,
                chat_id=frame.text("chat", pattern=TOKEN_RE),
                to_user_id=frame.number("to_user", low=1) if to_user is not None else None,
                to_jour_id=frame.number("to_jour", low=1) if to_jour is not None else None,
                note=frame.text("note", required=False)[:500],
            )
        elif frame.t == "block":
            await database_sync_to_async(services.chat_block)(
                user=user,
                chat_id=frame.text("chat", pattern=TOKEN_RE),
                minutes=frame.number("minutes", low=1, high=settings.CHAT_BLOCK_MAX_MINUTES),
            )

    async def _join(self, chat_id: str) -> None:
        if chat_id in self.chats:
            return
        self.chats.add(chat_id)
        await self.channel_layer.group_add(events.chat_group(chat_id), self.channel_name)
        await events.presence(chat_id=chat_id, side=self.side, here=True, sender=self.channel_name)

    async def _drop(self, chat_id: str) -> None:
        if chat_id in self.chats:
            self.chats.discard(chat_id)
            await self.channel_layer.group_discard(events.chat_group(chat_id), self.channel_name)

    async def _send_state(self, view: str | None = None) -> None:
        assert self.user is not None
        state = await database_sync_to_async(selectors.console_state)(user=self.user, view=view)
        self.state_jour, self.answers_overflow = state["jour"], state["answers_overflow"]
        await self.send_frame({"t": "state", **state})

    # --- Events from the channel layer ---

    async def chat_relay(self, event: dict[str, Any]) -> None:
        # A chat handed over or ended: what was already on its way is not hers any more.
        if event["side"] != self.side and event["chat_id"] in self.chats:
            await self.send_frame({**event["frame"], "chat": event["chat_id"]})

    async def chat_peer(self, event: dict[str, Any]) -> None:
        if event["side"] != self.side and event["chat_id"] in self.chats:
            await self.send_frame({"t": "peer", "chat": event["chat_id"], "here": event["here"]})
            await self._answer_peer(event)

    async def chat_assigned(self, event: dict[str, Any]) -> None:
        return None

    async def chat_requeued(self, event: dict[str, Any]) -> None:
        return None

    async def chat_queue(self, event: dict[str, Any]) -> None:
        return None

    async def chat_ended(self, event: dict[str, Any]) -> None:
        return None

    async def agent_chat_added(self, event: dict[str, Any]) -> None:
        await self._join(event["chat"])
        await self.send_frame({"t": "chat", "chat": event["chat"], **event["row"]})
        # Her own consoles get their state now (beside the frames, not before them).
        self._background(self._send_state(view=self.view), "state")

    async def agent_chat_removed(self, event: dict[str, Any]) -> None:
        await self._drop(event["chat"])
        await self.send_frame({"t": "removed", "chat": event["chat"], "reason": event["reason"]})
        self._background(self._send_state(view=self.view), "state")

    async def console_refresh(self, event: dict[str, Any]) -> None:
        """Queues changed: send the state again, at most a few times a second."""
        self.view = event.get("view")
        self.full_refresh = self.full_refresh or bool(event.get("full", True))
        if not self.refresh_pending:
            self.refresh_pending = True
            self._background(self._refresh_soon(), "refresh")

    async def _refresh_soon(self) -> None:
        await asyncio.sleep(REFRESH_AFTER_SECONDS)
        self.refresh_pending = False
        if self.full_refresh or self.state_jour is None:
            self.full_refresh = False
            await self._send_state(view=self.view)
            return
        # Only the queues moved: no query of her own, the view is shared.
        queue, overflow = await database_sync_to_async(selectors.console_queues)(
            jour_id=self.state_jour, view=self.view
        )
        await self.send_frame(
            {"t": "queue", "queue": queue, "overflow": overflow if self.answers_overflow else []}
        )

    def _background(self, work: Any, what: str) -> None:
        """Run work beside the socket's frames; failures are logged, never the frames."""
        if self.gone:
            # Nothing would reach her: do not queue database work for it.
            work.close()
            return

        async def run() -> None:
            try:
                await work
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("console %s failed", what)

        task = asyncio.create_task(run())
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
