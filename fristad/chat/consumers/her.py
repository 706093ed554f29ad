"""Her socket (``HelpSeekerConsumer``): reads no cookie, header or address; starts, resumes
and ends her chat, relays her frames, and while she waits keeps the routing clock going."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings

from fristad.chat import events, selectors, services
from fristad.chat.consumers._base import RELAYED, _Base, logger, relayed_frame
from fristad.chat.models import ChatStatus
from fristad.chat.protocol import TOKEN_RE, Frame, FrameError, TokenBucket

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
QUEUE_TICK_SECONDS = 15

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
