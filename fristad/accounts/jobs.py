"""The staff side's scheduled jobs, run by ``fristad worker``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from fristad.accounts.services import audit_log_prune, secret_links_purge, sessions_expired_clear
from fristad.ops.jobs import Job, job_register


def _sessions(now: datetime) -> Mapping[str, int]:
    return {"deleted": sessions_expired_clear(now=now)}


def _links(now: datetime) -> Mapping[str, int]:
    return secret_links_purge(now=now)


def _audit(now: datetime) -> Mapping[str, int]:
    return {"deleted": audit_log_prune(now=now)}


def register() -> None:
    job_register(Job("sessions-clear", timedelta(hours=1), _sessions, "expired staff sessions deleted"))
    job_register(
        Job(
            "secret-links-purge",
            timedelta(hours=6),
            _links,
            "used, withdrawn and expired invites and revoked calendar links deleted",
        )
    )
    job_register(
        Job(
            "audit-log-retention",
            timedelta(days=1),
            _audit,
            "audit events older than AUDIT_RETENTION_DAYS deleted",
        )
    )
