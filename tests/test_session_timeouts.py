"""Staff sessions: 30 minutes idle, 12 hours at most, and the cookies that carry them."""

from __future__ import annotations

import html
import os
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from fristad.accounts import middleware, services
from fristad.accounts.models import AuditAction, AuditEvent
from tests.conftest import STAFF_PASSWORD, Staff, totp_code

MINUTE = 60
HOUR = 60 * MINUTE
LOGIN = "/personal/konto/login/"
TIMED_OUT = "You were signed out because the session timed out. Sign in again."
BASE_DIR = Path(__file__).resolve().parent.parent


class Clock:
    """The staff session clock, moved by hand: the middleware and the sign-in service see it,
    nothing else (the time module itself is left alone)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = time.time()
        fake = SimpleNamespace(time=lambda: self.now)
        monkeypatch.setattr(middleware, "time", fake)
        monkeypatch.setattr(services, "time", fake)

    def reset(self) -> None:
        """Back to the wall clock (which force_login uses for the sign-in time)."""
        self.now = time.time()

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def assert_signed_out_by_timeout(client: Client, url: str = "/personal/") -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session
    # The login page says why.
    page = client.get(LOGIN).content.decode()
    with translation.override("sv"):
        assert html.escape(translation.gettext(TIMED_OUT)) in page
    # And she stays out.
    response = client.get("/personal/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN + "?next=")


def test_the_settings_are_30_minutes_and_12_hours() -> None:
    assert settings.STAFF_IDLE_TIMEOUT_SECONDS == 30 * MINUTE
    assert settings.STAFF_ABSOLUTE_TIMEOUT_SECONDS == 12 * HOUR
    assert settings.SESSION_COOKIE_AGE <= 12 * HOUR


def test_29_minutes_idle_keeps_her_signed_in(staff: Staff, clock: Clock) -> None:
    client = signed_in(staff.kvinna_a)
    assert client.get("/personal/").status_code == 200
    clock.advance(29 * MINUTE)
    assert client.get("/personal/").status_code == 200


def test_31_minutes_idle_signs_her_out(staff: Staff, clock: Clock) -> None:
    client = signed_in(staff.kvinna_a)
    assert client.get("/personal/").status_code == 200
    clock.advance(31 * MINUTE)
    assert_signed_out_by_timeout(client)
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_OUT, actor=staff.kvinna_a).exists()


def test_idle_right_after_sign_in_counts_too(staff: Staff, clock: Clock) -> None:
    """No staff request at all since signing in: 31 minutes later she is out."""
    client = signed_in(staff.kvinna_a)
    clock.advance(31 * MINUTE)
    assert_signed_out_by_timeout(client)


def test_idle_timeout_applies_to_a_jour_page_and_account_pages(staff: Staff, clock: Clock) -> None:
    for url in (f"/personal/jour/{staff.jour_a.pk}/personal/", "/personal/konto/2fa/", "/en/personal/"):
        clock.reset()
        client = signed_in(staff.admin_a)
        assert client.get("/personal/").status_code == 200
        clock.advance(31 * MINUTE)
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] in (LOGIN, "/en" + LOGIN), url
        assert "_auth_user_id" not in client.session, url


def test_an_action_after_idle_does_not_run(staff: Staff, clock: Clock) -> None:
    from fristad.accounts.models import Membership

    client = signed_in(staff.admin_a)
    assert client.get("/personal/").status_code == 200
    clock.advance(31 * MINUTE)
    kvinna = Membership.objects.get(user=staff.kvinna_a, jour=staff.jour_a)
    response = client.post(f"/personal/jour/{staff.jour_a.pk}/personal/{kvinna.pk}/ta-bort/")
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert Membership.objects.filter(pk=kvinna.pk).exists()


def test_public_pages_do_not_count_as_activity(staff: Staff, clock: Clock) -> None:
    client = signed_in(staff.kvinna_a)
    assert client.get("/personal/").status_code == 200
    for _ in range(3):
        clock.advance(10 * MINUTE + 30)
        assert client.get("/").status_code == 200
    assert_signed_out_by_timeout(client)


def test_activity_every_20_minutes_lasts_until_12_hours(staff: Staff, clock: Clock) -> None:
    client = signed_in(staff.kvinna_a)
    assert client.get("/personal/").status_code == 200
    elapsed = 0
    while elapsed + 20 * MINUTE < 12 * HOUR:
        clock.advance(20 * MINUTE)
        elapsed += 20 * MINUTE
        assert client.get("/personal/").status_code == 200, elapsed / HOUR
    # 11 h 40 min now; one more request at 11 h 59 min is fine.
    clock.advance(19 * MINUTE)
    assert client.get("/personal/").status_code == 200
    # Past 12 hours she is out, although she was active a minute ago.
    clock.advance(2 * MINUTE)
    assert_signed_out_by_timeout(client)


def test_absolute_timeout_counts_from_sign_in_through_the_real_flow(staff: Staff, clock: Clock) -> None:
    """Signed in with password and code: the 12 hours start then, not at the first staff page."""
    remaining = 30 - int(time.time()) % 30
    if remaining < 6:
        time.sleep(remaining + 0.2)
    client = Client()
    client.post(LOGIN, {"login": "admin_b@staff.test", "password": STAFF_PASSWORD})
    response = client.post(
        "/personal/konto/2fa/authenticate/", {"code": totp_code(staff.totp_secrets["admin_b"])}
    )
    assert response.status_code == 302
    assert float(client.session[middleware.AUTH_AT]) == clock.now
    served = 0
    for _ in range(40):
        clock.advance(20 * MINUTE)
        response = client.get("/personal/")
        if response.status_code != 200:
            break
        served += 1
    assert served == 36  # the last at exactly 12 h
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


def test_a_new_sign_in_starts_a_new_12_hours(staff: Staff, clock: Clock) -> None:
    client = signed_in(staff.kvinna_a)
    for _ in range(36):
        clock.advance(20 * MINUTE)
        client.get("/personal/")
    clock.advance(MINUTE)
    assert_signed_out_by_timeout(client)
    client.force_login(staff.kvinna_a)
    assert float(client.session[middleware.AUTH_AT]) == clock.now
    for hour in range(11):
        for _ in range(3):
            clock.advance(20 * MINUTE)
            assert client.get("/personal/").status_code == 200, hour


def test_staff_responses_are_not_cached(staff: Staff) -> None:
    client = signed_in(staff.kvinna_a)
    response = client.get("/personal/")
    assert "no-store" in response["Cache-Control"]


# --- Cookies -------------------------------------------------------------------------


def test_session_cookie_is_httponly_and_samesite_strict(staff: Staff) -> None:
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Strict"
    assert settings.CSRF_COOKIE_SAMESITE == "Strict"
    assert settings.ACCOUNT_SESSION_REMEMBER is False
    client = Client()
    response = client.post(LOGIN, {"login": "kvinna_a@staff.test", "password": STAFF_PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == "/"
    assert not cookie["domain"]


def settings_in_subprocess(tmp_path: Path, **env: str) -> list[str]:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='fristad.settings'; django.setup(); "
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_NAME, s.CSRF_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE)"
    )
    full_env = {
        **{k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "SECURE_COOKIES")},
        "SECRET_KEY": "test-only-" + "x" * 50,
        "FRISTAD_VAR_DIR": str(tmp_path),
        **env,
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=full_env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_secure_cookies_get_the_host_prefix(tmp_path: Path) -> None:
    assert settings_in_subprocess(tmp_path, SECURE_COOKIES="true") == [
        "__Host-session",
        "True",
        "__Host-csrftoken",
        "True",
        "True",
        "Strict",
    ]


def test_without_secure_cookies_plain_names(tmp_path: Path) -> None:
    name, secure, csrf_name, csrf_secure, httponly, samesite = settings_in_subprocess(
        tmp_path, SECURE_COOKIES="false"
    )
    assert not name.startswith("__Host-") and not csrf_name.startswith("__Host-")
    assert (secure, csrf_secure, httponly, samesite) == ("False", "False", "True", "Strict")
