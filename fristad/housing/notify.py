"""E-mail notifications: a link and nothing else.

No case reference, no needs, no ages, no jour or municipality name: an e-mail leaves
the system and may be read anywhere, so it only says that something is waiting behind
a sign-in (with its second factor). Queued in the outbox with the change itself and
sent by the worker (fristad/ops/mail.py).
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from fristad.ops.mail import email_enqueue


def _later(*, subject: str, body: str, to: list[str]) -> None:
    """Into the outbox, in the caller's transaction: the worker sends it, so a mail server
    that is down never undoes or delays an answer. One message per person: colleagues'
    addresses are not shown to each other."""
    for address in to:
        email_enqueue(to=address, subject=subject, body=body)


def new_request(*, base_url: str, jour_id: int, item_id: int, to: list[str]) -> None:
    """To the jour's housing contacts: a request waits for an answer."""
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("housing:jour_request", kwargs={"jour_id": jour_id, "item_id": item_id})
        body = _("A placement request is waiting for your answer. Sign in to read it:\n\n%(link)s\n") % {
            "link": base_url.rstrip("/") + path
        }
        _later(subject=_("New placement request"), body=body, to=to)


def request_answered(*, base_url: str, code: str, request_id: int, to: list[str]) -> None:
    """To the caseworker who sent the request: a jour has answered."""
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("housing:request", kwargs={"code": code, "request_id": request_id})
        body = _("A placement request has been answered. Sign in to read the answer:\n\n%(link)s\n") % {
            "link": base_url.rstrip("/") + path
        }
        _later(subject=_("Placement request answered"), body=body, to=to)


def request_expired(*, base_url: str, code: str, request_id: int, to: list[str]) -> None:
    """To the caseworker who sent the request: no jour answered in time."""
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("housing:request", kwargs={"code": code, "request_id": request_id})
        body = _(
            "A placement request expired before every jour had answered. Sign in to see it:\n\n%(link)s\n"
        ) % {"link": base_url.rstrip("/") + path}
        _later(subject=_("Placement request expired"), body=body, to=to)
