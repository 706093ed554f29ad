"""Health and readiness for container health checks and load balancers.

``/healthz``: the process answers (no database, nothing else touched).
``/readyz``: it can serve: the database answers ``SELECT 1``, Redis answers ``PING``
(when ``REDIS_URL`` is set) and a message goes round the channel layer.

Both answer in plain text, set no cookie, are never cached and say nothing about anyone.
A failed check says only ``<name> failed``: an exception's text can carry a host, a
password or data, so only its class name is logged (at WARNING).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import async_to_sync, iscoroutinefunction, markcoroutinefunction, sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotAllowed

log = logging.getLogger(__name__)

# Each check gets this long; the checks run side by side, so /readyz answers within it.
CHECK_TIMEOUT_SECONDS = 2.0
# Redis pub/sub does not say when a subscription is in place: the probe is sent again
# until it comes back (or the check's time is up).
RESEND_EVERY_SECONDS = 0.25

# The database check's own thread: a database that hangs holds this one thread, never a
# request's thread nor the event loop's default executor (which resolves host names).
# Checks made meanwhile wait their time in its queue, fail, and are skipped once it frees.
_database_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="readyz-database")

View = Callable[[HttpRequest], Awaitable[HttpResponseBase]]


def _plain(text: str, status: int = 200) -> HttpResponse:
    response = HttpResponse(text, content_type="text/plain; charset=utf-8", status=status)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _method_not_allowed(request: HttpRequest) -> HttpResponseBase | None:
    if request.method in ("GET", "HEAD"):
        return None
    response = HttpResponseNotAllowed(["GET", "HEAD"])
    response["Cache-Control"] = "no-store"
    return response


async def healthz(request: HttpRequest) -> HttpResponseBase:
    """The process is alive and its request handling works: nothing else is asked."""
    return _method_not_allowed(request) or _plain("ok\n")


async def readyz(request: HttpRequest) -> HttpResponseBase:
    """Every service a request needs answers: 200, or 503 naming the checks that failed.

    Async so that under ASGI the waits hold no thread. Never raises: whatever goes wrong
    in a check (an exception, a hang) is that check failing.
    """
    refused = _method_not_allowed(request)
    if refused is not None:
        return refused
    checks: dict[str, Callable[[], Awaitable[None]]] = {"database": check_database}
    if getattr(settings, "REDIS_URL", ""):
        checks["redis"] = check_redis
    passed = dict(zip(checks, await asyncio.gather(*(_passes(n, c) for n, c in checks.items())), strict=True))
    # The channel layer runs on Redis when Redis is set: with Redis down the round trip
    # cannot pass, and trying it makes channels-redis log a traceback per check.
    if passed.get("redis", True):
        passed["channel_layer"] = await _passes("channel_layer", check_channel_layer)
    else:
        passed["channel_layer"] = False
    lines = "".join(f"{name} {'ok' if ok else 'failed'}\n" for name, ok in passed.items())
    return _plain(lines, status=200 if all(passed.values()) else 503)


async def _passes(name: str, check: Callable[[], Awaitable[None]]) -> bool:
    """Run one check within its time; a check that overruns is cancelled and left behind.

    It is not waited for: a cancelled check may still be cleaning up against a service
    that hangs (channels-redis unsubscribes when a receive is cancelled), and the answer
    must not wait on that.
    """
    task = asyncio.ensure_future(check())
    try:
        done, _ = await asyncio.wait({task}, timeout=CHECK_TIMEOUT_SECONDS)
    except asyncio.CancelledError:
        task.cancel()
        raise
    if not done:
        task.cancel()
        task.add_done_callback(_forget_outcome)
        log.warning("readiness check %s failed (%s)", name, "TimeoutError")
        return False
    error = asyncio.CancelledError() if task.cancelled() else task.exception()
    if error is not None:
        log.warning("readiness check %s failed (%s)", name, type(error).__name__)
        return False
    return True


def _forget_outcome(task: asyncio.Future[Any]) -> None:
    """Retrieve a left-behind check's exception, so asyncio does not log it as an error."""
    if not task.cancelled():
        task.exception()


# --- The checks ------------------------------------------------------------------------------


async def check_database() -> None:
    """``SELECT 1`` on the default database, in the database check's own thread.

    Not thread-sensitive: the check needs no state of the request's thread (it opens its
    own connection and closes it), and under WSGI a thread-sensitive call would run in the
    request's own thread, where a database that hangs would hang the answer too. A check
    given up is cancelled; if it has not started, it never runs.
    """
    await sync_to_async(_select_one, thread_sensitive=False, executor=_database_executor)()


def _select_one() -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            row = cursor.fetchone()
    finally:
        # The connection belongs to this check's thread: nothing else would close it.
        connection.close()
    if row is None or row[0] != 1:
        raise RuntimeError("SELECT 1 did not answer 1")


async def check_redis() -> None:
    """``PING`` on a connection of its own at ``REDIS_URL``, closed again at once.

    No retries (a retry's back-off would outlast the check) and socket timeouts as short
    as the check, so nothing is left waiting on a Redis that does not answer.
    """
    from redis.asyncio import Redis
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff

    client = Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=CHECK_TIMEOUT_SECONDS,
        socket_timeout=CHECK_TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), 0),
    )
    try:
        if not await client.ping():
            raise RuntimeError("PING was not answered")
    finally:
        with contextlib.suppress(Exception):
            await client.aclose()


async def check_channel_layer() -> None:
    """A message to a channel of its own comes back: the layer (and Redis behind it) works."""
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer")
    channel = await layer.new_channel()
    probe = {"type": "ops.readyz", "probe": secrets.token_hex(8)}
    receiving = asyncio.ensure_future(layer.receive(channel))
    try:
        while True:
            await layer.send(channel, probe)
            done, _ = await asyncio.wait({receiving}, timeout=RESEND_EVERY_SECONDS)
            if done:
                break
        if receiving.result() != probe:
            raise RuntimeError("the channel layer returned another message")
    finally:
        if not receiving.done():
            # A cancelled receive is how a layer hears that a consumer left: it forgets
            # the channel (channels-redis unsubscribes from it).
            receiving.cancel()
            await asyncio.wait({receiving})
    await _forget_channel(layer, channel)


async def _forget_channel(layer: Any, channel: str) -> None:
    """Have the layer drop the probe's channel, as it does when a consumer leaves.

    Channels has no call to delete a channel; a receive cancelled while it waits is its
    sign that the consumer is gone (channels-redis then unsubscribes, which otherwise
    would leave one subscription per check behind). Probes sent again and still queued
    are taken first.
    """
    for _ in range(64):
        waiter = asyncio.ensure_future(layer.receive(channel))
        await asyncio.sleep(0)
        if waiter.done():
            _forget_outcome(waiter)
            continue
        waiter.cancel()
        await asyncio.wait({waiter})
        _forget_outcome(waiter)
        return


# --- Answering before the rest of the middleware --------------------------------------------


async def metrics(request: HttpRequest) -> HttpResponseBase:
    """``/metrics`` (fristad/ops/metrics.py) from the internal network: scraped at
    ``http://app1:8000/metrics``, with a Host no ALLOWED_HOSTS lists, over plain HTTP. Its
    token is its lock; the proxy answers 404 to it from outside."""
    from fristad.ops.metrics import metrics as metrics_view

    response: HttpResponseBase = await sync_to_async(metrics_view)(request)
    return response


HEALTH_VIEWS: dict[str, View] = {"/healthz": healthz, "/readyz": readyz, "/metrics": metrics}


class HealthCheckMiddleware:
    """Answers ``/healthz``, ``/readyz`` and ``/metrics`` itself, first, whatever the Host
    header says.

    A container's health check calls ``http://127.0.0.1:8000/readyz``: plain HTTP and a
    Host that production's ``ALLOWED_HOSTS`` need not list. Django validates the Host in
    ``request.get_host()``, which SecurityMiddleware (the SSL redirect) and CommonMiddleware
    call, and answers a foreign one with 400. Placed first, this middleware answers the two
    exact paths without ever calling ``get_host()``: their answers depend on no host (no
    redirect, no absolute URL, no cookie), so a forged Host can poison nothing. Every other
    path goes down the chain and is checked as before (``ALLOWED_HOSTS`` is not widened).
    The two paths are also in ``fristad/ops/urls.py``, for a deployment without this
    middleware (then ``SECURE_REDIRECT_EXEMPT`` keeps them off the SSL redirect).

    Sync and async capable: under ASGI ``readyz`` runs on the event loop and holds no thread
    while it waits, and the access log (further down) never sees these paths.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self.is_async:
            return self.__acall__(request)
        view = HEALTH_VIEWS.get(request.path_info)
        if view is not None:
            return async_to_sync(view)(request)
        return self.get_response(request)

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        view = HEALTH_VIEWS.get(request.path_info)
        if view is not None:
            return await view(request)
        response: HttpResponseBase = await self.get_response(request)
        return response
