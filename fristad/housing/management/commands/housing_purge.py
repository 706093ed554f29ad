"""``fristad housing-purge``: the retention rule for skyddat boende, run daily.

Case references are cleared HOUSING_CASE_REFERENCE_DAYS after a stay ends (or a request
closes without one); placements, requests and turned-away counts are deleted after
HOUSING_KEEP_COUNTS_DAYS."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from fristad.housing.services import housing_purge


class Command(BaseCommand):
    help = "Clear old case references and delete housing records past their retention."

    def handle(self, *args: Any, **options: Any) -> None:
        result = housing_purge()
        if options["verbosity"]:
            self.stdout.write(
                f"Case references cleared: {result.references_cleared}; "
                f"deleted: {result.stays_deleted} stays, "
                f"{result.placements_deleted} placements, {result.requests_deleted} requests, "
                f"{result.turned_away_deleted} turned-away counts."
            )
