"""The staff floor, end to end in one place: a ready user reaches her pages."""

from __future__ import annotations

from django.test import Client

from tests.conftest import Staff


def test_ready_admin_reaches_dashboard_and_people(staff: Staff) -> None:
    client = Client()
    client.force_login(staff.admin_a)
    assert client.get("/personal/").status_code == 200
    response = client.get(f"/personal/jour/{staff.jour_a.pk}/personal/")
    assert response.status_code == 200
    assert "kvinna_a@staff.test" in response.content.decode()
    assert "kvinna_b@staff.test" not in response.content.decode()


def test_the_staff_header_knows_she_is_signed_in(staff: Staff) -> None:
    client = Client()
    client.force_login(staff.kvinna_a)
    body = client.get("/personal/").content.decode()
    assert "/personal/konto/logout/" in body
    assert "/personal/konto/login/" not in body
    anonymous = Client().get("/personal/konto/login/").content.decode()
    assert "/personal/konto/logout/" not in anonymous
