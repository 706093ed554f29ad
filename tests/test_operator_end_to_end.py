"""What a federation's IT volunteer does, end to end, with the production settings.

On a fresh PostgreSQL database and a Redis of its own: migrate, ``check --deploy`` (no
warning), import the jourer, ``bootstrap-national``; two server processes and the worker
start; the national office's invite arrives by SMTP, she chooses a password, sets up
TOTP, signs the tystnadslöfte and invites a coordinator, whose invite arrives by SMTP
too; the coordinator answers a chat whose help-seeker is on the other process; the
worker's purge jobs run on their (short) schedule; ``/readyz`` goes red when Redis stops
and green when it is back. Nothing that names the help-seeker reaches a log.

Runs on CI against the real services (marked ``services``); without them it skips.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest

from tests.conftest import SAMPLE_JOURER, totp_code
from tests.operator_client import SiteClient, csrf_token, input_value
from tests.production_env import BIN, production_env
from tests.smtp_helpers import Inbox, free_port, smtp_server
from tests.test_settings_and_services import REQUIRE, need

pytestmark = [pytest.mark.services]

PASSWORD = "ett-langt-och-tryggt-losenord-2026"
SITE = "https://fristad.test"


def wait_for(what: str, check: Callable[[], Any], timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def port_open(port: int) -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.fixture
def database() -> Iterator[str]:
    """A database of its own: the operator starts from nothing."""
    need("DATABASE_URL")
    url = urlsplit(os.environ["DATABASE_URL"])
    name = f"fristad_e2e_{uuid.uuid4().hex[:8]}"
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Redis:
    port: int
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *(shutil.which("redis-server") or "redis-server", "--port", str(self.port)),
                *("--bind", "127.0.0.1", "--save", "", "--appendonly", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for("redis", lambda: port_open(self.port), timeout=10)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis() -> Iterator[Redis]:
    """A Redis of its own, so the test can stop it without touching anyone else's."""
    need("REDIS_URL")
    if shutil.which("redis-server") is None:
        message = "redis-server is not installed: the test starts and stops a Redis of its own"
        if REQUIRE:
            pytest.fail(message)
        pytest.skip(message)
    server = Redis(free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as served:
        yield served


def fristad(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    result = subprocess.run(
        [str(BIN / "fristad"), *args], env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, f"fristad {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


def mail_to(inbox: Inbox, address: str) -> str:
    """The one link in the latest message to this address."""
    messages = wait_for(
        f"an e-mail to {address}", lambda: [m for m in inbox.received if address in m.recipients]
    )
    links: list[str] = [word for word in messages[-1].body.split() if "://" in word]
    assert len(links) == 1, messages[-1].body
    return links[0]


def accept_invite(port: int, link: str, name: str) -> SiteClient:
    """She opens the e-mailed link, chooses a password, sets up TOTP, signs the promise."""
    assert link.startswith(f"{SITE}/personal/inbjudan/")
    client = SiteClient(port)
    path = urlsplit(link).path
    response = client.submit(path, {"full_name": name, "password1": PASSWORD, "password2": PASSWORD})
    assert response.status == 302, response.body[:2000]
    assert "__Host-session" in client.cookies
    assert all("Secure" in line for line in response.set_cookies)
    # Nothing but the second factor first.
    where, page = client.follow("/personal/")
    assert "/2fa/totp/activate" in where or "/reauthenticate" in where, where
    if "/reauthenticate" in where:
        response = client.submit(where, {"password": PASSWORD})
        assert response.status == 302
        where, page = client.follow(response.headers["location"])
    # The secret as the page shows it beside the QR code (each new GET makes a new one).
    secret = input_value(page.body, "authenticator_secret")
    response = client.request(
        "POST", where, {"code": totp_code(secret), "csrfmiddlewaretoken": csrf_token(page.body)}
    )
    assert response.status == 302, response.body[:2000]
    where, page = client.follow("/personal/")
    if "tystnadslofte" in where:
        response = client.submit(where, {"agree": "on"})
        assert response.status == 302
        where, page = client.follow("/personal/")
    assert where == "/personal/" and page.status == 200, where
    return client


def readyz(port: int) -> tuple[int, str]:
    client = SiteClient(port, host="127.0.0.1:8000")
    response = client.request("GET", "/readyz")
    return response.status, response.body


async def _expect(ws: Any, t: str, timeout: float = 10, **fields: Any) -> dict[str, Any]:
    async with asyncio.timeout(timeout):
        while True:
            frame: dict[str, Any] = json.loads(await ws.recv())
            if frame["t"] == t and all(frame.get(k) == v for k, v in fields.items()):
                return frame


def chat_across(her_port: int, console_port: int, coordinator: SiteClient, jour_id: int, canary: str) -> None:
    from websockets.asyncio.client import connect

    cookie = "; ".join(f"{k}={v}" for k, v in coordinator.cookies.items())
    headers = {"Host": "fristad.test", "X-Forwarded-Proto": "https"}

    async def scenario() -> None:
        async with connect(
            f"ws://127.0.0.1:{console_port}/ws/personal/chatt/",
            origin=SITE,  # type: ignore[arg-type]
            additional_headers={**headers, "Cookie": cookie},
        ) as console:
            await _expect(console, "state")
            await console.send(json.dumps({"t": "presence", "jour": jour_id, "available": True}))
            await _expect(console, "state", available=True)
            async with connect(
                f"ws://127.0.0.1:{her_port}/ws/chatt/",
                origin=SITE,  # type: ignore[arg-type]
                additional_headers=headers,
            ) as her:
                await her.send(json.dumps({"t": "start", "jour": "stockholm"}))
                chat = (await _expect(her, "started"))["chat"]
                await _expect(her, "assigned")
                await her.send(json.dumps({"t": "leg", "leg": "h", "from": 1}))
                await her.send(json.dumps({"t": "msg", "seq": 1, "leg": "h", "body": canary}))
                got = await _expect(console, "msg")
                assert got["body"] == canary and got["chat"] == chat
                await console.send(
                    json.dumps({"t": "msg", "chat": chat, "seq": 1, "leg": "s", "body": "hej"})
                )
                assert (await _expect(her, "msg"))["body"] == "hej"
                await console.send(json.dumps({"t": "end", "chat": chat}))
                assert (await _expect(her, "ended"))["by"] == "staff"

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, scenario()).result(timeout=90)


def job_runs(database: str) -> dict[str, int]:
    with psycopg.connect(database) as conn:
        return dict(conn.execute("SELECT name, runs FROM ops_jobrun").fetchall())


def test_an_operator_installs_runs_and_operates_fristad(
    tmp_path: Path, database: str, redis: Redis, inbox: tuple[Inbox, int]
) -> None:
    mailbox, smtp_port = inbox
    env = production_env(
        tmp_path,
        DATABASE_URL=database,
        REDIS_URL=f"redis://127.0.0.1:{redis.port}/0",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        CHANNEL_PREFIX=f"e2e-{uuid.uuid4().hex[:6]}",
        STATIC_ROOT=str(tmp_path / "static"),
        WORKER_TICK_SECONDS="0.5",
        # Short intervals, so the test sees the schedule at work.
        JOB_INTERVALS="secret-links-purge=2,sessions-clear=2,support-cases-purge=2,audit-log-retention=2",
    )
    # Install: the schema, the production self-check, the member jourer.
    fristad(env, "migrate", "--no-input")
    fristad(env, "collectstatic", "--no-input", "--verbosity", "0")
    checked = fristad(env, "check", "--deploy", "--fail-level", "WARNING")
    assert "no issues" in checked
    jourer = tmp_path / "jourer.json"
    jourer.write_text(json.dumps([j for j in SAMPLE_JOURER if j["slug"] == "stockholm"]), encoding="utf-8")
    fristad(env, "import-jourer", str(jourer))
    printed = fristad(env, "bootstrap-national", "kansli@fristad.test")
    (printed_link,) = re.findall(rf"{SITE}/personal/inbjudan/\S+/", printed)

    logs: list[Path] = []
    before_outage: dict[Path, int] = {}
    processes: list[subprocess.Popen[bytes]] = []

    def start(name: str, *args: str) -> None:
        log = tmp_path / f"{name}.log"
        logs.append(log)
        processes.append(
            subprocess.Popen(
                [str(BIN / "fristad"), *args], env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
            )
        )

    ports = [free_port(), free_port()]
    try:
        for n, port in enumerate(ports):
            start(f"app{n}", "serve", "--host", "127.0.0.1", "--port", str(port))
        start("worker", "worker")
        for port in ports:
            wait_for(f"app on {port}", functools.partial(port_open, port))
        assert readyz(ports[0]) == (200, "database ok\nredis ok\nchannel_layer ok\n")

        # The national office: her invite came by SMTP, the same link the terminal printed.
        link = mail_to(mailbox, "kansli@fristad.test")
        assert link == printed_link
        national = accept_invite(ports[0], link, "Kansliet")
        refused = subprocess.run(
            [str(BIN / "fristad"), "bootstrap-national", "other@fristad.test"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert refused.returncode != 0 and "exists already" in refused.stderr

        # She invites a coordinator for the jour; that invite comes by SMTP as well.
        with psycopg.connect(database) as conn:
            row = conn.execute("SELECT id FROM directory_jour WHERE slug = 'stockholm'").fetchone()
        assert row is not None
        (jour_id,) = row
        response = national.submit(
            "/personal/forbund/jourer/",
            {"email": "samordnare@fristad.test", "role": "jour_admin", "jour": str(jour_id)},
        )
        assert response.status == 200 and "invite-link" in response.body
        coordinator = accept_invite(ports[1], mail_to(mailbox, "samordnare@fristad.test"), "Samordnaren")
        for message in mailbox.received:
            assert "Stockholm" not in message.body and "jour_admin" not in message.body

        # A chat: she is on one process, the coordinator's console on the other.
        canary = f"kanariefagel-{uuid.uuid4().hex}"
        chat_across(ports[0], ports[1], coordinator, jour_id, canary)

        # The operator's metrics, with the token, on the internal address: counts only.
        scraped = SiteClient(ports[1]).request(
            "GET", "/metrics", extra={"Authorization": f"Bearer {env['METRICS_TOKEN']}"}
        )
        assert scraped.status == 200 and "fristad_chats_waiting 0" in scraped.body
        assert "fristad_emails_sent_total 2" in scraped.body and canary not in scraped.body
        assert SiteClient(ports[1]).get("/metrics").status == 404

        # The worker keeps the schedule: the short-interval jobs have run again and again,
        # and the two accepted invites (dead links now) are gone.
        runs = wait_for(
            "the purge jobs to run on schedule",
            lambda: (
                (r := job_runs(database))
                and min(r.get("secret-links-purge", 0), r.get("sessions-clear", 0)) >= 3
                and r
            ),
        )
        assert runs["housing-purge"] == 1  # daily: once, at the worker's first tick
        with psycopg.connect(database) as conn:
            assert wait_for(
                "the used invites to be purged",
                lambda: conn.execute("SELECT count(*) FROM accounts_invite").fetchone() == (0,),
            )

        # Redis stops: not ready (the proxy takes the process out); back: ready again.
        # (Until now nothing may have logged a traceback; while Redis is down,
        # channels-redis logs its own as it loses its subscriptions.)
        before_outage = {log: log.stat().st_size for log in logs}
        redis.stop()
        _status, body = wait_for(
            "readyz to go red", lambda: (r := readyz(ports[0]))[0] == 503 and r, timeout=20
        )
        assert "redis failed" in body and "database ok" in body
        redis.start()
        wait_for("readyz to go green", lambda: readyz(ports[0])[0] == 200 and readyz(ports[1])[0] == 200, 30)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()

    # Nothing that names her in any log: no address (the proxy's X-Forwarded-For either), no words.
    for log in logs:
        text = log.read_text(errors="replace")
        assert canary not in text, log.name
        # Our own servers' addresses may be named (uvicorn's "running on", Redis refusing
        # while it was down); no client's may.
        for port in [*ports, redis.port]:
            text = text.replace(f"127.0.0.1:{port}", "")
        assert "203.0.113.9" not in text and "127.0.0.1:" not in text, (
            log.name,
            text[-3000:],
        )
        calm = log.read_bytes()[: before_outage[log]].decode(errors="replace")
        assert "Traceback" not in calm, (log.name, calm[-3000:])
    worker_log = (tmp_path / "worker.log").read_text()
    assert "job secret-links-purge done" in worker_log and "e-mails sent" in worker_log
    assert "kansli@fristad.test" not in worker_log and "samordnare@fristad.test" not in worker_log
