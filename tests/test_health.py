"""/healthz and /readyz: what a container's health check and a load balancer ask.

Each answers plain text with no cookie and no caching, whatever the Host header and
with the SSL redirect on; /readyz says 503 and which check failed (never why, in words
that could carry a host or a password), and answers within its time when a service hangs.
Health checks are not access-log lines.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import AsyncClient, Client

from fristad.ops import health
from tests.test_settings_and_services import need

HEALTH_PATHS = ("/healthz", "/readyz")
SECRET = "hunter2@db.internal.example"


def expected_ok_lines() -> set[str]:
    lines = {"database ok", "channel_layer ok"}
    if settings.REDIS_URL:
        lines.add("redis ok")
    return lines


def lines_of(response: Any) -> set[str]:
    return set(response.content.decode().splitlines())


def assert_private(response: Any) -> None:
    """No cookie, never cached, plain text."""
    assert not response.cookies
    assert "Set-Cookie" not in response.headers
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"].startswith("text/plain")


def test_healthz_answers_ok_without_touching_the_database() -> None:
    """No django_db mark: any database access would raise here."""
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert_private(response)


@pytest.mark.django_db
def test_readyz_answers_200_when_every_check_passes() -> None:
    response = Client().get("/readyz")
    assert response.status_code == 200, response.content
    assert lines_of(response) == expected_ok_lines()
    assert_private(response)


@pytest.mark.django_db
def test_a_failing_database_is_503_and_its_error_text_is_nowhere(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def refuse(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise OperationalError(f"could not connect to server at {SECRET}")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refuse)
    caplog.set_level(logging.WARNING, logger="fristad.ops.health")
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert "database failed" in lines_of(response)
    assert "channel_layer ok" in lines_of(response)
    assert SECRET not in response.content.decode()
    logged = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "fristad.ops.health"]
    assert logged == [(logging.WARNING, "readiness check database failed (OperationalError)")]
    assert_private(response)


class BrokenLayer:
    async def new_channel(self) -> str:
        return "specific.broken!x"

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        raise ConnectionError(f"redis://:{SECRET}/0 is gone")

    async def receive(self, channel: str) -> dict[str, Any]:
        raise AssertionError("not reached")


@pytest.mark.django_db
def test_a_failing_channel_layer_is_503(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(health, "get_channel_layer", lambda: BrokenLayer())
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert "channel_layer failed" in lines_of(response)
    assert "database ok" in lines_of(response)
    assert SECRET not in response.content.decode()


class SilentLayer(BrokenLayer):
    """Accepts every message and never delivers one."""

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        return None

    async def receive(self, channel: str) -> dict[str, Any]:
        await asyncio.sleep(60)
        raise AssertionError("not reached")


@pytest.fixture
def hanging_database(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The database check hangs until the test is over (then its thread is free again)."""
    release = threading.Event()

    def hang() -> None:
        release.wait(10)

    monkeypatch.setattr(health, "_select_one", hang)
    yield
    release.set()


@pytest.mark.django_db
def test_hanging_checks_fail_within_their_time(
    monkeypatch: pytest.MonkeyPatch, hanging_database: None
) -> None:
    monkeypatch.setattr(health, "CHECK_TIMEOUT_SECONDS", 0.3)
    monkeypatch.setattr(health, "get_channel_layer", lambda: SilentLayer())
    started = time.monotonic()
    response = Client().get("/readyz")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert lines_of(response) >= {"database failed", "channel_layer failed"}
    assert elapsed < 2, elapsed
    # The next check, while the database still hangs, fails in its time too (it waits
    # in the database check's queue and is given up, not run).
    started = time.monotonic()
    assert Client().get("/readyz").status_code == 503
    assert time.monotonic() - started < 2


@pytest.mark.django_db
def test_readyz_answers_under_asgi_too() -> None:
    """The view is async; under ASGI the health middleware awaits it on the event loop."""

    async def ask() -> tuple[Any, Any]:
        client = AsyncClient(headers={"host": "127.0.0.1:8000"})
        return await client.get("/readyz"), await client.get("/healthz")

    ready, alive = async_to_sync(ask)()
    assert ready.status_code == 200, ready.content
    assert lines_of(ready) == expected_ok_lines()
    assert alive.status_code == 200
    assert alive.content == b"ok\n"
    assert_private(ready)
    assert_private(alive)


def test_only_get_and_head() -> None:
    response = Client().post("/healthz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert Client().head("/healthz").status_code == 200


# --- Host header, SSL redirect, access log ---------------------------------------------------


@pytest.mark.django_db
def test_any_host_and_plain_http_with_the_ssl_redirect_on(settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["fristad.example"]
    container = Client(HTTP_HOST="127.0.0.1:8000")
    for path in HEALTH_PATHS:
        response = container.get(path)
        assert response.status_code == 200, (path, response.status_code)
        assert_private(response)
    assert Client(HTTP_HOST="evil.example").get("/healthz").status_code == 200
    # Every other path is checked as before: a foreign Host is refused, ours is redirected.
    assert container.get("/").status_code == 400
    redirected = Client(HTTP_HOST="fristad.example").get("/")
    assert redirected.status_code == 301
    assert redirected["Location"] == "https://fristad.example/"


@pytest.mark.django_db
def test_without_the_health_middleware_the_routes_serve_and_are_not_redirected(
    settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A deployment without the middleware: the URLs, SECURE_REDIRECT_EXEMPT and the
    access log's DEBUG level still hold (for a Host that ALLOWED_HOSTS lists)."""
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "fristad.ops.health.HealthCheckMiddleware"]
    settings.SECURE_SSL_REDIRECT = True
    caplog.set_level(logging.DEBUG, logger="fristad.access")
    client = Client(HTTP_HOST="127.0.0.1:8000")
    for path in HEALTH_PATHS:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        assert_private(response)
    assert client.get("/").status_code == 301
    access = [(r.levelno, r.getMessage().split()[1]) for r in caplog.records if r.name == "fristad.access"]
    assert (logging.DEBUG, "/healthz") in access
    assert (logging.DEBUG, "/readyz") in access
    assert (logging.INFO, "/") in access
    assert not [path for level, path in access if level >= logging.INFO and path in HEALTH_PATHS]


@pytest.mark.django_db
def test_health_checks_are_not_in_the_access_log(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="fristad.access")
    client = Client()
    for _ in range(3):
        for path in HEALTH_PATHS:
            assert client.get(path).status_code == 200
    client.get("/no-such-page")
    logged = [r.getMessage() for r in caplog.records if r.name == "fristad.access"]
    assert not [line for line in logged if "/healthz" in line or "/readyz" in line], logged
    assert any("/no-such-page" in line for line in logged), logged


# --- Redis -----------------------------------------------------------------------------------


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A TCP port that accepts connections and never answers (a Redis that hangs)."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    port = server.getsockname()[1]
    yield f"redis://127.0.0.1:{port}/0"
    server.close()


@pytest.mark.django_db
def test_a_redis_that_does_not_answer_fails_in_time(settings: Any, silent_server: str) -> None:
    settings.REDIS_URL = silent_server
    started = time.monotonic()
    response = Client().get("/readyz")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert "redis failed" in lines_of(response)
    assert elapsed < 5, elapsed


@pytest.mark.services
@pytest.mark.django_db
def test_redis_and_the_pubsub_layer_answer() -> None:
    need("REDIS_URL")
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "fristad.web.layers.RedisPubSubChannelLayer"
    for _ in range(3):
        response = Client().get("/readyz")
        assert response.status_code == 200, response.content
        assert lines_of(response) == {"database ok", "redis ok", "channel_layer ok"}


@pytest.mark.services
@pytest.mark.django_db
def test_a_redis_address_where_nothing_listens_fails_quickly(settings: Any) -> None:
    need("REDIS_URL")
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    started = time.monotonic()
    response = Client().get("/readyz")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert "redis failed" in lines_of(response)
    assert "database ok" in lines_of(response)
    assert elapsed < 5, elapsed
