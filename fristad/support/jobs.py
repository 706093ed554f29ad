"""Stödperson's scheduled job, run by ``fristad worker``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from fristad.ops.jobs import Job, job_register
from fristad.support.services import support_cases_purge


def _purge(now: datetime) -> Mapping[str, int]:
    return {"deleted": support_cases_purge(now=now)}


def register() -> None:
    job_register(
        Job(
            "support-cases-purge",
            timedelta(days=1),
            _purge,
            "closed support cases deleted 90 days after their last appointment",
        )
    )
