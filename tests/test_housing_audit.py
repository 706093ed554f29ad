"""Every read of an address or a placement leaves an audit event (SENSITIVE_READ with a
target id and nothing personal); lists without addresses do not; writes are audited too."""

from __future__ import annotations

from datetime import date

from django.test import Client
from django.urls import reverse

from fristad.accounts.models import AuditAction, AuditEvent
from fristad.housing import services
from fristad.housing.matching import Child
from fristad.housing.models import HousingUnit
from tests.conftest import Staff
from tests.housing_helpers import ADDRESS, make_unit, send_request


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def reads() -> list[tuple[str, str, str]]:
    return [
        (e.target, e.detail, e.actor_label)
        for e in AuditEvent.objects.filter(action=AuditAction.SENSITIVE_READ).order_by("pk")
    ]


def test_reads_of_addresses_and_placements_are_logged(staff: Staff) -> None:
    unit = make_unit(staff.jour_a, staff.admin_a)
    request = send_request(staff.caseworker, [unit], reference="IFO-2026-7788")
    item = request.items.get()
    accepted = services.request_item_accept(actor=staff.admin_a, item=item)
    own = services.stay_create_own(
        actor=staff.admin_a,
        jour=staff.jour_a,
        unit=unit,
        adults=1,
        children=[Child(6, "boy")],
        start=unit.created_at.date(),
    )
    admin = signed_in(staff.admin_a)
    jour = staff.jour_a.pk
    assert reads() == []
    admin.get(reverse("housing:jour_housing", kwargs={"jour_id": jour}))
    assert reads() == []  # units and vacancies without the address
    admin.get(reverse("housing:unit_edit", kwargs={"jour_id": jour, "unit_id": unit.pk}))
    assert reads() == [(f"housing-unit:{unit.pk}", "address", "admin_a@staff.test")]
    admin.get(reverse("housing:jour_request", kwargs={"jour_id": jour, "item_id": item.pk}))
    admin.get(reverse("housing:jour_placements", kwargs={"jour_id": jour}))
    admin.get(reverse("housing:jour_placements", kwargs={"jour_id": jour}) + "?avslutade=1")
    admin.get(reverse("housing:jour_placement", kwargs={"jour_id": jour, "stay_id": own.pk}))
    signed_in(staff.caseworker).get(
        reverse("housing:request", kwargs={"code": "0180", "request_id": request.pk})
    )
    assert reads()[1:] == [
        (f"placement-request:{request.pk}", "", "admin_a@staff.test"),
        ("placements", "current", "admin_a@staff.test"),
        ("placements", "ended", "admin_a@staff.test"),
        (f"placement:{own.pk}", "", "admin_a@staff.test"),
        (f"placement-request:{request.pk}", "", "caseworker@staff.test"),
    ]
    jour_events = AuditEvent.objects.filter(action=AuditAction.SENSITIVE_READ, jour=staff.jour_a).count()
    municipality_events = AuditEvent.objects.filter(
        action=AuditAction.SENSITIVE_READ, municipality_id="0180"
    ).count()
    assert (jour_events, municipality_events) == (5, 1)
    assert accepted.stay.pk != own.pk


def test_audit_entries_hold_nothing_personal(staff: Staff) -> None:
    unit = make_unit(staff.jour_a, staff.admin_a)
    request = send_request(staff.caseworker, [unit], reference="IFO-2026-7788")
    stay = services.request_item_accept(
        actor=staff.admin_a, item=request.items.get(), start=date.today()
    ).stay
    services.stay_end(actor=staff.admin_a, stay=stay, end=stay.start)
    signed_in(staff.admin_a).get(
        reverse("housing:unit_edit", kwargs={"jour_id": staff.jour_a.pk, "unit_id": unit.pk})
    )
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        AuditAction.HOUSING_UNIT_CHANGED,
        AuditAction.PLACEMENT_REQUESTED,
        AuditAction.PLACEMENT_ANSWERED,
        AuditAction.PLACEMENT_CHANGED,
        AuditAction.SENSITIVE_READ,
    } <= actions
    for target, detail in AuditEvent.objects.values_list("target", "detail"):
        for secret in ("IFO-2026-7788", "Hemliga", ADDRESS, "girl", "boy"):
            assert secret not in target and secret not in detail, (target, detail)
    assert HousingUnit.objects.get(pk=unit.pk).address == ADDRESS
