"""The national office adds, suspends, reactivates and removes member jourer."""

from __future__ import annotations

from django.test import Client

from fristad.accounts.models import AuditEvent
from fristad.directory.models import Jour
from tests.conftest import Staff


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_national_office_adds_a_jour_that_is_not_public_until_reactivated(staff: Staff) -> None:
    client = signed_in(staff.national)
    response = client.post(
        "/personal/forbund/jourer/ny/",
        {"name": "Kvinnojouren Ny", "slug": "ny", "kind": "kvinnojour", "home_municipality": "0180"},
    )
    assert response.status_code == 302
    jour = Jour.objects.get(slug="ny")
    assert not jour.is_active
    assert Client().get("/jour/ny/").status_code == 404
    client.post(f"/personal/forbund/jourer/{jour.pk}/aktiv/", {"active": "1"})
    assert Client().get("/jour/ny/").status_code == 200
    assert AuditEvent.objects.filter(action="jour_added", national=True, target="ny").exists()
    # A taken short name is refused with a message, not a crash.
    again = client.post(
        "/personal/forbund/jourer/ny/",
        {"name": "Dubblett", "slug": "ny", "kind": "kvinnojour", "home_municipality": "0180"},
        follow=True,
    )
    assert again.status_code == 200 and Jour.objects.filter(slug="ny").count() == 1


def test_suspend_hides_and_remove_needs_confirmation(staff: Staff) -> None:
    client = signed_in(staff.national)
    client.post(f"/personal/forbund/jourer/{staff.jour_b.pk}/aktiv/", {"active": "0"})
    assert Client().get(f"/jour/{staff.jour_b.slug}/").status_code == 404
    assert staff.jour_b.slug not in Client().get("/sok/", {"q": "Malmö"}).content.decode()
    client.post(f"/personal/forbund/jourer/{staff.jour_b.pk}/ta-bort/", {"confirm": "wrong"})
    assert Jour.objects.filter(pk=staff.jour_b.pk).exists()
    client.post(f"/personal/forbund/jourer/{staff.jour_b.pk}/ta-bort/", {"confirm": staff.jour_b.slug})
    assert not Jour.objects.filter(pk=staff.jour_b.pk).exists()
    assert AuditEvent.objects.filter(action="jour_removed", target="malmo").exists()


def test_only_the_national_office(staff: Staff) -> None:
    for user in (staff.admin_a, staff.kvinna_a, staff.caseworker):
        client = signed_in(user)
        assert (
            client.post(f"/personal/forbund/jourer/{staff.jour_a.pk}/aktiv/", {"active": "0"}).status_code
            == 404
        )
        assert (
            client.post(
                f"/personal/forbund/jourer/{staff.jour_a.pk}/ta-bort/", {"confirm": "stockholm"}
            ).status_code
            == 404
        )
        assert (
            client.post(
                "/personal/forbund/jourer/ny/",
                {"name": "X", "slug": "x", "kind": "kvinnojour", "home_municipality": "0180"},
            ).status_code
            == 404
        )
    assert Jour.objects.get(pk=staff.jour_a.pk).is_active
    assert not Jour.objects.filter(slug="x").exists()
