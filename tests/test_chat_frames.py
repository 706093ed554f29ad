"""Bad frames on the chat sockets: each gets an error frame and the socket lives on.

Also the limits around the frames: size, rate, the Origin check at the handshake, and
her socket reading no cookie.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from channels.db import database_sync_to_async

from fristad.asgi import application
from fristad.chat.models import AgentPresence, Chat
from fristad.chat.protocol import MAX_FRAME_BYTES
from tests.chat_helpers import (
    ORIGIN,
    Socket,
    WebsocketCommunicator,
    answered_chat,
    console_socket,
    drain,
    expect_each,
    her_socket,
    run,
    session_cookie,
    started_chat,
)
from tests.conftest import Staff

pytestmark = pytest.mark.django_db(transaction=True)


async def assert_alive(socket: Socket) -> None:
    """A valid frame after the bad one is still answered."""
    await socket.send(t="ping")
    assert await socket.receive() == {"t": "pong"}


async def expect_error(socket: Socket, code: str) -> None:
    frame = await socket.receive()
    assert frame["t"] == "error", frame
    assert frame["code"] == code, frame


# --- Size -----------------------------------------------------------------------------------


def test_a_frame_over_4096_bytes_is_too_large_and_the_socket_lives() -> None:
    async def scenario() -> None:
        her = await her_socket()
        await her.send_raw(json.dumps({"t": "ping", "pad": "x" * 5000}))
        await expect_error(her, "too_large")
        await assert_alive(her)
        await her.close()

    run(scenario)


def test_the_limit_is_4096_bytes_exactly_counted_in_utf8() -> None:
    async def scenario() -> None:
        her = await her_socket()
        head = '{"t":"ping","pad":"'
        exact = head + "x" * (MAX_FRAME_BYTES - len(head) - 2) + '"}'
        assert len(exact.encode()) == MAX_FRAME_BYTES
        await her.send_raw(exact)
        assert await her.receive() == {"t": "pong"}

        one_more = head + "x" * (MAX_FRAME_BYTES - len(head) - 1) + '"}'
        await her.send_raw(one_more)
        await expect_error(her, "too_large")

        # 2,100 characters but 4,200 bytes: the limit is on bytes.
        wide = json.dumps({"t": "ping", "pad": "å" * 2100}, ensure_ascii=False)
        assert len(wide) < MAX_FRAME_BYTES < len(wide.encode())
        await her.send_raw(wide)
        await expect_error(her, "too_large")
        await assert_alive(her)
        await her.close()

    run(scenario)


# --- Malformed frames before a chat -------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("{nope", "not_json"),
        ("", "not_json"),
        ("[1, 2, 3]", "no_type"),
        ('["t", "ping"]', "no_type"),
        ('"ping"', "no_type"),
        ("42", "no_type"),
        ('{"type": "ping"}', "no_type"),
        ('{"t": 5}', "no_type"),
        ('{"t": null}', "no_type"),
        ('{"t": "hello"}', "unknown_type"),
        ('{"t": "PING"}', "unknown_type"),
        # Console frames do not exist on her socket.
        ('{"t": "presence", "jour": 1, "available": true}', "unknown_type"),
        ('{"t": "take"}', "unknown_type"),
        ('{"t": "transfer", "chat": "x", "to_jour": 1}', "unknown_type"),
        ('{"t": "block", "chat": "x", "minutes": 5}', "unknown_type"),
        ('{"t": "state"}', "unknown_type"),
        # Frames that need a chat, before there is one.
        ('{"t": "msg", "seq": 1, "leg": "h1", "body": "hej"}', "no_chat"),
        ('{"t": "ack", "seq": 1, "leg": "s1"}', "no_chat"),
        ('{"t": "typing"}', "no_chat"),
        ('{"t": "end"}', "no_chat"),
        ('{"t": "code"}', "no_chat"),
        ('{"t": "any_jour"}', "no_chat"),
        # Missing or wrong fields.
        ('{"t": "resume"}', "bad_field"),
        ('{"t": "resume", "chat": "aaaaaaaaaaaaaaaaaaaa"}', "bad_field"),
        ('{"t": "resume", "chat": "aaaaaaaaaaaaaaaaaaaa", "key": "short"}', "bad_field"),
        ('{"t": "resume", "chat": 12345678901234567890, "key": "bbbbbbbbbbbbbbbbbbbb"}', "bad_field"),
        ('{"t": "resume", "chat": "../../etc/passwd/xxxx", "key": "bbbbbbbbbbbbbbbbbbbb"}', "bad_field"),
        ('{"t": "resume_code"}', "bad_field"),
        ('{"t": "resume_code", "code": ["sol", "hatt"]}', "bad_field"),
        ('{"t": "start", "jour": 5}', "bad_field"),
        ('{"t": "start", "any": "yes"}', "bad_field"),
        ('{"t": "start", "any": 1}', "bad_field"),
        ('{"t": "start", "session": "short"}', "bad_field"),
        ('{"t": "start", "session": 1234567890123456789}', "bad_field"),
    ],
)
def test_a_bad_frame_gets_its_error_code_and_the_socket_lives(raw: str, code: str) -> None:
    async def scenario() -> None:
        her = await her_socket()
        await her.send_raw(raw)
        await expect_error(her, code)
        await assert_alive(her)
        await her.close()

    run(scenario)


def test_a_too_long_return_code_is_a_bad_field() -> None:
    async def scenario() -> None:
        her = await her_socket()
        await her.send(t="resume_code", code="sol " * 60)
        await expect_error(her, "bad_field")
        await assert_alive(her)
        await her.close()

    run(scenario)


def test_a_binary_frame_is_not_text() -> None:
    async def scenario() -> None:
        her = await her_socket()
        await her.communicator.send_input({"type": "websocket.receive", "bytes": b'{"t": "ping"}'})
        await expect_error(her, "not_text")
        await assert_alive(her)
        await her.close()

    run(scenario)


def test_start_at_a_jour_without_chat_or_unknown_is_refused(sample_jourer: Any) -> None:
    async def scenario() -> None:
        for slug in ("malmo", "norrsken", "no-such-jour"):
            her = await her_socket()
            await her.send(t="start", jour=slug)
            assert await her.receive() == {"t": "refused", "code": "no_such_jour", "minutes": 0}
            await assert_alive(her)
            await her.close()
        assert not await database_sync_to_async(Chat.objects.exists)()

    run(scenario)


def test_start_twice_on_one_socket_is_refused(sample_jourer: Any) -> None:
    async def scenario() -> None:
        her = await her_socket()
        await started_chat(her)
        await her.send(t="start", jour="stockholm")
        await her.expect("error", code="already_in_chat")
        await assert_alive(her)
        assert await database_sync_to_async(Chat.objects.count)() == 1
        await her.close()

    run(scenario)


# --- Malformed relayed frames in a chat ---------------------------------------------------


BAD_MESSAGES: list[dict[str, Any]] = [
    {"t": "msg", "seq": "1", "leg": "h1", "body": "hej"},
    {"t": "msg", "seq": True, "leg": "h1", "body": "hej"},
    {"t": "msg", "seq": -1, "leg": "h1", "body": "hej"},
    {"t": "msg", "seq": 0, "leg": "h1", "body": "hej"},
    {"t": "msg", "seq": 1.5, "leg": "h1", "body": "hej"},
    {"t": "msg", "seq": 2**31 + 1, "leg": "h1", "body": "hej"},
    {"t": "msg", "leg": "h1", "body": "hej"},
    {"t": "msg", "seq": 1, "body": "hej"},
    {"t": "msg", "seq": 1, "leg": "h 1", "body": "hej"},
    {"t": "msg", "seq": 1, "leg": "x" * 33, "body": "hej"},
    {"t": "msg", "seq": 1, "leg": "h1"},
    {"t": "msg", "seq": 1, "leg": "h1", "body": "   "},
    {"t": "msg", "seq": 1, "leg": "h1", "body": 5},
    {"t": "msg", "seq": 1, "leg": "h1", "body": {"text": "hej"}},
]
BAD_OTHERS: list[dict[str, Any]] = [
    {"t": "ack", "seq": "1", "leg": "s1"},
    {"t": "ack", "seq": False, "leg": "s1"},
    {"t": "ack", "seq": -1, "leg": "s1"},
    {"t": "ack", "seq": 1},
    {"t": "ack", "seq": 1, "leg": ""},
    {"t": "leg", "leg": "h2", "from": 0},
    {"t": "leg", "leg": "h2", "from": "1"},
    {"t": "leg", "leg": "h2"},
    {"t": "leg", "from": 1},
]


async def next_error(socket: Socket) -> dict[str, Any]:
    """The next error frame (skipping queue, peer and state updates)."""
    return await socket.expect("error")


def test_relayed_frames_with_a_bad_field_are_refused_and_never_relayed(staff: Staff) -> None:
    cookie = session_cookie(staff.kvinna_a)

    async def scenario() -> None:
        her, console, chat_id = await answered_chat(staff, cookie)
        # A second chat for Kvinna A (room for two): her message burst is ten per socket.
        other = await her_socket()
        other_id = await started_chat(other)
        await expect_each(other, "assigned", "peer")

        halves = [(her, BAD_MESSAGES[:7] + BAD_OTHERS), (other, BAD_MESSAGES[7:])]
        for socket, bad in halves:
            for frame in bad:
                await socket.send_raw(json.dumps(frame))
                error = await next_error(socket)
                assert error == {"t": "error", "code": "bad_field"}, (frame, error)
            await assert_alive(socket)
        # Good messages still go through, and none of the bad ones reached the console.
        await her.send(t="msg", seq=1, leg="h1", body="hej")
        await other.send(t="msg", seq=1, leg="o1", body="hallå")
        relayed = [f for f in await drain(console) if f["t"] not in ("state", "chat", "peer", "pong")]
        assert sorted(relayed, key=lambda f: f["leg"]) == [
            {"t": "msg", "seq": 1, "leg": "h1", "body": "hej", "chat": chat_id},
            {"t": "msg", "seq": 1, "leg": "o1", "body": "hallå", "chat": other_id},
        ]
        for socket in (her, other, console):
            await socket.close()

    run(scenario)


async def _next_relayed(console: Socket) -> dict[str, Any]:
    """The next frame on the console that is not a state refresh, a peer or a pong."""
    while True:
        frame = await console.receive()
        if frame["t"] not in ("state", "chat", "peer", "pong"):
            return frame


# --- Rate limits ----------------------------------------------------------------------------


def test_more_than_ten_messages_at_once_are_slowed_down(staff: Staff) -> None:
    cookie = session_cookie(staff.kvinna_a)

    async def scenario() -> None:
        her, console, _chat_id = await answered_chat(staff, cookie)
        for seq in range(1, 11):
            await her.send(t="msg", seq=seq, leg="h1", body=f"meddelande {seq}")
        await her.send(t="msg", seq=11, leg="h1", body="ett för mycket")
        await her.expect("error", code="slow_down")
        got = [f for f in await drain(console) if f["t"] == "msg"]
        # The eleventh was dropped, not relayed late.
        assert [f["seq"] for f in got] == list(range(1, 11))

        # One per second after the burst.
        await asyncio.sleep(1.1)
        await her.send(t="msg", seq=11, leg="h1", body="nu går det")
        assert (await _next_relayed(console))["seq"] == 11
        await assert_alive(her)
        await her.close()
        await console.close()

    run(scenario)


def test_typing_above_its_limit_is_dropped_silently(staff: Staff) -> None:
    cookie = session_cookie(staff.kvinna_a)

    async def scenario() -> None:
        her, console, chat_id = await answered_chat(staff, cookie)
        for _ in range(8):
            await her.send(t="typing")
        # No error frame to her: the next thing she hears is the pong.
        await assert_alive(her)
        got = [f for f in await drain(console) if f["t"] not in ("state", "chat", "peer")]
        assert got == [{"t": "typing", "chat": chat_id}] * 3
        await her.close()
        await console.close()

    run(scenario)


def test_control_frames_are_rate_limited(sample_jourer: Any) -> None:
    async def scenario() -> None:
        her = await her_socket()
        codes = []
        for _ in range(7):
            await her.send(t="resume", chat="a" * 20, key="b" * 20)
            frame = await her.receive()
            codes.append(frame["code"])
        assert codes[:5] == ["no_such_chat"] * 5
        assert codes[5:] == ["slow_down", "slow_down"]
        await assert_alive(her)
        await her.close()

    run(scenario)


def test_the_console_has_its_own_rate_limit(staff: Staff) -> None:
    cookie = session_cookie(staff.kvinna_a)

    async def scenario() -> None:
        ok, console = await console_socket(cookie)
        assert ok
        await console.expect("state")
        answers: list[dict[str, Any]] = []
        for _ in range(40):
            await console.send(t="ping")
        while len(answers) < 40:
            frame = await console.receive()
            if frame["t"] != "state":
                answers.append(frame)
        # A burst of 30, then five a second: the tokens refilled while the first were
        # answered may let a few more through, never all.
        assert answers[:30] == [{"t": "pong"}] * 30
        assert {"t": "error", "code": "slow_down"} in answers[30:]
        assert set(map(json.dumps, answers)) == {'{"t": "pong"}', '{"t": "error", "code": "slow_down"}'}
        await console.close()

    run(scenario)


# --- Bad console frames ---------------------------------------------------------------------


BAD_CONSOLE_FRAMES: list[tuple[dict[str, Any], str]] = [
    ({"t": "hello"}, "unknown_type"),
    ({"t": "start", "jour": "stockholm"}, "unknown_type"),
    ({"t": "resume_code", "code": "sol"}, "unknown_type"),
    ({"t": "any_jour"}, "unknown_type"),
    ({"t": "msg", "seq": 1, "leg": "s1", "body": "hej"}, "bad_field"),
    ({"t": "msg", "chat": "a" * 20, "seq": 1, "leg": "s1", "body": "hej"}, "not_yours"),
    ({"t": "presence", "jour": "1", "available": True}, "bad_field"),
    ({"t": "presence", "jour": 0, "available": True}, "bad_field"),
    ({"t": "presence", "available": True}, "bad_field"),
    ({"t": "presence", "jour": 1, "available": "yes"}, "bad_field"),
    ({"t": "take", "chat": "../x"}, "bad_field"),
    ({"t": "take", "chat": 5}, "bad_field"),
    ({"t": "end"}, "bad_field"),
    ({"t": "block", "chat": "a" * 20, "minutes": 0}, "bad_field"),
    ({"t": "block", "chat": "a" * 20, "minutes": 24 * 60 + 1}, "bad_field"),
    ({"t": "block", "chat": "a" * 20, "minutes": "5"}, "bad_field"),
    ({"t": "transfer", "chat": "a" * 20, "to_user": "2"}, "bad_field"),
    ({"t": "transfer", "chat": "a" * 20, "to_jour": -1}, "bad_field"),
    ({"t": "transfer", "chat": "a" * 20, "to_jour": 1, "note": 5}, "bad_field"),
]


def test_bad_console_frames_get_their_errors_and_the_console_lives(staff: Staff) -> None:
    cookie = session_cookie(staff.kvinna_a)

    async def scenario() -> None:
        ok, console = await console_socket(cookie)
        assert ok
        await console.expect("state")
        await console.send_raw("{nope")
        assert (await next_error(console))["code"] == "not_json"
        await console.communicator.send_input({"type": "websocket.receive", "bytes": b"{}"})
        assert (await next_error(console))["code"] == "not_text"
        await console.send_raw(json.dumps({"t": "ping", "pad": "x" * 5000}))
        assert (await next_error(console))["code"] == "too_large"
        for frame, code in BAD_CONSOLE_FRAMES:
            await console.send_raw(json.dumps(frame))
            error = await next_error(console)
            assert error["code"] == code, (frame, error)
        await console.send(t="ping")
        await console.expect("pong")
        # None of them did anything.
        assert not await database_sync_to_async(AgentPresence.objects.exists)()
        await console.close()

    run(scenario)


# --- Origin and cookies at the handshake ------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        [(b"origin", b"http://evil.example")],
        [(b"origin", b"https://testserver.evil.example")],
        [(b"origin", b"null")],
        [],
    ],
    ids=["evil", "lookalike", "null", "none"],
)
def test_her_socket_without_an_allowed_origin_is_refused(headers: list[tuple[bytes, bytes]]) -> None:
    async def scenario() -> None:
        communicator = WebsocketCommunicator(application, "/ws/chatt/", headers=headers)
        connected, _code = await communicator.connect()
        assert connected is False
        # The same socket with the page's own origin is accepted.
        good = WebsocketCommunicator(application, "/ws/chatt/", headers=[ORIGIN])
        assert (await good.connect())[0] is True
        await good.disconnect()

    run(scenario)


def test_the_console_without_an_allowed_origin_is_refused_even_with_a_session(staff: Staff) -> None:
    cookie = session_cookie(staff.kvinna_a)

    async def scenario() -> None:
        communicator = WebsocketCommunicator(
            application,
            "/ws/personal/chatt/",
            headers=[(b"origin", b"http://evil.example"), (b"cookie", cookie)],
        )
        connected, _code = await communicator.connect()
        assert connected is False

    run(scenario)


def test_her_socket_reads_no_cookie(staff: Staff) -> None:
    cookie = session_cookie(staff.kvinna_a)

    async def scenario() -> None:
        communicator = WebsocketCommunicator(application, "/ws/chatt/", headers=[ORIGIN, (b"cookie", cookie)])
        connected, _ = await communicator.connect()
        assert connected
        her = Socket(communicator)
        # A staff session does not make her socket a console.
        for frame in (
            {"t": "presence", "jour": staff.jour_a.pk, "available": True},
            {"t": "take"},
            {"t": "state"},
        ):
            await her.send(**frame)
            await expect_error(her, "unknown_type")
        await assert_alive(her)
        await her.close()
        assert not await database_sync_to_async(AgentPresence.objects.exists)()

    run(scenario)
