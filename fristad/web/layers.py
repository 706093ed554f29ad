"""The channel layers: the embedded one, and the one on Redis for several processes.

``InMemoryChannelLayer``: Channels' in-memory layer, with its expiry sweep made cheap.

Channels' ``InMemoryChannelLayer`` walks every channel and every group membership on
each ``receive`` and ``group_send`` to drop expired messages. With a thousand chats
that walk, not the relay, is the cost of every message (docs/performance.md). Here
the sweep runs at most once a second; messages still expire (to the second) and
nothing else changes.

``RedisPubSubChannelLayer``: channels-redis's pub/sub layer with batched publishes.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

from channels.exceptions import ChannelFull
from channels.layers import InMemoryChannelLayer as ChannelsInMemoryChannelLayer
from channels_redis import pubsub as channels_redis_pubsub

SWEEP_EVERY_SECONDS = 1.0


_dropped = 0


def dropped_events() -> int:
    """Events this process's layer refused because a socket's queue was full (Channels'
    group_send drops them silently); the metrics report it."""
    return _dropped


class InMemoryChannelLayer(ChannelsInMemoryChannelLayer):
    _swept_at = 0.0

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        global _dropped
        try:
            await super().send(channel, message)
        except ChannelFull:
            _dropped += 1
            raise

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self._swept_at < SWEEP_EVERY_SECONDS:
            return
        self._swept_at = now
        super()._clean_expired()


class RedisPubSubChannelLayer(channels_redis_pubsub.RedisPubSubChannelLayer):
    """channels-redis's pub/sub layer, with publishes written in batches.

    Its shard connection publishes one message at a time under a lock, each waiting for
    Redis's reply: under load every publish waits for a turn of a busy event loop, and a
    burst of a few hundred frames queued behind each other for up to half a second.
    Here every publish issued while a batch is on its way joins the next one, written as
    a single pipeline: one round trip per batch, in the order the publishes were made.
    """

    def _get_layer(self) -> channels_redis_pubsub.RedisPubSubLoopLayer:
        loop = asyncio.get_running_loop()
        layer = self._layers.get(loop)
        if layer is None:
            layer = super()._get_layer()
            layer._shards = [_BatchingShard(shard.host, layer) for shard in layer._shards]
        return layer


class _BatchingShard(channels_redis_pubsub.RedisSingleShardConnection):
    def __init__(self, host: dict[str, Any], channel_layer: Any) -> None:
        super().__init__(host, channel_layer)
        self._outbox: list[tuple[str, bytes]] = []
        self._batch_sent: asyncio.Future[None] | None = None
        self._writer: asyncio.Task[None] | None = None

    async def publish(self, channel: str, message: bytes) -> None:
        if self._batch_sent is None:
            self._batch_sent = asyncio.get_running_loop().create_future()
            # Nobody may be left to hear a failure (a publisher cancelled on its way out).
            self._batch_sent.add_done_callback(_consume_exception)
        sent = self._batch_sent
        self._outbox.append((channel, message))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.ensure_future(self._write())
        await asyncio.shield(sent)

    async def _write(self) -> None:
        while self._outbox:
            batch, sent = self._outbox, self._batch_sent
            self._outbox, self._batch_sent = [], None
            assert sent is not None
            try:
                async with self._lock:
                    self._ensure_redis()
                    pipe = self._redis.pipeline(transaction=False)
                    for channel, message in batch:
                        pipe.publish(channel, message)
                    await pipe.execute()
            except asyncio.CancelledError:
                sent.cancel()
                raise
            except Exception as error:
                sent.set_exception(error)
            else:
                sent.set_result(None)

    async def flush(self) -> None:
        if self._writer is not None:
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer
            self._writer = None
        if self._batch_sent is not None and not self._batch_sent.done():
            self._batch_sent.cancel()
        self._outbox, self._batch_sent = [], None
        await super().flush()


def _consume_exception(future: asyncio.Future[None]) -> None:
    if not future.cancelled():
        future.exception()
