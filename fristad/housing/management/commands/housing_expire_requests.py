"""``fristad housing-expire-requests``: unanswered placement requests past their time expire.

Run it on a schedule (every few minutes); acceptance checks the deadline itself as well."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from fristad.housing.services import requests_expire


class Command(BaseCommand):
    help = "Expire placement requests left unanswered past HOUSING_REQUEST_EXPIRY_HOURS."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--site-url",
            default=settings.SITE_URL,
            help="The staff site's address, for the link in the caseworker's e-mail (default: SITE_URL).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        site_url = options["site_url"]
        count = requests_expire(base_url=site_url)
        if options["verbosity"]:
            self.stdout.write(f"{count} placement requests expired.")
            if count and not site_url:
                self.stdout.write("No e-mail to the caseworkers: set SITE_URL (or --site-url) for the link.")
