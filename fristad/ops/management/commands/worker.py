"""``fristad worker``: runs every scheduled job and sends queued e-mail. No cron needed.

Run one (two are safe: each job and each message is taken by one of them).
``--once`` runs a single tick (for cron, or a test); ``--check`` exits 0 when a worker
has been alive within the last two minutes (a container's health check).
"""

from __future__ import annotations

import signal
import threading
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from fristad.ops.worker import database_describe, worker_alive, worker_loop, worker_tick


class Command(BaseCommand):
    help = "Run the scheduled jobs (purges, expiries, clean-ups) and send queued e-mail."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="one tick, then exit")
        parser.add_argument("--check", action="store_true", help="exit 0 if a worker is alive")
        parser.add_argument(
            "--tick",
            type=float,
            default=settings.WORKER_TICK_SECONDS,
            help="seconds between ticks (default WORKER_TICK_SECONDS)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["check"]:
                if not worker_alive():
                    raise CommandError("No worker has been alive in the last two minutes.")
                self.stdout.write("A worker is alive.")
                return
            if options["once"]:
                worker_tick()
                return
        except DatabaseError as exc:
            raise CommandError(
                f"The {database_describe()} is not reachable ({type(exc).__name__})."
            ) from None
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        worker_loop(stop=stop, tick_seconds=max(options["tick"], 0.1))
