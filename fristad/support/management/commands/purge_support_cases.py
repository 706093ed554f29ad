"""``fristad purge-support-cases``: delete closed support cases whose retention time is over.

Meant to run on a schedule (a systemd timer or cron, daily). Only the anonymous counts
(``SupportAppointmentCount``) stay. Safe to run as often as wanted.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from fristad.support.services import support_cases_purge


class Command(BaseCommand):
    help = "Delete closed support cases SUPPORT_PURGE_AFTER_DAYS after their last appointment."

    def handle(self, *args: Any, **options: Any) -> None:
        count = support_cases_purge(now=timezone.now())
        self.stdout.write(
            f"Deleted {count} closed support cases (retention {settings.SUPPORT_PURGE_AFTER_DAYS} days)."
        )
