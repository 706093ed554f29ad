"""The ``key`` frame of the chat's end-to-end encryption (docs/chat-encryption.md): relayed
between her page and the console like ``leg``, its fields checked, nothing else; her key
frames beyond their rate limit are dropped, not answered."""

from __future__ import annotations

import pytest

from tests.chat_helpers import answered_chat, drain, her_socket, run, session_cookie
from tests.conftest import Staff

pytestmark = pytest.mark.django_db(transaction=True)

# A P-256 public key, raw and uncompressed (65 bytes), in base64url: 87 characters.
PUB = "BH" + "A" * 85
X25519 = "q" * 43


def test_keys_are_relayed_both_ways(staff: Staff) -> None:
    cookie = session_cookie(staff.kvinna_a)

    async def scenario() -> None:
        her, console, chat = await answered_chat(staff, cookie)
        await her.send(t="key", leg="herleg", pub=PUB)
        assert await console.expect("key") == {"t": "key", "leg": "herleg", "pub": PUB, "chat": chat}
        await console.send(t="key", chat=chat, leg="staffleg", pub=X25519)
        assert await her.expect("key") == {"t": "key", "leg": "staffleg", "pub": X25519}
        # Only the fields of a key frame go on.
        await her.send(t="key", leg="herleg", pub=PUB, body="något annat")
        assert "body" not in await console.expect("key")
        await her.close()
        await console.close()

    run(scenario)


@pytest.mark.parametrize(
    "fields",
    [
        {"leg": "herleg"},
        {"leg": "herleg", "pub": 12345},
        {"leg": "herleg", "pub": "kort"},
        {"leg": "herleg", "pub": "A" * 133},
        {"leg": "herleg", "pub": "B+" + "A" * 85},  # base64, not base64url
        {"leg": "herleg", "pub": PUB + "\n"},
        {"leg": "her leg", "pub": PUB},
        {"pub": PUB},
    ],
)
def test_a_bad_key_frame_is_refused(staff: Staff, fields: dict[str, object]) -> None:
    cookie = session_cookie(staff.kvinna_a)

    async def scenario() -> None:
        her, console, chat = await answered_chat(staff, cookie)
        await her.send(t="key", **fields)
        assert (await her.expect("error"))["code"] == "bad_field"
        await console.send(t="key", chat=chat, **fields)
        assert (await console.expect("error"))["code"] == "bad_field"
        assert not [f for f in await drain(console) if f["t"] == "key"]
        await her.close()
        await console.close()

    run(scenario)


def test_keys_only_within_her_chat(staff: Staff) -> None:
    cookie = session_cookie(staff.kvinna_a)

    async def scenario() -> None:
        lone = await her_socket()
        await lone.send(t="key", leg="herleg", pub=PUB)
        assert (await lone.expect("error"))["code"] == "no_chat"
        her, console, _chat = await answered_chat(staff, cookie)
        await console.send(t="key", chat="x" * 22, leg="staffleg", pub=PUB)
        assert (await console.expect("error"))["code"] == "not_yours"
        for socket in (lone, her, console):
            await socket.close()

    run(scenario)


def test_her_key_frames_have_a_rate_limit(staff: Staff) -> None:
    cookie = session_cookie(staff.kvinna_a)

    async def scenario() -> None:
        her, console, _chat = await answered_chat(staff, cookie)
        await drain(console)
        for i in range(30):
            await her.send(t="key", leg=f"leg{i}", pub=PUB)
        keys = [f for f in await drain(console) if f["t"] == "key"]
        assert 10 <= len(keys) <= 12, len(keys)
        # Dropped quietly: no error for her page to show.
        assert not [f for f in await drain(her) if f["t"] == "error"]
        await her.close()
        await console.close()

    run(scenario)
