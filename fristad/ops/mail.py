"""E-mail through an outbox: a request or a websocket never waits for a mail server.

``email_enqueue`` writes the message in the caller's transaction (nothing is sent for a
change that is rolled back); the worker (``fristad worker``) sends it with
``emails_deliver`` and retries with growing pauses. A failure is logged with the
exception's class and the attempt only: never the recipient's address, the subject or
the link, which would let a log reader follow the link or learn who works where.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.utils import timezone

from fristad.ops.counters import counter_add
from fristad.ops.models import OutgoingEmail

log = logging.getLogger(__name__)

# A worker holds a message this long while it sends; if it dies, another takes it then.
CLAIM_SECONDS = 300
FAILED_COUNTER = "emails_failed"
SENT_COUNTER = "emails_sent"


def email_enqueue(*, to: str, subject: str, body: str) -> OutgoingEmail:
    """One message to one person (colleagues never see each other's addresses)."""
    return OutgoingEmail.objects.create(to=to, subject=subject[:200], body=body)


def retry_delay(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min … at most an hour: a mail server down for a night is retried
    all night (EMAIL_MAX_ATTEMPTS bounds it)."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


@dataclass(frozen=True)
class Delivery:
    sent: int = 0
    retried: int = 0
    given_up: int = 0


def _due(now: datetime) -> Q:
    return Q(next_attempt_at__lte=now) & (Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))


def emails_deliver(*, now: datetime | None = None, limit: int = 50) -> Delivery:
    """Send what is due; safe with several workers (each message is claimed by a
    conditional UPDATE before it is sent)."""
    now = now or timezone.now()
    ids = list(OutgoingEmail.objects.filter(_due(now)).values_list("pk", flat=True)[:limit])
    if not ids:
        return Delivery()
    sent = retried = given_up = 0
    connection = get_connection(fail_silently=False)
    try:
        for pk in ids:
            claimed = OutgoingEmail.objects.filter(_due(now), pk=pk).update(
                claimed_until=now + timedelta(seconds=CLAIM_SECONDS)
            )
            if not claimed:
                continue  # another worker has it
            message = OutgoingEmail.objects.get(pk=pk)
            try:
                EmailMessage(
                    message.subject,
                    message.body,
                    settings.DEFAULT_FROM_EMAIL,
                    [message.to],
                    connection=connection,
                ).send()
            except Exception as exc:  # any failure of the mail server is retried, never raised
                attempts = message.attempts + 1
                if attempts >= settings.EMAIL_MAX_ATTEMPTS:
                    message.delete()
                    counter_add(name=FAILED_COUNTER, now=now)
                    given_up += 1
                    log.error("an e-mail was given up after %d attempts (%s)", attempts, type(exc).__name__)
                else:
                    delay = retry_delay(attempts)
                    OutgoingEmail.objects.filter(pk=pk).update(
                        attempts=attempts, next_attempt_at=now + delay, claimed_until=None
                    )
                    retried += 1
                    log.warning(
                        "an e-mail could not be sent (attempt %d of %d, %s); next try in %d s",
                        attempts,
                        settings.EMAIL_MAX_ATTEMPTS,
                        type(exc).__name__,
                        delay.total_seconds(),
                    )
                # A broken connection is not reused for the next message.
                connection.close()
                connection = get_connection(fail_silently=False)
            else:
                message.delete()
                sent += 1
    finally:
        try:
            connection.close()
        except Exception:  # closing a dead SMTP connection may fail too; nothing to do
            log.debug("closing the mail connection failed")
    if sent:
        counter_add(name=SENT_COUNTER, amount=sent, now=now)
        log.info("%d e-mails sent", sent)
    return Delivery(sent=sent, retried=retried, given_up=given_up)


def emails_waiting() -> int:
    return OutgoingEmail.objects.count()
