"""The staff side's retention jobs: expired sessions, dead secret links and old audit
events go; what is still in use stays."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from fristad.accounts.models import AuditAction, AuditEvent, CalendarFeed, Invite, Role
from fristad.accounts.services import (
    audit_log_prune,
    audit_record,
    invite_accept,
    invite_create,
    invite_revoke,
    secret_links_purge,
    sessions_expired_clear,
)
from fristad.ops.jobs import jobs_run_due
from fristad.ops.models import JobRun
from tests.conftest import Staff


def test_expired_sessions_are_deleted_and_live_ones_kept(db: None) -> None:
    live = SessionStore()
    live["x"] = 1
    live.create()
    old = SessionStore()
    old.create()
    Session.objects.filter(session_key=old.session_key).update(
        expire_date=timezone.now() - timedelta(hours=1)
    )
    assert sessions_expired_clear(now=timezone.now()) == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


def test_dead_invites_and_revoked_calendar_links_go_open_ones_stay(staff: Staff) -> None:
    def invite(email: str) -> Any:
        return invite_create(invited_by=staff.admin_a, email=email, role=Role.JOURKVINNA, jour=staff.jour_a)

    open_invite = invite("open@example.org")
    accepted = invite("accepted@example.org")
    invite_accept(token=accepted.token, password="ett-langt-losenord-2026", full_name="A")
    invite_revoke(invite=invite("revoked@example.org").invite, actor=staff.admin_a)
    expired = invite("expired@example.org")
    Invite.objects.filter(pk=expired.invite.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    CalendarFeed.objects.create(user=staff.kvinna_a, token_hash="a" * 64)
    CalendarFeed.objects.create(user=staff.kvinna_a, token_hash="b" * 64, revoked_at=timezone.now())
    counts = secret_links_purge(now=timezone.now())
    assert counts == {"invites_deleted": 3, "calendar_links_deleted": 1}
    assert list(Invite.objects.values_list("pk", flat=True)) == [open_invite.invite.pk]
    assert list(CalendarFeed.objects.values_list("token_hash", flat=True)) == ["a" * 64]
    # The audit log still tells what happened to them.
    assert AuditEvent.objects.filter(action=AuditAction.INVITE_SENT).count() == 4


def test_audit_events_past_retention_are_deleted_and_the_deletion_logged(staff: Staff, settings: Any) -> None:
    settings.AUDIT_RETENTION_DAYS = 30
    now = timezone.now()
    old = audit_record(action=AuditAction.JOUR_SUSPENDED, national=True, target="old")
    recent = audit_record(action=AuditAction.JOUR_SUSPENDED, national=True, target="recent")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEvent._meta.db_table} SET at = %s WHERE id = %s",  # noqa: S608
            [now - timedelta(days=31), old.pk],
        )
    before = AuditEvent.objects.count()
    assert audit_log_prune(now=now) == 1
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=recent.pk).exists()
    purge = AuditEvent.objects.get(action=AuditAction.RECORDS_PURGED, target="audit log")
    assert purge.detail == "1 events older than 30 days" and purge.national
    assert AuditEvent.objects.count() == before  # one gone, one added
    assert audit_log_prune(now=now) == 0  # idempotent


def test_the_worker_runs_every_retention_job_on_its_first_tick(staff: Staff) -> None:
    results = {r.name: r for r in jobs_run_due(now=timezone.now())}
    assert set(results) == {row.name for row in JobRun.objects.all()}
    assert all(result.ok for result in results.values()), results
    assert "support-cases-purge" in results and "housing-purge" in results
