"""The worker's scheduled jobs: every retention job is registered, runs when due and only
then, once per period even with two workers at once, and a failing job neither stops the
others nor logs what it touched."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from fristad.ops import jobs
from fristad.ops.jobs import Job, job_register, jobs_run_due, registered_jobs
from fristad.ops.models import JobRun

EXPECTED = {
    "audit-log-retention",
    "housing-expire-requests",
    "housing-purge",
    "secret-links-purge",
    "sessions-clear",
    "support-cases-purge",
}


@pytest.fixture
def only_jobs(monkeypatch: pytest.MonkeyPatch) -> dict[str, Job]:
    """An empty registry for the test's own jobs (the real ones are restored after)."""
    registry: dict[str, Job] = {}
    monkeypatch.setattr(jobs, "_JOBS", registry)
    return registry


def counting_job(name: str, calls: list[datetime], every: timedelta = timedelta(hours=1)) -> Job:
    def run(now: datetime) -> Mapping[str, int]:
        calls.append(now)
        return {"deleted": 2}

    return Job(name, every, run)


def test_every_retention_job_is_registered() -> None:
    assert {job.name for job in registered_jobs()} == EXPECTED
    assert all(job.description for job in registered_jobs())


@pytest.mark.django_db
def test_a_job_runs_when_due_and_not_again_until_its_interval_passed(only_jobs: dict[str, Job]) -> None:
    calls: list[datetime] = []
    job_register(counting_job("count", calls))
    now = timezone.now()
    assert [r.name for r in jobs_run_due(now=now)] == ["count"]
    assert jobs_run_due(now=now + timedelta(minutes=59)) == []
    assert len(jobs_run_due(now=now + timedelta(hours=1))) == 1
    assert len(calls) == 2
    row = JobRun.objects.get(name="count")
    assert row.runs == 2 and row.last_ok and row.last_counts == {"deleted": 2}
    assert row.total_counts == {"deleted": 4}
    assert row.next_run_at == now + timedelta(hours=2)


@pytest.mark.django_db
def test_job_intervals_override_the_default(only_jobs: dict[str, Job], settings: Any) -> None:
    settings.JOB_INTERVALS = {"count": 2}
    calls: list[datetime] = []
    job_register(counting_job("count", calls, every=timedelta(days=1)))
    now = timezone.now()
    jobs_run_due(now=now)
    jobs_run_due(now=now + timedelta(seconds=2))
    assert len(calls) == 2


@pytest.mark.django_db
def test_a_failing_job_does_not_stop_the_others_and_logs_no_data(
    only_jobs: dict[str, Job], caplog: pytest.LogCaptureFixture
) -> None:
    def broken(now: datetime) -> Mapping[str, int]:
        raise ValueError("case reference IFO-2026-5511 could not be cleared")

    calls: list[datetime] = []
    job_register(Job("broken", timedelta(days=1), broken))
    job_register(counting_job("works", calls))
    now = timezone.now()
    results = {r.name: r.ok for r in jobs_run_due(now=now)}
    assert results == {"broken": False, "works": True}
    assert "job broken failed (ValueError at" in caplog.text
    assert "IFO-2026-5511" not in caplog.text
    row = JobRun.objects.get(name="broken")
    assert (row.failures, row.last_ok) == (1, False)
    # Tried again after the retry pause, not after a whole day.
    assert row.next_run_at == now + jobs.RETRY_AFTER


@pytest.mark.django_db
def test_a_job_held_by_a_worker_that_died_is_taken_again_after_its_lease(only_jobs: dict[str, Job]) -> None:
    calls: list[datetime] = []
    job_register(counting_job("count", calls))
    now = timezone.now()
    JobRun.objects.create(name="count", next_run_at=now, lease_until=now + jobs.LEASE)
    assert jobs_run_due(now=now) == []
    assert len(jobs_run_due(now=now + jobs.LEASE + timedelta(seconds=1))) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_run_a_job_once(only_jobs: dict[str, Job]) -> None:
    if connection.vendor == "sqlite":
        # The in-memory test database's shared cache locks whole tables without waiting
        # (a real SQLite file waits, busy_timeout); the claim itself is the same UPDATE.
        pytest.skip("needs a database that lets threads wait for each other: PostgreSQL (CI)")
    calls: list[datetime] = []
    lock = threading.Lock()

    def slow(now: datetime) -> Mapping[str, int]:
        with lock:
            calls.append(now)
        threading.Event().wait(0.2)  # both workers are inside their tick at once
        return {}

    job_register(Job("slow", timedelta(hours=1), slow))
    now = timezone.now()
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def worker() -> None:
        barrier.wait()
        try:
            jobs_run_due(now=now)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(calls) == 1
    assert JobRun.objects.get(name="slow").runs == 1
