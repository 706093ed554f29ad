"""``fristad bootstrap-national``: the first national account from the terminal, through
the ordinary invite (her password, her second factor), refused once one exists, audited."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from fristad.accounts.models import AuditAction, AuditEvent, Membership, Role
from fristad.ops.models import OutgoingEmail
from tests.conftest import ensure_reference_data


def bootstrap(*args: str) -> str:
    out = io.StringIO()
    call_command("bootstrap_national", *args, stdout=out)
    return out.getvalue()


def test_it_prints_a_single_use_link_and_queues_the_same_link_by_e_mail(db: None, settings: Any) -> None:
    ensure_reference_data()
    settings.SITE_URL = "https://fristad.test"
    out = bootstrap("Kansli@Example.org")
    (link,) = re.findall(r"https://fristad\.test/personal/inbjudan/\S+/", out)
    message = OutgoingEmail.objects.get()
    assert message.to == "kansli@example.org" and link in message.body
    event = AuditEvent.objects.get(action=AuditAction.INVITE_SENT)
    assert event.national and event.actor is None and "command line" in event.detail
    # The ordinary invite flow: her own password, then the second factor before anything else.
    client = Client()
    path = link.removeprefix("https://fristad.test")
    response = client.post(
        path,
        {
            "full_name": "Kansli",
            "password1": "ett-langt-losenord-2026",
            "password2": "ett-langt-losenord-2026",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="kansli@example.org")
    assert membership.role == Role.NATIONAL_OFFICE
    assert client.get("/personal/").status_code == 302  # to the factor set-up, not in
    # Single use.
    assert Client().get(path).status_code == 410


def test_it_refuses_when_a_national_account_exists_unless_forced(db: None, settings: Any) -> None:
    ensure_reference_data()
    settings.SITE_URL = "https://fristad.test"
    from tests.conftest import make_staff_user

    user, _secret = make_staff_user("first@example.org")
    Membership.objects.create(user=user, role=Role.NATIONAL_OFFICE)
    with pytest.raises(CommandError, match="exists already"):
        bootstrap("second@example.org")
    assert OutgoingEmail.objects.count() == 0
    assert "second@example.org" in bootstrap("second@example.org", "--force")


@pytest.mark.parametrize(
    ("args", "message"),
    [(["not-an-address"], "Not an e-mail address"), (["a@example.org", "--site-url", ""], "set SITE_URL")],
)
def test_bad_input_gets_a_clear_error(db: None, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        bootstrap(*args)
    assert OutgoingEmail.objects.count() == 0
