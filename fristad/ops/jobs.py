"""Periodic jobs: the retention promises hold because a worker keeps them, not because
someone remembered cron.

Apps declare their jobs at start-up (``job_register`` from their ``AppConfig.ready``),
so this lower layer never imports them. ``jobs_run_due`` runs every job whose time has
come; a job is taken by a conditional UPDATE of its ``JobRun`` row, which is a row lock
on PostgreSQL and a write lock on SQLite, so two workers at once never run a job twice
in one period. Every job is idempotent (a purge of what is past its time), and reports
counts only, never what it touched.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from fristad.ops.models import JobRun

log = logging.getLogger(__name__)

# A worker holds a job this long; one that died while running it lets it go then.
LEASE = timedelta(minutes=15)
# A failed job is tried again after this long (or its own interval, if shorter).
RETRY_AFTER = timedelta(minutes=5)


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    # Takes the time it runs at; returns what it did in counts ({"deleted": 3}).
    run: Callable[[datetime], Mapping[str, int]]
    description: str = ""


_JOBS: dict[str, Job] = {}


def job_register(job: Job) -> None:
    _JOBS[job.name] = job


def registered_jobs() -> list[Job]:
    return sorted(_JOBS.values(), key=lambda job: job.name)


def job_interval(job: Job) -> timedelta:
    """JOB_INTERVALS overrides a job's interval in seconds (tests and small sites)."""
    seconds = settings.JOB_INTERVALS.get(job.name)
    return timedelta(seconds=int(seconds)) if seconds else job.every


@dataclass(frozen=True)
class JobResult:
    name: str
    ok: bool
    counts: Mapping[str, int]
    seconds: float


def _row(name: str, now: datetime) -> None:
    if JobRun.objects.filter(name=name).exists():
        return
    try:
        with transaction.atomic():
            JobRun.objects.create(name=name, next_run_at=now)
    except IntegrityError:
        pass  # another worker made it first


def _claim(name: str, now: datetime) -> bool:
    return bool(
        JobRun.objects.filter(name=name, next_run_at__lte=now)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=now + LEASE, last_started_at=now)
    )


def _where(exc: BaseException) -> str:
    """The innermost frame of a failure, without the exception's text (which may quote data)."""
    frames = traceback.extract_tb(exc.__traceback__)
    return f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"


def job_run(job: Job, *, now: datetime) -> JobResult | None:
    """Run one job if it is due and no other worker holds it."""
    _row(job.name, now)
    if not _claim(job.name, now):
        return None
    started = time.perf_counter()
    try:
        counts = {key: int(value) for key, value in job.run(now).items()}
    except Exception as exc:  # a failing job must not stop the others, nor the worker
        retry = min(RETRY_AFTER, job_interval(job))
        JobRun.objects.filter(name=job.name).update(
            lease_until=None,
            next_run_at=now + retry,
            last_finished_at=timezone.now(),
            last_ok=False,
            failures=F("failures") + 1,
        )
        log.error(
            "job %s failed (%s at %s); next try in %d s",
            job.name,
            type(exc).__name__,
            _where(exc),
            retry.total_seconds(),
        )
        return JobResult(job.name, False, {}, time.perf_counter() - started)
    seconds = time.perf_counter() - started
    row = JobRun.objects.get(name=job.name)
    totals = dict(row.total_counts)
    for key, value in counts.items():
        totals[key] = int(totals.get(key, 0)) + value
    JobRun.objects.filter(name=job.name).update(
        lease_until=None,
        next_run_at=now + job_interval(job),
        last_finished_at=timezone.now(),
        last_ok=True,
        runs=F("runs") + 1,
        last_counts=counts,
        total_counts=totals,
    )
    summary = ", ".join(f"{key}={value}" for key, value in sorted(counts.items())) or "nothing to do"
    log.info("job %s done in %.2f s: %s", job.name, seconds, summary)
    return JobResult(job.name, True, counts, seconds)


def jobs_run_due(*, now: datetime | None = None) -> list[JobResult]:
    now = now or timezone.now()
    results = []
    for job in registered_jobs():
        result = job_run(job, now=now)
        if result is not None:
            results.append(result)
    return results
