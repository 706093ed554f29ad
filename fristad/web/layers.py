"""The embedded channel layer: Channels' in-memory layer, with its expiry sweep made cheap.

Channels' ``InMemoryChannelLayer`` walks every channel and every group membership on
each ``receive`` and ``group_send`` to drop expired messages. With a thousand chats
that walk, not the relay, is the cost of every message (docs/performance.md). Here
the sweep runs at most once a second; messages still expire (to the second) and
nothing else changes.
"""

from __future__ import annotations

import time

from channels.layers import InMemoryChannelLayer as ChannelsInMemoryChannelLayer

SWEEP_EVERY_SECONDS = 1.0


class InMemoryChannelLayer(ChannelsInMemoryChannelLayer):
    _swept_at = 0.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self._swept_at < SWEEP_EVERY_SECONDS:
            return
        self._swept_at = now
        super()._clean_expired()
