"""The console follows the staff floor all the time, not only at the handshake.

Within a few ticks of a change (CHAT_CONSOLE_CHECK_SECONDS, made short here) an open console
says why (``closed {reason}``), closes with 4403 and her chats go back to the queue at
once. Reasons: her sessions ended elsewhere, signed out, deactivated, removed from the jour,
a new tystnadslöfte, the 12-hour limit, the idle limit (her own frames count, heartbeats
do not).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session

from fristad import settings as production_settings
from fristad.accounts import floor, middleware
from fristad.accounts.floor import AUTH_AT, SEEN_AT
from fristad.accounts.models import Membership
from fristad.accounts.services import membership_remove, pledge_publish, sessions_end_elsewhere
from fristad.chat import floor_watch
from fristad.chat.models import AgentPresence, Chat, ChatStatus
from tests.chat_helpers import Socket, answered_chat, console_socket, expect_each, run, session_cookie
from tests.conftest import Staff

pytestmark = pytest.mark.django_db(transaction=True)
TICK = 0.2
# The idle limit of the idle tests (seconds).
IDLE = 2.5
# The change and the close: a few ticks, with room for a slow machine.
WITHIN = 3.0


@pytest.fixture(autouse=True)
def quick_ticks(settings: Any) -> None:
    settings.CHAT_CONSOLE_CHECK_SECONDS = TICK


def _with_marks(user: Any, **marks: float) -> bytes:
    """A session cookie for her, with the staff middleware's time marks set."""
    cookie = session_cookie(user)
    session = SessionStore(session_key=_key(cookie))
    for name, value in marks.items():
        session[name] = value
    session.save()
    return cookie


def _key(cookie: bytes) -> str:
    return cookie.decode().split("=", 1)[1]


async def closed(console: Socket, timeout: float = WITHIN) -> tuple[list[dict[str, Any]], int | None]:
    """Every frame until the server closes the socket, and the close code."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    frames: list[dict[str, Any]] = []
    while True:
        left = deadline - loop.time()
        if left <= 0:
            raise AssertionError(f"the console was not closed within {timeout}s; got {frames}")
        try:
            out = await console.communicator.receive_output(left)
        except TimeoutError:
            continue
        if out["type"] == "websocket.close":
            return frames, out.get("code")
        frames.append(json.loads(out["text"]))


async def handshake_refused(cookie: bytes) -> bool:
    ok, console = await console_socket(cookie)
    if ok:
        await console.close()
    return not ok


def test_the_check_runs_every_few_seconds_by_default() -> None:
    assert 0 < production_settings.CHAT_CONSOLE_CHECK_SECONDS <= 10


def test_one_function_decides_the_floor_for_pages_and_the_console() -> None:
    assert vars(middleware)["staff_floor"] is floor.staff_floor
    assert vars(floor_watch)["staff_floor"] is floor.staff_floor


def _end_elsewhere(staff: Staff, cookie: bytes) -> None:
    sessions_end_elsewhere(user=staff.kvinna_a, request=None)


def _sign_out(staff: Staff, cookie: bytes) -> None:
    Session.objects.filter(session_key=_key(cookie)).delete()


def _deactivate(staff: Staff, cookie: bytes) -> None:
    type(staff.kvinna_a).objects.filter(pk=staff.kvinna_a.pk).update(is_active=False)


def _remove(staff: Staff, cookie: bytes) -> None:
    membership = Membership.objects.get(user=staff.kvinna_a, jour=staff.jour_a)
    membership_remove(membership=membership, actor=staff.admin_a)


def _new_pledge(staff: Staff, cookie: bytes) -> None:
    pledge_publish(text_sv="Version två.", text_en="Version two.")


CHANGES: list[tuple[str, str, Callable[[Staff, bytes], None]]] = [
    ("a new factor or password (her other sessions end)", "session_ended", _end_elsewhere),
    ("signed out (the session is gone)", "session_ended", _sign_out),
    ("account deactivated", "deactivated", _deactivate),
    ("removed from the jour", "removed", _remove),
    ("a new tystnadslöfte", "pledge", _new_pledge),
]


@pytest.mark.parametrize(("change", "reason", "apply"), CHANGES, ids=[c[1] + ": " + c[0] for c in CHANGES])
def test_an_open_console_closes_when_her_standing_changes(
    staff: Staff, change: str, reason: str, apply: Callable[[Staff, bytes], None]
) -> None:
    cookie = session_cookie(staff.kvinna_a)

    async def scenario() -> float:
        her, console, chat_id = await answered_chat(staff, cookie)
        # Nothing closes while nothing changes.
        await asyncio.sleep(3 * TICK)
        await console.send(t="ping")
        await console.expect("pong")
        changed = time.monotonic()
        await database_sync_to_async(apply)(staff, cookie)
        frames, code = await closed(console)
        took = time.monotonic() - changed
        assert code == 4403
        assert frames[-1] == {"t": "closed", "reason": reason}, frames
        assert [f for f in frames if f["t"] == "closed"] == [frames[-1]]
        # Her chat was not lost: she is back in the queue at once.
        await her.expect("requeued")
        chat = await database_sync_to_async(Chat.objects.get)(pk=chat_id)
        assert chat.status == ChatStatus.WAITING and chat.agent_id is None
        presence = await database_sync_to_async(AgentPresence.objects.get)(user=staff.kvinna_a)
        assert presence.status == "away"
        # And the console does not open again.
        assert await handshake_refused(cookie)
        await her.close()
        return took

    took = run(scenario)
    assert took < WITHIN


def test_her_chats_go_to_a_colleague_who_is_available(staff: Staff) -> None:
    """Requeued as when a console drops: the next available jourkvinna gets the chat."""
    cookie = session_cookie(staff.kvinna_a)
    colleague_cookie = session_cookie(staff.admin_a)

    async def scenario() -> None:
        her, console, chat_id = await answered_chat(staff, cookie)
        ok, colleague = await console_socket(colleague_cookie)
        assert ok
        await colleague.expect("state")
        await colleague.send(t="presence", jour=staff.jour_a.pk, available=True)
        await colleague.expect("state", available=True)
        await database_sync_to_async(_deactivate)(staff, cookie)
        frames, code = await closed(console)
        assert (frames[-1], code) == ({"t": "closed", "reason": "deactivated"}, 4403)
        found = await expect_each(her, "requeued", "assigned", timeout=WITHIN)
        assert found["assigned"]["jour"] == staff.jour_a.name
        row = await colleague.expect("chat", chat=chat_id)
        assert row["leg"] == 2  # a new jourkvinna: a new leg, she sees nothing said before
        chat = await database_sync_to_async(Chat.objects.get)(pk=chat_id)
        assert chat.status == ChatStatus.ACTIVE and chat.agent_id == staff.admin_a.pk
        for socket in (her, colleague):
            await socket.close()

    run(scenario)


def test_the_12_hour_limit_closes_an_open_console(staff: Staff) -> None:
    now = time.time()
    # Signed in 12 hours ago less three seconds: the handshake passes, the limit comes after.
    signed_in = now - settings.STAFF_ABSOLUTE_TIMEOUT_SECONDS + 3
    cookie = _with_marks(staff.kvinna_a, **{AUTH_AT: signed_in, SEEN_AT: now})

    async def scenario() -> None:
        her, console, chat_id = await answered_chat(staff, cookie)
        # Her activity does not move the absolute limit.
        await console.send(t="typing", chat=chat_id)
        frames, code = await closed(console, timeout=6)
        assert (frames[-1], code) == ({"t": "closed", "reason": "timeout"}, 4403)
        await her.expect("requeued")
        assert await handshake_refused(cookie)
        await her.close()

    run(scenario)


def test_the_idle_limit_closes_a_console_whose_only_frames_are_heartbeats(
    staff: Staff, settings: Any
) -> None:
    settings.STAFF_IDLE_TIMEOUT_SECONDS = IDLE
    cookie = _with_marks(staff.kvinna_a, **{AUTH_AT: time.time(), SEEN_AT: time.time()})

    async def scenario() -> None:
        her, console, _chat_id = await answered_chat(staff, cookie)
        opened = time.monotonic()

        async def heartbeats() -> None:
            while True:
                await console.send(t="ping")
                await console.send(t="state")
                await asyncio.sleep(0.2)

        beating = asyncio.create_task(heartbeats())
        frames, code = await closed(console, timeout=IDLE + WITHIN)
        beating.cancel()
        assert (frames[-1], code) == ({"t": "closed", "reason": "idle"}, 4403)
        assert time.monotonic() - opened >= IDLE - 1
        await her.expect("requeued")
        assert await handshake_refused(cookie)
        await her.close()

    run(scenario)


def test_her_own_frames_keep_the_console_open_until_she_stops(staff: Staff, settings: Any) -> None:
    settings.STAFF_IDLE_TIMEOUT_SECONDS = IDLE
    cookie = _with_marks(staff.kvinna_a, **{AUTH_AT: time.time(), SEEN_AT: time.time()})

    async def scenario() -> None:
        her, console, chat_id = await answered_chat(staff, cookie)
        # Writing for twice the idle limit: the console stays.
        for seq in range(1, int(2 * IDLE / 0.2)):
            await console.send(t="typing", chat=chat_id)
            if seq % 3 == 0:
                await console.send(t="msg", chat=chat_id, seq=seq // 3, leg="s1", body="jag är här")
            await asyncio.sleep(0.2)
        await console.send(t="ping")
        frame = await console.expect("pong")
        assert frame == {"t": "pong"}
        # Then she stops, and it closes for idleness.
        frames, code = await closed(console, timeout=IDLE + WITHIN)
        assert (frames[-1], code) == ({"t": "closed", "reason": "idle"}, 4403)
        await her.close()

    run(scenario)


def test_her_console_activity_counts_for_her_session(staff: Staff) -> None:
    """Half an hour at the console alone, then a staff page (or a reconnect): still signed in."""
    now = time.time()
    stale = now - settings.STAFF_IDLE_TIMEOUT_SECONDS + 4
    cookie = _with_marks(staff.kvinna_a, **{AUTH_AT: now - 3600, SEEN_AT: stale})

    async def scenario() -> None:
        her, console, chat_id = await answered_chat(staff, cookie)
        await console.send(t="typing", chat=chat_id)
        # Past the idle limit of the stored mark: her typing keeps the console and the session.
        await asyncio.sleep(5.0)
        await console.send(t="ping")
        await console.expect("pong")
        session = await database_sync_to_async(SessionStore)(session_key=_key(cookie))
        seen = await database_sync_to_async(lambda: float(session[SEEN_AT]))()
        assert seen > stale + 60
        # A second console of hers opens (a reconnect would be refused on the stale mark).
        assert not await handshake_refused(cookie)
        for socket in (her, console):
            await socket.close()

    run(scenario)
