"""Housing rights: the coordinator gives and takes them on the people page; a coordinator
always has them; another jour's coordinator or a jourkvinna cannot change them; audited."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from fristad.accounts.models import AuditAction, AuditEvent, Membership
from tests.conftest import Staff


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_coordinator_gives_and_takes_housing_rights(staff: Staff) -> None:
    kvinna = Membership.objects.get(user=staff.kvinna_a, jour=staff.jour_a)
    people = reverse("accounts:jour_people", kwargs={"jour_id": staff.jour_a.pk})
    inbox = reverse("housing:jour_requests", kwargs={"jour_id": staff.jour_a.pk})
    assert signed_in(staff.kvinna_a).get(inbox).status_code == 404
    page = signed_in(staff.admin_a).get(people).content.decode()
    assert 'name="housing" value="1"' in page
    response = signed_in(staff.admin_a).post(
        people, {"action": "housing", "membership": kvinna.pk, "housing": "1"}
    )
    assert response.status_code == 302
    kvinna.refresh_from_db()
    assert kvinna.housing
    assert signed_in(staff.kvinna_a).get(inbox).status_code == 200
    event = AuditEvent.objects.filter(action=AuditAction.HOUSING_RIGHTS_CHANGED).get()
    assert (
        event.jour_id == staff.jour_a.pk
        and event.target == staff.kvinna_a.email
        and event.detail == "granted"
    )
    signed_in(staff.admin_a).post(people, {"action": "housing", "membership": kvinna.pk, "housing": "0"})
    kvinna.refresh_from_db()
    assert not kvinna.housing
    assert signed_in(staff.kvinna_a).get(inbox).status_code == 404


def test_a_coordinator_always_has_housing_rights(staff: Staff) -> None:
    admin = Membership.objects.get(user=staff.admin_a, jour=staff.jour_a)
    people = reverse("accounts:jour_people", kwargs={"jour_id": staff.jour_a.pk})
    signed_in(staff.admin_a).post(people, {"action": "housing", "membership": admin.pk, "housing": "0"})
    assert (
        signed_in(staff.admin_a)
        .get(reverse("housing:jour_requests", kwargs={"jour_id": staff.jour_a.pk}))
        .status_code
        == 200
    )
    assert not AuditEvent.objects.filter(action=AuditAction.HOUSING_RIGHTS_CHANGED).exists()


def test_no_one_else_changes_them(staff: Staff) -> None:
    kvinna = Membership.objects.get(user=staff.kvinna_a, jour=staff.jour_a)
    data = {"action": "housing", "membership": kvinna.pk, "housing": "1"}
    for user in (staff.kvinna_a, staff.admin_b, staff.kvinna_b, staff.caseworker, staff.national):
        for jour in (staff.jour_a, staff.jour_b):
            response = signed_in(user).post(
                reverse("accounts:jour_people", kwargs={"jour_id": jour.pk}), data
            )
            assert response.status_code == 404, (user, jour)
    # Her own coordinator, but with the membership of another jour's person: not found.
    other = Membership.objects.get(user=staff.kvinna_b, jour=staff.jour_b)
    response = signed_in(staff.admin_a).post(
        reverse("accounts:jour_people", kwargs={"jour_id": staff.jour_a.pk}),
        {"action": "housing", "membership": other.pk, "housing": "1"},
    )
    assert response.status_code == 404
    for bad in ("", "x", "9" * 40):
        response = signed_in(staff.admin_a).post(
            reverse("accounts:jour_people", kwargs={"jour_id": staff.jour_a.pk}),
            {"action": "housing", "membership": bad, "housing": "1"},
        )
        assert response.status_code == 404
    kvinna.refresh_from_db()
    other.refresh_from_db()
    assert not kvinna.housing and not other.housing
