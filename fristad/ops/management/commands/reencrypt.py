"""``fristad reencrypt``: after putting a new key first in FIELD_ENCRYPTION_KEYS (or a
new SECRET_KEY with the old one in SECRET_KEY_FALLBACKS), move every encrypted value
(protected-housing addresses, call-back numbers) to the newest key, so the old key can
be removed. Safe to run while the site runs, and again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fristad.ops.encryption import column_reencrypt, encrypted_columns


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field with the newest key (after a key rotation)."

    def handle(self, *args: Any, **options: Any) -> None:
        unreadable = 0
        for column in encrypted_columns():
            result = column_reencrypt(column)
            unreadable += result.unreadable
            self.stdout.write(
                f"{column.label}: {result.reencrypted} re-encrypted, "
                f"{result.current} already on the newest key"
                + (f", {result.unreadable} opened by no configured key" if result.unreadable else "")
            )
        if unreadable:
            raise CommandError(
                f"{unreadable} values could not be opened by any configured key: keep every old key in "
                "FIELD_ENCRYPTION_KEYS (or SECRET_KEY_FALLBACKS) until they are found."
            )
