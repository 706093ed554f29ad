"""The purge: a closed case goes (with its appointments and number) after the retention
time counted from its last appointment; an open one stays; the anonymous counts survive."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from fristad.accounts.models import AuditAction, AuditEvent
from fristad.directory.hours import STOCKHOLM
from fristad.support import services
from fristad.support.models import Appointment, SupportAppointmentCount, SupportCase
from tests.conftest import Staff

pytestmark = pytest.mark.django_db


def at(days_ago: int, hour: int = 10) -> datetime:
    day = (timezone.now() - timedelta(days=days_ago)).astimezone(STOCKHOLM).date()
    return datetime(day.year, day.month, day.day, hour, tzinfo=STOCKHOLM)


def appoint(
    staff: Staff, case: SupportCase, *, days_ago: int, kind: str = "police", until: int = 11, place: str = ""
) -> Appointment:
    """An appointment with her from 10 o'clock ``days_ago`` days ago (negative: still to come)."""
    return services.appointment_create(
        actor=staff.kvinna_a,
        case=case,
        kind=kind,
        start=at(days_ago),
        end=at(days_ago, until),
        place=place,
        people=[staff.kvinna_a],
    )


def case_with_appointment(staff: Staff, alias: str, *, days_ago: int, kind: str = "police") -> SupportCase:
    case = services.support_case_open(
        actor=staff.kvinna_a, jour=staff.jour_a, alias=alias, phone="0701234567"
    )
    appoint(staff, case, days_ago=days_ago, kind=kind, until=12, place="Polishuset")
    return case


def close(staff: Staff, case: SupportCase, *, days_ago: int) -> None:
    services.support_case_close(
        actor=staff.kvinna_a, case=case, now=timezone.now() - timedelta(days=days_ago)
    )


def purge() -> str:
    out = StringIO()
    call_command("purge_support_cases", stdout=out)
    return out.getvalue()


def test_closed_case_is_purged_after_the_time_and_counts_survive(staff: Staff) -> None:
    old = case_with_appointment(staff, "Astrid", days_ago=120, kind="court")
    close(staff, old, days_ago=100)
    assert SupportAppointmentCount.objects.filter(kind="court").count() == 1

    output = purge()

    assert "Deleted 1 closed support cases" in output
    assert not SupportCase.objects.filter(pk=old.pk).exists()
    assert not Appointment.objects.filter(case_id=old.pk).exists()
    # Nothing of her is left in the database, not even encrypted.
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM support_supportcase")
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT COUNT(*) FROM support_appointment_people")
        assert cursor.fetchone()[0] == 0
    # The anonymous count stays: jour, date, kind.
    (count,) = SupportAppointmentCount.objects.all()
    assert (count.jour_id, count.date, count.kind) == (staff.jour_a.pk, at(120).date(), "court")
    event = AuditEvent.objects.filter(action=AuditAction.RECORDS_PURGED).get()
    assert event.jour_id == staff.jour_a.pk and "Astrid" not in event.target + event.detail


def test_open_case_is_kept_however_old(staff: Staff) -> None:
    case = case_with_appointment(staff, "Berit", days_ago=400)
    purge()
    assert SupportCase.objects.filter(pk=case.pk).exists()


def test_closed_case_is_kept_until_the_time_after_its_last_appointment(staff: Staff) -> None:
    case = case_with_appointment(staff, "Cecilia", days_ago=200)
    appoint(staff, case, days_ago=60, kind="lawyer")
    close(staff, case, days_ago=59)
    purge()
    assert SupportCase.objects.filter(pk=case.pk).exists(), "last appointment 60 days ago: kept"
    with override_settings(SUPPORT_PURGE_AFTER_DAYS=30):
        purge()
    assert not SupportCase.objects.filter(pk=case.pk).exists(), "the setting shortens the time"
    assert sorted(SupportAppointmentCount.objects.values_list("kind", flat=True)) == ["lawyer", "police"]


def test_a_case_closed_recently_is_kept_even_if_its_appointments_are_old(staff: Staff) -> None:
    """Never sooner than the retention time after the closing: a case closed by mistake can be reopened."""
    case = case_with_appointment(staff, "Dagny", days_ago=300)
    close(staff, case, days_ago=1)
    purge()
    assert SupportCase.objects.filter(pk=case.pk).exists()


def test_a_closed_case_without_appointments_goes_after_the_time_from_its_closing(staff: Staff) -> None:
    kept = services.support_case_open(actor=staff.kvinna_a, jour=staff.jour_a, alias="Edit")
    gone = services.support_case_open(actor=staff.kvinna_a, jour=staff.jour_a, alias="Frida")
    close(staff, kept, days_ago=89)
    close(staff, gone, days_ago=91)
    purge()
    assert SupportCase.objects.filter(pk=kept.pk).exists()
    assert not SupportCase.objects.filter(pk=gone.pk).exists()


def test_cancelled_and_moved_appointments_adjust_the_counts(staff: Staff) -> None:
    case = services.support_case_open(actor=staff.kvinna_a, jour=staff.jour_a, alias="Greta")
    # Two alike, three days ahead: the first is cancelled, the second moved a day later as another kind.
    first, second = (appoint(staff, case, days_ago=-3) for _ in range(2))
    services.appointment_update(
        actor=staff.kvinna_a,
        appointment=second,
        kind="health_care",
        start=at(-4),
        end=at(-4, 11),
        place="",
        people=[staff.kvinna_a],
    )
    services.appointment_cancel(actor=staff.kvinna_a, appointment=first, now=timezone.now())
    rows = sorted(SupportAppointmentCount.objects.values_list("date", "kind"))
    assert rows == [(at(-4).date(), "health_care")]


def test_purge_runs_again_without_harm(staff: Staff) -> None:
    case = case_with_appointment(staff, "Hedda", days_ago=120)
    close(staff, case, days_ago=100)
    assert "Deleted 1" in purge()
    assert "Deleted 0" in purge()
    assert AuditEvent.objects.filter(action=AuditAction.RECORDS_PURGED).count() == 1


def test_closing_cancels_the_coming_appointments(staff: Staff) -> None:
    case = case_with_appointment(staff, "Ingrid", days_ago=5)
    coming = appoint(staff, case, days_ago=-7, kind="court", until=12)
    close(staff, case, days_ago=0)
    coming.refresh_from_db()
    assert coming.cancelled_at is not None, "out of her calendar"
    assert list(SupportAppointmentCount.objects.values_list("kind", flat=True)) == ["police"], (
        "the past one counts"
    )
    assert Appointment.objects.get(case=case, kind="police").cancelled_at is None
