"""Bad input on the stödperson forms gets a clear message next to the field, never a 500,
and changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from fristad.accounts.models import AuditEvent
from fristad.directory.hours import STOCKHOLM
from fristad.support import services
from fristad.support.models import Appointment, SupportAppointmentCount, SupportCase
from fristad.support.rules import RuleError, clean_alias, clean_phone
from tests.conftest import Staff

pytestmark = pytest.mark.django_db

TOMORROW = (timezone.now().astimezone(STOCKHOLM).date() + timedelta(days=1)).isoformat()


def state() -> tuple[Any, ...]:
    return (
        list(SupportCase.objects.order_by("pk").values()),
        list(Appointment.objects.order_by("pk").values()),
        SupportAppointmentCount.objects.count(),
    )


@pytest.fixture
def client(staff: Staff) -> Client:
    client = Client()
    client.force_login(staff.kvinna_a)
    return client


@pytest.fixture
def case(staff: Staff) -> SupportCase:
    return services.support_case_open(actor=staff.kvinna_a, jour=staff.jour_a, alias="Karin")


def en(name: str, **kwargs: Any) -> str:
    with translation.override("en"):
        return reverse(f"support:{name}", kwargs=kwargs)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"alias": "", "phone": ""}, "Write the first name or alias she chose."),
        ({"alias": "   ", "phone": ""}, "Write the first name or alias she chose."),
        ({"alias": "x" * 41, "phone": ""}, "Keep the alias to 40 characters."),
        ({"alias": "x" * 5000, "phone": ""}, "at most 200 characters"),
        ({"alias": "Anna 850101-1234", "phone": ""}, "no digits, e-mail addresses"),
        ({"alias": "anna@example.se", "phone": ""}, "no digits, e-mail addresses"),
        ({"alias": "An\x00na", "phone": ""}, "Null characters are not allowed."),
        ({"alias": "Anna", "phone": "ring mig"}, "Write a phone number, like 070-123 45 67"),
        ({"alias": "Anna", "phone": "112"}, "Write a phone number"),
        ({"alias": "Anna", "phone": "70 123 45 67"}, "Write a phone number"),
        ({"alias": "Anna", "phone": "070+1234567"}, "Write a phone number"),
        ({"alias": "Anna", "phone": "+0701234567"}, "Write a phone number"),
        ({"alias": "Anna", "phone": "9" * 5000}, "at most 40 characters"),
        ({}, "Write the first name or alias she chose."),
    ],
)
def test_opening_a_case_with_bad_input(
    staff: Staff, client: Client, data: dict[str, str], message: str
) -> None:
    before = state()
    events = AuditEvent.objects.count()
    response = client.post(en("case_open", jour_id=staff.jour_a.pk), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body, body[:3000]
    assert 'role="alert"' in body and 'aria-invalid="true"' in body
    assert state() == before and AuditEvent.objects.count() == events


def _appointment(staff: Staff, **changes: Any) -> dict[str, Any]:
    return {
        "kind": "police",
        "day": TOMORROW,
        "starts": "10:00",
        "ends": "11:00",
        "place": "Polishuset",
        "people": [staff.kvinna_a.pk],
    } | changes


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kind": "witchcraft"}, "Choose one of the options."),
        ({"kind": ""}, "Choose what kind of appointment it is."),
        ({"day": "2026-13-45"}, "Write the date as YYYY-MM-DD"),
        ({"day": "x" * 5000}, "Write the date as YYYY-MM-DD"),
        ({"day": ""}, "Give the date of the appointment."),
        ({"starts": "25:00"}, "Write the time as HH:MM"),
        ({"starts": ""}, "Give the time it starts."),
        ({"ends": "09:00"}, "The appointment must end after it starts"),
        ({"ends": "10:00"}, "The appointment must end after it starts"),
        ({"starts": "06:00", "ends": "20:00"}, "at most 12 hours long"),
        ({"day": "2027-03-28", "starts": "02:30"}, "02:30 does not exist on 2027-03-28"),
        ({"people": []}, "Choose at least one jourkvinna to go with her."),
        ({"people": ["abc"]}, "Choose from the people at the jour only."),
        ({"people": ["999999"]}, "Choose from the people at the jour only."),
        ({"place": "p" * 81}, "Keep the place to 80 characters."),
        ({"place": "p" * 5000}, "at most 200 characters"),
    ],
)
def test_an_appointment_with_bad_input(
    staff: Staff, client: Client, case: SupportCase, changes: dict[str, Any], message: str
) -> None:
    before = state()
    response = client.post(
        en("appointment_new", jour_id=staff.jour_a.pk, case_id=case.pk), _appointment(staff, **changes)
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body, body[:4000]
    assert 'role="alert"' in body
    assert state() == before


def test_a_closed_case_takes_no_appointments(staff: Staff, client: Client, case: SupportCase) -> None:
    services.support_case_close(actor=staff.kvinna_a, case=case, now=timezone.now())
    before = state()
    response = client.post(
        en("appointment_new", jour_id=staff.jour_a.pk, case_id=case.pk), _appointment(staff)
    )
    assert response.status_code == 200
    assert "The case is closed. Reopen it to plan appointments." in response.content.decode()
    assert state() == before


def appoint(
    staff: Staff,
    case: SupportCase,
    *,
    kind: str = "police",
    hours: int = 1,
    people: tuple[str, ...] = ("kvinna_a",),
) -> Appointment:
    """An appointment made through the service, not a form: tomorrow from 10 for ``hours``, with
    the staff of ``people`` (roles of the ``staff`` fixture)."""
    start = datetime.fromisoformat(f"{TOMORROW}T10:00").replace(tzinfo=STOCKHOLM)
    return services.appointment_create(
        actor=staff.kvinna_a,
        case=case,
        kind=kind,
        start=start,
        end=start + timedelta(hours=hours),
        place="",
        people=[getattr(staff, role) for role in people],
    )


def test_twice_closed_twice_cancelled_and_unknown_actions(
    staff: Staff, client: Client, case: SupportCase
) -> None:
    appointment = appoint(staff, case, kind="court", hours=2)
    status = en("case_status", jour_id=staff.jour_a.pk, case_id=case.pk)
    cancel = en("appointment_cancel", jour_id=staff.jour_a.pk, case_id=case.pk, appointment_id=appointment.pk)
    edit = en("appointment_edit", jour_id=staff.jour_a.pk, case_id=case.pk, appointment_id=appointment.pk)
    assert client.post(status, {"action": "nonsense"}, follow=True).status_code == 200
    assert client.post(cancel).status_code == 302
    again = client.post(cancel, follow=True)
    assert "The appointment is already cancelled." in again.content.decode()
    changed = client.post(edit, _appointment(staff))
    assert "The appointment is cancelled and cannot be changed." in changed.content.decode()
    assert client.post(status, {"action": "close"}).status_code == 302
    closed_again = client.post(status, {"action": "close"}, follow=True)
    assert "The case is already closed." in closed_again.content.decode()
    reopened = client.post(status, {"action": "reopen"}, follow=True)
    assert "The case is open again." in reopened.content.decode()
    assert SupportAppointmentCount.objects.count() == 0, "the cancelled appointment left the counts"


def test_nonsense_in_the_address_is_not_found(staff: Staff, client: Client, case: SupportCase) -> None:
    for path in (
        f"/personal/jour/{staff.jour_a.pk}/stod/abc/",
        f"/personal/jour/{staff.jour_a.pk}/stod/{case.pk}/besok/-1/",
        f"/personal/jour/{staff.jour_a.pk}/stod/99999999999999999999/",
        "/personal/jour/x/stod/",
    ):
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param({"people": ("kvinna_b",)}, "Only people at this jour can be assigned", id="other-jour"),
        pytest.param({"people": ("caseworker",)}, "Only people at this jour", id="caseworker"),
        pytest.param({"kind": "x"}, "Choose what kind", id="unknown-kind"),
        pytest.param({"hours": 0}, "end after it starts", id="ends-as-it-starts"),
    ],
)
def test_the_services_refuse_what_the_forms_would(
    staff: Staff, case: SupportCase, changes: dict[str, Any], message: str
) -> None:
    """The services have the last word, for any caller that is not a form."""
    before = state()
    with translation.override("en"), pytest.raises(ValidationError, match=message):
        appoint(staff, case, **changes)
    assert state() == before and not Appointment.objects.exists()


def test_the_service_refuses_an_alias_the_form_would(staff: Staff) -> None:
    """Likewise for opening a case: no personal number in the alias."""
    before = state()
    with translation.override("en"), pytest.raises(ValidationError, match="no digits"):
        services.support_case_open(actor=staff.kvinna_a, jour=staff.jour_a, alias="19850101-1234")
    assert state() == before


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("070-123 45 67", "0701234567"),
        ("08-123 456", "08123456"),
        ("(08) 123 45 67", "081234567"),
        ("+46 70 123 45 67", "+46701234567"),
        ("0046 70 123 45 67", "+46701234567"),
        ("+46 (0)70-123 45 67", "+46701234567"),
        ("+358 40 123 4567", "+358401234567"),
        ("", ""),
    ],
)
def test_phone_numbers_people_write(text: str, normalized: str) -> None:
    assert clean_phone(text) == normalized


@pytest.mark.parametrize("alias", ["Anna", "Anna-Karin", "Åsa", "  Nour  ", "Fjärilen"])
def test_aliases_that_are_fine(alias: str) -> None:
    assert clean_alias(alias) == alias.strip()


def test_a_rule_error_says_which_field() -> None:
    from datetime import date, time

    from fristad.support.rules import appointment_span

    with pytest.raises(RuleError) as raised:
        appointment_span(date(2026, 5, 5), time(10), time(9))
    assert raised.value.field == "ends"
