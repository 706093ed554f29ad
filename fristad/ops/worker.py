"""The worker's loop: scheduled jobs and the e-mail outbox, one tick every few seconds.

A database that is down (at start or later) is reported in one line and retried with
growing pauses: never a traceback loop. SIGTERM lets the current tick finish.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from fristad.ops.counters import counter_add, counter_updated_at
from fristad.ops.jobs import jobs_run_due
from fristad.ops.mail import emails_deliver

log = logging.getLogger("fristad.worker")

HEARTBEAT = "worker_heartbeat"
# `fristad worker --check` counts a worker as alive when it beat this recently.
ALIVE_WITHIN = timedelta(minutes=2)
MAX_BACKOFF_SECONDS = 60.0


def worker_tick() -> None:
    now = timezone.now()
    counter_add(name=HEARTBEAT, now=now)
    jobs_run_due(now=now)
    emails_deliver(now=timezone.now())


def worker_alive() -> bool:
    beat = counter_updated_at(HEARTBEAT)
    return beat is not None and timezone.now() - beat <= ALIVE_WITHIN


def database_describe() -> str:
    """Where the database is, without a password: for messages an operator reads."""
    settings_dict = connection.settings_dict
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"SQLite file {settings_dict['NAME']}"
    host = settings_dict.get("HOST") or "localhost"
    port = settings_dict.get("PORT") or "default port"
    return f"PostgreSQL database {settings_dict.get('NAME')} at {host}:{port}"


def worker_loop(*, stop: threading.Event, tick_seconds: float) -> None:
    backoff = 0.0
    log.info("worker started (a tick every %g s)", tick_seconds)
    while not stop.is_set():
        try:
            worker_tick()
        except DatabaseError as exc:
            backoff = min(max(backoff * 2, tick_seconds), MAX_BACKOFF_SECONDS)
            log.error(
                "the %s is not reachable (%s); trying again in %.0f s",
                database_describe(),
                type(exc).__name__,
                backoff,
            )
            close_old_connections()
            connection.close()
            stop.wait(backoff)
            continue
        if backoff:
            log.info("the database is reachable again")
            backoff = 0.0
        close_old_connections()
        stop.wait(tick_seconds)
    log.info("worker stopped")
