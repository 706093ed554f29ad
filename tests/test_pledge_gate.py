"""The tystnadslöfte gate: no staff page before the current version is signed."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from fristad.accounts import services
from fristad.accounts.models import Membership, PledgeSignature, PledgeVersion, Role
from fristad.accounts.selectors import pledge_current
from tests.conftest import Staff, make_staff_user

PLEDGE_URL = "/personal/tystnadslofte/"


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def people_url(staff: Staff, prefix: str = "") -> str:
    return f"{prefix}/personal/jour/{staff.jour_a.pk}/personal/"


def current() -> PledgeVersion:
    version = pledge_current()
    assert version is not None, "migration 0002 publishes version 1"
    return version


@pytest.fixture
def newcomer(staff: Staff) -> Any:
    """A coordinator at jour a with her second factor, who has not signed yet."""
    user, _secret = make_staff_user("ny-samordnare@staff.test", sign_pledge=False)
    Membership.objects.create(user=user, role=Role.JOUR_ADMIN, jour=staff.jour_a)
    return user


def sv(text: str) -> str:
    """The text as the Swedish pages show it (from the sv catalogue, or the msgid until translated)."""
    with translation.override("sv"):
        return html.escape(translation.gettext(text), quote=True)


def row_of(page: str, email: str) -> str:
    rows = [row for row in page.split("<tr>") if email in row]
    assert len(rows) == 1, f"{email} should have one row on the people page"
    return rows[0].split("</tr>")[0]


def test_unsigned_staff_is_sent_to_the_pledge(staff: Staff, newcomer: Any) -> None:
    client = signed_in(newcomer)
    for url in ("/personal/", people_url(staff), f"/personal/jour/{staff.jour_a.pk}/logg/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == PLEDGE_URL, url
    response = client.get("/en/personal/")
    assert response.status_code == 302 and response["Location"] == "/en" + PLEDGE_URL
    # An action does not run behind the gate either.
    membership = Membership.objects.get(user=staff.kvinna_a, jour=staff.jour_a)
    response = client.post(f"/personal/jour/{staff.jour_a.pk}/personal/{membership.pk}/ta-bort/")
    assert response.status_code == 302 and response["Location"] == PLEDGE_URL
    assert Membership.objects.filter(pk=membership.pk).exists()
    # The gate itself, and signing out, are reachable.
    assert client.get(PLEDGE_URL).status_code == 200
    assert client.get("/personal/konto/logout/").status_code == 200


def test_posting_without_the_box_shows_an_error_and_stays(staff: Staff, newcomer: Any) -> None:
    # As a browser sends it: the csrf token, and no "agree" for an unticked box.
    client = Client(enforce_csrf_checks=True)
    client.force_login(newcomer)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(PLEDGE_URL).content.decode())
    assert token is not None
    response = client.post(PLEDGE_URL, {"csrfmiddlewaretoken": token.group(1)})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="errorlist"' in page
    assert sv("Tick the box to sign.") in page
    assert 'aria-invalid="true"' in page
    assert not PledgeSignature.objects.filter(user=newcomer).exists()
    assert client.get("/personal/").status_code == 302
    # An empty body (possible only without csrf checks) signs nothing either.
    assert signed_in(newcomer).post(PLEDGE_URL, {}).status_code == 200
    assert not PledgeSignature.objects.filter(user=newcomer).exists()
    # Anything but "on" in a field of another name does not sign either.
    client.post(PLEDGE_URL, {"csrfmiddlewaretoken": token.group(1), "agree_not": "on"})
    assert not PledgeSignature.objects.filter(user=newcomer).exists()


def test_signing_records_the_signature_and_lets_her_in(staff: Staff, newcomer: Any) -> None:
    client = signed_in(newcomer)
    response = client.post(PLEDGE_URL, {"agree": "on"})
    assert response.status_code == 302 and response["Location"] == "/personal/"
    signature = PledgeSignature.objects.get(user=newcomer)
    assert signature.version == current()
    assert client.get("/personal/").status_code == 200
    assert client.get(people_url(staff)).status_code == 200


def test_a_new_version_sends_everyone_back_to_the_gate(staff: Staff) -> None:
    clients = {user.email: signed_in(user) for user in (staff.admin_a, staff.kvinna_a, staff.national)}
    for client in clients.values():
        assert client.get("/personal/").status_code == 200
    version = services.pledge_publish(text_sv="Version två av löftet.", text_en="Version two of the promise.")
    assert version.version == 2 and current() == version
    for email, client in clients.items():
        response = client.get("/personal/")
        assert response.status_code == 302 and response["Location"] == PLEDGE_URL, email
    admin = clients[staff.admin_a.email]
    page = admin.get(PLEDGE_URL).content.decode()
    assert "Version två av löftet." in page
    assert admin.post(PLEDGE_URL, {"agree": "on"}).status_code == 302
    assert PledgeSignature.objects.filter(user=staff.admin_a, version=version).exists()
    assert admin.get(people_url(staff)).status_code == 200
    # The others are still at the gate.
    assert clients[staff.kvinna_a.email].get("/personal/").status_code == 302


def test_people_page_shows_who_has_signed_the_current_version(staff: Staff, newcomer: Any) -> None:
    admin = signed_in(staff.admin_a)
    page = admin.get(people_url(staff, "/en")).content.decode()
    assert "Not signed" in row_of(page, newcomer.email)
    assert "Signed " in row_of(page, staff.kvinna_a.email)
    assert "Not signed" not in row_of(page, staff.kvinna_a.email)
    # In Swedish, as the sv catalogue has it.
    page_sv = admin.get(people_url(staff)).content.decode()
    assert sv("Not signed") in row_of(page_sv, newcomer.email)
    assert sv("Not signed") not in row_of(page_sv, staff.kvinna_a.email)
    # A new version: only who signed it counts as signed.
    version = services.pledge_publish(text_sv="Ny text.", text_en="New text.")
    services.pledge_sign(user=staff.admin_a, version=version)
    page = admin.get(people_url(staff, "/en")).content.decode()
    assert "Not signed" in row_of(page, staff.kvinna_a.email)
    assert "Not signed" not in row_of(page, staff.admin_a.email)
    # Another jour's people are not on the page at all.
    assert staff.kvinna_b.email not in page


def test_pledge_text_in_swedish_and_in_english(staff: Staff, newcomer: Any) -> None:
    version = current()
    first_sv = version.text_sv.split("\n\n")[0]
    first_en = version.text_en.split("\n\n")[0]
    assert first_sv.startswith("Jag lovar") and first_en.startswith("I promise")
    client = signed_in(newcomer)
    swedish = client.get(PLEDGE_URL)
    assert swedish.status_code == 200
    page = swedish.content.decode()
    assert html.escape(first_sv) in page
    assert html.escape(first_en) not in page
    assert '<html lang="sv"' in page
    english = client.get("/en" + PLEDGE_URL)
    assert english.status_code == 200
    page = english.content.decode()
    assert html.escape(first_en) in page
    assert html.escape(first_sv) not in page
    assert '<html lang="en"' in page
    # She can sign from the English page too.
    assert client.post("/en" + PLEDGE_URL, {"agree": "on"}).status_code == 302
    assert PledgeSignature.objects.filter(user=newcomer, version=version).exists()
