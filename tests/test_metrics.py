"""``/metrics``: counts for the operator (queue, consoles, e-mail, jobs, drops) behind a
token, and nothing that names a chat, a person or a jour."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from fristad.chat.models import AgentPresence, Chat, ChatStatus, PresenceStatus
from fristad.ops.counters import counter_add
from fristad.ops.jobs import jobs_run_due
from fristad.ops.mail import email_enqueue
from tests.conftest import Staff

TOKEN = "metrics-token-for-the-test"
SAMPLE = re.compile(r'^(fristad_[a-z_]+)(\{[a-z_]+="[a-z0-9_-]+"(,[a-z_]+="[a-z0-9_-]+")*\})? -?[0-9.e+]+$')


@pytest.fixture
def token(settings: Any) -> str:
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def scrape(token: str) -> tuple[int, str]:
    response = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}")
    return response.status_code, response.content.decode()


def value(text: str, name: str) -> float:
    (line,) = [line for line in text.splitlines() if line.startswith(f"{name} ")]
    return float(line.split()[-1])


def test_without_the_token_there_is_nothing_to_see(db: None, settings: Any) -> None:
    settings.METRICS_TOKEN = ""
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404
    settings.METRICS_TOKEN = TOKEN
    assert Client().get("/metrics").status_code == 404
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert Client().get("/en/metrics").status_code == 404


def test_the_queue_consoles_and_outbox_are_counted(staff: Staff, token: str) -> None:
    now = timezone.now()
    for n, minutes in enumerate((1, 7)):
        Chat.objects.create(
            id=f"chat{n}secret",
            key_hash="k" * 64,
            session_hash="s" * 64,
            jour=staff.jour_a,
            queued_at=now - timedelta(minutes=minutes),
        )
    Chat.objects.create(
        id="answered", key_hash="k" * 64, session_hash="t" * 64, queued_at=now, status=ChatStatus.ACTIVE
    )
    AgentPresence.objects.create(
        user=staff.kvinna_a, jour=staff.jour_a, status=PresenceStatus.AVAILABLE, idle_since=now, seen_at=now
    )
    # Gone quiet: not counted as available.
    AgentPresence.objects.create(
        user=staff.admin_a,
        jour=staff.jour_a,
        status=PresenceStatus.AVAILABLE,
        idle_since=now,
        seen_at=now - timedelta(minutes=10),
    )
    email_enqueue(to="someone@example.org", subject="s", body="https://fristad.test/x")
    counter_add(name="emails_failed", amount=2)
    jobs_run_due(now=now)
    status, text = scrape(token)
    assert status == 200
    assert value(text, "fristad_chats_waiting") == 2
    assert value(text, "fristad_chats_active") == 1
    assert 7 * 60 - 5 < value(text, "fristad_chat_oldest_wait_seconds") < 7 * 60 + 60
    assert value(text, "fristad_consoles_available") == 1
    assert value(text, "fristad_emails_waiting") == 1
    assert value(text, "fristad_emails_failed_total") == 2
    assert 'fristad_job_runs_total{job="housing-purge"} 1' in text
    assert 'fristad_job_records_total{job="secret-links-purge",what="invites_deleted"} 0' in text
    # Counts only: every sample is a name, fixed labels and a number; nothing names anyone.
    for line in text.splitlines():
        assert line.startswith("# ") or SAMPLE.match(line), line
    for secret in ("chat0secret", "answered", staff.jour_a.name, staff.kvinna_a.email, "someone@example.org"):
        assert secret not in text


def test_metrics_set_no_cookie_and_are_not_cached(db: None, token: str) -> None:
    response = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert not response.cookies
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")


def test_an_internal_scrape_needs_no_site_host_and_no_https(db: None, token: str, settings: Any) -> None:
    """Scraped at http://app1:8000/metrics on the compose network: not a host the site
    answers to, and plain HTTP; the token is the lock."""
    settings.ALLOWED_HOSTS = ["fristad.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    response = client.get("/metrics", HTTP_HOST="app1:8000", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200 and "fristad_emails_waiting" in response.content.decode()
    assert client.get("/metrics", HTTP_HOST="app1:8000").status_code == 404
    # Every other path still checks the host.
    assert client.get("/", HTTP_HOST="app1:8000").status_code == 400
