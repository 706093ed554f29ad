"""E-mail reaches a real SMTP server through the outbox and the worker, with only a link;
a mail server that refuses is retried, and the log names neither the address nor the link."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from fristad.accounts.models import Role
from fristad.accounts.services import IssuedInvite, invite_create
from fristad.housing.models import PlacementRequest
from fristad.ops.mail import emails_deliver, retry_delay
from fristad.ops.models import Counter, OutgoingEmail
from tests.conftest import Staff
from tests.housing_helpers import make_unit, send_request
from tests.smtp_helpers import Inbox, smtp_server


@pytest.fixture
def smtp(settings: Any) -> Iterator[Inbox]:
    with smtp_server() as (inbox, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_TIMEOUT = 5
        settings.DEFAULT_FROM_EMAIL = "fristad@fristad.test"
        yield inbox


def invite(staff: Staff, email: str) -> IssuedInvite:
    """A jourkvinna's invite from jour A's coordinator, e-mailed (queued) with its link."""
    return invite_create(
        invited_by=staff.admin_a,
        email=email,
        role=Role.JOURKVINNA,
        jour=staff.jour_a,
        base_url="https://fristad.test/",
    )


def fristad_log(caplog: pytest.LogCaptureFixture) -> str:
    """What Fristad logged (the test SMTP server logs its own lines, addresses and all)."""
    return "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("fristad"))


def links(text: str) -> list[str]:
    return [word for word in text.split() if "://" in word]


def test_an_invite_arrives_by_smtp_with_only_its_link(staff: Staff, smtp: Inbox) -> None:
    issued = invite(staff, "New.Person@Example.org")
    assert smtp.received == []  # nothing is sent by the request itself
    assert emails_deliver().sent == 1
    (message,) = smtp.received
    assert message.recipients == ["new.person@example.org"]
    assert message.sender == "fristad@fristad.test"
    assert links(message.body) == [f"https://fristad.test/personal/inbjudan/{issued.token}/"]
    text = f"{message.message['Subject']}\n{message.body}"
    for secret in (staff.jour_a.name, "jourkvinna", "volunteer", staff.admin_a.email):
        assert secret not in text
    assert OutgoingEmail.objects.count() == 0  # gone once sent


def test_an_expired_request_notice_arrives_by_smtp_with_only_its_link(
    staff: Staff, smtp: Inbox, settings: Any
) -> None:
    unit = make_unit(staff.jour_a, staff.admin_a)
    request = send_request(staff.caseworker, [unit], reference="IFO-2026-0001")
    emails_deliver()
    smtp.received.clear()
    PlacementRequest.objects.filter(pk=request.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    settings.SITE_URL = "https://fristad.test"
    call_command("housing_expire_requests", stdout=io.StringIO())
    emails_deliver()
    (message,) = smtp.received
    assert message.recipients == ["caseworker@staff.test"]
    assert links(message.body) == [
        f"https://fristad.test/personal/boende/kommun/0180/forfragningar/{request.pk}/"
    ]
    assert "IFO-2026-0001" not in message.body


def test_a_refusing_server_is_retried_and_the_log_names_no_one(
    staff: Staff, smtp: Inbox, caplog: pytest.LogCaptureFixture
) -> None:
    smtp.refuse = True
    issued = invite(staff, "retry@example.org")
    now = timezone.now()
    with caplog.at_level(logging.INFO):
        result = emails_deliver(now=now)
    assert (result.sent, result.retried) == (0, 1)
    waiting = OutgoingEmail.objects.get()
    assert waiting.attempts == 1 and waiting.next_attempt_at == now + retry_delay(1)
    # Not due yet: nothing is tried.
    assert emails_deliver(now=now + timedelta(seconds=1)).retried == 0
    smtp.refuse = False
    assert emails_deliver(now=now + retry_delay(1)).sent == 1
    assert [m.recipients for m in smtp.received] == [["retry@example.org"]]
    logged = fristad_log(caplog)
    assert "could not be sent (attempt 1 of" in logged
    assert "retry@example.org" not in logged and issued.token not in logged and "fristad.test" not in logged


def test_a_message_refused_every_time_is_given_up_and_counted(
    staff: Staff, smtp: Inbox, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.EMAIL_MAX_ATTEMPTS = 3
    smtp.refuse = True
    invite(staff, "never@example.org")
    now = timezone.now()
    for attempt in range(1, 4):
        emails_deliver(now=now)
        now += retry_delay(attempt)
    assert OutgoingEmail.objects.count() == 0
    assert Counter.objects.get(name="emails_failed").value == 1
    logged = fristad_log(caplog)
    assert "given up after 3 attempts" in logged and "never@example.org" not in logged


def test_a_mail_server_that_is_down_does_not_fail_the_request(staff: Staff, settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9  # nothing listens
    settings.EMAIL_TIMEOUT = 2
    invite(staff, "down@example.org")
    assert emails_deliver().retried == 1
    assert OutgoingEmail.objects.get().attempts == 1


def test_a_rolled_back_change_sends_nothing(staff: Staff) -> None:
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        invite(staff, "undo@example.org")
        raise RuntimeError("the change fails after the invite")
    assert OutgoingEmail.objects.count() == 0
