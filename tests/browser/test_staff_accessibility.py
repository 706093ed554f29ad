"""axe-core (WCAG 2.1 A and AA) on the staff pages, signed in as a coordinator and as the national office."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from fristad.accounts.models import Membership, Role
from fristad.accounts.selectors import pledge_current
from fristad.accounts.services import pledge_publish
from fristad.directory.models import Jour
from tests.browser.test_accessibility import AXE_RUN, describe
from tests.conftest import make_staff_user

pytestmark = pytest.mark.browser

WIDE = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > 321 || e.scrollWidth > e.clientWidth + 1)
  .slice(0, 5)
  .map(e => `${e.tagName} ${e.scrollWidth}/${e.clientWidth} ${(e.outerHTML || '').slice(0, 100)}`)"""


def signed_in_context(new_context: Any, axe_source: str, site: str, user: Any, width: int = 1024) -> Any:
    client = Client()
    client.force_login(user)
    context = new_context(viewport={"width": width, "height": 800})
    context.add_init_script(script=axe_source)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site}])
    return context


@pytest.fixture
def people(site: str) -> dict[str, Any]:
    if pledge_current() is None:  # a transactional test's flush removed the migration's version
        pledge_publish(text_sv="Jag lovar att tiga.", text_en="I promise to keep silent.")
    jour = Jour.objects.get(slug="stockholm")
    admin, _ = make_staff_user("samordnare@staff.test")
    Membership.objects.create(user=admin, role=Role.JOUR_ADMIN, jour=jour)
    national, _ = make_staff_user("kansliet@staff.test")
    Membership.objects.create(user=national, role=Role.NATIONAL_OFFICE)
    return {"admin": admin, "national": national, "jour": jour}


def check(page: Any, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    if "/konto/login/" not in url:
        assert "/konto/login/" not in page.url, f"{url} sent us to sign in"
    result = page.evaluate(AXE_RUN)
    assert not result["violations"], f"{url}\n{describe(result['violations'])}"


@pytest.mark.parametrize("width", [1024, 320])
def test_coordinator_pages(
    site: str, new_context: Any, axe_source: str, people: dict[str, Any], width: int
) -> None:
    page = signed_in_context(new_context, axe_source, site, people["admin"], width).new_page()
    jour_id = people["jour"].pk
    for path in (
        "/personal/",
        f"/personal/jour/{jour_id}/personal/",
        f"/personal/jour/{jour_id}/profil/",
        f"/personal/jour/{jour_id}/schema/",
        f"/personal/jour/{jour_id}/logg/",
        "/personal/kalender/",
        "/personal/tystnadslofte/",
        "/personal/konto/2fa/",
        "/en/personal/",
    ):
        check(page, f"{site}{path}")
        if width == 320:
            wide = page.evaluate(WIDE)
            assert page.evaluate("document.documentElement.scrollWidth") <= 320, (path, wide)


def test_national_office_pages(site: str, new_context: Any, axe_source: str, people: dict[str, Any]) -> None:
    page = signed_in_context(new_context, axe_source, site, people["national"]).new_page()
    for path in ("/personal/forbund/jourer/", "/personal/forbund/logg/"):
        check(page, f"{site}{path}")


@pytest.mark.parametrize("width", [1024, 360])
def test_national_network_pages(
    site: str, new_context: Any, axe_source: str, people: dict[str, Any], width: int
) -> None:
    """The network now and the coverage map (a DST week too): the page fits the width; the
    hour grid may scroll, inside its own labelled region."""
    page = signed_in_context(new_context, axe_source, site, people["national"], width).new_page()
    for path in (
        "/personal/forbund/natverket/",
        "/personal/forbund/tackning/",
        "/personal/forbund/tackning/?vecka=2026-W43&kanal=telefon",
        "/en/personal/forbund/tackning/?vecka=2027-W12",
    ):
        check(page, f"{site}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (path, page.evaluate(WIDE))


def test_sign_in_page(site: str, new_context: Any, axe_source: str) -> None:
    context = new_context()
    context.add_init_script(script=axe_source)
    page = context.new_page()
    check(page, f"{site}/personal/konto/login/")
