"""The canary: a chat with a unique string leaves it nowhere on the server.

Here test clients speak to the real consumers (her socket and a console) and put the
canary in the clear into her messages, the jourkvinna's replies and a handover note: even
a body the server could read is never kept. tests/browser/test_chat_canary_e2e.py runs the
same checks on a chat between her page and the console in Chromium, encrypted end to end
(docs/chat-encryption.md): there the canary must not even be in a frame, on either page's
websocket or at the consumers, so a page that relayed a plaintext body fails it. (It lives
with the other browser tests, so that one Chromium serves them all.)

After each chat the string must not be in any table of the database, any log record (SQL
logged too, so it was never even sent to the database), or Redis (when REDIS_URL is set:
no key or value, and not in any command Redis received, as ``MONITOR`` shows them), and
no key of the chat is left in Redis.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import subprocess
import uuid

import pytest
from django.db import connection
from django.test import override_settings

from fristad.accounts.models import Membership, Role
from tests.chat_helpers import console_socket, her_socket, run, session_cookie
from tests.conftest import Staff, make_staff_user

pytestmark = pytest.mark.django_db(transaction=True)


def database_text() -> str:
    """Every row of every table, as text."""
    parts: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 (table names come from the schema)
            parts.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(parts)


def redis_dump(prefix: str) -> tuple[list[str], bytes]:
    """Every key of the channel layer in Redis, and every value in it."""
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    keys, values = [], b""
    for key in client.scan_iter(match=f"{prefix}*", count=1000):
        keys.append(key.decode())
        kind = client.type(key).decode()
        if kind == "string":
            values += client.get(key) or b""
        elif kind == "list":
            values += b"".join(client.lrange(key, 0, -1))
        elif kind == "zset":
            values += b"".join(member for member, _ in client.zrange(key, 0, -1, withscores=True))
        elif kind == "set":
            values += b"".join(client.smembers(key))
        elif kind == "hash":
            values += b"".join(k + v for k, v in client.hgetall(key).items())
    return keys, values


def redis_monitor() -> subprocess.Popen[bytes]:
    """``redis-cli monitor``: every command Redis receives, arguments included."""
    redis_cli = shutil.which("redis-cli")
    assert redis_cli is not None, "redis-cli is needed to watch what Redis receives"
    monitor = subprocess.Popen([redis_cli, "-u", os.environ["REDIS_URL"], "monitor"], stdout=subprocess.PIPE)
    assert monitor.stdout is not None
    assert monitor.stdout.readline().strip() == b"OK"
    return monitor


@override_settings(DEBUG=True)  # Django logs every SQL statement with its parameters
def test_a_chat_leaves_no_trace(
    staff: Staff, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    canary = f"kanariefagel-{uuid.uuid4().hex}"
    # The handover note is staff text kept in the chat's row while the chat lives (a
    # transferred chat may wait in another jour's queue): it must be gone at the end,
    # but it is written to the database, so it has a canary of its own.
    note_canary = f"anteckning-{uuid.uuid4().hex}"
    colleague, _ = make_staff_user("kollega@staff.test")
    Membership.objects.create(user=colleague, role=Role.JOURKVINNA, jour=staff.jour_a)
    first_cookie, second_cookie = session_cookie(staff.kvinna_a), session_cookie(colleague)
    caplog.set_level(logging.DEBUG)
    for name in ("django", "django.db.backends", "fristad", "channels", "uvicorn"):
        caplog.set_level(logging.DEBUG, logger=name)
    chat_ids: list[str] = []
    # Everything sent to Redis while the chat runs, as Redis itself sees the commands.
    monitor = redis_monitor() if os.environ.get("REDIS_URL") else None

    async def scenario() -> None:
        ok, first = await console_socket(first_cookie)
        ok2, second = await console_socket(second_cookie)
        assert ok and ok2
        await first.send(t="presence", jour=staff.jour_a.pk, available=True)
        await first.expect("state", available=True)
        her = await her_socket()
        await her.send(t="start", jour="stockholm")
        chat = (await her.expect("started"))["chat"]
        chat_ids.append(chat)
        await her.expect("assigned")
        await her.send(t="leg", leg="her1", **{"from": 1})
        await her.send(t="msg", seq=1, leg="her1", body=f"Jag heter {canary} och bor på Storgatan 1")
        assert canary in (await first.expect("msg"))["body"]
        await first.send(t="msg", chat=chat, seq=1, leg="s1", body=f"Hej {canary}, vi hjälper dig")
        assert canary in (await her.expect("msg"))["body"]
        await first.send(t="typing", chat=chat)
        await her.expect("typing")

        # A handover to a colleague with the canary in the note.
        await second.send(t="presence", jour=staff.jour_a.pk, available=True)
        await second.expect("state", available=True)
        await first.send(t="transfer", chat=chat, to_user=colleague.pk, note=f"Om {note_canary}")
        await first.expect("removed", reason="transferred")
        state = await second.expect("state")
        while not state["chats"]:
            state = await second.expect("state")
        assert note_canary in state["chats"][0]["note"]
        await her.send(t="msg", seq=2, leg="her1", body=f"Fortfarande {canary}")
        await her.send(t="leg", leg="her1", **{"from": 2})
        await her.send(t="msg", seq=2, leg="her1", body=f"Fortfarande {canary}")
        assert canary in (await second.expect("msg"))["body"]
        # A frame too large and a malformed one, both quoting the canary: refused, not logged.
        await her.send_raw(canary * 200)
        assert (await her.expect("error"))["code"] == "too_large"
        await her.send_raw("{" + canary)
        assert (await her.expect("error"))["code"] == "not_json"

        await second.send(t="end", chat=chat)
        await her.expect("ended")
        await her.close()
        await first.close()
        await second.close()
        await asyncio.sleep(0.1)

    run(scenario)
    if monitor is not None:
        monitor.terminate()
        seen = monitor.communicate(timeout=10)[0]
        assert b"publish" in seen.lower(), "MONITOR saw no PUBLISH: the check would prove nothing"
        assert canary.encode() not in seen and note_canary.encode() not in seen

    everything = database_text()
    assert chat_ids and canary not in everything and note_canary not in everything
    assert not any(chat_ids[0] in line for line in database_text().splitlines())
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.args!r}" for r in caplog.records)
    assert "SELECT" in logged or "INSERT" in logged, "SQL logging did not run: the check would prove nothing"
    assert canary not in logged
    not_sql = "\n".join(r.getMessage() for r in caplog.records if r.name != "django.db.backends")
    assert note_canary not in not_sql
    out, err = capfd.readouterr()
    assert canary not in out and canary not in err
    if os.environ.get("REDIS_URL"):
        from django.conf import settings

        prefix = settings.CHANNEL_LAYERS["default"]["CONFIG"].get("prefix", "asgi")
        keys, values = redis_dump(prefix)
        assert canary.encode() not in values and note_canary.encode() not in values
        assert not [key for key in keys if chat_ids[0] in key], keys


def assert_nowhere_on_the_server(
    *canaries: str, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    """Not in the database, the logs (SQL included), the process's output."""
    everything = database_text()
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.args!r}" for r in caplog.records)
    assert "SELECT" in logged or "INSERT" in logged, "SQL logging did not run: the check would prove nothing"
    out, err = capfd.readouterr()
    for canary in canaries:
        assert canary not in everything and canary not in logged
        assert canary not in out and canary not in err
