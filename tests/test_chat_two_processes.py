"""Two server processes sharing PostgreSQL and Redis: her socket on one, the
jourkvinna's console on the other, and the chat works across them.

Runs on CI against the real services (marked ``services``); without them it skips.
Also checks that neither server printed a client address.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from tests.conftest import Staff
from tests.test_settings_and_services import need

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def two_servers(tmp_path: Path) -> Iterator[list[tuple[int, Path]]]:
    need("DATABASE_URL")
    need("REDIS_URL")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://{}@{}:{}/{}".format(
            db["USER"], db["HOST"] or "127.0.0.1", db["PORT"] or 5432, db["NAME"]
        ),
        "CHANNEL_PREFIX": f"two-{uuid.uuid4().hex[:8]}",
        "DJANGO_SETTINGS_MODULE": "fristad.settings",
        "FRISTAD_VAR_DIR": str(tmp_path),
        # The same key as the test's, so the servers accept the session it signed.
        "SECRET_KEY": settings.SECRET_KEY,
    }
    servers: list[tuple[subprocess.Popen[bytes], int, Path]] = []
    for n in range(2):
        port = free_port()
        log = tmp_path / f"server{n}.log"
        process = subprocess.Popen(
            [str(BIN / "fristad"), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        servers.append((process, port, log))
    try:
        for _process, port, _log in servers:
            deadline = time.monotonic() + 30
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
        os.environ["_TWO_PREFIX"] = env["CHANNEL_PREFIX"]
        yield [(port, log) for _process, port, log in servers]
    finally:
        for process, _port, _log in servers:
            process.terminate()
            process.wait(timeout=10)


async def _expect(ws: Any, t: str, timeout: float = 5, **fields: Any) -> dict[str, Any]:
    seen: list[Any] = []
    async with asyncio.timeout(timeout):
        while True:
            frame: dict[str, Any] = json.loads(await ws.recv())
            seen.append(frame)
            if frame["t"] == t and all(frame.get(k) == v for k, v in fields.items()):
                return frame


def test_her_on_one_server_the_jourkvinna_on_the_other(
    staff: Staff, two_servers: list[tuple[int, Path]]
) -> None:
    from websockets.asyncio.client import connect
    from websockets.typing import Origin

    client = Client()
    client.force_login(staff.kvinna_a)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    (her_port, _), (console_port, _) = two_servers
    canary = f"tva-processer-{uuid.uuid4().hex}"

    async def scenario() -> None:
        console_url = f"ws://127.0.0.1:{console_port}/ws/personal/chatt/"
        her_url = f"ws://127.0.0.1:{her_port}/ws/chatt/"
        async with connect(
            console_url,
            origin=Origin(f"http://127.0.0.1:{console_port}"),
            additional_headers={"Cookie": cookie},
        ) as console:
            await _expect(console, "state")
            await console.send(json.dumps({"t": "presence", "jour": staff.jour_a.pk, "available": True}))
            await _expect(console, "state", available=True)
            async with connect(her_url, origin=f"http://127.0.0.1:{her_port}") as her:  # type: ignore[arg-type]
                await her.send(json.dumps({"t": "start", "jour": "stockholm"}))
                chat = (await _expect(her, "started"))["chat"]
                await _expect(her, "assigned")
                await her.send(json.dumps({"t": "leg", "leg": "h", "from": 1}))
                await her.send(json.dumps({"t": "msg", "seq": 1, "leg": "h", "body": canary}))
                got = await _expect(console, "msg")
                assert got["body"] == canary and got["chat"] == chat
                await console.send(
                    json.dumps({"t": "msg", "chat": chat, "seq": 1, "leg": "s", "body": "svar"})
                )
                assert (await _expect(her, "msg"))["body"] == "svar"
                await console.send(json.dumps({"t": "end", "chat": chat}))
                assert (await _expect(her, "ended"))["by"] == "staff"

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, scenario()).result(timeout=60)

    # Both servers logged nothing that names the client: no address, no message.
    for _port, log in two_servers:
        text = log.read_text(errors="replace")
        assert "127.0.0.1:" not in text.replace(f"127.0.0.1:{her_port}", "").replace(
            f"127.0.0.1:{console_port}", ""
        ), text
        assert canary not in text
        assert "WebSocket" not in text, text
