"""Every read of a support case is in the jour's audit log (SENSITIVE_READ), every change too
(SUPPORT_CASE_CHANGED), and no entry carries the alias, the phone number or the place."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fristad.accounts.models import AuditAction, AuditEvent
from fristad.directory.hours import STOCKHOLM
from fristad.support import services
from fristad.support.models import Appointment, SupportCase
from fristad.support.urls import urlpatterns
from tests.conftest import Staff

pytestmark = pytest.mark.django_db

ALIAS = "Ingegerd"
PHONE = "0731234567"
PLACE = "Socialkontoret Kungsholmen"
SECRETS = (ALIAS, PHONE, PLACE, "Kungsholmen")

# For each URL on GET: does the page show a case (so it must log a read)?
READS = {
    "case_list": True,
    "my_appointments": True,
    "case_detail": True,
    "case_edit": True,
    "appointment_new": True,
    "appointment_edit": True,
    "case_open": False,  # an empty form
    "case_status": None,  # POST only
    "appointment_cancel": None,
}


def test_every_support_url_is_listed() -> None:
    assert {p.name for p in urlpatterns} == set(READS)


@pytest.fixture
def world(staff: Staff) -> tuple[SupportCase, Appointment]:
    case = services.support_case_open(actor=staff.admin_a, jour=staff.jour_a, alias=ALIAS, phone=PHONE)
    day = timezone.now().astimezone(STOCKHOLM).date() + timedelta(days=1)
    start = datetime(day.year, day.month, day.day, 10, tzinfo=STOCKHOLM)
    appointment = services.appointment_create(
        actor=staff.admin_a,
        case=case,
        kind="social_services",
        start=start,
        end=start + timedelta(hours=1),
        place=PLACE,
        people=[staff.kvinna_a],
    )
    return case, appointment


def url_for(name: str, case: SupportCase, appointment: Appointment) -> str:
    pattern = next(p for p in urlpatterns if p.name == name)
    kwargs: dict[str, Any] = {"jour_id": case.jour_id}
    params = pattern.pattern.converters
    if "case_id" in params:
        kwargs["case_id"] = case.pk
    if "appointment_id" in params:
        kwargs["appointment_id"] = appointment.pk
    return reverse(f"support:{name}", kwargs=kwargs)


def assert_clean(event: AuditEvent) -> None:
    for secret in SECRETS:
        assert secret not in event.target and secret not in event.detail, (event.target, event.detail)


@pytest.mark.parametrize("name", sorted(n for n, reads in READS.items() if reads is not None))
def test_each_page_that_shows_a_case_logs_the_read(
    staff: Staff, world: tuple[SupportCase, Appointment], name: str
) -> None:
    case, appointment = world
    client = Client()
    client.force_login(staff.kvinna_a)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    response = client.get(url_for(name, case, appointment))
    assert response.status_code == 200
    new = list(AuditEvent.objects.exclude(pk__in=before))
    reads = [e for e in new if e.action == AuditAction.SENSITIVE_READ]
    if READS[name]:
        assert len(reads) == 1, (name, [(e.action, e.target) for e in new])
        (event,) = reads
        assert event.actor_id == staff.kvinna_a.pk and event.jour_id == staff.jour_a.pk
        assert_clean(event)
    else:
        assert reads == []


def test_the_case_page_names_the_case_by_number(staff: Staff, world: tuple[SupportCase, Appointment]) -> None:
    case, appointment = world
    client = Client()
    client.force_login(staff.admin_a)
    client.get(url_for("case_detail", case, appointment))
    client.get(url_for("case_detail", case, appointment))
    reads = AuditEvent.objects.filter(action=AuditAction.SENSITIVE_READ, target=f"support case {case.pk}")
    assert reads.count() == 2, "every read, not only the first"


def test_every_change_is_logged_without_her_details(
    staff: Staff, world: tuple[SupportCase, Appointment]
) -> None:
    case, appointment = world
    client = Client()
    client.force_login(staff.kvinna_a)
    day = (timezone.now().astimezone(STOCKHOLM).date() + timedelta(days=2)).isoformat()
    steps: list[tuple[str, dict[str, Any]]] = [
        ("case_edit", {"alias": "Inga", "phone": ""}),
        (
            "appointment_edit",
            {
                "kind": "court",
                "day": day,
                "starts": "09:00",
                "ends": "",
                "place": PLACE,
                "people": [staff.kvinna_a.pk],
            },
        ),
        (
            "appointment_new",
            {
                "kind": "police",
                "day": day,
                "starts": "14:00",
                "ends": "15:00",
                "place": "",
                "people": [staff.kvinna_a.pk],
            },
        ),
        ("appointment_cancel", {}),
        ("case_status", {"action": "close"}),
        ("case_status", {"action": "reopen"}),
    ]
    for name, data in steps:
        before = AuditEvent.objects.filter(action=AuditAction.SUPPORT_CASE_CHANGED).count()
        response = client.post(url_for(name, case, appointment), data)
        assert response.status_code == 302, (name, response.content.decode()[:1500])
        after = AuditEvent.objects.filter(action=AuditAction.SUPPORT_CASE_CHANGED).count()
        assert after == before + 1, name
    changes = AuditEvent.objects.filter(action=AuditAction.SUPPORT_CASE_CHANGED)
    # Opening (in the fixture) and its first appointment, then the six steps.
    assert changes.count() == 8
    for event in AuditEvent.objects.all():
        assert_clean(event)
        assert "Inga" not in event.target + event.detail
    assert all(e.jour_id == staff.jour_a.pk for e in changes)


def test_opening_a_case_through_the_form_is_logged(staff: Staff) -> None:
    client = Client()
    client.force_login(staff.kvinna_a)
    response = client.post(
        reverse("support:case_open", kwargs={"jour_id": staff.jour_a.pk}), {"alias": "Ronja", "phone": PHONE}
    )
    assert response.status_code == 302
    (event,) = AuditEvent.objects.filter(action=AuditAction.SUPPORT_CASE_CHANGED)
    assert event.actor_id == staff.kvinna_a.pk and event.target.startswith("support case ")
    assert "Ronja" not in event.target + event.detail and PHONE not in event.detail
