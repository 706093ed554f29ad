"""The jourkvinna's console (``ConsoleConsumer``): presence, queues and her chats over one
socket, standing on the staff floor at the handshake and on every ``floor_watch`` tick."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings

from fristad.accounts.models import User
from fristad.chat import events, floor_watch, selectors, services
from fristad.chat.consumers._base import RELAYED, _Base, logger, relayed_frame
from fristad.chat.protocol import TOKEN_RE, Frame, FrameError, TokenBucket

CONSOLE_FRAMES = frozenset(
    {"presence", "take", "msg", "ack", "leg", "key", "typing", "end", "transfer", "block", "ping", "state"}
)
# Queue changes come in bursts; a console fetches its state once per burst.
REFRESH_AFTER_SECONDS = 1.0
# What she does on her console keeps her session alive (her staff pages' idle clock too);
# what her page sends by itself (heartbeats, state fetches, acks, legs) does not.
CONSOLE_ACTIVITY = frozenset({"msg", "typing", "presence", "take", "end", "transfer", "block"})
# A console refused at the handshake, or closed when she leaves the staff floor.
CLOSE_OFF_FLOOR = 4403


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
            await self._relay(frame)
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
            await self._take(user, frame)
        elif frame.t == "end":
            await database_sync_to_async(services.chat_end_by_staff)(
                user=user, chat_id=frame.text("chat", pattern=TOKEN_RE)
            )
        elif frame.t == "transfer":
            await self._transfer(user, frame)
        elif frame.t == "block":
            await database_sync_to_async(services.chat_block)(
                user=user,
                chat_id=frame.text("chat", pattern=TOKEN_RE),
                minutes=frame.number("minutes", low=1, high=settings.CHAT_BLOCK_MAX_MINUTES),
            )

    async def _relay(self, frame: Frame) -> None:
        chat_id = frame.text("chat", pattern=TOKEN_RE)
        if chat_id not in self.chats:
            raise FrameError("not_yours")
        await events.relay(
            chat_id=chat_id, frame=relayed_frame(frame), side=self.side, sender=self.channel_name
        )

    async def _take(self, user: User, frame: Frame) -> None:
        chat = frame.text("chat", required=False, pattern=None)
        if chat and not TOKEN_RE.fullmatch(chat):
            raise FrameError("bad_field")
        taken = await database_sync_to_async(services.chat_take)(user=user, chat_id=chat or None)
        if taken is None:
            await self.send_frame({"t": "error", "code": "queue_empty"})

    async def _transfer(self, user: User, frame: Frame) -> None:
        to_user = frame.data.get("to_user")
        to_jour = frame.data.get("to_jour")
        await database_sync_to_async(services.chat_transfer)(
            user=user,
            chat_id=frame.text("chat", pattern=TOKEN_RE),
            to_user_id=frame.number("to_user", low=1) if to_user is not None else None,
            to_jour_id=frame.number("to_jour", low=1) if to_jour is not None else None,
            note=frame.text("note", required=False)[:500],
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
