"""Coming back to a chat: her dropped connection, a return code on another page, and the
reaper that forgets chats she left for good."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.utils import timezone

from fristad.chat import services
from fristad.chat.models import Chat, ChatStatus
from fristad.chat.returncode import WORD_COUNT, WORDS
from tests.chat_helpers import (
    Socket,
    answered_chat,
    answered_chat_started,
    console_socket,
    drain,
    her_socket,
    run,
    session_cookie,
)
from tests.conftest import Staff

pytestmark = pytest.mark.django_db(transaction=True)


def db(function: Any) -> Any:
    return database_sync_to_async(function)


async def get_chat(chat_id: str) -> Chat:
    chat: Chat = await db(Chat.objects.get)(pk=chat_id)
    return chat


async def chat_exists(chat_id: str) -> bool:
    return bool(await db(Chat.objects.filter(pk=chat_id).exists)())


async def started(her: Socket) -> dict[str, Any]:
    await her.send(t="start", jour="stockholm")
    return await her.expect("started")


async def ask_code(her: Socket) -> str:
    await her.send(t="code")
    frame = await her.expect("code")
    assert frame["minutes"] == settings.CHAT_RETURN_CODE_MINUTES
    return str(frame["code"])


async def resume_code(code: str) -> tuple[Socket, dict[str, Any]]:
    """A new page (or device) continues with the code: (its socket, its first answer)."""
    socket = await her_socket()
    await socket.send(t="resume_code", code=code)
    answer = await socket.receive()
    while answer["t"] in ("queue", "peer"):
        answer = await socket.receive()
    return socket, answer


# --- Her dropped connection ---------------------------------------------------------------------


def test_she_drops_and_resumes_and_the_console_sees_her_go_and_come(staff: Staff) -> None:
    cookie = session_cookie(staff.kvinna_a)

    async def scenario() -> None:
        her, console, first = await answered_chat_started(staff, cookie)
        chat_id = first["chat"]
        await her.send(t="msg", seq=1, leg="h1", body="första")
        await console.expect("msg", body="första")

        await her.close()
        assert await console.expect("peer") == {"t": "peer", "chat": chat_id, "here": False}
        chat = await get_chat(chat_id)
        assert chat.her_connected is False and chat.her_left_at is not None

        # Her page still holds the chat id and the key from "started".
        again = await her_socket()
        await again.send(t="resume", chat=chat_id, key=first["key"])
        resumed = await again.expect("resumed")
        assert resumed == {
            "t": "resumed",
            "chat": chat_id,
            "status": "active",
            "jour": staff.jour_a.name,
            "leg": 1,
        }
        assert await console.expect("peer") == {"t": "peer", "chat": chat_id, "here": True}
        chat = await get_chat(chat_id)
        assert chat.her_connected is True and chat.her_left_at is None

        # She resends what was not acknowledged, on her leg, and both ways work again.
        await again.send(t="leg", leg="h1", **{"from": 2})
        assert await console.expect("leg") == {"t": "leg", "leg": "h1", "from": 2, "chat": chat_id}
        await again.send(t="msg", seq=2, leg="h1", body="andra")
        await console.expect("msg", body="andra", seq=2)
        await console.send(t="msg", chat=chat_id, seq=1, leg="s1", body="Jag är kvar.")
        assert (await again.expect("msg"))["body"] == "Jag är kvar."
        await again.close()
        await console.close()

    run(scenario)


def test_she_resumes_while_still_waiting(staff: Staff) -> None:
    async def scenario() -> None:
        her = await her_socket()
        first = await started(her)
        await her.close()
        again = await her_socket()
        await again.send(t="resume", chat=first["chat"], key=first["key"])
        resumed = await again.expect("resumed")
        assert resumed["status"] == ChatStatus.WAITING and resumed["jour"] == "" and resumed["leg"] == 0
        assert "key" not in resumed
        queue = await again.expect("queue")
        assert queue["position"] == 1
        await again.close()

    run(scenario)


def test_a_wrong_key_or_chat_is_refused(staff: Staff) -> None:
    async def scenario() -> None:
        her = await her_socket()
        first = await started(her)
        other = await her_socket()
        second = await started(other)
        await her.close()
        for chat_id, key in [
            (first["chat"], "x" * 32),  # a wrong key
            (first["chat"], second["key"]),  # another chat's key
            ("y" * 22, first["key"]),  # no such chat
        ]:
            attempt = await her_socket()
            await attempt.send(t="resume", chat=chat_id, key=key)
            assert await attempt.receive() == {"t": "refused", "code": "no_such_chat", "minutes": 0}
            # Refused, the socket still works and may try again.
            await attempt.send(t="ping")
            assert await attempt.receive() == {"t": "pong"}
            await attempt.close()
        chat = await get_chat(first["chat"])
        assert chat.her_connected is False, "a refused resume must not mark her back"
        await other.close()

    run(scenario)


def test_a_chat_that_ended_cannot_be_resumed(staff: Staff) -> None:
    async def scenario() -> None:
        her = await her_socket()
        first = await started(her)
        await her.send(t="end")
        assert await her.expect("ended") == {"t": "ended", "by": "her"}
        assert not await chat_exists(first["chat"])
        again = await her_socket()
        await again.send(t="resume", chat=first["chat"], key=first["key"])
        await again.expect("refused", code="no_such_chat")
        await her.close()
        await again.close()

    run(scenario)


def test_the_console_reconnects_and_gets_its_chats_back(staff: Staff) -> None:
    cookie = session_cookie(staff.kvinna_a)

    async def scenario() -> None:
        her, console, chat_id = await answered_chat(staff, cookie)
        await console.close()
        assert await her.expect("peer") == {"t": "peer", "here": False}
        ok, console = await console_socket(cookie)
        assert ok
        state = await console.expect("state")
        assert [c["id"] for c in state["chats"]] == [chat_id]
        assert await her.expect("peer") == {"t": "peer", "here": True}
        await her.send(t="msg", seq=1, leg="h1", body="är du där?")
        await console.expect("msg", body="är du där?", chat=chat_id)
        await her.close()
        await console.close()

    run(scenario)


# --- Return codes ---------------------------------------------------------------------------------


def test_a_return_code_is_five_words_and_only_its_hash_is_kept(staff: Staff) -> None:
    async def scenario() -> None:
        her = await her_socket()
        first = await started(her)
        code = await ask_code(her)
        words = code.split(" ")
        assert len(words) == WORD_COUNT == 5
        assert all(word in WORDS for word in words)
        chat = await get_chat(first["chat"])
        assert chat.return_code_hash and code not in str(await db(lambda: list(Chat.objects.values()))())
        assert chat.return_code_until is not None
        minutes_left = (chat.return_code_until - timezone.now()).total_seconds() / 60
        assert settings.CHAT_RETURN_CODE_MINUTES - 1 < minutes_left <= settings.CHAT_RETURN_CODE_MINUTES
        await her.close()

    run(scenario)


def test_a_return_code_works_once_from_a_new_page(staff: Staff) -> None:
    cookie = session_cookie(staff.kvinna_a)

    async def scenario() -> None:
        her = await her_socket()
        first = await started(her)
        ok, console = await console_socket(cookie)
        assert ok
        await console.send(t="presence", jour=staff.jour_a.pk, available=True)
        await her.expect("assigned")
        code = await ask_code(her)
        await her.close()
        await console.expect("peer", here=False)

        phone, resumed = await resume_code(code)
        assert resumed["t"] == "resumed"
        assert resumed["chat"] == first["chat"] and resumed["status"] == "active"
        assert resumed["jour"] == staff.jour_a.name and resumed["leg"] == 1
        new_key = resumed["key"]
        assert new_key != first["key"]
        await console.expect("peer", here=True, chat=first["chat"])
        await phone.send(t="msg", seq=1, leg="p1", body="från telefonen")
        await console.expect("msg", body="från telefonen")

        # Once only.
        third, answer = await resume_code(code)
        assert answer == {"t": "refused", "code": "no_such_code", "minutes": 0}
        # The key her first page held no longer opens the chat; the new one does.
        await third.send(t="resume", chat=first["chat"], key=first["key"])
        await third.expect("refused", code="no_such_chat")
        await phone.close()
        fourth = await her_socket()
        await fourth.send(t="resume", chat=first["chat"], key=new_key)
        assert (await fourth.expect("resumed"))["chat"] == first["chat"]
        for socket in (third, fourth, console):
            await socket.close()

    run(scenario)


def test_a_return_code_may_be_typed_loosely_and_a_new_one_asked_on_the_new_page(staff: Staff) -> None:
    variants = [
        ("upper case", lambda code: code.upper()),
        ("hyphens", lambda code: code.replace(" ", "-")),
        ("spaces, capitals and a full stop", lambda code: "  " + code.title().replace(" ", " - ") + ".\n"),
    ]

    async def scenario() -> None:
        page = await her_socket()
        first = await started(page)
        for name, typed in variants:
            code = await ask_code(page)
            await page.close()
            page, resumed = await resume_code(typed(code))
            assert resumed["t"] == "resumed" and resumed["chat"] == first["chat"], (name, resumed)
        await page.close()

    run(scenario)


def test_an_expired_return_code_is_refused(staff: Staff) -> None:
    async def scenario() -> None:
        her = await her_socket()
        first = await started(her)
        code = await ask_code(her)
        await her.close()
        past = timezone.now() - timedelta(seconds=1)
        await db(Chat.objects.filter(pk=first["chat"]).update)(return_code_until=past)
        page, answer = await resume_code(code)
        assert answer == {"t": "refused", "code": "no_such_code", "minutes": 0}
        await page.close()

    run(scenario)


def _fail_return_codes(times: int) -> None:
    for _ in range(times):
        with pytest.raises(services.ChatRefused) as refused:
            services.chat_resume_by_code(code="apa apa apa apa apa", channel="test")
        assert refused.value.code == "no_such_code"


def test_below_the_failure_limit_a_right_code_works(staff: Staff) -> None:
    async def scenario() -> None:
        her = await her_socket()
        first = await started(her)
        code = await ask_code(her)
        await her.close()
        await db(_fail_return_codes)(settings.CHAT_RETURN_CODE_FAILURES_PER_MINUTE - 1)
        page, answer = await resume_code(code)
        assert answer["t"] == "resumed" and answer["chat"] == first["chat"]
        await page.close()

    run(scenario)


def test_after_too_many_failures_even_a_right_code_must_wait(staff: Staff) -> None:
    async def scenario() -> None:
        her = await her_socket()
        first = await started(her)
        code = await ask_code(her)
        await her.close()
        await db(_fail_return_codes)(settings.CHAT_RETURN_CODE_FAILURES_PER_MINUTE)
        page, answer = await resume_code(code)
        assert answer == {"t": "refused", "code": "try_later", "minutes": 0}
        # The code was not spent by the refusal.
        chat = await get_chat(first["chat"])
        assert chat.return_code_hash != "" and chat.her_connected is False
        await page.close()

    run(scenario)


def test_failures_from_her_sockets_count_too(staff: Staff) -> None:
    """The limit is across the system: many sockets, each under its own rate limit."""

    async def scenario() -> None:
        her = await her_socket()
        await started(her)
        code = await ask_code(her)
        await her.close()
        failures = 0
        while failures < settings.CHAT_RETURN_CODE_FAILURES_PER_MINUTE:
            socket = await her_socket()
            for _ in range(5):  # her socket's burst of control frames
                await socket.send(t="resume_code", code="kex kex kex kex kex")
                await socket.expect("refused", code="no_such_code")
                failures += 1
            await socket.close()
        page, answer = await resume_code(code)
        assert answer["code"] == "try_later"
        await page.close()

    run(scenario)


# --- The reaper -----------------------------------------------------------------------------------


async def _leave_long_ago(chat_id: str) -> None:
    """As if her socket had closed longer ago than the grace."""
    long_ago = timezone.now() - timedelta(seconds=settings.CHAT_RECONNECT_GRACE_SECONDS + 5)
    await db(Chat.objects.filter(pk=chat_id).update)(her_connected=False, her_left_at=long_ago)


def test_a_chat_she_left_beyond_the_grace_is_forgotten(staff: Staff) -> None:
    cookie = session_cookie(staff.kvinna_a)

    async def scenario() -> None:
        her, console, chat_id = await answered_chat(staff, cookie)
        await her.close()
        await console.expect("peer", here=False)

        # Within the grace the chat waits for her.
        await db(services.chat_dispatch)()
        assert await chat_exists(chat_id)

        await _leave_long_ago(chat_id)
        await db(services.chat_dispatch)()
        assert not await chat_exists(chat_id)
        assert await console.expect("removed") == {"t": "removed", "chat": chat_id, "reason": "left"}
        state = await console.expect("state")
        assert state["chats"] == []
        await console.close()

    run(scenario)


def test_a_waiting_chat_she_left_is_forgotten_too(staff: Staff) -> None:
    async def scenario() -> None:
        her = await her_socket()
        first = await started(her)
        await her.close()
        await _leave_long_ago(first["chat"])
        await db(services.chat_dispatch)()
        assert not await chat_exists(first["chat"])

    run(scenario)


def test_a_live_return_code_keeps_the_chat(staff: Staff) -> None:
    cookie = session_cookie(staff.kvinna_a)

    async def scenario() -> None:
        her, console, chat_id = await answered_chat(staff, cookie)
        code = await ask_code(her)
        await her.close()
        await console.expect("peer", here=False)
        await _leave_long_ago(chat_id)
        await db(services.chat_dispatch)()
        assert await chat_exists(chat_id)
        assert all(f["t"] != "removed" for f in await drain(console))

        # She comes back with the code long after the grace.
        page, resumed = await resume_code(code)
        assert resumed["t"] == "resumed" and resumed["chat"] == chat_id

        # Once the code has expired unused, the reaper takes such a chat.
        await page.close()
        await _leave_long_ago(chat_id)
        await db(Chat.objects.filter(pk=chat_id).update)(return_code_until=timezone.now())
        await db(services.chat_dispatch)()
        assert not await chat_exists(chat_id)
        await console.expect("removed", chat=chat_id, reason="left")
        await console.close()

    run(scenario)


def test_a_late_disconnect_of_her_old_socket_does_not_end_the_chat(staff: Staff) -> None:
    """On a mobile network the server often notices the old connection's death only after
    her page has reconnected on a new one."""
    cookie = session_cookie(staff.kvinna_a)

    async def scenario() -> None:
        her = await her_socket()
        first = await started(her)
        ok, console = await console_socket(cookie)
        assert ok
        await console.send(t="presence", jour=staff.jour_a.pk, available=True)
        await her.expect("assigned")

        # The new connection resumes while the server still holds the old one.
        again = await her_socket()
        await again.send(t="resume", chat=first["chat"], key=first["key"])
        await again.expect("resumed")
        # Then the old one is found dead: she is still there.
        await her.close()
        chat = await get_chat(first["chat"])
        assert chat.her_connected is True and chat.her_left_at is None
        await db(services.chat_dispatch)()
        assert await chat_exists(first["chat"]), "the chat she is in right now was forgotten"
        await again.close()
        await console.close()

    run(scenario)


def test_a_late_disconnect_of_her_old_socket_does_not_tell_the_console_she_left(staff: Staff) -> None:
    cookie = session_cookie(staff.kvinna_a)

    async def scenario() -> None:
        her, console, first = await answered_chat_started(staff, cookie)
        again = await her_socket()
        await again.send(t="resume", chat=first["chat"], key=first["key"])
        await again.expect("resumed")
        await console.expect("peer", chat=first["chat"], here=True)
        await her.close()
        # (She may be heard arriving twice: her announcement and her answer to the console's.)
        heard = [f for f in await drain(console) if f["t"] == "peer" and not f["here"]]
        assert heard == [], "the console was told she left while she is there"
        await again.close()
        await console.close()

    run(scenario)


def test_after_a_return_code_the_old_page_hears_no_more(staff: Staff) -> None:
    """She moves from a shared computer to her phone with a code: the page left open on the
    computer (its key no longer valid) must not go on showing the jourkvinna's words."""
    cookie = session_cookie(staff.kvinna_a)

    async def scenario() -> None:
        computer, console, first = await answered_chat_started(staff, cookie)
        code = await ask_code(computer)
        phone, resumed = await resume_code(code)
        assert resumed["t"] == "resumed"
        await console.expect("peer", chat=first["chat"], here=True)
        await console.send(t="msg", chat=first["chat"], seq=1, leg="s1", body="Är du säker nu?")
        assert (await phone.expect("msg"))["body"] == "Är du säker nu?"
        heard = [f for f in await drain(computer) if f["t"] == "msg"]
        assert heard == [], "the page she left still receives the chat"
        await computer.close()
        await phone.close()
        await console.close()

    run(scenario)


def test_each_side_hears_the_other_arrive_whichever_joins_first(staff: Staff) -> None:
    """A console already waiting answers her at once, inside her ``start``: the console may
    announce itself before her socket has joined the chat. She must still hear it (the
    side that hears the other arrive answers that it is here), or her page would never
    resend what the jourkvinna had not acknowledged."""
    cookie = session_cookie(staff.kvinna_a)

    async def scenario() -> None:
        ok, console = await console_socket(cookie)
        assert ok
        await console.send(t="presence", jour=staff.jour_a.pk, available=True)
        await console.expect("state")
        for _ in range(2):
            her = await her_socket()
            first = await started(her)
            await her.expect("assigned")
            await her.expect("peer", here=True)
            await console.expect("peer", chat=first["chat"], here=True)
            await her.send(t="end")
            await her.expect("ended")
            await her.close()
        await console.close()

    run(scenario)
