"""The coordinator edits her jour's public profile; the public site shows it at once."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from fristad.accounts.models import AuditEvent
from fristad.directory.models import Phone
from tests.conftest import Staff


def profile_post(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "chats": "on",
        "services": ["samtalsstod", "skyddat_boende"],
        "languages": ["sv", "so"],
        "accessibility_notes": "Hiss finns.",
        "email": "",
        "website": "",
        "phones-TOTAL_FORMS": "2",
        "phones-INITIAL_FORMS": "1",
        "phones-MIN_NUM_FORMS": "0",
        "phones-MAX_NUM_FORMS": "6",
        "phones-0-kind": "jourtelefon",
        "phones-0-number": "070-1740699",
        "phones-0-hours": "mon-sun 18:00-02:00",
        "phones-0-exceptions": "2026-12-24 closed (Julafton)",
        "phones-1-kind": "jourtelefon",
        "phones-1-number": "",
        "phones-1-hours": "",
        "phones-1-exceptions": "",
        "action": "save",
    }
    data.update(overrides)
    return data


def test_save_shows_on_the_public_page_at_once(staff: Staff) -> None:
    public = Client()
    assert "070-1740699" not in public.get(f"/jour/{staff.jour_a.slug}/").content.decode()
    client = Client()
    client.force_login(staff.admin_a)
    url = f"/personal/jour/{staff.jour_a.pk}/profil/"
    assert client.get(url).status_code == 200
    response = client.post(url, profile_post())
    assert response.status_code == 302, re.findall(r"errorlist[^>]*><li>([^<]*)", response.content.decode())
    page = public.get(f"/jour/{staff.jour_a.slug}/").content.decode()
    assert "070-1740699" in page
    assert "somali" in page.lower()
    assert list(Phone.objects.filter(jour=staff.jour_a).values_list("number", flat=True)) == ["070-1740699"]
    assert AuditEvent.objects.filter(action="profile_changed", jour=staff.jour_a).count() == 1


def test_preview_changes_nothing(staff: Staff) -> None:
    client = Client()
    client.force_login(staff.admin_a)
    response = client.post(f"/personal/jour/{staff.jour_a.pk}/profil/", profile_post(action="preview"))
    assert response.status_code == 200
    assert "070-1740699" in response.content.decode()
    assert not Phone.objects.filter(number="070-1740699").exists()
    assert "070-1740699" not in Client().get(f"/jour/{staff.jour_a.slug}/").content.decode()


def test_bad_hours_get_a_clear_error_and_lose_nothing(staff: Staff) -> None:
    client = Client()
    client.force_login(staff.admin_a)
    before = list(Phone.objects.filter(jour=staff.jour_a).values_list("number", flat=True))
    response = client.post(
        f"/personal/jour/{staff.jour_a.pk}/profil/", profile_post(**{"phones-0-hours": "mon 25:00-26:00"})
    )
    assert response.status_code == 200
    assert "25:00" in response.content.decode() and 'class="errorlist"' in response.content.decode()
    assert list(Phone.objects.filter(jour=staff.jour_a).values_list("number", flat=True)) == before


def test_only_her_own_jour_and_only_as_coordinator(staff: Staff) -> None:
    for user, jour in (
        (staff.admin_a, staff.jour_b),
        (staff.kvinna_a, staff.jour_a),
        (staff.national, staff.jour_a),
    ):
        client = Client()
        client.force_login(user)
        url = f"/personal/jour/{jour.pk}/profil/"
        assert client.get(url).status_code == 404
        assert client.post(url, profile_post()).status_code == 404
    assert not Phone.objects.filter(number="070-1740699").exists()
