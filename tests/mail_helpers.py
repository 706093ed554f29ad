"""E-mail leaves through the outbox (fristad/ops/mail.py): tests that read what was sent
let the worker's delivery run first, as the worker would."""

from __future__ import annotations

from django.core import mail
from django.core.mail import EmailMessage

from fristad.ops.mail import emails_deliver


def sent_mail() -> list[EmailMessage]:
    emails_deliver()
    return mail.outbox
