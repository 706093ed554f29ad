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
        parser.add_argument(
            "--forwarded-allow-ips",
            default=settings.FORWARDED_ALLOW_IPS,
            help="addresses of the reverse proxy whose X-Forwarded-Proto/-For are trusted "
            "(default FORWARDED_ALLOW_IPS; unset: none, the server is reached directly)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] > 1 and not settings.REDIS_URL:
            raise CommandError(
                "Several server processes share chats only through Redis: set REDIS_URL (and DATABASE_URL)."
            )
        proxies = options["forwarded_allow_ips"]
        uvicorn.run(
            APPLICATION,
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            log_level=options["log_level"],
            # Behind the proxy: the scheme (https) comes from its X-Forwarded-Proto, which
            # SECURE_PROXY_SSL_HEADER then trusts. The client address is never logged.
            proxy_headers=bool(proxies),
            forwarded_allow_ips=proxies or None,
            **SERVER_OPTIONS,
        )
