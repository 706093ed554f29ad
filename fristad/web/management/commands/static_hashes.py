"""``fristad static-hashes [PREFIX ...] [--verify URL]``: the SHA-256 of every static file.

Lists ``<sha256>  <hashed name>`` for each file ``fristad collectstatic`` wrote (from its
manifest, in STATIC_ROOT), sha256sum's format (``cd staticfiles && sha256sum -c`` checks
them). A release publishes this list, out of the server's reach, so that anyone can check
what a live site serves: with ``--verify https://site`` each listed file is fetched from
the site (STATIC_URL under it) and compared; exit code 1 if any differs or is missing.
PREFIX limits the list (``chat/ web/quickexit.js``). docs/chat-encryption.md says why.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urljoin
from urllib.request import Request, urlopen

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

MANIFEST = "staticfiles.json"


class Command(BaseCommand):
    help = (
        "The SHA-256 of every collected static file (sha256sum's format), or check a live site against them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("prefixes", nargs="*", help="only files whose name starts so (e.g. chat/)")
        parser.add_argument("--verify", metavar="URL", help="fetch each file from this site and compare")

    def handle(self, *args: Any, **options: Any) -> None:
        root = Path(settings.STATIC_ROOT)
        try:
            paths: dict[str, str] = json.loads((root / MANIFEST).read_text(encoding="utf-8"))["paths"]
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"no {MANIFEST} in {root}: run fristad collectstatic first") from error
        prefixes = tuple(options["prefixes"])
        names = sorted(hashed for name, hashed in paths.items() if not prefixes or name.startswith(prefixes))
        if not names:
            raise CommandError("no static file matches")
        expected = {name: hashlib.sha256((root / name).read_bytes()).hexdigest() for name in names}
        if not options["verify"]:
            for name in names:
                self.stdout.write(f"{expected[name]}  {name}")
            return
        if not options["verify"].startswith(("https://", "http://")):
            raise CommandError("--verify takes the site's address, https://…")
        base = urljoin(options["verify"].rstrip("/") + "/", settings.STATIC_URL.lstrip("/"))
        bad = 0
        for name in names:
            url = urljoin(base, name)
            try:
                # No Accept-Encoding: the body as stored, not a compressed copy.
                request = Request(url, headers={"User-Agent": "fristad-static-hashes"})  # noqa: S310 (http(s) only, above)
                with urlopen(request, timeout=15) as response:  # noqa: S310
                    served = response.read()
            except HTTPError as error:
                self.stdout.write(f"MISSING  {name} (HTTP {error.code})")
                bad += 1
                continue
            except (URLError, OSError) as error:
                raise CommandError(f"{url}: {error}") from error
            if hashlib.sha256(served).hexdigest() != expected[name]:
                self.stdout.write(f"DIFFERS  {name}")
                bad += 1
        self.stdout.write(
            f"{len(names) - bad} of {len(names)} files as published; {bad} differ or are missing"
        )
        if bad:
            sys.exit(1)
