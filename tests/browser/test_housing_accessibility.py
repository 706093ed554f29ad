"""axe-core (WCAG 2.1 A and AA) on the housing pages, for the jour's coordinator and for a
caseworker, at 1024 and 320 px (no sideways scrolling on a phone), including a search with
results, a form with errors and a request with its answer."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

import pytest

from fristad.accounts.models import Membership, Role
from fristad.accounts.selectors import pledge_current
from fristad.accounts.services import pledge_publish
from fristad.directory.models import Jour
from fristad.geo.models import Municipality
from fristad.housing import services
from fristad.housing.matching import Child
from tests.browser.test_accessibility import AXE_RUN, describe
from tests.browser.test_staff_accessibility import WIDE, check, signed_in_context
from tests.conftest import make_staff_user
from tests.housing_helpers import make_unit, send_request

pytestmark = pytest.mark.browser


@pytest.fixture
def world(site: str) -> dict[str, Any]:
    if pledge_current() is None:  # a transactional test's flush removed the migration's version
        pledge_publish(text_sv="Jag lovar att tiga.", text_en="I promise to keep silent.")
    jour = Jour.objects.get(slug="stockholm")
    other = Jour.objects.get(slug="malmo")
    admin, _ = make_staff_user("samordnare@staff.test")
    Membership.objects.create(user=admin, role=Role.JOUR_ADMIN, jour=jour)
    caseworker, _ = make_staff_user("socialsekreterare@staff.test")
    Membership.objects.create(
        user=caseworker, role=Role.CASEWORKER, municipality=Municipality.objects.get(code="0180")
    )
    unit = make_unit(jour, admin, name="Tallen", son_age_limit=12, languages=["sv", "ar"])
    make_unit(
        other, admin, name="Eken", permit_status="applied", permit_number="", wheelchair_accessible=True
    )
    answered = send_request(caseworker, [unit], reference="IFO-2026-0001")
    stay = services.request_item_accept(actor=admin, item=answered.items.get(), start=date.today()).stay
    pending = send_request(caseworker, [unit], reference="IFO-2026-0002")
    services.turned_away_log(jour=jour, day=date.today(), reason="lack_of_space", women=1, children=2)
    services.stay_create_own(
        actor=admin, jour=jour, unit=unit, adults=1, children=[Child(2, "girl")], start=date.today()
    )
    return {
        "admin": admin,
        "caseworker": caseworker,
        "jour": jour,
        "unit": unit,
        "stay": stay,
        "item": pending.items.get(),
        "answered": answered,
    }


def assert_fits(page: Any, path: str) -> None:
    wide = page.evaluate(WIDE)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, (path, wide)


@pytest.mark.parametrize("width", [1024, 320])
def test_jour_housing_pages(
    site: str, new_context: Any, axe_source: str, world: dict[str, Any], width: int
) -> None:
    page = signed_in_context(new_context, axe_source, site, world["admin"], width).new_page()
    jour = world["jour"].pk
    base = f"/personal/boende/jour/{jour}"
    for path in (
        f"{base}/",
        f"{base}/enhet/ny/",
        f"{base}/enhet/{world['unit'].pk}/",
        f"{base}/forfragningar/",
        f"{base}/forfragningar/{world['item'].pk}/",
        f"{base}/placeringar/",
        f"{base}/placeringar/?avslutade=1",
        f"{base}/placeringar/ny/",
        f"{base}/placeringar/{world['stay'].pk}/",
        f"{base}/avvisade/",
        f"/en{base}/",
    ):
        check(page, f"{site}{path}")
        if width == 320:
            assert_fits(page, path)
    # A form sent with errors: the messages are tied to their fields.
    page.goto(f"{site}{base}/avvisade/")
    page.fill("#id_day", "2999-01-01")
    page.fill("#id_women", "0")
    page.click("form.search button[type=submit]")
    assert page.locator("[aria-invalid=true]").count() >= 2
    result = page.evaluate(AXE_RUN)
    assert not result["violations"], describe(result["violations"])


@pytest.mark.parametrize("width", [1024, 320])
def test_caseworker_pages(
    site: str, new_context: Any, axe_source: str, world: dict[str, Any], width: int
) -> None:
    page = signed_in_context(new_context, axe_source, site, world["caseworker"], width).new_page()
    base = "/personal/boende/kommun/0180"
    query = urlencode(
        {
            "adults": "1",
            "barn-TOTAL_FORMS": "4",
            "barn-INITIAL_FORMS": "0",
            "barn-0-age": "14",
            "barn-0-sex": "boy",
            "wheelchair": "on",
            "earliest": date.today().isoformat(),
            "band": "any",
        }
    )
    for path in (
        "/personal/",
        f"{base}/sok/",
        f"{base}/sok/?{query}",
        f"{base}/sok/?adults=0&barn-TOTAL_FORMS=4&barn-INITIAL_FORMS=0&barn-0-age=-2&earliest=2001-01-01",
        f"{base}/forfragan/?{query}&unit={world['unit'].pk}",
        f"{base}/forfragningar/",
        f"{base}/forfragningar/{world['answered'].pk}/",
        f"/en{base}/sok/?{query}",
    ):
        check(page, f"{site}{path}")
        if width == 320:
            assert_fits(page, path)
