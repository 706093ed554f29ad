"""The embedded channel layer delivers like Channels' own, and still expires messages."""

from __future__ import annotations

import asyncio
import time
from unittest import mock

from channels.layers import InMemoryChannelLayer as ChannelsInMemoryChannelLayer

from fristad.web.layers import InMemoryChannelLayer
from tests.chat_helpers import run


def test_delivers_to_a_group_in_order() -> None:
    async def scenario() -> list[int]:
        layer = InMemoryChannelLayer()
        a, b = await layer.new_channel(), await layer.new_channel()
        await layer.group_add("chat.x", a)
        await layer.group_add("chat.x", b)
        for n in range(5):
            await layer.group_send("chat.x", {"type": "m", "n": n})
        got_a = [(await layer.receive(a))["n"] for _ in range(5)]
        got_b = [(await layer.receive(b))["n"] for _ in range(5)]
        assert got_a == got_b
        await layer.group_discard("chat.x", a)
        await layer.group_discard("chat.x", b)
        assert "chat.x" not in layer.groups or not layer.groups["chat.x"]
        return got_a

    assert run(scenario) == [0, 1, 2, 3, 4]


def test_expired_messages_are_swept_at_most_once_a_second() -> None:
    async def scenario() -> None:
        layer = InMemoryChannelLayer(expiry=0)
        channel = await layer.new_channel()
        await layer.send(channel, {"type": "old"})
        clock = [1000.0]
        with (
            mock.patch.object(time, "monotonic", lambda: clock[0]),
            mock.patch.object(ChannelsInMemoryChannelLayer, "_clean_expired") as sweep,
        ):
            layer._clean_expired()
            layer._clean_expired()
            assert sweep.call_count == 1
            clock[0] += 1.5
            layer._clean_expired()
            assert sweep.call_count == 2
        # A real sweep drops the expired message: nothing arrives.
        layer._swept_at = 0.0
        await asyncio.sleep(0.01)
        layer._clean_expired()
        assert channel not in layer.channels

    run(scenario)
