"""The audit log: append-only, written for every staff event that matters, scoped when read,
and never holding anything a help-seeker typed."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client

from fristad.accounts import services
from fristad.accounts.models import AuditAction, AuditEvent, Invite, Membership, Role
from fristad.accounts.selectors import pledge_current
from tests.conftest import STAFF_PASSWORD, Staff, make_staff_user, totp_code

LOGIN_URL = "/personal/konto/login/"
MFA_URL = "/personal/konto/2fa/authenticate/"
NEW_PASSWORD = "en-helt-ny-och-lang-fras-2026"


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def events(action: str, **filters: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, **filters))


# --- Append-only ---------------------------------------------------------------------------


def test_the_audit_log_is_append_only(staff: Staff) -> None:
    event = services.audit_record(action=AuditAction.INVITE_SENT, actor=staff.admin_a, jour=staff.jour_a)
    event.detail = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(detail="rewritten")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(detail="rewritten")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["detail"])
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.detail == "" and stored.action == AuditAction.INVITE_SENT
    # Appending still works.
    services.audit_record(action=AuditAction.INVITE_SENT, actor=staff.admin_a, jour=staff.jour_a)
    assert AuditEvent.objects.filter(action=AuditAction.INVITE_SENT, jour=staff.jour_a).count() >= 2


# --- What is recorded ------------------------------------------------------------------------


def test_invite_sent_and_accepted_are_recorded(staff: Staff) -> None:
    admin = signed_in(staff.admin_a)
    response = admin.post(
        f"/personal/jour/{staff.jour_a.pk}/personal/", {"email": "Ny.Kvinna@Staff.test", "role": "jourkvinna"}
    )
    assert response.status_code == 200
    sent = events(AuditAction.INVITE_SENT, target="ny.kvinna@staff.test")
    assert len(sent) == 1
    assert sent[0].actor_id == staff.admin_a.pk and sent[0].jour_id == staff.jour_a.pk
    assert sent[0].actor_label == staff.admin_a.email and not sent[0].national
    link = re.search(r"/personal/inbjudan/([^/]+)/", response.content.decode())
    assert link is not None
    accept_url = link.group(0)

    newcomer = Client()
    response = newcomer.post(
        accept_url, {"full_name": "Ny Kvinna", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    accepted = events(AuditAction.INVITE_ACCEPTED)
    assert len(accepted) == 1
    assert accepted[0].actor is not None and accepted[0].actor.email == "ny.kvinna@staff.test"
    assert accepted[0].jour_id == staff.jour_a.pk and accepted[0].detail == Role.JOURKVINNA
    assert Invite.objects.get(email="ny.kvinna@staff.test").accepted_at is not None
    # Nothing of the token or the password is kept.
    token = link.group(1)
    for row in AuditEvent.objects.values_list("target", "detail", "actor_label"):
        assert not any(token in value or NEW_PASSWORD in value for value in row)


def test_role_change_and_removal_are_recorded(staff: Staff) -> None:
    admin = signed_in(staff.admin_a)
    membership = Membership.objects.get(user=staff.kvinna_a, jour=staff.jour_a)
    base = f"/personal/jour/{staff.jour_a.pk}/personal/{membership.pk}"
    assert admin.post(f"{base}/roll/", {"role": "jour_admin"}).status_code == 302
    changed = events(AuditAction.ROLE_CHANGED, jour=staff.jour_a)
    assert len(changed) == 1
    assert changed[0].actor_id == staff.admin_a.pk and changed[0].target == staff.kvinna_a.email
    assert changed[0].detail == "jourkvinna -> jour_admin"
    assert not changed[0].national

    assert admin.post(f"{base}/ta-bort/").status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    removed = events(AuditAction.MEMBERSHIP_REMOVED, jour=staff.jour_a)
    assert len(removed) == 1
    assert removed[0].actor_id == staff.admin_a.pk and removed[0].target == staff.kvinna_a.email


def test_suspension_is_recorded_in_the_national_log(staff: Staff) -> None:
    national = signed_in(staff.national)
    response = national.post(f"/personal/forbund/jourer/{staff.jour_b.pk}/aktiv/", {"active": "0"})
    assert response.status_code == 302
    suspended = events(AuditAction.JOUR_SUSPENDED)
    assert len(suspended) == 1
    assert suspended[0].national and suspended[0].actor_id == staff.national.pk
    assert suspended[0].jour_id == staff.jour_b.pk and suspended[0].target == "malmo"


def test_pledge_signature_is_recorded(staff: Staff) -> None:
    user, _secret = make_staff_user("ny-signerare@staff.test", sign_pledge=False)
    Membership.objects.create(user=user, role=Role.JOURKVINNA, jour=staff.jour_a)
    client = signed_in(user)
    assert client.post("/personal/tystnadslofte/", {"agree": "on"}).status_code == 302
    signed = events(AuditAction.PLEDGE_SIGNED, actor=user)
    assert len(signed) == 1
    version = pledge_current()
    assert version is not None
    assert signed[0].jour_id == staff.jour_a.pk and signed[0].detail == f"version {version.version}"
    # Signing the same version again adds nothing.
    client.post("/personal/tystnadslofte/", {"agree": "on"})
    assert len(events(AuditAction.PLEDGE_SIGNED, actor=user)) == 1


def test_sign_in_with_password_and_code_is_recorded(staff: Staff) -> None:
    cache.clear()  # the login rate limits live in the cache
    client = Client()
    response = client.post(LOGIN_URL, {"login": staff.kvinna_a.email, "password": STAFF_PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith(MFA_URL)
    # The password alone is not a sign-in.
    assert not events(AuditAction.SIGN_IN, actor=staff.kvinna_a)
    response = client.post(MFA_URL, {"code": totp_code(staff.totp_secrets["kvinna_a"])})
    assert response.status_code == 302, response.content.decode()[:2000]
    signed = events(AuditAction.SIGN_IN, actor=staff.kvinna_a)
    assert len(signed) == 1
    assert signed[0].actor_label == staff.kvinna_a.email
    assert client.get("/personal/").status_code == 200


def test_failed_sign_in_is_recorded(staff: Staff) -> None:
    cache.clear()
    response = Client().post(LOGIN_URL, {"login": staff.kvinna_b.email, "password": "fel-losenord-helt"})
    assert response.status_code == 200
    failed = events(AuditAction.SIGN_IN_FAILED)
    assert len(failed) == 1
    assert failed[0].actor_id == staff.kvinna_b.pk and failed[0].target == staff.kvinna_b.email
    assert "fel-losenord-helt" not in failed[0].detail + failed[0].target
    assert not events(AuditAction.SIGN_IN)


# --- Who reads what ----------------------------------------------------------------------------


def test_jour_admin_sees_her_jours_events_only(staff: Staff) -> None:
    signed_in(staff.admin_a).post(
        f"/personal/jour/{staff.jour_a.pk}/personal/",
        {"email": "egen-inbjudan@staff.test", "role": "jourkvinna"},
    )
    signed_in(staff.admin_b).post(
        f"/personal/jour/{staff.jour_b.pk}/personal/",
        {"email": "malmo-inbjudan@staff.test", "role": "jourkvinna"},
    )
    assert events(AuditAction.INVITE_SENT, target="malmo-inbjudan@staff.test")
    response = signed_in(staff.admin_a).get(f"/personal/jour/{staff.jour_a.pk}/logg/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "egen-inbjudan@staff.test" in page
    assert "malmo-inbjudan@staff.test" not in page
    assert staff.admin_b.email not in page
    assert staff.jour_b.name not in page
    # And admin_b's log is hers alone.
    page_b = signed_in(staff.admin_b).get(f"/personal/jour/{staff.jour_b.pk}/logg/").content.decode()
    assert "malmo-inbjudan@staff.test" in page_b and "egen-inbjudan@staff.test" not in page_b
    # Neither reaches the other's log.
    assert signed_in(staff.admin_a).get(f"/personal/jour/{staff.jour_b.pk}/logg/").status_code == 404


def test_national_log_shows_national_events_not_jour_level_ones(staff: Staff) -> None:
    membership = Membership.objects.get(user=staff.kvinna_b, jour=staff.jour_b)
    response = signed_in(staff.admin_b).post(
        f"/personal/jour/{staff.jour_b.pk}/personal/{membership.pk}/roll/", {"role": "jour_admin"}
    )
    assert response.status_code == 302
    assert events(AuditAction.ROLE_CHANGED)
    national = signed_in(staff.national)
    national.post(f"/personal/forbund/jourer/{staff.jour_a.pk}/aktiv/", {"active": "0"})
    response = national.get("/en/personal/forbund/logg/")
    assert response.status_code == 200
    page = response.content.decode()
    assert str(AuditAction.JOUR_SUSPENDED.label) in page
    assert "stockholm" in page
    assert str(AuditAction.ROLE_CHANGED.label) not in page
    assert "jourkvinna -&gt; jour_admin" not in page and "jourkvinna -> jour_admin" not in page
    assert staff.kvinna_b.email not in page


def test_no_audit_row_holds_what_a_help_seeker_typed(staff: Staff) -> None:
    public = Client()
    admin = signed_in(staff.admin_a)  # staff at work at the same time: rows to look through
    for typed in ("11520", "115 20", "Stockholm"):
        assert public.get("/sok/", {"q": typed}).status_code == 200
    assert public.get("/jour/stockholm/", {"q": "11520"}).status_code == 200
    admin.post(
        f"/personal/jour/{staff.jour_a.pk}/personal/", {"email": "ny@staff.test", "role": "jourkvinna"}
    )
    assert AuditEvent.objects.count() >= 2
    for row in AuditEvent.objects.values_list("actor_label", "target", "detail"):
        for value in row:
            assert "11520" not in value and "115 20" not in value
