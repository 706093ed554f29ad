"""The placement request's state machine: accept (one placement, one row per person, the
others withdrawn), decline (counted as turned away), cancel, expiry, and refused transitions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from fristad.housing import services
from fristad.housing.models import (
    HousingUnit,
    ItemState,
    Placement,
    PlacementRequest,
    RequestStatus,
    Stay,
    TurnedAway,
)
from tests.conftest import Staff
from tests.housing_helpers import make_unit, send_request
from tests.mail_helpers import sent_mail


@pytest.fixture
def units(staff: Staff) -> tuple[HousingUnit, HousingUnit]:
    return make_unit(staff.jour_a, staff.admin_a), make_unit(staff.jour_b, staff.admin_b)


def test_accept_creates_one_row_per_person_and_withdraws_the_others(
    staff: Staff, units: tuple[HousingUnit, HousingUnit]
) -> None:
    unit_a, unit_b = units
    request = send_request(staff.caseworker, [unit_a, unit_b])
    assert request.items.filter(state=ItemState.PENDING).count() == 2
    accepted = services.request_item_accept(actor=staff.admin_a, item=request.items.get(unit=unit_a))
    request.refresh_from_db()
    assert request.status == RequestStatus.PLACED
    assert request.items.get(unit=unit_a).state == ItemState.ACCEPTED
    assert request.items.get(unit=unit_b).state == ItemState.WITHDRAWN
    stay = accepted.stay
    assert stay.municipality_id == "0180" and stay.jour == staff.jour_a and not accepted.permit_warning
    people = list(Placement.objects.filter(stay=stay).order_by("kind", "child_age"))
    assert [(p.kind, p.child_age, p.child_sex) for p in people] == [
        ("child", 4, "girl"),
        ("child", 9, "boy"),
        ("woman", None, ""),
    ]
    assert all(p.jour_id == staff.jour_a.pk and p.municipality_id == "0180" for p in people)
    unit_a.refresh_from_db()
    assert (unit_a.free_adults, unit_a.free_children) == (1, 2)


def test_answered_items_refuse_every_further_transition(
    staff: Staff, units: tuple[HousingUnit, HousingUnit]
) -> None:
    unit_a, unit_b = units
    request = send_request(staff.caseworker, [unit_a, unit_b])
    item_a, item_b = request.items.get(unit=unit_a), request.items.get(unit=unit_b)
    services.request_item_decline(actor=staff.admin_b, item=item_b, reason="full")
    with pytest.raises(ValidationError):
        services.request_item_decline(actor=staff.admin_b, item=item_b, reason="other")
    with pytest.raises(ValidationError):
        services.request_item_accept(actor=staff.admin_b, item=item_b)
    services.request_item_accept(actor=staff.admin_a, item=item_a)
    for attempt in (
        lambda: services.request_item_accept(actor=staff.admin_a, item=item_a),
        lambda: services.request_item_decline(actor=staff.admin_a, item=item_a, reason="full"),
        lambda: services.placement_request_cancel(actor=staff.caseworker, request=request),
    ):
        with pytest.raises(ValidationError):
            attempt()
    assert Stay.objects.count() == 1
    with pytest.raises(ValidationError):
        services.request_item_decline(actor=staff.admin_a, item=item_a, reason="no-such-reason")


def test_decline_counts_as_turned_away_and_closes_when_nothing_is_pending(
    staff: Staff, units: tuple[HousingUnit, HousingUnit]
) -> None:
    unit_a, unit_b = units
    request = send_request(staff.caseworker, [unit_a, unit_b])
    services.request_item_decline(actor=staff.admin_a, item=request.items.get(unit=unit_a), reason="full")
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN
    services.request_item_decline(actor=staff.admin_b, item=request.items.get(unit=unit_b), reason="son_age")
    request.refresh_from_db()
    assert request.status == RequestStatus.CLOSED and request.closed_at is not None
    rows = {(t.jour_id, t.reason, t.source, t.women, t.children) for t in TurnedAway.objects.all()}
    assert rows == {
        (staff.jour_a.pk, "lack_of_space", "request", 1, 2),
        (staff.jour_b.pk, "other", "request", 1, 2),
    }
    assert all(t.month.day == 1 for t in TurnedAway.objects.all())


def test_cancel_withdraws_the_pending_units(staff: Staff, units: tuple[HousingUnit, HousingUnit]) -> None:
    request = send_request(staff.caseworker, list(units))
    services.placement_request_cancel(actor=staff.caseworker, request=request)
    request.refresh_from_db()
    assert request.status == RequestStatus.CANCELLED
    assert set(request.items.values_list("state", flat=True)) == {ItemState.WITHDRAWN}
    with pytest.raises(ValidationError):
        item = request.items.first()
        assert item is not None
        services.request_item_accept(actor=staff.admin_a, item=item)


def test_expiry_by_command_and_no_acceptance_after_the_deadline(
    staff: Staff, units: tuple[HousingUnit, HousingUnit], settings: object
) -> None:
    unit_a, unit_b = units
    request = send_request(staff.caseworker, [unit_a, unit_b])
    later = request.expires_at + timedelta(seconds=1)
    # Past its time, it cannot be accepted even before the command has run.
    with pytest.raises(ValidationError):
        services.request_item_accept(actor=staff.admin_a, item=request.items.get(unit=unit_a), now=later)
    fresh = send_request(staff.caseworker, [unit_a], reference="IFO-2026-0043")
    PlacementRequest.objects.filter(pk=request.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    call_command("housing_expire_requests", verbosity=0)
    request.refresh_from_db()
    fresh.refresh_from_db()
    assert request.status == RequestStatus.CLOSED
    assert set(request.items.values_list("state", flat=True)) == {ItemState.EXPIRED}
    assert fresh.status == RequestStatus.OPEN
    assert not TurnedAway.objects.exists()  # expiry is not a decline


def test_expiry_is_configurable(
    staff: Staff, units: tuple[HousingUnit, HousingUnit], settings: object
) -> None:
    settings.HOUSING_REQUEST_EXPIRY_HOURS = 6  # type: ignore[attr-defined]
    request = send_request(staff.caseworker, [units[0]])
    hours = (request.expires_at - request.created_at).total_seconds() / 3600
    assert hours == 6


def test_notifications_go_to_housing_contacts_and_the_caseworker(
    staff: Staff, units: tuple[HousingUnit, HousingUnit], django_capture_on_commit_callbacks: object
) -> None:
    unit_a, unit_b = units
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        request = send_request(staff.caseworker, [unit_a, unit_b])
    recipients = sorted(address for message in sent_mail() for address in message.to)
    # The coordinators always; jourkvinnor only with housing rights (none here).
    assert recipients == ["admin_a@staff.test", "admin_b@staff.test"]
    sent_mail().clear()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        services.request_item_accept(
            actor=staff.admin_a, item=request.items.get(unit=unit_a), base_url="http://testserver/"
        )
    assert [m.to for m in sent_mail()] == [["caseworker@staff.test"]]
    assert f"/personal/boende/kommun/0180/forfragningar/{request.pk}/" in sent_mail()[0].body


def test_a_unit_without_a_granted_permit_warns(staff: Staff) -> None:
    unit = make_unit(staff.jour_a, staff.admin_a, permit_status="applied", permit_number="")
    request = send_request(staff.caseworker, [unit])
    accepted = services.request_item_accept(actor=staff.admin_a, item=request.items.get())
    assert accepted.permit_warning
