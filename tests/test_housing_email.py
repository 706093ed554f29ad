"""Notifications carry a link and nothing else: no case reference, needs, ages, names of
jourer, municipalities or units, and never the address."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from django.core.management import call_command
from django.utils import timezone

from fristad.accounts.models import Membership
from fristad.housing import services
from fristad.housing.models import HousingUnit, PlacementRequest
from tests.conftest import Staff
from tests.housing_helpers import ADDRESS, make_unit, send_request
from tests.mail_helpers import sent_mail

REFERENCE = "IFO-2026-5511"


def forbidden(staff: Staff, unit: HousingUnit) -> list[str]:
    return [
        REFERENCE,
        ADDRESS,
        "Hemliga",
        unit.name,
        staff.jour_a.name,
        "Stockholm",
        "Malmö",
        "girl",
        "boy",
        "flicka",
        "pojke",
        " 4 ",
        " 9 ",
    ]


def test_every_notification_is_only_a_link(staff: Staff, django_capture_on_commit_callbacks: Any) -> None:
    Membership.objects.filter(user=staff.kvinna_a).update(housing=True)
    unit = make_unit(staff.jour_a, staff.admin_a, name="Lägenhet Tallen")
    other = make_unit(staff.jour_b, staff.admin_b, name="Huset vid ån")
    with django_capture_on_commit_callbacks(execute=True):
        request = send_request(staff.caseworker, [unit, other], reference=REFERENCE)
    sent = {address for message in sent_mail() for address in message.to}
    assert sent == {"admin_a@staff.test", "kvinna_a@staff.test", "admin_b@staff.test"}
    with django_capture_on_commit_callbacks(execute=True):
        services.request_item_decline(
            actor=staff.admin_b,
            item=request.items.get(unit=other),
            reason="full",
            base_url="https://fristad.test/",
        )
        services.request_item_accept(
            actor=staff.admin_a, item=request.items.get(unit=unit), base_url="https://fristad.test/"
        )
    assert len(sent_mail()) == 5
    for message in sent_mail():
        text = f"{message.subject}\n{message.body}"
        for secret in [*forbidden(staff, unit), other.name, staff.jour_b.name]:
            assert secret not in text, (secret, text)
        links = [word for word in message.body.split() if "://" in word]
        assert len(links) == 1 and "/personal/boende/" in links[0]
        assert not getattr(message, "alternatives", None) and not message.attachments
    answers = [m for m in sent_mail() if m.to == ["caseworker@staff.test"]]
    assert len(answers) == 2
    assert all(f"/personal/boende/kommun/0180/forfragningar/{request.pk}/" in m.body for m in answers)


def test_a_failing_mail_server_does_not_undo_the_answer(
    staff: Staff, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "tests.test_housing_email.BrokenBackend"
    unit = make_unit(staff.jour_a, staff.admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        request = send_request(staff.caseworker, [unit])
        services.request_item_accept(
            actor=staff.admin_a, item=request.items.get(), base_url="https://x.test/"
        )
    request.refresh_from_db()
    assert request.status == "placed"


class BrokenBackend:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: Any) -> int:
        raise ConnectionRefusedError("no mail server")


def test_an_expired_request_tells_the_caseworker_with_only_a_link(
    staff: Staff, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    unit = make_unit(staff.jour_a, staff.admin_a)
    request = send_request(staff.caseworker, [unit], reference=REFERENCE)
    PlacementRequest.objects.filter(pk=request.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    sent_mail().clear()
    settings.SITE_URL = "https://fristad.test"
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("housing_expire_requests", stdout=out)
    assert "1 placement requests expired." in out.getvalue()
    assert [m.to for m in sent_mail()] == [["caseworker@staff.test"]]
    message = sent_mail()[0]
    for secret in forbidden(staff, unit):
        assert secret not in f"{message.subject}\n{message.body}", secret
    links = [word for word in message.body.split() if "://" in word]
    assert links == [f"https://fristad.test/personal/boende/kommun/0180/forfragningar/{request.pk}/"]
    # Run again: nothing more expires, nobody is told twice.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("housing_expire_requests", verbosity=0)
    assert len(sent_mail()) == 1


def test_without_the_sites_address_expiry_sends_nothing_and_says_why(
    staff: Staff, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    unit = make_unit(staff.jour_a, staff.admin_a)
    request = send_request(staff.caseworker, [unit])
    PlacementRequest.objects.filter(pk=request.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    sent_mail().clear()
    settings.SITE_URL = ""
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("housing_expire_requests", "--site-url", "", stdout=out)
    assert sent_mail() == []
    assert "set SITE_URL" in out.getvalue()
    assert PlacementRequest.objects.get(pk=request.pk).status == "closed"
