"""The Redis channel layer: channels-redis's pub/sub layer with publishes written in batches.

Runs against the real Redis (marked ``services``); without REDIS_URL it skips.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from typing import Any

import pytest
import redis.exceptions

from fristad.web.layers import RedisPubSubChannelLayer, _BatchingShard

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: needs the real Redis"),
]


def layer(url: str | None = None, prefix: str | None = None) -> RedisPubSubChannelLayer:
    return RedisPubSubChannelLayer(
        hosts=[{"address": url or os.environ["REDIS_URL"]}], prefix=prefix or f"test-{uuid.uuid4().hex[:8]}"
    )


def test_concurrent_group_sends_arrive_in_order_and_are_batched() -> None:
    async def scenario() -> tuple[list[int], int]:
        channels = layer()
        receiver = await channels.new_channel()
        await channels.group_add("chat.x", receiver)
        shard = channels._get_layer()._shards[0]
        assert isinstance(shard, _BatchingShard)
        pipelines = 0
        original = shard._write

        async def counted() -> None:
            nonlocal pipelines
            pipelines += 1
            await original()

        shard._write = counted  # type: ignore[method-assign]
        # Five hundred sends at once, as a burst of frames from many sockets would be.
        await asyncio.gather(*(channels.group_send("chat.x", {"type": "m", "n": n}) for n in range(500)))
        got = [(await asyncio.wait_for(channels.receive(receiver), 5))["n"] for _ in range(500)]
        await channels.flush()
        return got, pipelines

    got, pipelines = asyncio.run(scenario())
    assert got == list(range(500)), "messages overtook each other"
    # One batch on its way, everything else in the next: a handful of round trips, not 500.
    assert pipelines <= 5, pipelines


def test_a_send_to_a_channel_in_another_layer_arrives() -> None:
    """Two layers stand for two server processes sharing Redis."""

    async def scenario() -> Any:
        prefix = f"shared-{uuid.uuid4().hex[:8]}"
        her_process, console_process = layer(prefix=prefix), layer(prefix=prefix)
        console = await console_process.new_channel()
        await console_process.group_add("chat.y", console)
        await asyncio.sleep(0.1)  # the subscription reaches Redis
        await her_process.group_send("chat.y", {"type": "chat.relay", "body": "hej"})
        message = await asyncio.wait_for(console_process.receive(console), 5)
        await her_process.flush()
        await console_process.flush()
        return message

    assert asyncio.run(scenario()) == {"type": "chat.relay", "body": "hej"}


def test_a_failed_publish_raises_to_every_sender_of_its_batch() -> None:
    async def scenario() -> list[BaseException | None]:
        channels = layer("redis://127.0.0.1:1/0")
        results = await asyncio.gather(
            *(channels.group_send("chat.z", {"type": "m"}) for _ in range(3)), return_exceptions=True
        )
        await channels.flush()
        return results

    results = asyncio.run(scenario())
    assert all(isinstance(result, redis.exceptions.ConnectionError) for result in results), results


def test_flush_leaves_nothing_pending_and_the_layer_works_again() -> None:
    async def scenario() -> Any:
        channels = layer()
        receiver = await channels.new_channel()
        await channels.group_add("chat.w", receiver)
        await channels.group_send("chat.w", {"type": "m", "n": 1})
        await channels.flush()
        shard = channels._get_layer()._shards[0]
        assert shard._writer is None and shard._outbox == []
        receiver = await channels.new_channel()
        await channels.group_add("chat.w", receiver)
        await asyncio.sleep(0.1)
        await channels.group_send("chat.w", {"type": "m", "n": 2})
        message = await asyncio.wait_for(channels.receive(receiver), 5)
        await channels.flush()
        return message

    assert asyncio.run(scenario()) == {"type": "m", "n": 2}
