"""``fristad housing-expire-requests``: unanswered placement requests past their time expire.

Run it on a schedule (every few minutes); acceptance checks the deadline itself as well."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from fristad.housing.services import requests_expire


class Command(BaseCommand):
    help = "Expire placement requests left unanswered past HOUSING_REQUEST_EXPIRY_HOURS."

    def handle(self, *args: Any, **options: Any) -> None:
        count = requests_expire()
        if options["verbosity"]:
            self.stdout.write(f"{count} placement requests expired.")
