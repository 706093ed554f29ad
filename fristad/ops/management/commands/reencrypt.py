"""``fristad reencrypt``: after putting a new key first in FIELD_ENCRYPTION_KEYS (or a
new SECRET_KEY with the old one in SECRET_KEY_FALLBACKS), move every encrypted value
(protected-housing addresses, call-back numbers) to the newest key, so the old key can
be removed. Safe to run while the site runs, and again.

``--check`` writes nothing: it counts the values on an older key and those no key opens
(a restore test, or before removing an old key). Exit code 1 when any value cannot be
opened, or, with ``--check``, when any is still on an older key.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fristad.ops.encryption import column_reencrypt, encrypted_columns


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field with the newest key (after a key rotation)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--check", action="store_true", help="count only, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        check = options["check"]
        unreadable = older = 0
        for column in encrypted_columns():
            result = column_reencrypt(column, write=not check)
            unreadable += result.unreadable
            older += result.reencrypted
            moved = "on an older key" if check else "re-encrypted"
            self.stdout.write(
                f"{column.label}: {result.reencrypted} {moved}, "
                f"{result.current} already on the newest key"
                + (f", {result.unreadable} opened by no configured key" if result.unreadable else "")
            )
        if unreadable:
            raise CommandError(
                f"{unreadable} values could not be opened by any configured key: keep every old key in "
                "FIELD_ENCRYPTION_KEYS (or SECRET_KEY_FALLBACKS) until they are found."
            )
        if check and older:
            raise CommandError(f"{older} values are still on an older key: run fristad reencrypt.")
