"""What the worker needs to remember between runs: e-mail waiting to be sent, and when
each scheduled job last ran. Nothing here is about a help-seeker."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class OutgoingEmail(models.Model):
    """One message to one staff member, waiting for the worker (the transactional outbox).

    Written in the same transaction as the change it tells of, so a change rolled back
    sends nothing; deleted as soon as it is sent or given up. The body is a link and
    nothing else (see the callers).
    """

    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    # A worker that took the message holds it until then; one that died lets it go again.
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["next_attempt_at", "id"]


class JobRun(models.Model):
    """The schedule of one periodic job, and its last result in counts only.

    Workers take a job by a conditional UPDATE on this row (a row lock), so two workers
    running at once never run the same job twice in one period.
    """

    name = models.CharField(max_length=64, primary_key=True)
    next_run_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_ok = models.BooleanField(default=True)
    runs = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    # {"deleted": 3}: what the last run did, in counts.
    last_counts = models.JSONField(default=dict)
    # The same counts summed over every run, for the metrics.
    total_counts = models.JSONField(default=dict)


class Counter(models.Model):
    """A monotonic count shared by every process (e-mails given up, worker heartbeats)."""

    name = models.CharField(max_length=64, primary_key=True)
    value = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)
