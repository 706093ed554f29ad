"""Skyddat boende's scheduled jobs, run by ``fristad worker``."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime, timedelta

from django.conf import settings

from fristad.housing.services import housing_purge, requests_expire
from fristad.ops.jobs import Job, job_register


def _expire(now: datetime) -> Mapping[str, int]:
    return {"expired": requests_expire(now=now, base_url=settings.SITE_URL)}


def _purge(now: datetime) -> Mapping[str, int]:
    return dataclasses.asdict(housing_purge())


def register() -> None:
    job_register(
        Job(
            "housing-expire-requests",
            timedelta(minutes=5),
            _expire,
            "unanswered placement requests expire; their caseworkers get a link",
        )
    )
    job_register(
        Job(
            "housing-purge",
            timedelta(days=1),
            _purge,
            "case references cleared after 90 days, housing counts deleted after 2 years",
        )
    )
