"""Invites: single-use, expiring links that create (or join) an account."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.utils import timezone, translation

from fristad.accounts import services
from fristad.accounts.models import AuditAction, AuditEvent, Invite, Membership, Role, User
from tests.conftest import STAFF_PASSWORD, Staff, totp_code

NEW_EMAIL = "ny-jourkvinna@staff.test"
GOOD_PASSWORD = "morgondimma-over-sjon-42"


def wait_for_fresh_period(margin: int = 6) -> None:
    remaining = 30 - int(time.time()) % 30
    if remaining < margin:
        time.sleep(remaining + 0.2)


def link(token: str, prefix: str = "/en") -> str:
    return f"{prefix}/personal/inbjudan/{token}/"


def accept_data(
    password: str = GOOD_PASSWORD, again: str | None = None, name: str = "Nora Ny"
) -> dict[str, str]:
    return {"full_name": name, "password1": password, "password2": password if again is None else again}


@pytest.fixture
def issued(staff: Staff) -> services.IssuedInvite:
    return services.invite_create(
        invited_by=staff.admin_a, email=NEW_EMAIL, role=Role.JOURKVINNA, jour=staff.jour_a
    )


def test_invite_stores_only_a_hash(issued: services.IssuedInvite) -> None:
    invite = Invite.objects.get(pk=issued.invite.pk)
    assert issued.token not in invite.token_hash
    assert len(invite.token_hash) == 64
    assert invite.expires_at > timezone.now() + timedelta(hours=71)


def test_link_shows_the_form(issued: services.IssuedInvite) -> None:
    response = Client().get(link(issued.token))
    assert response.status_code == 200
    page = response.content.decode()
    for field in ("full_name", "password1", "password2"):
        assert f'name="{field}"' in page
    # Swedish, unprefixed, works too.
    assert Client().get(link(issued.token, prefix="")).status_code == 200


def test_accepting_creates_user_and_membership_and_sends_to_totp(
    staff: Staff, issued: services.IssuedInvite
) -> None:
    client = Client()
    response = client.post(link(issued.token), accept_data())
    assert response.status_code == 302
    assert response["Location"] == "/en/personal/konto/2fa/totp/activate/"
    user = User.objects.get(email=NEW_EMAIL)
    assert user.full_name == "Nora Ny"
    assert user.check_password(GOOD_PASSWORD)
    assert user.password.startswith("argon2")
    membership = Membership.objects.get(user=user)
    assert (membership.role, membership.jour) == (Role.JOURKVINNA, staff.jour_a)
    invite = Invite.objects.get(pk=issued.invite.pk)
    assert invite.accepted_at is not None and invite.accepted_by == user
    assert AuditEvent.objects.filter(action=AuditAction.INVITE_ACCEPTED, actor=user).exists()
    # Signed in, but every staff page waits for her second factor.
    assert int(client.session["_auth_user_id"]) == user.pk
    response = client.get("/en/personal/")
    assert response.status_code == 302
    assert response["Location"] == "/en/personal/konto/2fa/totp/activate/"
    # She just proved her password: the activation page opens without reauthentication.
    response = client.get("/en/personal/konto/2fa/totp/activate/")
    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()


def test_used_link_says_already_used(issued: services.IssuedInvite) -> None:
    assert Client().post(link(issued.token), accept_data()).status_code == 302
    for client in (Client(), Client()):
        response = client.get(link(issued.token))
        assert response.status_code == 410
        assert "already been used" in response.content.decode()
        response = client.post(link(issued.token), accept_data(password="ett-annat-losenord-99"))
        assert response.status_code == 410
        assert "already been used" in response.content.decode()
        assert "_auth_user_id" not in client.session
    assert User.objects.filter(email=NEW_EMAIL).count() == 1
    # The second try did not change her password.
    assert User.objects.get(email=NEW_EMAIL).check_password(GOOD_PASSWORD)


def test_expired_invite(issued: services.IssuedInvite) -> None:
    Invite.objects.filter(pk=issued.invite.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    client = Client()
    response = client.get(link(issued.token))
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    response = client.post(link(issued.token), accept_data())
    assert response.status_code == 410
    assert not User.objects.filter(email=NEW_EMAIL).exists()
    with translation.override("en"), pytest.raises(services.InviteInvalid, match="expired"):
        services.invite_accept(token=issued.token, password=GOOD_PASSWORD, full_name="Nora")


def test_revoked_invite(staff: Staff, issued: services.IssuedInvite) -> None:
    services.invite_revoke(invite=issued.invite, actor=staff.admin_a)
    client = Client()
    response = client.get(link(issued.token))
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
    response = client.post(link(issued.token), accept_data())
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
    assert not User.objects.filter(email=NEW_EMAIL).exists()


def test_revoke_through_the_people_page(staff: Staff, issued: services.IssuedInvite) -> None:
    admin = Client()
    admin.force_login(staff.admin_a)
    response = admin.post(f"/personal/jour/{staff.jour_a.pk}/inbjudan/{issued.invite.pk}/dra-tillbaka/")
    assert response.status_code == 302
    response = Client().get(link(issued.token))
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


@pytest.mark.parametrize(
    "token",
    [
        "not-a-real-token",
        "x" * 10_000,
        "a" * 101,
        "%00",
        "..%2F..%2Fetc",
        "å" * 50,
        "'; DROP TABLE accounts_invite; --",
    ],
)
def test_unknown_or_absurd_token_is_a_friendly_refusal(db: None, token: str) -> None:
    client = Client(raise_request_exception=True)
    for method in (client.get, client.post):
        response = method(link(token), accept_data()) if method is client.post else method(link(token))
        assert response.status_code in (404, 410), token[:20]
        assert b"Traceback" not in response.content
    assert not User.objects.filter(email=NEW_EMAIL).exists()


def test_unknown_token_says_not_valid(db: None) -> None:
    response = Client().get(link("nope"))
    assert response.status_code == 410
    assert "not valid" in response.content.decode()
    response = Client().get(link("x" * 10_000))
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_service_accepts_only_once(issued: services.IssuedInvite) -> None:
    user = services.invite_accept(token=issued.token, password=GOOD_PASSWORD, full_name="Nora")
    with translation.override("en"), pytest.raises(services.InviteInvalid, match="already been used"):
        services.invite_accept(token=issued.token, password="ett-annat-losenord-99", full_name="Mallory")
    assert User.objects.filter(email=NEW_EMAIL).count() == 1
    user.refresh_from_db()
    assert user.full_name == "Nora"
    assert user.check_password(GOOD_PASSWORD)
    assert Membership.objects.filter(user=user).count() == 1


def test_overlong_name_is_a_form_error(issued: services.IssuedInvite) -> None:
    response = Client().post(link(issued.token), accept_data(name="N" * 121))
    assert response.status_code == 200
    assert "full_name" in response.context["form"].errors
    assert not User.objects.filter(email=NEW_EMAIL).exists()
    # 120 is fine.
    assert Client().post(link(issued.token), accept_data(name="N" * 120)).status_code == 302


def test_password_mismatch_is_a_form_error(issued: services.IssuedInvite) -> None:
    response = Client().post(link(issued.token), accept_data(again=GOOD_PASSWORD + "x"))
    assert response.status_code == 200
    assert "password2" in response.context["form"].errors
    assert not User.objects.filter(email=NEW_EMAIL).exists()
    assert Invite.objects.get(pk=issued.invite.pk).accepted_at is None


@pytest.mark.parametrize("missing", ["full_name", "password1", "password2"])
def test_missing_field_is_a_form_error(issued: services.IssuedInvite, missing: str) -> None:
    data = accept_data()
    del data[missing]
    response = Client().post(link(issued.token), data)
    assert response.status_code == 200
    assert missing in response.context["form"].errors
    assert not User.objects.filter(email=NEW_EMAIL).exists()


def test_weak_password_is_a_form_error(issued: services.IssuedInvite) -> None:
    for weak in ("kort-ord", "password1234", "abcabcabcabc", "ny-jourkvinna"):
        response = Client().post(link(issued.token), accept_data(password=weak))
        assert response.status_code == 200, weak
        assert "password1" in response.context["form"].errors, weak
    assert not User.objects.filter(email=NEW_EMAIL).exists()


def test_password_like_the_email_is_refused(issued: services.IssuedInvite) -> None:
    response = Client().post(link(issued.token), accept_data(password="ny-jourkvinna@staff.test"))
    assert response.status_code == 200
    assert "password1" in response.context["form"].errors


@pytest.fixture
def for_kvinna_b(staff: Staff) -> services.IssuedInvite:
    """kvinna_b (jour b) is invited to jour a as well."""
    return services.invite_create(
        invited_by=staff.admin_a, email="kvinna_b@staff.test", role=Role.JOURKVINNA, jour=staff.jour_a
    )


def sign_in_fully(client: Client, staff: Staff, key: str, next_url: str = "") -> Any:
    """Password, then the TOTP code, through allauth; returns the last response."""
    wait_for_fresh_period()
    url = "/en/personal/konto/login/" + (f"?next={next_url}" if next_url else "")
    response = client.post(url, {"login": f"{key}@staff.test", "password": STAFF_PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/en/personal/konto/2fa/authenticate/")
    response = client.post(response["Location"], {"code": totp_code(staff.totp_secrets[key])})
    assert response.status_code == 302
    return response


def test_existing_user_joins_the_new_jour_and_keeps_her_password(
    staff: Staff, for_kvinna_b: services.IssuedInvite
) -> None:
    token = for_kvinna_b.token
    client = Client()
    # Not signed in: the link asks her to sign in as herself, it offers no password form.
    response = client.get(link(token))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="password1"' not in page
    assert f"/en/personal/konto/login/?next={link(token)}" in page
    # She signs in with both factors and comes back to the link.
    response = sign_in_fully(client, staff, "kvinna_b", next_url=link(token))
    assert response["Location"] == link(token)
    response = client.get(link(token))
    assert response.status_code == 200
    response = client.post(link(token))
    assert response.status_code == 302
    assert response["Location"] == "/en/personal/"
    user = User.objects.get(email="kvinna_b@staff.test")
    assert user.pk == staff.kvinna_b.pk
    assert user.check_password(STAFF_PASSWORD)
    assert set(Membership.objects.filter(user=user).values_list("jour__slug", "role")) == {
        ("malmo", Role.JOURKVINNA),
        ("stockholm", Role.JOURKVINNA),
    }
    invite = Invite.objects.get(pk=for_kvinna_b.invite.pk)
    assert invite.accepted_by == user
    assert client.get(f"/en/personal/jour/{staff.jour_a.pk}/schema/").status_code == 200
    # Single-use still: for her, for anyone.
    for again in (client, Client()):
        response = again.get(link(token))
        assert response.status_code == 410
        assert "already been used" in response.content.decode()
    with translation.override("en"), pytest.raises(services.InviteInvalid, match="already been used"):
        services.invite_accept_signed_in(token=token, user=user)
    assert Membership.objects.filter(user=user).count() == 2


def test_existing_account_is_never_signed_in_by_the_invite_form(
    staff: Staff, for_kvinna_b: services.IssuedInvite
) -> None:
    """Whoever holds the link (the inviting coordinator sees it) must not become her."""
    token = for_kvinna_b.token
    intruder = Client()
    response = intruder.post(link(token), accept_data(password="vad-som-helst-pa-jord-1"))
    assert response.status_code == 200
    assert "_auth_user_id" not in intruder.session
    assert intruder.get(f"/en/personal/jour/{staff.jour_b.pk}/schema/").status_code == 302
    assert Invite.objects.get(pk=for_kvinna_b.invite.pk).accepted_at is None
    staff.kvinna_b.refresh_from_db()
    assert staff.kvinna_b.check_password(STAFF_PASSWORD)
    with pytest.raises(services.InviteInvalid):
        services.invite_accept(token=token, password="vad-som-helst-pa-jord-1", full_name="X")
    assert Membership.objects.filter(user=staff.kvinna_b).count() == 1


def test_existing_account_invite_cannot_be_taken_by_another_signed_in_user(
    staff: Staff, for_kvinna_b: services.IssuedInvite
) -> None:
    admin = Client()
    admin.force_login(staff.admin_a)
    response = admin.post(link(for_kvinna_b.token))
    assert response.status_code == 200
    assert 'name="password1"' not in response.content.decode()
    assert Invite.objects.get(pk=for_kvinna_b.invite.pk).accepted_at is None
    assert Membership.objects.filter(user=staff.admin_a).count() == 1
    with translation.override("en"), pytest.raises(services.InviteInvalid, match="another e-mail"):
        services.invite_accept_signed_in(token=for_kvinna_b.token, user=staff.admin_a)


def test_invite_email_is_case_insensitive_for_existing_users(staff: Staff) -> None:
    issued = services.invite_create(
        invited_by=staff.admin_a, email="  Kvinna_B@Staff.TEST ", role=Role.JOURKVINNA, jour=staff.jour_a
    )
    with pytest.raises(services.InviteInvalid):
        services.invite_accept(token=issued.token, password=GOOD_PASSWORD, full_name="X")
    services.invite_accept_signed_in(token=issued.token, user=staff.kvinna_b)
    assert User.objects.filter(email__iexact="kvinna_b@staff.test").count() == 1
    assert Membership.objects.filter(user=staff.kvinna_b, jour=staff.jour_a).exists()


def test_jour_admin_creates_an_invite_through_the_people_page(staff: Staff) -> None:
    admin = Client()
    admin.force_login(staff.admin_a)
    response = admin.post(
        f"/en/personal/jour/{staff.jour_a.pk}/personal/", {"email": NEW_EMAIL, "role": Role.JOURKVINNA}
    )
    assert response.status_code == 200
    invite_link = response.context["invite_link"]
    assert invite_link.startswith("http://testserver/en/personal/inbjudan/")
    invite = Invite.objects.get(email=NEW_EMAIL)
    assert (invite.role, invite.jour, invite.invited_by) == (Role.JOURKVINNA, staff.jour_a, staff.admin_a)
    assert AuditEvent.objects.filter(action=AuditAction.INVITE_SENT, target=NEW_EMAIL).exists()
    path = invite_link.split("testserver", 1)[1]
    assert Client().get(path).status_code == 200


def test_new_account_has_no_factor_until_she_sets_one(issued: services.IssuedInvite) -> None:
    client = Client()
    client.post(link(issued.token), accept_data())
    user = User.objects.get(email=NEW_EMAIL)
    assert not Authenticator.objects.filter(user=user).exists()
    for url in ("/personal/", "/personal/kalender/", "/personal/tystnadslofte/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == "/personal/konto/2fa/totp/activate/"


def test_token_of_one_invite_does_not_open_another(staff: Staff, issued: services.IssuedInvite) -> None:
    other = services.invite_create(
        invited_by=staff.admin_b, email="annan@staff.test", role=Role.JOURKVINNA, jour=staff.jour_b
    )
    Client().post(link(other.token), accept_data())
    assert Membership.objects.get(user__email="annan@staff.test").jour == staff.jour_b
    assert Invite.objects.get(pk=issued.invite.pk).accepted_at is None


def test_invite_needs_the_place_for_its_role(staff: Staff) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.invite_create(invited_by=staff.admin_a, email="a@b.test", role=Role.JOURKVINNA)
    with pytest.raises(ValidationError):
        services.invite_create(invited_by=staff.national, email="a@b.test", role=Role.CASEWORKER)
