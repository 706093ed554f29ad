"""No input breaks the live path: every malformed value of every field of every frame, on
both sockets, gets an error frame (never ``server``), does nothing, and the socket lives on.

One table (``FRAMES``) lists each frame type with its fields; the bad values come from
each field's kind. Tests below fail when a frame type the consumers allow, or a field they
read, has no row here. Runs on PostgreSQL too (with ``DATABASE_URL``): a NUL byte once
reached it and raised a DataError.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from fristad.chat import consumers
from fristad.chat.models import AgentPresence, Chat, ChatBlock, ChatStatus
from fristad.chat.protocol import MAX_FRAME_BYTES, MAX_SEQ, TokenBucket
from tests.chat_helpers import Socket, answered_chat, console_socket, her_socket, run, session_cookie
from tests.conftest import Staff

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    required: bool = True


# --- The table: every frame type of each socket, with its fields -------------------------------

RELAYED_FIELDS = {
    "msg": [Field("seq", "seq1"), Field("leg", "leg"), Field("body", "body")],
    "ack": [Field("seq", "seq0"), Field("leg", "leg")],
    "leg": [Field("leg", "leg"), Field("from", "seq1")],
    "key": [Field("leg", "leg"), Field("pub", "pub")],
    "typing": [],
}
FRAMES: dict[str, dict[str, list[Field]]] = {
    "her": {
        "start": [
            Field("jour", "slug", False),
            Field("any", "flag", False),
            Field("session", "token", False),
        ],
        "resume": [Field("chat", "token"), Field("key", "token")],
        "resume_code": [Field("code", "code")],
        **RELAYED_FIELDS,
        "any_jour": [],
        "code": [],
        "end": [],
        "ping": [],
    },
    "console": {
        "presence": [Field("jour", "id"), Field("available", "flag", False)],
        "take": [Field("chat", "token", False)],
        **{t: [Field("chat", "token"), *fields] for t, fields in RELAYED_FIELDS.items()},
        "end": [Field("chat", "token")],
        "transfer": [
            Field("chat", "token"),
            Field("to_user", "id", False),
            Field("to_jour", "id", False),
            Field("note", "note", False),
        ],
        "block": [Field("chat", "token"), Field("minutes", "minutes")],
        "ping": [],
        "state": [],
    },
}
ALLOWED = {"her": consumers.HER_FRAMES, "console": consumers.CONSOLE_FRAMES}
# Frames her socket acts on only before she is in a chat; the others need one.
BEFORE_A_CHAT = {"start", "resume", "resume_code"}

MISSING = object()


class Raw(str):
    """A JSON token written as it is (``1e400``: json.dumps would write ``Infinity``)."""


NUL = "sol\x00hatt"
NULS = [NUL, "\x00", "\ud800", "x\udfffy", "\udc00\ud800"]
NESTED: Any = [[[[[[[[[[[[[[[[[[[[["djup"]]]]]]]]]]]]]]]]]]]]]
NOT_TEXT = [5, 1.5, True, False, [], {}, ["a"], {"a": "b"}, NESTED]
NOT_INT = [
    "1",
    "",
    1.5,
    True,
    False,
    -1,
    10**30,
    Raw("1e400"),
    Raw("-1e400"),
    Raw("9" * 3000),
    [],
    {},
    NESTED,
]


def bad_values(kind: str, required: bool) -> list[Any]:
    """The malformed values of a field of that kind (never one the consumer would accept)."""
    absent = [MISSING, None] if required else []
    if kind == "token":
        empty = [""] if required else []
        return [
            *absent,
            *empty,
            *NULS,
            *NOT_TEXT,
            "short",
            "a" * 65,
            "a" * 20 + "\n",
            "a" * 19 + "/",
            "å" * 20,
        ]
    if kind == "leg":
        return [*absent, "", *NULS, *NOT_TEXT, "h 1", "x" * 33, "h1\n", "h/1"]
    if kind == "pub":
        return [*absent, "", *NULS, *NOT_TEXT, "a" * 42, "a" * 133, "a" * 87 + "\n", "+" * 87, "a" * 86 + "="]
    if kind == "body":
        return [*absent, "", "   ", "\n", *NULS, *NOT_TEXT]
    if kind in ("slug", "note"):
        # Optional free text: absent and empty are valid, anything that is not a string is not.
        return [*NULS, *NOT_TEXT]
    if kind == "code":
        # An empty or unknown code is a refusal (no_such_code), not a bad frame.
        return [*absent, *NULS, *NOT_TEXT, "sol " * 60]
    if kind == "flag":
        return [None, *NULS, "yes", "true", 1, 0, [], {}, NESTED]
    low, high = {"seq0": (0, MAX_SEQ), "seq1": (1, MAX_SEQ), "id": (1, MAX_SEQ)}.get(
        kind, (1, settings.CHAT_BLOCK_MAX_MINUTES)
    )
    if kind == "id" and not required:
        absent = []  # null means "not given" (transfer: to_user or to_jour)
    return [*absent, *NULS, *NOT_INT, low - 1, high + 1]


def encode(frame: dict[str, Any]) -> str:
    """The frame as JSON text, NULs and lone surrogates as JSON escapes (as a script would)."""
    raws: dict[str, str] = {}
    for key, value in frame.items():
        if isinstance(value, Raw):
            raws[key] = str(value)
            frame = {**frame, key: f"@raw:{key}@"}
    text = json.dumps(frame)
    for key, token in raws.items():
        text = text.replace(json.dumps(f"@raw:{key}@"), token)
    return text


def cases(side: str, t: str, base: dict[str, Any]) -> Iterator[tuple[str, str, set[str]]]:
    """(what, JSON text, the error codes it may get) for every bad value of every field."""
    for field in FRAMES[side][t]:
        for value in bad_values(field.kind, field.required):
            frame = {"t": t, **base}
            if value is MISSING:
                frame.pop(field.name, None)
            else:
                frame[field.name] = value
            is_nul = isinstance(value, str) and (
                "\x00" in value or any(0xD800 <= ord(c) <= 0xDFFF for c in value)
            )
            yield f"{field.name}={value!r:.40}", encode(frame), {"bad_text"} if is_nul else {"bad_field"}
    # Junk beside the fields: a NUL or a lone surrogate anywhere (a key, a list, an object).
    for junk in ({"x": NUL}, {"\x00": 1}, {"x": ["\ud800"]}, {"x": {"y": "\udfff"}}, {"x\udc00": 1}):
        yield f"junk {junk!r}", json.dumps({"t": t, **base, **junk}), {"bad_text"}


# 2,040 levels of arrays: as deep as 4 KB allows. Python 3.11 and 3.12's json refuses it
# (RecursionError, so not_json); 3.13's parser is bounded by the C stack instead and reads
# it, an array, so no_type. Either way it is refused before a handler sees it.
DEEP = "[" * 2040 + "]" * 2040


def _json_refuses(text: str) -> bool:
    try:
        json.loads(text)
    except RecursionError:
        return True
    return False


# Frames whose text alone is wrong, on either socket: (what, text or bytes, error code).
HEAD = '{"t":"ping","pad":"'
EXACT = HEAD + "x" * (MAX_FRAME_BYTES - len(HEAD) - 2) + '"}'
WHOLE_FRAMES: list[tuple[str, str | bytes, str]] = [
    ("one byte over the limit", HEAD + "x" * (MAX_FRAME_BYTES - len(HEAD) - 1) + '"}', "too_large"),
    (
        "over the limit in UTF-8 bytes",
        json.dumps({"t": "ping", "pad": "å" * 2100}, ensure_ascii=False),
        "too_large",
    ),
    ("a binary frame", b'{"t": "ping"}', "not_text"),
    ("a binary frame that is not UTF-8", b"\xff\xfe\x00", "not_text"),
    ("empty", "", "not_json"),
    ("not JSON", "{nope", "not_json"),
    ("two objects", '{"t":"ping"} {"t":"ping"}', "not_json"),
    ("a raw control character", '{"t":"ping","x":"a\x00b"}', "not_json"),
    ("nested 2,040 deep", DEEP, "not_json" if _json_refuses(DEEP) else "no_type"),
    ("nested objects within the parser's depth", '{"a":' * 600 + "1" + "}" * 600, "no_type"),
    ("an array", '["t", "ping"]', "no_type"),
    ("a number", "42", "no_type"),
    ("a huge number", "1e400", "no_type"),
    ("a string", '"ping"', "no_type"),
    ("null", "null", "no_type"),
    ("true", "true", "no_type"),
    ("nested arrays within the parser's depth", "[" * 500 + "]" * 500, "no_type"),
    ("no type", '{"type": "ping"}', "no_type"),
    ("a number as type", '{"t": 5}', "no_type"),
    ("an empty type", '{"t": ""}', "unknown_type"),
    ("an unknown type", '{"t": "hello"}', "unknown_type"),
    ("a type with NUL", '{"t": "ping\\u0000"}', "bad_text"),
    ("a type that is a lone surrogate", '{"t": "\\ud800"}', "bad_text"),
]

NOISE = {"queue", "state", "peer", "chat", "assigned", "pong"}


@pytest.fixture(autouse=True)
def no_rate_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hundreds of frames in a row: the rate limits (tested on their own) would answer first."""
    monkeypatch.setattr(TokenBucket, "take", lambda self: True)


@pytest.fixture(autouse=True)
def no_errors_logged(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """A consumer that fails logs it: none may, on any of these frames."""
    yield
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not failures, [r.getMessage() for r in failures]


async def answer_of(socket: Socket) -> dict[str, Any]:
    """The next frame that answers a frame (skipping queue, state and presence updates)."""
    while True:
        frame = await socket.receive(timeout=3)
        if frame["t"] not in NOISE:
            return frame


async def assert_alive(socket: Socket) -> None:
    await socket.send(t="ping")
    await socket.expect("pong", timeout=3)


async def send_each(socket: Socket, side: str, t: str, base: dict[str, Any]) -> list[str]:
    """Send every bad case; the problems found (an empty list when all is well)."""
    problems = []
    for what, text, codes in cases(side, t, base):
        await socket.send_raw(text)
        frame = await answer_of(socket)
        if frame["t"] != "error" or frame["code"] not in codes:
            problems.append(f"{t} {what}: {frame} (wanted error {codes})")
        await assert_alive(socket)
    return problems


# --- Derived from the code: nothing is forgotten --------------------------------------------------


def test_every_frame_type_the_consumers_allow_has_a_row() -> None:
    for side, allowed in ALLOWED.items():
        assert set(FRAMES[side]) == set(allowed), f"{side}: add a row for each frame type to FRAMES"


def test_every_field_the_consumers_read_has_a_row() -> None:
    # The consumers are a package (her.py, console.py, _base.py): every module of it.
    source = "".join(path.read_text() for path in sorted(Path(consumers.__file__).parent.glob("*.py")))
    read = set(re.findall(r'frame\.(?:text|number|flag)\(\s*"(\w+)"', source))
    read |= set(re.findall(r'frame\.data\.get\(\s*"(\w+)"', source))
    assert read, "the consumers read their fields differently now: update this test"
    in_table = {f.name for frames in FRAMES.values() for fields in frames.values() for f in fields}
    assert read <= in_table, f"fields without a row in FRAMES: {sorted(read - in_table)}"


def test_every_kind_has_bad_values() -> None:
    for frames in FRAMES.values():
        for fields in frames.values():
            for field in fields:
                assert bad_values(field.kind, field.required), field


# --- Her socket -------------------------------------------------------------------------------


@pytest.mark.parametrize("t", sorted(BEFORE_A_CHAT))
def test_her_frames_before_a_chat(sample_jourer: Any, t: str) -> None:
    base = {
        "start": {"jour": "stockholm", "any": False, "session": "s" * 24},
        "resume": {"chat": "a" * 20, "key": "b" * 20},
        "resume_code": {"code": "sol hatt"},
    }[t]

    async def scenario() -> list[str]:
        her = await her_socket()
        problems = await send_each(her, "her", t, base)
        await her.close()
        return problems

    assert run(scenario) == []
    assert not Chat.objects.exists()


@pytest.mark.parametrize("t", sorted(set(FRAMES["her"]) - BEFORE_A_CHAT))
def test_her_frames_in_a_chat(staff: Staff, t: str) -> None:
    cookie = session_cookie(staff.kvinna_a)
    base: dict[str, Any] = {
        "msg": {"seq": 1, "leg": "h1", "body": "hej"},
        "ack": {"seq": 1, "leg": "s1"},
        "leg": {"leg": "h1", "from": 1},
        "key": {"leg": "h1", "pub": "a" * 87},
    }.get(t, {})

    async def scenario() -> list[str]:
        her, console, chat_id = await answered_chat(staff, cookie)
        problems = await send_each(her, "her", t, base)
        # Nothing reached the jourkvinna, and her console lives too.
        await assert_alive(console)
        heard = []
        while not await console.nothing(timeout=0.3):
            heard.append(await console.receive())
        problems += [f"relayed: {f}" for f in heard if f["t"] in consumers.RELAYED]
        await her.send(t="msg", seq=1, leg="h1", body="fortfarande här")
        got = await console.expect("msg")
        assert got["body"] == "fortfarande här" and got["chat"] == chat_id
        for socket in (her, console):
            await socket.close()
        return problems

    assert run(scenario) == []
    chat = Chat.objects.get()
    assert chat.status == ChatStatus.ACTIVE and chat.agent_id == staff.kvinna_a.pk


# --- The console ------------------------------------------------------------------------------


@pytest.mark.parametrize("t", sorted(FRAMES["console"]))
def test_console_frames(staff: Staff, t: str) -> None:
    cookie = session_cookie(staff.kvinna_a)
    not_hers = "z" * 20

    async def scenario() -> list[str]:
        her, console, chat_id = await answered_chat(staff, cookie)
        base: dict[str, Any] = {
            "presence": {"jour": staff.jour_a.pk, "available": True},
            "take": {},
            "msg": {"chat": chat_id, "seq": 1, "leg": "s1", "body": "hej"},
            "ack": {"chat": chat_id, "seq": 1, "leg": "h1"},
            "leg": {"chat": chat_id, "leg": "s1", "from": 1},
            "key": {"chat": chat_id, "leg": "s1", "pub": "a" * 87},
            "typing": {"chat": chat_id},
            # Another chat's id: a frame that got through would be refused, not act.
            "end": {"chat": not_hers},
            "transfer": {"chat": not_hers, "to_jour": staff.jour_a.pk, "note": "till er"},
            "block": {"chat": not_hers, "minutes": 5},
        }.get(t, {})
        problems = await send_each(console, "console", t, base)
        await assert_alive(her)
        heard = []
        while not await her.nothing(timeout=0.3):
            heard.append(await her.receive())
        problems += [f"relayed or told: {f}" for f in heard if f["t"] not in ("queue", "pong")]
        await console.send(t="msg", chat=chat_id, seq=1, leg="s1", body="fortfarande här")
        assert (await her.expect("msg"))["body"] == "fortfarande här"
        for socket in (her, console):
            await socket.close()
        return problems

    assert run(scenario) == []
    chat = Chat.objects.get()
    assert chat.status == ChatStatus.ACTIVE and chat.agent_id == staff.kvinna_a.pk and chat.note == ""
    presence = AgentPresence.objects.get()
    assert presence.status == "available" and presence.jour_id == staff.jour_a.pk
    assert not ChatBlock.objects.exists()


# --- Whole frames, on both sockets ----------------------------------------------------------------


@pytest.mark.parametrize("side", ["her", "console"])
def test_whole_frames_that_are_wrong(staff: Staff, side: str) -> None:
    cookie = session_cookie(staff.kvinna_a)

    async def scenario() -> list[str]:
        if side == "her":
            socket = await her_socket()
        else:
            ok, socket = await console_socket(cookie)
            assert ok
            await socket.expect("state")
        problems = []
        await socket.send_raw(EXACT)
        await socket.expect("pong", timeout=3)  # a frame of exactly the limit is taken
        for what, text, code in WHOLE_FRAMES:
            if isinstance(text, bytes):
                await socket.communicator.send_input({"type": "websocket.receive", "bytes": text})
            else:
                await socket.send_raw(text)
            frame = await answer_of(socket)
            if frame != {"t": "error", "code": code}:
                problems.append(f"{what}: {frame} (wanted {code})")
            await assert_alive(socket)
        await socket.close()
        return problems

    assert run(scenario) == []
    assert not Chat.objects.exists()


def test_the_size_limit_cases_are_what_they_say() -> None:
    assert len(EXACT.encode()) == MAX_FRAME_BYTES
    over = dict((what, text) for what, text, _code in WHOLE_FRAMES)
    for what in ("one byte over the limit", "over the limit in UTF-8 bytes"):
        text = over[what]
        assert isinstance(text, str) and len(text.encode()) > MAX_FRAME_BYTES
    assert len(over["one byte over the limit"].encode()) == MAX_FRAME_BYTES + 1
