"""On Redis, a chat may be quiet for a long time: the sockets must outlive it.

redis-py 8 gives every connection a 5-second socket timeout. With channels-redis's core
layer that equalled its blocking read, so a socket with nothing to receive for five
seconds raised TimeoutError and its consumer died: a jourkvinna typing a long answer lost
the chat. Runs against the real Redis (marked ``services``); without it it skips.
"""

from __future__ import annotations

import asyncio
import os

import pytest

from tests.chat_helpers import answered_chat, drain, run, session_cookie
from tests.conftest import Staff

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: needs the real Redis"),
]

QUIET_SECONDS = 7


def test_both_sides_outlive_a_quiet_spell_longer_than_redis_timeouts(staff: Staff) -> None:
    cookie = session_cookie(staff.kvinna_a)

    async def scenario() -> None:
        her, console, chat_id = await answered_chat(staff, cookie)
        await drain(console)
        await drain(her)
        await asyncio.sleep(QUIET_SECONDS)
        await console.send(t="msg", chat=chat_id, seq=1, leg="s1", body="Jag finns kvar.")
        assert (await her.expect("msg", timeout=5))["body"] == "Jag finns kvar."
        await her.send(t="msg", seq=1, leg="h1", body="Jag också.")
        assert (await console.expect("msg", timeout=5))["body"] == "Jag också."
        for socket in (her, console):
            await socket.close()

    run(scenario)
