"""Staff forms posted by Chromium itself, not by Django's test client.

Under the public pages' ``Referrer-Policy: no-referrer`` a browser sends ``Origin: null``
with a form's POST, and Django's CSRF check refuses it; staff pages therefore send
``same-origin``. Only a real browser shows whether a form can be sent at all.
"""

from __future__ import annotations

from typing import Any

import pytest

from fristad.accounts.models import Membership, Role
from fristad.accounts.selectors import pledge_current
from fristad.accounts.services import pledge_publish
from fristad.directory.models import Jour
from tests.conftest import STAFF_PASSWORD, make_staff_user

pytestmark = pytest.mark.browser


@pytest.fixture
def coordinator(site: str) -> Any:
    if pledge_current() is None:  # a transactional test's flush removed the migration's version
        pledge_publish(text_sv="Jag lovar att tiga.", text_en="I promise to keep silent.")
    user, _ = make_staff_user("formular@staff.test")
    Membership.objects.create(user=user, role=Role.JOUR_ADMIN, jour=Jour.objects.get(slug="stockholm"))
    return user


def test_the_sign_in_form_posts_and_asks_for_the_second_factor(
    site: str, page: Any, coordinator: Any
) -> None:
    page.goto(f"{site}/personal/konto/login/")
    page.fill("input[name=login]", coordinator.email)
    page.fill("input[name=password]", STAFF_PASSWORD)
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.click("form button[type=submit]")
    response = posted.value
    assert response.request.header_value("origin") == site
    assert response.status in (200, 302), response.status
    page.wait_for_load_state()
    assert "/konto/2fa/authenticate/" in page.url, page.url


def test_staff_pages_send_their_referrer_to_their_own_site_only(site: str, page: Any) -> None:
    response = page.goto(f"{site}/personal/konto/login/")
    assert response.headers["referrer-policy"] == "same-origin"
    response = page.goto(f"{site}/")
    assert response.headers["referrer-policy"] == "no-referrer"
