"""Sign-in throttling per account: five wrong passwords lock the account for 15 minutes."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from fristad.accounts.models import AuditAction, AuditEvent
from tests.conftest import STAFF_PASSWORD, Staff

LOGIN = "/en/personal/konto/login/"
MFA_STEP = "/en/personal/konto/2fa/authenticate/"
LOCKED_MESSAGE = "Too many failed login attempts. Try again later."


def attempt(email: str, password: str, addr: str = "127.0.0.1", client: Client | None = None) -> Any:
    return (client or Client()).post(LOGIN, {"login": email, "password": password}, REMOTE_ADDR=addr)


def assert_refused(response: Any) -> None:
    assert response.status_code in (200, 429)
    if response.status_code == 200:
        assert response.context["form"].errors
    assert response.get("Location") is None


def fail_five_times(email: str, addrs: list[str] | None = None) -> None:
    for i in range(5):
        addr = addrs[i % len(addrs)] if addrs else "127.0.0.1"
        response = attempt(email, f"fel-losenord-{i}-abcdef", addr=addr)
        assert response.status_code == 200, i
        assert response.context["form"].errors, i


def test_wrong_password_is_refused_with_a_message(staff: Staff) -> None:
    response = attempt("admin_a@staff.test", "fel-losenord-abcdef")
    assert_refused(response)
    assert "The email address and/or password you specified are not correct." in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED, actor=staff.admin_a).count() == 1


def test_unknown_email_is_refused_like_a_wrong_password(staff: Staff) -> None:
    unknown = attempt("finns-inte@staff.test", "fel-losenord-abcdef")
    known = attempt("admin_a@staff.test", "fel-losenord-abcdef")
    assert_refused(unknown)
    assert unknown.context["form"].errors == known.context["form"].errors


def test_sixth_attempt_is_refused_even_with_the_right_password(staff: Staff) -> None:
    fail_five_times("admin_a@staff.test")
    assert not AuditEvent.objects.filter(action=AuditAction.LOCKOUT).exists()
    client = Client()
    response = attempt("admin_a@staff.test", STAFF_PASSWORD, client=client)
    assert_refused(response)
    assert LOCKED_MESSAGE in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(MFA_STEP).status_code == 302  # no MFA stage begun
    assert client.get("/en/personal/").status_code == 302
    lockouts = AuditEvent.objects.filter(action=AuditAction.LOCKOUT)
    assert lockouts.count() == 1
    event = lockouts.get()
    assert event.actor == staff.admin_a
    assert event.target == "admin_a@staff.test"


def test_lockout_holds_for_further_attempts(staff: Staff) -> None:
    fail_five_times("admin_a@staff.test")
    for _ in range(3):
        response = attempt("admin_a@staff.test", STAFF_PASSWORD)
        assert_refused(response)
        assert LOCKED_MESSAGE in response.content.decode()


def test_lockout_is_per_account_not_per_address(staff: Staff) -> None:
    fail_five_times("kvinna_a@staff.test", addrs=[f"10.0.{i}.{i + 1}" for i in range(5)])
    response = attempt("kvinna_a@staff.test", STAFF_PASSWORD, addr="192.0.2.77")
    assert_refused(response)
    assert LOCKED_MESSAGE in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.LOCKOUT, actor=staff.kvinna_a).exists()


def test_lockout_ignores_the_case_of_the_email(staff: Staff) -> None:
    for i, spelled in enumerate(
        [
            "kvinna_a@staff.test",
            "KVINNA_A@staff.test",
            "Kvinna_A@Staff.Test",
            "kvinna_a@STAFF.TEST",
            "kvinna_A@staff.test",
        ]
    ):
        assert_refused(attempt(spelled, f"fel-losenord-{i}-abcdef"))
    response = attempt("kvinna_a@staff.test", STAFF_PASSWORD)
    assert_refused(response)
    assert LOCKED_MESSAGE in response.content.decode()


def test_another_account_is_not_locked(staff: Staff) -> None:
    fail_five_times("admin_a@staff.test")
    response = attempt("admin_b@staff.test", STAFF_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == MFA_STEP
    assert not AuditEvent.objects.filter(action=AuditAction.LOCKOUT, actor=staff.admin_b).exists()


def test_four_failures_then_the_right_password_passes(staff: Staff) -> None:
    for i in range(4):
        assert_refused(attempt("admin_a@staff.test", f"fel-losenord-{i}-abcdef"))
    response = attempt("admin_a@staff.test", STAFF_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == MFA_STEP
    assert not AuditEvent.objects.filter(action=AuditAction.LOCKOUT).exists()


def test_successful_password_does_not_reset_the_count(staff: Staff) -> None:
    """A correct password in between must not let an attacker keep guessing."""
    for i in range(4):
        assert_refused(attempt("admin_a@staff.test", f"fel-losenord-{i}-abcdef"))
    assert attempt("admin_a@staff.test", STAFF_PASSWORD).status_code == 302
    assert_refused(attempt("admin_a@staff.test", "fel-losenord-5-abcdef"))
    response = attempt("admin_a@staff.test", STAFF_PASSWORD)
    assert_refused(response)
    assert LOCKED_MESSAGE in response.content.decode()


def test_lockout_ends_after_fifteen_minutes(staff: Staff, monkeypatch: pytest.MonkeyPatch) -> None:
    import time as time_module

    from allauth.core.internal import ratelimit

    fail_five_times("admin_a@staff.test")
    assert_refused(attempt("admin_a@staff.test", STAFF_PASSWORD))
    later = time_module.time() + 15 * 60 + 5
    monkeypatch.setattr(ratelimit.time, "time", lambda: later)
    response = attempt("admin_a@staff.test", STAFF_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == MFA_STEP


def test_wrong_totp_codes_are_throttled_too(staff: Staff) -> None:
    from tests.conftest import totp_code

    secret = staff.totp_secrets["admin_a"]
    valid = {totp_code(secret, offset) for offset in (-1, 0, 1)}
    wrong = [
        c for c in ("000000", "111111", "222222", "333333", "444444", "555555", "666666") if c not in valid
    ]
    client = Client()
    assert attempt("admin_a@staff.test", STAFF_PASSWORD, client=client).status_code == 302
    for code in wrong[:5]:
        response = client.post(MFA_STEP, {"code": code})
        assert response.status_code == 200
    response = client.post(MFA_STEP, {"code": totp_code(secret)})
    assert response.status_code in (200, 429)
    assert LOCKED_MESSAGE in response.content.decode()
    assert "_auth_user_id" not in client.session
