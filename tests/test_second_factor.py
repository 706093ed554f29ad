"""The second factor is mandatory and cannot be skipped, reused or removed.

Everything goes through the real sign-in flow (allauth with our adapters and the
staff middleware) with the Django test client against the real database.
"""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse
from django.utils import translation

from fristad.accounts import services
from fristad.accounts.models import Membership, Role, User
from tests.conftest import STAFF_PASSWORD, Staff, make_staff_user, totp_code

LOGIN = "/en/personal/konto/login/"
MFA_STEP = "/en/personal/konto/2fa/authenticate/"
DASHBOARD = "/en/personal/"


def en(name: str, **kwargs: Any) -> str:
    with translation.override("en"):
        return reverse(name, kwargs=kwargs or None)


def wait_for_fresh_period(margin: int = 6) -> None:
    """A TOTP code lives 30 seconds: make sure the next steps run inside one period."""
    remaining = 30 - int(time.time()) % 30
    if remaining < margin:
        time.sleep(remaining + 0.2)


def password_step(client: Client, email: str, password: str = STAFF_PASSWORD, **extra: Any) -> Any:
    return client.post(LOGIN, {"login": email, "password": password}, **extra)


def is_signed_in(client: Client) -> bool:
    response = client.get(DASHBOARD)
    return response.status_code == 200


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


# --- The password alone is not enough --------------------------------------------------


def test_password_alone_does_not_sign_in(staff: Staff) -> None:
    client = Client()
    response = password_step(client, "admin_a@staff.test")
    assert response.status_code == 302
    assert response["Location"] == MFA_STEP
    assert "_auth_user_id" not in client.session
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"].startswith((LOGIN, MFA_STEP))
    # The MFA step shows its form.
    response = client.get(MFA_STEP)
    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()


def test_staff_pages_are_closed_during_the_mfa_stage(staff: Staff) -> None:
    client = Client()
    password_step(client, "admin_a@staff.test")
    jour = staff.jour_a.pk
    for url in (
        DASHBOARD,
        "/personal/",
        f"/en/personal/jour/{jour}/personal/",
        f"/en/personal/jour/{jour}/logg/",
        f"/en/personal/jour/{jour}/profil/",
        f"/en/personal/jour/{jour}/schema/",
        "/en/personal/kalender/",
        "/en/personal/forbund/jourer/",
        "/en/personal/tystnadslofte/",
        en("mfa_index"),
        en("account_change_password"),
    ):
        response = client.get(url)
        assert response.status_code in (302, 404), url
        if response.status_code == 302:
            assert "/personal/konto/login/" in response["Location"] or response["Location"].endswith(
                "/2fa/authenticate/"
            ), (url, response["Location"])
    # An action posted during the MFA stage does nothing.
    kvinna = Membership.objects.get(user=staff.kvinna_a, jour=staff.jour_a)
    response = client.post(f"/en/personal/jour/{jour}/personal/{kvinna.pk}/ta-bort/")
    assert response.status_code == 302
    assert Membership.objects.filter(pk=kvinna.pk).exists()
    assert "_auth_user_id" not in client.session


def test_valid_code_signs_in(staff: Staff) -> None:
    wait_for_fresh_period()
    client = Client()
    password_step(client, "admin_a@staff.test")
    response = client.post(MFA_STEP, {"code": totp_code(staff.totp_secrets["admin_a"])})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == staff.admin_a.pk
    assert is_signed_in(client)


@pytest.mark.parametrize("code", ["", "abcdef", "12345", "1234567", "9" * 500, "' OR 1=1 --"])
def test_wrong_code_is_refused_with_a_message(staff: Staff, code: str) -> None:
    client = Client()
    password_step(client, "admin_a@staff.test")
    response = client.post(MFA_STEP, {"code": code})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session
    assert not is_signed_in(client)


def test_wrong_six_digit_code_says_incorrect(staff: Staff) -> None:
    secret = staff.totp_secrets["admin_a"]
    valid = {totp_code(secret, offset) for offset in (-1, 0, 1)}
    wrong = next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)
    client = Client()
    password_step(client, "admin_a@staff.test")
    response = client.post(MFA_STEP, {"code": wrong})
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert not is_signed_in(client)


def test_code_of_another_user_is_refused(staff: Staff) -> None:
    wait_for_fresh_period()
    client = Client()
    password_step(client, "admin_a@staff.test")
    other = totp_code(staff.totp_secrets["admin_b"])
    if other == totp_code(staff.totp_secrets["admin_a"]):  # one in a million
        pytest.skip("the two secrets happen to give the same code")
    response = client.post(MFA_STEP, {"code": other})
    assert response.status_code == 200
    assert not is_signed_in(client)


def test_totp_code_cannot_be_reused(staff: Staff) -> None:
    wait_for_fresh_period(margin=10)
    code = totp_code(staff.totp_secrets["kvinna_a"])
    client = Client()
    password_step(client, "kvinna_a@staff.test")
    response = client.post(MFA_STEP, {"code": code})
    assert response.status_code == 302
    assert is_signed_in(client)
    client.post(en("account_logout"))
    assert not is_signed_in(client)

    # The same code, within its period, on a fresh browser too.
    for again in (client, Client()):
        password_step(again, "kvinna_a@staff.test")
        response = again.post(MFA_STEP, {"code": code})
        assert response.status_code == 200
        assert response.context["form"].errors
        assert not is_signed_in(again)
    assert totp_code(staff.totp_secrets["kvinna_a"]) == code, "the test ran over a period boundary"


def test_django_admin_is_not_mounted(staff: Staff) -> None:
    for client in (Client(), signed_in(staff.national)):
        for url in ("/admin/", "/admin/login/", "/en/admin/", "/personal/admin/"):
            assert client.get(url).status_code == 404, url
    assert staff.national.is_staff is False
    assert staff.national.is_superuser is False
    with pytest.raises(NotImplementedError):
        User.objects.create_superuser("root@staff.test", STAFF_PASSWORD)


# --- A signed-in user without a second factor ----------------------------------------


@pytest.fixture
def no_factor(staff: Staff) -> Any:
    user, _secret = make_staff_user("utan-faktor@staff.test", with_factor=False)
    Membership.objects.create(user=user, role=Role.JOUR_ADMIN, jour=staff.jour_a)
    return user


def test_without_factor_every_staff_page_sends_to_activation(staff: Staff, no_factor: Any) -> None:
    client = signed_in(no_factor)
    jour = staff.jour_a.pk
    activate = reverse("mfa_activate_totp")
    for url in (
        "/personal/",
        f"/personal/jour/{jour}/personal/",
        f"/personal/jour/{jour}/logg/",
        f"/personal/jour/{jour}/profil/",
        f"/personal/jour/{jour}/schema/",
        "/personal/kalender/",
        "/personal/tystnadslofte/",
        reverse("account_change_password"),
        reverse("account_email"),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == activate, url
    response = client.get("/en/personal/")
    assert response.status_code == 302
    assert response["Location"] == en("mfa_activate_totp")
    # Actions are stopped too.
    kvinna = Membership.objects.get(user=staff.kvinna_a, jour=staff.jour_a)
    response = client.post(f"/personal/jour/{jour}/personal/{kvinna.pk}/ta-bort/")
    assert response.status_code == 302 and response["Location"] == activate
    assert Membership.objects.filter(pk=kvinna.pk).exists()
    response = client.post(f"/personal/jour/{jour}/personal/", {"email": "x@y.test", "role": "jourkvinna"})
    assert response.status_code == 302 and response["Location"] == activate
    assert not no_factor.invites_sent.exists()


def test_without_factor_she_may_set_one_up_and_sign_out(staff: Staff, no_factor: Any) -> None:
    client = signed_in(no_factor)
    # The activation page asks her to confirm her password first (force_login is no recent sign-in).
    response = client.get(en("mfa_activate_totp"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [] or response.redirect_chain[-1][0].startswith(
        en("account_reauthenticate")
    )
    response = client.post(
        en("account_reauthenticate") + "?next=" + en("mfa_activate_totp"), {"password": STAFF_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == en("mfa_activate_totp")
    response = client.get(en("mfa_activate_totp"))
    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()
    # She may sign out from here.
    assert client.get(en("account_logout")).status_code == 200
    response = client.post(en("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_activating_totp_opens_the_staff_pages(staff: Staff, no_factor: Any) -> None:
    wait_for_fresh_period()
    client = signed_in(no_factor)
    client.post(en("account_reauthenticate"), {"password": STAFF_PASSWORD})
    response = client.get(en("mfa_activate_totp"))
    assert response.status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post(en("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=no_factor, type=Authenticator.Type.TOTP).exists()
    assert client.get("/personal/").status_code == 200


def test_activation_with_a_wrong_code_is_refused(staff: Staff, no_factor: Any) -> None:
    client = signed_in(no_factor)
    client.post(en("account_reauthenticate"), {"password": STAFF_PASSWORD})
    client.get(en("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]
    valid = {totp_code(secret, offset) for offset in (-1, 0, 1)}
    wrong = next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)
    response = client.post(en("mfa_activate_totp"), {"code": wrong})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Authenticator.objects.filter(user=no_factor).exists()
    assert client.get("/personal/")["Location"] == reverse("mfa_activate_totp")


# --- The last factor stays -----------------------------------------------------------


def test_last_second_factor_cannot_be_removed(staff: Staff) -> None:
    client = signed_in(staff.kvinna_a)
    response = client.post(
        en("account_reauthenticate") + "?next=" + en("mfa_deactivate_totp"), {"password": STAFF_PASSWORD}
    )
    assert response.status_code == 302
    response = client.get(en("mfa_deactivate_totp"))
    assert response.status_code == 200  # the page, not the reauthentication step
    assert "You cannot deactivate two-factor authentication." in response.content.decode()
    response = client.post(en("mfa_deactivate_totp"))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Authenticator.objects.filter(user=staff.kvinna_a, type=Authenticator.Type.TOTP).exists()
    # She is still a full staff member.
    assert client.get("/personal/").status_code == 200


def test_last_factor_cannot_be_removed_even_with_recovery_codes(staff: Staff) -> None:
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    RecoveryCodes.activate(staff.kvinna_a)
    client = signed_in(staff.kvinna_a)
    client.post(en("account_reauthenticate"), {"password": STAFF_PASSWORD})
    response = client.post(en("mfa_deactivate_totp"))
    assert response.status_code == 200
    assert Authenticator.objects.filter(user=staff.kvinna_a, type=Authenticator.Type.TOTP).exists()


def test_deactivation_needs_reauthentication(staff: Staff) -> None:
    client = signed_in(staff.kvinna_a)
    response = client.post(en("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert "reauthenticate" in response["Location"]
    assert Authenticator.objects.filter(user=staff.kvinna_a, type=Authenticator.Type.TOTP).exists()


# --- Every other session ends after a change of factor or password --------------------


def test_sessions_end_elsewhere_signs_out_the_other_browser(staff: Staff) -> None:
    laptop, phone = signed_in(staff.kvinna_a), signed_in(staff.kvinna_a)
    other_user = signed_in(staff.kvinna_b)
    assert is_signed_in(laptop) and is_signed_in(phone)
    services.sessions_end_elsewhere(user=staff.kvinna_a, request=None)
    assert not is_signed_in(laptop)
    assert not is_signed_in(phone)
    response = phone.get("/personal/")
    assert response.status_code == 302
    assert response["Location"].startswith("/personal/konto/login/")
    # Someone else is untouched.
    assert is_signed_in(other_user)


def test_password_change_signs_out_other_sessions_but_not_this_one(staff: Staff) -> None:
    here, elsewhere = signed_in(staff.kvinna_a), signed_in(staff.kvinna_a)
    assert is_signed_in(here) and is_signed_in(elsewhere)
    here.post(en("account_reauthenticate"), {"password": STAFF_PASSWORD})
    new_password = "ny-fras-med-vintergata-77"
    response = here.post(
        en("account_change_password"),
        {"oldpassword": STAFF_PASSWORD, "password1": new_password, "password2": new_password},
    )
    assert response.status_code == 302, getattr(response, "context", None) and response.context["form"].errors
    staff.kvinna_a.refresh_from_db()
    assert staff.kvinna_a.check_password(new_password)
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)


def test_adding_a_factor_signs_out_other_sessions(
    staff: Staff, no_factor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """allauth sends authenticator_added on commit of the atomic activation, inside the request.
    The test's own transaction never commits, so the hook runs at once here, as it does in
    production when the activation's atomic block ends."""
    from allauth.mfa.totp.internal import flows

    monkeypatch.setattr(
        flows, "transaction", SimpleNamespace(on_commit=lambda func, using=None, robust=False: func())
    )
    wait_for_fresh_period()
    here, elsewhere = signed_in(no_factor), signed_in(no_factor)
    here.post(en("account_reauthenticate"), {"password": STAFF_PASSWORD})
    here.get(en("mfa_activate_totp"))
    secret = here.session["mfa.totp.secret"]
    response = here.post(en("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert is_signed_in(here)
    # Without the sign-out she would now be let through (the factor exists).
    response = elsewhere.get("/personal/")
    assert response.status_code == 302
    assert response["Location"].startswith("/personal/konto/login/")


def test_factor_removal_signs_out_other_sessions(staff: Staff) -> None:
    """With a second TOTP-like factor in place the first may go; the change ends other sessions."""
    Authenticator.objects.create(user=staff.kvinna_a, type=Authenticator.Type.WEBAUTHN, data={})
    here, elsewhere = signed_in(staff.kvinna_a), signed_in(staff.kvinna_a)
    here.post(en("account_reauthenticate"), {"password": STAFF_PASSWORD})
    response = here.post(en("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=staff.kvinna_a, type=Authenticator.Type.TOTP).exists()
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)
