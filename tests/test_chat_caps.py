"""Caps on chat starts: at most CHAT_MAX_WAITING_SITE chats waiting in the site and
CHAT_MAX_WAITING_PER_JOUR at one jour, and a budget of starts per server process. Beyond
them she is refused with ``busy`` (her page shows phone numbers); nothing is stored, no
one is told apart (no address, no person: caps are global and per jour)."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import pytest
from channels.db import database_sync_to_async

from fristad.chat.models import Chat, ChatStatus
from tests.chat_helpers import Socket, answered_chat, console_socket, her_socket, run, session_cookie
from tests.conftest import Staff

pytestmark = pytest.mark.django_db(transaction=True)
BUSY = {"t": "refused", "code": "busy", "minutes": 0}


async def start(jour: str | None = "stockholm") -> tuple[Socket, dict[str, Any]]:
    """Her socket and its answer to ``start`` (``started`` or ``refused``)."""
    her = await her_socket()
    await her.send(t="start", **({"jour": jour} if jour else {}))
    while True:
        frame = await her.receive()
        if frame["t"] in ("started", "refused"):
            return her, frame


async def alive(her: Socket) -> None:
    await her.send(t="ping")
    await her.expect("pong")


def waiting() -> int:
    return Chat.objects.filter(status=ChatStatus.WAITING).count()


def test_the_site_cap(sample_jourer: Any, settings: Any) -> None:
    settings.CHAT_MAX_WAITING_SITE = 3

    async def scenario() -> None:
        sockets = []
        for jour in ("stockholm", None, "tjej-soder"):
            her, frame = await start(jour)
            assert frame["t"] == "started"
            sockets.append(her)
        for jour in ("stockholm", None, "tjej-soder"):
            her, frame = await start(jour)
            assert frame == BUSY
            await alive(her)
            sockets.append(her)
        assert await database_sync_to_async(waiting)() == 3
        # One ends: there is room again.
        await sockets[0].send(t="end")
        await sockets[0].expect("ended")
        her, frame = await start(None)
        assert frame["t"] == "started"
        for socket in [*sockets, her]:
            await socket.close()

    run(scenario)


def test_the_cap_per_jour(sample_jourer: Any, settings: Any) -> None:
    settings.CHAT_MAX_WAITING_PER_JOUR = 2

    async def scenario() -> None:
        sockets = []
        for _ in range(2):
            her, frame = await start("stockholm")
            assert frame["t"] == "started"
            sockets.append(her)
        her, frame = await start("stockholm")
        assert frame == BUSY
        await alive(her)
        # Another jour, and the network's queue, still take chats.
        other, frame = await start("tjej-soder")
        assert frame["t"] == "started"
        network, frame = await start(None)
        assert frame["t"] == "started"
        assert await database_sync_to_async(waiting)() == 4
        for socket in [*sockets, her, other, network]:
            await socket.close()

    run(scenario)


def test_only_waiting_chats_count(staff: Staff, settings: Any) -> None:
    settings.CHAT_MAX_WAITING_PER_JOUR = 1
    settings.CHAT_MAX_WAITING_SITE = 1
    cookie = session_cookie(staff.kvinna_a)

    async def scenario() -> None:
        her, console, _chat_id = await answered_chat(staff, cookie)
        # The first is answered: the queue is empty again.
        second, frame = await start("stockholm")
        assert frame["t"] == "started"
        # Kvinna A answers that one too (room for two): the queue is empty once more.
        await second.expect("assigned")
        third, frame = await start("stockholm")
        assert frame["t"] == "started"
        fourth, frame = await start("stockholm")
        assert frame == BUSY
        for socket in (her, console, second, third, fourth):
            await socket.close()

    run(scenario)


def test_many_at_once_fill_the_queue_to_the_cap_and_no_further(staff: Staff, settings: Any) -> None:
    """Her queue on the console is what the cap allows, however many sockets start together."""
    settings.CHAT_MAX_WAITING_PER_JOUR = 4
    cookie = session_cookie(staff.kvinna_a)

    async def scenario() -> None:
        results = await asyncio.gather(*(start("stockholm") for _ in range(25)))
        started = [f for _her, f in results if f["t"] == "started"]
        refused = [f for _her, f in results if f["t"] == "refused"]
        assert len(started) == 4
        assert refused == [BUSY] * 21
        ok, console = await console_socket(cookie)
        assert ok
        state = await console.expect("state")
        assert len(state["queue"]) == 4
        for her, _frame in results:
            await her.close()
        await console.close()

    run(scenario)
    assert not Chat.objects.filter(status=ChatStatus.ACTIVE).exists()


def test_the_budget_of_starts_per_process(sample_jourer: Any, settings: Any) -> None:
    settings.CHAT_STARTS_PER_SECOND = 0.01
    settings.CHAT_STARTS_BURST = 3

    async def scenario() -> None:
        sockets = []
        answers = []
        for jour in ("stockholm", None, "tjej-soder", "stockholm", None):
            her, frame = await start(jour)
            answers.append(frame)
            sockets.append(her)
        assert [f["t"] for f in answers[:3]] == ["started"] * 3
        assert answers[3:] == [BUSY] * 2
        # The refused ones stored nothing; their sockets live.
        assert await database_sync_to_async(Chat.objects.count)() == 3
        for her in sockets[3:]:
            await alive(her)
        # A chat that goes on (her page reconnecting) is not a start.
        again = await her_socket()
        await again.send(t="resume", chat=answers[0]["chat"], key=answers[0]["key"])
        assert (await again.expect("resumed"))["chat"] == answers[0]["chat"]
        for her in [*sockets, again]:
            await her.close()

    run(scenario)


def test_a_refused_start_can_be_tried_again_on_the_same_socket(sample_jourer: Any, settings: Any) -> None:
    settings.CHAT_MAX_WAITING_PER_JOUR = 1

    async def scenario() -> None:
        first, frame = await start("stockholm")
        assert frame["t"] == "started"
        her = await her_socket()
        await her.send(t="start", jour="stockholm")
        assert await her.expect("refused") == BUSY
        await first.send(t="end")
        await first.expect("ended")
        await her.send(t="start", jour="stockholm")
        assert (await her.expect("started"))["chat"]
        for socket in (first, her):
            await socket.close()

    run(scenario)


@pytest.mark.django_db
def test_her_page_has_the_words_and_numbers_for_busy(sample_jourer: Any) -> None:
    """chat.js shows ``refused_busy`` for ``busy``: the jour's numbers and Kvinnofridslinjen."""
    from django.test import Client

    def strings(url: str) -> dict[str, str]:
        body = Client().get(url).content.decode()
        found = re.search(r'<script id="chat-strings" type="application/json">(.*?)</script>', body, re.S)
        assert found, url
        return dict(json.loads(found.group(1)))

    jour = strings("/en/chatt/stockholm/")["refused_busy"]
    assert "Many are writing right now" in jour
    assert "Kvinnojouren Stockholm (test)" in jour and "070-1740606" in jour and "020-50 50 50" in jour
    network = strings("/en/chatt/")["refused_busy"]
    assert "Many are writing right now" in network and "020-50 50 50" in network
