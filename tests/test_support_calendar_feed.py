"""Her stödperson appointments in her iCalendar feed and her schedule week: the kind and the
time, never the alias, the phone number or the place; only the jourkvinnor assigned."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from fristad.accounts import shifts
from fristad.accounts.models import Membership
from fristad.directory.hours import STOCKHOLM
from fristad.support import services
from fristad.support.models import Appointment
from tests.conftest import Staff

pytestmark = pytest.mark.django_db

ALIAS = "Solveig"
PHONE = "0701239876"
PLACE = "Polishuset Kungsholmen"


def in_days(days: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.now().astimezone(STOCKHOLM).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=STOCKHOLM)


@pytest.fixture
def appointment(staff: Staff) -> Appointment:
    case = services.support_case_open(actor=staff.admin_a, jour=staff.jour_a, alias=ALIAS, phone=PHONE)
    return services.appointment_create(
        actor=staff.admin_a,
        case=case,
        kind="lawyer",
        start=in_days(2, 9, 30),
        end=in_days(2, 11),
        place=PLACE,
        people=[staff.kvinna_a],
    )


def feed(user: object) -> bytes:
    token = shifts.calendar_feed_issue(user=user)  # type: ignore[arg-type]
    with translation.override("en"):
        url = reverse("accounts:calendar_feed", kwargs={"token": token})
    assert url.startswith("/en/")
    response = Client().get(url)
    assert response.status_code == 200
    return response.content


def support_events(data: bytes) -> list[object]:
    return [e for e in Calendar.from_ical(data).walk("VEVENT") if str(e["UID"]).startswith("support-")]


def test_the_feed_has_kind_and_time_and_nothing_about_her(staff: Staff, appointment: Appointment) -> None:
    data = feed(staff.kvinna_a)
    (event,) = support_events(data)
    assert event.decoded("DTSTART") == appointment.start  # type: ignore[attr-defined]
    assert event.decoded("DTEND") == appointment.end  # type: ignore[attr-defined]
    summary = str(event["SUMMARY"])  # type: ignore[index]
    assert summary == "Stödperson: Lawyer or målsägandebiträde"
    text = data.decode()
    unfolded = text.replace("\r\n ", "")
    for secret in (ALIAS, PHONE, "070-123 98 76", PLACE, "Kungsholmen", "support case"):
        assert secret not in unfolded, secret
    assert "DESCRIPTION" not in str(event.to_ical())  # type: ignore[attr-defined]


def test_only_the_assigned_jourkvinnor_get_it(staff: Staff, appointment: Appointment) -> None:
    assert support_events(feed(staff.kvinna_a))
    assert not support_events(feed(staff.admin_a)), "the coordinator opened it but does not go"
    assert not support_events(feed(staff.kvinna_b))


def test_a_cancelled_appointment_leaves_the_feed(staff: Staff, appointment: Appointment) -> None:
    services.appointment_cancel(actor=staff.admin_a, appointment=appointment, now=timezone.now())
    assert not support_events(feed(staff.kvinna_a))


def test_she_loses_it_when_she_leaves_the_jour(staff: Staff, appointment: Appointment) -> None:
    Membership.objects.filter(user=staff.kvinna_a, jour=staff.jour_a).delete()
    assert not support_events(feed(staff.kvinna_a))


def test_a_moved_appointment_moves_in_the_feed(staff: Staff, appointment: Appointment) -> None:
    services.appointment_update(
        actor=staff.admin_a,
        appointment=appointment,
        kind="court",
        start=in_days(3, 13),
        end=in_days(3, 16),
        place=PLACE,
        people=[staff.kvinna_a, staff.admin_a],
    )
    (event,) = support_events(feed(staff.kvinna_a))
    assert event.decoded("DTSTART") == in_days(3, 13)  # type: ignore[attr-defined]
    assert "Court" in str(event["SUMMARY"])  # type: ignore[index]
    assert support_events(feed(staff.admin_a)), "newly assigned"


def test_her_schedule_week_shows_kind_and_time_only(staff: Staff, appointment: Appointment) -> None:
    client = Client()
    client.force_login(staff.kvinna_a)
    with translation.override("en"):
        url = reverse("accounts:jour_schedule", kwargs={"jour_id": staff.jour_a.pk})
    body = client.get(
        url, {"vecka": appointment.start.astimezone(STOCKHOLM).date().isoformat()}
    ).content.decode()
    assert "Your appointments this week" in body
    assert "Lawyer or målsägandebiträde" in body
    assert "09:30–11:00" in body
    for secret in (ALIAS, PHONE, PLACE):
        assert secret not in body
    other = Client()
    other.force_login(staff.admin_a)
    week = appointment.start.astimezone(STOCKHOLM).date().isoformat()
    assert "Lawyer or målsägandebiträde" not in other.get(url, {"vecka": week}).content.decode()
