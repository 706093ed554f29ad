"""Retention: case references cleared 90 days after a stay ends (or a request closes without
one), counts deleted after two years, both configurable; the command runs it and logs it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from fristad.accounts.models import AuditAction, AuditEvent
from fristad.housing import services
from fristad.housing.models import Placement, PlacementRequest, Stay, TurnedAway
from tests.conftest import Staff
from tests.housing_helpers import accept, make_unit, send_request

TODAY = date.today()


def ended_stay(staff: Staff, *, days_ago: int, reference: str) -> Stay:
    unit = make_unit(staff.jour_a, staff.admin_a, name=f"Enhet {reference}")
    stay = accept(staff.admin_a, send_request(staff.caseworker, [unit], reference=reference), unit)
    end = TODAY - timedelta(days=days_ago)
    start = end - timedelta(days=30)
    Stay.objects.filter(pk=stay.pk).update(start=start, end=end)
    Placement.objects.filter(stay=stay).update(start=start, end=end, nights=30)
    closed = timezone.now() - timedelta(days=days_ago + 30)
    PlacementRequest.objects.filter(stay=stay).update(created_at=closed, closed_at=closed)
    return stay


def test_purge_clears_references_and_deletes_old_counts(staff: Staff) -> None:
    recent = ended_stay(staff, days_ago=89, reference="REF-1")
    cleared = ended_stay(staff, days_ago=91, reference="REF-2")
    ancient = ended_stay(staff, days_ago=731, reference="REF-3")
    ongoing_unit = make_unit(staff.jour_a, staff.admin_a, name="Pågår")
    ongoing = accept(
        staff.admin_a, send_request(staff.caseworker, [ongoing_unit], reference="REF-4"), ongoing_unit
    )
    Stay.objects.filter(pk=ongoing.pk).update(start=TODAY - timedelta(days=800))
    # A request that found no place, closed 100 days ago; another closed 10 days ago.
    unit = make_unit(staff.jour_b, staff.admin_b)
    old_closed = send_request(staff.caseworker, [unit], reference="REF-5")
    new_closed = send_request(staff.caseworker, [unit], reference="REF-6")
    for request, days in ((old_closed, 100), (new_closed, 10)):
        services.request_item_decline(actor=staff.admin_b, item=request.items.get(), reason="full")
        PlacementRequest.objects.filter(pk=request.pk).update(closed_at=timezone.now() - timedelta(days=days))
    old_month = (TODAY - timedelta(days=800)).replace(day=1)
    TurnedAway.objects.create(jour=staff.jour_a, month=old_month, reason="other", source="enquiry")

    output = StringIO()
    call_command("housing_purge", stdout=output)

    def reference(stay: Stay) -> str:
        return Stay.objects.get(pk=stay.pk).case_reference

    assert reference(recent) == "REF-1"
    assert reference(cleared) == "" and PlacementRequest.objects.get(stay=cleared).case_reference == ""
    assert not Stay.objects.filter(pk=ancient.pk).exists()
    assert not Placement.objects.filter(stay_id=ancient.pk).exists()
    assert not PlacementRequest.objects.filter(case_reference="REF-3").exists()
    assert reference(ongoing) == "REF-4" and Placement.objects.filter(stay=ongoing).count() == 3
    assert PlacementRequest.objects.get(pk=old_closed.pk).case_reference == ""
    assert PlacementRequest.objects.get(pk=new_closed.pk).case_reference == "REF-6"
    assert Placement.objects.filter(stay=cleared).count() == 3  # counts stay two years
    assert not TurnedAway.objects.filter(month=old_month).exists()
    assert TurnedAway.objects.filter(source="request").count() == 2
    event = AuditEvent.objects.filter(action=AuditAction.RECORDS_PURGED).get()
    assert event.national and event.detail == (
        "references 3, stays 1, placements 3, requests 1, turned away 1"
    )
    assert "Case references cleared: 3" in output.getvalue()
    # Nothing left to do: a second run changes nothing and logs nothing.
    call_command("housing_purge", verbosity=0)
    assert AuditEvent.objects.filter(action=AuditAction.RECORDS_PURGED).count() == 1


def test_retention_is_configurable(staff: Staff, settings: object) -> None:
    settings.HOUSING_CASE_REFERENCE_DAYS = 10  # type: ignore[attr-defined]
    settings.HOUSING_KEEP_COUNTS_DAYS = 60  # type: ignore[attr-defined]
    short = ended_stay(staff, days_ago=11, reference="REF-7")
    gone = ended_stay(staff, days_ago=61, reference="REF-8")
    result = services.housing_purge()
    assert Stay.objects.get(pk=short.pk).case_reference == ""
    assert not Stay.objects.filter(pk=gone.pk).exists()
    assert result.stays_deleted == 1 and result.placements_deleted == 3


def test_purge_uses_dates_not_times(staff: Staff) -> None:
    stay = ended_stay(staff, days_ago=90, reference="REF-9")
    services.housing_purge(today=TODAY)
    assert Stay.objects.get(pk=stay.pk).case_reference == "REF-9"
    services.housing_purge(today=TODAY + timedelta(days=1))
    assert Stay.objects.get(pk=stay.pk).case_reference == ""
    assert isinstance(datetime.now(), datetime)
