"""``fristad serve``: the ASGI server (uvicorn) with Fristad's options (fristad/web/server.py)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from fristad.web.server import APPLICATION, SERVER_OPTIONS


class Command(BaseCommand):
    help = "Serve Fristad over HTTP and websockets (uvicorn)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1, help="server processes (needs REDIS_URL)")
        parser.add_argument("--log-level", default="info")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] > 1 and not settings.REDIS_URL:
            raise CommandError(
                "Several server processes share chats only through Redis: set REDIS_URL (and DATABASE_URL)."
            )
        uvicorn.run(
            APPLICATION,
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            log_level=options["log_level"],
            **SERVER_OPTIONS,
        )
